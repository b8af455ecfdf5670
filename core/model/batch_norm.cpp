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
  // Folded in double, rounded once. When mean x scale is large the folded bias and the weighted
  // sum nearly cancel, and float accumulation error comes out multiplied by the scale (a trained
  // RNNPool-Face-M4 has one such conv: 1e-4 at the heads): keep a double copy for conv2d.
  bool cancels = false;
  std::vector<double> weight_f64(conv.weight.size()), bias_f64(out);
  for (std::size_t o = 0; o < out; ++o) {
    const double scale = double(gamma[o]) / std::sqrt(double(var[o]) + double(eps));
    for (std::size_t i = 0; i < per_channel; ++i)
      weight_f64[o * per_channel + i] = double(conv.weight[o * per_channel + i]) * scale;
    bias_f64[o] = (double(conv.bias[o]) - double(mean[o])) * scale + double(beta[o]);
    cancels = cancels || std::abs(double(mean[o]) * scale) > kCancellingBatchNormMeanScale;
  }
  for (std::size_t i = 0; i < weight_f64.size(); ++i)
    conv.weight[i] = float(weight_f64[i]);
  for (std::size_t o = 0; o < out; ++o)
    conv.bias[o] = float(bias_f64[o]);
  const bool pointwise = conv.kernel == 1 && conv.stride == 1 && conv.pad == 0 && conv.groups == 1;
  if (cancels && pointwise) {
    conv.weight_f64 = std::move(weight_f64);
    conv.bias_f64 = std::move(bias_f64);
  } else {
    conv.weight_f64.clear();
    conv.bias_f64.clear();
  }
}

} // namespace rnnpool
