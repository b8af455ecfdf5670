// SPDX-License-Identifier: GPL-3.0-or-later
// MBConv (inverted residual) row by row: each output row needs 3 expanded rows, kept in a ring of
// 3 rows indexed by row % 3, each expanded once; then one depthwise row, then the projection into
// the output row and the residual add in place. The expanded tensor never exists as a whole.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"

static int32_t align4(int32_t bytes) {
  return (bytes + 3) & ~3;
}

int32_t rp_mbconv_out_h(const rp_mbconv_t *p) {
  return (p->in_h - 1) / p->stride + 1;
}
int32_t rp_mbconv_out_w(const rp_mbconv_t *p) {
  return (p->in_w - 1) / p->stride + 1;
}

int32_t rp_mbconv_get_buffer_size(const rp_mbconv_t *p) {
  if (!p) return 0;
  const int32_t ring = p->has_expand ? 3 * align4(p->in_w * p->hidden_c) : 0;
  return ring + align4(rp_mbconv_out_w(p) * p->hidden_c);
}

rp_status rp_mbconv_s8(const rp_mbconv_t *p, const int8_t *RP_RESTRICT in, int8_t *RP_RESTRICT out,
                       void *buffer) {
  if (!p || !in || !out || !buffer || p->in_h <= 0 || p->in_w <= 0 || p->stride <= 0 ||
      p->in_c <= 0 || p->hidden_c <= 0 || p->out_c <= 0)
    return RP_ERR_ARG;
  if (!p->has_expand && p->hidden_c != p->in_c) return RP_ERR_ARG;
  if (p->has_residual && (p->stride != 1 || p->in_c != p->out_c)) return RP_ERR_ARG;
  const rp_conv_t *dw = &p->depthwise;
  const int32_t out_h = rp_mbconv_out_h(p), out_w = rp_mbconv_out_w(p);
  if (dw->kernel != 3 || dw->pad != 1 || dw->stride != p->stride || dw->in_c != p->hidden_c ||
      dw->out_c != p->hidden_c || dw->in_w != p->in_w || dw->in_h != p->in_h ||
      dw->out_w != out_w || dw->out_h != out_h || !dw->weights || !dw->rq.bias)
    return RP_ERR_ARG;
  if ((p->has_expand && (p->expand.in_c != p->in_c || p->expand.out_c != p->hidden_c)) ||
      p->project.in_c != p->hidden_c || p->project.out_c != p->out_c)
    return RP_ERR_ARG;

  const int32_t in_row = p->in_w * p->in_c, ring_row = align4(p->in_w * p->hidden_c);
  int8_t *ring = (int8_t *)buffer;
  int8_t *dw_row = ring + (p->has_expand ? 3 * ring_row : 0);
  int32_t next_expanded = 0; /* rows below this one are in the ring */
  for (int32_t oy = 0; oy < out_h; ++oy) {
    const int32_t top = oy * p->stride - 1;
    const int8_t *rows[3];
    for (int32_t k = 0; k < 3; ++k) {
      const int32_t iy = top + k;
      if (iy < 0 || iy >= p->in_h) {
        rows[k] = 0;
        continue;
      }
      if (!p->has_expand) {
        rows[k] = in + iy * in_row;
        continue;
      }
      /* Rows are needed in increasing order; each is expanded exactly once. A stride-2 block
       * skips none: output row oy needs 2oy-1..2oy+1 and row 2oy-1 is already in the ring. */
      while (next_expanded <= iy) {
        const rp_status st = rp_pointwise_s8(&p->expand, in + next_expanded * in_row, p->in_w,
                                             ring + (next_expanded % 3) * ring_row);
        if (st != RP_OK) return st;
        ++next_expanded;
      }
      rows[k] = ring + (iy % 3) * ring_row;
    }
    rp_depthwise3x3_s8_rows(dw, rows, dw_row);
    int8_t *o = out + oy * out_w * p->out_c;
    const rp_status st = rp_pointwise_s8(&p->project, dw_row, out_w, o);
    if (st != RP_OK) return st;
    if (p->has_residual) rp_add_s8(&p->residual, in + oy * in_row, o, o, out_w * p->out_c);
  }
  return RP_OK;
}

/* rp_requantize_hi with the shift's case known at compile time (kind), for loops that hoist it. */
enum { RQ_FAST = 0, RQ_MINUS1 = 1, RQ_ZERO = 2, RQ_OTHER = 3 };

static int32_t rq_kind(int32_t shift) {
  return shift <= -2 ? RQ_FAST : (shift == -1 ? RQ_MINUS1 : (shift == 0 ? RQ_ZERO : RQ_OTHER));
}

static RP_ALWAYS_INLINE int32_t rq_by_kind(int32_t v, int32_t m, int32_t s, const int kind) {
  const int64_t product = (int64_t)v * (int64_t)m;
  if (kind == RQ_FAST) return (((int32_t)(product >> 32) >> (-2 - s)) + 1) >> 1;
  if (kind == RQ_MINUS1) return (int32_t)((product + ((int64_t)1 << 31)) >> 32);
  if (kind == RQ_ZERO) {
    const int32_t r = (int32_t)(product >> 30);
    return (r >> 1) + (r & 1);
  }
  return rp_requantize_hi(v, m, s);
}

/* rq_by_kind of an input term v = int8 * 2^RP_ADD_LEFT_SHIFT (|v| <= 2^27): on the DSP path the
 * shift -1 case, round(v m / 2^32), is SMMULR, and the shift 0 case, round(v m / 2^31), is SMMULR
 * of 2v (no overflow: |2v| <= 2^28). The same integers. */
static RP_ALWAYS_INLINE int32_t rq_input_by_kind(int32_t v, int32_t m, int32_t s, const int kind) {
#if RP_USE_SIMD32 && defined(__GNUC__)
  if (kind == RQ_MINUS1 || kind == RQ_ZERO) {
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(kind == RQ_ZERO ? 2 * v : v), "r"(m));
    return r;
  }
#endif
  return rq_by_kind(v, m, s, kind);
}

/* The element loop with the three requantizations' cases fixed (the same integers as the generic
 * form: each case is rp_requantize_hi's). */
static RP_ALWAYS_INLINE void add_loop(const rp_add_t *p, const int8_t *a, const int8_t *b,
                                      int8_t *out, int32_t count, const int ka, const int kb,
                                      const int ko) {
  const int32_t am = p->a_multiplier, as = p->a_shift, bm = p->b_multiplier, bs = p->b_shift;
  const int32_t om = p->out_multiplier, os = p->out_shift;
  for (int32_t i = 0; i < count; ++i) {
    const int32_t sa = rq_input_by_kind((int32_t)a[i] * (1 << RP_ADD_LEFT_SHIFT), am, as, ka);
    const int32_t sb = rq_input_by_kind((int32_t)b[i] * (1 << RP_ADD_LEFT_SHIFT), bm, bs, kb);
    out[i] = (int8_t)rp_clamp_mode(rq_by_kind(sa + sb, om, os, ko), -128, 127, RP_CLAMP_S8);
  }
}

rp_status rp_add_s8(const rp_add_t *p, const int8_t *a, const int8_t *b, int8_t *out,
                    int32_t count) {
  if (!p || !a || !b || !out || count < 0) return RP_ERR_ARG;
  const int32_t ka = rq_kind(p->a_shift), kb = rq_kind(p->b_shift), ko = rq_kind(p->out_shift);
  /* The parameters live in locals in add_loop: stores through int8_t pointers may alias *p, so
   * GCC would reload all six per element. RNNPool-Face-M4's adds: a -1, b 0, out <= -2. */
  if (ka == RQ_MINUS1 && kb == RQ_ZERO && ko == RQ_FAST)
    add_loop(p, a, b, out, count, RQ_MINUS1, RQ_ZERO, RQ_FAST);
  else if (ka == RQ_FAST && kb == RQ_FAST && ko == RQ_FAST)
    add_loop(p, a, b, out, count, RQ_FAST, RQ_FAST, RQ_FAST);
  else
    add_loop(p, a, b, out, count, RQ_OTHER, RQ_OTHER, RQ_OTHER);
  return RP_OK;
}
