// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/batched_rnnpool.h"

#include "core/kernels/rp_pwl.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

using Cell = BatchedRNNPool::Cell;

// The PWL tables widened to int32 (vector gathers want 32-bit elements); same values.
template <std::size_t N> std::array<std::int32_t, N> widen(const std::int16_t (&knots)[N]) {
  std::array<std::int32_t, N> out{};
  for (std::size_t i = 0; i < N; ++i)
    out[i] = knots[i];
  return out;
}
const std::array<std::int32_t, 65> kSigmoid32 = widen(kSigmoidKnots);
const std::array<std::int32_t, 129> kTanh32 = widen(kTanhKnots);

// rp_pwl_eval without the early return, so the loop around it vectorises; same integers.
inline std::int32_t pwl(const std::int32_t *knots, std::int32_t last, std::int32_t step_log2,
                        std::int32_t ax) {
  const std::int32_t idx = ax >> step_log2;
  const std::int32_t i = std::min(idx, last - 1);
  const std::int32_t frac = ax & ((1 << step_log2) - 1);
  const std::int32_t delta = knots[i + 1] - knots[i];
  const std::int32_t v = knots[i] + ((delta * frac + (1 << (step_log2 - 1))) >> step_log2);
  return idx >= last ? knots[last] : v;
}
inline std::int32_t sigmoid_q12(std::int32_t x) { // x already saturated to int16
  const std::int32_t ax = x < 0 ? -x : x;
  const std::int32_t y = pwl(kSigmoid32.data(), 64, 9, ax);
  return x < 0 ? 32768 - y : y;
}
inline std::int32_t tanh_q12(std::int32_t x) {
  const std::int32_t ax = x < 0 ? -x : x;
  const std::int32_t y = pwl(kTanh32.data(), 128, 8, ax);
  return x < 0 ? -y : y;
}
inline std::int32_t ssat16(std::int32_t v) {
  return std::clamp(v, -32768, 32767);
}

Cell make_cell(const rp_fastgrnn_t &c) {
  Cell out;
  out.in = c.input_size;
  out.hid = c.hidden_size;
  const int in = out.in, hid = out.hid;
  out.wt.resize(std::size_t(in) * hid);
  out.ut.resize(std::size_t(hid) * hid);
  for (int j = 0; j < hid; ++j) {
    for (int k = 0; k < in; ++k)
      out.wt[std::size_t(k) * hid + j] = c.w[std::size_t(j) * in + k];
    for (int k = 0; k < hid; ++k)
      out.ut[std::size_t(k) * hid + j] = c.u[std::size_t(j) * hid + k];
  }
  out.w_mul.assign(c.w_multiplier, c.w_multiplier + hid);
  out.w_shift.assign(c.w_shift, c.w_shift + hid);
  out.u_mul.assign(c.u_multiplier, c.u_multiplier + hid);
  out.u_shift.assign(c.u_shift, c.u_shift + hid);
  out.bias_gate.assign(c.bias_gate, c.bias_gate + hid);
  out.bias_update.assign(c.bias_update, c.bias_update + hid);
  out.zeta = c.zeta;
  out.nu = c.nu;
  return out;
}

// Requantized x.W of `count` inputs of cell.in values each (T: int8 pixels or int16 states).
template <typename T>
void project(const Cell &cell, const T *x, std::size_t count, std::int32_t *out) {
  const int in = cell.in, hid = cell.hid;
  for (std::size_t n = 0; n < count; ++n, x += in, out += hid) {
    for (int j = 0; j < hid; ++j)
      out[j] = 0;
    for (int k = 0; k < in; ++k) {
      const std::int32_t xk = x[k], *w = cell.wt.data() + std::size_t(k) * hid;
      for (int j = 0; j < hid; ++j)
        out[j] += w[j] * xk;
    }
    for (int j = 0; j < hid; ++j)
      out[j] = rp_requantize(out[j], cell.w_mul[j], cell.w_shift[j]);
  }
}

// One step, h (hid int16) in place, given the requantized x.W: rp_fastgrnn_step_unchecked's
// integers, computed over the whole hidden vector per operation. HID > 0 fixes the size at
// compile time (the face model's 16: one vector register per operation with AVX-512).
template <int HID>
inline void step(const Cell &cell, int hid_runtime, const std::int32_t *xw, std::int16_t *h) {
  const int hid = HID > 0 ? HID : hid_runtime;
  std::int32_t acc[RP_RNN_MAX_HIDDEN];
  for (int j = 0; j < hid; ++j)
    acc[j] = 0;
  for (int k = 0; k < hid; ++k) {
    const std::int32_t hk = h[k], *u = cell.ut.data() + std::size_t(k) * hid;
    for (int j = 0; j < hid; ++j)
      acc[j] += u[j] * hk;
  }
  const std::int32_t zeta = cell.zeta, nu = cell.nu;
  for (int j = 0; j < hid; ++j) {
    const std::int32_t pre = xw[j] + rp_requantize(acc[j], cell.u_mul[j], cell.u_shift[j]);
    const std::int32_t z = sigmoid_q12(ssat16(pre + cell.bias_gate[j]));
    const std::int32_t h_tilde = tanh_q12(ssat16(pre + cell.bias_update[j]));
    const std::int32_t coef = ((zeta * (32768 - z) + (1 << 14)) >> 15) + nu;
    const std::int32_t keep = z * h[j];
    const std::int32_t update = ((coef * h_tilde) + 8) >> 4;
    acc[j] = ssat16((keep + update + (1 << 14)) >> 15);
  }
  for (int j = 0; j < hid; ++j)
    h[j] = std::int16_t(acc[j]);
}

// Runs `count` sequences of `steps` steps from zero: sequence n reads xw row source(n, t) at
// step t and leaves its final state in state[n * hid ...].
template <int HID, typename Source>
void sweep_all(const Cell &cell, const std::int32_t *xw, const Source &source, std::size_t count,
               int steps, std::int16_t *state) {
  const int hid = cell.hid;
  for (std::size_t n = 0; n < count; ++n) {
    std::int16_t *h = state + n * hid;
    std::fill(h, h + hid, std::int16_t(0));
    for (int t = 0; t < steps; ++t)
      step<HID>(cell, hid, xw + source(n, t) * hid, h);
  }
}

template <typename Source>
void sweep(const Cell &cell, const std::int32_t *xw, const Source &source, std::size_t count,
           int steps, std::int16_t *state) {
  if (cell.hid == 16)
    sweep_all<16>(cell, xw, source, count, steps, state);
  else
    sweep_all<0>(cell, xw, source, count, steps, state);
}

} // namespace

BatchedRNNPool::BatchedRNNPool(const rp_rnnpool_t &p) : p_(p) {
  const auto bad = [](const rp_fastgrnn_t &c) {
    return !c.w || !c.u || !c.w_multiplier || !c.w_shift || !c.u_multiplier || !c.u_shift ||
           !c.bias_gate || !c.bias_update || c.input_size <= 0 || c.hidden_size <= 0 ||
           c.hidden_size > RP_RNN_MAX_HIDDEN;
  };
  if (p.patch <= 0 || p.stride <= 0 || p.in_c <= 0 || p.in_h < p.patch || p.in_w < p.patch ||
      p.rnn1.input_size != p.in_c || p.rnn2.input_size != p.rnn1.hidden_size || bad(p.rnn1) ||
      bad(p.rnn2))
    throw std::invalid_argument("batched rnnpool: unusable parameters (patch " +
                                std::to_string(p.patch) + ", input " + std::to_string(p.in_w) +
                                "x" + std::to_string(p.in_h) + "x" + std::to_string(p.in_c) + ")");
  rnn1_ = make_cell(p.rnn1);
  rnn2_ = make_cell(p.rnn2);
}

void BatchedRNNPool::run(const std::int8_t *in, std::int8_t *out) {
  const int P = p_.patch, S = p_.stride, W = p_.in_w, C = p_.in_c;
  const int h1 = rnn1_.hid, h2 = rnn2_.hid;
  const std::size_t out_h = std::size_t(rp_rnnpool_out_h(&p_));
  const std::size_t out_w = std::size_t(rp_rnnpool_out_w(&p_));
  const std::size_t used_h = (out_h - 1) * S + P, used_w = (out_w - 1) * S + P;

  pixel_xw_.resize(used_h * W * h1);
  project(rnn1_, in, used_h * W, pixel_xw_.data());
  (void)C;

  // Row segment (y, j): row y, columns jS..jS+P-1; column segment (x, i) likewise. The device's
  // patch (i, j) sweeps exactly these: its row r is segment (iS + r, j), its column c is (jS + c,
  // i).
  const std::size_t rows_n = used_h * out_w, cols_n = used_w * out_h;
  summaries_.resize((rows_n + cols_n) * h1);
  sweep(
      rnn1_, pixel_xw_.data(),
      [&](std::size_t n, int t) { return (n / out_w) * W + (n % out_w) * S + t; }, rows_n, P,
      summaries_.data());
  sweep(
      rnn1_, pixel_xw_.data(),
      [&](std::size_t n, int t) { return ((n % out_h) * S + t) * W + n / out_h; }, cols_n, P,
      summaries_.data() + rows_n * h1);

  summary_xw_.resize((rows_n + cols_n) * h2);
  project(rnn2_, summaries_.data(), rows_n + cols_n, summary_xw_.data());

  // Per patch: RNN2 over its row summaries down then up, its column summaries right then left.
  const std::size_t patches = out_h * out_w;
  std::int16_t state[RP_RNN_MAX_HIDDEN];
  for (std::size_t patch = 0; patch < patches; ++patch) {
    const std::size_t i = patch / out_w, j = patch % out_w;
    for (int d = 0; d < 4; ++d) {
      sweep(
          rnn2_, summary_xw_.data(),
          [&](std::size_t, int t) -> std::size_t {
            const std::size_t s = (d % 2 == 0) ? std::size_t(t) : std::size_t(P - 1 - t);
            return d < 2 ? (i * S + s) * out_w + j : rows_n + (j * S + s) * out_h + i;
          },
          1, P, state);
      std::int8_t *o = out + patch * 4 * h2 + d * h2;
      for (int k = 0; k < h2; ++k)
        o[k] = rp_sat8(rp_requantize(state[k], p_.out_multiplier, p_.out_shift));
    }
  }
}

} // namespace rnnpool::quant
