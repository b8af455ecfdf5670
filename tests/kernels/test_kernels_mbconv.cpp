// SPDX-License-Identifier: GPL-3.0-or-later
// MBConv row by row with the 3-row ring is bit-identical to whole-tensor integer execution of its
// layers; L2Norm in integers against the double reference.
#include "core/kernels/rp_kernels.h"
#include "core/quant/qparams.h"
#include "core/quant/quantized_layers.h"
#include "tests/kernels/float_reference.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

void check_mbconv(int in_c, int t, int out_c, int stride, Shape in, unsigned seed) {
  std::mt19937 rng(seed);
  const int hidden = in_c * t;
  const Conv2dParams expand = test::random_conv(in_c, hidden, 1, 1, 1, Activation::ReLU6, rng);
  const Conv2dParams dw =
      test::random_conv(hidden, hidden, 3, stride, hidden, Activation::ReLU6, rng);
  const Conv2dParams project = test::random_conv(hidden, out_c, 1, 1, 1, Activation::None, rng);
  const bool residual = stride == 1 && in_c == out_c;
  const QMBConv q = quantize_mbconv(t != 1 ? &expand : nullptr, dw, project, residual, in, 0.03,
                                    6.0 / 127, 6.0 / 127, 0.04, 0.05);
  const rp_mbconv_t k = q.view();
  std::vector<int8_t> x(in.elements());
  for (auto &v : x)
    v = int8_t(rng());
  const int oh = rp_mbconv_out_h(&k), ow = rp_mbconv_out_w(&k);

  // Whole-tensor reference through the same layer kernels.
  std::vector<int8_t> e(std::size_t(in.h) * in.w * hidden);
  if (t != 1) {
    const rp_conv_t ke = q.expand.view();
    ASSERT_EQ(rp_pointwise_s8(&ke, x.data(), in.h * in.w, e.data()), RP_OK);
  } else {
    e = x;
  }
  std::vector<int8_t> d(std::size_t(oh) * ow * hidden), ref(std::size_t(oh) * ow * out_c);
  const rp_conv_t kd = q.depthwise.view(), kp = q.project.view();
  ASSERT_EQ(rp_depthwise3x3_s8(&kd, e.data(), 0, in.h, 0, oh, d.data()), RP_OK);
  ASSERT_EQ(rp_pointwise_s8(&kp, d.data(), oh * ow, ref.data()), RP_OK);
  if (residual) {
    ASSERT_EQ(rp_add_s8(&k.residual, x.data(), ref.data(), ref.data(), int32_t(ref.size())), RP_OK);
  }

  std::vector<int32_t> buffer(std::size_t(rp_mbconv_get_buffer_size(&k)) / 4 + 1);
  std::vector<int8_t> out(ref.size());
  ASSERT_EQ(rp_mbconv_s8(&k, x.data(), out.data(), buffer.data()), RP_OK);
  EXPECT_EQ(out, ref) << "in " << in_c << " t " << t << " out " << out_c << " s " << stride;
  // The scratch is the ring + one depthwise row, not the expanded tensor.
  EXPECT_LT(std::size_t(rp_mbconv_get_buffer_size(&k)), e.size());
}

TEST(MBConv, RingBufferRowsEqualWholeTensorIntegers) {
  check_mbconv(64, 2, 32, 1, {10, 8, 64}, 1); // mob.0 shape, no residual
  check_mbconv(32, 2, 32, 1, {10, 8, 32}, 2); // mob.1: residual
  check_mbconv(32, 2, 64, 2, {10, 8, 32}, 3); // mob.2: stride 2, even rows
  check_mbconv(32, 2, 64, 2, {11, 7, 32}, 4); // stride 2, odd rows and columns
  check_mbconv(16, 1, 16, 1, {6, 5, 16}, 5);  // t = 1: no expansion, residual
}

TEST(MBConv, RejectsInconsistentParameters) {
  rp_mbconv_t k{};
  int8_t a[4] = {}, b[4] = {};
  int32_t buf[4];
  EXPECT_EQ(rp_mbconv_s8(&k, a, b, buf), RP_ERR_ARG);
  EXPECT_EQ(rp_mbconv_s8(nullptr, a, b, buf), RP_ERR_ARG);
}

TEST(L2Norm, HandWorkedPixel) {
  // x = (3, 4): ||x|| = 5; scale 10 with output scale 0.1 -> out = x / 5 * 10 / 0.1 = 60, 80.
  const auto m = quantize_multiplier(10.0 / 0.1 * std::ldexp(1.0, -26));
  const int32_t mult[2] = {m.multiplier, m.multiplier}, shift[2] = {m.shift, m.shift};
  const rp_l2norm_t p{1, 2, mult, shift};
  const int8_t in[2] = {3, 4};
  int8_t out[2];
  ASSERT_EQ(rp_l2norm_s8(&p, in, out), RP_OK);
  EXPECT_EQ(out[0], 60);
  EXPECT_EQ(out[1], 80);
  const int8_t zeros[2] = {0, 0};
  ASSERT_EQ(rp_l2norm_s8(&p, zeros, out), RP_OK);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0);
}

TEST(L2Norm, MatchesFloatWithinOneLsb) {
  std::mt19937 rng(7);
  const Shape s{4, 5, 32};
  L2NormParams p;
  p.scale = test::random_vector(32, 5.0f, 10.0f, rng);
  const double out_scale = 10.0 / 127;
  const QL2Norm q = quantize_l2norm(p, s, out_scale);
  const rp_l2norm_t k = q.view();
  std::vector<int8_t> x(s.elements()), out(s.elements());
  for (auto &v : x)
    v = int8_t(rng() % 64); // ReLU-like inputs of moderate magnitude
  ASSERT_EQ(rp_l2norm_s8(&k, x.data(), out.data()), RP_OK);
  double max_err = 0;
  for (int i = 0; i < s.h * s.w; ++i) {
    double n = 0;
    for (int c = 0; c < 32; ++c)
      n += double(x[i * 32 + c]) * x[i * 32 + c];
    n = std::sqrt(n);
    for (int c = 0; c < 32; ++c) {
      const double ref = n > 0 ? x[i * 32 + c] / n * p.scale[c] / out_scale : 0.0;
      max_err = std::max(max_err, std::fabs(out[i * 32 + c] - std::clamp(ref, -128.0, 127.0)));
    }
  }
  EXPECT_LE(max_err, 1.0);
}

} // namespace
