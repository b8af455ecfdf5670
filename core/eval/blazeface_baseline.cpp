// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/blazeface_baseline.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <stdexcept>

namespace rnnpool::eval {
namespace {

constexpr int kInputSide = 128;
constexpr int kRegressors = 16; // box (dx, dy, w, h) then 6 key points

std::vector<cv::Point2f> blazeface_anchors() {
  std::vector<cv::Point2f> out;
  for (const auto &[cells, per_cell] : {std::pair{16, 2}, std::pair{8, 6}})
    for (int y = 0; y < cells; ++y)
      for (int x = 0; x < cells; ++x)
        for (int a = 0; a < per_cell; ++a)
          out.emplace_back((x + 0.5f) / cells, (y + 0.5f) / cells);
  return out;
}

float sigmoid(float v) {
  return 1.0f / (1.0f + std::exp(-std::clamp(v, -50.0f, 50.0f)));
}

} // namespace

Detection blaze_to_label(const Detection &b, const BoxConvention &c) {
  const float cx = (b.x1 + b.x2) / 2, bside = ((b.x2 - b.x1) + (b.y2 - b.y1)) / 2;
  const float cy = (b.y1 + b.y2) / 2 + c.blaze_centre_dy * bside;
  const float half = c.blaze_side_scale * bside / 2;
  return {cx - half, cy - half, cx + half, cy + half, b.score};
}

BlazeFaceBaseline::BlazeFaceBaseline(const std::string &onnx_path,
                                     std::optional<BoxConvention> convention,
                                     BlazeFaceConfig config)
    : convention_(std::move(convention)), config_(config), anchors_(blazeface_anchors()) {
  if (!std::filesystem::is_regular_file(onnx_path))
    throw std::runtime_error("cannot load BlazeFace ONNX '" + onnx_path + "': no such file");
  try {
    net_ = cv::dnn::readNetFromONNX(onnx_path);
  } catch (const cv::Exception &e) {
    throw std::runtime_error("cannot load BlazeFace ONNX '" + onnx_path + "': " + e.msg);
  }
  if (net_.empty()) throw std::runtime_error("cannot load BlazeFace ONNX '" + onnx_path + "'");
}

std::vector<Detection> BlazeFaceBaseline::detect(const cv::Mat &bgr) {
  // Letterbox: the image centred on a black square, offsets rounded down as the teacher's // 2.
  const int side = std::max(bgr.cols, bgr.rows);
  const int ox = (side - bgr.cols) / 2, oy = (side - bgr.rows) / 2;
  cv::Mat square = cv::Mat::zeros(side, side, CV_8UC3);
  bgr.copyTo(square(cv::Rect(ox, oy, bgr.cols, bgr.rows)));
  cv::Mat small, rgb;
  cv::resize(square, small, cv::Size(kInputSide, kInputSide), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
  const int dims[] = {1, kInputSide, kInputSide, 3}; // NHWC, as the ONNX graph wants
  cv::Mat blob(4, dims, CV_32F);
  rgb.reshape(1, 1).convertTo(cv::Mat(1, kInputSide * kInputSide * 3, CV_32F, blob.ptr<float>()),
                              CV_32F, 1.0 / 127.5, -1.0);
  net_.setInput(blob);
  std::vector<cv::Mat> outs;
  net_.forward(
      outs, std::vector<cv::String>{"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"});
  if (outs.size() != 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
      outs[2].total() != 512 * kRegressors || outs[3].total() != 384 * kRegressors)
    throw std::runtime_error("BlazeFace ONNX: unexpected output shapes");

  std::vector<Box> boxes;
  std::vector<float> scores;
  std::size_t anchor = 0;
  for (int part = 0; part < 2; ++part) {
    const float *s = outs[part].ptr<float>();
    const float *r = outs[part + 2].ptr<float>();
    const std::size_t n = outs[part].total();
    for (std::size_t i = 0; i < n; ++i, ++anchor) {
      const float score = sigmoid(s[i]);
      if (!(score > config_.candidate_threshold)) continue;
      const float *d = r + i * kRegressors;
      const float cx = anchors_[anchor].x + d[0] / kInputSide;
      const float cy = anchors_[anchor].y + d[1] / kInputSide;
      const float w = d[2] / kInputSide, h = d[3] / kInputSide;
      boxes.push_back({(cx - w / 2) * side - ox, (cy - h / 2) * side - oy, (cx + w / 2) * side - ox,
                       (cy + h / 2) * side - oy});
      scores.push_back(score);
    }
  }
  const NmsConfig nms_config{config_.candidate_threshold, config_.nms_iou, int(anchors_.size()),
                             int(anchors_.size())};
  std::vector<Detection> out;
  for (const std::size_t i : nms(boxes, scores, nms_config)) {
    const Detection d{boxes[i].x1, boxes[i].y1, boxes[i].x2, boxes[i].y2, scores[i]};
    out.push_back(convention_ ? blaze_to_label(d, *convention_) : d);
  }
  return out;
}

std::string BlazeFaceBaseline::description() const {
  std::ostringstream s;
  s << "BlazeFace front 128x128 (OpenCV DNN), letterboxed, NMS " << config_.nms_iou
    << ", candidates > " << config_.candidate_threshold << ", reported > "
    << config_.operating_threshold;
  if (convention_)
    s << "; boxes mapped to '" << convention_->name << "' (side x" << convention_->blaze_side_scale
      << ", centre dy " << convention_->blaze_centre_dy << ")";
  else
    s << "; raw BlazeFace boxes (the dataset has no box_convention)";
  return s.str();
}

} // namespace rnnpool::eval
