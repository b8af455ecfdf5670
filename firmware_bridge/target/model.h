// SPDX-License-Identifier: GPL-3.0-or-later
// The on-device model as the device service sees it: a streaming consumer of frame bytes.
// model_consume() receives pixels as they arrive (in row-major order), so the real model can
// run its first conv and RNNPool bands before the frame is complete. The quantized
// RNNPool-Face-M4 replaces model_stub.c behind this interface.
#ifndef RNNPOOL_MODEL_H
#define RNNPOOL_MODEL_H

#include "firmware_bridge/protocol/wire_format.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32 of the model's weights (0 for the stub); the host refuses a different digest. */
uint32_t model_digest(void);
uint8_t model_layer_count(void);
uint32_t model_arena_size(void);
/* Most arena bytes in use at once since reset. */
uint32_t model_arena_high_water(void);

/* Starts a frame: returns RNNPOOL_OK or RNNPOOL_ERR_FRAME_UNSUPPORTED. */
int model_begin(const rnnpool_frame_begin *frame);
/* The next `length` bytes of the frame (never more than the frame holds). */
int model_consume(const uint8_t *bytes, uint32_t length);
/* All bytes are in: finishes the remaining layers and fills the results. */
int model_finish(rnnpool_detections *detections, rnnpool_layer_digests *digests,
                 uint32_t *layer_time);

/* Describes a kept layer output and points at up to max_length bytes of it from offset.
 * Returns RNNPOOL_ERR_BAD_LAYER or RNNPOOL_ERR_NOT_AVAILABLE when it cannot. */
int model_layer_tensor(uint8_t layer, uint32_t offset, uint16_t max_length,
                       rnnpool_layer_tensor *out);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_MODEL_H */
