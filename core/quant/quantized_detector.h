// SPDX-License-Identifier: GPL-3.0-or-later
// Face detection through the integer path: the image is preprocessed as for the float model,
// rounded to the uint8 frame the device would receive, run through the C kernels, and the int16
// head outputs are dequantized and decoded exactly as the float detector does.
#pragma once

#include "core/detect/detector.h"
#include "core/io/model_file.h"
#include "core/quant/quantized_executor.h"

#include <memory>

namespace rnnpool::quant {

class QuantizedFaceDetector {
public:
  // Detection settings come from the manifest stored in the quantized file (defaults if none).
  explicit QuantizedFaceDetector(QuantizedModel model);
  QuantizedFaceDetector(const QuantizedFaceDetector &) = delete;
  QuantizedFaceDetector &operator=(const QuantizedFaceDetector &) = delete;

  DetectionResult detect(const cv::Mat &image);
  DetectionResult detect(const cv::Mat &image, float threshold);

  const ModelManifest &manifest() const { return manifest_; }
  // The executor of the last detect() (per-layer raw integers); null before the first.
  const QuantizedExecutor *executor() const { return executor_.get(); }
  // The model at the current input size (what the executor runs).
  const QuantizedModel &current_model() const { return *current_; }

private:
  void prepare(Shape input);

  QuantizedModel model_;
  ModelManifest manifest_;
  std::unique_ptr<QuantizedModel> current_;
  std::unique_ptr<QuantizedExecutor> executor_;
  std::vector<Prior> priors_;
};

} // namespace rnnpool::quant
