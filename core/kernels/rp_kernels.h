// SPDX-License-Identifier: GPL-3.0-or-later
// Fixed-point kernels of RNNPool-Face, portable C99, compiled unchanged by the host core and by the
// Cortex-M4 firmware, so both compute the same integers by construction.
//
// Conventions (CMSIS-NN style):
// - No allocation: every buffer is the caller's; kernels that need scratch report its size in bytes
//   through *_get_buffer_size() (0 when none) and take it as `void *buffer` (4-byte aligned).
// - Layout HWC (channels last). Activations int8, symmetric (zero point 0) unless stated.
// - Requantization: real multiplier M = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31),
//   rounding half up as CMSIS-NN's single-rounding arm_nn_requantize: see rp_requantize().
// - Row ranges: a kernel that can run on a band of rows takes its input as rows
//   [in_row0, in_row0 + in_rows) of the whole tensor; rows outside [0, in_h) are zero padding.
// - Every entry point returns RP_OK or a negative RP_ERR_* code (never traps on bad arguments).
// No floating point in this file or the kernels; float only in the host quantization tools.
#ifndef RP_KERNELS_H
#define RP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define RP_RESTRICT __restrict
extern "C" {
#else
#define RP_RESTRICT restrict
#endif

typedef int32_t rp_status;
#define RP_OK 0
#define RP_ERR_ARG (-1)  /* a null pointer or an impossible dimension */
#define RP_ERR_ROWS (-2) /* the input band does not hold the rows the requested output needs */

/* Fixed-point formats of the FastGRNN (docs/quantization.md). */
#define RP_RNN_PRE_Q 12        /* pre-activations: int16 Q12, range [-8, 8) */
#define RP_RNN_GATE_Q 15       /* sigmoid / tanh outputs, sigmoid(zeta), sigmoid(nu): Q15 */
#define RP_RNN_STATE_Q 11      /* hidden state: int16 Q11, range [-16, 16) */
#define RP_RNN_WEIGHT_MAX 4095 /* |W|, |U| bound that keeps a 16-term int32 dot product exact */
#define RP_RNN_MAX_HIDDEN 64
#define RP_ADD_LEFT_SHIFT 20 /* residual add headroom, as TFLite's quantized add */

/* ---- Requantization and saturation (inline so the compiler can fuse them into loops) ---- */

/* round(val * multiplier * 2^(shift - 31)), ties towards +infinity. shift in [-31, 30]. */
static inline int32_t rp_requantize(int32_t val, int32_t multiplier, int32_t shift) {
  const int64_t total_shift = 31 - shift;
  const int64_t product = (int64_t)val * (int64_t)multiplier;
  const int32_t result = (int32_t)(product >> (total_shift - 1));
  /* (result + 1) >> 1 without overflow, in 32 bits (floor((r + 1) / 2) = (r >> 1) + (r & 1)). */
  return (result >> 1) + (result & 1);
}

static inline int32_t rp_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

static inline int16_t rp_sat16(int32_t v) {
  return (int16_t)rp_clamp(v, -32768, 32767);
}
static inline int8_t rp_sat8(int32_t v) {
  return (int8_t)rp_clamp(v, -128, 127);
}

/* Integer square root: floor(sqrt(v)). */
uint32_t rp_isqrt32(uint32_t v);

/* ---- Piecewise-linear activations: input Q12 (int16), output Q15 (saturated to 32767) ---- */
int16_t rp_sigmoid_q12(int16_t x);
int16_t rp_tanh_q12(int16_t x);

/* ---- Convolutions ---- */

/* Per-output-channel requantization and bias, shared by all convolutions. */
typedef struct {
  const int32_t *bias;       /* [out_c], in accumulator units (scale s_in * s_w[c]) */
  const int32_t *multiplier; /* [out_c] */
  const int32_t *shift;      /* [out_c] */
  int32_t act_min;           /* output clamp: -128..127 for int8, ReLU6 is [0, q(6.0)] */
  int32_t act_max;
} rp_requant_t;

typedef struct {
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t kernel; /* square, odd */
  int32_t stride;
  int32_t pad;           /* symmetric zero padding */
  int32_t input_offset;  /* added to each input value (uint8 input: minus its zero point) */
  const int8_t *weights; /* [out_c][kernel][kernel][in_c] (OHWI) */
  rp_requant_t rq;
  /* Optional (null: unused): `weights` sign-extended to int16 in the order the Cortex-M4 SMLAD
   * loops read (rp_conv_pack_x16; depthwise: rp_depthwise_pack_x16), a derived copy the generator
   * emits for the firmware's MBConv convs and heads so the inner loops load weight pairs instead
   * of extending bytes.
   * Same integers as `weights`; the host leaves it null. */
  const int16_t *weights_x16;
  /* Optional (null: unused): the requantization in blocks of 4 channels (rp_requant_blocks), when
   * out_c is a multiple of 4 and every shift in [-32, -2]: no per-channel shift test, and the
   * Cortex-M4 loops load a block's biases and constants with LDM. A derived copy the generator
   * emits for the firmware; same integers. */
  const int32_t *rq_blocks;
} rp_conv_t;

/* Input rows needed for output rows [out_row0, out_row1): [*first, *first + *count), clipped to
 * the tensor (rows outside it are padding and need no storage). Same for every conv geometry. */
void rp_conv_input_rows(const rp_conv_t *p, int32_t out_row0, int32_t out_row1, int32_t *first,
                        int32_t *count);

int32_t rp_conv_s8_get_buffer_size(const rp_conv_t *p);
/* int8 input -> int8 output rows [out_row0, out_row1); out points at row out_row0. */
rp_status rp_conv_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                     int32_t in_rows, int32_t out_row0, int32_t out_row1, int8_t *RP_RESTRICT out);
/* Same with int16 outputs (the detection heads: more resolution for the box offsets). */
rp_status rp_conv_s8_s16(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                         int32_t in_rows, int32_t out_row0, int32_t out_row1,
                         int16_t *RP_RESTRICT out);
/* uint8 input (a camera frame: input_offset = -zero point) -> int8; any in_c. */
rp_status rp_conv_u8_s8(const rp_conv_t *p, const uint8_t *RP_RESTRICT in, int32_t in_row0,
                        int32_t in_rows, int32_t out_row0, int32_t out_row1,
                        int8_t *RP_RESTRICT out);

/* Depthwise 3x3 (in_c == out_c, weights [3][3][c]: channels contiguous per tap), pad 1. */
int32_t rp_depthwise3x3_s8_get_buffer_size(const rp_conv_t *p);
rp_status rp_depthwise3x3_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t in_row0,
                             int32_t in_rows, int32_t out_row0, int32_t out_row1,
                             int8_t *RP_RESTRICT out);

/* One output row from the 3 input rows its window covers (a null pointer is a padding row), so
 * callers can keep rows in a ring buffer. No argument checks: rp_depthwise3x3_s8 does them. */
rp_status rp_depthwise3x3_s8_rows(const rp_conv_t *p, const int8_t *const rows[3],
                                  int8_t *RP_RESTRICT out);

/* Pointwise 1x1 over `pixels` pixels: weights [out_c][in_c]; kernel/stride/pad/h/w ignored. */

/* rp_conv_t.weights_x16 of a depthwise 3x3 from its weights [9][c] (c a multiple of 4): per
 * group of 4 channels, per tap, w[t][4g], w[t][4g+2], w[t][4g+1], w[t][4g+3] (the 9 taps of a
 * group are contiguous). out holds 9 * c int16. RP_ERR_ARG for null pointers or a bad c. */
rp_status rp_depthwise_pack_x16(const int8_t *weights, int32_t c, int16_t *out);

/* rp_conv_t.weights_x16 from int8 weights [out_c][row_len] (row_len = kernel^2 * in_c, a multiple
 * of 4). Rows go in groups of 4 (then 2, then 1 for the rest); a group stores, for each 4-byte
 * word j of its rows, row by row the pairs SXTB16 makes: w[4j], w[4j+2], w[4j+1], w[4j+3]. So
 * one pass over the input reads the group's weights sequentially with short offsets. out holds
 * out_c * row_len int16. RP_ERR_ARG for null pointers or a bad row_len. */
/* rp_conv_t.rq_blocks from rq (out_c channels): per group of 4 channels c..c+3, 16 int32: the 4
 * biases, then per channel {multiplier, 2^k, k + 1} with k = -2 - shift, so that
 * rp_requantize(acc, m, shift) = (hi32(acc * m) + 2^k) >> (k + 1) (rp_requantize_block; one SMMLA
 * and one ASR). RP_ERR_ARG when a pointer is null, out_c is not a multiple of 4 or a shift is
 * outside [-32, -2] (then the field stays null and the kernels use rq). out holds 4 * out_c int32.
 */
#define RP_REQUANT_BLOCK_WORDS 16
rp_status rp_requant_blocks(const rp_requant_t *rq, int32_t out_c, int32_t *out);

rp_status rp_conv_pack_x16(const int8_t *weights, int32_t out_c, int32_t row_len, int16_t *out);
int32_t rp_pointwise_s8_get_buffer_size(const rp_conv_t *p);
/* One pixel of a validated 1x1 conv, prepared once for many calls (a streaming executor's
 * per-pixel projections): on the Cortex-M4 with the generator's int16 weights and requant blocks
 * the assembly runs with no per-call checks; elsewhere (run null) rp_pointwise_s8. */
typedef struct {
  const int8_t *in;          /* word aligned */
  const int16_t *w16;        /* rp_conv_pack_x16 rows, word aligned */
  const int32_t *blocks;     /* rp_requant_blocks */
  const int32_t *blocks_end; /* blocks + out_c / 4 blocks */
  int8_t *out;
  uint32_t hi4; /* ReLU: the upper bound in each byte */
} rp_pointwise_asm_args_t;
typedef struct {
  const rp_conv_t *conv;
  void (*run)(const rp_pointwise_asm_args_t *a);
  rp_pointwise_asm_args_t args;
} rp_pointwise_px_t;
void rp_pointwise_px_prepare(const rp_conv_t *p, rp_pointwise_px_t *out);
void rp_pointwise_px_run(rp_pointwise_px_t *pp, const int8_t *RP_RESTRICT in,
                         int8_t *RP_RESTRICT out);
rp_status rp_pointwise_s8(const rp_conv_t *p, const int8_t *RP_RESTRICT in, int32_t pixels,
                          int8_t *RP_RESTRICT out);

/* ---- Residual add: out = a * s_a / s_out + b * s_b / s_out, TFLite's integer scheme ---- */
typedef struct {
  int32_t a_multiplier, a_shift; /* a << RP_ADD_LEFT_SHIFT -> common scale */
  int32_t b_multiplier, b_shift;
  int32_t out_multiplier, out_shift; /* common scale -> output */
} rp_add_t;
rp_status rp_add_s8(const rp_add_t *p, const int8_t *a, const int8_t *b, int8_t *out,
                    int32_t count); /* out may alias a or b */

/* ---- FastGRNN (int16) ---- */
typedef struct {
  int32_t input_size, hidden_size;       /* hidden_size <= RP_RNN_MAX_HIDDEN */
  const int16_t *w;                      /* [hidden][input]: PyTorch's W transposed, |w| <= 4095 */
  const int16_t *u;                      /* [hidden][hidden]: U transposed */
  const int32_t *w_multiplier, *w_shift; /* [hidden]: x.W accumulator -> Q12 */
  const int32_t *u_multiplier, *u_shift; /* [hidden]: h(Q11).U accumulator -> Q12 */
  const int32_t *bias_gate;              /* [hidden], Q12 */
  const int32_t *bias_update;            /* [hidden], Q12 */
  int16_t zeta;                          /* sigmoid(zeta), Q15 */
  int16_t nu;                            /* sigmoid(nu), Q15 */
  int32_t x_q;                           /* informative: input format (see quantizer) */
} rp_fastgrnn_t;

int32_t rp_fastgrnn_get_buffer_size(const rp_fastgrnn_t *cell);
/* One step in place: h (Q11, hidden_size) <- cell(x, h); x holds input_size int16 values. */
rp_status rp_fastgrnn_step(const rp_fastgrnn_t *cell, const int16_t *RP_RESTRICT x,
                           int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer);

/* The same step without argument checks, for callers that validated the cell once (RNNPool
 * runs ~300,000 steps a frame). */
void rp_fastgrnn_step_unchecked(const rp_fastgrnn_t *cell, const int16_t *RP_RESTRICT x,
                                int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer);

/* ---- RNNPool (spec section 1) on int8 input, int16 state, int8 output ---- */
typedef struct {
  int32_t in_h, in_w, in_c;
  int32_t patch, stride; /* output (in_h - patch) / stride + 1 rows, likewise columns */
  rp_fastgrnn_t rnn1;    /* in_c -> h1 */
  rp_fastgrnn_t rnn2;    /* h1 -> h2 */
  /* Per output channel c (4 * h2 of them): int8 = requantize(state - out_offset[c]). A trained
   * model's RNNPool outputs each sit in a narrow band away from zero, so a per-channel centre and
   * scale keep ~20x more resolution than one symmetric scale (docs/quantization.md). */
  const int16_t *out_offset;     /* Q11 */
  const int32_t *out_multiplier; /* Q11 state -> int8 output */
  const int32_t *out_shift;
} rp_rnnpool_t;

/* Output channel c of a patch from its RNN2 state value (Q11). */
static inline int8_t rp_rnnpool_output(const rp_rnnpool_t *p, int32_t c, int32_t state) {
  return rp_sat8(rp_requantize(state - p->out_offset[c], p->out_multiplier[c], p->out_shift[c]));
}

int32_t rp_rnnpool_out_h(const rp_rnnpool_t *p);
int32_t rp_rnnpool_out_w(const rp_rnnpool_t *p);
int32_t rp_rnnpool_get_buffer_size(const rp_rnnpool_t *p);
/* One patch: pixel (r, c) channel k at patch[r * row_stride + c * in_c + k]; writes 4 * h2. */
rp_status rp_rnnpool_patch_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT patch,
                              int32_t row_stride, int8_t *RP_RESTRICT out, void *buffer);
/* One output row (out_w patches) from the band of `patch` input rows starting at patch_row *
 * stride; band points at the first of them (rows of in_w * in_c). */
rp_status rp_rnnpool_row_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT band,
                            int8_t *RP_RESTRICT out_row, void *buffer);
/* The whole layer: in is in_h x in_w x in_c, out is out_h x out_w x 4*h2. */
rp_status rp_rnnpool_s8(const rp_rnnpool_t *p, const int8_t *RP_RESTRICT in,
                        int8_t *RP_RESTRICT out, void *buffer);

/* Replicate the last row `bottom` times and the last column `right` times. */
rp_status rp_replicate_pad_s8(const int8_t *RP_RESTRICT in, int32_t h, int32_t w, int32_t c,
                              int32_t bottom, int32_t right, int8_t *RP_RESTRICT out);

/* ---- Stem: first conv (uint8 frame) + RNNPool, one RNNPool output row per call ----
 * Lets the firmware start before the frame is complete: patch row py needs conv rows
 * [py*stride, py*stride + patch) and hence frame rows rp_stem_input_rows(). The conv band is
 * recomputed per call (stateless; costs one extra conv pass, ~1% of the RNNPool work). */
typedef struct {
  rp_conv_t conv;       /* uint8 frame -> int8 conv output (conv.out_h x conv.out_w x c) */
  rp_rnnpool_t rnnpool; /* in_h/in_w/in_c == conv.out_h/out_w/out_c */
} rp_stem_t;

void rp_stem_input_rows(const rp_stem_t *p, int32_t patch_row, int32_t *first, int32_t *count);
int32_t rp_stem_get_buffer_size(const rp_stem_t *p);
/* frame holds frame rows [in_row0, in_row0 + in_rows); writes one RNNPool output row. */
rp_status rp_stem_row(const rp_stem_t *p, const uint8_t *RP_RESTRICT frame, int32_t in_row0,
                      int32_t in_rows, int32_t patch_row, int8_t *RP_RESTRICT out_row,
                      void *buffer);

/* ---- MBConv (inverted residual), row by row with a 3-row ring of expanded rows ---- */
typedef struct {
  int32_t in_h, in_w, in_c, hidden_c, out_c, stride;
  int32_t has_expand;  /* 0 when t == 1 (then hidden_c == in_c) */
  rp_conv_t expand;    /* pointwise in_c -> hidden_c, ReLU6 */
  rp_conv_t depthwise; /* 3x3 stride s pad 1 on hidden_c, ReLU6 (its dims are the block's) */
  rp_conv_t project;   /* pointwise hidden_c -> out_c, no activation */
  int32_t has_residual;
  rp_add_t residual; /* a = block input, b = project output */
} rp_mbconv_t;

int32_t rp_mbconv_out_h(const rp_mbconv_t *p);
int32_t rp_mbconv_out_w(const rp_mbconv_t *p);
int32_t rp_mbconv_get_buffer_size(const rp_mbconv_t *p);
/* in: in_h x in_w x in_c; out: out_h x out_w x out_c; must not overlap. The expanded tensor
 * never exists: only 3 expanded rows (ring) and one depthwise row live in `buffer`. */
rp_status rp_mbconv_s8(const rp_mbconv_t *p, const int8_t *RP_RESTRICT in, int8_t *RP_RESTRICT out,
                       void *buffer);

/* ---- L2Norm: out[c] = x[c] / ||x||_2 * scale[c], per pixel over channels ----
 * The scale and the output scale are folded into per-channel multipliers. */
typedef struct {
  int32_t pixels, channels;
  const int32_t *multiplier; /* [channels]: scale[c] / s_out * 2^-26 */
  const int32_t *shift;      /* [channels] */
} rp_l2norm_t;
int32_t rp_l2norm_s8_get_buffer_size(const rp_l2norm_t *p);
rp_status rp_l2norm_s8(const rp_l2norm_t *p, const int8_t *RP_RESTRICT in, int8_t *RP_RESTRICT out);
/* The shift every channel shares when it is in [-33, -2] (most models: one per layer), else 0. */
int32_t rp_l2norm_uniform_shift(const rp_l2norm_t *p);
/* rp_l2norm_s8 of one pixel of a validated p whose channels all have `shift`
 * (rp_l2norm_uniform_shift): the same integers with the shift's case hoisted. */
void rp_l2norm_px_uniform(const rp_l2norm_t *p, int32_t shift, const int8_t *RP_RESTRICT in,
                          int8_t *RP_RESTRICT out);

/* CRC-32 (IEEE 802.3, reflected, as zlib) for per-layer digests and the model digest. */
uint32_t rp_crc32(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* RP_KERNELS_H */
