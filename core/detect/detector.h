// SPDX-License-Identifier: GPL-3.0-or-later
// Face detection end to end: preprocess, run the graph, decode, NMS, map boxes back to the
// original image. The graph is rebuilt (weights shared by value) when an image needs another
// network input size.
#pragma once

#include "core/detect/decode.h"
#include "core/detect/preprocess.h"
#include "core/io/model_file.h"
#include "core/model/executor.h"

#include <memory>
#include <opencv2/core.hpp>

namespace rnnpool {

struct DetectionTiming {
  double preprocess_ms = 0;
  double inference_ms = 0;
  double postprocess_ms = 0;
  double total_ms = 0;
};

struct DetectionResult {
  std::vector<Detection> boxes; // original image pixels, clipped to [0, W] x [0, H], best first
  DetectionTiming timing;
  Shape network_input; // the preprocessed size the graph ran at
};

class FaceDetector {
public:
  // Throws std::invalid_argument unless the model is a face detector this code can decode.
  explicit FaceDetector(LoadedModel model);
  // The executor refers to graph_, so a detector stays where it was made.
  FaceDetector(const FaceDetector &) = delete;
  FaceDetector &operator=(const FaceDetector &) = delete;

  // Boxes with score > manifest.score_threshold.
  DetectionResult detect(const cv::Mat &image);
  // Boxes with score > threshold (in [0, 1]).
  DetectionResult detect(const cv::Mat &image, float threshold);

  const LoadedModel &model() const { return model_; }
  // The executor of the last detect() (per-layer tensors and timings); null before the first.
  const Executor *executor() const { return executor_.get(); }

private:
  void prepare(Shape input);

  LoadedModel model_;
  Graph graph_; // model_.graph at the current input size; executor_ refers to it
  std::unique_ptr<Executor> executor_;
  std::vector<Prior> priors_;
};

} // namespace rnnpool
