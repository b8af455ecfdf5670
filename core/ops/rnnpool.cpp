// SPDX-License-Identifier: GPL-3.0-or-later
// RNNPool (spec section 1): a straightforward per-patch version (the reference the firmware
// mirrors) and a batched layer that shares work between overlapping patches.
#include "core/ops/fastgrnn_rows.h"
#include "core/ops/ops.h"
#include "core/ops/parallel.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace rnnpool {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_cells(const RNNPoolParams &p, int channels) {
  if (p.rnn1.input_size != channels)
    throw std::invalid_argument("rnnpool: RNN1 input size " + std::to_string(p.rnn1.input_size) +
                                " but the input has " + std::to_string(channels) + " channels");
  if (p.rnn2.input_size != p.rnn1.hidden_size)
    throw std::invalid_argument("rnnpool: RNN2 input size " + std::to_string(p.rnn2.input_size) +
                                " differs from RNN1 hidden size " +
                                std::to_string(p.rnn1.hidden_size));
}

// RNN2 over `count` summaries of h1 floats, forward into fwd and backward into bwd.
void bidirectional(const FastGRNNCell &rnn2, const float *summaries, int count, float *fwd,
                   float *bwd, float *step_scratch) {
  const int h1 = rnn2.input_size, h2 = rnn2.hidden_size;
  std::fill(fwd, fwd + h2, 0.0f);
  std::fill(bwd, bwd + h2, 0.0f);
  for (int t = 0; t < count; ++t)
    fastgrnn_step(rnn2, summaries + std::ptrdiff_t(t) * h1, fwd, step_scratch);
  for (int t = count - 1; t >= 0; --t)
    fastgrnn_step(rnn2, summaries + std::ptrdiff_t(t) * h1, bwd, step_scratch);
}

float sigmoid(float v) {
  return 1.0f / (1.0f + std::exp(-v)); // as fastgrnn.cpp computes sigmoid(zeta), sigmoid(nu)
}

// Sequences [begin, end) for a hidden size known at compile time: each step is a handful of
// whole-vector operations (one AVX-512 register for the face model's 16), fused: h@U as HID
// broadcast-FMAs, then the gates. G sequences advance together so their independent dependency
// chains fill the pipeline. Each sequence's arithmetic is the same whatever its group or thread.
template <int HID, typename Source>
void run_fixed(const FastGRNNCell &cell, const float *proj, const Source &source, std::size_t begin,
               std::size_t end, int steps, float *state) {
  using Vec = Eigen::Array<float, 1, HID>;
  using CMap = Eigen::Map<const Vec>;
  constexpr int G = 4;
  const CMap bias_gate(cell.bias_gate.data()), bias_update(cell.bias_update.data());
  const float *u = cell.U.data();
  const float zeta = sigmoid(cell.zeta), nu = sigmoid(cell.nu);
  auto gate = [&](const Vec &pre, Vec &h) {
    const Vec cand = (pre + bias_update).tanh();
    const Vec z = (pre + bias_gate).logistic();
    h = z * h + (zeta * (1.0f - z) + nu) * cand;
  };
  auto run_group = [&]<int N>(std::size_t n0, std::integral_constant<int, N>) {
    Vec h[N], pre[N];
    for (int g = 0; g < N; ++g)
      h[g].setZero();
    for (int t = 0; t < steps; ++t) {
      for (int g = 0; g < N; ++g)
        pre[g] = CMap(proj + source(n0 + g, t) * HID);
      if (t > 0) // the zero initial state contributes nothing
        for (int k = 0; k < HID; ++k) {
          const CMap u_k(u + k * HID);
          for (int g = 0; g < N; ++g)
            pre[g] += h[g](k) * u_k;
        }
      for (int g = 0; g < N; ++g)
        gate(pre[g], h[g]);
    }
    for (int g = 0; g < N; ++g)
      Eigen::Map<Vec>(state + (n0 + g) * HID) = h[g];
  };
  std::size_t n = begin;
  for (; n + G <= end; n += G)
    run_group(n, std::integral_constant<int, G>{});
  for (; n < end; ++n)
    run_group(n, std::integral_constant<int, 1>{});
}

// Any hidden size: blocks small enough to stay in L1 through all steps; each step of a block is
// one matrix product over its sequences, then the shared gate function.
template <typename Source>
void run_dynamic(const FastGRNNCell &cell, const float *proj, const Source &source,
                 std::size_t begin, std::size_t end, int steps, float *state) {
  constexpr std::size_t kBlock = 128;
  const Eigen::Index hid = cell.hidden_size;
  thread_local std::vector<float> pre, candidate;
  pre.resize(kBlock * hid);
  candidate.resize(kBlock * hid);
  const Eigen::Map<const RowMat> u(cell.U.data(), hid, hid);
  for (std::size_t b0 = begin; b0 < end; b0 += kBlock) {
    const std::size_t rows = std::min(kBlock, end - b0);
    Eigen::Map<RowMat> pre_m(pre.data(), Eigen::Index(rows), hid);
    Eigen::Map<RowMat> state_m(state + b0 * hid, Eigen::Index(rows), hid);
    state_m.setZero();
    for (int t = 0; t < steps; ++t) {
      for (std::size_t n = 0; n < rows; ++n)
        std::copy_n(proj + source(b0 + n, t) * hid, hid, pre.data() + n * hid);
      if (t > 0) pre_m.noalias() += state_m * u; // the zero initial state contributes nothing
      detail::fastgrnn_gate_rows(cell, pre.data(), candidate.data(), state_m.data(), rows);
    }
  }
}

// Runs independent FastGRNN sequences [0, count) of `steps` steps each. The input projections
// x@W are precomputed (proj, one row of `hidden` floats per distinct input); source(n, t) names
// the row sequence n reads at step t. Row n of `state` (hidden floats each) starts at zero and ends
// as sequence n's final state. Threads split the sequences.
template <typename Source>
void run_sequences(const FastGRNNCell &cell, const float *proj, const Source &source,
                   std::size_t count, int steps, float *state) {
  parallel_for(count, 256, [&](std::size_t begin, std::size_t end) {
    if (cell.hidden_size == 16)
      run_fixed<16>(cell, proj, source, begin, end, steps, state);
    else
      run_dynamic(cell, proj, source, begin, end, steps, state);
  });
}

// out (rows x n) = in (rows x k) * w (k x n), rows split across threads.
void project_rows(const float *in, std::size_t rows, Eigen::Index k, const float *w, Eigen::Index n,
                  float *out) {
  parallel_for(rows, 512, [&](std::size_t begin, std::size_t end) {
    Eigen::Map<RowMat>(out + begin * n, Eigen::Index(end - begin), n).noalias() =
        Eigen::Map<const RowMat>(in + begin * k, Eigen::Index(end - begin), k) *
        Eigen::Map<const RowMat>(w, k, n);
  });
}

} // namespace

std::size_t rnnpool_patch_scratch_floats(const RNNPoolParams &p, int rows, int cols) {
  const auto h1 = std::size_t(p.rnn1.hidden_size);
  const auto widest = std::size_t(std::max(p.rnn1.hidden_size, p.rnn2.hidden_size));
  return (std::size_t(rows) + std::size_t(cols)) * h1 + 2 * widest;
}

void rnnpool_patch(const RNNPoolParams &p, const float *patch, int rows, int cols, int channels,
                   std::ptrdiff_t row_stride, float *out, float *scratch) {
  check_cells(p, channels);
  const int h1 = p.rnn1.hidden_size, h2 = p.rnn2.hidden_size;
  float *row_summaries = scratch;
  float *col_summaries = row_summaries + std::ptrdiff_t(rows) * h1;
  float *step_scratch = col_summaries + std::ptrdiff_t(cols) * h1;
  std::fill(row_summaries, step_scratch, 0.0f);
  auto pixel = [&](int r, int c) { return patch + r * row_stride + std::ptrdiff_t(c) * channels; };

  for (int r = 0; r < rows; ++r) // 1. rows left->right
    for (int c = 0; c < cols; ++c)
      fastgrnn_step(p.rnn1, pixel(r, c), row_summaries + std::ptrdiff_t(r) * h1, step_scratch);
  bidirectional(p.rnn2, row_summaries, rows, out, out + h2, step_scratch); // 2.
  for (int c = 0; c < cols; ++c)                                           // 3. columns top->bottom
    for (int r = 0; r < rows; ++r)
      fastgrnn_step(p.rnn1, pixel(r, c), col_summaries + std::ptrdiff_t(c) * h1, step_scratch);
  bidirectional(p.rnn2, col_summaries, cols, out + 2 * h2, out + 3 * h2, step_scratch); // 4.
}

void rnnpool_layer(const Tensor &in, const RNNPoolParams &p, Tensor &out) {
  check_cells(p, in.c());
  detail::check_fastgrnn_cell(p.rnn1, "rnnpool RNN1");
  detail::check_fastgrnn_cell(p.rnn2, "rnnpool RNN2");
  const int P = p.patch, S = p.stride;
  if (P <= 0 || S <= 0 || in.h() < P || in.w() < P)
    throw std::invalid_argument("rnnpool: patch " + std::to_string(P) + " stride " +
                                std::to_string(S) + " does not fit input " +
                                in.shape().to_string());
  const int W = in.w(), k = in.c(), h1 = p.rnn1.hidden_size, h2 = p.rnn2.hidden_size;
  const int out_h = (in.h() - P) / S + 1, out_w = (W - P) / S + 1;
  const int used_h = (out_h - 1) * S + P, used_w = (out_w - 1) * S + P;
  out.reshape({out_h, out_w, 4 * h2});

  // Work buffers live on as long as the thread: no allocations per frame once warmed up.
  thread_local std::vector<float> pixel_proj, row_state, col_state, summary_proj;

  // Every pixel's x@W1, shared by the row and the column sweeps of every patch containing it.
  pixel_proj.resize(std::size_t(used_h) * W * h1);
  project_rows(in.data(), std::size_t(used_h) * W, k, p.rnn1.W.data(), h1, pixel_proj.data());

  // Row segment (y, j) = image row y, columns jS..jS+P-1: swept once, used by every patch
  // containing it (two patches with patch 8 / stride 4). Likewise column segment (x, i).
  const std::size_t rows_n = std::size_t(used_h) * out_w, cols_n = std::size_t(used_w) * out_h;
  row_state.resize(rows_n * h1);
  col_state.resize(cols_n * h1);
  run_sequences(
      p.rnn1, pixel_proj.data(),
      [&](std::size_t n, int t) {
        const std::size_t y = n / out_w, j = n % out_w;
        return y * W + j * S + t;
      },
      rows_n, P, row_state.data());
  run_sequences(
      p.rnn1, pixel_proj.data(),
      [&](std::size_t n, int t) {
        const std::size_t x = n / out_h, i = n % out_h;
        return (i * S + t) * W + x;
      },
      cols_n, P, col_state.data());

  // Every summary's s@W2, shared by both directions and by overlapping patches. One table:
  // row summaries first, column summaries from row rows_n on.
  summary_proj.resize((rows_n + cols_n) * h2);
  project_rows(row_state.data(), rows_n, h1, p.rnn2.W.data(), h2, summary_proj.data());
  project_rows(col_state.data(), cols_n, h1, p.rnn2.W.data(), h2,
               summary_proj.data() + rows_n * h2);

  // Four RNN2 sequences per patch. Sequence 4*patch + d ends in out channels [d*h2, (d+1)*h2),
  // so the output tensor itself holds the states.
  const std::size_t patches = std::size_t(out_h) * out_w;
  run_sequences(
      p.rnn2, summary_proj.data(),
      [&](std::size_t m, int t) -> std::size_t {
        const std::size_t patch = m / 4, d = m % 4, i = patch / out_w, j = patch % out_w;
        const std::size_t step = (d % 2 == 0) ? std::size_t(t) : std::size_t(P - 1 - t);
        if (d < 2) return (i * S + step) * out_w + j; // row summary (y, j)
        return rows_n + (j * S + step) * out_h + i;   // column summary (x, i)
      },
      patches * 4, P, out.data());
}

} // namespace rnnpool
