// SPDX-License-Identifier: GPL-3.0-or-later
// A small process-wide thread pool for the float operators. One thread (the default) runs
// everything on the caller, in the same order as without the pool, so single-thread results stay
// bit-reproducible; more threads split independent work (RNNPool sequences, GEMM rows).
#pragma once

#include <cstddef>
#include <functional>

namespace rnnpool {

// Threads the float operators may use from now on: 1 (default) keeps everything on the caller;
// 0 or less means all hardware threads. Not to be called while an operator runs.
void set_op_threads(int threads);
int op_threads();

// Splits [0, n) into at most op_threads() contiguous chunks and runs body(begin, end) for each,
// the first on the calling thread, and returns when all are done. Chunks are never smaller than
// `grain` items (small jobs stay on one thread). body must not throw.
void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t begin, std::size_t end)> &body);

} // namespace rnnpool
