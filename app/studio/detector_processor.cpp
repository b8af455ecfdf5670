// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/detector_processor.h"

namespace rnnpool {

FrameResult DetectorProcessor::process(const cv::Mat &frame, float score_threshold) {
  const DetectionResult detected = detector_.detect(frame, score_threshold);
  FrameResult result;
  result.frame = frame;
  result.boxes.reserve(detected.boxes.size());
  for (const Detection &d : detected.boxes)
    result.boxes.push_back({d.x1, d.y1, d.x2, d.y2, d.score});
  result.latency_ms = detected.timing.total_ms;
  if (const Executor *executor = detector_.executor()) result.layer_ms = executor->layer_ms();
  return result;
}

} // namespace rnnpool
