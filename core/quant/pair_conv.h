// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only direct KxK convolution (groups 1, pointwise included) with exactly the integers of the
// device's rp_conv_* kernels, in 16-bit pair multiply-adds (VPMADDWD: 16 MACs per instruction).
// The input is widened once to an int16 image with (x + input_offset) inside and zeros in the
// padding border, so every output pixel reads, per kernel row, one contiguous run of K * in_c
// values (the OHWI weights' own order) and padding taps add 0 as the device skips them. Products
// of int8 weights and int16 inputs below 2^15 cannot overflow a pair sum, and integer sums do not
// depend on their order, so the accumulators equal the device's; requantization is the device's
// arithmetic done 8 lanes at a time (core/quant/simd_requant.h).
//
// Several convolutions of one geometry over one input (a detection head's box and score convs)
// can run as one: their output channels sit side by side in the 8-lane groups.
#pragma once

#include "core/kernels/rp_kernels.h"
#include "core/quant/simd_requant.h"

#include <cstdint>
#include <vector>

namespace rnnpool::quant {

class PairConv {
public:
  // parts: one or more convolutions with the same input, kernel, stride, pad and input offset.
  // Throws std::invalid_argument on unusable or mismatched parameters.
  explicit PairConv(const std::vector<rp_conv_t> &parts);

  // Whole tensors: in is in_h x in_w x in_c; outs[i] receives parts[i] (out_h x out_w x out_c).
  // For a 1x1, stride 1, pad 0 convolution, `pixels` (> 0) overrides in_h x in_w (pointwise).
  void run(const std::uint8_t *in, std::int8_t *const *outs, std::int32_t pixels = 0);
  void run(const std::int8_t *in, std::int8_t *const *outs, std::int32_t pixels = 0);
  void run(const std::int8_t *in, std::int16_t *const *outs, std::int32_t pixels = 0);

  // False when the host kernel cannot be exact for this input type (an input value past int16 or
  // a shift out of the device's range): then run() calls the device's C kernel per part.
  bool exact_for(bool u8_input) const;

private:
  template <typename In, typename Out>
  void run_impl(const In *in, Out *const *outs, std::int32_t pixels);
  template <typename In> void widen(const In *in, int in_h, int in_w);
  template <typename Out> void store(const std::int32_t *lanes, Out *const *outs, std::size_t px);

  std::vector<rp_conv_t> parts_;
  std::vector<int> lane0_;            // first lane of each part
  int vectors_ = 0;                   // 8-lane groups of output channels
  int pairs_ = 0;                     // int16 pairs per kernel row: ceil(K * in_c / 2)
  bool shifts_ok_ = true;             // every shift in the device's range [-31, 30]
  std::vector<std::int16_t> weights_; // [ky][pair][vector][lane][2]
  std::vector<std::int32_t> bias_, mul_, shift_, act_min_, act_max_; // per lane
#if defined(__AVX2__)
  std::vector<RequantLanes> rq_; // per 8-lane group
#endif
  std::vector<std::int32_t> lanes_; // requantized lanes of a block of pixels
  std::vector<std::int16_t> image_; // padded widened input (+ slack for pair over-reads)
  int image_h_ = -1, image_w_ = -1;
};

} // namespace rnnpool::quant
