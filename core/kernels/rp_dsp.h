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
/* SXTB16 of v rotated by 8 (bytes 1 and 3) in one instruction: GCC does not always fold the
 * rotation into SXTB16 and emits a separate ROR. */
static inline uint32_t rp_sxtb16_ror8(uint32_t v) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
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

/* rp_requantize (rp_kernels.h) for any shift: rp_requantize_high_k where the shift allows
 * (shift <= -2), short constant-shift paths for -1 and 0, else the 64-bit path. The same
 * integers always. */
static inline int32_t rp_requantize_hi(int32_t val, int32_t multiplier, int32_t shift) {
  const int32_t k = shift + 1; /* k < 0: shift <= -2, and ~k = -2 - shift (one MVN) */
#if defined(__GNUC__)
  if (__builtin_expect(k < 0, 1)) /* every layer of RNNPool-Face-M4 but a few head channels */
#else
  if (k < 0)
#endif
    return rp_requantize_high_k(val, multiplier, ~k);
  const int64_t product = (int64_t)val * (int64_t)multiplier;
  if (shift == -1) /* total shift 32: round half up of the high word (SMULL, ADDS, ADC) */
    return (int32_t)((product + ((int64_t)1 << 31)) >> 32);
  if (shift == 0) { /* a constant 64-bit shift is two instructions, a variable one ~8 */
    const int32_t result = (int32_t)(product >> 30);
    return (result >> 1) + (result & 1);
  }
  const int32_t result = (int32_t)(product >> (30 - shift));
  return (result >> 1) + (result & 1);
}

/* rp_requantize_high_k from a block's {multiplier, 2^k, k + 1} (rp_requant_blocks):
 * ((hi >> k) + 1) >> 1 = (hi + 2^k) >> (k + 1) (nested floors), and |hi| < 2^30 with k <= 30, so
 * the sum does not overflow. SMMLA adds 2^k to the high word in the multiply. */
static inline int32_t rp_requantize_block(int32_t val, const int32_t *t) {
#if RP_USE_SIMD32 && defined(__GNUC__)
  int32_t r;
  __asm__("smmla %0, %1, %2, %3" : "=r"(r) : "r"(val), "r"(t[0]), "r"(t[1]));
  return r >> t[2];
#else
  return ((int32_t)(((int64_t)val * (int64_t)t[0]) >> 32) + t[1]) >> t[2];
#endif
}

#if defined(__GNUC__)
#define RP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define RP_ALWAYS_INLINE inline
#endif

#if RP_USE_SIMD32 && defined(__GNUC__) && defined(__thumb2__)
/* Assembly text shared by the Cortex-M4 kernels that end a group of 4 output channels the same
 * way: accumulators in r0-r3, the group's rp_requant_blocks constants at r12 (after its 4
 * biases). RP_ASM_REQUANT4: per channel SMMLA + ASR (rp_requantize_block), r12 advanced past the
 * block, r4-r9 clobbered. RP_ASM_PACK4_*: the 4 results saturated and packed into r0 (byte c
 * = channel c); the ReLU form takes the upper bound in each byte from [sp + 8] and clamps all
 * four with USUB8 + SEL (r4, r5 clobbered). */
#define RP_ASM_REQUANT4                                                                            \
  "ldm r12!, {r4-r9}\n\t"                                                                          \
  "smmla r0, r0, r4, r5\n\t"                                                                       \
  "asr r0, r0, r6\n\t"                                                                             \
  "smmla r1, r1, r7, r8\n\t"                                                                       \
  "asr r1, r1, r9\n\t"                                                                             \
  "ldm r12!, {r4-r9}\n\t"                                                                          \
  "smmla r2, r2, r4, r5\n\t"                                                                       \
  "asr r2, r2, r6\n\t"                                                                             \
  "smmla r3, r3, r7, r8\n\t"                                                                       \
  "asr r3, r3, r9\n\t"
#define RP_ASM_PACK4_S8                                                                            \
  "ssat r0, #8, r0\n\t"                                                                            \
  "ssat r1, #8, r1\n\t"                                                                            \
  "ssat r2, #8, r2\n\t"                                                                            \
  "ssat r3, #8, r3\n\t"                                                                            \
  "bfi r0, r1, #8, #8\n\t"                                                                         \
  "bfi r0, r2, #16, #8\n\t"                                                                        \
  "bfi r0, r3, #24, #8\n\t"
#define RP_ASM_PACK4_RELU                                                                          \
  "usat r0, #8, r0\n\t"                                                                            \
  "usat r1, #8, r1\n\t"                                                                            \
  "usat r2, #8, r2\n\t"                                                                            \
  "usat r3, #8, r3\n\t"                                                                            \
  "orr r0, r0, r1, lsl #8\n\t"                                                                     \
  "orr r0, r0, r2, lsl #16\n\t"                                                                    \
  "orr r0, r0, r3, lsl #24\n\t"                                                                    \
  "ldr r4, [sp, #8]\n\t"                                                                           \
  "usub8 r5, r0, r4\n\t" /* GE where a byte >= hi */                                               \
  "sel r0, r4, r0\n\t"
#endif

/* Output clamp of the int8 layers, specialised on the range (mode a compile-time constant):
 * RP_CLAMP_S8 is [-128, 127] (one SSAT), RP_CLAMP_RELU is [0, hi] with hi <= 255 (USAT, then the
 * upper bound), RP_CLAMP_ANY any [lo, hi]. rp_clamp_mode_of picks it; all give rp_clamp's value. */
enum { RP_CLAMP_ANY = 0, RP_CLAMP_S8 = 1, RP_CLAMP_RELU = 2 };

static inline int rp_clamp_mode_of(int32_t lo, int32_t hi) {
  if (lo == -128 && hi == 127) return RP_CLAMP_S8;
  if (lo == 0 && hi >= 0 && hi <= 255) return RP_CLAMP_RELU;
  return RP_CLAMP_ANY;
}

static RP_ALWAYS_INLINE int32_t rp_clamp_mode(int32_t v, int32_t lo, int32_t hi, const int mode) {
#if RP_USE_SIMD32
  if (mode == RP_CLAMP_S8) return __ssat(v, 8);
  if (mode == RP_CLAMP_RELU) {
    v = (int32_t)__usat(v, 8);
    return v > hi ? hi : v;
  }
#else
  (void)mode;
#endif
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Four dot products of one int8 vector x[0..n) with the int8 rows w + k * stride, k = 0..3, added
 * to *a0..*a3: each input word is loaded and sign-extended once for the four rows. stride and n
 * must be compile-time constants on the DSP path (the weight offsets are immediates of the loads),
 * so call it with literals from an always-inlined function. */
static RP_ALWAYS_INLINE void rp_dot4_s8(const int8_t *x, const int8_t *w, const int32_t stride,
                                        const int32_t n, int32_t *a0, int32_t *a1, int32_t *a2,
                                        int32_t *a3) {
  int32_t s0 = *a0, s1 = *a1, s2 = *a2, s3 = *a3;
  int32_t i = 0;
#if RP_USE_SIMD32
  /* The whole loop in assembly: GCC hoists every load of an unrolled C version and spills
   * accumulators, and shuffles registers around a per-word asm block. Two words a pass when n
   * allows (all of RNNPool-Face-M4's widths): half the loop overhead. */
#define RP_DOT4_ASM_WORD                                                                           \
  "ldr %[xv], [%[px]], #4\n\t"                                                                     \
  "ldr %[wv], [%[pw], %[o1]]\n\t"                                                                  \
  "sxtb16 %[xe], %[xv]\n\t"                                                                        \
  "sxtb16 %[xv], %[xv], ror #8\n\t"                                                                \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s1], %[t], %[xe], %[s1]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s1], %[t], %[xv], %[s1]\n\t"                                                            \
  "ldr %[wv], [%[pw], %[o2]]\n\t"                                                                  \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s2], %[t], %[xe], %[s2]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s2], %[t], %[xv], %[s2]\n\t"                                                            \
  "ldr %[wv], [%[pw], %[o3]]\n\t"                                                                  \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s3], %[t], %[xe], %[s3]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s3], %[t], %[xv], %[s3]\n\t"                                                            \
  "ldr %[wv], [%[pw]], #4\n\t"                                                                     \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s0], %[t], %[xe], %[s0]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s0], %[t], %[xv], %[s0]\n\t"
#define RP_DOT4_ASM_OPERANDS                                                                       \
  : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3),  \
    [xv] "=&r"(xv), [xe] "=&r"(xe), [wv] "=&r"(wv), [t] "=&r"(t)                                 \
  : [end] "r"(end), [o1] "i"(stride), [o2] "i"(2 * stride), [o3] "i"(3 * stride)                \
  : "cc", "memory"
  if (n >= 4) {
    const int8_t *px = x, *pw = w, *const end = x + (n & ~3);
    uint32_t xv, xe, wv, t;
    if ((n & 7) == 0)
      __asm__("1:\n\t" RP_DOT4_ASM_WORD RP_DOT4_ASM_WORD "cmp %[px], %[end]\n\t"
              "bne 1b" RP_DOT4_ASM_OPERANDS);
    else
      __asm__("1:\n\t" RP_DOT4_ASM_WORD "cmp %[px], %[end]\n\t"
              "bne 1b" RP_DOT4_ASM_OPERANDS);
#undef RP_DOT4_ASM_WORD
#undef RP_DOT4_ASM_OPERANDS
    i = n & ~3;
  }
#endif
  for (; i < n; ++i) {
    const int32_t xi = x[i];
    s0 += xi * w[i];
    s1 += xi * w[stride + i];
    s2 += xi * w[2 * stride + i];
    s3 += xi * w[3 * stride + i];
  }
  *a0 = s0;
  *a1 = s1;
  *a2 = s2;
  *a3 = s3;
}

#if RP_USE_SIMD32
/* Sign-extends n int8 values (n a multiple of 4) into the SXTB16 pairs the SMLAD loops use:
 * xs[2i] = (x[4i], x[4i+2]), xs[2i+1] = (x[4i+1], x[4i+3]). Done once per pixel, it saves the
 * input extension in every pass of rp_dot4_x16_s8 over the pixel. */
static inline void rp_extend_pairs_s8(const int8_t *x, int32_t n, uint32_t *xs) {
  for (int32_t i = 0; i < n; i += 4, xs += 2) {
    const uint32_t v = rp_read_u32(x + i);
    xs[0] = __sxtb16(v);
    xs[1] = rp_sxtb16_ror8(v);
  }
}

/* rp_dot4_s8 on an input extended by rp_extend_pairs_s8 (n a multiple of 8, stride and n
 * constants): one LDRD replaces the load and the two SXTB16 of each input word. */
static RP_ALWAYS_INLINE void rp_dot4_x16_s8(const uint32_t *xs, const int8_t *w,
                                            const int32_t stride, const int32_t n, int32_t *a0,
                                            int32_t *a1, int32_t *a2, int32_t *a3) {
  int32_t s0 = *a0, s1 = *a1, s2 = *a2, s3 = *a3;
  const uint32_t *px = xs, *const end = xs + n / 2;
  const int8_t *pw = w;
  uint32_t xe, xo, wv, t;
#define RP_DOT4_X16_WORD                                                                           \
  "ldrd %[xe], %[xo], [%[px]], #8\n\t"                                                             \
  "ldr %[wv], [%[pw], %[o1]]\n\t"                                                                  \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s1], %[t], %[xe], %[s1]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s1], %[t], %[xo], %[s1]\n\t"                                                            \
  "ldr %[wv], [%[pw], %[o2]]\n\t"                                                                  \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s2], %[t], %[xe], %[s2]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s2], %[t], %[xo], %[s2]\n\t"                                                            \
  "ldr %[wv], [%[pw], %[o3]]\n\t"                                                                  \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s3], %[t], %[xe], %[s3]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s3], %[t], %[xo], %[s3]\n\t"                                                            \
  "ldr %[wv], [%[pw]], #4\n\t"                                                                     \
  "sxtb16 %[t], %[wv]\n\t"                                                                         \
  "smlad %[s0], %[t], %[xe], %[s0]\n\t"                                                            \
  "sxtb16 %[t], %[wv], ror #8\n\t"                                                                 \
  "smlad %[s0], %[t], %[xo], %[s0]\n\t"
  __asm__("1:\n\t" RP_DOT4_X16_WORD RP_DOT4_X16_WORD "cmp %[px], %[end]\n\t"
          "bne 1b"
          : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2),
            [s3] "+r"(s3), [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [t] "=&r"(t)
          : [end] "r"(end), [o1] "i"(stride), [o2] "i"(2 * stride), [o3] "i"(3 * stride)
          : "cc", "memory");
#undef RP_DOT4_X16_WORD
  *a0 = s0;
  *a1 = s1;
  *a2 = s2;
  *a3 = s3;
}
/* rp_dot4_x16_s8 with the weights as int16 pairs too: w is a group of 4 rows packed by
 * rp_conv_pack_x16 (32 bytes per input word). Per input word one LDRD of the input pairs, and
 * per row one LDRD and two SMLAD. n a multiple of 8. */
static RP_ALWAYS_INLINE void rp_dot4_x16_s16(const uint32_t *xs, const int16_t *w, const int32_t n,
                                             int32_t *a0, int32_t *a1, int32_t *a2, int32_t *a3) {
  int32_t s0 = *a0, s1 = *a1, s2 = *a2, s3 = *a3;
  const uint32_t *px = xs, *const end = xs + n / 2;
  const int16_t *pw = w;
  uint32_t xe, xo, we, wo;
#define RP_DOT4_X16_S16_WORD                                                                       \
  "ldrd %[xe], %[xo], [%[px]], #8\n\t"                                                             \
  "ldrd %[we], %[wo], [%[pw], #8]\n\t"                                                             \
  "smlad %[s1], %[we], %[xe], %[s1]\n\t"                                                           \
  "smlad %[s1], %[wo], %[xo], %[s1]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw], #16]\n\t"                                                            \
  "smlad %[s2], %[we], %[xe], %[s2]\n\t"                                                           \
  "smlad %[s2], %[wo], %[xo], %[s2]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw], #24]\n\t"                                                            \
  "smlad %[s3], %[we], %[xe], %[s3]\n\t"                                                           \
  "smlad %[s3], %[wo], %[xo], %[s3]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw]], #32\n\t"                                                            \
  "smlad %[s0], %[we], %[xe], %[s0]\n\t"                                                           \
  "smlad %[s0], %[wo], %[xo], %[s0]\n\t"
  __asm__("1:\n\t" RP_DOT4_X16_S16_WORD RP_DOT4_X16_S16_WORD "cmp %[px], %[end]\n\t"
          "bne 1b"
          : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2),
            [s3] "+r"(s3), [xe] "=&r"(xe), [xo] "=&r"(xo), [we] "=&r"(we), [wo] "=&r"(wo)
          : [end] "r"(end)
          : "cc", "memory");
#undef RP_DOT4_X16_S16_WORD
  *a0 = s0;
  *a1 = s1;
  *a2 = s2;
  *a3 = s3;
}

/* Four dot products of an int8 vector x[0..n) (n a multiple of 4) with a group of 4 rows packed
 * by rp_conv_pack_x16, starting at w (the group's word n0 / 4 if x is a slice of the rows): each
 * input word is sign-extended once, then one LDRD and two SMLAD per row. */
static RP_ALWAYS_INLINE void rp_dot4_s8_x16(const int8_t *x, const int16_t *w, const int32_t n,
                                            int32_t *a0, int32_t *a1, int32_t *a2, int32_t *a3) {
  int32_t s0 = *a0, s1 = *a1, s2 = *a2, s3 = *a3;
  const int8_t *px = x, *const end = x + n;
  const int16_t *pw = w;
  uint32_t xv, xe, we, wo;
#define RP_DOT4_S8_X16_WORD                                                                        \
  "ldr %[xv], [%[px]], #4\n\t"                                                                     \
  "ldrd %[we], %[wo], [%[pw], #8]\n\t"                                                             \
  "sxtb16 %[xe], %[xv]\n\t"                                                                        \
  "sxtb16 %[xv], %[xv], ror #8\n\t"                                                                \
  "smlad %[s1], %[we], %[xe], %[s1]\n\t"                                                           \
  "smlad %[s1], %[wo], %[xv], %[s1]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw], #16]\n\t"                                                            \
  "smlad %[s2], %[we], %[xe], %[s2]\n\t"                                                           \
  "smlad %[s2], %[wo], %[xv], %[s2]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw], #24]\n\t"                                                            \
  "smlad %[s3], %[we], %[xe], %[s3]\n\t"                                                           \
  "smlad %[s3], %[wo], %[xv], %[s3]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw]], #32\n\t"                                                            \
  "smlad %[s0], %[we], %[xe], %[s0]\n\t"                                                           \
  "smlad %[s0], %[wo], %[xv], %[s0]\n\t"
#define RP_DOT4_S8_X16_OPERANDS                                                                    \
  : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3),    \
    [xv] "=&r"(xv), [xe] "=&r"(xe), [we] "=&r"(we), [wo] "=&r"(wo)                                 \
  : [end] "r"(end)                                                                                 \
  : "cc", "memory"
  if ((n & 7) == 0) /* two words a pass: half the loop overhead */
    __asm__("1:\n\t" RP_DOT4_S8_X16_WORD RP_DOT4_S8_X16_WORD "cmp %[px], %[end]\n\t"
            "bne 1b" RP_DOT4_S8_X16_OPERANDS);
  else
    __asm__("1:\n\t" RP_DOT4_S8_X16_WORD "cmp %[px], %[end]\n\t"
            "bne 1b" RP_DOT4_S8_X16_OPERANDS);
#undef RP_DOT4_S8_X16_WORD
#undef RP_DOT4_S8_X16_OPERANDS
  *a0 = s0;
  *a1 = s1;
  *a2 = s2;
  *a3 = s3;
}

/* rp_dot4_s8_x16 for a group of 2 rows (16 bytes per input word). */
static RP_ALWAYS_INLINE void rp_dot2_s8_x16(const int8_t *x, const int16_t *w, const int32_t n,
                                            int32_t *a0, int32_t *a1) {
  int32_t s0 = *a0, s1 = *a1;
  const int8_t *px = x, *const end = x + n;
  const int16_t *pw = w;
  uint32_t xv, xe, we, wo;
#define RP_DOT2_S8_X16_WORD                                                                        \
  "ldr %[xv], [%[px]], #4\n\t"                                                                     \
  "ldrd %[we], %[wo], [%[pw], #8]\n\t"                                                             \
  "sxtb16 %[xe], %[xv]\n\t"                                                                        \
  "sxtb16 %[xv], %[xv], ror #8\n\t"                                                                \
  "smlad %[s1], %[we], %[xe], %[s1]\n\t"                                                           \
  "smlad %[s1], %[wo], %[xv], %[s1]\n\t"                                                           \
  "ldrd %[we], %[wo], [%[pw]], #16\n\t"                                                            \
  "smlad %[s0], %[we], %[xe], %[s0]\n\t"                                                           \
  "smlad %[s0], %[wo], %[xv], %[s0]\n\t"
#define RP_DOT2_S8_X16_OPERANDS                                                                    \
  : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [xv] "=&r"(xv), [xe] "=&r"(xe),  \
    [we] "=&r"(we), [wo] "=&r"(wo)                                                                 \
  : [end] "r"(end)                                                                                 \
  : "cc", "memory"
  if ((n & 7) == 0)
    __asm__("1:\n\t" RP_DOT2_S8_X16_WORD RP_DOT2_S8_X16_WORD "cmp %[px], %[end]\n\t"
            "bne 1b" RP_DOT2_S8_X16_OPERANDS);
  else
    __asm__("1:\n\t" RP_DOT2_S8_X16_WORD "cmp %[px], %[end]\n\t"
            "bne 1b" RP_DOT2_S8_X16_OPERANDS);
#undef RP_DOT2_S8_X16_WORD
#undef RP_DOT2_S8_X16_OPERANDS
  *a0 = s0;
  *a1 = s1;
}
#endif

/* Two dot products of one int8 vector x[0..n) with the int8 rows w and w + stride, added to *a0,
 * *a1; as rp_dot4_s8 (constant stride and n on the DSP path). */
static RP_ALWAYS_INLINE void rp_dot2_s8(const int8_t *x, const int8_t *w, const int32_t stride,
                                        const int32_t n, int32_t *a0, int32_t *a1) {
  int32_t s0 = *a0, s1 = *a1;
  int32_t i = 0;
#if RP_USE_SIMD32
  if (n >= 4) {
    const int8_t *px = x, *pw = w, *const end = x + (n & ~3);
    uint32_t xv, xe, wv, t;
    __asm__("1:\n\t"
            "ldr %[xv], [%[px]], #4\n\t"
            "ldr %[wv], [%[pw], %[o1]]\n\t"
            "sxtb16 %[xe], %[xv]\n\t"
            "sxtb16 %[xv], %[xv], ror #8\n\t"
            "sxtb16 %[t], %[wv]\n\t"
            "smlad %[s1], %[t], %[xe], %[s1]\n\t"
            "sxtb16 %[t], %[wv], ror #8\n\t"
            "smlad %[s1], %[t], %[xv], %[s1]\n\t"
            "ldr %[wv], [%[pw]], #4\n\t"
            "sxtb16 %[t], %[wv]\n\t"
            "smlad %[s0], %[t], %[xe], %[s0]\n\t"
            "sxtb16 %[t], %[wv], ror #8\n\t"
            "smlad %[s0], %[t], %[xv], %[s0]\n\t"
            "cmp %[px], %[end]\n\t"
            "bne 1b"
            : [px] "+r"(px), [pw] "+r"(pw), [s0] "+r"(s0), [s1] "+r"(s1), [xv] "=&r"(xv),
              [xe] "=&r"(xe), [wv] "=&r"(wv), [t] "=&r"(t)
            : [end] "r"(end), [o1] "i"(stride)
            : "cc", "memory");
    i = n & ~3;
  }
#endif
  for (; i < n; ++i) {
    s0 += (int32_t)x[i] * w[i];
    s1 += (int32_t)x[i] * w[stride + i];
  }
  *a0 = s0;
  *a1 = s1;
}

/* Sum of squares of n int8 values (at most 2^17 of them fit an int32). */
static inline int32_t rp_sumsq_s8(const int8_t *x, int32_t n) {
  int32_t acc = 0;
#if RP_USE_SIMD32
  for (; n >= 4; n -= 4, x += 4) {
    const uint32_t v = rp_read_u32(x);
    const uint32_t e = __sxtb16(v), o = rp_sxtb16_ror8(v);
    acc = (int32_t)__smlad(e, e, (uint32_t)acc);
    acc = (int32_t)__smlad(o, o, (uint32_t)acc);
  }
#endif
  for (; n > 0; --n, ++x)
    acc += (int32_t)*x * (int32_t)*x;
  return acc;
}

#endif /* RP_DSP_H */
