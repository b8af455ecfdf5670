// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/shape_inference.h"

#include <stdexcept>

namespace rnnpool {
namespace {

[[noreturn]] void fail(const Layer &layer, const std::string &what) {
  throw std::invalid_argument("layer '" + layer.name + "': " + what);
}

void expect_inputs(const Layer &layer, std::span<const Shape> inputs, std::size_t count) {
  if (inputs.size() != count)
    fail(layer,
         "expects " + std::to_string(count) + " input(s), has " + std::to_string(inputs.size()));
}

int windows(const Layer &layer, int extent, int window, int stride, int pad) {
  const int span = extent + 2 * pad - window;
  if (span < 0 || stride <= 0) fail(layer, "window larger than its input or bad stride");
  return span / stride + 1;
}

} // namespace

Shape layer_output_shape(const Layer &layer, std::span<const Shape> in) {
  switch (layer.op) {
  case OpKind::Conv2d: {
    expect_inputs(layer, in, 1);
    const auto &p = std::get<Conv2dParams>(layer.params);
    if (p.groups <= 0 || in[0].c % p.groups != 0 || p.out_channels % p.groups != 0)
      fail(layer, "channels not divisible by groups");
    return {windows(layer, in[0].h, p.kernel, p.stride, p.pad),
            windows(layer, in[0].w, p.kernel, p.stride, p.pad), p.out_channels};
  }
  case OpKind::Add:
    expect_inputs(layer, in, 2);
    if (!(in[0] == in[1])) fail(layer, "adds " + in[0].to_string() + " and " + in[1].to_string());
    return in[0];
  case OpKind::L2Norm: expect_inputs(layer, in, 1); return in[0];
  case OpKind::RNNPool: {
    expect_inputs(layer, in, 1);
    const auto &p = std::get<RNNPoolParams>(layer.params);
    if (p.rnn1.input_size != in[0].c)
      fail(layer, "RNN1 input size " + std::to_string(p.rnn1.input_size) + " but input has " +
                      std::to_string(in[0].c) + " channels");
    return {windows(layer, in[0].h, p.patch, p.stride, 0),
            windows(layer, in[0].w, p.patch, p.stride, 0), 4 * p.rnn2.hidden_size};
  }
  case OpKind::ReplicatePad: {
    expect_inputs(layer, in, 1);
    const auto &p = std::get<ReplicatePadParams>(layer.params);
    return {in[0].h + p.bottom, in[0].w + p.right, in[0].c};
  }
  case OpKind::GlobalAvgPool: expect_inputs(layer, in, 1); return {1, 1, in[0].c};
  case OpKind::FullyConnected: {
    expect_inputs(layer, in, 1);
    const auto &p = std::get<FullyConnectedParams>(layer.params);
    return {1, 1, p.out_features};
  }
  }
  fail(layer, "unknown op");
}

std::map<std::string, Shape> infer_shapes(const Graph &graph) {
  std::map<std::string, Shape> shapes;
  shapes[graph.input_name] = graph.input_shape;
  std::vector<Shape> inputs;
  for (const Layer &layer : graph.layers) {
    inputs.clear();
    for (const std::string &name : layer.inputs) {
      auto it = shapes.find(name);
      if (it == shapes.end()) fail(layer, "input '" + name + "' is not produced before it");
      inputs.push_back(it->second);
    }
    if (shapes.count(layer.name)) fail(layer, "name used twice");
    shapes[layer.name] = layer_output_shape(layer, inputs);
  }
  for (const std::string &out : graph.outputs)
    if (!shapes.count(out))
      throw std::invalid_argument("graph output '" + out + "' is not produced");
  return shapes;
}

} // namespace rnnpool
