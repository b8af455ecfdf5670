// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only whole-tensor MBConv with exactly the integers of rp_mbconv_s8 (core/kernels). The
// pointwise convolutions run as float GEMMs, which are exact here: int8 x int8 products are at
// most 2^14 in magnitude, so any sum of up to 1024 of them is an integer below 2^24 that float32
// holds exactly whatever the summation order; bias, requantization and clamping then run in
// integers as on the device. The depthwise convolution runs channel-vectorised in integers; the
// residual add is the device's C kernel on the whole tensor.
#pragma once

#include "core/kernels/rp_kernels.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

// rp_pointwise_s8 through a float GEMM. in_c <= 1024 (the exactness bound); else it uses the C
// kernel itself.
class ExactPointwise {
public:
  explicit ExactPointwise(const rp_conv_t &p); // throws std::invalid_argument on bad parameters
  void run(const std::int8_t *in, std::int32_t pixels, std::int8_t *out);

private:
  rp_conv_t p_;
  bool exact_float_ = true;
  std::vector<float> weights_; // [in_c][out_c]
  std::vector<float> in_, acc_;
};

class HostMBConv {
public:
  explicit HostMBConv(const rp_mbconv_t &p); // throws std::invalid_argument on bad parameters
  // in: in_h x in_w x in_c; out: out_h x out_w x out_c (not overlapping in).
  void run(const std::int8_t *in, std::int8_t *out);

private:
  rp_mbconv_t p_;
  ExactPointwise expand_, project_;
  std::vector<std::int8_t> hidden_, depthwise_;
  std::vector<std::int32_t> dw_acc_;
};

} // namespace rnnpool::quant
