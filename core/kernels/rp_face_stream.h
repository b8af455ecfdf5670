// SPDX-License-Identifier: GPL-3.0-or-later
// The quantized RNNPool-Face-M4 run row by row (fused-layer streaming), in portable C99 with no
// allocation: the integer counterpart of core/stream/face_stream_runner.cpp, with the same
// control flow and the same buffer inventory (core/stream/streaming_schedule.h, i8 sizes), so
// the planner's `plan --strategy streaming --dtype i8` arena is what this code allocates.
//
// Frame pixels (uint8 gray, row-major) are pushed as they arrive; every producer hands each
// finished row to its consumers at once, so the first conv and the RNNPool bands run while the
// frame is still arriving. Head pixels are decoded at once (integer prior decode, PWL sigmoid
// score) into a bounded candidate list; rp_face_stream_finish() runs integer NMS over it.
// Per-layer CRC-32 digests of each layer's integer output (HWC row-major, little-endian bytes)
// are accumulated as rows / pixels are produced; they equal the whole-tensor executor's.
// No floating point: the host predicts the device bit for bit.
#ifndef RP_FACE_STREAM_H
#define RP_FACE_STREAM_H

#include "core/kernels/rp_face_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Layers with a digest and a time, in the golden-vector order (docs/quantization.md). */
enum {
  RP_STREAM_LAYER_CONV = 0,
  RP_STREAM_LAYER_RNN_MODEL,
  RP_STREAM_LAYER_RNN_PAD,
  RP_STREAM_LAYER_MOB0, /* + b: mob.0.project, mob.1.add, mob.2.project, mob.3.add */
  RP_STREAM_LAYER_L2NORM0 = RP_STREAM_LAYER_MOB0 + RP_FACE_MBCONVS, /* + k */
  RP_STREAM_LAYER_LOC0 = RP_STREAM_LAYER_L2NORM0 + RP_FACE_L2NORMS, /* loc.k = LOC0 + 2k */
  RP_STREAM_LAYERS = RP_STREAM_LAYER_LOC0 + 2 * RP_FACE_HEADS       /* conf.k = LOC0 + 2k + 1 */
};

/* Buffers of the streaming schedule, in its order (core/stream/face_stream_runner.h). */
enum {
  RP_STREAM_BUF_INPUT_ROWS = 0,
  RP_STREAM_BUF_CONV_BAND,
  RP_STREAM_BUF_POOL_SUMMARIES,
  RP_STREAM_BUF_POOL_RNN2_STATE,
  RP_STREAM_BUF_PAD_ROW,
  RP_STREAM_BUF_EXPAND0, /* + b */
  RP_STREAM_BUF_ROWS01 = RP_STREAM_BUF_EXPAND0 + RP_FACE_MBCONVS,
  RP_STREAM_BUF_ROWS23,
  RP_STREAM_BUF_WINDOW0, /* + k */
  RP_STREAM_BUF_CANDIDATES = RP_STREAM_BUF_WINDOW0 + RP_FACE_HEADS,
  RP_STREAM_BUF_SCRATCH,
  RP_STREAM_BUFFERS
};

#define RP_STREAM_CANDIDATE_FIELDS 6 /* int16: score Q15, x1, y1, x2, y2 (pixels Q4), prior */
#define RP_STREAM_BOX_Q 4            /* candidate and detection boxes: pixels * 2^4 */

/* Integer decoding of the heads (spec section 2): derived on the host from the head output
 * scales (core/quant/stream_decode.h) and emitted next to the model for the firmware. */
typedef struct {
  int32_t score_multiplier[RP_FACE_HEADS], score_shift[RP_FACE_HEADS]; /* conf units -> Q12 */
  int32_t xy_multiplier[RP_FACE_HEADS], xy_shift[RP_FACE_HEADS]; /* loc -> centre offset, Q4 px */
  int32_t wh_multiplier[RP_FACE_HEADS], wh_shift[RP_FACE_HEADS]; /* loc -> exponent, Q12 */
  int32_t step[RP_FACE_HEADS];                                   /* prior stride, pixels */
  int32_t size[RP_FACE_HEADS];                                   /* prior size, pixels */
  int32_t score_threshold_q15; /* keep score > this (0.05 -> 1638) */
  int32_t nms_iou_q15;         /* drop a box whose IoU with a kept one is > this (0.3) */
} rp_face_decode_t;

/* Where each buffer lives in the arena for one frame size. */
typedef struct {
  int32_t offset[RP_STREAM_BUFFERS];
  int32_t bytes[RP_STREAM_BUFFERS]; /* the schedule's i8 sizes (multiples of 4) */
  int32_t arena_bytes;              /* sum: every buffer is live at the schedule's peak */
} rp_face_stream_layout_t;

typedef struct {
  int16_t x1, y1, x2, y2; /* pixels Q4 (RP_STREAM_BOX_Q) */
  int16_t score_q15;
  int16_t prior; /* index over all heads' cells, row-major, head by head */
} rp_face_detection_t;

/* Optional hooks. clock: any monotonic counter (the firmware's raw timer ticks); per-layer time
 * is the sum of the intervals spent in each layer's code. head: every head output pixel. */
typedef uint64_t (*rp_stream_clock_fn)(void *ctx);
typedef void (*rp_stream_head_fn)(void *ctx, int32_t head, int32_t y, int32_t x, const int16_t *loc,
                                  const int16_t *conf);

typedef struct {
  int32_t h, w, c;
} rp_stream_shape_t;

/* Executor state (small; the activations are all in the caller's arena). */
typedef struct {
  const rp_face_model_t *m;
  const rp_face_decode_t *d;
  int32_t candidate_capacity;
  /* geometry for this frame */
  rp_stream_shape_t in, conv, pool, pad;
  rp_stream_shape_t blk_in[RP_FACE_MBCONVS], blk_out[RP_FACE_MBCONVS];
  rp_stream_shape_t head_in[RP_FACE_HEADS];
  int32_t prior_base[RP_FACE_HEADS];
  rp_face_stream_layout_t layout;
  uint8_t *buf[RP_STREAM_BUFFERS];
  rp_pointwise_px_t expand[RP_FACE_MBCONVS], project[RP_FACE_MBCONVS]; /* per-pixel 1x1 convs */
  int32_t l2norm_shift[RP_FACE_L2NORMS]; /* rp_l2norm_uniform_shift, 0: none */
  /* progress */
  int32_t pixels_in_row, rows_in, conv_rows_done, pool_rows_done, pad_row;
  int32_t mob_rows_out[RP_FACE_MBCONVS], mob_filled[RP_FACE_MBCONVS];
  int32_t head_rows_out[RP_FACE_HEADS], head_filled[RP_FACE_HEADS];
  int32_t candidate_count, finished;
  rp_status error;
  /* results */
  uint32_t crc[RP_STREAM_LAYERS];
  uint32_t bytes[RP_STREAM_LAYERS];
  uint64_t time[RP_STREAM_LAYERS];
  /* hooks */
  rp_stream_clock_fn clock;
  void *clock_ctx;
  uint64_t clock_last;
  int32_t clock_layer; /* layer being timed, -1 outside */
  uint32_t clock_reads;
  rp_stream_head_fn head_sink;
  void *head_ctx;
} rp_face_stream_t;

/* Layout of the arena for an h x w frame; RP_ERR_ARG when the model or size does not fit the
 * schedule (the frame must give at least one RNNPool row and column). */
rp_status rp_face_stream_layout(const rp_face_model_t *m, int32_t h, int32_t w,
                                int32_t candidate_capacity, rp_face_stream_layout_t *out);

/* Starts a frame. The arena (4-byte aligned) must hold layout.arena_bytes. Hooks are reset;
 * set them after this call. */
rp_status rp_face_stream_begin(rp_face_stream_t *s, const rp_face_model_t *m,
                               const rp_face_decode_t *d, int32_t h, int32_t w,
                               int32_t candidate_capacity, void *arena, int32_t arena_bytes);
void rp_face_stream_set_clock(rp_face_stream_t *s, rp_stream_clock_fn clock, void *ctx);
void rp_face_stream_set_head_sink(rp_face_stream_t *s, rp_stream_head_fn sink, void *ctx);

/* The next n pixels of the frame (row-major); runs every row that becomes computable. */
rp_status rp_face_stream_push(rp_face_stream_t *s, const uint8_t *pixels, int32_t n);

/* After the last pixel: runs the remaining rows (bottom padding, the last block and head rows)
 * and NMS. Writes at most max_out detections, best first; *count gets how many. */
rp_status rp_face_stream_finish(rp_face_stream_t *s, rp_face_detection_t *out, int32_t max_out,
                                int32_t *count);

/* Integer exp: exp(v / 4096) * 65536 for v in Q12, clamped to [-8, 8) (never overflows). */
int32_t rp_exp_q12_q16(int32_t v);

#ifdef __cplusplus
}
#endif
#endif /* RP_FACE_STREAM_H */
