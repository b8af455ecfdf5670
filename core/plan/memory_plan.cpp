// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/memory_plan.h"

#include <algorithm>

namespace rnnpool {

MemoryPlan assemble_plan(const std::string &architecture, const std::string &strategy,
                         PlanDType dtype, Liveness live, std::size_t search_budget) {
  MemoryPlan plan;
  plan.architecture = architecture;
  plan.strategy = strategy;
  plan.dtype = dtype;

  const Placement greedy = place_greedy(live.buffers);
  const SearchResult search = place_search(live.buffers, peak_live_bytes(live), search_budget);
  plan.arena_bytes_greedy = greedy.arena_bytes;
  plan.arena_bytes_search = search.placement.arena_bytes;
  plan.search_proven_optimal = search.proven_optimal;
  const bool use_search = search.placement.arena_bytes < greedy.arena_bytes;
  plan.placer = use_search ? "search" : "greedy";
  plan.offsets = use_search ? search.placement.offsets : greedy.offsets;
  plan.arena_bytes = std::min(greedy.arena_bytes, search.placement.arena_bytes);

  for (int s = 0; s < int(live.steps.size()); ++s) {
    PlanStep step;
    step.layer = live.steps[std::size_t(s)];
    for (std::size_t b = 0; b < live.buffers.size(); ++b)
      if (live.buffers[b].live_at(s)) {
        step.live.push_back(b);
        step.live_bytes += live.buffers[b].bytes;
      }
    std::sort(step.live.begin(), step.live.end(),
              [&](std::size_t a, std::size_t b) { return plan.offsets[a] < plan.offsets[b]; });
    if (step.live_bytes > plan.peak_bytes) {
      plan.peak_bytes = step.live_bytes;
      plan.peak_step = s;
    }
    plan.steps.push_back(std::move(step));
  }
  plan.buffers = std::move(live.buffers);
  return plan;
}

MemoryPlan make_memory_plan(const Graph &graph, PlanStrategy strategy, PlanDType dtype) {
  return assemble_plan(graph.architecture, strategy_name(strategy), dtype,
                       strategy_liveness(graph, strategy, dtype));
}

} // namespace rnnpool
