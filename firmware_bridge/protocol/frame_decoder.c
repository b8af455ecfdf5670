// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/protocol/frame_decoder.h"

#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <stddef.h>

enum {
  STATE_HUNT_MARKER0 = 0,
  STATE_HUNT_MARKER1,
  STATE_HEADER, /* type, seq, length: header[2..6] */
  STATE_PAYLOAD,
  STATE_CRC
};

void rnnpool_wire_decoder_init(rnnpool_wire_decoder *decoder, uint8_t *buffer, uint16_t capacity) {
  decoder->type = 0;
  decoder->seq = 0;
  decoder->length = 0;
  decoder->payload = buffer;
  decoder->messages = 0;
  decoder->crc_errors = 0;
  decoder->length_errors = 0;
  decoder->skipped_bytes = 0;
  decoder->capacity =
      capacity > RNNPOOL_WIRE_MAX_PAYLOAD ? (uint16_t)RNNPOOL_WIRE_MAX_PAYLOAD : capacity;
  if (buffer == NULL) decoder->capacity = 0;
  rnnpool_wire_decoder_reset(decoder);
}

void rnnpool_wire_decoder_reset(rnnpool_wire_decoder *decoder) {
  decoder->state = STATE_HUNT_MARKER0;
  decoder->position = 0;
  decoder->crc_state = RNNPOOL_CRC32_INIT;
  decoder->crc_received = 0;
}

int rnnpool_wire_decoder_in_frame(const rnnpool_wire_decoder *decoder) {
  return decoder->state != STATE_HUNT_MARKER0;
}

static void start_header(rnnpool_wire_decoder *decoder) {
  decoder->header[0] = RNNPOOL_WIRE_MARKER0;
  decoder->header[1] = RNNPOOL_WIRE_MARKER1;
  decoder->position = 2;
  decoder->state = STATE_HEADER;
}

rnnpool_decode_status rnnpool_wire_decoder_push(rnnpool_wire_decoder *decoder, uint8_t byte) {
  switch (decoder->state) {
  case STATE_HUNT_MARKER0:
    if (byte == RNNPOOL_WIRE_MARKER0)
      decoder->state = STATE_HUNT_MARKER1;
    else
      ++decoder->skipped_bytes;
    return RNNPOOL_DECODE_MORE;

  case STATE_HUNT_MARKER1:
    if (byte == RNNPOOL_WIRE_MARKER1) {
      start_header(decoder);
    } else if (byte != RNNPOOL_WIRE_MARKER0) {
      /* A repeated MARKER0 may itself be the real start; anything else was garbage. */
      decoder->skipped_bytes += 2;
      decoder->state = STATE_HUNT_MARKER0;
    } else {
      ++decoder->skipped_bytes;
    }
    return RNNPOOL_DECODE_MORE;

  case STATE_HEADER:
    decoder->header[decoder->position++] = byte;
    if (decoder->position < RNNPOOL_WIRE_HEADER_SIZE) return RNNPOOL_DECODE_MORE;
    decoder->type = decoder->header[2];
    decoder->seq = (uint16_t)(decoder->header[3] | (decoder->header[4] << 8));
    decoder->length = (uint16_t)(decoder->header[5] | (decoder->header[6] << 8));
    if (decoder->length > decoder->capacity) {
      ++decoder->length_errors;
      rnnpool_wire_decoder_reset(decoder);
      return RNNPOOL_DECODE_BAD_LENGTH;
    }
    decoder->crc_state =
        rnnpool_crc32_update(RNNPOOL_CRC32_INIT, decoder->header, RNNPOOL_WIRE_HEADER_SIZE);
    decoder->position = 0;
    decoder->state = decoder->length > 0 ? STATE_PAYLOAD : STATE_CRC;
    return RNNPOOL_DECODE_MORE;

  case STATE_PAYLOAD:
    decoder->payload[decoder->position++] = byte;
    decoder->crc_state = rnnpool_crc32_update(decoder->crc_state, &byte, 1);
    if (decoder->position == decoder->length) {
      decoder->position = 0;
      decoder->state = STATE_CRC;
    }
    return RNNPOOL_DECODE_MORE;

  case STATE_CRC:
  default:
    decoder->crc_received |= (uint32_t)byte << (8u * decoder->position);
    if (++decoder->position < RNNPOOL_WIRE_CRC_SIZE) return RNNPOOL_DECODE_MORE;
    {
      const int good = decoder->crc_received == rnnpool_crc32_final(decoder->crc_state);
      rnnpool_wire_decoder_reset(decoder);
      if (!good) {
        ++decoder->crc_errors;
        return RNNPOOL_DECODE_BAD_CRC;
      }
      ++decoder->messages;
      return RNNPOOL_DECODE_MESSAGE;
    }
  }
}
