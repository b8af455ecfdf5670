// SPDX-License-Identifier: GPL-3.0-or-later
// Baseline: dlib's HOG + linear-SVM frontal face detector (Debian libdlib-dev 19.24; the model is
// compiled into the header, no data file), run as dlib's face_detection_ex runs it: the image
// upsampled once (2x) so that faces down to ~40 px are found. Candidates are kept down to SVM
// score -0.5 for ranking; a box is reported when its score is > 0 (dlib's default).
// dlib's boxes are tighter than the labels' haar-square convention (eyebrows to upper lip), so
// they are mapped to it with a DlibBoxMapping measured on the training identity's video frames,
// as BlazeFace's boxes are with the dataset's box_convention. Built only when CMake finds dlib
// (RNNPOOL_HAVE_DLIB).
#pragma once

#include "core/eval/dataset.h"
#include "core/eval/eval_detector.h"

#include <memory>
#include <optional>

namespace rnnpool::eval {

// label square side = side_scale * mean(dlib w, h); label centre = dlib centre + (dx, dy) * that
// dlib side.
struct DlibBoxMapping {
  float side_scale = 1.0f;
  float centre_dx = 0.0f;
  float centre_dy = 0.0f;
  int frames = 0; // how many labelled frames it was measured on
};

class DlibHogBaseline : public EvalDetector {
public:
  // Without `mapping` the raw dlib boxes are returned.
  explicit DlibHogBaseline(std::optional<DlibBoxMapping> mapping = std::nullopt);
  ~DlibHogBaseline() override;

  std::string name() const override { return "dlib-hog"; }
  std::vector<Detection> detect(const cv::Mat &bgr) override;
  float operating_threshold() const override { return 0.0f; }
  std::string description() const override;

  // Maps detect()'s boxes from now on (measure_dlib_box_mapping uses detect_raw, so a detector
  // can measure its own mapping).
  void set_mapping(const DlibBoxMapping &mapping) { mapping_ = mapping; }

  // dlib's own boxes (no mapping), scores as detect().
  std::vector<Detection> detect_raw(const cv::Mat &bgr);

private:
  struct Detector;
  std::unique_ptr<Detector> detector_;
  std::optional<DlibBoxMapping> mapping_;
};

// Measures the mapping on up to `max_frames` images of `images` (evenly spread; use the training
// split's video frames, one labelled face each): per frame, the reported raw box whose centre lies
// inside the label and that overlaps it most; the medians of side ratio and centre offsets.
// Throws std::runtime_error when fewer than 10 frames give a match.
DlibBoxMapping measure_dlib_box_mapping(DlibHogBaseline &detector, const std::string &dataset_dir,
                                        const std::vector<DatasetImage> &images, int max_frames);

} // namespace rnnpool::eval
