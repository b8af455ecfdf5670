// SPDX-License-Identifier: GPL-3.0-or-later
// Plain double-precision references for the kernel tests, written from spec section 1 and the
// graph's weight layouts, independent of both the kernels and the float executor.
#pragma once

#include "core/model/graph.h"

#include <cmath>
#include <random>
#include <vector>

namespace rnnpool::test {

inline std::vector<float> random_vector(std::size_t n, float lo, float hi, std::mt19937 &rng) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

// HWC conv, OHWI weights ([out][kh][kw][in/groups]), zero padding, optional ReLU6.
inline std::vector<double> conv_ref(const std::vector<double> &in, Shape s, const Conv2dParams &p,
                                    Shape &out_shape) {
  const int oh = (s.h + 2 * p.pad - p.kernel) / p.stride + 1;
  const int ow = (s.w + 2 * p.pad - p.kernel) / p.stride + 1;
  const int cin_g = s.c / p.groups, cout_g = p.out_channels / p.groups;
  out_shape = {oh, ow, p.out_channels};
  std::vector<double> out(out_shape.elements());
  for (int y = 0; y < oh; ++y)
    for (int x = 0; x < ow; ++x)
      for (int oc = 0; oc < p.out_channels; ++oc) {
        const int g = oc / cout_g;
        double acc = p.bias.empty() ? 0.0 : p.bias[oc];
        for (int ky = 0; ky < p.kernel; ++ky)
          for (int kx = 0; kx < p.kernel; ++kx) {
            const int iy = y * p.stride - p.pad + ky, ix = x * p.stride - p.pad + kx;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            for (int ic = 0; ic < cin_g; ++ic)
              acc += in[(std::size_t(iy) * s.w + ix) * s.c + g * cin_g + ic] *
                     p.weight[((std::size_t(oc) * p.kernel + ky) * p.kernel + kx) * cin_g + ic];
          }
        if (p.activation == Activation::ReLU6) acc = std::min(6.0, std::max(0.0, acc));
        out[(std::size_t(y) * ow + x) * p.out_channels + oc] = acc;
      }
  return out;
}

inline double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

inline void fastgrnn_ref(const FastGRNNCell &c, const double *x, std::vector<double> &h) {
  std::vector<double> next(h.size());
  for (int j = 0; j < c.hidden_size; ++j) {
    double pre = 0.0;
    for (int i = 0; i < c.input_size; ++i)
      pre += x[i] * c.W[std::size_t(i) * c.hidden_size + j];
    for (int i = 0; i < c.hidden_size; ++i)
      pre += h[i] * c.U[std::size_t(i) * c.hidden_size + j];
    const double z = sigmoid(pre + c.bias_gate[j]);
    const double ht = std::tanh(pre + c.bias_update[j]);
    next[j] = z * h[j] + (sigmoid(c.zeta) * (1.0 - z) + sigmoid(c.nu)) * ht;
  }
  h = next;
}

// One patch: rows x cols x k values, row-major. Returns 4 * h2 values.
inline std::vector<double> rnnpool_patch_ref(const RNNPoolParams &p, const double *patch, int rows,
                                             int cols, int k, std::size_t row_stride) {
  const int h1 = p.rnn1.hidden_size, h2 = p.rnn2.hidden_size;
  auto at = [&](int r, int c) { return patch + r * row_stride + std::size_t(c) * k; };
  std::vector<std::vector<double>> row_sum, col_sum;
  for (int r = 0; r < rows; ++r) {
    std::vector<double> h(h1, 0.0);
    for (int c = 0; c < cols; ++c)
      fastgrnn_ref(p.rnn1, at(r, c), h);
    row_sum.push_back(h);
  }
  for (int c = 0; c < cols; ++c) {
    std::vector<double> h(h1, 0.0);
    for (int r = 0; r < rows; ++r)
      fastgrnn_ref(p.rnn1, at(r, c), h);
    col_sum.push_back(h);
  }
  std::vector<double> out;
  auto bidir = [&](const std::vector<std::vector<double>> &seq) {
    std::vector<double> h(h2, 0.0);
    for (const auto &s : seq)
      fastgrnn_ref(p.rnn2, s.data(), h);
    out.insert(out.end(), h.begin(), h.end());
    h.assign(h2, 0.0);
    for (auto it = seq.rbegin(); it != seq.rend(); ++it)
      fastgrnn_ref(p.rnn2, it->data(), h);
    out.insert(out.end(), h.begin(), h.end());
  };
  bidir(row_sum);
  bidir(col_sum);
  return out;
}

inline FastGRNNCell random_cell(int in, int hid, std::mt19937 &rng, float w_range = 0.5f) {
  FastGRNNCell c;
  c.input_size = in;
  c.hidden_size = hid;
  c.W = random_vector(std::size_t(in) * hid, -w_range, w_range, rng);
  c.U = random_vector(std::size_t(hid) * hid, -w_range, w_range, rng);
  c.bias_gate = random_vector(hid, -1.0f, 1.0f, rng);
  c.bias_update = random_vector(hid, -1.0f, 1.0f, rng);
  c.zeta = 1.0f;
  c.nu = -4.0f;
  return c;
}

inline Conv2dParams random_conv(int in_c, int out_c, int kernel, int stride, int groups,
                                Activation act, std::mt19937 &rng) {
  Conv2dParams p;
  p.out_channels = out_c;
  p.kernel = kernel;
  p.stride = stride;
  p.pad = kernel / 2;
  p.groups = groups;
  p.activation = act;
  const float r = 1.0f / std::sqrt(float(kernel * kernel * in_c / groups));
  p.weight = random_vector(std::size_t(out_c) * kernel * kernel * (in_c / groups), -r, r, rng);
  p.bias = random_vector(out_c, -0.2f, 0.2f, rng);
  return p;
}

} // namespace rnnpool::test
