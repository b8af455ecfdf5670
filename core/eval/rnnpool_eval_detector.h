// SPDX-License-Identifier: GPL-3.0-or-later
// Our RNNPool-Face-M4 (float FaceDetector, or the integer QuantizedFaceDetector) seen through the
// evaluation's EvalDetector interface: candidates are the boxes above the manifest's candidate
// threshold (0.05 by the spec), the operating threshold is the manifest's score threshold unless
// one is given.
#pragma once

#include "core/detect/detector.h"
#include "core/eval/eval_detector.h"
#include "core/quant/quantized_detector.h"

#include <optional>

namespace rnnpool::eval {

class RnnpoolEvalDetector : public EvalDetector {
public:
  RnnpoolEvalDetector(LoadedModel model, std::string source, std::optional<float> threshold);

  std::string name() const override { return "rnnpool-face-m4"; }
  std::vector<Detection> detect(const cv::Mat &bgr) override;
  float operating_threshold() const override { return threshold_; }
  std::string description() const override;

private:
  FaceDetector detector_;
  std::string source_;
  float threshold_;
};

class QuantizedRnnpoolEvalDetector : public EvalDetector {
public:
  QuantizedRnnpoolEvalDetector(quant::QuantizedModel model, std::string source,
                               std::optional<float> threshold);

  std::string name() const override { return "rnnpool-face-m4-int8"; }
  std::vector<Detection> detect(const cv::Mat &bgr) override;
  float operating_threshold() const override { return threshold_; }
  std::string description() const override;

private:
  quant::QuantizedFaceDetector detector_;
  std::string source_;
  float threshold_;
};

} // namespace rnnpool::eval
