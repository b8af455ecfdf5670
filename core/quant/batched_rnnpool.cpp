// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/batched_rnnpool.h"

#include "core/kernels/rp_pwl.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#if defined(__AVX2__)
#include <immintrin.h>
#endif
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

using Cell = BatchedRNNPool::Cell;

// The PWL tables packed for vector gathers: entry i holds knot i (low 16 bits, knots are
// non-negative) and the slope to knot i + 1 (high 16 bits); the last entry has slope 0. One gather
// per lookup, and no special case at the end: there rp_pwl_eval returns knots[last], and so does
// knots[last] + ((0 * frac + half) >> step). Indices never pass `last` (|x| <= 32768).
template <std::size_t N> std::array<std::int32_t, N> pack(const std::int16_t (&knots)[N]) {
  std::array<std::int32_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const std::int32_t slope = i + 1 < N ? knots[i + 1] - knots[i] : 0;
    out[i] = std::int32_t(std::uint32_t(std::uint16_t(knots[i])) | (std::uint32_t(slope) << 16));
  }
  return out;
}
const std::array<std::int32_t, 65> kSigmoidPacked = pack(kSigmoidKnots);
const std::array<std::int32_t, 129> kTanhPacked = pack(kTanhKnots);

template <int StepLog2> inline std::int32_t pwl(const std::int32_t *packed, std::int32_t ax) {
  const std::int32_t e = packed[ax >> StepLog2];
  const std::int32_t knot = e & 0xFFFF, slope = e >> 16;
  const std::int32_t frac = ax & ((1 << StepLog2) - 1);
  return knot + ((slope * frac + (1 << (StepLog2 - 1))) >> StepLog2);
}
inline std::int32_t sigmoid_q12(std::int32_t x) { // x already saturated to int16
  const std::int32_t ax = x < 0 ? -x : x;
  const std::int32_t y = pwl<9>(kSigmoidPacked.data(), ax);
  return x < 0 ? 32768 - y : y;
}
inline std::int32_t tanh_q12(std::int32_t x) {
  const std::int32_t ax = x < 0 ? -x : x;
  const std::int32_t y = pwl<8>(kTanhPacked.data(), ax);
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
  if (hid % 2 == 0) {
    out.u_pairs.resize(std::size_t(hid) * hid);
    for (int pr = 0; pr < hid / 2; ++pr)
      for (int j = 0; j < hid; ++j)
        for (int e = 0; e < 2; ++e)
          out.u_pairs[(std::size_t(pr) * hid + j) * 2 + e] = c.u[std::size_t(j) * hid + 2 * pr + e];
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

// acc[j] = sum_k U[j][k] * h[k]: the integer sum of the device's dot_s16 (any order is exact).
template <int HID>
inline void u_products(const Cell &cell, int hid, const std::int16_t *h, std::int32_t *acc) {
#if defined(__AVX2__)
  if constexpr (HID == 16) { // 16-bit pairs: VPMADDWD does two multiply-adds per lane
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    const auto *pairs = reinterpret_cast<const __m256i *>(cell.u_pairs.data());
    for (int pr = 0; pr < 8; ++pr) {
      std::int32_t hp;
      std::memcpy(&hp, h + 2 * pr, sizeof hp);
      const __m256i b = _mm256_set1_epi32(hp);
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_loadu_si256(pairs + 2 * pr), b));
      hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_loadu_si256(pairs + 2 * pr + 1), b));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(acc), lo);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(acc + 8), hi);
    return;
  }
#endif
  if constexpr (HID > 0) hid = HID;
  for (int j = 0; j < hid; ++j)
    acc[j] = 0;
  for (int k = 0; k < hid; ++k) {
    const std::int32_t hk = h[k], *u = cell.ut.data() + std::size_t(k) * hid;
    for (int j = 0; j < hid; ++j)
      acc[j] += u[j] * hk;
  }
}

// The rest of rp_fastgrnn_step_unchecked, over the whole hidden vector per operation: h (int16)
// updated in place from the requantized x.W (xw) and the U products (acc).
template <int HID>
inline void gates(const Cell &cell, int hid, const std::int32_t *xw, const std::int32_t *acc,
                  std::int16_t *h) {
  if constexpr (HID > 0) hid = HID;
  std::int32_t next[RP_RNN_MAX_HIDDEN];
  const std::int32_t zeta = cell.zeta, nu = cell.nu;
  for (int j = 0; j < hid; ++j) {
    const std::int32_t pre = xw[j] + rp_requantize(acc[j], cell.u_mul[j], cell.u_shift[j]);
    const std::int32_t z = sigmoid_q12(ssat16(pre + cell.bias_gate[j]));
    const std::int32_t h_tilde = tanh_q12(ssat16(pre + cell.bias_update[j]));
    const std::int32_t coef = ((zeta * (32768 - z) + (1 << 14)) >> 15) + nu;
    const std::int32_t keep = z * h[j];
    const std::int32_t update = ((coef * h_tilde) + 8) >> 4;
    next[j] = ssat16((keep + update + (1 << 14)) >> 15);
  }
  for (int j = 0; j < hid; ++j)
    h[j] = std::int16_t(next[j]);
}

// Runs `count` sequences of `steps` steps from zero: sequence n reads xw row source(n, t) at
// step t and leaves its final state in state[n * hid ...]. HID > 0 fixes the hidden size at
// compile time (the face model's 16); G sequences advance together so their independent
// dependency chains overlap in the pipeline.
template <int HID, int G, typename Source>
void sweep_all(const Cell &cell, const std::int32_t *xw, const Source &source, std::size_t count,
               int steps, std::int16_t *state) {
  const int hid = cell.hid;
  std::int32_t acc[G][RP_RNN_MAX_HIDDEN];
  std::size_t n = 0;
  auto group = [&]<int N>(std::integral_constant<int, N>) {
    std::int16_t *h = state + n * hid;
    std::fill(h, h + std::size_t(N) * hid, std::int16_t(0));
    for (int t = 0; t < steps; ++t) {
      for (int g = 0; g < N; ++g)
        u_products<HID>(cell, hid, h + g * hid, acc[g]);
      for (int g = 0; g < N; ++g)
        gates<HID>(cell, hid, xw + source(n + g, t) * hid, acc[g], h + g * hid);
    }
    n += N;
  };
  while (n + G <= count)
    group(std::integral_constant<int, G>{});
  while (n < count)
    group(std::integral_constant<int, 1>{});
}

template <typename Source>
void sweep(const Cell &cell, const std::int32_t *xw, const Source &source, std::size_t count,
           int steps, std::int16_t *state) {
  if (cell.hid == 16)
    sweep_all<16, 4>(cell, xw, source, count, steps, state);
  else
    sweep_all<0, 1>(cell, xw, source, count, steps, state);
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

  // Four RNN2 sequences per patch: its row summaries down then up, its column summaries right
  // then left. Sequence 4 * patch + d ends in output channels [d * h2, (d + 1) * h2).
  const std::size_t sequences = out_h * out_w * 4;
  final_.resize(sequences * h2);
  sweep(
      rnn2_, summary_xw_.data(),
      [&](std::size_t m, int t) -> std::size_t {
        const std::size_t patch = m / 4, d = m % 4, i = patch / out_w, j = patch % out_w;
        const std::size_t s = (d % 2 == 0) ? std::size_t(t) : std::size_t(P - 1 - t);
        return d < 2 ? (i * S + s) * out_w + j : rows_n + (j * S + s) * out_h + i;
      },
      sequences, P, final_.data());
  const std::size_t channels = 4 * h2; // sequence m = patch * 4 + sweep: channel k % channels
  for (std::size_t k = 0; k < sequences * h2; ++k)
    out[k] = rp_rnnpool_output(&p_, std::int32_t(k % channels), final_[k]);
}

std::int32_t detail::packed_sigmoid_q12(std::int32_t x) {
  return sigmoid_q12(x);
}
std::int32_t detail::packed_tanh_q12(std::int32_t x) {
  return tanh_q12(x);
}

} // namespace rnnpool::quant
