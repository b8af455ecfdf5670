// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only whole-tensor depthwise 3x3 (pad 1) with exactly the integers of rp_depthwise3x3_s8
// (core/kernels). With AVX2 and 16k channels: the input copied once into a zero-bordered image
// (padding taps add 0, as the device skips them), two taps' int8 products per 16-bit pair
// multiply-add, 16 channels at a time, the device's requantization 8 lanes at a time. Otherwise a
// channel-vectorised integer loop. Integer sums do not depend on their order: same bytes.
#pragma once

#include "core/kernels/rp_kernels.h"
#include "core/quant/simd_requant.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

class HostDepthwise3x3 {
public:
  // p: in_c == out_c channels, weights [3][3][c], pad 1; else std::invalid_argument.
  explicit HostDepthwise3x3(const rp_conv_t &p);
  void run(const std::int8_t *in, std::int8_t *out); // whole tensors, not overlapping

private:
  void run_pairs(const std::int8_t *in, std::int8_t *out);
  void run_channels(const std::int8_t *in, std::int8_t *out);

  rp_conv_t p_;
  bool pairs_ = false;
  std::vector<std::int16_t> weights_; // [C/16][tap pair 0..4][unpack half][8 lanes][2 taps]
  std::vector<std::int32_t> bias_;    // [C/16][unpack half][8 lanes]
#if defined(__AVX2__)
  std::vector<RequantLanes> rq_; // [C/16][unpack half]
#endif
  std::vector<std::int8_t> padded_; // (in_h + 2) x (in_w + 2) x C
  std::vector<std::int32_t> acc_;   // run_channels' accumulators
};

} // namespace rnnpool::quant
