// SPDX-License-Identifier: GPL-3.0-or-later
// Row-streaming integer executor of RNNPool-Face-M4 (see rp_face_stream.h). The control flow is
// core/stream/face_stream_runner.cpp's, statement for statement, so the buffers, their sizes and
// the in-place reuse (mob.0 -> mob.1 and mob.2 -> mob.3 rows, the replicated bottom row) are the
// ones the streaming schedule and the planner count. The arithmetic is the whole-tensor kernels'
// (same accumulators, same requantization), so every layer's integers are identical.
#include "core/kernels/rp_face_stream.h"

#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_fastgrnn_sweep.h"

#include <string.h>

#define RP_STREAM_MAX_PATCH 16
#define RP_STREAM_MAX_POOL_C 64 /* RNNPool output channels with the prepared requantization */

static int32_t align4(int32_t bytes) {
  return (bytes + 3) & ~3;
}
static int32_t max32(int32_t a, int32_t b) {
  return a > b ? a : b;
}
static int32_t min32(int32_t a, int32_t b) {
  return a < b ? a : b;
}

/* ---- timing: the interval since the last switch goes to the layer being timed ---- */

static int32_t time_enter(rp_face_stream_t *s, int32_t layer) {
  const int32_t previous = s->clock_layer;
  if (s->clock && layer != previous) {
    const uint64_t now = s->clock(s->clock_ctx);
    if (previous >= 0) s->time[previous] += now - s->clock_last;
    s->clock_last = now;
    ++s->clock_reads;
  }
  s->clock_layer = layer;
  return previous;
}

static void digest(rp_face_stream_t *s, int32_t layer, const void *data, int32_t n) {
  s->crc[layer] = rp_crc32(s->crc[layer], data, (size_t)n);
  s->bytes[layer] += (uint32_t)n;
}

/* ---- geometry and layout ---- */

static int32_t conv_out(int32_t in, const rp_conv_t *c) {
  return (in + 2 * c->pad - c->kernel) / c->stride + 1;
}

typedef struct {
  rp_stream_shape_t in, conv, pool, pad;
  rp_stream_shape_t blk_in[RP_FACE_MBCONVS], blk_out[RP_FACE_MBCONVS];
  rp_stream_shape_t head_in[RP_FACE_HEADS];
} geometry;

static int cell_ok(const rp_fastgrnn_t *c) {
  return c->w && c->u && c->w_multiplier && c->w_shift && c->u_multiplier && c->u_shift &&
         c->bias_gate && c->bias_update;
}

static rp_status make_geometry(const rp_face_model_t *m, int32_t h, int32_t w, geometry *g) {
  const rp_conv_t *c = &m->stem.conv;
  const rp_rnnpool_t *p = &m->stem.rnnpool;
  /* The 3-row input ring holds what a 3x3 / 2 conv reads (as the schedule's input.rows). */
  if (h <= 0 || w <= 0 || c->in_c != 1 || c->kernel != 3 || c->stride != 2 || c->pad != 1)
    return RP_ERR_ARG;
  g->in.h = h;
  g->in.w = w;
  g->in.c = 1;
  g->conv.h = conv_out(h, c);
  g->conv.w = conv_out(w, c);
  g->conv.c = c->out_c;
  if (p->patch <= 0 || p->patch > RP_STREAM_MAX_PATCH || p->stride <= 0 || p->stride > p->patch ||
      g->conv.h < p->patch || g->conv.w < p->patch || p->in_c != c->out_c ||
      p->rnn1.input_size != p->in_c || p->rnn2.input_size != p->rnn1.hidden_size ||
      p->rnn1.hidden_size <= 0 || p->rnn2.hidden_size <= 0 ||
      p->rnn1.hidden_size > RP_RNN_MAX_HIDDEN || p->rnn2.hidden_size > RP_RNN_MAX_HIDDEN ||
      m->pad_bottom < 0 || m->pad_right < 0 || !cell_ok(&p->rnn1) || !cell_ok(&p->rnn2))
    return RP_ERR_ARG;
  g->pool.h = (g->conv.h - p->patch) / p->stride + 1;
  g->pool.w = (g->conv.w - p->patch) / p->stride + 1;
  g->pool.c = 4 * p->rnn2.hidden_size;
  g->pad.h = g->pool.h + m->pad_bottom;
  g->pad.w = g->pool.w + m->pad_right;
  g->pad.c = g->pool.c;
  rp_stream_shape_t in = g->pad;
  for (int32_t b = 0; b < RP_FACE_MBCONVS; ++b) {
    const rp_mbconv_t *k = &m->mob[b];
    /* The schedule: every block expands; blocks 1 and 3 add their input (in place). */
    if (!k->has_expand || k->in_c != in.c || k->stride < 1 || k->stride > 2 ||
        k->has_residual != (b % 2 == 1) ||
        (k->has_residual && (k->stride != 1 || k->out_c != in.c)) || k->expand.in_c != in.c ||
        k->expand.out_c != k->hidden_c || k->depthwise.kernel != 3 ||
        k->depthwise.in_c != k->hidden_c || k->project.in_c != k->hidden_c ||
        k->project.out_c != k->out_c || k->hidden_c <= 0 || k->out_c <= 0)
      return RP_ERR_ARG;
    g->blk_in[b] = in;
    g->blk_out[b].h = (in.h - 1) / k->stride + 1;
    g->blk_out[b].w = (in.w - 1) / k->stride + 1;
    g->blk_out[b].c = k->out_c;
    in = g->blk_out[b];
  }
  for (int32_t k = 0; k < RP_FACE_HEADS; ++k) {
    g->head_in[k] = g->blk_out[k];
    const rp_conv_t *lc = &m->loc[k], *cf = &m->conf[k];
    if (lc->kernel != 3 || cf->kernel != 3 || lc->pad != 1 || cf->pad != 1 || lc->stride != 1 ||
        cf->stride != 1 || lc->in_c != g->head_in[k].c || cf->in_c != g->head_in[k].c ||
        lc->input_offset != 0 || cf->input_offset != 0 || cf->out_c < 2 || lc->out_c < 4)
      return RP_ERR_ARG;
    if (k < RP_FACE_L2NORMS && m->l2norm[k].channels != g->head_in[k].c) return RP_ERR_ARG;
  }
  return RP_OK;
}

static void layout_from(const rp_face_model_t *m, const geometry *g, int32_t capacity,
                        rp_face_stream_layout_t *L) {
  const rp_rnnpool_t *p = &m->stem.rnnpool;
  const int32_t h1 = p->rnn1.hidden_size, h2 = p->rnn2.hidden_size;
  int32_t *b = L->bytes;
  b[RP_STREAM_BUF_INPUT_ROWS] = align4(3 * g->in.w * g->in.c);
  b[RP_STREAM_BUF_CONV_BAND] = align4(p->patch * g->conv.w * g->conv.c);
  /* One patch's row and column summaries, then the last P - S row summaries of every patch of
   * the previous patch row (the next patch row's first P - S rows: reused, not recomputed). */
  b[RP_STREAM_BUF_POOL_SUMMARIES] =
      align4((2 * p->patch + g->pool.w * max32(p->patch - p->stride, 0)) * h1 * 2);
  b[RP_STREAM_BUF_POOL_RNN2_STATE] = align4(2 * h2 * 2);
  b[RP_STREAM_BUF_PAD_ROW] = align4(g->pad.w * g->pad.c);
  int32_t scratch = 2 * max32(h1, h2) * 4; /* the schedule's int32 FastGRNN gates */
  for (int32_t k = 0; k < RP_FACE_MBCONVS; ++k) {
    b[RP_STREAM_BUF_EXPAND0 + k] = align4((2 * g->blk_in[k].w + 3) * m->mob[k].hidden_c);
    scratch = max32(scratch, m->mob[k].hidden_c + 4 * g->blk_out[k].c);
  }
  b[RP_STREAM_BUF_ROWS01] = align4(2 * g->blk_out[0].w * g->blk_out[0].c);
  b[RP_STREAM_BUF_ROWS23] = align4(2 * g->blk_out[2].w * g->blk_out[2].c);
  for (int32_t k = 0; k < RP_FACE_HEADS; ++k) {
    b[RP_STREAM_BUF_WINDOW0 + k] = align4((2 * g->head_in[k].w + 3) * g->head_in[k].c);
    scratch = max32(scratch, 4 * (m->loc[k].out_c + m->conf[k].out_c));
  }
  b[RP_STREAM_BUF_CANDIDATES] = align4(capacity * RP_STREAM_CANDIDATE_FIELDS * 2);
  b[RP_STREAM_BUF_SCRATCH] = align4(scratch);
  /* Order: the partly used buffers low, a ring every frame fills completely on top, so the
   * painted high-water mark measures the whole layout. */
  static const int8_t order[RP_STREAM_BUFFERS] = {
      RP_STREAM_BUF_SCRATCH,     RP_STREAM_BUF_CANDIDATES,     RP_STREAM_BUF_INPUT_ROWS,
      RP_STREAM_BUF_CONV_BAND,   RP_STREAM_BUF_POOL_SUMMARIES, RP_STREAM_BUF_POOL_RNN2_STATE,
      RP_STREAM_BUF_PAD_ROW,     RP_STREAM_BUF_EXPAND0,        RP_STREAM_BUF_EXPAND0 + 1,
      RP_STREAM_BUF_EXPAND0 + 2, RP_STREAM_BUF_EXPAND0 + 3,    RP_STREAM_BUF_ROWS01,
      RP_STREAM_BUF_ROWS23,      RP_STREAM_BUF_WINDOW0,        RP_STREAM_BUF_WINDOW0 + 1,
      RP_STREAM_BUF_WINDOW0 + 2, RP_STREAM_BUF_WINDOW0 + 3};
  int32_t at = 0;
  for (int32_t i = 0; i < RP_STREAM_BUFFERS; ++i) {
    L->offset[order[i]] = at;
    at += b[order[i]];
  }
  L->arena_bytes = at;
}

rp_status rp_face_stream_layout(const rp_face_model_t *m, int32_t h, int32_t w,
                                int32_t candidate_capacity, rp_face_stream_layout_t *out) {
  if (!m || !out || candidate_capacity < 1) return RP_ERR_ARG;
  geometry g;
  const rp_status st = make_geometry(m, h, w, &g);
  if (st != RP_OK) return st;
  const rp_rnnpool_t *p = &m->stem.rnnpool;
  /* FastGRNN step buffer + widened input must fit the shared scratch (always, for this model). */
  if (2 * g.conv.c > 6 * max32(p->rnn1.hidden_size, p->rnn2.hidden_size)) return RP_ERR_ARG;
  layout_from(m, &g, candidate_capacity, out);
  return RP_OK;
}

/* ---- rings ---- */

static int8_t *ring_px(rp_face_stream_t *s, int32_t id, int32_t width, int32_t channels, int32_t y,
                       int32_t x) {
  const int32_t capacity = 2 * width + 3;
  return (int8_t *)s->buf[id] + ((y * width + x) % capacity) * channels;
}

/* The 3x3 window's 9 pixels around (y, x) of a ring of `width`-pixel rows (ring_px's indexing),
 * `pad` for those outside the frame. Each row's ring offset is reduced once (rows[r]); a pixel is
 * then one add and at most one wrap, where ring_px divides. */
typedef struct {
  int32_t base[3]; /* (y - 1 + r) * width % capacity, or -1 outside the frame */
} ring_rows_t;

static void ring_rows(int32_t width, int32_t height, int32_t y, ring_rows_t *out) {
  const int32_t capacity = 2 * width + 3;
  for (int32_t r = 0; r < 3; ++r) {
    const int32_t iy = y - 1 + r;
    out->base[r] = (iy < 0 || iy >= height) ? -1 : (iy * width) % capacity;
  }
}

static RP_ALWAYS_INLINE void ring_taps(const uint8_t *buf, const ring_rows_t *rows, int32_t width,
                                       int32_t channels, int32_t x, const int8_t *pad,
                                       const int8_t *taps[9]) {
  const int32_t capacity = 2 * width + 3;
  for (int32_t t = 0; t < 9; ++t) {
    const int32_t base = rows->base[t / 3], ix = x - 1 + t % 3;
    if (base < 0 || ix < 0 || ix >= width) {
      taps[t] = pad;
      continue;
    }
    int32_t i = base + ix; /* < 2 capacity */
    if (i >= capacity) i -= capacity;
    taps[t] = (const int8_t *)buf + i * channels;
  }
}

/* ---- stem: conv rows into the band, RNNPool patch rows into the padded row ---- */

static inline int32_t finish_rq(const rp_requant_t *rq, int32_t acc, int32_t oc) {
  return rp_clamp(rp_requantize(acc, rq->multiplier[oc], rq->shift[oc]), rq->act_min, rq->act_max);
}

/* Conv output pixel (y, ox), every channel, with bounds checks (padding taps contribute nothing:
 * padding is the zero point, as rp_conv_u8_s8). */
static void conv_px(rp_face_stream_t *s, int32_t iy0, int32_t ox, int8_t *out_px) {
  const rp_conv_t *p = &s->m->stem.conv;
  const int32_t H = s->in.h, W = s->in.w, K = p->kernel, Co = s->conv.c;
  const uint8_t *rows = s->buf[RP_STREAM_BUF_INPUT_ROWS];
  const int32_t ix0 = ox * p->stride - p->pad;
  for (int32_t oc = 0; oc < Co; ++oc) {
    const int8_t *w_oc = p->weights + oc * K * K;
    int32_t acc = p->rq.bias[oc];
    for (int32_t ky = 0; ky < K; ++ky) {
      const int32_t iy = iy0 + ky;
      if (iy < 0 || iy >= H) continue;
      const uint8_t *row = rows + (iy % 3) * W;
      for (int32_t kx = 0; kx < K; ++kx) {
        const int32_t ix = ix0 + kx;
        if (ix < 0 || ix >= W) continue;
        acc += ((int32_t)row[ix] + p->input_offset) * w_oc[ky * K + kx];
      }
    }
    out_px[oc] = (int8_t)finish_rq(&p->rq, acc, oc);
  }
}

#define RP_STREAM_MAX_STEM_C 16

/* Per output channel constants of the interior path: the taps as int16 pairs for SMLAD, and the
 * input offset folded into the bias (sum (x + o) w = sum x w + o sum w: the same integer). */
typedef struct {
  uint32_t w01, w23, w45, w67;
  int32_t w8, bias;
  int32_t multiplier, round, post; /* rp_requantize_block: m, 2^k, k + 1 (k = -2 - shift) */
  int32_t shift;
} stem_channel;

static uint32_t pair16(int32_t lo, int32_t hi) {
  return (uint32_t)(uint16_t)lo | ((uint32_t)(uint16_t)hi << 16);
}

/* sum of 9 taps: x01..x67 hold (x[2i], x[2i+1]) as int16 pairs, x8 the last. */
static inline int32_t stem_taps(const stem_channel *c, uint32_t x01, uint32_t x23, uint32_t x45,
                                uint32_t x67, int32_t x8) {
#if RP_USE_SIMD32
  uint32_t acc = __smlad(x01, c->w01, (uint32_t)(c->bias + x8 * c->w8));
  acc = __smlad(x23, c->w23, acc);
  acc = __smlad(x45, c->w45, acc);
  return (int32_t)__smlad(x67, c->w67, acc);
#else
  const uint32_t xs[4] = {x01, x23, x45, x67}, ws[4] = {c->w01, c->w23, c->w45, c->w67};
  int32_t acc = c->bias + x8 * c->w8;
  for (int32_t i = 0; i < 4; ++i)
    acc += (int32_t)(int16_t)(xs[i] & 0xffff) * (int32_t)(int16_t)(ws[i] & 0xffff) +
           (int32_t)(int16_t)(xs[i] >> 16) * (int32_t)(int16_t)(ws[i] >> 16);
  return acc;
#endif
}

static void conv_row(rp_face_stream_t *s, int32_t y) {
  const int32_t prev = time_enter(s, RP_STREAM_LAYER_CONV);
  const rp_conv_t *p = &s->m->stem.conv;
  const int32_t H = s->in.h, W = s->in.w, K = p->kernel, Co = s->conv.c, S = p->stride;
  const uint8_t *rows = s->buf[RP_STREAM_BUF_INPUT_ROWS];
  int8_t *out =
      (int8_t *)s->buf[RP_STREAM_BUF_CONV_BAND] + (y % s->m->stem.rnnpool.patch) * s->conv.w * Co;
  const int32_t iy0 = y * S - p->pad;
  /* Interior: all 3x3 taps inside the frame, so no bounds checks (all but the border pixels). */
  int32_t ox_lo = s->conv.w, ox_hi = s->conv.w;
  if (K == 3 && Co <= RP_STREAM_MAX_STEM_C && iy0 >= 0 && iy0 + K <= H) {
    ox_lo = (p->pad + S - 1) / S;
    ox_hi = min32((W - K + p->pad) / S + 1, s->conv.w);
    if (ox_hi < ox_lo) ox_hi = ox_lo;
  }
  for (int32_t ox = 0; ox < ox_lo; ++ox)
    conv_px(s, iy0, ox, out + ox * Co);
  if (ox_lo < ox_hi) {
    stem_channel ch[RP_STREAM_MAX_STEM_C];
    int fast_rq = 1;
    for (int32_t oc = 0; oc < Co; ++oc) {
      const int8_t *w = p->weights + oc * 9;
      int32_t sum = 0;
      for (int32_t t = 0; t < 9; ++t)
        sum += w[t];
      ch[oc].w01 = pair16(w[0], w[1]);
      ch[oc].w23 = pair16(w[2], w[3]);
      ch[oc].w45 = pair16(w[4], w[5]);
      ch[oc].w67 = pair16(w[6], w[7]);
      ch[oc].w8 = w[8];
      ch[oc].bias = p->rq.bias[oc] + p->input_offset * sum;
      ch[oc].multiplier = p->rq.multiplier[oc];
      ch[oc].shift = p->rq.shift[oc];
      const int32_t k = -2 - ch[oc].shift;
      if (k < 0 || k > 30) fast_rq = 0; /* rp_requant_blocks' range */
      ch[oc].round = (int32_t)1 << (fast_rq ? k : 0);
      ch[oc].post = k + 1;
    }
    const uint8_t *r0 = rows + (iy0 % 3) * W, *r1 = rows + ((iy0 + 1) % 3) * W;
    const uint8_t *r2 = rows + ((iy0 + 2) % 3) * W;
    const int32_t lo = p->rq.act_min, hi = p->rq.act_max;
#if RP_USE_SIMD32
    /* RNNPool-Face-M4's stem: 4 channels, ReLU: the 4 bytes packed, clamped by USUB8 + SEL and
     * stored as one word. */
    if (Co == 4 && fast_rq && rp_clamp_mode_of(lo, hi) == RP_CLAMP_RELU) {
      const uint32_t hi4 = ((uint32_t)hi & 0xffu) * 0x01010101u;
      for (int32_t ox = ox_lo; ox < ox_hi; ++ox) {
        const int32_t ix = ox * S - p->pad;
        const uint32_t x01 = pair16(r0[ix], r0[ix + 1]), x23 = pair16(r0[ix + 2], r1[ix]);
        const uint32_t x45 = pair16(r1[ix + 1], r1[ix + 2]), x67 = pair16(r2[ix], r2[ix + 1]);
        const int32_t x8 = r2[ix + 2];
        uint32_t v = 0;
        for (int32_t oc = 0; oc < 4; ++oc) {
          const stem_channel *c = &ch[oc];
          const int32_t acc = stem_taps(c, x01, x23, x45, x67, x8);
          v |= __usat(rp_requantize_block(acc, &c->multiplier), 8) << (8 * oc);
        }
        (void)__usub8(v, hi4); /* GE where a byte >= hi */
        v = __sel(hi4, v);
        memcpy(out + ox * 4, &v, sizeof v);
      }
      ox_lo = ox_hi;
    }
#endif
    for (int32_t ox = ox_lo; ox < ox_hi; ++ox) {
      const int32_t ix = ox * S - p->pad;
      const uint32_t x01 = pair16(r0[ix], r0[ix + 1]), x23 = pair16(r0[ix + 2], r1[ix]);
      const uint32_t x45 = pair16(r1[ix + 1], r1[ix + 2]), x67 = pair16(r2[ix], r2[ix + 1]);
      const int32_t x8 = r2[ix + 2];
      int8_t *o = out + ox * Co;
      for (int32_t oc = 0; oc < Co; ++oc) {
        const stem_channel *c = &ch[oc];
        const int32_t acc = stem_taps(c, x01, x23, x45, x67, x8);
        const int32_t v = fast_rq ? rp_requantize_block(acc, &c->multiplier)
                                  : rp_requantize(acc, c->multiplier, c->shift);
        o[oc] = (int8_t)rp_clamp(v, lo, hi);
      }
    }
  }
  for (int32_t ox = ox_hi; ox < s->conv.w; ++ox)
    conv_px(s, iy0, ox, out + ox * Co);
  digest(s, RP_STREAM_LAYER_CONV, out, s->conv.w * Co);
  time_enter(s, prev);
}

/* RNNPool's output requantization per channel in rp_requantize_block's form: the int16-range
 * difference v = state - offset (|v| < 2^16) is scaled by 2^14 into the high word's range, so
 * hi32(v 2^14 m) = floor(v m / 2^18), and rp_requantize(v, m, s), which rounds v m / 2^(31 - s)
 * half up, is (hi + 2^k) >> (k + 1) with k = 12 - s (nested floors): one SMMLA and one ASR, where
 * the model's shifts (-2..3 in the trained model) took the 64-bit path. */
typedef struct {
  int32_t offset14, multiplier, round, shift; /* offset14 = offset * 2^14 */
} emit_rq_t;

static int emit_prepare(const rp_rnnpool_t *p, emit_rq_t *e) {
  const int32_t channels = 4 * p->rnn2.hidden_size;
  if (channels > RP_STREAM_MAX_POOL_C) return 0;
  for (int32_t c = 0; c < channels; ++c) {
    const int32_t k = 12 - p->out_shift[c];
    if (k < 0 || k > 30) return 0;
    e[c].offset14 = p->out_offset[c] * 16384;
    e[c].multiplier = p->out_multiplier[c];
    e[c].round = (int32_t)1 << k;
    e[c].shift = k + 1;
  }
  return 1;
}

#if RP_USE_SIMD32 && defined(__GNUC__) && defined(__thumb2__)
#define RP_HAVE_EMIT16_ASM 1
/* rnnpool_emit for 16 channels in Thumb-2 assembly: per channel LDRSH, one LDM of its emit_rq_t,
 * RSB (state * 2^14 - offset * 2^14), SMMLA + ASR, SSAT, STRB (7 instructions; the C took 13). */
typedef char rp_emit_rq_is_four_words[sizeof(emit_rq_t) == 16 ? 1 : -1];
__attribute__((naked, noinline)) static void emit16_asm(__attribute__((unused))
                                                        const int16_t *state,
                                                        __attribute__((unused)) const emit_rq_t *e,
                                                        __attribute__((unused)) int8_t *out) {
  __asm__ volatile("push {r4-r7}\n\t"
                   ".irp j, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
                   "ldrsh r3, [r0, #2*\\j]\n\t"
                   "ldm r1!, {r4-r7}\n\t"
                   "rsb r3, r4, r3, lsl #14\n\t"
                   "smmla r3, r3, r5, r6\n\t"
                   "asr r3, r3, r7\n\t"
                   "ssat r3, #8, r3\n\t"
                   "strb r3, [r2, #\\j]\n\t"
                   ".endr\n\t"
                   "pop {r4-r7}\n\t"
                   "bx lr\n\t");
}
#else
#define RP_HAVE_EMIT16_ASM 0
#endif

/* Sweep d's (0..3) output channels d * h2 .. d * h2 + h2 - 1: int8 = requantize(state -
 * centre[c]) per channel c, as rp_rnnpool_output (the same integers); e: emit_prepare's or 0. */
static void rnnpool_emit(const rp_rnnpool_t *p, const emit_rq_t *e, const int16_t *state,
                         int8_t *out, int32_t d) {
  const int32_t h2 = p->rnn2.hidden_size;
#if RP_HAVE_EMIT16_ASM
  if (e && h2 == 16) {
    emit16_asm(state, e + d * 16, out + d * 16);
    return;
  }
#endif
  if (e) {
    e += d * h2;
    for (int32_t j = 0, c = d * h2; j < h2; ++j, ++c)
      out[c] = (int8_t)rp_clamp_mode(
          rp_requantize_block(state[j] * 16384 - e[j].offset14, &e[j].multiplier), -128, 127,
          RP_CLAMP_S8);
    return;
  }
  for (int32_t j = 0, c = d * h2; j < h2; ++j, ++c)
    out[c] = rp_sat8(
        rp_requantize_hi(state[j] - p->out_offset[c], p->out_multiplier[c], p->out_shift[c]));
}

/* Patch (i, j) read from the band through its ring (slot = conv row % P), as
 * rp_rnnpool_patch_s8 computes it. */
static void rnnpool_patch(rp_face_stream_t *s, const rp_fastgrnn_prepared_t *rnn1,
                          const rp_fastgrnn_prepared_t *rnn2, const emit_rq_t *e, int32_t i,
                          int32_t j, int8_t *out) {
  const rp_rnnpool_t *p = &s->m->stem.rnnpool;
  const int32_t P = p->patch, S = p->stride, C = s->conv.c, h1 = p->rnn1.hidden_size;
  const int32_t h2 = p->rnn2.hidden_size, row_len = s->conv.w * C;
  const int8_t *band = (const int8_t *)s->buf[RP_STREAM_BUF_CONV_BAND];
  int16_t *rows = (int16_t *)s->buf[RP_STREAM_BUF_POOL_SUMMARIES], *cols = rows + P * h1;
  int16_t *state = (int16_t *)s->buf[RP_STREAM_BUF_POOL_RNN2_STATE];
  int16_t *step = (int16_t *)s->buf[RP_STREAM_BUF_SCRATCH]; /* step state + widened input */
  const int8_t *slot[RP_STREAM_MAX_PATCH];                  /* patch row r's pixels in the band */
  const int8_t *px[RP_STREAM_MAX_PATCH];                    /* one sweep's inputs */
  for (int32_t r = 0; r < P; ++r)
    slot[r] = band + ((i * S + r) % P) * row_len + j * S * C;
  /* Patch j's columns 0..P-S-1 are patch j-1's columns S..P-1 (same conv pixels, same zero
   * start): their RNN1 summaries are moved, not recomputed (a quarter of the RNN1 steps). */
  const int32_t reuse = (j > 0 && S < P) ? P - S : 0;
  if (reuse > 0) memmove(cols, cols + S * h1, (size_t)(reuse * h1) * sizeof(int16_t));
  /* Likewise rows: patch (i, j)'s rows 0..P-S-1 are patch (i-1, j)'s rows S..P-1, kept from
   * the previous patch row in the summaries buffer (another quarter of the RNN1 steps). */
  const int32_t kept = S < P ? P - S : 0, reuse_rows = i > 0 ? kept : 0;
  int16_t *kept_rows = rows + 2 * P * h1 + j * kept * h1;
  if (reuse_rows > 0) memcpy(rows, kept_rows, (size_t)(reuse_rows * h1) * sizeof(int16_t));
  for (int32_t r = reuse_rows; r < P; ++r) { /* 1. RNN1 along each row */
    for (int32_t c = 0; c < P; ++c)
      px[c] = slot[r] + c * C;
    rp_fastgrnn_sweep_s8(rnn1, px, P, rows + r * h1, step);
  }
  if (kept > 0) memcpy(kept_rows, rows + S * h1, (size_t)(kept * h1) * sizeof(int16_t));
  /* 2. RNN2 over the row summaries, both ways */
  rp_fastgrnn_bidirectional_s16(rnn2, rows, h1, P, state, state + h2, step);
  rnnpool_emit(p, e, state, out, 0);
  rnnpool_emit(p, e, state + h2, out, 1);
  for (int32_t c = reuse; c < P; ++c) { /* 3. RNN1 along each column */
    for (int32_t r = 0; r < P; ++r)
      px[r] = slot[r] + c * C;
    rp_fastgrnn_sweep_s8(rnn1, px, P, cols + c * h1, step);
  }
  /* 4. RNN2 over the column summaries, both ways */
  rp_fastgrnn_bidirectional_s16(rnn2, cols, h1, P, state, state + h2, step);
  rnnpool_emit(p, e, state, out, 2);
  rnnpool_emit(p, e, state + h2, out, 3);
}

static void mob_row_arrived(rp_face_stream_t *s, int32_t b, int32_t y);

static void pool_row(rp_face_stream_t *s, int32_t i) {
  int32_t prev = time_enter(s, RP_STREAM_LAYER_RNN_MODEL);
  const int32_t C = s->pad.c;
  int8_t *row = (int8_t *)s->buf[RP_STREAM_BUF_PAD_ROW];
  /* On the stack (~2.7 KB, counted in the painted stack peak): prepared per pool row. */
  rp_fastgrnn_prepared_t rnn1, rnn2;
  rp_fastgrnn_prepare(&s->m->stem.rnnpool.rnn1, &rnn1);
  rp_fastgrnn_prepare(&s->m->stem.rnnpool.rnn2, &rnn2);
  emit_rq_t emit[RP_STREAM_MAX_POOL_C];
  const emit_rq_t *e = emit_prepare(&s->m->stem.rnnpool, emit) ? emit : 0;
  for (int32_t j = 0; j < s->pool.w; ++j)
    rnnpool_patch(s, &rnn1, &rnn2, e, i, j, row + j * C);
  digest(s, RP_STREAM_LAYER_RNN_MODEL, row, s->pool.w * C);
  time_enter(s, RP_STREAM_LAYER_RNN_PAD);
  for (int32_t x = s->pool.w; x < s->pad.w; ++x) /* replicate the right column */
    memcpy(row + x * C, row + (s->pool.w - 1) * C, (size_t)C);
  digest(s, RP_STREAM_LAYER_RNN_PAD, row, s->pad.w * C);
  time_enter(s, prev);
  s->pad_row = i;
  ++s->pool_rows_done;
  mob_row_arrived(s, 0, i);
}

/* ---- MBConv blocks: expansion ring one pixel ahead, depthwise pixel, projection ---- */

/* finish_rq with the requantization through the high product word (same integers) and the operands
 * read once per call site, not per channel (int8 stores may alias them). */
static inline int32_t finish_hi(const int32_t *multiplier, const int32_t *shift, int32_t lo,
                                int32_t hi, int32_t acc, int32_t c) {
  return rp_clamp(rp_requantize_hi(acc, multiplier[c], shift[c]), lo, hi);
}

#define RP_DW_MAX_C 128
/* Stands in for the taps in the zero padding, so every pixel takes the same path. */
static const int8_t kZeroTap[RP_DW_MAX_C] = {0};

#if RP_USE_SIMD32
/* One tap of four channels: SXTB16 pairs channels (0, 2) and (1, 3) of the input and weight words,
 * SMLABB / SMLATT accumulate each channel on its own. */
#define RP_DW_TAP(toff, wop)                                                                       \
  "ldr %[p], [%[taps], #" #toff "]\n\t"                                                            \
  "ldr %[x], [%[p], %[c]]\n\t"                                                                     \
  "ldr %[w], [%[wp], %[" #wop "]]\n\t"                                                             \
  "sxtb16 %[xs], %[x]\n\t"                                                                         \
  "sxtb16 %[ws], %[w]\n\t"                                                                         \
  "smlabb %[a0], %[xs], %[ws], %[a0]\n\t"                                                          \
  "smlatt %[a2], %[xs], %[ws], %[a2]\n\t"                                                          \
  "sxtb16 %[xs], %[x], ror #8\n\t"                                                                 \
  "sxtb16 %[ws], %[w], ror #8\n\t"                                                                 \
  "smlabb %[a1], %[xs], %[ws], %[a1]\n\t"                                                          \
  "smlatt %[a3], %[xs], %[ws], %[a3]\n\t"
/* The same from the generator's int16 weights (rp_depthwise_pack_x16): one LDRD, no extension. */
#define RP_DW_TAP_X16(toff, woff)                                                                  \
  "ldr %[p], [%[taps], #" #toff "]\n\t"                                                            \
  "ldr %[x], [%[p], %[c]]\n\t"                                                                     \
  "ldrd %[we], %[wo], [%[wp], #" #woff "]\n\t"                                                     \
  "sxtb16 %[xs], %[x]\n\t"                                                                         \
  "smlabb %[a0], %[xs], %[we], %[a0]\n\t"                                                          \
  "smlatt %[a2], %[xs], %[we], %[a2]\n\t"                                                          \
  "sxtb16 %[xs], %[x], ror #8\n\t"                                                                 \
  "smlabb %[a1], %[xs], %[wo], %[a1]\n\t"                                                          \
  "smlatt %[a3], %[xs], %[wo], %[a3]\n\t"
#endif

#if RP_USE_SIMD32 && defined(__GNUC__) && defined(__thumb2__)
#define RP_HAVE_DW_ASM 1
#define RP_UNUSED __attribute__((unused))
/* A ReLU depthwise 3x3 pixel in Thumb-2 assembly, for the generator's int16 weights and requant
 * blocks: per group of 4 channels the biases by one LDM, per tap the RP_DW_TAP_X16 sequence with
 * the weights by LDM, then RP_ASM_REQUANT4 + RP_ASM_PACK4_RELU and one STR (the C spent ~50
 * instructions a group around the 81 of the taps). Same integers. */
typedef struct {
  const int8_t *const *taps; /* 0: 9 pixels (padding: kZeroTap) */
  const int16_t *w16;        /* 4: rp_depthwise_pack_x16, word aligned */
  const int32_t *blocks;     /* 8: rp_requant_blocks */
  const int32_t *blocks_end; /* 12 */
  int8_t *out;               /* 16 */
  uint32_t hi4;              /* 20: the upper bound in each byte */
} dw_args_t;
/* Tap t of channels c..c+3 (r10 = c): r9 the taps, r11 the weights (advanced). */
#define RP_DW_ASM_TAP(t)                                                                           \
  "ldr r4, [r9, #4*" #t "]\n\t"                                                                    \
  "ldr r5, [r4, r10]\n\t"                                                                          \
  "ldm r11!, {r6, r7}\n\t"                                                                         \
  "sxtb16 r8, r5\n\t"                                                                              \
  "smlabb r0, r8, r6, r0\n\t"                                                                      \
  "smlatt r2, r8, r6, r2\n\t"                                                                      \
  "sxtb16 r8, r5, ror #8\n\t"                                                                      \
  "smlabb r1, r8, r7, r1\n\t"                                                                      \
  "smlatt r3, r8, r7, r3\n\t"
/* Frame: [sp] taps, [sp + 4] blocks_end, [sp + 8] hi4; r10 c, r11 weights, r12 blocks, lr out. */
__attribute__((naked, noinline)) static void dw_px_relu_asm(RP_UNUSED const dw_args_t *a) {
  __asm__ volatile("push {r4-r11, lr}\n\t"
                   "sub sp, sp, #12\n\t"
                   "ldm r0, {r1-r6}\n\t"
                   "str r1, [sp]\n\t"
                   "str r4, [sp, #4]\n\t"
                   "str r6, [sp, #8]\n\t"
                   "mov r11, r2\n\t"
                   "mov r12, r3\n\t"
                   "mov lr, r5\n\t"
                   "mov r10, #0\n\t"
                   "1:\n\t"
                   "ldr r9, [sp]\n\t"
                   "ldm r12!, {r0-r3}\n\t" RP_DW_ASM_TAP(0) RP_DW_ASM_TAP(1) RP_DW_ASM_TAP(2)
                       RP_DW_ASM_TAP(3) RP_DW_ASM_TAP(4) RP_DW_ASM_TAP(5) RP_DW_ASM_TAP(6)
                           RP_DW_ASM_TAP(7) RP_DW_ASM_TAP(8) RP_ASM_REQUANT4 RP_ASM_PACK4_RELU
                   "str r0, [lr], #4\n\t"
                   "add r10, r10, #4\n\t"
                   "ldr r4, [sp, #4]\n\t"
                   "cmp r12, r4\n\t"
                   "bne 1b\n\t"
                   "add sp, sp, #12\n\t"
                   "pop {r4-r11, pc}\n\t");
}
#else
#define RP_HAVE_DW_ASM 0
#endif

/* Depthwise 3x3 of one pixel, every tap a pointer (padding: kZeroTap), inlined with a constant C (a
 * multiple of 4) so the weight offsets are immediates. Four channels a pass. */
static RP_ALWAYS_INLINE void dw_px_fixed(const rp_conv_t *dw, const int8_t *const taps[9],
                                         int8_t *RP_RESTRICT out, const int32_t C, const int mode) {
  const int32_t *bias = dw->rq.bias, *mul = dw->rq.multiplier, *sh = dw->rq.shift;
  const int32_t *blocks = dw->rq_blocks;
  const int32_t lo = dw->rq.act_min, hi = dw->rq.act_max;
#if RP_USE_SIMD32
  const int16_t *w16 = ((uintptr_t)dw->weights_x16 & 3u) == 0 ? dw->weights_x16 : 0; /* LDRD */
#endif
  for (int32_t c = 0; c < C; c += 4) {
    int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
    const int8_t *wp = dw->weights + c;
#if RP_USE_SIMD32
    const int8_t *p;
    uint32_t x, w, xs, ws;
    if (w16) {
      const int16_t *wp16 = w16 + c * 9; /* 9 taps x 4 int16 per group of 4 channels */
      __asm__(RP_DW_TAP_X16(0, 0) RP_DW_TAP_X16(4, 8) RP_DW_TAP_X16(8, 16) RP_DW_TAP_X16(12, 24)
                  RP_DW_TAP_X16(16, 32) RP_DW_TAP_X16(20, 40) RP_DW_TAP_X16(24, 48)
                      RP_DW_TAP_X16(28, 56) RP_DW_TAP_X16(32, 64)
              : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [p] "=&r"(p),
                [x] "=&r"(x), [we] "=&r"(w), [wo] "=&r"(ws), [xs] "=&r"(xs)
              : [taps] "r"(taps), [c] "r"(c), [wp] "r"(wp16)
              : "memory");
    } else
      __asm__(RP_DW_TAP(0, o0) RP_DW_TAP(4, o1) RP_DW_TAP(8, o2) RP_DW_TAP(12, o3) RP_DW_TAP(16, o4)
                  RP_DW_TAP(20, o5) RP_DW_TAP(24, o6) RP_DW_TAP(28, o7) RP_DW_TAP(32, o8)
              : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [p] "=&r"(p),
                [x] "=&r"(x), [w] "=&r"(w), [xs] "=&r"(xs), [ws] "=&r"(ws)
              : [taps] "r"(taps), [c] "r"(c), [wp] "r"(wp), [o0] "i"(0), [o1] "i"(C),
                [o2] "i"(2 * C), [o3] "i"(3 * C), [o4] "i"(4 * C), [o5] "i"(5 * C), [o6] "i"(6 * C),
                [o7] "i"(7 * C), [o8] "i"(8 * C)
              : "memory");
#else
    for (int32_t t = 0; t < 9; ++t) {
      const int8_t *px = taps[t] + c, *wt = wp + t * C;
      a0 += (int32_t)px[0] * wt[0];
      a1 += (int32_t)px[1] * wt[1];
      a2 += (int32_t)px[2] * wt[2];
      a3 += (int32_t)px[3] * wt[3];
    }
#endif
    if (blocks) { /* the generator's requant blocks (their biases equal bias[c..c+3]) */
      const int32_t *t = blocks + 4 * c + 4;
      const int32_t r0 = rp_requantize_block(a0, t), r1 = rp_requantize_block(a1, t + 3);
      const int32_t r2 = rp_requantize_block(a2, t + 6), r3 = rp_requantize_block(a3, t + 9);
      out[c] = (int8_t)rp_clamp_mode(r0, lo, hi, mode);
      out[c + 1] = (int8_t)rp_clamp_mode(r1, lo, hi, mode);
      out[c + 2] = (int8_t)rp_clamp_mode(r2, lo, hi, mode);
      out[c + 3] = (int8_t)rp_clamp_mode(r3, lo, hi, mode);
      continue;
    }
    out[c] = (int8_t)rp_clamp_mode(rp_requantize_hi(a0, mul[c], sh[c]), lo, hi, mode);
    out[c + 1] = (int8_t)rp_clamp_mode(rp_requantize_hi(a1, mul[c + 1], sh[c + 1]), lo, hi, mode);
    out[c + 2] = (int8_t)rp_clamp_mode(rp_requantize_hi(a2, mul[c + 2], sh[c + 2]), lo, hi, mode);
    out[c + 3] = (int8_t)rp_clamp_mode(rp_requantize_hi(a3, mul[c + 3], sh[c + 3]), lo, hi, mode);
  }
}

/* Depthwise 3x3 of one pixel; a null tap is zero padding. Weights [ky][kx][c]. */
static void dw_px(const rp_conv_t *dw, const int8_t *const taps[9], int32_t C,
                  int8_t *RP_RESTRICT out) {
  if (C == 64 || C == 128) { /* RNNPool-Face-M4's hidden widths */
    const int8_t *full[9];
    for (int32_t t = 0; t < 9; ++t)
      full[t] = taps[t] ? taps[t] : kZeroTap;
    const int relu = rp_clamp_mode_of(dw->rq.act_min, dw->rq.act_max) == RP_CLAMP_RELU;
#if RP_HAVE_DW_ASM
    if (relu && dw->rq_blocks && dw->weights_x16 && ((uintptr_t)dw->weights_x16 & 3u) == 0) {
      const dw_args_t a = {full,          dw->weights_x16,
                           dw->rq_blocks, dw->rq_blocks + C / 4 * RP_REQUANT_BLOCK_WORDS,
                           out,           ((uint32_t)dw->rq.act_max & 0xffu) * 0x01010101u};
      dw_px_relu_asm(&a);
      return;
    }
#endif
    if (C == 64 && relu)
      dw_px_fixed(dw, full, out, 64, RP_CLAMP_RELU);
    else if (C == 64)
      dw_px_fixed(dw, full, out, 64, RP_CLAMP_ANY);
    else if (relu)
      dw_px_fixed(dw, full, out, 128, RP_CLAMP_RELU);
    else
      dw_px_fixed(dw, full, out, 128, RP_CLAMP_ANY);
    return;
  }
  const int32_t *mul = dw->rq.multiplier, *sh = dw->rq.shift;
  const int32_t lo = dw->rq.act_min, hi = dw->rq.act_max;
  for (int32_t c = 0; c < C; ++c) {
    int32_t acc = dw->rq.bias[c];
    for (int32_t t = 0; t < 9; ++t)
      if (taps[t]) acc += (int32_t)taps[t][c] * (int32_t)dw->weights[t * C + c];
    out[c] = (int8_t)finish_hi(mul, sh, lo, hi, acc, c);
  }
}

static const int8_t *mob_source_px(rp_face_stream_t *s, int32_t b, int32_t y, int32_t x) {
  const rp_stream_shape_t *in = &s->blk_in[b];
  if (b == 0) return (const int8_t *)s->buf[RP_STREAM_BUF_PAD_ROW] + x * in->c;
  const uint8_t *rows = s->buf[b == 3 ? RP_STREAM_BUF_ROWS23 : RP_STREAM_BUF_ROWS01];
  return (const int8_t *)rows + ((y % 2) * in->w + x) * in->c;
}

static int8_t *mob_out_px(rp_face_stream_t *s, int32_t b, int32_t o, int32_t x) {
  const rp_stream_shape_t *out = &s->blk_out[b];
  uint8_t *rows = s->buf[b < 2 ? RP_STREAM_BUF_ROWS01 : RP_STREAM_BUF_ROWS23];
  return (int8_t *)rows + ((o % 2) * out->w + x) * out->c;
}

static void mob_fill(rp_face_stream_t *s, int32_t b, int32_t y, int32_t x_last) {
  const rp_mbconv_t *k = &s->m->mob[b];
  const int32_t W = s->blk_in[b].w, target = y * W + x_last;
  for (; s->mob_filled[b] <= target; ++s->mob_filled[b]) {
    const int32_t yy = s->mob_filled[b] / W, xx = s->mob_filled[b] % W;
    rp_pointwise_px_run(&s->expand[b], mob_source_px(s, b, yy, xx),
                        ring_px(s, RP_STREAM_BUF_EXPAND0 + b, W, k->hidden_c, yy, xx));
  }
}

static void announce_block_row(rp_face_stream_t *s, int32_t b, int32_t o);

static void mob_out_row(rp_face_stream_t *s, int32_t b, int32_t o, int32_t fill_row) {
  const int32_t prev = time_enter(s, RP_STREAM_LAYER_MOB0 + b);
  const rp_mbconv_t *k = &s->m->mob[b];
  const rp_conv_t *dw = &k->depthwise;
  const int32_t st = k->stride, H = s->blk_in[b].h, W = s->blk_in[b].w, C = k->hidden_c;
  const int32_t Co = k->out_c;
  int8_t *dw_out = (int8_t *)s->buf[RP_STREAM_BUF_SCRATCH], *proj = dw_out + C;
  ring_rows_t rows;
  ring_rows(W, H, o * st, &rows);
  for (int32_t x = 0; x < s->blk_out[b].w; ++x) {
    if (fill_row >= 0) mob_fill(s, b, fill_row, min32(x * st + 1, W - 1));
    const int8_t *taps[9];
    ring_taps(s->buf[RP_STREAM_BUF_EXPAND0 + b], &rows, W, C, x * st, 0, taps);
    dw_px(dw, taps, C, dw_out);
    int8_t *out = mob_out_px(s, b, o, x);
    if (k->has_residual) { /* in place: `out` holds the block input pixel of row o */
      rp_pointwise_px_run(&s->project[b], dw_out, proj);
      rp_add_s8(&k->residual, out, proj, out, Co);
    } else {
      rp_pointwise_px_run(&s->project[b], dw_out, out);
    }
    digest(s, RP_STREAM_LAYER_MOB0 + b, out, Co);
  }
  ++s->mob_rows_out[b];
  if (fill_row >= 0) mob_fill(s, b, fill_row, W - 1);
  time_enter(s, prev);
  announce_block_row(s, b, o);
}

static void mob_row_arrived(rp_face_stream_t *s, int32_t b, int32_t y) {
  const int32_t st = s->m->mob[b].stride;
  int32_t produced = 0;
  /* Output row o needs input rows up to o*s+1; those with o*s+1 == y are due now. */
  while (s->mob_rows_out[b] < s->blk_out[b].h && s->mob_rows_out[b] * st + 1 <= y) {
    mob_out_row(s, b, s->mob_rows_out[b], y);
    produced = 1;
  }
  if (!produced) {
    const int32_t prev = time_enter(s, RP_STREAM_LAYER_MOB0 + b);
    mob_fill(s, b, y, s->blk_in[b].w - 1);
    time_enter(s, prev);
  }
}

/* ---- heads: L2-normalised window ring, loc + conf per pixel, decode ---- */

static const int8_t *head_source_px(rp_face_stream_t *s, int32_t k, int32_t y, int32_t x) {
  const rp_stream_shape_t *in = &s->head_in[k];
  const uint8_t *rows = s->buf[k < 2 ? RP_STREAM_BUF_ROWS01 : RP_STREAM_BUF_ROWS23];
  return (const int8_t *)rows + ((y % 2) * in->w + x) * in->c;
}

static void head_fill(rp_face_stream_t *s, int32_t k, int32_t y, int32_t x_last) {
  const rp_stream_shape_t *in = &s->head_in[k];
  const int32_t W = in->w, target = y * W + x_last;
  if (s->head_filled[k] > target) return;
  const int32_t prev = time_enter(s, k < RP_FACE_L2NORMS ? RP_STREAM_LAYER_L2NORM0 + k
                                                         : RP_STREAM_LAYER_LOC0 + 2 * k);
  for (; s->head_filled[k] <= target; ++s->head_filled[k]) {
    const int32_t yy = s->head_filled[k] / W, xx = s->head_filled[k] % W;
    const int8_t *src = head_source_px(s, k, yy, xx);
    int8_t *dst = ring_px(s, RP_STREAM_BUF_WINDOW0 + k, W, in->c, yy, xx);
    if (k >= RP_FACE_L2NORMS) {
      memcpy(dst, src, (size_t)in->c);
      continue;
    }
    if (s->l2norm_shift[k] != 0) {
      rp_l2norm_px_uniform(&s->m->l2norm[k], s->l2norm_shift[k], src, dst);
    } else {
      rp_l2norm_t one = s->m->l2norm[k];
      one.pixels = 1;
      rp_l2norm_s8(&one, src, dst);
    }
    digest(s, RP_STREAM_LAYER_L2NORM0 + k, dst, in->c);
  }
  time_enter(s, prev);
}

/* A 3x3 head at one pixel, any width: one output channel at a time (a null tap is padding). */
static void head_conv_any(const rp_conv_t *p, const int8_t *const taps[9], int16_t *out) {
  const int32_t C = p->in_c;
  for (int32_t oc = 0; oc < p->out_c; ++oc) {
    const int8_t *w = p->weights + oc * 9 * C;
    int32_t acc = p->rq.bias[oc];
    for (int32_t t = 0; t < 9; ++t)
      if (taps[t]) acc = rp_dot_s8(taps[t], w + t * C, C, acc);
    out[oc] = (int16_t)rp_clamp(rp_requantize_hi(acc, p->rq.multiplier[oc], p->rq.shift[oc]),
                                p->rq.act_min, p->rq.act_max);
  }
}

#if RP_HAVE_DW_ASM
#define RP_HAVE_HEAD_ASM 1
/* A 3x3 head's accumulators for a group of 4 (or 2) output channels at one pixel, in Thumb-2
 * assembly: acc (the biases) += the 9 taps (padding: kZeroTap) times the group's rows packed by
 * rp_conv_pack_x16, fully unrolled for the input width. Per input word one LDR, two SXTB16, and
 * per 2 rows one LDM and four SMLADs (12 instructions for 16 MACs where rp_dot4_s8_x16 takes
 * 15). Same integer sums. */
#define RP_HEAD_ASM_WORD2                                                                          \
  "ldr r4, [r10], #4\n\t"                                                                          \
  "sxtb16 r5, r4\n\t"                                                                              \
  "sxtb16 r4, r4, ror #8\n\t"                                                                      \
  "ldm r11!, {r6-r9}\n\t"                                                                          \
  "smlad r0, r6, r5, r0\n\t"                                                                       \
  "smlad r0, r7, r4, r0\n\t"                                                                       \
  "smlad r1, r8, r5, r1\n\t"                                                                       \
  "smlad r1, r9, r4, r1\n\t"
#define RP_HEAD_ASM_WORD4                                                                          \
  RP_HEAD_ASM_WORD2                                                                                \
  "ldm r11!, {r6-r9}\n\t"                                                                          \
  "smlad r2, r6, r5, r2\n\t"                                                                       \
  "smlad r2, r7, r4, r2\n\t"                                                                       \
  "smlad r3, r8, r5, r3\n\t"                                                                       \
  "smlad r3, r9, r4, r3\n\t"
#define RP_HEAD_ASM(name, C, word)                                                                 \
  __attribute__((naked, noinline)) static void name(                                               \
      RP_UNUSED const int8_t *const *taps, RP_UNUSED const int16_t *w, RP_UNUSED int32_t *acc) {   \
    __asm__ volatile("push {r4-r11, lr}\n\t"                                                       \
                     "mov r12, r0\n\t"                                                             \
                     "mov r11, r1\n\t"                                                             \
                     "push {r2}\n\t"                                                               \
                     "ldm r2, {r0-r3}\n\t"                                                         \
                     ".irp t, 0,1,2,3,4,5,6,7,8\n\t"                                               \
                     "ldr r10, [r12, #4*\\t]\n\t"                                                  \
                     ".rept " #C " / 4\n\t" word ".endr\n\t"                                       \
                     ".endr\n\t"                                                                   \
                     "pop {r12}\n\t"                                                               \
                     "stm r12, {r0-r3}\n\t"                                                        \
                     "pop {r4-r11, pc}\n\t");                                                      \
  }
RP_HEAD_ASM(head4_c32, 32, RP_HEAD_ASM_WORD4)
RP_HEAD_ASM(head4_c64, 64, RP_HEAD_ASM_WORD4)
RP_HEAD_ASM(head2_c32, 32, RP_HEAD_ASM_WORD2)
RP_HEAD_ASM(head2_c64, 64, RP_HEAD_ASM_WORD2)
#else
#define RP_HAVE_HEAD_ASM 0
#endif

/* The accumulators of output channels oc.. of a 3x3 head at one pixel (a null tap is zero padding),
 * four or two channels a pass so each input word is sign-extended once for all of them; inlined
 * with a constant C. Writes the requantized int16 outputs. */
static RP_ALWAYS_INLINE void head_conv_px(const rp_conv_t *p, const int8_t *const taps[9],
                                          int16_t *out, const int32_t C) {
  const int32_t n = p->out_c, K = 9 * C;
  const int32_t *bias = p->rq.bias, *mul = p->rq.multiplier, *sh = p->rq.shift;
  const int32_t lo = p->rq.act_min, hi = p->rq.act_max;
  int32_t oc = 0;
#if RP_USE_SIMD32
  /* The generator's int16 copy (rp_conv_pack_x16): groups of 4 rows, then one of 2; tap t of a
   * group starts t * C / 4 words (of 4 or 2 rows x 4 int16) in. LDRD needs word alignment. */
  const int16_t *w16 = p->weights_x16;
#if RP_HAVE_HEAD_ASM
  if (w16 && ((uintptr_t)w16 & 3u) == 0 && (C == 32 || C == 64)) {
    /* head_out_row's padding taps are kZeroTap here. The packing's groups: 4 rows while they
     * last, then one of 2. */
    void (*const four)(const int8_t *const *, const int16_t *, int32_t *) =
        C == 32 ? head4_c32 : head4_c64;
    void (*const two)(const int8_t *const *, const int16_t *, int32_t *) =
        C == 32 ? head2_c32 : head2_c64;
    while (oc + 2 <= n) {
      const int32_t rows = oc + 4 <= n ? 4 : 2;
      int32_t acc[4] = {0, 0, 0, 0};
      memcpy(acc, bias + oc, (size_t)rows * sizeof acc[0]);
      (rows == 4 ? four : two)(taps, w16 + oc * K, acc);
      for (int32_t i = 0; i < rows; ++i)
        out[oc + i] = (int16_t)finish_hi(mul, sh, lo, hi, acc[i], oc + i);
      oc += rows;
    }
  }
#endif
  if (w16 && ((uintptr_t)w16 & 3u) == 0) {
    for (; oc + 4 <= n; oc += 4) {
      const int16_t *g = w16 + oc * K;
      int32_t a0 = bias[oc], a1 = bias[oc + 1], a2 = bias[oc + 2], a3 = bias[oc + 3];
      for (int32_t t = 0; t < 9; ++t)
        if (taps[t]) rp_dot4_s8_x16(taps[t], g + t * C * 4, C, &a0, &a1, &a2, &a3);
      out[oc] = (int16_t)finish_hi(mul, sh, lo, hi, a0, oc);
      out[oc + 1] = (int16_t)finish_hi(mul, sh, lo, hi, a1, oc + 1);
      out[oc + 2] = (int16_t)finish_hi(mul, sh, lo, hi, a2, oc + 2);
      out[oc + 3] = (int16_t)finish_hi(mul, sh, lo, hi, a3, oc + 3);
    }
    if (oc + 2 <= n) {
      const int16_t *g = w16 + oc * K;
      int32_t a0 = bias[oc], a1 = bias[oc + 1];
      for (int32_t t = 0; t < 9; ++t)
        if (taps[t]) rp_dot2_s8_x16(taps[t], g + t * C * 2, C, &a0, &a1);
      out[oc] = (int16_t)finish_hi(mul, sh, lo, hi, a0, oc);
      out[oc + 1] = (int16_t)finish_hi(mul, sh, lo, hi, a1, oc + 1);
      oc += 2;
    }
  }
#endif
  for (; oc + 4 <= n; oc += 4) {
    const int8_t *w = p->weights + oc * K;
    int32_t a0 = bias[oc], a1 = bias[oc + 1], a2 = bias[oc + 2], a3 = bias[oc + 3];
    for (int32_t t = 0; t < 9; ++t)
      if (taps[t]) rp_dot4_s8(taps[t], w + t * C, K, C, &a0, &a1, &a2, &a3);
    out[oc] = (int16_t)finish_hi(mul, sh, lo, hi, a0, oc);
    out[oc + 1] = (int16_t)finish_hi(mul, sh, lo, hi, a1, oc + 1);
    out[oc + 2] = (int16_t)finish_hi(mul, sh, lo, hi, a2, oc + 2);
    out[oc + 3] = (int16_t)finish_hi(mul, sh, lo, hi, a3, oc + 3);
  }
  for (; oc + 2 <= n; oc += 2) {
    const int8_t *w = p->weights + oc * K;
    int32_t a0 = bias[oc], a1 = bias[oc + 1];
    for (int32_t t = 0; t < 9; ++t)
      if (taps[t]) rp_dot2_s8(taps[t], w + t * C, K, C, &a0, &a1);
    out[oc] = (int16_t)finish_hi(mul, sh, lo, hi, a0, oc);
    out[oc + 1] = (int16_t)finish_hi(mul, sh, lo, hi, a1, oc + 1);
  }
  for (; oc < n; ++oc) {
    const int8_t *w = p->weights + oc * K;
    int32_t acc = bias[oc];
    for (int32_t t = 0; t < 9; ++t)
      if (taps[t]) acc = rp_dot_s8(taps[t], w + t * C, C, acc);
    out[oc] = (int16_t)finish_hi(mul, sh, lo, hi, acc, oc);
  }
}

static void head_conv(const rp_conv_t *p, const int8_t *const taps[9], int16_t *out) {
  switch (p->in_c) { /* RNNPool-Face-M4's head widths */
  case 32: head_conv_px(p, taps, out, 32); break;
  case 64: head_conv_px(p, taps, out, 64); break;
  default: head_conv_any(p, taps, out); break;
  }
}

static int16_t sat16(int32_t v) {
  return rp_sat16(v);
}

/* Better candidate: higher score, then lower prior index (order-independent kept set). */
static int better(const int16_t *a, const int16_t *b) {
  return a[0] > b[0] || (a[0] == b[0] && a[5] < b[5]);
}

static void insert_candidate(rp_face_stream_t *s, const int16_t *cand) {
  int16_t *list = (int16_t *)s->buf[RP_STREAM_BUF_CANDIDATES];
  const int32_t F = RP_STREAM_CANDIDATE_FIELDS;
  if (s->candidate_count < s->candidate_capacity) {
    memcpy(list + s->candidate_count * F, cand, F * sizeof(int16_t));
    ++s->candidate_count;
    return;
  }
  int16_t *worst = list;
  for (int32_t i = 1; i < s->candidate_count; ++i)
    if (better(worst, list + i * F)) worst = list + i * F;
  if (better(cand, worst)) memcpy(worst, cand, F * sizeof(int16_t));
}

/* Prior decode (spec section 2) in pixels Q4: centre = prior centre + d_xy * 0.1 * size,
 * size = prior size * exp(d_wh * 0.2); the scales are folded into the multipliers. */
static void decode_px(rp_face_stream_t *s, int32_t k, int32_t y, int32_t x, const int16_t *loc,
                      const int16_t *conf, int32_t nc) {
  const rp_face_decode_t *d = s->d;
  int32_t background = conf[0];
  for (int32_t c = 1; c < nc - 1; ++c) /* max-out over the background channels */
    background = max32(background, conf[c]);
  const int32_t logit =
      rp_requantize(conf[nc - 1] - background, d->score_multiplier[k], d->score_shift[k]);
  const int32_t score = rp_sigmoid_q12(sat16(logit));
  if (score <= d->score_threshold_q15) return;
  const int32_t half_step = d->step[k] << (RP_STREAM_BOX_Q - 1);
  const int32_t cx =
      (2 * x + 1) * half_step + rp_requantize(loc[0], d->xy_multiplier[k], d->xy_shift[k]);
  const int32_t cy =
      (2 * y + 1) * half_step + rp_requantize(loc[1], d->xy_multiplier[k], d->xy_shift[k]);
  const int64_t size_q = (int64_t)d->size[k] << RP_STREAM_BOX_Q;
  const int32_t ew = rp_exp_q12_q16(rp_requantize(loc[2], d->wh_multiplier[k], d->wh_shift[k]));
  const int32_t eh = rp_exp_q12_q16(rp_requantize(loc[3], d->wh_multiplier[k], d->wh_shift[k]));
  const int64_t half_w = (size_q * ew) >> 17, half_h = (size_q * eh) >> 17; /* /65536 /2 */
  const int32_t hw = (int32_t)(half_w > 65535 ? 65535 : half_w);
  const int32_t hh = (int32_t)(half_h > 65535 ? 65535 : half_h);
  int16_t cand[RP_STREAM_CANDIDATE_FIELDS];
  cand[0] = (int16_t)score;
  cand[1] = sat16(cx - hw);
  cand[2] = sat16(cy - hh);
  cand[3] = sat16(cx + hw);
  cand[4] = sat16(cy + hh);
  cand[5] = (int16_t)(s->prior_base[k] + y * s->head_in[k].w + x);
  insert_candidate(s, cand);
}

static void head_out_row(rp_face_stream_t *s, int32_t k, int32_t o, int32_t fill_row) {
  const rp_stream_shape_t *in = &s->head_in[k];
  const int32_t W = in->w, H = in->h, C = in->c;
  const rp_conv_t *lc = &s->m->loc[k], *cf = &s->m->conf[k];
  const int32_t nl = lc->out_c, nc = cf->out_c;
  int16_t *loc = (int16_t *)s->buf[RP_STREAM_BUF_SCRATCH], *conf = loc + nl;
  /* Padding taps: the zero pixel (zero point 0) where it is wide enough, so the kernels need no
   * test; else null (skipped). */
  const int8_t *const pad = C <= RP_DW_MAX_C ? kZeroTap : 0;
  ring_rows_t rows;
  ring_rows(W, H, o, &rows);
  for (int32_t x = 0; x < W; ++x) {
    if (fill_row >= 0) head_fill(s, k, fill_row, min32(x + 1, W - 1));
    const int32_t prev = time_enter(s, RP_STREAM_LAYER_LOC0 + 2 * k);
    const int8_t *taps[9];
    ring_taps(s->buf[RP_STREAM_BUF_WINDOW0 + k], &rows, W, C, x, pad, taps);
    head_conv(lc, taps, loc);
    digest(s, RP_STREAM_LAYER_LOC0 + 2 * k, loc, nl * 2);
    time_enter(s, RP_STREAM_LAYER_LOC0 + 2 * k + 1);
    head_conv(cf, taps, conf);
    digest(s, RP_STREAM_LAYER_LOC0 + 2 * k + 1, conf, nc * 2);
    if (s->head_sink) s->head_sink(s->head_ctx, k, o, x, loc, conf);
    decode_px(s, k, o, x, loc, conf, nc);
    time_enter(s, prev);
  }
  ++s->head_rows_out[k];
  if (fill_row >= 0) head_fill(s, k, fill_row, W - 1);
}

static void head_row_arrived(rp_face_stream_t *s, int32_t k, int32_t y) {
  if (s->head_rows_out[k] + 1 <= y)
    head_out_row(s, k, s->head_rows_out[k], y);
  else
    head_fill(s, k, y, s->head_in[k].w - 1);
}

static void head_finish(rp_face_stream_t *s, int32_t k) {
  while (s->head_rows_out[k] < s->head_in[k].h)
    head_out_row(s, k, s->head_rows_out[k], -1);
}

static void announce_block_row(rp_face_stream_t *s, int32_t b, int32_t o) {
  head_row_arrived(s, b, o);
  if (b < RP_FACE_MBCONVS - 1) mob_row_arrived(s, b + 1, o);
}

static void mob_finish(rp_face_stream_t *s, int32_t b) {
  while (s->mob_rows_out[b] < s->blk_out[b].h) /* windows reaching the zero bottom padding */
    mob_out_row(s, b, s->mob_rows_out[b], -1);
  head_finish(s, b);
  if (b < RP_FACE_MBCONVS - 1)
    mob_finish(s, b + 1);
  else
    head_finish(s, RP_FACE_HEADS - 1);
}

/* ---- frame input ---- */

/* Input row r is complete: compute every conv row it completes, and the RNNPool rows those
 * complete (patch row i needs conv rows up to i*S + P - 1). */
static void input_row_complete(rp_face_stream_t *s, int32_t r) {
  const rp_conv_t *c = &s->m->stem.conv;
  const rp_rnnpool_t *p = &s->m->stem.rnnpool;
  while (s->conv_rows_done < s->conv.h &&
         min32(s->conv_rows_done * c->stride - c->pad + c->kernel - 1, s->in.h - 1) <= r) {
    conv_row(s, s->conv_rows_done++);
    while (s->pool_rows_done < s->pool.h &&
           s->pool_rows_done * p->stride + p->patch <= s->conv_rows_done)
      pool_row(s, s->pool_rows_done);
  }
}

rp_status rp_face_stream_begin(rp_face_stream_t *s, const rp_face_model_t *m,
                               const rp_face_decode_t *d, int32_t h, int32_t w,
                               int32_t candidate_capacity, void *arena, int32_t arena_bytes) {
  if (!s || !m || !d || !arena || ((uintptr_t)arena & 3u) != 0) return RP_ERR_ARG;
  rp_face_stream_layout_t layout;
  rp_status st = rp_face_stream_layout(m, h, w, candidate_capacity, &layout);
  if (st != RP_OK) return st;
  if (layout.arena_bytes > arena_bytes) return RP_ERR_ARG;
  geometry g;
  make_geometry(m, h, w, &g);
  memset(s, 0, sizeof *s);
  s->m = m;
  s->d = d;
  s->candidate_capacity = candidate_capacity;
  s->in = g.in;
  s->conv = g.conv;
  s->pool = g.pool;
  s->pad = g.pad;
  for (int32_t b = 0; b < RP_FACE_MBCONVS; ++b) {
    s->blk_in[b] = g.blk_in[b];
    s->blk_out[b] = g.blk_out[b];
    rp_pointwise_px_prepare(&m->mob[b].expand, &s->expand[b]);
    rp_pointwise_px_prepare(&m->mob[b].project, &s->project[b]);
  }
  for (int32_t k = 0; k < RP_FACE_L2NORMS; ++k)
    s->l2norm_shift[k] = rp_l2norm_uniform_shift(&m->l2norm[k]);
  int32_t base = 0;
  for (int32_t k = 0; k < RP_FACE_HEADS; ++k) {
    s->head_in[k] = g.head_in[k];
    s->prior_base[k] = base;
    base += g.head_in[k].h * g.head_in[k].w;
  }
  if (base > 32767) return RP_ERR_ARG; /* prior indices are int16 in the candidate list */
  s->layout = layout;
  for (int32_t i = 0; i < RP_STREAM_BUFFERS; ++i)
    s->buf[i] = (uint8_t *)arena + layout.offset[i];
  s->pad_row = -1;
  s->clock_layer = -1;
  return RP_OK;
}

void rp_face_stream_set_clock(rp_face_stream_t *s, rp_stream_clock_fn clock, void *ctx) {
  s->clock = clock;
  s->clock_ctx = ctx;
  s->clock_layer = -1;
}

void rp_face_stream_set_head_sink(rp_face_stream_t *s, rp_stream_head_fn sink, void *ctx) {
  s->head_sink = sink;
  s->head_ctx = ctx;
}

rp_status rp_face_stream_push(rp_face_stream_t *s, const uint8_t *pixels, int32_t n) {
  if (!s || !s->m || (!pixels && n > 0) || n < 0) return RP_ERR_ARG;
  if (s->error != RP_OK) return s->error;
  const int32_t W = s->in.w;
  if (n > (s->in.h - s->rows_in) * W - s->pixels_in_row) return RP_ERR_ARG;
  while (n > 0) {
    const int32_t take = min32(n, W - s->pixels_in_row);
    memcpy(s->buf[RP_STREAM_BUF_INPUT_ROWS] + (s->rows_in % 3) * W + s->pixels_in_row, pixels,
           (size_t)take);
    pixels += take;
    n -= take;
    s->pixels_in_row += take;
    if (s->pixels_in_row == W) {
      s->pixels_in_row = 0;
      input_row_complete(s, s->rows_in++);
      time_enter(s, -1);
    }
  }
  return RP_OK;
}

/* Greedy NMS over the candidate list (sorted in place, best first). */
static int32_t nms(rp_face_stream_t *s, rp_face_detection_t *out, int32_t max_out) {
  int16_t *list = (int16_t *)s->buf[RP_STREAM_BUF_CANDIDATES];
  const int32_t F = RP_STREAM_CANDIDATE_FIELDS, n = s->candidate_count;
  for (int32_t i = 1; i < n; ++i) /* insertion sort: at most the list capacity */
    for (int32_t j = i; j > 0 && better(list + j * F, list + (j - 1) * F); --j) {
      int16_t t[RP_STREAM_CANDIDATE_FIELDS];
      memcpy(t, list + j * F, sizeof t);
      memcpy(list + j * F, list + (j - 1) * F, sizeof t);
      memcpy(list + (j - 1) * F, t, sizeof t);
    }
  int32_t kept = 0;
  for (int32_t i = 0; i < n && kept < max_out; ++i) {
    const int16_t *a = list + i * F;
    if (a[0] < 0) continue; /* suppressed */
    rp_face_detection_t *det = &out[kept++];
    det->score_q15 = a[0];
    det->x1 = a[1];
    det->y1 = a[2];
    det->x2 = a[3];
    det->y2 = a[4];
    det->prior = a[5];
    const int64_t area_a = (int64_t)(a[3] - a[1]) * (a[4] - a[2]);
    for (int32_t j = i + 1; j < n; ++j) {
      int16_t *b = list + j * F;
      if (b[0] < 0) continue;
      const int32_t iw = min32(a[3], b[3]) - max32(a[1], b[1]);
      const int32_t ih = min32(a[4], b[4]) - max32(a[2], b[2]);
      if (iw <= 0 || ih <= 0) continue;
      const int64_t inter = (int64_t)iw * ih;
      const int64_t uni = area_a + (int64_t)(b[3] - b[1]) * (b[4] - b[2]) - inter;
      if (inter * 32768 > (int64_t)s->d->nms_iou_q15 * uni) b[0] = -1;
    }
  }
  return kept;
}

rp_status rp_face_stream_finish(rp_face_stream_t *s, rp_face_detection_t *out, int32_t max_out,
                                int32_t *count) {
  if (!s || !s->m || !count || (max_out > 0 && !out) || max_out < 0) return RP_ERR_ARG;
  if (s->error != RP_OK) return s->error;
  if (s->rows_in != s->in.h || s->finished) return RP_ERR_ROWS;
  for (int32_t t = s->pool.h; t < s->pad.h; ++t) { /* bottom pad: the row buffer is kept */
    const int32_t prev = time_enter(s, RP_STREAM_LAYER_RNN_PAD);
    digest(s, RP_STREAM_LAYER_RNN_PAD, s->buf[RP_STREAM_BUF_PAD_ROW], s->pad.w * s->pad.c);
    time_enter(s, prev);
    s->pad_row = t;
    mob_row_arrived(s, 0, t);
  }
  mob_finish(s, 0);
  const int32_t prev = time_enter(s, RP_STREAM_LAYER_LOC0 + 2 * RP_FACE_HEADS - 1);
  *count = nms(s, out, max_out);
  time_enter(s, prev);
  time_enter(s, -1);
  s->finished = 1;
  return RP_OK;
}

/* 2^(i/16) in Q16, i = 0..16. */
static const int32_t kExp2Sixteenths[17] = {65536,  68438,  71468,  74632,  77936,  81386,
                                            84990,  88752,  92682,  96785,  101070, 105545,
                                            110218, 115098, 120194, 125515, 131072};

int32_t rp_exp_q12_q16(int32_t v) {
  if (v < -8 * 4096) v = -8 * 4096;
  if (v > 8 * 4096 - 1) v = 8 * 4096 - 1;
  /* exp(v) = 2^(v log2 e); t in Q12 (log2 e = 23637.7 / 2^14; |v * 23638| < 2^30), floor split. */
  const int32_t t = (v * 23638 + 8192) >> 14;
  const int32_t n = t >> 12, f = t & 4095; /* 2^n * 2^(f/4096) */
  const int32_t idx = f >> 8, frac = f & 255;
  const int32_t lo = kExp2Sixteenths[idx], hi = kExp2Sixteenths[idx + 1];
  const int32_t m = lo + (((hi - lo) * frac + 128) >> 8); /* Q16, [1, 2) */
  return n >= 0 ? m << n : (m + (1 << (-n - 1))) >> -n;
}
