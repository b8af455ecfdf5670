// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace rnnpool {

struct DetectedBox {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0; // original frame pixels
  float score = 0;
};

// What the GUI shows for one processed frame.
struct FrameResult {
  std::int64_t frame_index = -1;
  cv::Mat frame; // BGR, as captured
  std::vector<DetectedBox> boxes;
  double latency_ms = 0.0;      // whole detector call: pre-processing, network, post-processing
  std::vector<double> layer_ms; // per layer, in graph order (empty when unknown)
};

// Runs the detector on one frame. Implementations own their model and buffers; one instance is
// only ever called from the detection thread.
class FrameProcessor {
public:
  virtual ~FrameProcessor() = default;
  virtual FrameResult process(const cv::Mat &frame, float score_threshold) = 0;
};

} // namespace rnnpool
