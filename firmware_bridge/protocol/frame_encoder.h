// SPDX-License-Identifier: GPL-3.0-or-later
// Builds one wire frame (see wire_format.h) into a caller-owned buffer.
#ifndef RNNPOOL_FRAME_ENCODER_H
#define RNNPOOL_FRAME_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes header + payload + CRC into out[0 .. 11+length). payload may already sit at
 * out + RNNPOOL_WIRE_HEADER_SIZE (packed in place); otherwise it is copied. Returns the frame
 * size, or 0 when length exceeds RNNPOOL_WIRE_MAX_PAYLOAD or the frame does not fit out_capacity.
 */
size_t rnnpool_wire_encode(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t length,
                           uint8_t *out, size_t out_capacity);

/* Where to pack a payload in place before calling rnnpool_wire_encode(..., out + header, ...). */
static inline uint8_t *rnnpool_wire_payload_slot(uint8_t *frame) {
  return frame + 7;
}

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_FRAME_ENCODER_H */
