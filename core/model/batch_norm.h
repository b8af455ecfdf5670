// SPDX-License-Identifier: GPL-3.0-or-later
// Folding an inference-mode batch norm into the convolution before it (what the model file loader
// does, so executable graphs have no batch norm layers).
#pragma once

#include "core/model/graph.h"

#include <span>

namespace rnnpool {

// conv <- BN(conv): each output channel's weights scale by gamma / sqrt(var + eps) and its bias
// becomes (bias - mean) * gamma / sqrt(var + eps) + beta (bias taken as zero when empty).
// Throws std::invalid_argument when an array's size differs from conv.out_channels.
// A 1x1 conv with some |mean x scale| above kCancellingBatchNormMeanScale also gets an input
// centre and a centred bias (Conv2dParams::input_centre), for conv2d's small float sums.
inline constexpr double kCancellingBatchNormMeanScale = 8.0;
void fold_batch_norm(Conv2dParams &conv, std::span<const float> gamma, std::span<const float> beta,
                     std::span<const float> mean, std::span<const float> var, float eps = 1e-5f);

} // namespace rnnpool
