// SPDX-License-Identifier: GPL-3.0-or-later
// Integer convolutions: exact hand-worked cases, bounded error against a double-precision
// reference, and row-band execution bit-identical to whole-tensor execution.
#include "core/kernels/rp_kernels.h"
#include "core/quant/qparams.h"
#include "core/quant/quantized_layers.h"
#include "tests/kernels/float_reference.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

// 3x3 all-ones kernel, stride 1, pad 1, multiplier 1.0: outputs are neighbourhood sums.
TEST(ConvS8, HandWorkedNeighbourhoodSums) {
  const int8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const int8_t w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  const int32_t bias[1] = {10}, mult[1] = {1 << 30}, shift[1] = {1};
  rp_conv_t p{};
  p.in_h = p.in_w = 3;
  p.in_c = p.out_c = 1;
  p.out_h = p.out_w = 3;
  p.kernel = 3;
  p.stride = 1;
  p.pad = 1;
  p.weights = w;
  p.rq = {bias, mult, shift, -128, 127};
  int8_t out[9];
  ASSERT_EQ(rp_conv_s8(&p, in, 0, 3, 0, 3, out), RP_OK);
  const int8_t expect[9] = {10 + 12, 10 + 21, 10 + 16, 10 + 27, 10 + 45,
                            10 + 33, 10 + 24, 10 + 39, 10 + 28};
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(out[i], expect[i]) << i;

  // Stride 2: outputs (0,0), (0,2), (2,0), (2,2) of the same sums.
  p.stride = 2;
  p.out_h = p.out_w = 2;
  ASSERT_EQ(rp_conv_s8(&p, in, 0, 3, 0, 2, out), RP_OK);
  EXPECT_EQ(out[0], 22);
  EXPECT_EQ(out[1], 26);
  EXPECT_EQ(out[2], 34);
  EXPECT_EQ(out[3], 38);

  // ReLU6-style clamp and saturation: bias -100 gives negative sums clamped to 0; the
  // multiplier 8 pushes the centre past 127.
  const int32_t big_mult[1] = {1 << 30}, big_shift[1] = {4}, neg_bias[1] = {-20};
  p.stride = 1;
  p.out_h = p.out_w = 3;
  p.rq = {neg_bias, big_mult, big_shift, 0, 127};
  ASSERT_EQ(rp_conv_s8(&p, in, 0, 3, 0, 3, out), RP_OK);
  EXPECT_EQ(out[0], 0);   // (12 - 20) * 8 < 0 -> 0
  EXPECT_EQ(out[1], 8);   // (21 - 20) * 8
  EXPECT_EQ(out[4], 127); // (45 - 20) * 8 = 200 -> 127
}

TEST(ConvU8, ZeroPointOffsetAndPaddingSkipsTaps) {
  // uint8 frame with zero point 100: values 100 are zero; padding contributes nothing.
  const uint8_t in[4] = {100, 101, 102, 103}; // 2x2, x = 0, 1, 2, 3
  const int8_t w[9] = {0, 0, 0, 0, 2, 1, 0, 1, 1};
  const int32_t bias[1] = {0}, mult[1] = {1 << 30}, shift[1] = {1};
  rp_conv_t p{};
  p.in_h = p.in_w = 2;
  p.in_c = p.out_c = 1;
  p.out_h = p.out_w = 2;
  p.kernel = 3;
  p.stride = 1;
  p.pad = 1;
  p.input_offset = -100;
  p.weights = w;
  p.rq = {bias, mult, shift, -128, 127};
  int8_t out[4];
  ASSERT_EQ(rp_conv_u8_s8(&p, in, 0, 2, 0, 2, out), RP_OK);
  EXPECT_EQ(out[0], 2 * 0 + 1 * 1 + 1 * 2 + 1 * 3);
  EXPECT_EQ(out[1], 2 * 1 + 1 * 3);
  EXPECT_EQ(out[2], 2 * 2 + 1 * 3);
  EXPECT_EQ(out[3], 2 * 3);
}

TEST(ConvS8, RejectsBandsMissingRows) {
  const int8_t in[64] = {}, w[9] = {};
  const int32_t bias[1] = {0}, mult[1] = {1 << 30}, shift[1] = {0};
  rp_conv_t p{};
  p.in_h = p.in_w = 8;
  p.in_c = p.out_c = 1;
  p.out_h = p.out_w = 4;
  p.kernel = 3;
  p.stride = 2;
  p.pad = 1;
  p.weights = w;
  p.rq = {bias, mult, shift, -128, 127};
  int8_t out[16];
  int32_t first = 0, count = 0;
  rp_conv_input_rows(&p, 1, 3, &first, &count); // rows 2*1-1 .. 2*2+1
  EXPECT_EQ(first, 1);
  EXPECT_EQ(count, 5);
  EXPECT_EQ(rp_conv_s8(&p, in, 2, 5, 1, 3, out), RP_ERR_ROWS);
  EXPECT_EQ(rp_conv_s8(&p, in, 1, 5, 1, 3, out), RP_OK);
  EXPECT_EQ(rp_conv_s8(&p, in, 0, 8, 3, 5, out), RP_ERR_ARG); // past the last output row
  EXPECT_EQ(rp_conv_s8(nullptr, in, 0, 8, 0, 1, out), RP_ERR_ARG);
}

struct Quantized {
  std::vector<int8_t> q;
  double scale;
};
Quantized quantize_input(const std::vector<float> &x) {
  double m = 0;
  for (float v : x)
    m = std::max(m, double(std::fabs(v)));
  Quantized r{{}, symmetric_scale(m, 127)};
  for (float v : x)
    r.q.push_back(int8_t(quantize_value(v, r.scale, 127)));
  return r;
}

// Quantized conv vs double reference on random data. Bound: 3 output LSB; sources are the input
// rounding (0.5 LSB of s_in per tap), weight rounding (0.5 LSB of s_w per tap) and the output
// rounding (0.5 LSB), which on these sizes stay well below 3 LSB of the output scale.
void check_conv_against_float(int in_c, int out_c, int kernel, int stride, int groups,
                              Activation act, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  const Conv2dParams p = test::random_conv(in_c, out_c, kernel, stride, groups, act, rng);
  const Shape s{h, w, in_c};
  const auto x = test::random_vector(s.elements(), -1.0f, 1.0f, rng);
  const Quantized qx = quantize_input(x);
  std::vector<double> xd;
  for (int8_t v : qx.q)
    xd.push_back(v * qx.scale); // the reference sees the quantized input
  Shape os;
  const auto ref = test::conv_ref(xd, s, p, os);
  double m = 0;
  for (double v : ref)
    m = std::max(m, std::fabs(v));
  const double out_scale = act == Activation::ReLU6 ? std::min(6.0, m) / 127 : m / 127;
  const QConv qc = quantize_conv(p, s, qx.scale, out_scale);
  const rp_conv_t k = qc.view();
  std::vector<int8_t> out(os.elements());
  if (groups > 1)
    ASSERT_EQ(rp_depthwise3x3_s8(&k, qx.q.data(), 0, h, 0, os.h, out.data()), RP_OK);
  else if (kernel == 1)
    ASSERT_EQ(rp_pointwise_s8(&k, qx.q.data(), h * w, out.data()), RP_OK);
  else
    ASSERT_EQ(rp_conv_s8(&k, qx.q.data(), 0, h, 0, os.h, out.data()), RP_OK);
  double max_err = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    max_err = std::max(max_err, std::fabs(out[i] - ref[i] / out_scale));
  EXPECT_LE(max_err, 3.0) << "in " << in_c << " out " << out_c << " k " << kernel;
}

TEST(ConvS8, GeneralConvMatchesFloatWithinThreeLsb) {
  check_conv_against_float(32, 4, 3, 1, 1, Activation::None, 9, 7, 1);
  check_conv_against_float(64, 2, 3, 1, 1, Activation::None, 6, 5, 2);
  check_conv_against_float(8, 6, 3, 2, 1, Activation::ReLU6, 9, 10, 3);
}

TEST(DepthwiseS8, MatchesFloatWithinThreeLsb) {
  check_conv_against_float(16, 16, 3, 1, 16, Activation::ReLU6, 7, 9, 4);
  check_conv_against_float(16, 16, 3, 2, 16, Activation::ReLU6, 8, 9, 5);
}

TEST(PointwiseS8, MatchesFloatWithinThreeLsb) {
  check_conv_against_float(64, 32, 1, 1, 1, Activation::None, 4, 5, 6);
  check_conv_against_float(30, 7, 1, 1, 1, Activation::ReLU6, 3, 3, 7); // odd channel counts
}

TEST(ConvS8, BandsEqualWholeTensor) {
  std::mt19937 rng(11);
  const Conv2dParams p = test::random_conv(5, 3, 3, 2, 1, Activation::ReLU6, rng);
  const Shape s{13, 9, 5};
  const auto x = test::random_vector(s.elements(), -1.0f, 1.0f, rng);
  const Quantized qx = quantize_input(x);
  const QConv qc = quantize_conv(p, s, qx.scale, 0.05);
  const rp_conv_t k = qc.view();
  const int row = k.out_w * k.out_c;
  std::vector<int8_t> whole(std::size_t(k.out_h) * row), banded(whole.size());
  ASSERT_EQ(rp_conv_s8(&k, qx.q.data(), 0, s.h, 0, k.out_h, whole.data()), RP_OK);
  for (int oy = 0; oy < k.out_h; ++oy) { // one output row at a time from just its input rows
    int32_t first, count;
    rp_conv_input_rows(&k, oy, oy + 1, &first, &count);
    const std::vector<int8_t> band(qx.q.begin() + std::ptrdiff_t(first) * s.w * s.c,
                                   qx.q.begin() + std::ptrdiff_t(first + count) * s.w * s.c);
    ASSERT_EQ(rp_conv_s8(&k, band.data(), first, count, oy, oy + 1, banded.data() + oy * row),
              RP_OK);
  }
  EXPECT_EQ(whole, banded);
}

TEST(ConvS8S16, HeadOutputsKeepSixteenBits) {
  std::mt19937 rng(12);
  const Conv2dParams p = test::random_conv(32, 4, 3, 1, 1, Activation::None, rng);
  const Shape s{5, 6, 32};
  const auto x = test::random_vector(s.elements(), -1.0f, 1.0f, rng);
  const Quantized qx = quantize_input(x);
  std::vector<double> xd;
  for (int8_t v : qx.q)
    xd.push_back(v * qx.scale);
  Shape os;
  const auto ref = test::conv_ref(xd, s, p, os);
  double m = 0;
  for (double v : ref)
    m = std::max(m, std::fabs(v));
  const QConv qc = quantize_conv(p, s, qx.scale, m / 32767, ConvOutput::Int16);
  const rp_conv_t k = qc.view();
  std::vector<int16_t> out(os.elements());
  ASSERT_EQ(rp_conv_s8_s16(&k, qx.q.data(), 0, s.h, 0, os.h, out.data()), RP_OK);
  double max_err = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    max_err = std::max(max_err, std::fabs(out[i] * (m / 32767) - ref[i]));
  // Only the int8 weight rounding remains: well under 1% of the output range.
  EXPECT_LT(max_err, 0.01 * m);
}

} // namespace
