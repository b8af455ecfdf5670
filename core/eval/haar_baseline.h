// SPDX-License-Identifier: GPL-3.0-or-later
// Baseline: OpenCV's Haar cascade haarcascade_frontalface_alt2, run as the dataset's labelling
// teacher runs it (tools/dataset/teacher.py: equalised grayscale, scale 1.1, 4 neighbours,
// minimum 20 px), so its boxes follow the labels' convention. Scores are the cascade's level
// weights (detectMultiScale3 with outputRejectLevels): they only rank the boxes; every box the
// cascade reports counts as a detection.
#pragma once

#include "core/eval/eval_detector.h"

#include <opencv2/objdetect.hpp>

namespace rnnpool::eval {

inline constexpr const char *kHaarAlt2Path =
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";

class HaarBaseline : public EvalDetector {
public:
  // Throws std::runtime_error naming the file when the cascade cannot be loaded.
  explicit HaarBaseline(const std::string &cascade_path = kHaarAlt2Path);

  std::string name() const override { return "haar-alt2"; }
  std::vector<Detection> detect(const cv::Mat &bgr) override;
  float operating_threshold() const override;
  std::string description() const override;

private:
  cv::CascadeClassifier cascade_;
};

} // namespace rnnpool::eval
