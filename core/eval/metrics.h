// SPDX-License-Identifier: GPL-3.0-or-later
// Detection metrics over a set of images: recall and precision at an operating threshold, VOC-style
// average precision (all-point interpolation) over every candidate, false positives per negative
// image, and the mean time per image.
#pragma once

#include "core/eval/matching.h"

#include <optional>
#include <vector>

namespace rnnpool::eval {

// Area under the precision/recall curve with all-point interpolation (PASCAL VOC 2010 onwards):
// matches are ranked by score (ties keep input order), precision is made monotone from the right,
// and summed over every recall step. nullopt when there are no ground-truth faces.
std::optional<double> average_precision(std::vector<ScoredMatch> matches, int ground_truth_faces);

struct SubsetMetrics {
  int images = 0;
  int faces = 0;           // ground-truth boxes
  int negative_images = 0; // images labelled as containing no face
  // At the operating threshold (score > threshold):
  int true_positives = 0;
  int false_positives = 0;
  int false_positives_on_negatives = 0;
  std::optional<double> recall;                // TP / faces; nullopt without faces
  std::optional<double> precision;             // TP / (TP + FP); nullopt without detections
  std::optional<double> average_precision;     // over every candidate; nullopt without faces
  std::optional<double> fp_per_negative_image; // nullopt without negative images
  double ms_per_image = 0;
};

// Collects per-image outcomes of one detector on one subset; metrics come out at any threshold.
class MetricsAccumulator {
public:
  // `matches` from match_detections over the image's candidates; `faces` its ground-truth count;
  // `negative` whether it is a negative (face-free) image; `ms` the detector's time on it.
  void add_image(const std::vector<ScoredMatch> &matches, int faces, bool negative, double ms);
  // Everything `other` collected, as if added here (for the overall row).
  void merge(const MetricsAccumulator &other);

  SubsetMetrics compute(float operating_threshold) const;

private:
  std::vector<ScoredMatch> all_;      // every candidate of every image, in arrival order
  std::vector<ScoredMatch> negative_; // the candidates found on negative images
  int images_ = 0, faces_ = 0, negative_images_ = 0;
  double total_ms_ = 0;
};

} // namespace rnnpool::eval
