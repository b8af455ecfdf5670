// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/batch_norm.h"

#include <Eigen/Dense>
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
  // sum nearly cancel and float accumulation error comes out multiplied by the scale (a trained
  // RNNPool-Face-M4 has one such conv: 1e-4 at its heads): such a 1x1 conv gets an input centre.
  bool cancels = false;
  std::vector<double> weight_f64(conv.weight.size()), bias_f64(out);
  Eigen::VectorXd centred_mean(Eigen::Index(out), 1); // scale (mean - conv bias): see below
  for (std::size_t o = 0; o < out; ++o) {
    const double scale = double(gamma[o]) / std::sqrt(double(var[o]) + double(eps));
    centred_mean[Eigen::Index(o)] = (double(mean[o]) - double(conv.bias[o])) * scale;
    for (std::size_t i = 0; i < per_channel; ++i)
      weight_f64[o * per_channel + i] = double(conv.weight[o * per_channel + i]) * scale;
    bias_f64[o] = (double(conv.bias[o]) - double(mean[o])) * scale + double(beta[o]);
    cancels = cancels || std::abs(double(mean[o]) * scale) > kCancellingBatchNormMeanScale;
  }
  for (std::size_t i = 0; i < weight_f64.size(); ++i)
    conv.weight[i] = float(weight_f64[i]);
  for (std::size_t o = 0; o < out; ++o)
    conv.bias[o] = float(bias_f64[o]);
  conv.input_centre.clear();
  conv.centred_bias.clear();
  const bool pointwise = conv.kernel == 1 && conv.stride == 1 && conv.pad == 0 && conv.groups == 1;
  if (!cancels || !pointwise) return;
  // The running mean is E[W x] + the conv's own bias, so E[x] solves (scale W) x =
  // scale (mean - bias) in the least-squares sense; any centre keeps the function exact, a good
  // one keeps the sums small.
  using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const MatD> folded(weight_f64.data(), Eigen::Index(out),
                                      Eigen::Index(per_channel));
  const Eigen::VectorXd centre = folded.completeOrthogonalDecomposition().solve(centred_mean);
  conv.input_centre.resize(per_channel);
  conv.centred_bias.resize(out);
  for (std::size_t i = 0; i < per_channel; ++i)
    conv.input_centre[i] = float(centre[Eigen::Index(i)]);
  for (std::size_t o = 0; o < out; ++o) {
    double b = bias_f64[o];
    for (std::size_t i = 0; i < per_channel; ++i)
      b += weight_f64[o * per_channel + i] * double(conv.input_centre[i]);
    conv.centred_bias[o] = float(b);
  }
}

} // namespace rnnpool
