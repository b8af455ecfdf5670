// SPDX-License-Identifier: GPL-3.0-or-later
// The small operators: residual add, L2 normalisation, replicate padding, global average pooling
// and the fully connected layer.
#include "core/ops/ops.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::string sizes(std::size_t actual, std::size_t expected) {
  return "has " + std::to_string(actual) + " floats, expected " + std::to_string(expected);
}

} // namespace

void add(const Tensor &a, const Tensor &b, Tensor &out) {
  if (!(a.shape() == b.shape()))
    throw std::invalid_argument("add: shapes " + a.shape().to_string() + " and " +
                                b.shape().to_string() + " differ");
  out.reshape(a.shape());
  Eigen::Map<Eigen::ArrayXf>(out.data(), Eigen::Index(out.size())) =
      Eigen::Map<const Eigen::ArrayXf>(a.data(), Eigen::Index(a.size())) +
      Eigen::Map<const Eigen::ArrayXf>(b.data(), Eigen::Index(b.size()));
}

void l2norm(const Tensor &in, const L2NormParams &p, Tensor &out) {
  const int C = in.c();
  if (p.scale.size() != std::size_t(C))
    throw std::invalid_argument("l2norm: scale " + sizes(p.scale.size(), std::size_t(C)));
  out.reshape(in.shape());
  const Eigen::Map<const Eigen::ArrayXf> scale(p.scale.data(), C);
  const std::size_t pixels = std::size_t(in.h()) * in.w();
  for (std::size_t i = 0; i < pixels; ++i) {
    const Eigen::Map<const Eigen::ArrayXf> x(in.data() + i * C, C);
    // The epsilon is added to the norm, outside the square root, as in the reference model.
    const float norm = std::sqrt(x.square().sum()) + 1e-10f;
    Eigen::Map<Eigen::ArrayXf>(out.data() + i * C, C) = x / norm * scale;
  }
}

void replicate_pad(const Tensor &in, const ReplicatePadParams &p, Tensor &out) {
  if (p.bottom < 0 || p.right < 0) throw std::invalid_argument("replicate_pad: negative padding");
  if (in.empty()) throw std::invalid_argument("replicate_pad: empty input");
  out.reshape({in.h() + p.bottom, in.w() + p.right, in.c()});
  const std::size_t C = std::size_t(in.c());
  for (int y = 0; y < out.h(); ++y) {
    const int sy = std::min(y, in.h() - 1);
    std::copy_n(in.pixel(sy, 0), std::size_t(in.w()) * C, out.pixel(y, 0));
    for (int x = in.w(); x < out.w(); ++x)
      std::copy_n(in.pixel(sy, in.w() - 1), C, out.pixel(y, x));
  }
}

void global_avg_pool(const Tensor &in, Tensor &out) {
  const Eigen::Index pixels = Eigen::Index(in.h()) * in.w();
  if (pixels == 0) throw std::invalid_argument("global_avg_pool: empty input");
  out.reshape({1, 1, in.c()});
  Eigen::Map<Eigen::RowVectorXf>(out.data(), in.c()) =
      Eigen::Map<const RowMat>(in.data(), pixels, in.c()).colwise().mean();
}

void fully_connected(const Tensor &in, const FullyConnectedParams &p, Tensor &out) {
  const auto in_features = Eigen::Index(in.size()), out_features = Eigen::Index(p.out_features);
  if (p.weight.size() != std::size_t(in_features * out_features))
    throw std::invalid_argument("fully_connected: weight " +
                                sizes(p.weight.size(), std::size_t(in_features * out_features)));
  if (p.bias.size() != std::size_t(out_features))
    throw std::invalid_argument("fully_connected: bias " +
                                sizes(p.bias.size(), std::size_t(out_features)));
  out.reshape({1, 1, p.out_features});
  Eigen::Map<Eigen::VectorXf>(out.data(), out_features) =
      Eigen::Map<const RowMat>(p.weight.data(), out_features, in_features) *
          Eigen::Map<const Eigen::VectorXf>(in.data(), in_features) +
      Eigen::Map<const Eigen::VectorXf>(p.bias.data(), out_features);
}

} // namespace rnnpool
