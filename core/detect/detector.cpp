// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/detect/detector.h"

#include "core/model/shape_inference.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace rnnpool {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

} // namespace

FaceDetector::FaceDetector(LoadedModel model) : model_(std::move(model)) {
  if (model_.graph.architecture != "rnnpool-face-m4")
    throw std::invalid_argument("FaceDetector: architecture '" + model_.graph.architecture +
                                "' is not a face detector");
  if (model_.graph.outputs.size() != 2 * face_m4_anchors().size())
    throw std::invalid_argument("FaceDetector: expected loc/conf outputs for 4 heads");
}

void FaceDetector::prepare(Shape input) {
  if (executor_ && graph_.input_shape == input) return;
  executor_.reset();
  graph_ = model_.graph; // parameters do not depend on the input size
  graph_.input_shape = input;
  const std::map<std::string, Shape> shapes = infer_shapes(graph_);
  std::vector<Shape> head_maps;
  for (std::size_t k = 1; k < graph_.outputs.size(); k += 2)
    head_maps.push_back(shapes.at(graph_.outputs[k]));
  const std::vector<HeadAnchor> anchors = face_m4_anchors();
  priors_ = make_priors(head_maps, anchors, input.w, input.h);
  executor_ = std::make_unique<Executor>(graph_);
}

DetectionResult FaceDetector::detect(const cv::Mat &image) {
  return detect(image, model_.manifest.score_threshold);
}

DetectionResult FaceDetector::detect(const cv::Mat &image, float threshold) {
  const Clock::time_point start = Clock::now();
  const ModelManifest &m = model_.manifest;
  DetectionResult result;

  const PreprocessedImage pre =
      preprocess(image, PreprocessConfig{m.input_width, m.input_height, m.mean});
  prepare(pre.input.shape());
  result.network_input = pre.input.shape();
  result.timing.preprocess_ms = ms_since(start);

  const Clock::time_point infer = Clock::now();
  executor_->run(pre.input);
  result.timing.inference_ms = ms_since(infer);

  const Clock::time_point post = Clock::now();
  std::vector<HeadOutput> heads;
  for (std::size_t k = 0; k + 1 < graph_.outputs.size(); k += 2) {
    const Tensor &loc = executor_->tensor(graph_.outputs[k]);
    const Tensor &conf = executor_->tensor(graph_.outputs[k + 1]);
    heads.push_back({loc.values(), conf.values(), conf.c()});
  }
  const NmsConfig nms{m.candidate_threshold, m.nms_iou, m.top_k, m.keep_top_k};
  const float W = float(pre.original_width), H = float(pre.original_height);
  for (const Detection &d : decode_detections(heads, priors_, nms)) {
    if (!(d.score > threshold)) continue;
    // Normalised input coordinates map to the original image by its own size (the reference's
    // scale = [w, h, w, h]), which also undoes the per-axis rounding of the resize.
    result.boxes.push_back({std::clamp(d.x1 * W, 0.0f, W), std::clamp(d.y1 * H, 0.0f, H),
                            std::clamp(d.x2 * W, 0.0f, W), std::clamp(d.y2 * H, 0.0f, H), d.score});
  }
  result.timing.postprocess_ms = ms_since(post);
  result.timing.total_ms = ms_since(start);
  return result;
}

} // namespace rnnpool
