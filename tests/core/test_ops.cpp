// SPDX-License-Identifier: GPL-3.0-or-later
// The float32 operators against naive loops written here, and batch norm folding against a conv
// followed by batch norm.
#include "core/model/batch_norm.h"
#include "core/ops/ops.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace rnnpool {
namespace {

Tensor random_tensor(Shape s, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(lo, hi);
  Tensor t(s);
  for (float &v : t.values())
    v = value(rng);
  return t;
}

std::vector<float> random_vector(std::size_t n, unsigned seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = value(rng);
  return v;
}

// Direct definition: out[oy][ox][o] = bias[o] + sum over taps and the group's input channels.
Tensor naive_conv(const Tensor &in, const Conv2dParams &p) {
  const int K = p.kernel, group_in = in.c() / p.groups, group_out = p.out_channels / p.groups;
  Tensor out({(in.h() + 2 * p.pad - K) / p.stride + 1, (in.w() + 2 * p.pad - K) / p.stride + 1,
              p.out_channels});
  for (int oy = 0; oy < out.h(); ++oy)
    for (int ox = 0; ox < out.w(); ++ox)
      for (int o = 0; o < p.out_channels; ++o) {
        const int g = o / group_out;
        double acc = p.bias.empty() ? 0.0 : p.bias[o];
        for (int ky = 0; ky < K; ++ky)
          for (int kx = 0; kx < K; ++kx)
            for (int ci = 0; ci < group_in; ++ci) {
              const int y = oy * p.stride - p.pad + ky, x = ox * p.stride - p.pad + kx;
              if (y < 0 || y >= in.h() || x < 0 || x >= in.w()) continue;
              acc += double(in.at(y, x, g * group_in + ci)) *
                     p.weight[((std::size_t(o) * K + ky) * K + kx) * group_in + ci];
            }
        if (p.activation == Activation::ReLU6) acc = std::clamp(acc, 0.0, 6.0);
        out.at(oy, ox, o) = float(acc);
      }
  return out;
}

double max_abs_diff(const Tensor &a, const Tensor &b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, double(std::abs(a.values()[i] - b.values()[i])));
  return worst;
}

struct ConvCase {
  const char *name;
  Shape input;
  int out_channels, kernel, stride, pad, groups;
  Activation activation;
};

// gtest would otherwise print the struct's bytes, padding included.
void PrintTo(const ConvCase &cc, std::ostream *os) {
  *os << cc.name;
}

Conv2dParams random_conv(const ConvCase &cc, unsigned seed) {
  Conv2dParams p;
  p.out_channels = cc.out_channels;
  p.kernel = cc.kernel;
  p.stride = cc.stride;
  p.pad = cc.pad;
  p.groups = cc.groups;
  p.activation = cc.activation;
  p.weight = random_vector(std::size_t(cc.out_channels) * cc.kernel * cc.kernel *
                               std::size_t(cc.input.c / cc.groups),
                           seed);
  p.bias = random_vector(std::size_t(cc.out_channels), seed + 1);
  return p;
}

class Conv2dVsNaive : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dVsNaive, MatchesDirectDefinition) {
  const ConvCase cc = GetParam();
  const Conv2dParams p = random_conv(cc, 11);
  const Tensor in = random_tensor(cc.input, 3);
  Tensor out;
  conv2d(in, p, out);
  const Tensor expected = naive_conv(in, p);
  ASSERT_EQ(out.shape(), expected.shape());
  EXPECT_LE(max_abs_diff(out, expected), 1e-5);
  // A second call into the same tensor (allocation reused) gives the same result.
  conv2d(in, p, out);
  EXPECT_LE(max_abs_diff(out, expected), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(
    Configs, Conv2dVsNaive,
    ::testing::Values(
        ConvCase{"first_conv_3x3_s2_p1", {13, 11, 1}, 4, 3, 2, 1, 1, Activation::ReLU6},
        ConvCase{"conv_3x3_s2_p1", {12, 10, 3}, 8, 3, 2, 1, 1, Activation::None},
        ConvCase{"pointwise", {7, 9, 16}, 24, 1, 1, 0, 1, Activation::None},
        ConvCase{"pointwise_relu6", {5, 6, 64}, 128, 1, 1, 0, 1, Activation::ReLU6},
        ConvCase{"pointwise_s2", {9, 8, 6}, 5, 1, 2, 0, 1, Activation::None},
        ConvCase{"depthwise_3x3_s1", {9, 7, 12}, 12, 3, 1, 1, 12, Activation::ReLU6},
        ConvCase{"depthwise_3x3_s2", {10, 9, 16}, 16, 3, 2, 1, 16, Activation::None},
        ConvCase{"depthwise_multiplier_2", {6, 5, 4}, 8, 3, 1, 1, 4, Activation::None},
        ConvCase{"grouped", {8, 6, 8}, 6, 3, 1, 1, 2, Activation::None},
        ConvCase{"kernel_5_pad_2", {9, 11, 4}, 3, 5, 1, 2, 1, Activation::None},
        ConvCase{"no_pad", {6, 7, 3}, 2, 3, 1, 0, 1, Activation::None},
        ConvCase{"head_several_bands", {30, 40, 32}, 4, 3, 1, 1, 1, Activation::None},
        // One input channel, other than 4 outputs: the generic single-channel path; a one-pixel
        // wide input whose right taps fall entirely into the padding.
        ConvCase{"single_channel_5x5_s3_p2", {7, 8, 1}, 3, 5, 3, 2, 1, Activation::ReLU6},
        ConvCase{"single_channel_one_column", {4, 1, 1}, 6, 5, 3, 2, 1, Activation::None}),
    [](const auto &info) { return std::string(info.param.name); });

TEST(Conv2d, ReLU6ClampsBothEnds) {
  ConvCase cc{"", {6, 6, 8}, 16, 3, 1, 1, 1, Activation::ReLU6};
  Conv2dParams p = random_conv(cc, 5);
  for (float &w : p.weight)
    w *= 10.0f; // drive many outputs past both ends of [0, 6]
  Tensor out;
  conv2d(random_tensor(cc.input, 9), p, out);
  const auto [lo, hi] = std::minmax_element(out.values().begin(), out.values().end());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 6.0f);
  EXPECT_GT(std::count(out.values().begin(), out.values().end(), 6.0f), 0);
  EXPECT_LE(max_abs_diff(out, naive_conv(random_tensor(cc.input, 9), p)), 1e-4);
}

TEST(Conv2d, RejectsWrongWeightSize) {
  ConvCase cc{"", {6, 6, 8}, 16, 3, 1, 1, 1, Activation::None};
  Conv2dParams p = random_conv(cc, 5);
  p.weight.pop_back();
  Tensor out;
  EXPECT_THROW(conv2d(random_tensor(cc.input, 9), p, out), std::invalid_argument);
}

TEST(Conv2d, RejectsIndivisibleGroups) {
  ConvCase cc{"", {6, 6, 8}, 16, 3, 1, 1, 1, Activation::None};
  Conv2dParams p = random_conv(cc, 5);
  p.groups = 3;
  Tensor out;
  EXPECT_THROW(conv2d(random_tensor(cc.input, 9), p, out), std::invalid_argument);
}

TEST(L2Norm, DividesByNormPlusEpsilonAndScales) {
  const Tensor in = random_tensor({3, 4, 5}, 21);
  L2NormParams p{random_vector(5, 22, 1.0f, 10.0f)};
  Tensor out;
  l2norm(in, p, out);
  ASSERT_EQ(out.shape(), in.shape());
  for (int y = 0; y < in.h(); ++y)
    for (int x = 0; x < in.w(); ++x) {
      double sq = 0;
      for (int c = 0; c < in.c(); ++c)
        sq += double(in.at(y, x, c)) * in.at(y, x, c);
      for (int c = 0; c < in.c(); ++c)
        EXPECT_NEAR(out.at(y, x, c), in.at(y, x, c) / (std::sqrt(sq) + 1e-10) * p.scale[c], 1e-5);
    }
}

TEST(L2Norm, ZeroPixelStaysZero) {
  Tensor in({1, 2, 3}, 0.0f);
  in.at(0, 1, 0) = 3.0f;
  in.at(0, 1, 2) = 4.0f;
  Tensor out;
  l2norm(in, L2NormParams{{1.0f, 2.0f, 10.0f}}, out);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(out.at(0, 0, c), 0.0f);
  EXPECT_FLOAT_EQ(out.at(0, 1, 0), 0.6f);
  EXPECT_FLOAT_EQ(out.at(0, 1, 1), 0.0f);
  EXPECT_FLOAT_EQ(out.at(0, 1, 2), 8.0f);
}

TEST(L2Norm, RejectsWrongScaleSize) {
  Tensor out;
  EXPECT_THROW(l2norm(Tensor({2, 2, 3}), L2NormParams{{1.0f, 2.0f}}, out), std::invalid_argument);
}

TEST(ReplicatePad, CopiesLastRowAndColumn) {
  Tensor in({2, 3, 2});
  for (std::size_t i = 0; i < in.size(); ++i)
    in.values()[i] = float(i); // (y*3+x)*2+c
  Tensor out;
  replicate_pad(in, ReplicatePadParams{1, 2}, out);
  ASSERT_EQ(out.shape(), (Shape{3, 5, 2}));
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 2; ++c)
        EXPECT_EQ(out.at(y, x, c), float((std::min(y, 1) * 3 + std::min(x, 2)) * 2 + c))
            << y << "," << x << "," << c;
}

TEST(Add, SumsElementwiseAndRejectsShapeMismatch) {
  const Tensor a = random_tensor({3, 2, 4}, 1), b = random_tensor({3, 2, 4}, 2);
  Tensor out;
  add(a, b, out);
  ASSERT_EQ(out.shape(), a.shape());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(out.values()[i], a.values()[i] + b.values()[i]);
  EXPECT_THROW(add(a, random_tensor({2, 3, 4}, 3), out), std::invalid_argument);
}

TEST(GlobalAvgPool, AveragesEachChannel) {
  const Tensor in = random_tensor({4, 5, 3}, 7);
  Tensor out;
  global_avg_pool(in, out);
  ASSERT_EQ(out.shape(), (Shape{1, 1, 3}));
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x)
        sum += in.at(y, x, c);
    EXPECT_NEAR(out.at(0, 0, c), sum / 20.0, 1e-6);
  }
}

TEST(FullyConnected, IsWeightTimesInputPlusBias) {
  const Tensor in = random_tensor({1, 1, 6}, 4);
  FullyConnectedParams p{3, random_vector(18, 5), random_vector(3, 6)};
  Tensor out;
  fully_connected(in, p, out);
  ASSERT_EQ(out.shape(), (Shape{1, 1, 3}));
  for (int o = 0; o < 3; ++o) {
    double acc = p.bias[o];
    for (int i = 0; i < 6; ++i)
      acc += double(p.weight[std::size_t(o) * 6 + i]) * in.values()[i];
    EXPECT_NEAR(out.values()[o], acc, 1e-5);
  }
  p.bias.pop_back();
  EXPECT_THROW(fully_connected(in, p, out), std::invalid_argument);
}

TEST(FastGRNNStep, FollowsTheCellEquations) {
  FastGRNNCell cell{2,
                    3,
                    random_vector(6, 1),
                    random_vector(9, 2),
                    random_vector(3, 3),
                    random_vector(3, 4),
                    0.7f,
                    -3.0f};
  const std::vector<float> x{0.5f, -1.5f};
  std::vector<float> h{0.2f, -0.4f, 0.9f}, scratch(6);
  const std::vector<float> h0 = h;
  fastgrnn_step(cell, x.data(), h.data(), scratch.data());
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int j = 0; j < 3; ++j) {
    double pre = 0;
    for (int i = 0; i < 2; ++i)
      pre += x[i] * cell.W[std::size_t(i) * 3 + j];
    for (int i = 0; i < 3; ++i)
      pre += h0[i] * cell.U[std::size_t(i) * 3 + j];
    const double z = sigmoid(pre + cell.bias_gate[j]);
    const double expected = z * h0[j] + (sigmoid(cell.zeta) * (1 - z) + sigmoid(cell.nu)) *
                                            std::tanh(pre + cell.bias_update[j]);
    EXPECT_NEAR(h[j], expected, 1e-6);
  }
}

// A conv with folded batch norm equals the conv followed by inference-mode batch norm.
class FoldBatchNorm : public ::testing::TestWithParam<bool> {};

TEST_P(FoldBatchNorm, EqualsConvThenBatchNorm) {
  const bool with_bias = GetParam();
  ConvCase cc{"", {7, 6, 4}, 8, 3, 2, 1, 1, Activation::None};
  Conv2dParams conv = random_conv(cc, 31);
  if (!with_bias) conv.bias.clear();
  const auto gamma = random_vector(8, 32, 0.5f, 2.0f), beta = random_vector(8, 33);
  const auto mean = random_vector(8, 34), var = random_vector(8, 35, 0.1f, 3.0f);
  const float eps = 1e-5f;
  const Tensor in = random_tensor(cc.input, 36);
  Tensor plain;
  conv2d(in, conv, plain);
  for (int y = 0; y < plain.h(); ++y)
    for (int x = 0; x < plain.w(); ++x)
      for (int c = 0; c < 8; ++c)
        plain.at(y, x, c) =
            (plain.at(y, x, c) - mean[c]) / std::sqrt(var[c] + eps) * gamma[c] + beta[c];

  Conv2dParams folded = conv;
  fold_batch_norm(folded, gamma, beta, mean, var, eps);
  EXPECT_EQ(folded.bias.size(), 8u);
  Tensor out;
  conv2d(in, folded, out);
  EXPECT_LE(max_abs_diff(out, plain), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Bias, FoldBatchNorm, ::testing::Bool());

TEST(FoldBatchNormErrors, RejectsSizeMismatch) {
  Conv2dParams conv = random_conv(ConvCase{"", {4, 4, 2}, 3, 1, 1, 0, 1, Activation::None}, 1);
  const std::vector<float> three(3, 1.0f), two(2, 1.0f);
  EXPECT_THROW(fold_batch_norm(conv, three, three, three, two), std::invalid_argument);
}

} // namespace
} // namespace rnnpool
