// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/dlib_hog_baseline.h"

#include <algorithm>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <stdexcept>

namespace rnnpool::eval {

namespace {

constexpr double kCandidateScore = -0.5; // adjust_threshold: candidates below dlib's 0 for AP
constexpr int kUpsample = 2;

float median(std::vector<float> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

} // namespace

struct DlibHogBaseline::Detector {
  dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
};

DlibHogBaseline::DlibHogBaseline(std::optional<DlibBoxMapping> mapping)
    : detector_(std::make_unique<Detector>()), mapping_(mapping) {}

DlibHogBaseline::~DlibHogBaseline() = default;

std::vector<Detection> DlibHogBaseline::detect_raw(const cv::Mat &bgr) {
  cv::Mat up;
  cv::resize(bgr, up, cv::Size(), kUpsample, kUpsample, cv::INTER_LINEAR);
  const dlib::cv_image<dlib::bgr_pixel> image(up);
  std::vector<dlib::rect_detection> found;
  detector_->hog(image, found, kCandidateScore);
  std::vector<Detection> out;
  for (const dlib::rect_detection &d : found) {
    const float s = 1.0f / kUpsample;
    out.push_back({float(d.rect.left()) * s, float(d.rect.top()) * s, float(d.rect.right() + 1) * s,
                   float(d.rect.bottom() + 1) * s, float(d.detection_confidence)});
  }
  return out;
}

std::vector<Detection> DlibHogBaseline::detect(const cv::Mat &bgr) {
  std::vector<Detection> out = detect_raw(bgr);
  if (!mapping_) return out;
  for (Detection &d : out) {
    const float side = 0.5f * ((d.x2 - d.x1) + (d.y2 - d.y1));
    const float cx = 0.5f * (d.x1 + d.x2) + mapping_->centre_dx * side;
    const float cy = 0.5f * (d.y1 + d.y2) + mapping_->centre_dy * side;
    const float half = 0.5f * mapping_->side_scale * side;
    d.x1 = cx - half;
    d.x2 = cx + half;
    d.y1 = cy - half;
    d.y2 = cy + half;
  }
  return out;
}

std::string DlibHogBaseline::description() const {
  std::ostringstream s;
  s << "dlib 19.24 HOG frontal_face_detector, image upsampled 2x, candidates >= -0.5, reported > 0";
  if (mapping_)
    s << "; boxes mapped to the labels (side x" << mapping_->side_scale << ", centre +("
      << mapping_->centre_dx << ", " << mapping_->centre_dy << ") x side, measured on "
      << mapping_->frames << " training frames)";
  else
    s << "; raw dlib boxes";
  return s.str();
}

DlibBoxMapping measure_dlib_box_mapping(DlibHogBaseline &detector, const std::string &dataset_dir,
                                        const std::vector<DatasetImage> &images, int max_frames) {
  std::vector<const DatasetImage *> labelled;
  for (const DatasetImage &im : images)
    if (im.boxes.size() == 1) labelled.push_back(&im);
  const std::size_t n =
      std::min<std::size_t>(labelled.size(), std::size_t(std::max(max_frames, 1)));
  std::vector<float> scale, dx, dy;
  for (std::size_t i = 0; i < n; ++i) {
    const DatasetImage &im = *labelled[i * labelled.size() / n];
    const cv::Mat bgr = cv::imread((std::filesystem::path(dataset_dir) / im.path).string());
    if (bgr.empty()) throw std::runtime_error("cannot read " + im.path + " in " + dataset_dir);
    const Box &label = im.boxes[0];
    const float lcx = 0.5f * (label.x1 + label.x2), lcy = 0.5f * (label.y1 + label.y2);
    const Detection *best = nullptr;
    float best_iou = 0.0f;
    const std::vector<Detection> found = detector.detect_raw(bgr);
    for (const Detection &d : found) {
      if (d.score <= detector.operating_threshold()) continue;
      const float cx = 0.5f * (d.x1 + d.x2), cy = 0.5f * (d.y1 + d.y2);
      if (cx < label.x1 || cx > label.x2 || cy < label.y1 || cy > label.y2) continue;
      const float o = iou(label, Box{d.x1, d.y1, d.x2, d.y2});
      if (o > best_iou) best_iou = o, best = &d;
    }
    if (!best) continue;
    const float side = 0.5f * ((best->x2 - best->x1) + (best->y2 - best->y1));
    const float label_side = 0.5f * ((label.x2 - label.x1) + (label.y2 - label.y1));
    scale.push_back(label_side / side);
    dx.push_back((lcx - 0.5f * (best->x1 + best->x2)) / side);
    dy.push_back((lcy - 0.5f * (best->y1 + best->y2)) / side);
  }
  if (scale.size() < 10)
    throw std::runtime_error("dlib box mapping: only " + std::to_string(scale.size()) + " of " +
                             std::to_string(n) + " frames had a dlib face on the label");
  return {median(scale), median(dx), median(dy), int(scale.size())};
}

} // namespace rnnpool::eval
