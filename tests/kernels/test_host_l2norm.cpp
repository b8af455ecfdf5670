// SPDX-License-Identifier: GPL-3.0-or-later
// The host-only HostL2Norm (vectorised sums of squares and requantization) must give exactly
// rp_l2norm_s8's bytes: the face model's depths, all-zero pixels, saturating multipliers, and a
// depth that is not a multiple of 8 (the C kernel path).
#include "core/kernels/rp_kernels.h"
#include "core/quant/host_l2norm.h"

#include <gtest/gtest.h>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

using namespace rnnpool::quant;

namespace {

void expect_identical(int pixels, int channels, int shift_lo, int shift_hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::int32_t> mul(static_cast<std::size_t>(channels)),
      shift(static_cast<std::size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    mul[std::size_t(c)] = std::int32_t((1u << 30) + rng() % (1u << 30));
    shift[std::size_t(c)] = shift_lo + int(rng() % unsigned(shift_hi - shift_lo + 1));
  }
  const rp_l2norm_t p{pixels, channels, mul.data(), shift.data()};
  std::vector<std::int8_t> x(std::size_t(pixels) * channels);
  for (auto &v : x)
    v = std::int8_t(rng());
  for (int c = 0; c < channels; ++c) // one all-zero pixel: the division is skipped there
    x[std::size_t(c)] = 0;
  for (int c = 0; c < channels; ++c) // one pixel of extremes
    x[std::size_t(channels) + c] = c % 2 ? -128 : 127;
  std::vector<std::int8_t> device(x.size()), host(x.size(), 99);
  ASSERT_EQ(rp_l2norm_s8(&p, x.data(), device.data()), RP_OK);
  HostL2Norm(p).run(x.data(), host.data());
  EXPECT_EQ(host, device) << pixels << " x " << channels;
  EXPECT_GT(std::set<std::int8_t>(device.begin(), device.end()).size(), 20u)
      << "a degenerate case would prove little";
}

TEST(HostL2Norm, BitIdenticalToDeviceKernel) {
  // x * inv is up to 2^26 (unit vectors): shifts near -20 land in int8.
  expect_identical(300, 32, -22, -19, 1); // face model depths
  expect_identical(200, 64, -22, -19, 2);
  expect_identical(50, 128, -22, -19, 3); // the kernel's deepest input
  expect_identical(100, 24, -17, -15, 4); // saturating outputs
  expect_identical(100, 13, -22, -19, 5); // not a multiple of 8: the C kernel path
}

TEST(HostL2Norm, RejectsUnusableParameters) {
  std::vector<std::int32_t> mul(200, 1 << 30), shift(200, -4);
  EXPECT_THROW(HostL2Norm({4, 200, mul.data(), shift.data()}), std::invalid_argument);
  EXPECT_THROW(HostL2Norm({4, 8, nullptr, shift.data()}), std::invalid_argument);
}

} // namespace
