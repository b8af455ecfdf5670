// SPDX-License-Identifier: GPL-3.0-or-later
// Runs a Graph whole-tensor, layer by layer, keeping every named tensor (the host's reference
// execution and the source of per-layer results for the views).
#pragma once

#include "core/model/graph.h"

#include <map>
#include <string>

namespace rnnpool {

// Runs one layer's operator: `in` is its first input, `second` its second (Add) or null.
void apply_layer(const Layer &layer, const Tensor &in, const Tensor *second, Tensor &out);

class Executor {
public:
  // The graph must be executable (weights present, shapes consistent); throws otherwise.
  explicit Executor(const Graph &graph);

  // Runs the whole graph. Tensor allocations are reused across calls.
  void run(const Tensor &input);

  // A tensor by name after run(): the input or any layer's output. Throws if unknown.
  const Tensor &tensor(const std::string &name) const;

  // Milliseconds each layer took in the last run(), in layer order.
  const std::vector<double> &layer_ms() const { return layer_ms_; }

  const Graph &graph() const { return graph_; }

private:
  const Graph &graph_;
  std::map<std::string, Tensor> tensors_;
  std::vector<double> layer_ms_;
};

} // namespace rnnpool
