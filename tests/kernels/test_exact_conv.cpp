// SPDX-License-Identifier: GPL-3.0-or-later
// The host-only ExactConv (PairConv: int16 pair multiply-adds, vectorised requantization) must
// give exactly the device kernels' bytes: rp_conv_u8_s8 (the stem, uint8 frame with a zero point)
// and rp_conv_s8_s16 (the detection heads), including padding taps, stride 2, saturation, odd
// depths and deep inputs (which the former float GEMM could not take exactly).
#include "core/kernels/rp_kernels.h"
#include "core/quant/exact_conv.h"
#include "core/quant/pair_conv.h"
#include "core/quant/quantized_layers.h"
#include "tests/kernels/float_reference.h"

#include <gtest/gtest.h>
#include <random>
#include <set>
#include <stdexcept>
#include <tuple>

using namespace rnnpool;
using namespace rnnpool::quant;

namespace {

template <typename T> std::size_t distinct(const std::vector<T> &v) {
  return std::set<T>(v.begin(), v.end()).size();
}

void expect_stem_identical(Shape in, int out_c, int kernel, int stride, unsigned seed) {
  std::mt19937 rng(seed);
  const Conv2dParams p = test::random_conv(in.c, out_c, kernel, stride, 1, Activation::ReLU6, rng);
  const QConv q = quantize_frame_conv(p, in, 117.312, 6.0 / 127);
  const rp_conv_t k = q.view();
  std::vector<std::uint8_t> frame(in.elements());
  for (auto &v : frame)
    v = std::uint8_t(rng());
  const std::size_t n = std::size_t(k.out_h) * k.out_w * k.out_c;
  std::vector<std::int8_t> device(n), host(n, 99);
  ASSERT_EQ(rp_conv_u8_s8(&k, frame.data(), 0, in.h, 0, k.out_h, device.data()), RP_OK);
  ExactConv conv(k);
  EXPECT_TRUE(conv.uses_host_kernel(true));
  conv.run(frame.data(), host.data());
  EXPECT_EQ(host, device);
  EXPECT_GT(distinct(device), 10u) << "a degenerate case would prove little";
}

void expect_head_identical(Shape in, int out_c, int kernel, int stride, unsigned seed,
                           double out_scale) {
  std::mt19937 rng(seed);
  const Conv2dParams p = test::random_conv(in.c, out_c, kernel, stride, 1, Activation::None, rng);
  const QConv q = quantize_conv(p, in, 0.05, out_scale, ConvOutput::Int16);
  const rp_conv_t k = q.view();
  std::vector<std::int8_t> x(in.elements());
  for (auto &v : x)
    v = std::int8_t(rng());
  const std::size_t n = std::size_t(k.out_h) * k.out_w * k.out_c;
  std::vector<std::int16_t> device(n), host(n, 99);
  ASSERT_EQ(rp_conv_s8_s16(&k, x.data(), 0, in.h, 0, k.out_h, device.data()), RP_OK);
  ExactConv conv(k);
  EXPECT_TRUE(conv.uses_host_kernel(false));
  conv.run(x.data(), host.data());
  EXPECT_EQ(host, device);
  EXPECT_GT(distinct(device), 10u) << "a degenerate case would prove little";
}

TEST(ExactConv, StemBitIdenticalToDeviceKernel) {
  expect_stem_identical({24, 32, 1}, 4, 3, 2, 1); // the face model's stem, smaller frame
  expect_stem_identical({13, 11, 1}, 4, 3, 2, 2); // odd sizes
  expect_stem_identical({9, 10, 2}, 3, 5, 1, 3);  // two channels, 5x5
}

TEST(ExactConv, HeadsBitIdenticalToDeviceKernel) {
  expect_head_identical({30, 40, 32}, 4, 3, 1, 4, 0.01); // loc.0 shape
  expect_head_identical({15, 20, 64}, 2, 3, 1, 5, 0.01); // conf.3 shape
  expect_head_identical({8, 9, 16}, 5, 3, 2, 6, 1e-5);   // stride 2, saturating int16
  expect_head_identical({7, 5, 3}, 9, 3, 1, 9, 0.01);    // odd depth: a pair spans two taps
}

TEST(ExactConv, DeepInputStaysExact) {
  expect_head_identical({5, 6, 128}, 3, 3, 1, 7, 0.01); // 9 * 128 * 2^14 > 2^24
}

// A detection head's box and score convolutions as one PairConv (their channels side by side in
// the 8 lanes): each output must still equal its own rp_conv_s8_s16.
TEST(PairConv, HeadPairBitIdenticalToDeviceKernels) {
  for (const auto &[in, conf_c, seed] :
       {std::tuple{Shape{30, 40, 32}, 4, 11u}, std::tuple{Shape{15, 20, 64}, 2, 12u},
        std::tuple{Shape{7, 9, 24}, 5, 13u}}) { // 9 lanes: 2 groups
    std::mt19937 rng(seed);
    const Conv2dParams loc = test::random_conv(in.c, 4, 3, 1, 1, Activation::None, rng);
    const Conv2dParams conf = test::random_conv(in.c, conf_c, 3, 1, 1, Activation::None, rng);
    const QConv ql = quantize_conv(loc, in, 0.05, 0.01, ConvOutput::Int16);
    const QConv qc = quantize_conv(conf, in, 0.05, 0.02, ConvOutput::Int16);
    std::vector<std::int8_t> x(in.elements());
    for (auto &v : x)
      v = std::int8_t(rng());
    const rp_conv_t kl = ql.view(), kc = qc.view();
    const std::size_t px = std::size_t(kl.out_h) * kl.out_w;
    std::vector<std::int16_t> dev_l(px * 4), dev_c(px * conf_c), host_l(px * 4, 99),
        host_c(px * conf_c, 99);
    ASSERT_EQ(rp_conv_s8_s16(&kl, x.data(), 0, in.h, 0, kl.out_h, dev_l.data()), RP_OK);
    ASSERT_EQ(rp_conv_s8_s16(&kc, x.data(), 0, in.h, 0, kc.out_h, dev_c.data()), RP_OK);
    PairConv pair({kl, kc});
    std::int16_t *outs[2] = {host_l.data(), host_c.data()};
    pair.run(x.data(), outs);
    EXPECT_EQ(host_l, dev_l) << in.to_string();
    EXPECT_EQ(host_c, dev_c) << in.to_string();
    EXPECT_GT(distinct(dev_c), 10u) << "a degenerate case would prove little";
  }
}

TEST(PairConv, RejectsPartsOfDifferentGeometry) {
  std::mt19937 rng(14);
  const Conv2dParams a = test::random_conv(8, 4, 3, 1, 1, Activation::None, rng);
  const Conv2dParams b = test::random_conv(8, 2, 3, 2, 1, Activation::None, rng);
  const QConv qa = quantize_conv(a, {8, 8, 8}, 0.05, 0.05),
              qb = quantize_conv(b, {8, 8, 8}, 0.05, 0.05);
  EXPECT_THROW(PairConv({qa.view(), qb.view()}), std::invalid_argument);
  EXPECT_THROW(PairConv(std::vector<rp_conv_t>{}), std::invalid_argument);
}

TEST(ExactConv, RejectsInconsistentGeometry) {
  std::mt19937 rng(8);
  const Conv2dParams p = test::random_conv(4, 4, 3, 1, 1, Activation::None, rng);
  const QConv q = quantize_conv(p, {8, 8, 4}, 0.05, 0.05);
  rp_conv_t k = q.view();
  k.out_w = 9; // 8 wide, pad 1, 3x3, stride 1 gives 8
  EXPECT_THROW(ExactConv{k}, std::invalid_argument);
}

} // namespace
