// SPDX-License-Identifier: GPL-3.0-or-later
// The shared model and input of the benchmark binaries, built once per process. The model file
// comes from RNNPOOL_BENCH_MODEL when set, else random weights (seed 1).
#pragma once

#include "core/perf/bench_setup.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <thread>

namespace rnnpool::bench {

inline const perf::BenchSetup &setup() {
  static const std::unique_ptr<perf::BenchSetup> s = [] {
    const char *path = std::getenv("RNNPOOL_BENCH_MODEL");
    return perf::make_bench_setup(path ? path : "");
  }();
  return *s;
}

// 1 and all hardware threads (just 1 on a single-core machine): the thread counts benchmarked.
inline int all_threads() {
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

} // namespace rnnpool::bench
