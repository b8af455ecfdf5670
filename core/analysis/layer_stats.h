// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer account of a graph: shapes, output bytes, parameters and multiply-adds (MAdds).
// Everything is derived from shapes and layer hyper-parameters, never from weight vectors, so zoo
// graphs (which carry no weights) can be analysed. Counting rules: docs/analysis.md.
#pragma once

#include "core/model/graph.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rnnpool {

inline constexpr std::size_t kFloat32Bytes = 4;
inline constexpr std::size_t kInt8Bytes = 1;

struct LayerStats {
  std::string name;
  OpKind op = OpKind::Conv2d;
  std::string block;
  std::vector<Shape> input_shapes;
  Shape output_shape;
  std::uint64_t params = 0;
  std::uint64_t madds = 0;

  std::size_t output_bytes(std::size_t element_size) const {
    return output_shape.elements() * element_size;
  }
};

struct GraphStats {
  std::string architecture;
  Shape input_shape;
  std::vector<LayerStats> layers;
  std::uint64_t total_params = 0;
  std::uint64_t total_madds = 0;
  // The largest single layer output (the graph input is not a layer output).
  std::size_t max_activation_elements = 0;
  std::string max_activation_layer;
};

// Weights and biases of one FastGRNN cell: W, U, bias_gate, bias_update, zeta, nu.
std::uint64_t fastgrnn_params(int input_size, int hidden_size);

// MAdds of one RNNPool patch: RNN1 over every row and every column of the P x P patch
// (2*P*P steps of in*h1 + h1*h1), RNN2 forward and backward over both summary sequences
// (4*P steps of h1*h2 + h2*h2).
std::uint64_t rnnpool_patch_madds(const RNNPoolParams &p, int in_channels);

// Parameters of one layer given its input shapes (batch norm folded: every conv has a bias).
std::uint64_t layer_params(const Layer &layer, std::span<const Shape> inputs);

// MAdds of one layer given its input and output shapes (0 for add, pad, L2Norm, pooling).
std::uint64_t layer_madds(const Layer &layer, std::span<const Shape> inputs, const Shape &output);

// Runs shape inference and accounts every layer; throws std::invalid_argument (naming the layer)
// when the graph is inconsistent.
GraphStats analyze_graph(const Graph &graph);

} // namespace rnnpool
