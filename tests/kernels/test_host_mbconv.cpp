// SPDX-License-Identifier: GPL-3.0-or-later
// The host-only HostMBConv (PairConv pointwise, vectorised requantization) must give exactly
// rp_mbconv_s8's bytes: the face model's four blocks, t = 1, odd channel counts, and deep layers.
#include "core/kernels/rp_kernels.h"
#include "core/quant/host_mbconv.h"
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

void expect_identical(int in_c, int t, int out_c, int stride, Shape in, unsigned seed,
                      float w_range = 1.0f) {
  std::mt19937 rng(seed);
  const int hidden = in_c * t;
  Conv2dParams expand = test::random_conv(in_c, hidden, 1, 1, 1, Activation::ReLU6, rng);
  Conv2dParams dw = test::random_conv(hidden, hidden, 3, stride, hidden, Activation::ReLU6, rng);
  Conv2dParams project = test::random_conv(hidden, out_c, 1, 1, 1, Activation::None, rng);
  for (Conv2dParams *c : {&expand, &dw, &project})
    for (float &w : c->weight)
      w *= w_range;
  const bool residual = stride == 1 && in_c == out_c;
  const QMBConv q = quantize_mbconv(t != 1 ? &expand : nullptr, dw, project, residual, in, 0.03,
                                    6.0 / 127, 6.0 / 127, 0.04, 0.05);
  const rp_mbconv_t k = q.view();
  std::vector<std::int8_t> x(in.elements());
  for (auto &v : x)
    v = std::int8_t(rng());
  const std::size_t out_size = std::size_t(rp_mbconv_out_h(&k)) * rp_mbconv_out_w(&k) * out_c;
  std::vector<std::int32_t> buffer(std::size_t(rp_mbconv_get_buffer_size(&k)) / 4 + 1);
  std::vector<std::int8_t> device(out_size), host(out_size, 99);
  ASSERT_EQ(rp_mbconv_s8(&k, x.data(), device.data(), buffer.data()), RP_OK);
  HostMBConv block(k);
  block.run(x.data(), host.data());
  EXPECT_EQ(host, device) << "in " << in_c << " t " << t << " out " << out_c << " s " << stride;
  int saturated = 0;
  std::set<int> distinct;
  for (std::int8_t v : device) {
    saturated += v == 127 || v == -128;
    distinct.insert(v);
  }
  EXPECT_GT(distinct.size(), std::min<std::size_t>(20, out_size / 8))
      << "a degenerate case would prove little";
  std::printf("%d -> %d -> %d stride %d: %zu outputs, %d saturated\n", in_c, hidden, out_c, stride,
              out_size, saturated);
}

TEST(HostMBConv, FaceModelBlocksBitIdenticalToDeviceKernel) {
  expect_identical(64, 2, 32, 1, {30, 40, 64}, 1);
  expect_identical(32, 2, 32, 1, {30, 40, 32}, 2);
  expect_identical(32, 2, 64, 2, {30, 40, 32}, 3);
  expect_identical(64, 2, 64, 1, {15, 20, 64}, 4);
}

TEST(HostMBConv, OtherShapesBitIdenticalToDeviceKernel) {
  expect_identical(16, 1, 16, 1, {7, 5, 16}, 5);      // no expansion
  expect_identical(24, 3, 40, 2, {9, 11, 24}, 6);     // odd sizes, stride 2
  expect_identical(32, 2, 32, 1, {8, 8, 32}, 7, 8.f); // large weights: saturating outputs
}

TEST(HostMBConv, DeepLayersStayExact) {
  expect_identical(600, 2, 8, 1, {3, 4, 600}, 8); // project depth 1200: past float32's 2^24
  expect_identical(13, 3, 11, 1, {6, 7, 13}, 10); // odd depths, channels not a multiple of 8
}

TEST(HostMBConv, RejectsInconsistentBlocks) {
  std::mt19937 rng(9);
  const Conv2dParams expand = test::random_conv(8, 16, 1, 1, 1, Activation::ReLU6, rng);
  const Conv2dParams dw = test::random_conv(16, 16, 3, 1, 16, Activation::ReLU6, rng);
  const Conv2dParams project = test::random_conv(16, 8, 1, 1, 1, Activation::None, rng);
  const QMBConv q =
      quantize_mbconv(&expand, dw, project, true, {4, 4, 8}, 0.03, 0.05, 0.05, 0.04, 0.05);
  rp_mbconv_t k = q.view();
  k.project.in_c = 12;
  EXPECT_THROW(HostMBConv{k}, std::invalid_argument);
  k = q.view();
  k.expand.input_offset = 3; // pointwise kernels take no input offset
  EXPECT_THROW(HostMBConv{k}, std::invalid_argument);
}

} // namespace
