// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only whole-tensor KxK convolution (groups 1) with exactly the integers of rp_conv_u8_s8 /
// rp_conv_s8_s16 (core/kernels): the stem and the detection heads. The work is PairConv's (int16
// pair multiply-adds on a zero-bordered widened input, vectorised exact requantization).
#pragma once

#include "core/kernels/rp_kernels.h"
#include "core/quant/pair_conv.h"

#include <cstdint>

namespace rnnpool::quant {

class ExactConv {
public:
  // Throws std::invalid_argument on unusable parameters.
  explicit ExactConv(const rp_conv_t &p);
  // Whole tensors: in is in_h x in_w x in_c, out is out_h x out_w x out_c.
  void run(const std::uint8_t *in, std::int8_t *out); // rp_conv_u8_s8
  void run(const std::int8_t *in, std::int16_t *out); // rp_conv_s8_s16
  bool uses_host_kernel(bool u8_input) const;         // false: the C kernel runs

private:
  PairConv conv_;
};

} // namespace rnnpool::quant
