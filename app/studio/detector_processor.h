// SPDX-License-Identifier: GPL-3.0-or-later
// The float FaceDetector as the detection thread's FrameProcessor: boxes in frame pixels, the
// whole call's latency and the executor's per-layer times for the layer table.
#pragma once

#include "core/detect/detector.h"
#include "widgets/pipeline/frame_result.h"

namespace rnnpool {

class DetectorProcessor : public FrameProcessor {
public:
  // Throws std::invalid_argument when the model is not a face detector.
  explicit DetectorProcessor(LoadedModel model) : detector_(std::move(model)) {}
  FrameResult process(const cv::Mat &frame, float score_threshold) override;

private:
  FaceDetector detector_;
};

} // namespace rnnpool
