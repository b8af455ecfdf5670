// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/compare/run_stats.h"

#include <algorithm>
#include <cmath>

namespace rnnpool::compare {

LatencyStats latency_stats(const std::vector<double> &samples) {
  LatencyStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  double sum = 0, sum_sq = 0;
  s.min = s.max = samples.front();
  for (double v : samples) {
    sum += v;
    sum_sq += v * v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  const double n = static_cast<double>(s.count);
  s.mean = sum / n;
  s.std = std::sqrt(std::max(0.0, sum_sq / n - s.mean * s.mean));
  return s;
}

std::optional<double> units_per_madd(double units, std::uint64_t madds) {
  if (madds == 0) return std::nullopt;
  return units / static_cast<double>(madds);
}

std::optional<double> RamComparison::relative_difference() const {
  if (planned == 0) return std::nullopt;
  return (static_cast<double>(measured) - static_cast<double>(planned)) /
         static_cast<double>(planned);
}

} // namespace rnnpool::compare
