// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/host_l2norm.h"

#include "core/quant/simd_requant.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnnpool::quant {
namespace {

#if defined(__AVX2__)
// rp_isqrt32's floor(sqrt(v)) without its 16 data-dependent iterations: the correctly rounded
// double square root is within one of it, and the two checks settle the exact value.
std::uint32_t isqrt32(std::uint32_t v) {
  std::uint64_t r = std::uint64_t(std::sqrt(double(v)));
  while (r * r > v)
    --r;
  while ((r + 1) * (r + 1) <= v)
    ++r;
  return std::uint32_t(r);
}
#endif

} // namespace

HostL2Norm::HostL2Norm(const rp_l2norm_t &p) : p_(p) {
  // rp_l2norm_s8's own limit: sum x^2 << 10 must fit 32 bits.
  if (!p.multiplier || !p.shift || p.pixels < 0 || p.channels <= 0 || p.channels > 128)
    throw std::invalid_argument("host l2norm: unusable parameters (" + std::to_string(p.pixels) +
                                " pixels x " + std::to_string(p.channels) + " channels)");
  vector_ = p.channels % 8 == 0;
  for (int c = 0; c < p.channels; ++c)
    vector_ = vector_ && requant_shift_ok(p.shift[c]);
}

void HostL2Norm::run(const std::int8_t *in, std::int8_t *out) const {
#if defined(__AVX2__)
  if (vector_) {
    const int C = p_.channels;
    RequantLanes rq[16]; // channels <= 128
    for (int c = 0; c < C; c += 8)
      rq[c / 8] = requant_lanes(p_.multiplier + c, p_.shift + c);
    for (std::int32_t i = 0; i < p_.pixels; ++i, in += C, out += C) {
      __m256i sq = _mm256_setzero_si256();
      for (int c = 0; c < C; c += 16) { // C % 8 == 0: the last load may hold 8 channels only
        const __m256i x = _mm256_cvtepi8_epi16(
            C - c >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i *>(in + c))
                        : _mm_loadl_epi64(reinterpret_cast<const __m128i *>(in + c)));
        sq = _mm256_add_epi32(sq, _mm256_madd_epi16(x, x));
      }
      __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sq), _mm256_extracti128_si256(sq, 1));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
      const std::uint32_t sum_sq = std::uint32_t(_mm_cvtsi128_si32(s));
      if (sum_sq == 0) {
        for (int c = 0; c < C; ++c)
          out[c] = 0;
        continue;
      }
      const std::uint32_t root = isqrt32(sum_sq << 10);
      const __m256i inv = _mm256_set1_epi32(std::int32_t((0x80000000u + root / 2) / root));
      for (int c = 0; c < C; c += 8) {
        const __m256i x =
            _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(in + c)));
        const __m256i r = requantize8(_mm256_mullo_epi32(x, inv), rq[c / 8]);
        const __m128i w =
            _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(out + c), _mm_packs_epi16(w, w)); // rp_sat8
      }
    }
    return;
  }
#endif
  if (rp_l2norm_s8(&p_, in, out) != RP_OK)
    throw std::runtime_error("host l2norm: rp_l2norm_s8 rejected its arguments");
}

} // namespace rnnpool::quant
