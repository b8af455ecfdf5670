// SPDX-License-Identifier: GPL-3.0-or-later
// Requantization, saturation, integer sqrt, CRC-32, PWL activations, residual add: exact integer
// cases worked by hand, and measured bounds for the PWL approximations.
#include "core/kernels/rp_kernels.h"
#include "core/quant/qparams.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>

using rnnpool::quant::quantize_multiplier;

TEST(Requantize, HalfMultiplierRoundsHalfUp) {
  // multiplier 2^30 with shift 0 is 0.5; ties go towards +infinity like arm_nn_requantize.
  const int32_t half = 1 << 30;
  EXPECT_EQ(rp_requantize(3, half, 0), 2);   // 1.5 -> 2
  EXPECT_EQ(rp_requantize(-3, half, 0), -1); // -1.5 -> -1
  EXPECT_EQ(rp_requantize(5, half, 0), 3);   // 2.5 -> 3
  EXPECT_EQ(rp_requantize(-5, half, 0), -2); // -2.5 -> -2
  EXPECT_EQ(rp_requantize(-7, half, 0), -3); // -3.5 -> -3
  EXPECT_EQ(rp_requantize(4, half, 0), 2);
}

TEST(Requantize, PositiveAndNegativeShifts) {
  const int32_t half = 1 << 30;
  EXPECT_EQ(rp_requantize(7, half, 2), 14);       // 0.5 * 4 = 2
  EXPECT_EQ(rp_requantize(1000, half, -3), 63);   // 1000 / 16 = 62.5 -> 63
  EXPECT_EQ(rp_requantize(-1000, half, -3), -62); // -62.5 -> -62
  EXPECT_EQ(rp_requantize(100, half, -31), 0);    // the smallest representable multiplier
}

TEST(Requantize, QuantizedMultiplierMatchesReal) {
  for (double real : {0.75, 0.001234, 3.5, 1.0, 1e-7, 123.0}) {
    const auto m = quantize_multiplier(real);
    EXPECT_GE(m.multiplier, 1 << 30);
    EXPECT_NEAR(m.real(), real, real * 1e-9);
    for (int32_t v : {1000, -1000, 123456, -98765}) {
      const double expect = std::floor(v * real + 0.5);
      EXPECT_NEAR(rp_requantize(v, m.multiplier, m.shift), expect, 1.0) << real << " " << v;
    }
  }
  const auto neg = quantize_multiplier(-0.5);
  EXPECT_EQ(rp_requantize(10, neg.multiplier, neg.shift), -5);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  EXPECT_THROW(quantize_multiplier(1e12), std::invalid_argument);
}

TEST(Saturate, ClampsToTypeRange) {
  EXPECT_EQ(rp_sat8(200), 127);
  EXPECT_EQ(rp_sat8(-200), -128);
  EXPECT_EQ(rp_sat8(-5), -5);
  EXPECT_EQ(rp_sat16(40000), 32767);
  EXPECT_EQ(rp_sat16(-40000), -32768);
}

TEST(ISqrt, FloorOfSquareRoot) {
  EXPECT_EQ(rp_isqrt32(0), 0u);
  EXPECT_EQ(rp_isqrt32(1), 1u);
  EXPECT_EQ(rp_isqrt32(15), 3u);
  EXPECT_EQ(rp_isqrt32(16), 4u);
  EXPECT_EQ(rp_isqrt32(0xFFFFFFFFu), 65535u);
  for (uint32_t v = 0; v < 200000; v += 7) {
    const uint32_t r = rp_isqrt32(v);
    ASSERT_LE(uint64_t(r) * r, v);
    ASSERT_GT(uint64_t(r + 1) * (r + 1), v);
  }
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  const char *s = "123456789";
  EXPECT_EQ(rp_crc32(0, s, std::strlen(s)), 0xCBF43926u);
  // Incremental use gives the same digest.
  EXPECT_EQ(rp_crc32(rp_crc32(0, s, 4), s + 4, 5), 0xCBF43926u);
}

// Stated bounds (docs/quantization.md): measured over every int16 input.
TEST(PiecewiseLinear, SigmoidAndTanhErrorBounds) {
  double max_sig = 0.0, max_tanh = 0.0;
  int prev_s = -1, prev_t = -40000;
  for (int32_t x = -32768; x <= 32767; ++x) {
    const double xr = x / 4096.0;
    const int s = rp_sigmoid_q12(int16_t(x)), t = rp_tanh_q12(int16_t(x));
    max_sig = std::max(max_sig, std::fabs(s / 32768.0 - 1.0 / (1.0 + std::exp(-xr))));
    max_tanh = std::max(max_tanh, std::fabs(t / 32768.0 - std::tanh(xr)));
    ASSERT_GE(s, prev_s) << "sigmoid not monotonic at " << x;
    ASSERT_GE(t, prev_t) << "tanh not monotonic at " << x;
    prev_s = s;
    prev_t = t;
  }
  std::printf("PWL max |error|: sigmoid %.3g, tanh %.3g\n", max_sig, max_tanh);
  EXPECT_LT(max_sig, 2.5e-4);
  EXPECT_LT(max_tanh, 5e-4);
  EXPECT_EQ(rp_sigmoid_q12(0), 16384);
  EXPECT_EQ(rp_tanh_q12(0), 0);
  EXPECT_EQ(rp_tanh_q12(-4096), -rp_tanh_q12(4096));
}

TEST(ResidualAdd, EqualScalesAddExactly) {
  // a, b and the output share one scale: out = a + b, saturated.
  const rp_add_t p = [] {
    const auto half = quantize_multiplier(0.5);
    const auto out = quantize_multiplier(2.0 / (1 << RP_ADD_LEFT_SHIFT));
    return rp_add_t{half.multiplier, half.shift,     half.multiplier,
                    half.shift,      out.multiplier, out.shift};
  }();
  const int8_t a[] = {1, -5, 100, -100, 0, 127};
  const int8_t b[] = {2, 3, 100, -100, -1, 127};
  int8_t out[6];
  ASSERT_EQ(rp_add_s8(&p, a, b, out, 6), RP_OK);
  const int8_t expect[] = {3, -2, 127, -128, -1, 127};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], expect[i]) << i;
  EXPECT_EQ(rp_add_s8(nullptr, a, b, out, 6), RP_ERR_ARG);
}
