// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_detector.h"

#include <algorithm>
#include <chrono>

namespace rnnpool::quant {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

} // namespace

QuantizedFaceDetector::QuantizedFaceDetector(QuantizedModel model) : model_(std::move(model)) {
  if (!model_.manifest_json.empty())
    manifest_ = parse_manifest(model_.manifest_json, "quantized model manifest");
  manifest_.mean = static_cast<float>(model_.mean);
}

void QuantizedFaceDetector::prepare(Shape input) {
  if (executor_ && current_->input == input) return;
  executor_.reset();
  current_ = std::make_unique<QuantizedModel>(
      input == model_.input ? model_ : with_input_shape(model_, input));
  std::vector<Shape> head_maps;
  for (const QConv &c : current_->conf)
    head_maps.push_back({c.dims.out_h, c.dims.out_w, 2});
  priors_ = make_priors(head_maps, face_m4_anchors(), input.w, input.h);
  executor_ = std::make_unique<QuantizedExecutor>(*current_);
}

DetectionResult QuantizedFaceDetector::detect(const cv::Mat &image) {
  return detect(image, manifest_.score_threshold);
}

DetectionResult QuantizedFaceDetector::detect(const cv::Mat &image, float threshold) {
  const Clock::time_point start = Clock::now();
  const ModelManifest &m = manifest_;
  DetectionResult result;
  const PreprocessedImage pre =
      preprocess(image, PreprocessConfig{m.input_width, m.input_height, m.mean});
  prepare(pre.input.shape());
  result.network_input = pre.input.shape();
  const std::vector<std::uint8_t> frame = frame_from_input(pre.input, model_.mean);
  result.timing.preprocess_ms = ms_since(start);

  const Clock::time_point infer = Clock::now();
  executor_->run(frame);
  result.timing.inference_ms = ms_since(infer);

  const Clock::time_point post = Clock::now();
  std::vector<Tensor> loc, conf;
  std::vector<HeadOutput> heads;
  for (int k = 0; k < RP_FACE_HEADS; ++k) {
    loc.push_back(executor_->dequantized("loc." + std::to_string(k)));
    conf.push_back(executor_->dequantized("conf." + std::to_string(k)));
  }
  for (int k = 0; k < RP_FACE_HEADS; ++k)
    heads.push_back({loc[k].values(), conf[k].values(), conf[k].c()});
  const NmsConfig nms{m.candidate_threshold, m.nms_iou, m.top_k, m.keep_top_k};
  const float W = float(pre.original_width), H = float(pre.original_height);
  for (const Detection &d : decode_detections(heads, priors_, nms)) {
    if (!(d.score > threshold)) continue;
    result.boxes.push_back({std::clamp(d.x1 * W, 0.0f, W), std::clamp(d.y1 * H, 0.0f, H),
                            std::clamp(d.x2 * W, 0.0f, W), std::clamp(d.y2 * H, 0.0f, H), d.score});
  }
  result.timing.postprocess_ms = ms_since(post);
  result.timing.total_ms = ms_since(start);
  return result;
}

} // namespace rnnpool::quant
