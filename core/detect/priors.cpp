// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/detect/priors.h"

#include <stdexcept>

namespace rnnpool {

std::vector<HeadAnchor> face_m4_anchors() {
  return {{8, 8}, {8, 16}, {16, 32}, {16, 48}};
}

std::vector<Prior> make_priors(std::span<const Shape> head_maps,
                               std::span<const HeadAnchor> anchors, int input_width,
                               int input_height) {
  if (head_maps.size() != anchors.size())
    throw std::invalid_argument("make_priors: one anchor configuration per head needed");
  std::vector<Prior> priors;
  const float W = float(input_width), H = float(input_height);
  for (std::size_t k = 0; k < head_maps.size(); ++k) {
    const float step = float(anchors[k].step), size = float(anchors[k].size);
    for (int i = 0; i < head_maps[k].h; ++i)
      for (int j = 0; j < head_maps[k].w; ++j)
        priors.push_back(
            {(float(j) + 0.5f) * step / W, (float(i) + 0.5f) * step / H, size / W, size / H});
  }
  return priors;
}

} // namespace rnnpool
