// SPDX-License-Identifier: GPL-3.0-or-later
// rp_requantize (core/kernels/rp_kernels.h) on 8 int32 lanes at once with AVX2, bit for bit: the
// 64-bit product, its arithmetic right shift by 30 - shift truncated to 32 bits, then the
// rounding halving in 32 bits, exactly the C steps. AVX2 has no 64-bit arithmetic shift, so it
// shifts logically with the sign bit flipped and subtracts the flipped bit's image:
// (p ^ 2^63) >>> k  =  floor((p + 2^63) / 2^k)  =  (p >> k) + 2^(63 - k), exact modulo 2^64.
#pragma once

#include "core/kernels/rp_kernels.h"

#include <cstdint>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace rnnpool::quant {

// The shifts for which rp_requantize is defined (its 64-bit shift count stays in [0, 61]).
inline bool requant_shift_ok(std::int32_t shift) {
  return shift >= -31 && shift <= 30;
}

#if defined(__AVX2__)
// One 8-lane group's multipliers and shifts, laid out for requantize8().
struct RequantLanes {
  __m256i mul_even, mul_odd;     // multipliers of lanes 0,2,4,6 / 1,3,5,7 in each qword's low half
  __m256i count_even, count_odd; // 64-bit shift counts 30 - shift
  __m256i flip_even, flip_odd;   // 2^63 >> count
};

inline RequantLanes requant_lanes(const std::int32_t *mul, const std::int32_t *shift) {
  alignas(32) std::int64_t ce[4], co[4], fe[4], fo[4];
  for (int i = 0; i < 4; ++i) {
    ce[i] = 30 - shift[2 * i];
    co[i] = 30 - shift[2 * i + 1];
    fe[i] = std::int64_t(std::uint64_t(1) << 63 >> ce[i]);
    fo[i] = std::int64_t(std::uint64_t(1) << 63 >> co[i]);
  }
  const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(mul));
  RequantLanes q;
  q.mul_even = m;
  q.mul_odd = _mm256_srli_epi64(m, 32);
  q.count_even = _mm256_load_si256(reinterpret_cast<const __m256i *>(ce));
  q.count_odd = _mm256_load_si256(reinterpret_cast<const __m256i *>(co));
  q.flip_even = _mm256_load_si256(reinterpret_cast<const __m256i *>(fe));
  q.flip_odd = _mm256_load_si256(reinterpret_cast<const __m256i *>(fo));
  return q;
}

inline __m256i requantize8(__m256i v, const RequantLanes &q) {
  const __m256i sign = _mm256_set1_epi64x(std::int64_t(std::uint64_t(1) << 63));
  __m256i even = _mm256_mul_epi32(v, q.mul_even);
  __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(v, 32), q.mul_odd);
  even =
      _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(even, sign), q.count_even), q.flip_even);
  odd = _mm256_sub_epi64(_mm256_srlv_epi64(_mm256_xor_si256(odd, sign), q.count_odd), q.flip_odd);
  // The low 32 bits of each shifted product, as the C cast to int32_t keeps.
  const __m256i r = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  return _mm256_add_epi32(_mm256_srai_epi32(r, 1), _mm256_and_si256(r, _mm256_set1_epi32(1)));
}

// The cheaper form when every lane's shift is <= -2 (count >= 32): the shifted product then fits
// 32 bits untruncated and equals hi32(p) >> (count - 32), and the C rounding step (q >> 1) +
// (q & 1) is (q + 1) >> 1 since |q| < 2^30.
struct RequantHighLanes {
  __m256i mul_even, mul_odd;
  __m256i count; // -2 - shift per 32-bit lane
};

inline bool requant_high_ok(const std::int32_t *shift, int n) {
  for (int i = 0; i < n; ++i)
    if (shift[i] < -31 || shift[i] > -2) return false;
  return true;
}

inline RequantHighLanes requant_high_lanes(const std::int32_t *mul, const std::int32_t *shift) {
  alignas(32) std::int32_t c[8];
  for (int i = 0; i < 8; ++i)
    c[i] = -2 - shift[i];
  const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(mul));
  return {m, _mm256_srli_epi64(m, 32), _mm256_load_si256(reinterpret_cast<const __m256i *>(c))};
}

inline __m256i requantize8_high(__m256i v, const RequantHighLanes &q) {
  const __m256i even = _mm256_mul_epi32(v, q.mul_even);
  const __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(v, 32), q.mul_odd);
  const __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  const __m256i r = _mm256_srav_epi32(hi, q.count);
  return _mm256_srai_epi32(_mm256_add_epi32(r, _mm256_set1_epi32(1)), 1);
}
#endif

} // namespace rnnpool::quant
