// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/metrics.h"

#include <algorithm>

namespace rnnpool::eval {

std::optional<double> average_precision(std::vector<ScoredMatch> matches, int ground_truth_faces) {
  if (ground_truth_faces <= 0) return std::nullopt;
  std::stable_sort(matches.begin(), matches.end(),
                   [](const ScoredMatch &a, const ScoredMatch &b) { return a.score > b.score; });
  // Recall/precision after each ranked detection, with the VOC sentinels (0, .) and (., 0).
  std::vector<double> recall{0.0}, precision{0.0};
  int tp = 0, fp = 0;
  for (const ScoredMatch &m : matches) {
    (m.true_positive ? tp : fp) += 1;
    recall.push_back(double(tp) / ground_truth_faces);
    precision.push_back(double(tp) / (tp + fp));
  }
  recall.push_back(1.0);
  precision.push_back(0.0);
  for (std::size_t i = precision.size() - 1; i > 0; --i)
    precision[i - 1] = std::max(precision[i - 1], precision[i]);
  double ap = 0;
  for (std::size_t i = 1; i < recall.size(); ++i)
    ap += (recall[i] - recall[i - 1]) * precision[i];
  return ap;
}

void MetricsAccumulator::add_image(const std::vector<ScoredMatch> &matches, int faces,
                                   bool negative, double ms) {
  all_.insert(all_.end(), matches.begin(), matches.end());
  if (negative) {
    negative_.insert(negative_.end(), matches.begin(), matches.end());
    ++negative_images_;
  }
  ++images_;
  faces_ += faces;
  total_ms_ += ms;
}

void MetricsAccumulator::merge(const MetricsAccumulator &other) {
  all_.insert(all_.end(), other.all_.begin(), other.all_.end());
  negative_.insert(negative_.end(), other.negative_.begin(), other.negative_.end());
  images_ += other.images_;
  faces_ += other.faces_;
  negative_images_ += other.negative_images_;
  total_ms_ += other.total_ms_;
}

SubsetMetrics MetricsAccumulator::compute(float operating_threshold) const {
  SubsetMetrics m;
  m.images = images_;
  m.faces = faces_;
  m.negative_images = negative_images_;
  for (const ScoredMatch &s : all_)
    if (s.score > operating_threshold) (s.true_positive ? m.true_positives : m.false_positives)++;
  for (const ScoredMatch &s : negative_)
    if (s.score > operating_threshold) ++m.false_positives_on_negatives;
  if (faces_ > 0) m.recall = double(m.true_positives) / faces_;
  if (m.true_positives + m.false_positives > 0)
    m.precision = double(m.true_positives) / (m.true_positives + m.false_positives);
  m.average_precision = average_precision(all_, faces_);
  if (negative_images_ > 0)
    m.fp_per_negative_image = double(m.false_positives_on_negatives) / negative_images_;
  m.ms_per_image = images_ > 0 ? total_ms_ / images_ : 0.0;
  return m;
}

} // namespace rnnpool::eval
