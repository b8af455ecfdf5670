// SPDX-License-Identifier: GPL-3.0-or-later
// Offsets for buffers with lifetimes in one arena, such that buffers live at the same step never
// overlap. Two placers: greedy (largest first, first fit; TFLite Micro's GreedyMemoryPlanner
// idea) and a branch-and-bound search over first-fit orders that is exact when it finishes.
#pragma once

#include "core/plan/buffer_types.h"

#include <cstddef>
#include <vector>

namespace rnnpool {

struct Placement {
  std::vector<std::size_t> offsets; // parallel to the buffers
  std::size_t arena_bytes = 0;      // max(offset + bytes)
};

// The largest total of buffers live at one step: no placement can use less arena.
std::size_t peak_live_bytes(const Liveness &live);

// Lowest offset at which `b` fits next to the already placed buffers that share a step with it.
std::size_t first_fit_offset(const std::vector<BufferLifetime> &buffers,
                             const std::vector<std::size_t> &offsets,
                             const std::vector<bool> &placed, std::size_t b);

// Places buffers in the given order, each at its first-fit offset.
Placement place_in_order(const std::vector<BufferLifetime> &buffers,
                         const std::vector<std::size_t> &order);

// Largest first (ties: earlier first step), first fit.
Placement place_greedy(const std::vector<BufferLifetime> &buffers);

struct SearchResult {
  Placement placement;
  bool proven_optimal = false; // reached the lower bound, or explored every order
  std::size_t nodes = 0;
};

// Depth-first search over placement orders with first fit, pruned by the best arena so far and
// stopped at `lower_bound` or after `node_budget` nodes. Some first-fit order realises every
// optimal placement (place an optimum's buffers by increasing offset), so a finished search is
// exact; a stopped one is the best of the orders it tried, never worse than greedy.
SearchResult place_search(const std::vector<BufferLifetime> &buffers, std::size_t lower_bound,
                          std::size_t node_budget = 200000);

} // namespace rnnpool
