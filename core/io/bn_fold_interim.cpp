// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/bn_fold_interim.h"

#include <cmath>
#include <stdexcept>

namespace rnnpool {

void fold_batch_norm_interim(Conv2dParams &conv, std::span<const float> gamma,
                             std::span<const float> beta, std::span<const float> mean,
                             std::span<const float> var, float eps) {
  const std::size_t out = std::size_t(conv.out_channels);
  if (gamma.size() != out || beta.size() != out || mean.size() != out || var.size() != out ||
      conv.weight.size() % out != 0)
    throw std::invalid_argument("fold_batch_norm: parameter sizes do not match the conv");
  if (conv.bias.empty()) conv.bias.assign(out, 0.0f);
  const std::size_t per_out = conv.weight.size() / out;
  for (std::size_t o = 0; o < out; ++o) {
    const float scale = gamma[o] / std::sqrt(var[o] + eps);
    for (std::size_t i = 0; i < per_out; ++i)
      conv.weight[o * per_out + i] *= scale;
    conv.bias[o] = beta[o] + (conv.bias[o] - mean[o]) * scale;
  }
}

} // namespace rnnpool
