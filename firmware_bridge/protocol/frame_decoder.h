// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-at-a-time decoder of wire frames (see wire_format.h) into a caller-owned payload buffer.
//
// Every push does a bounded amount of work, so a receiver can never hang in here. After garbage
// it hunts for the start marker; a bad length or CRC is reported once and hunting restarts.
// A false marker inside garbage can swallow up to `capacity` following bytes before its CRC
// fails; the requester's retry recovers from that (call rnnpool_wire_decoder_reset after an
// idle gap to shorten it).
#ifndef RNNPOOL_FRAME_DECODER_H
#define RNNPOOL_FRAME_DECODER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rnnpool_decode_status {
  RNNPOOL_DECODE_MORE = 0,       /* nothing complete yet */
  RNNPOOL_DECODE_MESSAGE = 1,    /* type/seq/length/payload hold a valid message */
  RNNPOOL_DECODE_BAD_LENGTH = 2, /* header announced more than `capacity`; type/seq valid */
  RNNPOOL_DECODE_BAD_CRC = 3     /* CRC mismatch; type/seq/length are as received (untrusted) */
} rnnpool_decode_status;

typedef struct rnnpool_wire_decoder {
  /* Result of the last push that returned MESSAGE (or an error, for type/seq). */
  uint8_t type;
  uint16_t seq;
  uint16_t length;
  uint8_t *payload; /* the caller's buffer */

  /* Statistics since init. */
  uint32_t messages;
  uint32_t crc_errors;
  uint32_t length_errors;
  uint32_t skipped_bytes; /* bytes discarded while hunting for a marker */

  /* Internal state. */
  uint16_t capacity;
  uint16_t position;
  uint8_t state;
  uint8_t header[7];
  uint32_t crc_state;
  uint32_t crc_received;
} rnnpool_wire_decoder;

/* capacity: bytes of buffer; messages with a longer payload are rejected (BAD_LENGTH).
 * Capacities above RNNPOOL_WIRE_MAX_PAYLOAD are clamped to it. */
void rnnpool_wire_decoder_init(rnnpool_wire_decoder *decoder, uint8_t *buffer, uint16_t capacity);

/* Forget any partial frame and hunt for the next marker. Statistics are kept. */
void rnnpool_wire_decoder_reset(rnnpool_wire_decoder *decoder);

/* Feeds one received byte. */
rnnpool_decode_status rnnpool_wire_decoder_push(rnnpool_wire_decoder *decoder, uint8_t byte);

/* Non-zero while a frame has started but is not complete. */
int rnnpool_wire_decoder_in_frame(const rnnpool_wire_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_FRAME_DECODER_H */
