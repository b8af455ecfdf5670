// SPDX-License-Identifier: GPL-3.0-or-later
// What the evaluation needs from any face detector (ours or a baseline): a name, every candidate
// box with a score to rank by, and the score above which a box counts as reported.
#pragma once

#include "core/detect/decode.h"

#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace rnnpool::eval {

class EvalDetector {
public:
  virtual ~EvalDetector() = default;
  virtual std::string name() const = 0;
  // Candidates in image pixels with scores (ranked for AP): all the detector keeps above its low
  // candidate threshold. `bgr` is an 8-bit BGR image.
  virtual std::vector<Detection> detect(const cv::Mat &bgr) = 0;
  // A candidate with score > this is a reported detection (recall, precision, FP per image).
  virtual float operating_threshold() const = 0;
  // One line on how it was run (settings, thresholds), for reports.
  virtual std::string description() const = 0;
};

} // namespace rnnpool::eval
