// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/compare/tensor_metrics.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace rnnpool::compare {
namespace {

template <typename T>
TensorMetrics compare_impl(std::span<const T> reference, std::span<const T> device) {
  if (reference.size() != device.size())
    throw std::invalid_argument("cannot compare tensors of " + std::to_string(reference.size()) +
                                " and " + std::to_string(device.size()) + " elements");
  TensorMetrics m;
  m.count = reference.size();
  if (m.count == 0) return m;
  // Accumulate in double: int8 tensors of a few 100k elements stay exact, floats lose nothing.
  double sum_err = 0, sum_sq_err = 0, sum_abs = 0, dot = 0, ref_sq = 0, dev_sq = 0;
  for (std::size_t i = 0; i < m.count; ++i) {
    const double r = static_cast<double>(reference[i]);
    const double d = static_cast<double>(device[i]);
    const double e = d - r;
    if (reference[i] != device[i]) ++m.mismatches;
    sum_err += e;
    sum_sq_err += e * e;
    sum_abs += std::fabs(e);
    m.max_abs = std::max(m.max_abs, std::fabs(e));
    dot += r * d;
    ref_sq += r * r;
    dev_sq += d * d;
  }
  const double n = static_cast<double>(m.count);
  m.bit_exact = m.mismatches == 0;
  m.rmse = std::sqrt(sum_sq_err / n);
  m.mae = sum_abs / n;
  m.error_mean = sum_err / n;
  m.error_std = std::sqrt(std::max(0.0, sum_sq_err / n - m.error_mean * m.error_mean));
  if (ref_sq > 0)
    m.l2_relative = std::sqrt(sum_sq_err) / std::sqrt(ref_sq);
  else
    m.l2_relative = sum_sq_err > 0 ? INFINITY : 0.0;
  if (ref_sq > 0 && dev_sq > 0)
    m.cosine = dot / (std::sqrt(ref_sq) * std::sqrt(dev_sq));
  else
    m.cosine = (ref_sq == 0 && dev_sq == 0) ? 1.0 : 0.0;
  return m;
}

} // namespace

TensorMetrics compare_tensors(std::span<const float> reference, std::span<const float> device) {
  return compare_impl(reference, device);
}
TensorMetrics compare_tensors(std::span<const int8_t> reference, std::span<const int8_t> device) {
  return compare_impl(reference, device);
}
TensorMetrics compare_tensors(std::span<const uint8_t> reference, std::span<const uint8_t> device) {
  return compare_impl(reference, device);
}

std::string to_string(const TensorMetrics &m) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "rmse %.4g mae %.4g l2rel %.4g err %.4g+-%.4g cos %.6f maxabs %.4g (%zu/%zu "
                "differ)%s",
                m.rmse, m.mae, m.l2_relative, m.error_mean, m.error_std, m.cosine, m.max_abs,
                m.mismatches, m.count, m.bit_exact ? " bit-exact" : "");
  return buf;
}

} // namespace rnnpool::compare
