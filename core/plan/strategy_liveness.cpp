// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/strategy_liveness.h"

#include "core/model/shape_inference.h"
#include "core/plan/kernel_scratch.h"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

namespace rnnpool {
namespace {

// Who produces and who consumes each tensor, by step.
struct Dataflow {
  std::map<std::string, int> producer;               // tensor -> step (input: absent)
  std::map<std::string, std::vector<int>> consumers; // tensor -> steps reading it
};

Dataflow dataflow(const Graph &graph) {
  Dataflow d;
  for (int i = 0; i < int(graph.layers.size()); ++i) {
    const Layer &layer = graph.layers[std::size_t(i)];
    d.producer[layer.name] = i;
    for (const std::string &in : layer.inputs)
      d.consumers[in].push_back(i);
  }
  return d;
}

bool is_pointwise_conv(const Layer &layer) {
  if (layer.op != OpKind::Conv2d) return false;
  const auto &p = std::get<Conv2dParams>(layer.params);
  return p.kernel == 1 && p.stride == 1 && p.groups == 1;
}

// Builds tensor lifetimes for a materialisation rule: tensors for which `resident` is false take
// no RAM, and their sources stay resident until the on-the-fly tensor's last (transitive) use.
Liveness tensor_liveness(const Graph &graph, PlanDType dtype,
                         const std::function<bool(const std::string &)> &resident) {
  const auto shapes = infer_shapes(graph);
  const Dataflow flow = dataflow(graph);
  const int last_step = int(graph.layers.size()) - 1;
  const auto is_output = [&](const std::string &t) {
    return std::find(graph.outputs.begin(), graph.outputs.end(), t) != graph.outputs.end();
  };

  std::map<std::string, int> last_use_memo;
  std::function<int(const std::string &)> last_use = [&](const std::string &t) -> int {
    if (auto it = last_use_memo.find(t); it != last_use_memo.end()) return it->second;
    const auto p = flow.producer.find(t);
    int last = p == flow.producer.end() ? 0 : p->second;
    if (is_output(t)) last = last_step;
    if (auto c = flow.consumers.find(t); c != flow.consumers.end())
      for (int step : c->second) {
        const std::string &out = graph.layers[std::size_t(step)].name;
        last = std::max(last, resident(out) ? step : last_use(out));
      }
    return last_use_memo[t] = last;
  };

  Liveness live;
  for (const Layer &layer : graph.layers)
    live.steps.push_back(layer.name);
  const auto add_tensor = [&](const std::string &t) {
    if (!resident(t)) return;
    const auto p = flow.producer.find(t);
    live.buffers.push_back({t, BufferKind::Tensor,
                            shapes.at(t).elements() * activation_element_bytes(dtype),
                            p == flow.producer.end() ? 0 : p->second, last_use(t)});
  };
  add_tensor(graph.input_name);
  for (const Layer &layer : graph.layers)
    add_tensor(layer.name);
  return live;
}

} // namespace

const char *strategy_name(PlanStrategy strategy) {
  switch (strategy) {
  case PlanStrategy::Layer: return "layer";
  case PlanStrategy::Paper: return "paper";
  case PlanStrategy::Streaming: return "streaming";
  }
  return "unknown";
}

PlanStrategy parse_strategy(const std::string &name) {
  for (PlanStrategy s : {PlanStrategy::Layer, PlanStrategy::Paper, PlanStrategy::Streaming})
    if (name == strategy_name(s)) return s;
  throw std::invalid_argument("unknown strategy '" + name + "' (known: layer, paper, streaming)");
}

PlanDType parse_dtype(const std::string &name) {
  for (PlanDType d : {PlanDType::F32, PlanDType::I8})
    if (name == dtype_name(d)) return d;
  throw std::invalid_argument("unknown dtype '" + name + "' (known: f32, i8)");
}

Liveness layer_liveness(const Graph &graph, PlanDType dtype) {
  Liveness live = tensor_liveness(graph, dtype, [](const std::string &) { return true; });
  const auto shapes = infer_shapes(graph);
  std::vector<Shape> inputs;
  for (int i = 0; i < int(graph.layers.size()); ++i) {
    const Layer &layer = graph.layers[std::size_t(i)];
    inputs.clear();
    for (const std::string &in : layer.inputs)
      inputs.push_back(shapes.at(in));
    const KernelWorkspace ws = layer_workspace(layer, inputs, dtype);
    if (ws.scratch_bytes)
      live.buffers.push_back(
          {layer.name + ".scratch", BufferKind::Scratch, ws.scratch_bytes, i, i});
    if (ws.state_bytes)
      live.buffers.push_back({layer.name + ".state", BufferKind::State, ws.state_bytes, i, i});
  }
  return live;
}

Liveness paper_liveness(const Graph &graph, PlanDType dtype) {
  const Dataflow flow = dataflow(graph);
  std::map<std::string, const Layer *> producer_layer;
  for (const Layer &layer : graph.layers)
    producer_layer[layer.name] = &layer;

  const auto resident = [&](const std::string &t) {
    if (t == graph.input_name) return false; // the input image is not counted
    if (std::find(graph.outputs.begin(), graph.outputs.end(), t) != graph.outputs.end())
      return true;
    const Layer &producer = *producer_layer.at(t);
    const auto c = flow.consumers.find(t);
    if (c == flow.consumers.end()) return true;
    const auto all_consumers = [&](const auto &pred) {
      return std::all_of(c->second.begin(), c->second.end(),
                         [&](int step) { return pred(graph.layers[std::size_t(step)]); });
    };
    if (all_consumers([&](const Layer &l) { return l.block == producer.block; })) return false;
    if (all_consumers([](const Layer &l) { return l.op == OpKind::RNNPool; })) return false;
    if (is_pointwise_conv(producer) &&
        all_consumers([](const Layer &l) { return l.op == OpKind::GlobalAvgPool; }))
      return false;
    return true;
  };
  return tensor_liveness(graph, dtype, resident);
}

Liveness strategy_liveness(const Graph &graph, PlanStrategy strategy, PlanDType dtype) {
  switch (strategy) {
  case PlanStrategy::Layer: return layer_liveness(graph, dtype);
  case PlanStrategy::Paper: return paper_liveness(graph, dtype);
  case PlanStrategy::Streaming: return streaming_liveness(graph, dtype);
  }
  throw std::invalid_argument("unknown strategy");
}

} // namespace rnnpool
