// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only whole-tensor KxK convolution (groups 1) with exactly the integers of rp_conv_u8_s8 /
// rp_conv_s8_s16 (core/kernels): im2col of (x + input_offset), zero for padding taps (as the
// device skips them), then a float GEMM, exact because every partial sum is an integer below
// 2^24 (checked at construction from K, depth and the input range; otherwise the C kernel runs).
// Bias, requantization and clamping in integers as on the device.
#pragma once

#include "core/kernels/rp_kernels.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

class ExactConv {
public:
  // Throws std::invalid_argument on unusable parameters.
  explicit ExactConv(const rp_conv_t &p);
  // Whole tensors: in is in_h x in_w x in_c, out is out_h x out_w x out_c.
  void run(const std::uint8_t *in, std::int8_t *out); // rp_conv_u8_s8
  void run(const std::int8_t *in, std::int16_t *out); // rp_conv_s8_s16
  bool uses_float_gemm(bool u8_input) const;          // false: the C kernel runs

private:
  template <typename In> void accumulate(const In *in);
  template <typename Out> void finish(Out *out) const;

  rp_conv_t p_;
  std::vector<float> weights_; // [ky][kx][ci][oc]
  std::vector<float> cols_, acc_;
};

} // namespace rnnpool::quant
