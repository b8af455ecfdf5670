// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/rnnpool_eval_detector.h"

#include <sstream>

namespace rnnpool::eval {
namespace {

std::string describe(const std::string &what, const std::string &source, const ModelManifest &m,
                     float threshold) {
  std::ostringstream s;
  s << what << " " << source << ": candidates > " << m.candidate_threshold << ", NMS " << m.nms_iou
    << ", reported > " << threshold;
  return s.str();
}

} // namespace

RnnpoolEvalDetector::RnnpoolEvalDetector(LoadedModel model, std::string source,
                                         std::optional<float> threshold)
    : detector_(std::move(model)), source_(std::move(source)),
      threshold_(threshold.value_or(detector_.model().manifest.score_threshold)) {}

std::vector<Detection> RnnpoolEvalDetector::detect(const cv::Mat &bgr) {
  return detector_.detect(bgr, detector_.model().manifest.candidate_threshold).boxes;
}

std::string RnnpoolEvalDetector::description() const {
  return describe("float model", source_, detector_.model().manifest, threshold_);
}

QuantizedRnnpoolEvalDetector::QuantizedRnnpoolEvalDetector(quant::QuantizedModel model,
                                                           std::string source,
                                                           std::optional<float> threshold)
    : detector_(std::move(model)), source_(std::move(source)),
      threshold_(threshold.value_or(detector_.manifest().score_threshold)) {}

std::vector<Detection> QuantizedRnnpoolEvalDetector::detect(const cv::Mat &bgr) {
  return detector_.detect(bgr, detector_.manifest().candidate_threshold).boxes;
}

std::string QuantizedRnnpoolEvalDetector::description() const {
  return describe("integer model", source_, detector_.manifest(), threshold_);
}

} // namespace rnnpool::eval
