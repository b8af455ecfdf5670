// SPDX-License-Identifier: GPL-3.0-or-later
// Statistics over a device run: latency (mean, min, max, std), time units per multiply-add, and
// measured RAM against the planner's figure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace rnnpool::compare {

struct LatencyStats {
  std::size_t count = 0;
  double mean = 0, min = 0, max = 0, std = 0; // population std
};

LatencyStats latency_stats(const std::vector<double> &samples);

// Cycles (or instructions under QEMU) per multiply-add; nullopt when madds is 0.
std::optional<double> units_per_madd(double units, std::uint64_t madds);

struct RamComparison {
  std::uint64_t measured = 0;
  std::uint64_t planned = 0;
  // (measured - planned) / planned; nullopt without a plan.
  std::optional<double> relative_difference() const;
};

} // namespace rnnpool::compare
