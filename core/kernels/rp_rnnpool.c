// SPDX-License-Identifier: GPL-3.0-or-later
// RNNPool on int8 input with int16 FastGRNN state (spec section 1 order): RNN1 along each row,
// RNN2 over the row summaries both ways, RNN1 along each column, RNN2 over those both ways.
// The final RNN2 states (Q11) are requantized to int8 with one per-tensor scale.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"

static int32_t align4(int32_t bytes) {
  return (bytes + 3) & ~3;
}

int32_t rp_rnnpool_out_h(const rp_rnnpool_t *p) {
  return p->in_h >= p->patch ? (p->in_h - p->patch) / p->stride + 1 : 0;
}
int32_t rp_rnnpool_out_w(const rp_rnnpool_t *p) {
  return p->in_w >= p->patch ? (p->in_w - p->patch) / p->stride + 1 : 0;
}

/* Buffer layout (int16 units): widened patch, row summaries, column summaries, state, step. */
typedef struct {
  int16_t *patch, *rows, *cols, *state;
  void *step;
} patch_buffers;

static int32_t max_hidden(const rp_rnnpool_t *p) {
  return p->rnn1.hidden_size > p->rnn2.hidden_size ? p->rnn1.hidden_size : p->rnn2.hidden_size;
}

static patch_buffers split_buffer(const rp_rnnpool_t *p, void *buffer) {
  const int32_t P = p->patch, h = max_hidden(p);
  patch_buffers b;
  uint8_t *at = (uint8_t *)buffer;
  b.patch = (int16_t *)at;
  at += align4(P * P * p->in_c * 2);
  b.rows = (int16_t *)at;
  at += align4(P * p->rnn1.hidden_size * 2);
  b.cols = (int16_t *)at;
  at += align4(P * p->rnn1.hidden_size * 2);
  b.state = (int16_t *)at;
  at += align4(h * 2);
  b.step = at;
  return b;
}

int32_t rp_rnnpool_get_buffer_size(const rp_rnnpool_t *p) {
  if (!p) return 0;
  const int32_t P = p->patch, h = max_hidden(p);
  return align4(P * P * p->in_c * 2) + 2 * align4(P * p->rnn1.hidden_size * 2) + 2 * align4(h * 2);
}

static rp_status check(const rp_rnnpool_t *p) {
  if (!p || p->patch <= 0 || p->stride <= 0 || p->in_c <= 0 || p->in_h < p->patch ||
      p->in_w < p->patch || p->rnn1.input_size != p->in_c ||
      p->rnn2.input_size != p->rnn1.hidden_size || p->rnn1.hidden_size <= 0 ||
      p->rnn2.hidden_size <= 0 || p->rnn1.hidden_size > RP_RNN_MAX_HIDDEN ||
      p->rnn2.hidden_size > RP_RNN_MAX_HIDDEN || !p->out_offset || !p->out_multiplier ||
      !p->out_shift)
    return RP_ERR_ARG;
  return RP_OK;
}

/* Runs `cell` from a zero state over `steps` inputs spaced `stride` int16 apart. */
static rp_status sweep(const rp_fastgrnn_t *cell, const int16_t *x, int32_t steps, int32_t stride,
                       int16_t *state, void *step_buffer) {
  memset(state, 0, (size_t)cell->hidden_size * sizeof(int16_t));
  for (int32_t t = 0; t < steps; ++t) {
    const rp_status st = rp_fastgrnn_step(cell, x + t * stride, state, step_buffer);
    if (st != RP_OK) return st;
  }
  return RP_OK;
}

/* Sweep d's (0..3) output channels d * h2 .. d * h2 + h2 - 1. */
static void emit(const rp_rnnpool_t *p, const int16_t *state, int8_t *out, int32_t d) {
  const int32_t h2 = p->rnn2.hidden_size;
  for (int32_t j = 0; j < h2; ++j)
    out[d * h2 + j] = rp_rnnpool_output(p, d * h2 + j, state[j]);
}

rp_status rp_rnnpool_patch_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT patch,
                              int32_t row_stride, int8_t *RP_RESTRICT out, void *buffer) {
  rp_status st = check(p);
  if (st != RP_OK) return st;
  if (!patch || !out || !buffer) return RP_ERR_ARG;
  const int32_t P = p->patch, C = p->in_c, h1 = p->rnn1.hidden_size;
  const patch_buffers b = split_buffer(p, buffer);
  for (int32_t r = 0; r < P; ++r)
    for (int32_t i = 0; i < P * C; ++i)
      b.patch[r * P * C + i] = patch[r * row_stride + i];

  for (int32_t r = 0; r < P; ++r) { /* 1. rows, left to right */
    if ((st = sweep(&p->rnn1, b.patch + r * P * C, P, C, b.state, b.step)) != RP_OK) return st;
    memcpy(b.rows + r * h1, b.state, (size_t)h1 * sizeof(int16_t));
  }
  /* 2. RNN2 over the row summaries, top to bottom then bottom to top */
  if ((st = sweep(&p->rnn2, b.rows, P, h1, b.state, b.step)) != RP_OK) return st;
  emit(p, b.state, out, 0);
  if ((st = sweep(&p->rnn2, b.rows + (P - 1) * h1, P, -h1, b.state, b.step)) != RP_OK) return st;
  emit(p, b.state, out, 1);
  for (int32_t c = 0; c < P; ++c) { /* 3. columns, top to bottom */
    if ((st = sweep(&p->rnn1, b.patch + c * C, P, P * C, b.state, b.step)) != RP_OK) return st;
    memcpy(b.cols + c * h1, b.state, (size_t)h1 * sizeof(int16_t));
  }
  /* 4. RNN2 over the column summaries, left to right then right to left */
  if ((st = sweep(&p->rnn2, b.cols, P, h1, b.state, b.step)) != RP_OK) return st;
  emit(p, b.state, out, 2);
  if ((st = sweep(&p->rnn2, b.cols + (P - 1) * h1, P, -h1, b.state, b.step)) != RP_OK) return st;
  emit(p, b.state, out, 3);
  return RP_OK;
}

rp_status rp_rnnpool_row_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT band,
                            int8_t *RP_RESTRICT out_row, void *buffer) {
  const rp_status st = check(p);
  if (st != RP_OK) return st;
  if (!band || !out_row) return RP_ERR_ARG;
  const int32_t out_w = rp_rnnpool_out_w(p), out_c = 4 * p->rnn2.hidden_size;
  for (int32_t px = 0; px < out_w; ++px) {
    const rp_status s = rp_rnnpool_patch_s8(p, band + px * p->stride * p->in_c, p->in_w * p->in_c,
                                            out_row + px * out_c, buffer);
    if (s != RP_OK) return s;
  }
  return RP_OK;
}

rp_status rp_rnnpool_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT in,
                        int8_t *RP_RESTRICT out, void *buffer) {
  const rp_status st = check(p);
  if (st != RP_OK) return st;
  if (!in || !out) return RP_ERR_ARG;
  const int32_t out_h = rp_rnnpool_out_h(p), out_w = rp_rnnpool_out_w(p);
  const int32_t out_c = 4 * p->rnn2.hidden_size;
  for (int32_t py = 0; py < out_h; ++py) {
    const rp_status s = rp_rnnpool_row_s8(p, in + py * p->stride * p->in_w * p->in_c,
                                          out + py * out_w * out_c, buffer);
    if (s != RP_OK) return s;
  }
  return RP_OK;
}

rp_status rp_replicate_pad_s8(const int8_t *RP_RESTRICT in, int32_t h, int32_t w, int32_t c,
                              int32_t bottom, int32_t right, int8_t *RP_RESTRICT out) {
  if (!in || !out || h <= 0 || w <= 0 || c <= 0 || bottom < 0 || right < 0) return RP_ERR_ARG;
  const int32_t ow = w + right;
  for (int32_t y = 0; y < h + bottom; ++y) {
    const int8_t *src = in + (y < h ? y : h - 1) * w * c;
    int8_t *dst = out + y * ow * c;
    memcpy(dst, src, (size_t)(w * c));
    for (int32_t x = w; x < ow; ++x)
      memcpy(dst + x * c, src + (w - 1) * c, (size_t)c);
  }
  return RP_OK;
}

/* ---- Stem: first conv + RNNPool per output row ---- */

void rp_stem_input_rows(const rp_stem_t *p, int32_t patch_row, int32_t *first, int32_t *count) {
  const int32_t r0 = patch_row * p->rnnpool.stride;
  rp_conv_input_rows(&p->conv, r0, r0 + p->rnnpool.patch, first, count);
}

static int32_t stem_band_bytes(const rp_stem_t *p) {
  return align4(p->rnnpool.patch * p->conv.out_w * p->conv.out_c);
}

int32_t rp_stem_get_buffer_size(const rp_stem_t *p) {
  return p ? stem_band_bytes(p) + rp_rnnpool_get_buffer_size(&p->rnnpool) : 0;
}

rp_status rp_stem_row(const rp_stem_t *p, const uint8_t *RP_RESTRICT frame, int32_t in_row0,
                      int32_t in_rows, int32_t patch_row, int8_t *RP_RESTRICT out_row,
                      void *buffer) {
  if (!p || !buffer || p->rnnpool.in_h != p->conv.out_h || p->rnnpool.in_w != p->conv.out_w ||
      p->rnnpool.in_c != p->conv.out_c)
    return RP_ERR_ARG;
  if (patch_row < 0 || patch_row >= rp_rnnpool_out_h(&p->rnnpool)) return RP_ERR_ARG;
  int8_t *band = (int8_t *)buffer;
  const int32_t r0 = patch_row * p->rnnpool.stride;
  rp_status st = rp_conv_u8_s8(&p->conv, frame, in_row0, in_rows, r0, r0 + p->rnnpool.patch, band);
  if (st != RP_OK) return st;
  return rp_rnnpool_row_s8(&p->rnnpool, band, out_row, (uint8_t *)buffer + stem_band_bytes(p));
}
