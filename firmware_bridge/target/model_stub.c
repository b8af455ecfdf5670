// SPDX-License-Identifier: GPL-3.0-or-later
// STUB MODEL for host-side tests of the device service (the libFuzzer target
// fuzz_device_service): the firmware images run the real model (model_face.c).
// It has one pseudo-layer, "input": its digest is the CRC-32 of the frame bytes, it keeps the
// frame in the arena when it fits (so LAYER_TENSOR can be exercised) and it detects nothing.
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/target/model.h"
#include "firmware_bridge/target/timer.h"

#include <string.h>

#ifndef RNNPOOL_ARENA_SIZE
#define RNNPOOL_ARENA_SIZE 32768u /* placeholder until the streaming plan sizes it */
#endif
#define MODEL_MAX_WIDTH 320u
#define MODEL_MAX_HEIGHT 240u

/* The activation arena: its own linker section, so the link fails when it does not fit. */
static uint8_t g_arena[RNNPOOL_ARENA_SIZE] __attribute__((section(".arena"), aligned(8)));

static rnnpool_frame_begin g_frame;
static uint32_t g_total, g_received, g_crc_state, g_high_water;
static uint64_t g_layer_time;
static int g_keep, g_done;

uint32_t model_digest(void) {
  return 0;
}
uint8_t model_layer_count(void) {
  return 1;
}
uint32_t model_arena_size(void) {
  return (uint32_t)sizeof g_arena;
}
uint32_t model_arena_high_water(void) {
  return g_high_water;
}

int model_begin(const rnnpool_frame_begin *frame) {
  if (frame->width == 0 || frame->height == 0 || frame->width > MODEL_MAX_WIDTH ||
      frame->height > MODEL_MAX_HEIGHT || frame->channels != 1 ||
      frame->pixel_format != RNNPOOL_PIXEL_GRAY8)
    return RNNPOOL_ERR_FRAME_UNSUPPORTED;
  g_frame = *frame;
  g_total = (uint32_t)frame->width * frame->height;
  g_received = 0;
  g_crc_state = RNNPOOL_CRC32_INIT;
  g_layer_time = 0;
  g_keep = g_total <= sizeof g_arena;
  g_done = 0;
  if (g_keep && g_total > g_high_water) g_high_water = g_total;
  return RNNPOOL_OK;
}

int model_consume(const uint8_t *bytes, uint32_t length) {
  if (length > g_total - g_received) return RNNPOOL_ERR_INTERNAL;
  const uint64_t start = timer_now();
  g_crc_state = rnnpool_crc32_update(g_crc_state, bytes, length);
  if (g_keep) memcpy(g_arena + g_received, bytes, length);
  g_received += length;
  g_layer_time += timer_now() - start;
  return RNNPOOL_OK;
}

int model_finish(rnnpool_detections *detections, rnnpool_layer_digests *digests,
                 uint32_t *layer_time) {
  if (g_received != g_total) return RNNPOOL_ERR_FRAME_INCOMPLETE;
  detections->count = 0;
  digests->count = 1;
  digests->crc[0] = rnnpool_crc32_final(g_crc_state);
  digests->bytes[0] = g_total;
  layer_time[0] = (uint32_t)g_layer_time;
  g_done = 1;
  return RNNPOOL_OK;
}

int model_layer_tensor(uint8_t layer, uint32_t offset, uint16_t max_length,
                       rnnpool_layer_tensor *out) {
  if (layer >= model_layer_count()) return RNNPOOL_ERR_BAD_LAYER;
  if (!g_done || !g_keep || offset > g_total) return RNNPOOL_ERR_NOT_AVAILABLE;
  const uint32_t left = g_total - offset;
  out->layer = layer;
  out->dtype = RNNPOOL_DTYPE_U8;
  out->height = g_frame.height;
  out->width = g_frame.width;
  out->channels = g_frame.channels;
  out->total_bytes = g_total;
  out->offset = offset;
  out->length = (uint16_t)(left < max_length ? left : max_length);
  out->data = g_arena + offset;
  return RNNPOOL_OK;
}
