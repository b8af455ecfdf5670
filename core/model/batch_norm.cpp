// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/batch_norm.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool {

void fold_batch_norm(Conv2dParams &conv, std::span<const float> gamma, std::span<const float> beta,
                     std::span<const float> mean, std::span<const float> var, float eps) {
  const auto out = std::size_t(conv.out_channels);
  const struct {
    const char *name;
    std::size_t size;
  } arrays[] = {{"gamma", gamma.size()},
                {"beta", beta.size()},
                {"running mean", mean.size()},
                {"running variance", var.size()}};
  for (const auto &a : arrays)
    if (a.size != out)
      throw std::invalid_argument(std::string("batch norm ") + a.name + " has " +
                                  std::to_string(a.size) + " values for " + std::to_string(out) +
                                  " conv output channels");
  if (out == 0 || conv.weight.size() % out != 0)
    throw std::invalid_argument("batch norm: conv weight of " + std::to_string(conv.weight.size()) +
                                " floats does not split into " + std::to_string(out) + " channels");
  if (!conv.bias.empty() && conv.bias.size() != out)
    throw std::invalid_argument("batch norm: conv bias has " + std::to_string(conv.bias.size()) +
                                " floats, expected " + std::to_string(out));
  if (conv.bias.empty()) conv.bias.assign(out, 0.0f);
  const std::size_t per_channel = conv.weight.size() / out; // OHWI: one channel's weights in a run
  for (std::size_t o = 0; o < out; ++o) {
    const float scale = gamma[o] / std::sqrt(var[o] + eps);
    for (std::size_t i = 0; i < per_channel; ++i)
      conv.weight[o * per_channel + i] *= scale;
    conv.bias[o] = (conv.bias[o] - mean[o]) * scale + beta[o];
  }
}

} // namespace rnnpool
