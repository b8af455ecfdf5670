// SPDX-License-Identifier: GPL-3.0-or-later
// A RAM timeline: for each step the live buffers with their arena offsets, the live total, the
// peak step, and the arena size from both placers. Built from any strategy's Liveness, so a
// streaming strategy (steps = row bands, buffers = rings and states) fits the same structure.
#pragma once

#include "core/model/graph.h"
#include "core/plan/arena_placement.h"
#include "core/plan/buffer_types.h"
#include "core/plan/strategy_liveness.h"

#include <string>
#include <vector>

namespace rnnpool {

struct PlanStep {
  std::string layer;             // what runs at this step
  std::size_t live_bytes = 0;    // sum of the live buffers
  std::vector<std::size_t> live; // indices into MemoryPlan::buffers, by increasing offset
};

struct MemoryPlan {
  std::string architecture;
  std::string strategy;
  PlanDType dtype = PlanDType::F32;
  std::vector<BufferLifetime> buffers;
  std::vector<std::size_t> offsets; // chosen placement, parallel to buffers
  std::vector<PlanStep> steps;
  std::size_t peak_bytes = 0; // largest live total: the lower bound on any arena
  int peak_step = 0;
  std::size_t arena_bytes = 0;        // the chosen (smaller) placement
  std::size_t arena_bytes_greedy = 0; // largest first, first fit
  std::size_t arena_bytes_search = 0; // branch and bound over first-fit orders
  bool search_proven_optimal = false;
  std::string placer; // "greedy" or "search": which one gave arena_bytes
};

// Places a strategy's buffers (both placers; the smaller arena wins, greedy on ties) and builds
// the per-step timeline.
MemoryPlan assemble_plan(const std::string &architecture, const std::string &strategy,
                         PlanDType dtype, Liveness live, std::size_t search_budget = 200000);

// strategy_liveness() + assemble_plan(). Throws std::invalid_argument for an inconsistent graph
// or a strategy that is not implemented.
MemoryPlan make_memory_plan(const Graph &graph, PlanStrategy strategy, PlanDType dtype);

} // namespace rnnpool
