// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/compare/detection_match.h"

#include <algorithm>

namespace rnnpool::compare {

float iou(const Box &a, const Box &b) {
  const float ix = std::max(0.0f, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const float iy = std::max(0.0f, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const float inter = ix * iy;
  const float area_a = std::max(0.0f, a.x1 - a.x0) * std::max(0.0f, a.y1 - a.y0);
  const float area_b = std::max(0.0f, b.x1 - b.x0) * std::max(0.0f, b.y1 - b.y0);
  const float uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

DetectionMatch match_detections(const std::vector<Box> &reference, const std::vector<Box> &device,
                                float min_iou) {
  std::vector<BoxPair> candidates;
  for (std::size_t r = 0; r < reference.size(); ++r)
    for (std::size_t d = 0; d < device.size(); ++d) {
      if (reference[r].label != device[d].label) continue;
      const float v = iou(reference[r], device[d]);
      if (v >= min_iou) candidates.push_back({r, d, v, device[d].score - reference[r].score});
    }
  // Stable order on ties keeps the result deterministic.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const BoxPair &a, const BoxPair &b) { return a.iou > b.iou; });
  std::vector<bool> ref_used(reference.size()), dev_used(device.size());
  DetectionMatch out;
  for (const BoxPair &p : candidates) {
    if (ref_used[p.reference] || dev_used[p.device]) continue;
    ref_used[p.reference] = dev_used[p.device] = true;
    out.matched.push_back(p);
  }
  for (std::size_t r = 0; r < reference.size(); ++r)
    if (!ref_used[r]) out.missed.push_back(r);
  for (std::size_t d = 0; d < device.size(); ++d)
    if (!dev_used[d]) out.extra.push_back(d);
  return out;
}

} // namespace rnnpool::compare
