// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/batched_rnnpool.h"

#include "core/kernels/rp_pwl.h"
#include "core/quant/simd_requant.h"

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
  if (hid % 2 == 0 && in % 2 == 0) {
    out.w_pairs.resize(std::size_t(in) * hid);
    for (int pr = 0; pr < in / 2; ++pr)
      for (int j = 0; j < hid; ++j)
        for (int e = 0; e < 2; ++e)
          out.w_pairs[(std::size_t(pr) * hid + j) * 2 + e] = c.w[std::size_t(j) * in + 2 * pr + e];
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
#if defined(__AVX2__)
  // Hidden 16, even input: W.x as pair multiply-adds, requantized 8 lanes at a time.
  if (hid == 16 && !cell.w_pairs.empty()) {
    bool ok = true;
    for (int j = 0; j < hid; ++j)
      ok = ok && requant_shift_ok(cell.w_shift[std::size_t(j)]);
    if (ok) {
      const RequantLanes rq[2] = {requant_lanes(cell.w_mul.data(), cell.w_shift.data()),
                                  requant_lanes(cell.w_mul.data() + 8, cell.w_shift.data() + 8)};
      const auto *w = reinterpret_cast<const __m256i *>(cell.w_pairs.data());
      for (std::size_t n = 0; n < count; ++n, x += in, out += hid) {
        __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
        for (int pr = 0; pr < in / 2; ++pr) {
          const std::uint32_t pair = std::uint32_t(std::uint16_t(x[2 * pr])) |
                                     (std::uint32_t(std::uint16_t(x[2 * pr + 1])) << 16);
          const __m256i b = _mm256_set1_epi32(std::int32_t(pair));
          lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_loadu_si256(w + 2 * pr), b));
          hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_loadu_si256(w + 2 * pr + 1), b));
        }
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out), requantize8(lo, rq[0]));
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(out + 8), requantize8(hi, rq[1]));
      }
      return;
    }
  }
#endif
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

// Where a sequence reads its inputs: xw row base + t * step at step t (every sweep is affine in t,
// so no index arithmetic per step).
struct Seq {
  std::ptrdiff_t base, step;
};

// Runs `count` sequences of `steps` steps from zero: sequence n reads the xw rows of seq(n) and
// leaves its final state in state[n * hid ...]. HID > 0 fixes the hidden size at compile time;
// G sequences advance together so their independent dependency chains overlap in the pipeline.
template <int HID, int G, typename SeqOf>
void sweep_all(const Cell &cell, const std::int32_t *xw, const SeqOf &seq, std::size_t count,
               int steps, std::int16_t *state) {
  const int hid = cell.hid;
  std::int32_t acc[G][RP_RNN_MAX_HIDDEN];
  std::size_t n = 0;
  auto group = [&]<int N>(std::integral_constant<int, N>) {
    std::int16_t *h = state + n * hid;
    Seq s[N];
    for (int g = 0; g < N; ++g)
      s[g] = seq(n + std::size_t(g));
    std::fill(h, h + std::size_t(N) * hid, std::int16_t(0));
    for (int t = 0; t < steps; ++t) {
      for (int g = 0; g < N; ++g)
        u_products<HID>(cell, hid, h + g * hid, acc[g]);
      for (int g = 0; g < N; ++g)
        gates<HID>(cell, hid, xw + (s[g].base + t * s[g].step) * hid, acc[g], h + g * hid);
    }
    n += N;
  };
  while (n + G <= count)
    group(std::integral_constant<int, G>{});
  while (n < count)
    group(std::integral_constant<int, 1>{});
}

#if defined(__AVX2__)
// One hidden-16 cell's step constants, two 8-lane halves each.
struct Gates16 {
  __m256i bias_gate[2], bias_update[2];
  RequantLanes u_rq[2];
  RequantHighLanes u_rq_high[2];
  __m256i zeta, zeta15, nu;
};

Gates16 gates16(const Cell &c) {
  Gates16 g;
  for (int h = 0; h < 2; ++h) {
    g.bias_gate[h] =
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(c.bias_gate.data() + 8 * h));
    g.bias_update[h] =
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(c.bias_update.data() + 8 * h));
    g.u_rq[h] = requant_lanes(c.u_mul.data() + 8 * h, c.u_shift.data() + 8 * h);
    g.u_rq_high[h] = requant_high_lanes(c.u_mul.data() + 8 * h, c.u_shift.data() + 8 * h);
  }
  g.zeta = _mm256_set1_epi32(c.zeta & 0xFFFF); // low half only: a pair multiply-add operand
  g.zeta15 = _mm256_set1_epi32(c.zeta * 32768);
  g.nu = _mm256_set1_epi32(c.nu);
  return g;
}

// Every int16 input's activation (the packed PWL above, itself checked against the device on
// all inputs), so the step needs one gather and no interpolation: 2 x 128 KiB, L2-resident, and
// the pre-activations that occur cluster in few cache lines. Indexed by x + 32768, with one spare
// entry so a 4-byte gather at the last index stays inside.
struct ActivationTables {
  std::vector<std::int16_t> sigmoid, tanh;
};

const ActivationTables &activation_tables() {
  static const ActivationTables tables = [] {
    ActivationTables t;
    t.sigmoid.assign(65537, 0);
    t.tanh.assign(65537, 0);
    for (std::int32_t x = -32768; x <= 32767; ++x) {
      t.sigmoid[std::size_t(x + 32768)] = std::int16_t(sigmoid_q12(x)); // [11, 32757]
      t.tanh[std::size_t(x + 32768)] = std::int16_t(tanh_q12(x));
    }
    return t;
  }();
  return tables;
}

// The activation of 8 int16-range lanes: a 4-byte gather at byte offset 2x from the table's
// middle holds the entry in its low half.
inline __m256i lookup8(const std::int16_t *middle, __m256i x) {
  return _mm256_i32gather_epi32(reinterpret_cast<const int *>(middle), x, 2);
}

// gates() for hidden 16 on 8-lane halves: the same integer steps, spelled in intrinsics. Phase
// one (U products, requantization, saturated pre-activations) runs for all G sequences before
// phase two (activations, blend) so the sequences' latency chains overlap.
template <int G, bool High>
void sweep16(const Cell &cell, const Gates16 &c, const std::int32_t *xw, const Seq *seq, int steps,
             std::int16_t *state) {
  alignas(32) std::int16_t h[G][16] = {};
  const auto *u = reinterpret_cast<const __m256i *>(cell.u_pairs.data());
  const __m256i lo16 = _mm256_set1_epi32(-32768), hi16 = _mm256_set1_epi32(32767);
  const __m256i low16 = _mm256_set1_epi32(0xFFFF), round15 = _mm256_set1_epi32(1 << 14);
  const std::int16_t *sigmoid = activation_tables().sigmoid.data() + 32768;
  const std::int16_t *tanh = activation_tables().tanh.data() + 32768;
  const __m256i eight = _mm256_set1_epi32(8);
  for (int t = 0; t < steps; ++t) {
    __m256i gate_in[G][2], update_in[G][2];
    for (int g = 0; g < G; ++g) {
      const std::int32_t *x = xw + (seq[g].base + t * seq[g].step) * 16;
      if (t == 0) { // h = 0: no U products, and rp_requantize(0, ...) = 0
        for (int half = 0; half < 2; ++half) {
          const __m256i pre = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + 8 * half));
          gate_in[g][half] = _mm256_min_epi32(
              _mm256_max_epi32(_mm256_add_epi32(pre, c.bias_gate[half]), lo16), hi16);
          update_in[g][half] = _mm256_min_epi32(
              _mm256_max_epi32(_mm256_add_epi32(pre, c.bias_update[half]), lo16), hi16);
        }
        continue;
      }
      __m256i a[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                      _mm256_setzero_si256()};
      for (int pr = 0; pr < 8; ++pr) {
        std::int32_t pair;
        std::memcpy(&pair, h[g] + 2 * pr, sizeof pair);
        const __m256i b = _mm256_set1_epi32(pair);
        const int k = (pr & 1) * 2;
        a[k] = _mm256_add_epi32(a[k], _mm256_madd_epi16(_mm256_loadu_si256(u + 2 * pr), b));
        a[k + 1] =
            _mm256_add_epi32(a[k + 1], _mm256_madd_epi16(_mm256_loadu_si256(u + 2 * pr + 1), b));
      }
      const __m256i acc[2] = {_mm256_add_epi32(a[0], a[2]), _mm256_add_epi32(a[1], a[3])};
      for (int half = 0; half < 2; ++half) {
        const __m256i r = High ? requantize8_high(acc[half], c.u_rq_high[half])
                               : requantize8(acc[half], c.u_rq[half]);
        const __m256i pre = _mm256_add_epi32(
            _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + 8 * half)), r);
        gate_in[g][half] = _mm256_min_epi32(
            _mm256_max_epi32(_mm256_add_epi32(pre, c.bias_gate[half]), lo16), hi16);
        update_in[g][half] = _mm256_min_epi32(
            _mm256_max_epi32(_mm256_add_epi32(pre, c.bias_update[half]), lo16), hi16);
      }
    }
    for (int g = 0; g < G; ++g) {
      __m256i next[2];
      for (int half = 0; half < 2; ++half) {
        const __m256i xg = gate_in[g][half], xu = update_in[g][half];
        const __m256i z = _mm256_and_si256(lookup8(sigmoid, xg), low16); // positive
        const __m256i h_tilde = _mm256_srai_epi32(_mm256_slli_epi32(lookup8(tanh, xu), 16), 16);
        const __m256i hv = _mm256_cvtepi16_epi32(
            _mm_load_si128(reinterpret_cast<const __m128i *>(h[g] + 8 * half)));
        // z is in [11, 32757]: its high half is 0, so pair multiply-adds give z * zeta and z * h.
        const __m256i coef = _mm256_add_epi32(
            _mm256_srai_epi32(
                _mm256_add_epi32(_mm256_sub_epi32(c.zeta15, _mm256_madd_epi16(z, c.zeta)), round15),
                15),
            c.nu);
        const __m256i keep = _mm256_madd_epi16(z, hv);
        const __m256i update =
            _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(coef, h_tilde), eight), 4);
        next[half] =
            _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(keep, update), round15), 15);
      }
      // Saturating pack = ssat16; the permute undoes the pack's 128-bit lane interleave.
      _mm256_store_si256(reinterpret_cast<__m256i *>(h[g]),
                         _mm256_permute4x64_epi64(_mm256_packs_epi32(next[0], next[1]), 0xD8));
    }
  }
  std::memcpy(state, h, sizeof h);
}
#endif

template <typename SeqOf>
void sweep(const Cell &cell, const std::int32_t *xw, const SeqOf &seq, std::size_t count, int steps,
           std::int16_t *state) {
#if defined(__AVX2__)
  bool shifts_ok = cell.hid == 16;
  for (int j = 0; shifts_ok && j < 16; ++j)
    shifts_ok = requant_shift_ok(cell.u_shift[std::size_t(j)]);
  if (shifts_ok) {
    const Gates16 c = gates16(cell);
    (void)activation_tables(); // built on first use, before the sweeps
    const bool high = requant_high_ok(cell.u_shift.data(), 16);
    // Sixteen sequences in flight hide the step's latency chain (measured: 4 -> 16 took the
    // face model's RNNPool from 2.7 to 2.2 ms CPU); the tail goes four, then one at a time.
    std::size_t n = 0;
    auto run = [&]<int N>(std::integral_constant<int, N>) {
      Seq s[N];
      for (int g = 0; g < N; ++g)
        s[g] = seq(n + std::size_t(g));
      if (high)
        sweep16<N, true>(cell, c, xw, s, steps, state + n * 16);
      else
        sweep16<N, false>(cell, c, xw, s, steps, state + n * 16);
      n += N;
    };
    while (n + 16 <= count)
      run(std::integral_constant<int, 16>{});
    while (n + 4 <= count)
      run(std::integral_constant<int, 4>{});
    while (n < count)
      run(std::integral_constant<int, 1>{});
    return;
  }
#endif
  if (cell.hid == 16)
    sweep_all<16, 4>(cell, xw, seq, count, steps, state);
  else
    sweep_all<0, 1>(cell, xw, seq, count, steps, state);
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
      [&](std::size_t n) {
        return Seq{std::ptrdiff_t((n / out_w) * W + (n % out_w) * S), 1};
      },
      rows_n, P, summaries_.data());
  sweep(
      rnn1_, pixel_xw_.data(),
      [&](std::size_t n) {
        return Seq{std::ptrdiff_t((n % out_h) * S * W + n / out_h), std::ptrdiff_t(W)};
      },
      cols_n, P, summaries_.data() + rows_n * h1);

  summary_xw_.resize((rows_n + cols_n) * h2);
  project(rnn2_, summaries_.data(), rows_n + cols_n, summary_xw_.data());

  // Four RNN2 sequences per patch: its row summaries down then up, its column summaries right
  // then left. Sequence 4 * patch + d ends in output channels [d * h2, (d + 1) * h2).
  const std::size_t sequences = out_h * out_w * 4;
  final_.resize(sequences * h2);
  sweep(
      rnn2_, summary_xw_.data(),
      [&](std::size_t m) {
        // Step s of the patch's rows is summary (i * S + s, j); of its columns (j * S + s, i).
        const std::size_t patch = m / 4, d = m % 4, i = patch / out_w, j = patch % out_w;
        const std::ptrdiff_t along = std::ptrdiff_t(d < 2 ? out_w : out_h);
        const std::ptrdiff_t first =
            std::ptrdiff_t(d < 2 ? i * S * out_w + j : rows_n + j * S * out_h + i);
        return d % 2 == 0 ? Seq{first, along} : Seq{first + (P - 1) * along, -along};
      },
      sequences, P, final_.data());
  // Sequence m = patch * 4 + sweep, so output k is channel k % channels (per-channel centre
  // and requantization, rp_rnnpool_output).
  const std::size_t channels = 4 * h2;
  std::size_t k = 0;
#if defined(__AVX2__)
  bool lanes_ok = channels % 8 == 0;
  for (std::size_t c = 0; c < channels && lanes_ok; ++c)
    lanes_ok = requant_shift_ok(p_.out_shift[c]);
  if (lanes_ok) {
    thread_local std::vector<RequantLanes> rq; // one per group of 8 channels
    rq.clear();
    for (std::size_t c = 0; c < channels; c += 8)
      rq.push_back(requant_lanes(p_.out_multiplier + c, p_.out_shift + c));
    for (; k + 8 <= sequences * h2; k += 8) {
      const std::size_t c = k % channels;
      const __m256i v = _mm256_sub_epi32(
          _mm256_cvtepi16_epi32(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(final_.data() + k))),
          _mm256_cvtepi16_epi32(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(p_.out_offset + c))));
      const __m256i r = requantize8(v, rq[c / 8]);
      const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
      _mm_storel_epi64(reinterpret_cast<__m128i *>(out + k), _mm_packs_epi16(w, w)); // = rp_sat8
    }
  }
#endif
  for (; k < sequences * h2; ++k)
    out[k] = rp_rnnpool_output(&p_, std::int32_t(k % channels), final_[k]);
}

std::int32_t detail::packed_sigmoid_q12(std::int32_t x) {
  return sigmoid_q12(x);
}
std::int32_t detail::packed_tanh_q12(std::int32_t x) {
  return tanh_q12(x);
}

} // namespace rnnpool::quant
