// SPDX-License-Identifier: GPL-3.0-or-later
// Anchor boxes ("priors"), S3FD style: one square prior per head cell (spec section 2).
#pragma once

#include "core/tensor/tensor.h"

#include <span>
#include <vector>

namespace rnnpool {

// Normalised to the network input: centre (cx, cy) and size (w, h) in [0, 1] units.
struct Prior {
  float cx = 0, cy = 0, w = 0, h = 0;
};

struct HeadAnchor {
  int step = 0; // input pixels per head cell
  int size = 0; // prior side in input pixels
};

// RNNPool-Face-M4's QVGA configuration: steps 8, 8, 16, 16; sizes 8, 16, 32, 48.
std::vector<HeadAnchor> face_m4_anchors();

// Priors for every head cell, head by head, each head row-major (the order of the flattened HWC
// head outputs): centre ((j + 0.5) * step / W, (i + 0.5) * step / H), size (s / W, s / H).
// head_maps are the real head output shapes; input_width/height the network input size.
std::vector<Prior> make_priors(std::span<const Shape> head_maps,
                               std::span<const HeadAnchor> anchors, int input_width,
                               int input_height);

} // namespace rnnpool
