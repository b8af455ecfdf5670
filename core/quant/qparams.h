// SPDX-License-Identifier: GPL-3.0-or-later
// Host-side quantization arithmetic (float allowed here, never in core/kernels): real multipliers
// to the kernels' (multiplier, shift) pairs, symmetric scales, and weight/bias rounding.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rnnpool::quant {

// real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (negative reals: negated), as
// TFLite's QuantizeMultiplier. Reals too small for shift >= -31 become 0; too large throw.
struct QMultiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 0;
  double real() const;
};
QMultiplier quantize_multiplier(double real);

// Symmetric scale mapping [-max_abs, max_abs] onto [-qmax, qmax]; a zero range gets scale 1.
double symmetric_scale(double max_abs, int qmax);

// round(v / scale) saturated to [-qmax, qmax].
std::int32_t quantize_value(double v, double scale, int qmax);

// Per-output-channel symmetric int8 weights: `weights` is [out][per_channel]; scales[out] filled.
std::vector<std::int8_t> quantize_per_channel_s8(std::span<const float> weights, int out_channels,
                                                 std::vector<double> &scales);

} // namespace rnnpool::quant
