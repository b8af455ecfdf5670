// SPDX-License-Identifier: GPL-3.0-or-later
// int16 FastGRNN and int8 RNNPool against double-precision references (bounded error), and the
// stem row-band entry point bit-identical to the whole-tensor conv + RNNPool.
#include "core/kernels/rp_kernels.h"
#include "core/quant/qparams.h"
#include "core/quant/quantized_layers.h"
#include "tests/kernels/float_reference.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

constexpr double kState = 1.0 / (1 << RP_RNN_STATE_Q);

TEST(FastGRNN, HandWorkedStepWithZeroWeights) {
  // W = U = 0, b_g = 0 -> z = 0.5; b_h = 1.0 -> h~ = tanh(1); sigmoid(zeta) = sigmoid(nu) = 0.5.
  // From h = 0: h' = (0.5 * 0.5 + 0.5) * tanh(1) = 0.75 * 0.761594 = 0.571196 -> Q11 1169.79.
  const int16_t w[2] = {0, 0}, u[1] = {0};
  const int32_t half[1] = {1 << 30}, zero[1] = {0}, bg[1] = {0}, bh[1] = {4096};
  rp_fastgrnn_t c{};
  c.input_size = 2;
  c.hidden_size = 1;
  c.w = w;
  c.u = u;
  c.w_multiplier = half;
  c.w_shift = zero;
  c.u_multiplier = half;
  c.u_shift = zero;
  c.bias_gate = bg;
  c.bias_update = bh;
  c.zeta = 16384;
  c.nu = 16384;
  const int16_t x[2] = {100, -100};
  int16_t h[1] = {0};
  int16_t buf[1];
  ASSERT_EQ(rp_fastgrnn_step(&c, x, h, buf), RP_OK);
  // Integers: z = 16384, tanh_q12(4096) = 24955 (Q15 table, interpolated), coef = 8192 + 16384.
  const int32_t t = rp_tanh_q12(4096);
  const int32_t expect = ((((24576 * t) + 8) >> 4) + (1 << 14)) >> 15;
  EXPECT_EQ(h[0], expect);
  EXPECT_NEAR(h[0] * kState, 0.75 * std::tanh(1.0), 2e-3);
  c.hidden_size = RP_RNN_MAX_HIDDEN + 1;
  EXPECT_EQ(rp_fastgrnn_step(&c, x, h, buf), RP_ERR_ARG);
}

TEST(FastGRNN, EightStepsMatchFloatWithinBound) {
  std::mt19937 rng(21);
  const FastGRNNCell cell = test::random_cell(4, 16, rng);
  const double x_scale = 6.0 / 127; // a ReLU6 int8 input
  const QFastGRNN q = quantize_fastgrnn(cell, x_scale);
  const rp_fastgrnn_t k = q.view();
  std::vector<int16_t> h(16, 0), buf(16);
  std::vector<double> hf(16, 0.0);
  double max_err = 0;
  for (int t = 0; t < 8; ++t) {
    int16_t xq[4];
    double xd[4];
    for (int i = 0; i < 4; ++i) {
      xq[i] = int16_t(rng() % 128);
      xd[i] = xq[i] * x_scale;
    }
    ASSERT_EQ(rp_fastgrnn_step(&k, xq, h.data(), buf.data()), RP_OK);
    test::fastgrnn_ref(cell, xd, hf);
    for (int j = 0; j < 16; ++j)
      max_err = std::max(max_err, std::fabs(h[j] * kState - hf[j]));
  }
  std::printf("FastGRNN 8 steps: max |h_int - h_float| = %.3g\n", max_err);
  EXPECT_LT(max_err, 0.003); // state LSB 4.9e-4, PWL gates <= 3.9e-4, 13-bit weights
}

struct RNNPoolCase {
  RNNPoolParams params;
  Shape in;
  std::vector<int8_t> x;
  double x_scale = 6.0 / 127;
};

RNNPoolCase make_case(unsigned seed, Shape in) {
  std::mt19937 rng(seed);
  RNNPoolCase c;
  c.in = in;
  c.params.patch = 8;
  c.params.stride = 4;
  c.params.rnn1 = test::random_cell(in.c, 16, rng, 0.6f);
  c.params.rnn2 = test::random_cell(16, 16, rng, 0.4f);
  for (std::size_t i = 0; i < in.elements(); ++i)
    c.x.push_back(int8_t(rng() % 128));
  return c;
}

TEST(RNNPool, PatchesMatchFloatWithinOneAndAHalfLsb) {
  const RNNPoolCase c = make_case(31, {16, 12, 4});
  std::vector<double> xd;
  for (int8_t v : c.x)
    xd.push_back(v * c.x_scale);
  std::vector<std::vector<double>> refs;
  double m = 0;
  const int oh = (c.in.h - 8) / 4 + 1, ow = (c.in.w - 8) / 4 + 1;
  for (int py = 0; py < oh; ++py)
    for (int px = 0; px < ow; ++px) {
      refs.push_back(test::rnnpool_patch_ref(
          c.params, xd.data() + (std::size_t(py) * 4 * c.in.w + px * 4) * c.in.c, 8, 8, c.in.c,
          std::size_t(c.in.w) * c.in.c));
      for (double v : refs.back())
        m = std::max(m, std::fabs(v));
    }
  const double out_scale = m / 127;
  const QRNNPool q = quantize_rnnpool(c.params, c.in, c.x_scale, out_scale);
  const rp_rnnpool_t k = q.view();
  ASSERT_EQ(rp_rnnpool_out_h(&k), oh);
  ASSERT_EQ(rp_rnnpool_out_w(&k), ow);
  std::vector<int8_t> buffer(std::size_t(rp_rnnpool_get_buffer_size(&k)) + 4);
  std::vector<int8_t> out(std::size_t(oh) * ow * 64);
  void *aligned = buffer.data() + (4 - reinterpret_cast<std::uintptr_t>(buffer.data()) % 4) % 4;
  ASSERT_EQ(rp_rnnpool_s8(&k, c.x.data(), out.data(), aligned), RP_OK);
  double max_err = 0;
  for (std::size_t p = 0; p < refs.size(); ++p)
    for (int j = 0; j < 64; ++j)
      max_err = std::max(max_err, std::fabs(out[p * 64 + j] - refs[p][j] / out_scale));
  std::printf("RNNPool: max error %.3g output LSB (scale %.4g)\n", max_err, out_scale);
  EXPECT_LE(max_err, 1.5); // 0.5 LSB output rounding + the accumulated state error
}

TEST(Stem, RowBandsEqualWholeConvThenRNNPool) {
  std::mt19937 rng(41);
  const Shape frame{40, 36, 1};
  Conv2dParams conv = test::random_conv(1, 4, 3, 2, 1, Activation::ReLU6, rng);
  for (float &w : conv.weight)
    w *= 0.05f; // pixel units: keep the conv output in ReLU6 range
  const QConv qc = quantize_frame_conv(conv, frame, 117.312, 6.0 / 127);
  const Shape conv_out{qc.dims.out_h, qc.dims.out_w, 4};
  RNNPoolCase c = make_case(42, conv_out);
  const QRNNPool qr = quantize_rnnpool(c.params, conv_out, 6.0 / 127, 0.02);
  rp_stem_t stem{qc.view(), qr.view()};

  std::vector<uint8_t> pixels(frame.elements());
  for (auto &p : pixels)
    p = uint8_t(rng());
  // Whole tensors.
  std::vector<int8_t> conv_whole(conv_out.elements());
  ASSERT_EQ(rp_conv_u8_s8(&stem.conv, pixels.data(), 0, frame.h, 0, conv_out.h, conv_whole.data()),
            RP_OK);
  const int oh = rp_rnnpool_out_h(&stem.rnnpool), ow = rp_rnnpool_out_w(&stem.rnnpool);
  std::vector<int32_t> buffer(std::size_t(rp_stem_get_buffer_size(&stem)) / 4 + 1);
  std::vector<int8_t> whole(std::size_t(oh) * ow * 64), banded(whole.size());
  ASSERT_EQ(rp_rnnpool_s8(&stem.rnnpool, conv_whole.data(), whole.data(), buffer.data()), RP_OK);
  // Row by row from only the frame rows each patch row needs, as the firmware will call it.
  for (int py = 0; py < oh; ++py) {
    int32_t first, count;
    rp_stem_input_rows(&stem, py, &first, &count);
    ASSERT_LE(first + count, frame.h);
    ASSERT_EQ(rp_stem_row(&stem, pixels.data() + std::size_t(first) * frame.w, first, count, py,
                          banded.data() + std::size_t(py) * ow * 64, buffer.data()),
              RP_OK);
  }
  EXPECT_EQ(whole, banded);
  int32_t first, count;
  rp_stem_input_rows(&stem, 1, &first, &count); // conv rows 4..11 need frame rows 7..23
  EXPECT_EQ(first, 7);
  EXPECT_EQ(count, 17);
}

} // namespace
