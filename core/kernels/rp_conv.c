// SPDX-License-Identifier: GPL-3.0-or-later
// int8 convolutions with int32 accumulation and per-channel requantization: general (any odd
// square kernel, stride, padding; int8 or uint8 input, int8 or int16 output), depthwise 3x3 and
// pointwise 1x1. All run on row ranges so callers can stream bands of rows.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"

void rp_conv_input_rows(const rp_conv_t *p, int32_t out_row0, int32_t out_row1, int32_t *first,
                        int32_t *count) {
  if (out_row1 <= out_row0) {
    *first = 0;
    *count = 0;
    return;
  }
  int32_t lo = out_row0 * p->stride - p->pad;
  int32_t hi = (out_row1 - 1) * p->stride - p->pad + p->kernel; /* exclusive */
  if (lo < 0) lo = 0;
  if (hi > p->in_h) hi = p->in_h;
  *first = lo;
  *count = hi > lo ? hi - lo : 0;
}

/* Validates the geometry and that the band [in_row0, in_row0 + in_rows) covers the rows. */
static rp_status check_band(const rp_conv_t *p, const void *in, int32_t in_row0, int32_t in_rows,
                            int32_t out_row0, int32_t out_row1, const void *out) {
  if (!p || !in || !out || !p->weights || !p->rq.bias || !p->rq.multiplier || !p->rq.shift)
    return RP_ERR_ARG;
  if (p->in_h <= 0 || p->in_w <= 0 || p->in_c <= 0 || p->out_c <= 0 || p->kernel <= 0 ||
      p->stride <= 0 || p->pad < 0 || p->out_h <= 0 || p->out_w <= 0)
    return RP_ERR_ARG;
  if (out_row0 < 0 || out_row1 > p->out_h || out_row0 > out_row1) return RP_ERR_ARG;
  int32_t first, count;
  rp_conv_input_rows(p, out_row0, out_row1, &first, &count);
  if (count > 0 && (first < in_row0 || first + count > in_row0 + in_rows)) return RP_ERR_ROWS;
  return RP_OK;
}

static inline int32_t finish(const rp_requant_t *rq, int32_t acc, int32_t oc) {
  const int32_t v = rp_requantize(acc, rq->multiplier[oc], rq->shift[oc]);
  return rp_clamp(v, rq->act_min, rq->act_max);
}

/* Sum of the weights of one output channel's taps that fall inside the input at (iy0, ix0). */
static int32_t tap_weight_sum(const rp_conv_t *p, const int8_t *w_oc, int32_t iy0, int32_t ix0) {
  int32_t s = 0;
  for (int32_t ky = 0; ky < p->kernel; ++ky) {
    const int32_t iy = iy0 + ky;
    if (iy < 0 || iy >= p->in_h) continue;
    for (int32_t kx = 0; kx < p->kernel; ++kx) {
      const int32_t ix = ix0 + kx;
      if (ix < 0 || ix >= p->in_w) continue;
      const int8_t *w = w_oc + (ky * p->kernel + kx) * p->in_c;
      for (int32_t c = 0; c < p->in_c; ++c)
        s += w[c];
    }
  }
  return s;
}

/* The accumulator of output pixel (oy, ox), channel oc, for int8 input. */
static int32_t conv_acc_s8(const rp_conv_t *p, const int8_t *in, int32_t in_row0, int32_t oy,
                           int32_t ox, int32_t oc) {
  const int8_t *w_oc = p->weights + oc * p->kernel * p->kernel * p->in_c;
  const int32_t iy0 = oy * p->stride - p->pad, ix0 = ox * p->stride - p->pad;
  int32_t acc = p->rq.bias[oc];
  for (int32_t ky = 0; ky < p->kernel; ++ky) {
    const int32_t iy = iy0 + ky;
    if (iy < 0 || iy >= p->in_h) continue;
    const int8_t *row = in + (iy - in_row0) * p->in_w * p->in_c;
    for (int32_t kx = 0; kx < p->kernel; ++kx) {
      const int32_t ix = ix0 + kx;
      if (ix < 0 || ix >= p->in_w) continue;
      acc = rp_dot_s8(row + ix * p->in_c, w_oc + (ky * p->kernel + kx) * p->in_c, p->in_c, acc);
    }
  }
  if (p->input_offset != 0) acc += p->input_offset * tap_weight_sum(p, w_oc, iy0, ix0);
  return acc;
}

int32_t rp_conv_s8_get_buffer_size(const rp_conv_t *p) {
  (void)p;
  return 0;
}

rp_status rp_conv_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                     int32_t in_rows, int32_t out_row0, int32_t out_row1, int8_t *RP_RESTRICT out) {
  const rp_status st = check_band(p, in, in_row0, in_rows, out_row0, out_row1, out);
  if (st != RP_OK) return st;
  for (int32_t oy = out_row0; oy < out_row1; ++oy)
    for (int32_t ox = 0; ox < p->out_w; ++ox)
      for (int32_t oc = 0; oc < p->out_c; ++oc)
        *out++ = (int8_t)finish(&p->rq, conv_acc_s8(p, in, in_row0, oy, ox, oc), oc);
  return RP_OK;
}

rp_status rp_conv_s8_s16(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                         int32_t in_rows, int32_t out_row0, int32_t out_row1,
                         int16_t *RP_RESTRICT out) {
  const rp_status st = check_band(p, in, in_row0, in_rows, out_row0, out_row1, out);
  if (st != RP_OK) return st;
  for (int32_t oy = out_row0; oy < out_row1; ++oy)
    for (int32_t ox = 0; ox < p->out_w; ++ox)
      for (int32_t oc = 0; oc < p->out_c; ++oc)
        *out++ = (int16_t)finish(&p->rq, conv_acc_s8(p, in, in_row0, oy, ox, oc), oc);
  return RP_OK;
}

rp_status rp_conv_u8_s8(const rp_conv_t *p, const uint8_t *RP_RESTRICT in, int32_t in_row0,
                        int32_t in_rows, int32_t out_row0, int32_t out_row1,
                        int8_t *RP_RESTRICT out) {
  const rp_status st = check_band(p, in, in_row0, in_rows, out_row0, out_row1, out);
  if (st != RP_OK) return st;
  const int32_t k = p->kernel, cin = p->in_c;
  for (int32_t oy = out_row0; oy < out_row1; ++oy) {
    const int32_t iy0 = oy * p->stride - p->pad;
    for (int32_t ox = 0; ox < p->out_w; ++ox) {
      const int32_t ix0 = ox * p->stride - p->pad;
      for (int32_t oc = 0; oc < p->out_c; ++oc) {
        const int8_t *w_oc = p->weights + oc * k * k * cin;
        int32_t acc = p->rq.bias[oc];
        for (int32_t ky = 0; ky < k; ++ky) {
          const int32_t iy = iy0 + ky;
          if (iy < 0 || iy >= p->in_h) continue;
          const uint8_t *row = in + (iy - in_row0) * p->in_w * cin;
          for (int32_t kx = 0; kx < k; ++kx) {
            const int32_t ix = ix0 + kx;
            if (ix < 0 || ix >= p->in_w) continue;
            const uint8_t *px = row + ix * cin;
            const int8_t *w = w_oc + (ky * k + kx) * cin;
            /* Padding taps contribute nothing: padding is the zero point, as in TFLite. */
            for (int32_t c = 0; c < cin; ++c)
              acc += ((int32_t)px[c] + p->input_offset) * w[c];
          }
        }
        *out++ = (int8_t)finish(&p->rq, acc, oc);
      }
    }
  }
  return RP_OK;
}

int32_t rp_depthwise3x3_s8_get_buffer_size(const rp_conv_t *p) {
  (void)p;
  return 0;
}

rp_status rp_depthwise3x3_s8_rows(const rp_conv_t *p, const int8_t *const rows[3],
                                  int8_t *RP_RESTRICT out) {
  const int32_t c_n = p->in_c;
  for (int32_t ox = 0; ox < p->out_w; ++ox) {
    const int32_t ix0 = ox * p->stride - p->pad;
    /* The valid columns of the window, computed once per pixel instead of per channel. */
    const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
    const int32_t kx1 = ix0 + 3 > p->in_w ? p->in_w - ix0 : 3;
    for (int32_t c = 0; c < c_n; ++c) {
      int32_t acc = p->rq.bias[c];
      for (int32_t ky = 0; ky < 3; ++ky) {
        if (!rows[ky]) continue; /* a padding row */
        const int8_t *px = rows[ky] + c;
        const int8_t *w = p->weights + ky * 3 * c_n + c;
        for (int32_t kx = kx0; kx < kx1; ++kx)
          acc += (int32_t)px[(ix0 + kx) * c_n] * (int32_t)w[kx * c_n];
      }
      *out++ = (int8_t)finish(&p->rq, acc, c);
    }
  }
  return RP_OK;
}

rp_status rp_depthwise3x3_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                             int32_t in_rows, int32_t out_row0, int32_t out_row1,
                             int8_t *RP_RESTRICT out) {
  const rp_status st = check_band(p, in, in_row0, in_rows, out_row0, out_row1, out);
  if (st != RP_OK) return st;
  if (p->kernel != 3 || p->in_c != p->out_c || p->input_offset != 0) return RP_ERR_ARG;
  const int32_t row_len = p->in_w * p->in_c;
  for (int32_t oy = out_row0; oy < out_row1; ++oy) {
    const int8_t *rows[3];
    for (int32_t ky = 0; ky < 3; ++ky) {
      const int32_t iy = oy * p->stride - p->pad + ky;
      rows[ky] = (iy < 0 || iy >= p->in_h) ? 0 : in + (iy - in_row0) * row_len;
    }
    rp_depthwise3x3_s8_rows(p, rows, out);
    out += p->out_w * p->out_c;
  }
  return RP_OK;
}

int32_t rp_pointwise_s8_get_buffer_size(const rp_conv_t *p) {
  (void)p;
  return 0;
}

/* Requantization operands hoisted out of the channel loop (stores through int8_t pointers may alias
 * anything, so GCC would reload them per channel). */
typedef struct {
  const int32_t *bias, *multiplier, *shift;
  int32_t lo, hi;
} rq_local;

static inline rq_local rq_hoist(const rp_requant_t *rq) {
  const rq_local r = {rq->bias, rq->multiplier, rq->shift, rq->act_min, rq->act_max};
  return r;
}

static RP_ALWAYS_INLINE int32_t finish_fast(const rq_local *rq, int32_t acc, int32_t oc,
                                            const int mode) {
  const int32_t v = rp_requantize_hi(acc, rq->multiplier[oc], rq->shift[oc]);
  return rp_clamp_mode(v, rq->lo, rq->hi, mode);
}

#if RP_USE_SIMD32 && defined(__GNUC__) && defined(__thumb2__)
#define RP_HAVE_POINTWISE_ASM 1
#define RP_UNUSED __attribute__((unused))
/* One pixel of a 1x1 conv in Thumb-2 assembly, for the generator's int16 weights and requant
 * blocks: per group of 4 outputs, the 4 biases by one LDM, then per 4 inputs one LDRD of the
 * extended pixel, two LDMs of weights (2 rows each) and 8 SMLADs (11 instructions for 16 MACs;
 * the C loop took 14 and spilled around the requantization), fully unrolled for the input width;
 * then per output SMMLA + ASR (rp_requantize_block), the saturation, the 4 bytes packed into one
 * word (ReLU: the upper bound by USUB8 + SEL on all four) and one STR. Same integers. */
/* The assembly reads rp_pointwise_asm_args_t as six words: in, w16, blocks, blocks_end, out,
 * hi4. */
typedef rp_pointwise_asm_args_t pointwise_args_t;
typedef char rp_pointwise_args_are_six_words[sizeof(pointwise_args_t) == 24 ? 1 : -1];

#define RP_PW_MAC4                                                                                 \
  "ldrd r4, r5, [r10], #8\n\t"                                                                     \
  "ldm r11!, {r6-r9}\n\t"                                                                          \
  "smlad r0, r6, r4, r0\n\t"                                                                       \
  "smlad r0, r7, r5, r0\n\t"                                                                       \
  "smlad r1, r8, r4, r1\n\t"                                                                       \
  "smlad r1, r9, r5, r1\n\t"                                                                       \
  "ldm r11!, {r6-r9}\n\t"                                                                          \
  "smlad r2, r6, r4, r2\n\t"                                                                       \
  "smlad r2, r7, r5, r2\n\t"                                                                       \
  "smlad r3, r8, r4, r3\n\t"                                                                       \
  "smlad r3, r9, r5, r3\n\t"
/* The pixel's 16 bytes at r1 extended to 8 words of int16 pairs at r0 ({x0, x2}, {x1, x3}, ...,
 * rp_extend_pairs_s8's order): LDM, 8 SXTB16, STM. */
#define RP_PW_EXTEND16                                                                             \
  "ldm r1!, {r2-r5}\n\t"                                                                           \
  "sxtb16 r6, r2\n\t"                                                                              \
  "sxtb16 r7, r2, ror #8\n\t"                                                                      \
  "sxtb16 r8, r3\n\t"                                                                              \
  "sxtb16 r9, r3, ror #8\n\t"                                                                      \
  "sxtb16 r10, r4\n\t"                                                                             \
  "sxtb16 r11, r4, ror #8\n\t"                                                                     \
  "sxtb16 r12, r5\n\t"                                                                             \
  "sxtb16 lr, r5, ror #8\n\t"                                                                      \
  "stm r0!, {r6-r12, lr}\n\t"
/* Frame: [sp] the extended pixel's address, [sp + 4] blocks_end, [sp + 8] hi4, [sp + 12] the
 * extended pixel (2 * cin bytes). In the loop: r10 pixel, r11 weights, r12 blocks, lr out. */
#define RP_POINTWISE_ASM(name, cin, pack)                                                          \
  __attribute__((naked, noinline)) static void name(RP_UNUSED const pointwise_args_t *a) {         \
    __asm__ volatile("push {r4-r11, lr}\n\t"                                                       \
                     "sub sp, sp, #12 + 2 * " #cin "\n\t"                                          \
                     "str r0, [sp]\n\t"                                                            \
                     "ldr r1, [r0]\n\t"                                                            \
                     "add r0, sp, #12\n\t"                                                         \
                     ".rept " #cin " / 16\n\t" RP_PW_EXTEND16 ".endr\n\t"                          \
                     "ldr r0, [sp]\n\t"                                                            \
                     "ldm r0, {r1-r6}\n\t"                                                         \
                     "add r1, sp, #12\n\t"                                                         \
                     "str r1, [sp]\n\t"                                                            \
                     "str r4, [sp, #4]\n\t"                                                        \
                     "str r6, [sp, #8]\n\t"                                                        \
                     "mov r11, r2\n\t"                                                             \
                     "mov r12, r3\n\t"                                                             \
                     "mov lr, r5\n\t"                                                              \
                     "1:\n\t"                                                                      \
                     "ldr r10, [sp]\n\t"                                                           \
                     "ldm r12!, {r0-r3}\n\t"                                                       \
                     ".rept " #cin " / 4\n\t" RP_PW_MAC4 ".endr\n\t" RP_ASM_REQUANT4 pack          \
                     "str r0, [lr], #4\n\t"                                                        \
                     "ldr r4, [sp, #4]\n\t"                                                        \
                     "cmp r12, r4\n\t"                                                             \
                     "bne 1b\n\t"                                                                  \
                     "add sp, sp, #12 + 2 * " #cin "\n\t"                                          \
                     "pop {r4-r11, pc}\n\t");                                                      \
  }
RP_POINTWISE_ASM(pointwise32_s8, 32, RP_ASM_PACK4_S8)
RP_POINTWISE_ASM(pointwise64_s8, 64, RP_ASM_PACK4_S8)
RP_POINTWISE_ASM(pointwise128_s8, 128, RP_ASM_PACK4_S8)
RP_POINTWISE_ASM(pointwise32_relu, 32, RP_ASM_PACK4_RELU)
RP_POINTWISE_ASM(pointwise64_relu, 64, RP_ASM_PACK4_RELU)
RP_POINTWISE_ASM(pointwise128_relu, 128, RP_ASM_PACK4_RELU)

/* The assembly for this conv (and its arguments but in/out), or 0 (then the C loop runs). */
typedef void (*pointwise_asm_fn)(const pointwise_args_t *a);
static pointwise_asm_fn pointwise_asm_for(const rp_conv_t *p, const int mode, pointwise_args_t *a) {
  const int32_t cin = p->in_c;
  if (!p->rq_blocks || !p->weights_x16 || ((uintptr_t)p->weights_x16 & 3u) != 0 ||
      p->out_c % 4 != 0 || (mode != RP_CLAMP_S8 && mode != RP_CLAMP_RELU))
    return 0;
  a->w16 = p->weights_x16;
  a->blocks = p->rq_blocks;
  a->blocks_end = p->rq_blocks + p->out_c / 4 * RP_REQUANT_BLOCK_WORDS;
  a->hi4 = ((uint32_t)p->rq.act_max & 0xffu) * 0x01010101u;
  if (mode == RP_CLAMP_S8)
    return cin == 32 ? pointwise32_s8
                     : (cin == 64 ? pointwise64_s8 : (cin == 128 ? pointwise128_s8 : 0));
  return cin == 32 ? pointwise32_relu
                   : (cin == 64 ? pointwise64_relu : (cin == 128 ? pointwise128_relu : 0));
}

static int pointwise_asm(const rp_conv_t *p, const int8_t *in, int8_t *out, const int mode) {
  pointwise_args_t a;
  const pointwise_asm_fn fn = ((uintptr_t)in & 3u) == 0 ? pointwise_asm_for(p, mode, &a) : 0;
  if (!fn) return 0;
  a.in = in;
  a.out = out;
  fn(&a);
  return 1;
}
#else
#define RP_HAVE_POINTWISE_ASM 0
#endif

#if RP_USE_SIMD32
/* Four outputs oc..oc+3, through rq_blocks when the generator emitted them. */
static RP_ALWAYS_INLINE void finish4(const rq_local *rq, const int32_t *blocks, int32_t oc,
                                     int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                     int8_t *RP_RESTRICT out, const int mode) {
  if (blocks) { /* the block's biases are already in a0..a3 */
    const int32_t *t = blocks + oc * 4 + 4;
    out[oc] = (int8_t)rp_clamp_mode(rp_requantize_block(a0, t), rq->lo, rq->hi, mode);
    out[oc + 1] = (int8_t)rp_clamp_mode(rp_requantize_block(a1, t + 3), rq->lo, rq->hi, mode);
    out[oc + 2] = (int8_t)rp_clamp_mode(rp_requantize_block(a2, t + 6), rq->lo, rq->hi, mode);
    out[oc + 3] = (int8_t)rp_clamp_mode(rp_requantize_block(a3, t + 9), rq->lo, rq->hi, mode);
    return;
  }
  out[oc] = (int8_t)finish_fast(rq, a0, oc, mode);
  out[oc + 1] = (int8_t)finish_fast(rq, a1, oc + 1, mode);
  out[oc + 2] = (int8_t)finish_fast(rq, a2, oc + 2, mode);
  out[oc + 3] = (int8_t)finish_fast(rq, a3, oc + 3, mode);
}
#endif

/* One pixel, four output channels per pass over the input (each input word sign-extended once for
 * four weight rows). Inlined with a constant cin for the model's channel counts, so the loop runs
 * on immediate offsets. Sums in another order than rp_dot_s8: same integers. */
static RP_ALWAYS_INLINE void pointwise_px(const rp_conv_t *p, const int8_t *RP_RESTRICT in,
                                          int8_t *RP_RESTRICT out, const int32_t cin,
                                          const int mode) {
  const rq_local rq = rq_hoist(&p->rq);
  const int32_t cout = p->out_c;
  const int8_t *w = p->weights;
#if RP_HAVE_POINTWISE_ASM
  if (pointwise_asm(p, in, out, mode)) return;
#endif
#if RP_USE_SIMD32
  uint32_t xs[128 / 2]; /* the pixel sign-extended once (cin is 32, 64 or 128) */
  rp_extend_pairs_s8(in, cin, xs);
#endif
  int32_t oc = 0;
#if RP_USE_SIMD32
  /* The generator's int16 copy: weight pairs loaded (LDRD: word-aligned), not extended. */
  if (p->weights_x16 && ((uintptr_t)p->weights_x16 & 3u) == 0) {
    const int16_t *w16 = p->weights_x16;
    for (; oc + 4 <= cout; oc += 4, w16 += 4 * cin) {
      int32_t a0 = rq.bias[oc], a1 = rq.bias[oc + 1], a2 = rq.bias[oc + 2], a3 = rq.bias[oc + 3];
      rp_dot4_x16_s16(xs, w16, cin, &a0, &a1, &a2, &a3);
      finish4(&rq, p->rq_blocks, oc, a0, a1, a2, a3, out, mode);
    }
    w += oc * cin;
  }
#endif
  for (; oc + 4 <= cout; oc += 4, w += 4 * cin) {
    int32_t a0 = rq.bias[oc], a1 = rq.bias[oc + 1], a2 = rq.bias[oc + 2], a3 = rq.bias[oc + 3];
#if RP_USE_SIMD32
    rp_dot4_x16_s8(xs, w, cin, cin, &a0, &a1, &a2, &a3);
#else
    rp_dot4_s8(in, w, cin, cin, &a0, &a1, &a2, &a3);
#endif
    out[oc] = (int8_t)finish_fast(&rq, a0, oc, mode);
    out[oc + 1] = (int8_t)finish_fast(&rq, a1, oc + 1, mode);
    out[oc + 2] = (int8_t)finish_fast(&rq, a2, oc + 2, mode);
    out[oc + 3] = (int8_t)finish_fast(&rq, a3, oc + 3, mode);
  }
  for (; oc < cout; ++oc, w += cin)
    out[oc] = (int8_t)finish_fast(&rq, rp_dot_s8(in, w, cin, rq.bias[oc]), oc, mode);
}

void rp_pointwise_px_prepare(const rp_conv_t *p, rp_pointwise_px_t *out) {
  memset(out, 0, sizeof *out);
  out->conv = p;
#if RP_HAVE_POINTWISE_ASM
  if (p && p->weights && p->rq.bias && p->rq.multiplier && p->rq.shift && p->input_offset == 0)
    out->run = pointwise_asm_for(p, rp_clamp_mode_of(p->rq.act_min, p->rq.act_max), &out->args);
#endif
}

void rp_pointwise_px_run(rp_pointwise_px_t *pp, const int8_t *RP_RESTRICT in,
                         int8_t *RP_RESTRICT out) {
  if (pp->run && ((uintptr_t)in & 3u) == 0) {
    pp->args.in = in;
    pp->args.out = out;
    pp->run(&pp->args);
    return;
  }
  rp_pointwise_s8(pp->conv, in, 1, out);
}

rp_status rp_requant_blocks(const rp_requant_t *rq, int32_t out_c, int32_t *out) {
  if (!rq || !rq->bias || !rq->multiplier || !rq->shift || !out || out_c <= 0 || out_c % 4 != 0)
    return RP_ERR_ARG;
  for (int32_t c = 0; c < out_c; ++c)
    if (rq->shift[c] > -2 || rq->shift[c] < -32) return RP_ERR_ARG;
  for (int32_t c = 0; c < out_c; c += 4, out += RP_REQUANT_BLOCK_WORDS)
    for (int32_t i = 0; i < 4; ++i) {
      const int32_t k = -2 - rq->shift[c + i];
      out[i] = rq->bias[c + i];
      out[4 + 3 * i] = rq->multiplier[c + i];
      out[5 + 3 * i] = (int32_t)1 << k;
      out[6 + 3 * i] = k + 1;
    }
  return RP_OK;
}

rp_status rp_depthwise_pack_x16(const int8_t *weights, int32_t c, int16_t *out) {
  if (!weights || !out || c <= 0 || c % 4 != 0) return RP_ERR_ARG;
  for (int32_t g = 0; g < c; g += 4)
    for (int32_t t = 0; t < 9; ++t, out += 4) {
      const int8_t *w = weights + t * c + g;
      out[0] = w[0];
      out[1] = w[2];
      out[2] = w[1];
      out[3] = w[3];
    }
  return RP_OK;
}

rp_status rp_conv_pack_x16(const int8_t *weights, int32_t out_c, int32_t row_len, int16_t *out) {
  if (!weights || !out || out_c <= 0 || row_len <= 0 || row_len % 4 != 0) return RP_ERR_ARG;
  for (int32_t r0 = 0; r0 < out_c;) {
    const int32_t rows = out_c - r0 >= 4 ? 4 : (out_c - r0 >= 2 ? 2 : 1);
    for (int32_t j = 0; j < row_len; j += 4)
      for (int32_t r = 0; r < rows; ++r, out += 4) {
        const int8_t *w = weights + (r0 + r) * row_len + j;
        out[0] = w[0];
        out[1] = w[2];
        out[2] = w[1];
        out[3] = w[3];
      }
    r0 += rows;
  }
  return RP_OK;
}

/* Other widths: one channel at a time. */
static void pointwise_px_any(const rp_conv_t *p, const int8_t *RP_RESTRICT in,
                             int8_t *RP_RESTRICT out) {
  const rq_local rq = rq_hoist(&p->rq);
  const int32_t cin = p->in_c, cout = p->out_c;
  const int8_t *w = p->weights;
  for (int32_t oc = 0; oc < cout; ++oc, w += cin)
    out[oc] = (int8_t)finish_fast(&rq, rp_dot_s8(in, w, cin, rq.bias[oc]), oc, RP_CLAMP_ANY);
}

/* pointwise_px with constant width and clamp mode (one copy of the loop for each). */
#define RP_PW_WIDTH(C)                                                                             \
  case C:                                                                                          \
    if (mode == RP_CLAMP_S8)                                                                       \
      pointwise_px(p, in, out, C, RP_CLAMP_S8);                                                    \
    else if (mode == RP_CLAMP_RELU)                                                                \
      pointwise_px(p, in, out, C, RP_CLAMP_RELU);                                                  \
    else                                                                                           \
      pointwise_px(p, in, out, C, RP_CLAMP_ANY);                                                   \
    break;

rp_status rp_pointwise_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t pixels,
                          int8_t *RP_RESTRICT out) {
  if (!p || !in || !out || !p->weights || !p->rq.bias || !p->rq.multiplier || !p->rq.shift ||
      p->in_c <= 0 || p->out_c <= 0 || pixels < 0 || p->input_offset != 0)
    return RP_ERR_ARG;
  const int32_t cin = p->in_c, cout = p->out_c;
  const int mode = rp_clamp_mode_of(p->rq.act_min, p->rq.act_max);
  for (int32_t i = 0; i < pixels; ++i, in += cin, out += cout) {
    switch (cin) { /* RNNPool-Face-M4's widths */
      RP_PW_WIDTH(32)
      RP_PW_WIDTH(64)
      RP_PW_WIDTH(128)
    default: pointwise_px_any(p, in, out); break;
    }
  }
  return RP_OK;
}
