// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/matching.h"

#include <algorithm>
#include <numeric>

namespace rnnpool::eval {

std::vector<ScoredMatch> match_detections(std::span<const Detection> detections,
                                          std::span<const Box> ground_truth, float iou_threshold) {
  std::vector<std::size_t> order(detections.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return detections[a].score > detections[b].score;
  });
  std::vector<bool> taken(ground_truth.size(), false);
  std::vector<ScoredMatch> out(detections.size());
  for (const std::size_t i : order) {
    const Detection &d = detections[i];
    const Box box{d.x1, d.y1, d.x2, d.y2};
    float best_iou = -1.0f;
    std::size_t best = ground_truth.size();
    for (std::size_t g = 0; g < ground_truth.size(); ++g) {
      if (taken[g]) continue;
      const float o = iou(box, ground_truth[g]);
      if (o > best_iou) best_iou = o, best = g;
    }
    out[i].score = d.score;
    if (best < ground_truth.size() && best_iou >= iou_threshold) {
      taken[best] = true;
      out[i].true_positive = true;
    }
  }
  return out;
}

} // namespace rnnpool::eval
