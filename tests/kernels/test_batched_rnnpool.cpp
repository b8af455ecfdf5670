// SPDX-License-Identifier: GPL-3.0-or-later
// The host-only BatchedRNNPool must give exactly rp_rnnpool_s8's bytes (the device kernel), for
// the face model's sizes (the hidden-16 fast path) and others (the generic path), including
// inputs and weights large enough to saturate the gates and the state.
#include "core/kernels/rp_kernels.h"
#include "core/quant/batched_rnnpool.h"
#include "core/quant/quantized_layers.h"
#include "tests/kernels/float_reference.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <stdexcept>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

struct Case {
  unsigned seed;
  Shape in;
  int patch, stride, h1, h2;
  float w_range;
  double out_scale = 3.0 / 127;
  bool per_channel = false; // per-channel centres and scales (what calibrated models use)
};

void expect_identical(const Case &c) {
  std::mt19937 rng(c.seed);
  RNNPoolParams params;
  params.patch = c.patch;
  params.stride = c.stride;
  params.rnn1 = test::random_cell(c.in.c, c.h1, rng, c.w_range);
  params.rnn2 = test::random_cell(c.h1, c.h2, rng, c.w_range);
  std::vector<std::int8_t> x(c.in.elements());
  for (auto &v : x)
    v = std::int8_t(int(rng() % 256) - 128);
  std::vector<double> lo(4 * std::size_t(c.h2)), hi(lo.size());
  for (std::size_t ch = 0; ch < lo.size(); ++ch) { // narrow bands away from zero, as trained
    const double centre = (double(rng() % 2001) - 1000.0) / 1400.0;
    const double half = 0.01 + double(rng() % 1000) / 10000.0;
    lo[ch] = centre - half;
    hi[ch] = centre + half;
  }
  const QRNNPool q = c.per_channel ? quantize_rnnpool(params, c.in, 6.0 / 127, lo, hi)
                                   : quantize_rnnpool(params, c.in, 6.0 / 127, c.out_scale);
  const rp_rnnpool_t k = q.view();
  const std::size_t out_size =
      std::size_t(rp_rnnpool_out_h(&k)) * rp_rnnpool_out_w(&k) * 4 * std::size_t(c.h2);
  std::vector<std::int32_t> buffer(std::size_t(rp_rnnpool_get_buffer_size(&k)) / 4 + 1);
  std::vector<std::int8_t> device(out_size), host(out_size, 99);
  ASSERT_EQ(rp_rnnpool_s8(&k, x.data(), device.data(), buffer.data()), RP_OK);
  BatchedRNNPool batched(k);
  batched.run(x.data(), host.data());
  EXPECT_EQ(host, device) << "seed " << c.seed;
  int saturated = 0;
  std::set<int> distinct;
  for (std::int8_t v : device) {
    saturated += v == 127 || v == -128;
    distinct.insert(v);
  }
  EXPECT_GT(distinct.size(), std::min<std::size_t>(10, out_size / 2))
      << "a degenerate case would prove little";
  if (c.out_scale < 0.01) {
    EXPECT_GT(saturated, 0) << "meant to saturate the output";
  }
  std::printf("seed %u: %zu outputs, %d saturated\n", c.seed, out_size, saturated);
  batched.run(x.data(), host.data()); // buffers reused: same answer again
  EXPECT_EQ(host, device);
}

TEST(BatchedRNNPool, FaceModelSizesBitIdenticalToDeviceKernel) {
  expect_identical({1, {40, 36, 4}, 8, 4, 16, 16, 0.6f});
  // Stride 3: sequence counts 161, 156, 168 leave tails for the 4- and 1-sequence groups.
  expect_identical({5, {23, 26, 4}, 8, 3, 16, 16, 0.6f});
}

TEST(BatchedRNNPool, PerChannelCentresBitIdenticalToDeviceKernel) {
  Case c{7, {40, 36, 4}, 8, 4, 16, 16, 0.6f};
  c.per_channel = true;
  expect_identical(c);
}

TEST(BatchedRNNPool, OtherSizesBitIdenticalToDeviceKernel) {
  expect_identical({2, {20, 17, 3}, 6, 3, 8, 12, 0.5f});
  expect_identical({3, {9, 9, 2}, 9, 5, 5, 3, 0.5f}); // one patch
}

TEST(BatchedRNNPool, SaturatingWeightsBitIdenticalToDeviceKernel) {
  expect_identical({4, {24, 24, 4}, 8, 4, 16, 16, 3.0f, 0.5 / 127});
}

TEST(BatchedRNNPool, PackedActivationsEqualDevicePwlOnEveryInput) {
  for (int x = -32768; x <= 32767; ++x) {
    ASSERT_EQ(detail::packed_sigmoid_q12(x), rp_sigmoid_q12(std::int16_t(x))) << "x = " << x;
    ASSERT_EQ(detail::packed_tanh_q12(x), rp_tanh_q12(std::int16_t(x))) << "x = " << x;
  }
}

TEST(BatchedRNNPool, RejectsMismatchedCells) {
  std::mt19937 rng(5);
  RNNPoolParams params;
  params.patch = 8;
  params.stride = 4;
  params.rnn1 = test::random_cell(4, 16, rng);
  params.rnn2 = test::random_cell(16, 16, rng);
  const QRNNPool q = quantize_rnnpool(params, {16, 16, 4}, 6.0 / 127, 3.0 / 127);
  rp_rnnpool_t k = q.view();
  k.in_c = 3; // RNN1 expects 4 channels
  EXPECT_THROW(BatchedRNNPool{k}, std::invalid_argument);
  k = q.view();
  k.in_h = 7; // smaller than one patch
  EXPECT_THROW(BatchedRNNPool{k}, std::invalid_argument);
}

} // namespace
