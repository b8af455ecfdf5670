// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper: fills every layer of a graph with random weights of the sizes its shapes call for,
// scaled by fan-in so activations stay of order one through a deep graph.
#pragma once

#include "core/model/graph.h"
#include "core/model/shape_inference.h"

#include <cmath>
#include <random>
#include <vector>

namespace rnnpool::test {

inline std::vector<float> random_values(std::size_t n, float scale, std::mt19937 &rng) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = scale * unit(rng);
  return v;
}

inline void fill_cell(FastGRNNCell &cell, std::mt19937 &rng) {
  const auto in = std::size_t(cell.input_size), hid = std::size_t(cell.hidden_size);
  cell.W = random_values(in * hid, 1.5f / std::sqrt(float(in)), rng);
  cell.U = random_values(hid * hid, 1.5f / std::sqrt(float(hid)), rng);
  cell.bias_gate = random_values(hid, 1.0f, rng);
  cell.bias_update = random_values(hid, 1.0f, rng);
  cell.zeta = 1.0f; // EdgeML's initial values
  cell.nu = -4.0f;
}

inline void fill_random_weights(Graph &graph, unsigned seed = 1) {
  std::mt19937 rng(seed);
  const auto shapes = infer_shapes(graph);
  for (Layer &layer : graph.layers) {
    const Shape in = shapes.at(layer.inputs.front());
    if (auto *conv = std::get_if<Conv2dParams>(&layer.params)) {
      const std::size_t fan_in = std::size_t(conv->kernel) * conv->kernel * (in.c / conv->groups);
      conv->weight = random_values(std::size_t(conv->out_channels) * fan_in,
                                   std::sqrt(3.0f / float(fan_in)), rng);
      conv->bias = random_values(std::size_t(conv->out_channels), 0.1f, rng);
    } else if (auto *pool = std::get_if<RNNPoolParams>(&layer.params)) {
      fill_cell(pool->rnn1, rng);
      fill_cell(pool->rnn2, rng);
    } else if (auto *norm = std::get_if<L2NormParams>(&layer.params)) {
      norm->scale = random_values(std::size_t(in.c), 10.0f, rng);
    } else if (auto *fc = std::get_if<FullyConnectedParams>(&layer.params)) {
      fc->weight = random_values(std::size_t(fc->out_features) * in.elements(),
                                 1.0f / std::sqrt(float(in.elements())), rng);
      fc->bias = random_values(std::size_t(fc->out_features), 0.1f, rng);
    }
  }
}

} // namespace rnnpool::test
