// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/qparams.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {

double QMultiplier::real() const {
  return double(multiplier) * std::ldexp(1.0, shift - 31);
}

QMultiplier quantize_multiplier(double real) {
  if (!std::isfinite(real))
    throw std::invalid_argument("quantize_multiplier: non-finite multiplier");
  if (real == 0.0) return {};
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent); // |mantissa| in [0.5, 1)
  auto q = static_cast<std::int64_t>(std::llround(mantissa * double(1ll << 31)));
  if (q == (1ll << 31)) { // rounding reached 1.0
    q /= 2;
    ++exponent;
  } else if (q == -(1ll << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) return {}; // below the kernels' resolution: contributes nothing
  if (exponent > 30)
    throw std::invalid_argument("quantize_multiplier: multiplier " + std::to_string(real) +
                                " is too large for a 32-bit requantization");
  return {static_cast<std::int32_t>(q), exponent};
}

double symmetric_scale(double max_abs, int qmax) {
  return max_abs > 0.0 ? max_abs / double(qmax) : 1.0;
}

std::int32_t quantize_value(double v, double scale, int qmax) {
  const double q = std::nearbyint(v / scale);
  return static_cast<std::int32_t>(std::clamp(q, -double(qmax), double(qmax)));
}

std::vector<std::int8_t> quantize_per_channel_s8(std::span<const float> weights, int out_channels,
                                                 std::vector<double> &scales) {
  if (out_channels <= 0 || weights.size() % std::size_t(out_channels) != 0)
    throw std::invalid_argument("quantize_per_channel_s8: weight count " +
                                std::to_string(weights.size()) + " is not a multiple of " +
                                std::to_string(out_channels) + " channels");
  const std::size_t per = weights.size() / std::size_t(out_channels);
  std::vector<std::int8_t> q(weights.size());
  scales.assign(std::size_t(out_channels), 1.0);
  for (std::size_t oc = 0; oc < std::size_t(out_channels); ++oc) {
    double max_abs = 0.0;
    for (std::size_t i = 0; i < per; ++i)
      max_abs = std::max(max_abs, double(std::fabs(weights[oc * per + i])));
    scales[oc] = symmetric_scale(max_abs, 127);
    for (std::size_t i = 0; i < per; ++i)
      q[oc * per + i] =
          static_cast<std::int8_t>(quantize_value(weights[oc * per + i], scales[oc], 127));
  }
  return q;
}

} // namespace rnnpool::quant
