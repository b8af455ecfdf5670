// SPDX-License-Identifier: GPL-3.0-or-later
// Execution strategies: each turns a graph into steps and buffer lifetimes (what must be
// resident when). Placement in an arena is a separate concern (arena_placement.h).
#pragma once

#include "core/model/graph.h"
#include "core/plan/buffer_types.h"

#include <string>

namespace rnnpool {

enum class PlanStrategy {
  Layer,    // layer by layer, whole tensors (the paper's "standard calculation")
  Paper,    // the paper's RAM convention (spec section 3)
  Streaming // row-band fused execution (core/stream/streaming_schedule.h)
};
const char *strategy_name(PlanStrategy strategy);
// Throw std::invalid_argument naming the offending value.
PlanStrategy parse_strategy(const std::string &name);
PlanDType parse_dtype(const std::string &name);

// One step per layer. Every tensor, the graph input included, is resident from its producer
// (step 0 for the input) to its last consumer (graph outputs to the last step); each layer's
// declared scratch and state (kernel_scratch.h) are resident during its step.
Liveness layer_liveness(const Graph &graph, PlanDType dtype);

// One step per layer, the paper's convention: the input image is not counted; a tensor whose
// consumers all lie in its producer's block (an MBConv's expansion and depthwise output), a conv
// output consumed only by RNNPool (patches computed on the fly) and a 1x1 conv output consumed
// only by global pooling are computed on the fly and take no RAM, but keep their own sources
// resident until they are consumed. So an MBConv costs input + output. Activations only: no
// scratch or state, as in the paper.
Liveness paper_liveness(const Graph &graph, PlanDType dtype);

// The face model evaluated row by row (core/stream/streaming_schedule.h): one step per output
// row of a stage; buffers are the input rows, conv band, RNNPool states, padded row, expansion
// and head window rings, block output rows, the candidate list (kind state) and the shared kernel
// scratch (kind scratch). Throws std::invalid_argument for a graph that is not the face model.
Liveness streaming_liveness(const Graph &graph, PlanDType dtype);

// Dispatches to the strategies above.
Liveness strategy_liveness(const Graph &graph, PlanStrategy strategy, PlanDType dtype);

} // namespace rnnpool
