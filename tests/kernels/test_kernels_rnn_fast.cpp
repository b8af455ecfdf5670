// SPDX-License-Identifier: GPL-3.0-or-later
// The FastGRNN fast path (core/kernels/rp_fastgrnn_sweep.h) against the generic step: the
// SMMUL requantization equals rp_requantize for every shift it accepts, the PWL lookup tables
// equal the interpolating functions at all 65,536 inputs, and whole sweeps (hidden 16 with
// input 4 or 16, one direction or both, and the fallback shapes) give the generic step loop's
// integers.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_fastgrnn_sweep.h"
#include "core/kernels/rp_kernels.h"
#include "core/kernels/rp_pwl.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <vector>

namespace {

TEST(FastGRNNFast, RequantizeHighEqualsRequantizeForEveryAcceptedShift) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> any(std::numeric_limits<int32_t>::min(),
                                             std::numeric_limits<int32_t>::max());
  const int32_t edges[] = {std::numeric_limits<int32_t>::min(),
                           std::numeric_limits<int32_t>::min() + 1,
                           -65537,
                           -65536,
                           -2,
                           -1,
                           0,
                           1,
                           2,
                           65535,
                           65536,
                           1 << 30,
                           std::numeric_limits<int32_t>::max() - 1,
                           std::numeric_limits<int32_t>::max()};
  for (int32_t shift = RP_REQUANTIZE_HIGH_MIN_SHIFT; shift <= RP_REQUANTIZE_HIGH_MAX_SHIFT;
       ++shift) {
    for (int32_t a : edges)
      for (int32_t m : edges)
        ASSERT_EQ(rp_requantize_high(a, m, shift), rp_requantize(a, m, shift))
            << "acc " << a << " multiplier " << m << " shift " << shift;
    for (int i = 0; i < 200000; ++i) {
      // Half the draws near the rounding boundary: small accumulators, typical multipliers.
      const int32_t a = i % 2 ? any(rng) : any(rng) >> (i % 31);
      const int32_t m = i % 3 ? any(rng) : (int32_t)((1u << 30) + ((uint32_t)any(rng) >> 2));
      ASSERT_EQ(rp_requantize_high(a, m, shift), rp_requantize(a, m, shift))
          << "acc " << a << " multiplier " << m << " shift " << shift;
    }
  }
}

TEST(FastGRNNFast, LookupTablesEqualThePwlAtEveryInput) {
  for (int32_t x = -32768; x <= 32767; ++x) {
    ASSERT_EQ(rp_sigmoid_q12_lookup(x), rp_sigmoid_q12_inline((int16_t)x)) << "sigmoid " << x;
    ASSERT_EQ(rp_tanh_q12_lookup(x), rp_tanh_q12_inline((int16_t)x)) << "tanh " << x;
    ASSERT_EQ(rp_sigmoid_q12_lookup(x), rp_sigmoid_q12((int16_t)x)) << "sigmoid " << x;
    ASSERT_EQ(rp_tanh_q12_lookup(x), rp_tanh_q12((int16_t)x)) << "tanh " << x;
  }
}

struct RandomCell {
  std::vector<int16_t> w, u;
  std::vector<int32_t> wm, ws, um, us, bg, bh;
  rp_fastgrnn_t c{};
  RandomCell(int32_t in, int32_t hid, int32_t shift_lo, int32_t shift_hi, std::mt19937 &rng) {
    std::uniform_int_distribution<int32_t> weight(-4095, 4095), bias(-12000, 12000);
    std::uniform_int_distribution<int32_t> mult(1 << 30, std::numeric_limits<int32_t>::max());
    std::uniform_int_distribution<int32_t> shift(shift_lo, shift_hi), gate(0, 32767);
    for (int32_t i = 0; i < hid * in; ++i)
      w.push_back((int16_t)weight(rng));
    for (int32_t i = 0; i < hid * hid; ++i)
      u.push_back((int16_t)weight(rng));
    for (int32_t j = 0; j < hid; ++j) {
      wm.push_back(mult(rng));
      ws.push_back(shift(rng));
      um.push_back(mult(rng));
      us.push_back(shift(rng));
      bg.push_back(bias(rng));
      bh.push_back(bias(rng));
    }
    c.input_size = in;
    c.hidden_size = hid;
    c.w = w.data();
    c.u = u.data();
    c.w_multiplier = wm.data();
    c.w_shift = ws.data();
    c.u_multiplier = um.data();
    c.u_shift = us.data();
    c.bias_gate = bg.data();
    c.bias_update = bh.data();
    c.zeta = (int16_t)gate(rng);
    c.nu = (int16_t)gate(rng);
  }
};

// The generic reference: zero state, then rp_fastgrnn_step_unchecked per input.
std::vector<int16_t> generic_sweep(const rp_fastgrnn_t &c, const std::vector<const int16_t *> &xs) {
  std::vector<int16_t> h((size_t)c.hidden_size, 0), buf((size_t)c.hidden_size);
  for (const int16_t *x : xs)
    rp_fastgrnn_step_unchecked(&c, x, h.data(), buf.data());
  return h;
}

void check_sweeps(int32_t in, int32_t hid, int32_t shift_lo, int32_t shift_hi, int expect_fast,
                  uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> s16(-32768, 32767), s8(-128, 127);
  for (int trial = 0; trial < 40; ++trial) {
    // steps 1..9: up to RP_FASTGRNN_BIDIR_MAX_STEPS (8) and one beyond (the fallback).
    const RandomCell rc(in, hid, shift_lo, shift_hi, rng);
    rp_fastgrnn_prepared_t prep;
    rp_fastgrnn_prepare(&rc.c, &prep);
    ASSERT_EQ(prep.fast, expect_fast);
    const int32_t steps = 1 + trial % 9;
    // int16 inputs, forwards and backwards through a sequence of summaries.
    std::vector<int16_t> seq((size_t)(steps * in));
    for (auto &v : seq)
      v = (int16_t)s16(rng);
    std::vector<int16_t> h((size_t)hid, 123), buf((size_t)(hid + in));
    for (int dir = 0; dir < 2; ++dir) {
      std::vector<const int16_t *> xs;
      for (int32_t t = 0; t < steps; ++t)
        xs.push_back(seq.data() + (dir ? steps - 1 - t : t) * in);
      const int16_t *start = xs[0];
      rp_fastgrnn_sweep_s16(&prep, start, dir ? -in : in, steps, h.data(), buf.data());
      ASSERT_EQ(h, generic_sweep(rc.c, xs)) << "s16 trial " << trial << " dir " << dir;
    }
    // Both directions at once (the hidden-16 path shares each input's x.W between them).
    std::vector<int16_t> fwd((size_t)hid, 7), bwd((size_t)hid, 7);
    rp_fastgrnn_bidirectional_s16(&prep, seq.data(), in, steps, fwd.data(), bwd.data(), buf.data());
    std::vector<const int16_t *> forwards, backwards;
    for (int32_t t = 0; t < steps; ++t) {
      forwards.push_back(seq.data() + t * in);
      backwards.push_back(seq.data() + (steps - 1 - t) * in);
    }
    ASSERT_EQ(fwd, generic_sweep(rc.c, forwards)) << "bidirectional trial " << trial;
    ASSERT_EQ(bwd, generic_sweep(rc.c, backwards)) << "bidirectional trial " << trial;
    // int8 inputs through a pointer per step.
    std::vector<int8_t> pix((size_t)(steps * in));
    std::vector<int16_t> wide(pix.size());
    for (size_t i = 0; i < pix.size(); ++i)
      wide[i] = pix[i] = (int8_t)s8(rng);
    std::vector<const int8_t *> px;
    std::vector<const int16_t *> xs;
    for (int32_t t = 0; t < steps; ++t) {
      px.push_back(pix.data() + (steps - 1 - t) * in);
      xs.push_back(wide.data() + (steps - 1 - t) * in);
    }
    rp_fastgrnn_sweep_s8(&prep, px.data(), steps, h.data(), buf.data());
    ASSERT_EQ(h, generic_sweep(rc.c, xs)) << "s8 trial " << trial;
  }
}

TEST(FastGRNNFast, Hidden16Input4SweepsEqualTheGenericStep) {
  check_sweeps(4, 16, -13, -2, 1, 1);
}
TEST(FastGRNNFast, Hidden16Input16SweepsEqualTheGenericStep) {
  check_sweeps(16, 16, -14, -2, 1, 2);
}
TEST(FastGRNNFast, ShiftsOutsideTheFastRangeFallBackToTheGenericStep) {
  check_sweeps(4, 16, -3, -1, 0, 3); // shift -1: the generic requantization
}
TEST(FastGRNNFast, OtherSizesFallBackToTheGenericStep) {
  check_sweeps(3, 8, -13, -2, 0, 4);
  check_sweeps(4, 12, -13, -2, 0, 5);
}

} // namespace
