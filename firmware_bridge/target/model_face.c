// SPDX-License-Identifier: GPL-3.0-or-later
// The quantized RNNPool-Face-M4 on the device: the streaming executor (core/kernels/
// rp_face_stream.c, the same C the host runs to predict it) over the generated model arrays
// (rnnpool-cli emit-c: rp_model_data.c) in an arena of the size the planner predicts
// (rp_model_plan.h). Pixels are pushed to the executor as chunks arrive, so the first conv and
// RNNPool bands run before the frame is complete. No layer is ever whole in RAM, so
// GET_LAYER_TENSOR answers NOT_AVAILABLE; per-layer CRC-32 digests stand in for the tensors.
#include "core/kernels/rp_face_stream.h"
#include "firmware_bridge/target/model.h"
#include "firmware_bridge/target/timer.h"
#include "rp_model_data.h"
#include "rp_model_plan.h"

#include <string.h>

#ifndef RNNPOOL_ARENA_SIZE
#define RNNPOOL_ARENA_SIZE RP_PLAN_STREAM_ARENA_BYTES /* the planner's number */
#endif
#if RP_MODEL_STREAM_ARENA_BYTES > RNNPOOL_ARENA_SIZE
#error                                                                                             \
    "RNNPool firmware: the streaming executor needs more arena than RNNPOOL_ARENA_SIZE (the plan)"
#endif
#define ARENA_PAINT 0xC0DEF00Du /* as the stack paint (memory_stats.h) */

/* The activation arena: its own linker section, so the link fails when it does not fit RAM. */
static uint32_t g_arena[(RNNPOOL_ARENA_SIZE + 3u) / 4u] __attribute__((section(".arena")));
static rp_face_stream_t g_stream;
static int g_painted, g_active;

static uint64_t clock_ticks(void *ctx) {
  (void)ctx;
  return timer_ticks();
}

uint32_t model_digest(void) {
  return RP_MODEL_DIGEST;
}
uint8_t model_layer_count(void) {
  return RP_STREAM_LAYERS;
}
uint32_t model_arena_size(void) {
  return (uint32_t)sizeof g_arena;
}

/* Highest arena byte written since reset: the arena is painted once, before the first frame. */
uint32_t model_arena_high_water(void) {
  if (!g_painted) return 0;
  uint32_t top = (uint32_t)(sizeof g_arena / sizeof g_arena[0]);
  while (top > 0 && g_arena[top - 1] == ARENA_PAINT)
    --top;
  return top * 4u;
}

int model_begin(const rnnpool_frame_begin *frame) {
  g_active = 0;
  if (frame->channels != 1 || frame->pixel_format != RNNPOOL_PIXEL_GRAY8)
    return RNNPOOL_ERR_FRAME_UNSUPPORTED;
  if (!g_painted) {
    for (uint32_t i = 0; i < sizeof g_arena / sizeof g_arena[0]; ++i)
      g_arena[i] = ARENA_PAINT;
    g_painted = 1;
  }
  /* Any size whose rows fit the planned arena (the plan is for the widest, 320-pixel frame). */
  if (rp_face_stream_begin(&g_stream, &rp_face_model, &rp_face_decode, frame->height, frame->width,
                           RP_MODEL_STREAM_CANDIDATES, g_arena, (int32_t)sizeof g_arena) != RP_OK)
    return RNNPOOL_ERR_FRAME_UNSUPPORTED;
  rp_face_stream_set_clock(&g_stream, clock_ticks, 0);
  g_active = 1;
  return RNNPOOL_OK;
}

int model_consume(const uint8_t *bytes, uint32_t length) {
  if (!g_active) return RNNPOOL_ERR_NO_FRAME;
  return rp_face_stream_push(&g_stream, bytes, (int32_t)length) == RP_OK ? RNNPOOL_OK
                                                                         : RNNPOOL_ERR_INTERNAL;
}

static int16_t q4_to_pixels(int16_t v) {
  return (int16_t)((v + (1 << (RP_STREAM_BOX_Q - 1))) >> RP_STREAM_BOX_Q);
}

int model_finish(rnnpool_detections *detections, rnnpool_layer_digests *digests,
                 uint32_t *layer_time) {
  if (!g_active) return RNNPOOL_ERR_NO_FRAME;
  g_active = 0;
  rp_face_detection_t found[RNNPOOL_MAX_DETECTIONS];
  int32_t count = 0;
  if (rp_face_stream_finish(&g_stream, found, RNNPOOL_MAX_DETECTIONS, &count) != RP_OK)
    return RNNPOOL_ERR_FRAME_INCOMPLETE;
  detections->count = (uint8_t)count;
  for (int32_t i = 0; i < count; ++i) {
    rnnpool_detection *d = &detections->items[i];
    d->x0 = q4_to_pixels(found[i].x1);
    d->y0 = q4_to_pixels(found[i].y1);
    d->x1 = q4_to_pixels(found[i].x2);
    d->y1 = q4_to_pixels(found[i].y2);
    d->score_q16 = (uint16_t)(found[i].score_q15 * 2);
    d->label = 1; /* face */
  }
  digests->count = RP_STREAM_LAYERS;
  for (int32_t i = 0; i < RP_STREAM_LAYERS; ++i) {
    digests->crc[i] = g_stream.crc[i];
    digests->bytes[i] = g_stream.bytes[i];
    layer_time[i] = (uint32_t)timer_ticks_to_time(g_stream.time[i]);
  }
  return RNNPOOL_OK;
}

int model_layer_tensor(uint8_t layer, uint32_t offset, uint16_t max_length,
                       rnnpool_layer_tensor *out) {
  (void)offset;
  (void)max_length;
  (void)out;
  return layer >= model_layer_count() ? RNNPOOL_ERR_BAD_LAYER : RNNPOOL_ERR_NOT_AVAILABLE;
}
