// SPDX-License-Identifier: GPL-3.0-or-later
// Conversions from the core's analysis and planner types to the rows and plan views the widgets
// draw. The only place where both sides meet, so widgets/ never sees a core plan or stats type.
#pragma once

#include "core/analysis/layer_stats.h"
#include "core/plan/memory_plan.h"
#include "widgets/model/layer_row.h"
#include "widgets/model/memory_plan_view.h"

#include <map>
#include <string>

namespace rnnpool {

// One row per analysed layer, graph order; params and MAdds from the analysis, bytes for f32 and
// i8 activations. Host and device times stay unmeasured (-1).
QVector<LayerRow> layerRowsFromStats(const GraphStats &stats);

// The plan as the RAM views draw it. `kind_override` renames buffer kinds by buffer name (the
// streaming plan's band/ring/row/candidates instead of the planner's coarser state); buffers not
// in it keep the planner's kind, and the graph input of a whole-layer plan is kind "input".
MemoryPlanView planViewFromPlan(const MemoryPlan &plan, const std::string &input_name,
                                const std::map<std::string, std::string> &kind_override = {});

} // namespace rnnpool
