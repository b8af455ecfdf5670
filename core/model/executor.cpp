// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/executor.h"

#include "core/model/shape_inference.h"
#include "core/ops/ops.h"

#include <chrono>
#include <stdexcept>

namespace rnnpool {

void apply_layer(const Layer &layer, const Tensor &in, const Tensor *second, Tensor &out) {
  switch (layer.op) {
  case OpKind::Conv2d: conv2d(in, std::get<Conv2dParams>(layer.params), out); break;
  case OpKind::Add:
    if (!second) throw std::invalid_argument("layer '" + layer.name + "': add needs two inputs");
    add(in, *second, out);
    break;
  case OpKind::L2Norm: l2norm(in, std::get<L2NormParams>(layer.params), out); break;
  case OpKind::RNNPool: rnnpool_layer(in, std::get<RNNPoolParams>(layer.params), out); break;
  case OpKind::ReplicatePad:
    replicate_pad(in, std::get<ReplicatePadParams>(layer.params), out);
    break;
  case OpKind::GlobalAvgPool: global_avg_pool(in, out); break;
  case OpKind::FullyConnected:
    fully_connected(in, std::get<FullyConnectedParams>(layer.params), out);
    break;
  }
}
namespace {

[[noreturn]] void fail(const Layer &layer, const std::string &what) {
  throw std::invalid_argument("layer '" + layer.name + "': " + what);
}

void expect_size(const Layer &layer, const std::string &array, std::size_t actual,
                 std::size_t expected) {
  if (actual != expected)
    fail(layer, array + " has " + std::to_string(actual) + " floats, expected " +
                    std::to_string(expected));
}

void check_cell(const Layer &layer, const std::string &cell_name, const FastGRNNCell &cell) {
  const auto in = std::size_t(cell.input_size), hid = std::size_t(cell.hidden_size);
  expect_size(layer, cell_name + ".W", cell.W.size(), in * hid);
  expect_size(layer, cell_name + ".U", cell.U.size(), hid * hid);
  expect_size(layer, cell_name + ".bias_gate", cell.bias_gate.size(), hid);
  expect_size(layer, cell_name + ".bias_update", cell.bias_update.size(), hid);
}

bool params_match(const Layer &layer) {
  switch (layer.op) {
  case OpKind::Conv2d: return std::holds_alternative<Conv2dParams>(layer.params);
  case OpKind::RNNPool: return std::holds_alternative<RNNPoolParams>(layer.params);
  case OpKind::ReplicatePad: return std::holds_alternative<ReplicatePadParams>(layer.params);
  case OpKind::L2Norm: return std::holds_alternative<L2NormParams>(layer.params);
  case OpKind::FullyConnected: return std::holds_alternative<FullyConnectedParams>(layer.params);
  case OpKind::Add:
  case OpKind::GlobalAvgPool: return true;
  }
  return false;
}

// Shapes are already consistent (infer_shapes); this checks the weights match them.
void check_weights(const Layer &layer, const Shape &in) {
  switch (layer.op) {
  case OpKind::Conv2d: {
    const auto &p = std::get<Conv2dParams>(layer.params);
    expect_size(layer, "weight", p.weight.size(),
                std::size_t(p.out_channels) * p.kernel * p.kernel * std::size_t(in.c / p.groups));
    expect_size(layer, "bias", p.bias.size(), std::size_t(p.out_channels));
    return;
  }
  case OpKind::RNNPool: {
    const auto &p = std::get<RNNPoolParams>(layer.params);
    if (p.rnn2.input_size != p.rnn1.hidden_size)
      fail(layer, "RNN2 input size differs from RNN1 hidden size");
    check_cell(layer, "rnn1", p.rnn1);
    check_cell(layer, "rnn2", p.rnn2);
    return;
  }
  case OpKind::L2Norm:
    expect_size(layer, "scale", std::get<L2NormParams>(layer.params).scale.size(),
                std::size_t(in.c));
    return;
  case OpKind::FullyConnected: {
    const auto &p = std::get<FullyConnectedParams>(layer.params);
    expect_size(layer, "weight", p.weight.size(), std::size_t(p.out_features) * in.elements());
    expect_size(layer, "bias", p.bias.size(), std::size_t(p.out_features));
    return;
  }
  case OpKind::Add:
  case OpKind::ReplicatePad:
  case OpKind::GlobalAvgPool: return;
  }
}

} // namespace

Executor::Executor(const Graph &graph) : graph_(graph) {
  for (const Layer &layer : graph.layers)
    if (!params_match(layer))
      fail(layer, std::string("parameters are not those of ") + op_name(layer.op));
  const std::map<std::string, Shape> shapes = infer_shapes(graph);
  for (const Layer &layer : graph.layers) {
    if (!layer.inputs.empty()) check_weights(layer, shapes.at(layer.inputs.front()));
  }
  // Every tensor allocated once, up front; run() then only fills them.
  for (const auto &[name, shape] : shapes)
    tensors_.emplace(name, Tensor(shape));
  layer_ms_.assign(graph.layers.size(), 0.0);
}

void Executor::run(const Tensor &input) {
  if (!(input.shape() == graph_.input_shape))
    throw std::invalid_argument("executor: input is " + input.shape().to_string() +
                                ", the graph expects " + graph_.input_shape.to_string());
  tensors_.at(graph_.input_name).values() = input.values();
  for (std::size_t i = 0; i < graph_.layers.size(); ++i) {
    const Layer &layer = graph_.layers[i];
    const auto start = std::chrono::steady_clock::now();
    const Tensor *second = layer.inputs.size() > 1 ? &tensors_.at(layer.inputs[1]) : nullptr;
    apply_layer(layer, tensors_.at(layer.inputs.front()), second, tensors_.at(layer.name));
    layer_ms_[i] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
}

const Tensor &Executor::tensor(const std::string &name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw std::invalid_argument("executor: no tensor named '" + name + "'");
  return it->second;
}

} // namespace rnnpool
