// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/host_depthwise.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace rnnpool::quant {
namespace {

// Channel of lane i (0..7) of unpack half h (0: unpacklo, 1: unpackhi) in a 16-channel block:
// the 16-bit unpacks interleave within 128-bit lanes, giving [0-3, 8-11] and [4-7, 12-15].
int unpack_channel(int h, int i) {
  return (i < 4 ? i : i + 4) + 4 * h;
}

} // namespace

HostDepthwise3x3::HostDepthwise3x3(const rp_conv_t &p) : p_(p) {
  if (!p.weights || !p.rq.bias || !p.rq.multiplier || !p.rq.shift || p.in_c <= 0 ||
      p.out_c != p.in_c || p.kernel != 3 || p.pad != 1 || p.stride <= 0 || p.in_h <= 0 ||
      p.in_w <= 0 || p.out_h != (p.in_h - 1) / p.stride + 1 ||
      p.out_w != (p.in_w - 1) / p.stride + 1)
    throw std::invalid_argument("host depthwise: unusable parameters (" + std::to_string(p.in_c) +
                                " channels, kernel " + std::to_string(p.kernel) + ", stride " +
                                std::to_string(p.stride) + ")");
  const int C = p.in_c;
#if defined(__AVX2__)
  pairs_ = C % 16 == 0 && p.rq.act_min >= -128 && p.rq.act_max <= 127; // packs then change nothing
  for (int c = 0; c < C; ++c)
    pairs_ = pairs_ && requant_shift_ok(p.rq.shift[c]);
#endif
  if (!pairs_) return;
  const int blocks = C / 16;
  weights_.assign(std::size_t(blocks) * 5 * 2 * 8 * 2, 0);
  bias_.resize(std::size_t(blocks) * 2 * 8);
  std::vector<std::int32_t> mul(16), shift(16);
  for (int b = 0; b < blocks; ++b)
    for (int h = 0; h < 2; ++h) {
      for (int i = 0; i < 8; ++i) {
        const int c = 16 * b + unpack_channel(h, i);
        bias_[(std::size_t(b) * 2 + h) * 8 + i] = p.rq.bias[c];
        mul[std::size_t(i)] = p.rq.multiplier[c];
        shift[std::size_t(i)] = p.rq.shift[c];
        for (int pr = 0; pr < 5; ++pr)
          for (int e = 0; e < 2; ++e) {
            const int tap = 2 * pr + e; // tap 9 does not exist: weight 0
            weights_[(((std::size_t(b) * 5 + pr) * 2 + h) * 8 + i) * 2 + e] =
                tap < 9 ? p.weights[std::size_t(tap) * C + c] : 0;
          }
      }
#if defined(__AVX2__)
      rq_.push_back(requant_lanes(mul.data(), shift.data()));
#endif
    }
  padded_.assign(std::size_t(p.in_h + 2) * (p.in_w + 2) * C, 0); // the border stays zero
}

void HostDepthwise3x3::run(const std::int8_t *in, std::int8_t *out) {
  if (pairs_)
    run_pairs(in, out);
  else
    run_channels(in, out);
}

void HostDepthwise3x3::run_pairs(const std::int8_t *in, std::int8_t *out) {
#if defined(__AVX2__)
  const int C = p_.in_c, W = p_.in_w + 2, blocks = C / 16;
  const std::size_t row = std::size_t(p_.in_w) * C;
  for (int y = 0; y < p_.in_h; ++y)
    std::memcpy(padded_.data() + (std::size_t(y + 1) * W + 1) * C, in + y * row, row);
  std::ptrdiff_t tap_offset[10];
  for (int t = 0; t < 9; ++t)
    tap_offset[t] = std::ptrdiff_t((t / 3) * W + t % 3) * C;
  tap_offset[9] = tap_offset[8]; // read again, weighted 0
  const __m256i lo = _mm256_set1_epi32(p_.rq.act_min), hi = _mm256_set1_epi32(p_.rq.act_max);
  const auto *w = reinterpret_cast<const __m256i *>(weights_.data());
  const auto *bias = reinterpret_cast<const __m256i *>(bias_.data());
  for (int oy = 0; oy < p_.out_h; ++oy)
    for (int ox = 0; ox < p_.out_w; ++ox, out += C) {
      const std::int8_t *base =
          padded_.data() + (std::size_t(oy) * p_.stride * W + std::size_t(ox) * p_.stride) * C;
      for (int b = 0; b < blocks; ++b) {
        __m256i acc0 = _mm256_loadu_si256(bias + 2 * b),
                acc1 = _mm256_loadu_si256(bias + 2 * b + 1);
        for (int pr = 0; pr < 5; ++pr) {
          const __m256i xa = _mm256_cvtepi8_epi16(_mm_loadu_si128(
              reinterpret_cast<const __m128i *>(base + tap_offset[2 * pr] + 16 * b)));
          const __m256i xb = _mm256_cvtepi8_epi16(_mm_loadu_si128(
              reinterpret_cast<const __m128i *>(base + tap_offset[2 * pr + 1] + 16 * b)));
          const __m256i *wp = w + (std::size_t(b) * 5 + pr) * 2;
          acc0 = _mm256_add_epi32(
              acc0, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb), _mm256_loadu_si256(wp)));
          acc1 = _mm256_add_epi32(
              acc1, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb), _mm256_loadu_si256(wp + 1)));
        }
        const __m256i r0 =
            _mm256_min_epi32(_mm256_max_epi32(requantize8(acc0, rq_[2 * b]), lo), hi);
        const __m256i r1 =
            _mm256_min_epi32(_mm256_max_epi32(requantize8(acc1, rq_[2 * b + 1]), lo), hi);
        const __m256i s16 = _mm256_packs_epi32(r0, r1); // channels 0-7 | 8-15
        _mm_storeu_si128(
            reinterpret_cast<__m128i *>(out + 16 * b),
            _mm_packs_epi16(_mm256_castsi256_si128(s16), _mm256_extracti128_si256(s16, 1)));
      }
    }
#else
  run_channels(in, out);
#endif
}

// rp_depthwise3x3_s8 with the channel loop innermost (the device's order has it outermost), so the
// compiler vectorises across channels.
void HostDepthwise3x3::run_channels(const std::int8_t *in, std::int8_t *out) {
  const rp_conv_t &p = p_;
  const int C = p.in_c;
  acc_.resize(std::size_t(C));
  for (int oy = 0; oy < p.out_h; ++oy) {
    const int iy0 = oy * p.stride - p.pad;
    for (int ox = 0; ox < p.out_w; ++ox, out += C) {
      const int ix0 = ox * p.stride - p.pad;
      std::int32_t *a = acc_.data();
      for (int c = 0; c < C; ++c)
        a[c] = p.rq.bias[c];
      for (int ky = 0; ky < 3; ++ky) {
        const int iy = iy0 + ky;
        if (iy < 0 || iy >= p.in_h) continue;
        for (int kx = 0; kx < 3; ++kx) {
          const int ix = ix0 + kx;
          if (ix < 0 || ix >= p.in_w) continue;
          const std::int8_t *x = in + (std::size_t(iy) * p.in_w + ix) * C;
          const std::int8_t *w = p.weights + std::size_t(ky * 3 + kx) * C;
          for (int c = 0; c < C; ++c)
            a[c] += std::int32_t(x[c]) * std::int32_t(w[c]);
        }
      }
      for (int c = 0; c < C; ++c)
        out[c] = std::int8_t(rp_clamp(rp_requantize(a[c], p.rq.multiplier[c], p.rq.shift[c]),
                                      p.rq.act_min, p.rq.act_max));
    }
  }
}

} // namespace rnnpool::quant
