// SPDX-License-Identifier: GPL-3.0-or-later
// RNNPool against an independent implementation written here from the spec's equations (section
// 1): plain loops in double precision, no code shared with core/ops.
#include "core/ops/ops.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace rnnpool {
namespace {

// ---- independent reference ------------------------------------------------------------------

struct RefCell {
  int in = 0, hid = 0;
  std::vector<double> W, U, bg, bh; // W [in][hid], U [hid][hid]
  double zeta = 0, nu = 0;
};

RefCell to_ref(const FastGRNNCell &c) {
  RefCell r;
  r.in = c.input_size;
  r.hid = c.hidden_size;
  r.W.assign(c.W.begin(), c.W.end());
  r.U.assign(c.U.begin(), c.U.end());
  r.bg.assign(c.bias_gate.begin(), c.bias_gate.end());
  r.bh.assign(c.bias_update.begin(), c.bias_update.end());
  r.zeta = c.zeta;
  r.nu = c.nu;
  return r;
}

double ref_sigmoid(double v) {
  return 1.0 / (1.0 + std::exp(-v));
}

// h' = z*h + (sigmoid(zeta)*(1-z) + sigmoid(nu)) * tanh(pre + bh), z = sigmoid(pre + bg),
// pre = x@W + h@U.
std::vector<double> ref_step(const RefCell &c, const std::vector<double> &x,
                             const std::vector<double> &h) {
  std::vector<double> next(c.hid);
  for (int j = 0; j < c.hid; ++j) {
    double pre = 0;
    for (int i = 0; i < c.in; ++i)
      pre += x[i] * c.W[i * c.hid + j];
    for (int i = 0; i < c.hid; ++i)
      pre += h[i] * c.U[i * c.hid + j];
    const double z = ref_sigmoid(pre + c.bg[j]);
    const double cand = std::tanh(pre + c.bh[j]);
    next[j] = z * h[j] + (ref_sigmoid(c.zeta) * (1 - z) + ref_sigmoid(c.nu)) * cand;
  }
  return next;
}

std::vector<double> ref_run(const RefCell &c, const std::vector<std::vector<double>> &seq) {
  std::vector<double> h(c.hid, 0.0);
  for (const auto &x : seq)
    h = ref_step(c, x, h);
  return h;
}

// pixels[r][c] is a vector of k channels. Returns 4*h2 values in the spec's order.
std::vector<double> ref_rnnpool(const RefCell &rnn1, const RefCell &rnn2,
                                const std::vector<std::vector<std::vector<double>>> &pixels) {
  const int rows = int(pixels.size()), cols = int(pixels[0].size());
  std::vector<std::vector<double>> row_summaries, col_summaries;
  for (int r = 0; r < rows; ++r)
    row_summaries.push_back(ref_run(rnn1, pixels[r]));
  for (int c = 0; c < cols; ++c) {
    std::vector<std::vector<double>> column;
    for (int r = 0; r < rows; ++r)
      column.push_back(pixels[r][c]);
    col_summaries.push_back(ref_run(rnn1, column));
  }
  std::vector<double> out;
  for (auto *summaries : {&row_summaries, &col_summaries}) {
    const auto fwd = ref_run(rnn2, *summaries);
    std::vector<std::vector<double>> reversed(summaries->rbegin(), summaries->rend());
    const auto bwd = ref_run(rnn2, reversed);
    out.insert(out.end(), fwd.begin(), fwd.end());
    out.insert(out.end(), bwd.begin(), bwd.end());
  }
  return out;
}

std::vector<std::vector<std::vector<double>>> ref_patch(const Tensor &t, int y0, int x0, int rows,
                                                        int cols) {
  std::vector<std::vector<std::vector<double>>> px(rows, std::vector<std::vector<double>>(cols));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      for (int ch = 0; ch < t.c(); ++ch)
        px[r][c].push_back(t.at(y0 + r, x0 + c, ch));
  return px;
}

// ---- random fixtures --------------------------------------------------------------------------

// Ranges like a trained cell's (EdgeML initialises zeta to 1 and nu to -4), so the states stay of
// order one; the weights are still large enough for every gate to matter.
FastGRNNCell random_cell(int in, int hid, std::mt19937 &rng) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f), zeta(0.0f, 2.0f), nu(-5.0f, -2.0f);
  FastGRNNCell c;
  c.input_size = in;
  c.hidden_size = hid;
  const float w_scale = 1.5f / std::sqrt(float(in)), u_scale = 1.5f / std::sqrt(float(hid));
  for (int i = 0; i < in * hid; ++i)
    c.W.push_back(w_scale * unit(rng));
  for (int i = 0; i < hid * hid; ++i)
    c.U.push_back(u_scale * unit(rng));
  for (int i = 0; i < hid; ++i)
    c.bias_gate.push_back(unit(rng));
  for (int i = 0; i < hid; ++i)
    c.bias_update.push_back(unit(rng));
  c.zeta = zeta(rng);
  c.nu = nu(rng);
  return c;
}

RNNPoolParams random_params(int k, int h1, int h2, int patch, int stride, unsigned seed) {
  std::mt19937 rng(seed);
  RNNPoolParams p;
  p.patch = patch;
  p.stride = stride;
  p.rnn1 = random_cell(k, h1, rng);
  p.rnn2 = random_cell(h1, h2, rng);
  return p;
}

Tensor random_tensor(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(0.0f, 3.0f); // ReLU6-like activations
  Tensor t(s);
  for (float &v : t.values())
    v = value(rng);
  return t;
}

double max_abs_diff(const float *a, const std::vector<double> &b) {
  double worst = 0;
  for (std::size_t i = 0; i < b.size(); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// ---- tests ------------------------------------------------------------------------------------

struct PatchCase {
  int rows, cols, k, h1, h2;
};

class RNNPoolPatchReference : public ::testing::TestWithParam<PatchCase> {};

TEST_P(RNNPoolPatchReference, MatchesIndependentImplementation) {
  const PatchCase pc = GetParam();
  const RNNPoolParams p = random_params(pc.k, pc.h1, pc.h2, 8, 4, 1234u + unsigned(pc.k));
  // The patch sits inside a larger map so row_stride differs from cols * channels.
  const Tensor image = random_tensor({pc.rows + 3, pc.cols + 5, pc.k}, 99u + unsigned(pc.rows));
  const int y0 = 2, x0 = 3;
  std::vector<float> out(4 * std::size_t(pc.h2), -1.0f);
  std::vector<float> scratch(rnnpool_patch_scratch_floats(p, pc.rows, pc.cols));
  rnnpool_patch(p, image.pixel(y0, x0), pc.rows, pc.cols, pc.k, std::ptrdiff_t(image.w()) * pc.k,
                out.data(), scratch.data());
  const auto expected =
      ref_rnnpool(to_ref(p.rnn1), to_ref(p.rnn2), ref_patch(image, y0, x0, pc.rows, pc.cols));
  ASSERT_EQ(expected.size(), out.size());
  EXPECT_LE(max_abs_diff(out.data(), expected), 1e-5);
  // The four parts really differ (a swapped direction would not go unnoticed).
  if (pc.rows > 1 && pc.cols > 1) {
    EXPECT_NE(out[0], out[std::size_t(pc.h2)]);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, RNNPoolPatchReference,
                         ::testing::Values(PatchCase{8, 8, 4, 16, 16}, PatchCase{6, 6, 32, 16, 16},
                                           PatchCase{5, 7, 3, 8, 5}, PatchCase{1, 1, 2, 3, 4},
                                           PatchCase{7, 3, 5, 6, 9}, PatchCase{2, 9, 1, 4, 2}));

struct LayerCase {
  Shape input;
  int patch, stride, h1, h2;
};

class RNNPoolLayerReference : public ::testing::TestWithParam<LayerCase> {};

TEST_P(RNNPoolLayerReference, EveryPatchMatchesReferenceAndPerPatchOperator) {
  const LayerCase lc = GetParam();
  const RNNPoolParams p = random_params(lc.input.c, lc.h1, lc.h2, lc.patch, lc.stride, 77u);
  const Tensor in = random_tensor(lc.input, 5u);
  Tensor out;
  rnnpool_layer(in, p, out);
  const int out_h = (lc.input.h - lc.patch) / lc.stride + 1;
  const int out_w = (lc.input.w - lc.patch) / lc.stride + 1;
  ASSERT_EQ(out.shape(), (Shape{out_h, out_w, 4 * lc.h2}));

  const RefCell rnn1 = to_ref(p.rnn1), rnn2 = to_ref(p.rnn2);
  std::vector<float> single(4 * std::size_t(lc.h2));
  std::vector<float> scratch(rnnpool_patch_scratch_floats(p, lc.patch, lc.patch));
  double worst_ref = 0, worst_patch = 0;
  for (int i = 0; i < out_h; ++i)
    for (int j = 0; j < out_w; ++j) {
      const int y0 = i * lc.stride, x0 = j * lc.stride;
      const auto expected = ref_rnnpool(rnn1, rnn2, ref_patch(in, y0, x0, lc.patch, lc.patch));
      worst_ref = std::max(worst_ref, max_abs_diff(out.pixel(i, j), expected));
      rnnpool_patch(p, in.pixel(y0, x0), lc.patch, lc.patch, in.c(),
                    std::ptrdiff_t(in.w()) * in.c(), single.data(), scratch.data());
      for (std::size_t n = 0; n < single.size(); ++n)
        worst_patch = std::max(worst_patch, double(std::abs(out.pixel(i, j)[n] - single[n])));
    }
  EXPECT_LE(worst_ref, 1e-5);
  EXPECT_LE(worst_patch, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    Layers, RNNPoolLayerReference,
    ::testing::Values(LayerCase{{120, 160, 4}, 8, 4, 16, 16}, // the face model's RNNPool
                      LayerCase{{37, 29, 3}, 8, 4, 8, 6},     // leftover rows and columns
                      LayerCase{{24, 32, 2}, 8, 8, 5, 7},     // no overlap
                      LayerCase{{17, 19, 5}, 6, 3, 4, 3},     // overlap of half a patch
                      LayerCase{{10, 9, 2}, 3, 1, 3, 2},      // overlap by all but one
                      LayerCase{{8, 8, 4}, 8, 4, 16, 16}));   // a single patch

TEST(RNNPoolLayer, RejectsChannelMismatch) {
  const RNNPoolParams p = random_params(4, 8, 8, 8, 4, 1u);
  Tensor out;
  EXPECT_THROW(rnnpool_layer(Tensor({16, 16, 3}), p, out), std::invalid_argument);
}

TEST(RNNPoolLayer, RejectsInputSmallerThanPatch) {
  const RNNPoolParams p = random_params(4, 8, 8, 8, 4, 1u);
  Tensor out;
  EXPECT_THROW(rnnpool_layer(Tensor({7, 16, 4}), p, out), std::invalid_argument);
}

TEST(RNNPoolLayer, RejectsWrongWeightSize) {
  RNNPoolParams p = random_params(4, 8, 8, 8, 4, 1u);
  p.rnn2.U.pop_back();
  Tensor out;
  EXPECT_THROW(rnnpool_layer(Tensor({16, 16, 4}), p, out), std::invalid_argument);
}

} // namespace
} // namespace rnnpool
