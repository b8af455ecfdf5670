// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/protocol/frame_encoder.h"

#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <string.h>

size_t rnnpool_wire_encode(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t length,
                           uint8_t *out, size_t out_capacity) {
  if (out == NULL || length > RNNPOOL_WIRE_MAX_PAYLOAD) return 0;
  if (length > 0 && payload == NULL) return 0;
  const size_t total = (size_t)length + RNNPOOL_WIRE_OVERHEAD;
  if (total > out_capacity) return 0;
  uint8_t *body = out + RNNPOOL_WIRE_HEADER_SIZE;
  if (length > 0 && payload != body) memmove(body, payload, length);
  out[0] = RNNPOOL_WIRE_MARKER0;
  out[1] = RNNPOOL_WIRE_MARKER1;
  out[2] = type;
  out[3] = (uint8_t)(seq & 0xFFu);
  out[4] = (uint8_t)(seq >> 8);
  out[5] = (uint8_t)(length & 0xFFu);
  out[6] = (uint8_t)(length >> 8);
  const uint32_t crc = rnnpool_crc32(out, RNNPOOL_WIRE_HEADER_SIZE + (size_t)length);
  uint8_t *tail = body + length;
  tail[0] = (uint8_t)(crc & 0xFFu);
  tail[1] = (uint8_t)((crc >> 8) & 0xFFu);
  tail[2] = (uint8_t)((crc >> 16) & 0xFFu);
  tail[3] = (uint8_t)(crc >> 24);
  return total;
}
