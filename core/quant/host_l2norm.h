// SPDX-License-Identifier: GPL-3.0-or-later
// Host-only L2Norm with exactly the integers of rp_l2norm_s8 (core/kernels): the per-pixel sum of
// squares and the division by its integer square root as on the device, then the per-channel
// requantization of x * inv 8 channels at a time (core/quant/simd_requant.h).
#pragma once

#include "core/kernels/rp_kernels.h"

#include <cstdint>

namespace rnnpool::quant {

class HostL2Norm {
public:
  explicit HostL2Norm(const rp_l2norm_t &p); // throws std::invalid_argument on bad parameters
  // in, out: pixels x channels, not overlapping.
  void run(const std::int8_t *in, std::int8_t *out) const;

private:
  rp_l2norm_t p_;
  bool vector_ = false; // channels a multiple of 8 and every shift in range
};

} // namespace rnnpool::quant
