// SPDX-License-Identifier: GPL-3.0-or-later
// Inner products for the kernels. On a core with the DSP extension (Cortex-M4/M7/M33) they use
// SXTB16 + SMLAD: two 16-bit multiply-accumulates per instruction. Elsewhere a plain C loop.
// Both sum the same integer products into an int32 that cannot overflow for the kernels' sizes,
// and integer addition is associative, so both paths return identical results (bit-exact).
#ifndef RP_DSP_H
#define RP_DSP_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define RP_USE_SIMD32 1
#else
#define RP_USE_SIMD32 0
#endif

/* Unaligned 32-bit load (memcpy becomes one LDR on cores with unaligned access). */
static inline uint32_t rp_read_u32(const void *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

#if RP_USE_SIMD32
/* Rotate right by 8 (some arm_acle.h versions lack __ror; GCC folds this into SXTB16's ROR). */
static inline uint32_t rp_ror8(uint32_t v) {
  return (v >> 8) | (v << 24);
}
#endif

/* acc + sum a[i] * b[i] over n int8 pairs. */
static inline int32_t rp_dot_s8(const int8_t *a, const int8_t *b, int32_t n, int32_t acc) {
#if RP_USE_SIMD32
  for (; n >= 4; n -= 4, a += 4, b += 4) {
    const uint32_t wa = rp_read_u32(a), wb = rp_read_u32(b);
    /* SXTB16 sign-extends bytes 0 and 2; rotated by 8, bytes 1 and 3. */
    acc = (int32_t)__smlad(__sxtb16(wa), __sxtb16(wb), (uint32_t)acc);
    acc = (int32_t)__smlad(__sxtb16(rp_ror8(wa)), __sxtb16(rp_ror8(wb)), (uint32_t)acc);
  }
#endif
  for (; n > 0; --n)
    acc += (int32_t)*a++ * (int32_t)*b++;
  return acc;
}

/* acc + sum a[i] * b[i] over n int16 pairs. */
static inline int32_t rp_dot_s16(const int16_t *a, const int16_t *b, int32_t n, int32_t acc) {
#if RP_USE_SIMD32
  for (; n >= 2; n -= 2, a += 2, b += 2)
    acc = (int32_t)__smlad(rp_read_u32(a), rp_read_u32(b), (uint32_t)acc);
#endif
  for (; n > 0; --n)
    acc += (int32_t)*a++ * (int32_t)*b++;
  return acc;
}

/* Saturate to a signed 16-bit value (SSAT on the DSP path). */
static inline int32_t rp_ssat16(int32_t v) {
#if RP_USE_SIMD32
  return __ssat(v, 16);
#else
  return v < -32768 ? -32768 : (v > 32767 ? 32767 : v);
#endif
}

/* rp_requantize(acc, multiplier, shift) for shift in [-33, -2], from the high word of the
 * product (SMMUL): rp_requantize rounds half up at bit 30 - shift >= 32 of the 64-bit product,
 * and floor(p / 2^(32+k)) = floor(hi / 2^k), so ((hi >> k) + 1) >> 1 with k = -2 - shift gives
 * the same integer for every input (tests/kernels checks it). Callers check the shift range;
 * hot loops precompute k = -2 - shift (rp_requantize_high_k). */
static inline int32_t rp_requantize_high_k(int32_t acc, int32_t multiplier, int32_t k) {
  const int32_t hi = (int32_t)(((int64_t)acc * (int64_t)multiplier) >> 32);
  return ((hi >> k) + 1) >> 1;
}
static inline int32_t rp_requantize_high(int32_t acc, int32_t multiplier, int32_t shift) {
  return rp_requantize_high_k(acc, multiplier, -2 - shift);
}
#define RP_REQUANTIZE_HIGH_MIN_SHIFT (-33)
#define RP_REQUANTIZE_HIGH_MAX_SHIFT (-2)

#endif /* RP_DSP_H */
