// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only whole-tensor MBConv with exactly the integers of rp_mbconv_s8 (core/kernels). The
// pointwise convolutions are PairConv's int16 pair multiply-adds (exact integer sums) with the
// device's requantization done 8 lanes at a time; the depthwise convolution is HostDepthwise3x3;
// the residual add is the device's C kernel on the whole tensor.
#pragma once

#include "core/kernels/rp_kernels.h"
#include "core/quant/host_depthwise.h"
#include "core/quant/pair_conv.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

// rp_pointwise_s8 on the host (PairConv with K = 1).
class ExactPointwise {
public:
  explicit ExactPointwise(const rp_conv_t &p); // throws std::invalid_argument on bad parameters
  void run(const std::int8_t *in, std::int32_t pixels, std::int8_t *out);

private:
  PairConv conv_;
};

class HostMBConv {
public:
  explicit HostMBConv(const rp_mbconv_t &p); // throws std::invalid_argument on bad parameters
  // in: in_h x in_w x in_c; out: out_h x out_w x out_c (not overlapping in).
  void run(const std::int8_t *in, std::int8_t *out);

private:
  rp_mbconv_t p_;
  ExactPointwise expand_;
  HostDepthwise3x3 depthwise3x3_;
  ExactPointwise project_;
  std::vector<std::int8_t> hidden_, depthwise_;
};

} // namespace rnnpool::quant
