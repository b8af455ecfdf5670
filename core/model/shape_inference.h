// SPDX-License-Identifier: GPL-3.0-or-later
// Output shape of every layer from the graph input's shape. Throws std::invalid_argument naming the
// layer when a graph is inconsistent (unknown input, shape mismatch, window larger than its input).
#pragma once

#include "core/model/graph.h"

#include <map>
#include <span>
#include <string>

namespace rnnpool {

Shape layer_output_shape(const Layer &layer, std::span<const Shape> input_shapes);

// Every tensor's shape, the graph input included, keyed by tensor name.
std::map<std::string, Shape> infer_shapes(const Graph &graph);

} // namespace rnnpool
