// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/analysis/layer_stats.h"

#include "core/model/shape_inference.h"

namespace rnnpool {

std::uint64_t fastgrnn_params(int input_size, int hidden_size) {
  const std::uint64_t in = std::uint64_t(input_size), h = std::uint64_t(hidden_size);
  return in * h + h * h + 2 * h + 2; // W, U, bias_gate, bias_update, zeta, nu
}

std::uint64_t rnnpool_patch_madds(const RNNPoolParams &p, int in_channels) {
  const std::uint64_t P = std::uint64_t(p.patch), k = std::uint64_t(in_channels);
  const std::uint64_t h1 = std::uint64_t(p.rnn1.hidden_size);
  const std::uint64_t h2 = std::uint64_t(p.rnn2.hidden_size);
  const std::uint64_t rnn1_steps = P * P + P * P; // P rows of P steps, P columns of P steps
  const std::uint64_t rnn2_steps = 2 * P + 2 * P; // both directions over rows, then columns
  return rnn1_steps * (k * h1 + h1 * h1) + rnn2_steps * (h1 * h2 + h2 * h2);
}

std::uint64_t layer_params(const Layer &layer, std::span<const Shape> inputs) {
  switch (layer.op) {
  case OpKind::Conv2d: {
    const auto &p = std::get<Conv2dParams>(layer.params);
    const std::uint64_t out = std::uint64_t(p.out_channels);
    const std::uint64_t per_filter =
        std::uint64_t(p.kernel) * std::uint64_t(p.kernel) * std::uint64_t(inputs[0].c / p.groups);
    return out * per_filter + out;
  }
  case OpKind::RNNPool: {
    const auto &p = std::get<RNNPoolParams>(layer.params);
    // RNN2 consumes RNN1's states, so its input size is h1 by construction.
    return fastgrnn_params(inputs[0].c, p.rnn1.hidden_size) +
           fastgrnn_params(p.rnn1.hidden_size, p.rnn2.hidden_size);
  }
  case OpKind::L2Norm: return std::uint64_t(inputs[0].c);
  case OpKind::FullyConnected: {
    const auto &p = std::get<FullyConnectedParams>(layer.params);
    const std::uint64_t out = std::uint64_t(p.out_features);
    return std::uint64_t(inputs[0].elements()) * out + out;
  }
  case OpKind::Add:
  case OpKind::ReplicatePad:
  case OpKind::GlobalAvgPool: return 0;
  }
  return 0;
}

std::uint64_t layer_madds(const Layer &layer, std::span<const Shape> inputs, const Shape &output) {
  switch (layer.op) {
  case OpKind::Conv2d: {
    const auto &p = std::get<Conv2dParams>(layer.params);
    return std::uint64_t(output.elements()) * std::uint64_t(p.kernel) * std::uint64_t(p.kernel) *
           std::uint64_t(inputs[0].c / p.groups);
  }
  case OpKind::RNNPool: {
    const auto &p = std::get<RNNPoolParams>(layer.params);
    const std::uint64_t patches = std::uint64_t(output.h) * std::uint64_t(output.w);
    return patches * rnnpool_patch_madds(p, inputs[0].c);
  }
  case OpKind::FullyConnected:
    return std::uint64_t(inputs[0].elements()) * std::uint64_t(output.elements());
  // Element-wise and data-movement layers: no multiply-adds (the usual convention; see
  // docs/analysis.md for their element counts).
  case OpKind::Add:
  case OpKind::L2Norm:
  case OpKind::ReplicatePad:
  case OpKind::GlobalAvgPool: return 0;
  }
  return 0;
}

GraphStats analyze_graph(const Graph &graph) {
  const auto shapes = infer_shapes(graph);
  GraphStats stats;
  stats.architecture = graph.architecture;
  stats.input_shape = graph.input_shape;
  for (const Layer &layer : graph.layers) {
    LayerStats s;
    s.name = layer.name;
    s.op = layer.op;
    s.block = layer.block;
    for (const std::string &in : layer.inputs)
      s.input_shapes.push_back(shapes.at(in));
    s.output_shape = shapes.at(layer.name);
    s.params = layer_params(layer, s.input_shapes);
    s.madds = layer_madds(layer, s.input_shapes, s.output_shape);
    stats.total_params += s.params;
    stats.total_madds += s.madds;
    if (s.output_shape.elements() > stats.max_activation_elements) {
      stats.max_activation_elements = s.output_shape.elements();
      stats.max_activation_layer = s.name;
    }
    stats.layers.push_back(std::move(s));
  }
  return stats;
}

} // namespace rnnpool
