// SPDX-License-Identifier: GPL-3.0-or-later
// A MemoryPlan as JSON, CSV or a text timeline (the formats of `rnnpool-cli plan`).
#pragma once

#include "core/plan/memory_plan.h"

#include <nlohmann/json.hpp>
#include <string>

namespace rnnpool {

// {model, strategy, dtype, peak_bytes, peak_step, peak_layer, arena_bytes, arena_bytes_greedy,
//  arena_bytes_search, search_proven_optimal, placer, buffers: [{name, kind, bytes, offset,
//  first_step, last_step}], steps: [{step, layer, live_bytes, buffers: [{name, offset, bytes}]}]}
nlohmann::json plan_to_json(const MemoryPlan &plan);

// One line per (step, live buffer): step,layer,live_bytes,buffer,kind,offset,bytes.
std::string plan_to_csv(const MemoryPlan &plan);

// One line per step (live total and the buffers as name@offset+bytes), then the summary.
std::string plan_to_table(const MemoryPlan &plan);

} // namespace rnnpool
