// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/haar_baseline.h"

#include <filesystem>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace rnnpool::eval {

HaarBaseline::HaarBaseline(const std::string &cascade_path) {
  // Checked first: OpenCV would log its own error line for a missing file.
  if (!std::filesystem::is_regular_file(cascade_path) || !cascade_.load(cascade_path))
    throw std::runtime_error("cannot load Haar cascade '" + cascade_path +
                             "' (install Debian opencv-data)");
}

std::vector<Detection> HaarBaseline::detect(const cv::Mat &bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<cv::Rect> faces;
  std::vector<int> levels;
  std::vector<double> weights;
  cascade_.detectMultiScale(gray, faces, levels, weights, 1.1, 4, 0, cv::Size(20, 20), cv::Size(),
                            /*outputRejectLevels=*/true);
  std::vector<Detection> out;
  for (std::size_t i = 0; i < faces.size(); ++i) {
    const cv::Rect &r = faces[i];
    out.push_back({float(r.x), float(r.y), float(r.x + r.width), float(r.y + r.height),
                   i < weights.size() ? float(weights[i]) : 0.0f});
  }
  return out;
}

float HaarBaseline::operating_threshold() const {
  return -std::numeric_limits<float>::infinity(); // the cascade's own output is its operating point
}

std::string HaarBaseline::description() const {
  return "OpenCV Haar frontalface_alt2, equalised gray, scale 1.1, 4 neighbours, min 20 px; "
         "ranked by level weight, every box reported";
}

} // namespace rnnpool::eval
