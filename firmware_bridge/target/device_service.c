// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/target/device_service.h"

#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "firmware_bridge/target/model.h"
#include "firmware_bridge/target/timer.h"

#include <string.h>

static device_service_config g_config;
static uint8_t g_tx[RNNPOOL_FW_TX_PAYLOAD + RNNPOOL_WIRE_OVERHEAD];

/* The frame being uploaded. */
static int g_frame_active;
static rnnpool_frame_begin g_frame;
static uint32_t g_frame_bytes, g_frame_received;
static uint64_t g_frame_compute;

/* Results of the last finished frame, kept for repeated requests. */
static int g_have_results;
static rnnpool_detections g_detections;
static rnnpool_layer_digests g_digests;
static rnnpool_timings g_timings;

static void send_payload(uint8_t type, uint16_t seq, size_t length) {
  uint8_t *slot = rnnpool_wire_payload_slot(g_tx);
  const size_t n = rnnpool_wire_encode(type, seq, slot, (uint16_t)length, g_tx, sizeof g_tx);
  if (n > 0) g_config.send(g_tx, n);
}

static void send_error(uint16_t seq, uint8_t code, uint8_t request_type, const char *text) {
  rnnpool_error error;
  rnnpool_make_error(&error, code, request_type, text);
  send_payload(RNNPOOL_MSG_ERROR, seq,
               rnnpool_pack_error(&error, rnnpool_wire_payload_slot(g_tx), RNNPOOL_FW_TX_PAYLOAD));
}

/* Packs with `pack` into the TX slot and sends; an oversized reply becomes an ERROR. */
#define SEND_PACKED(type, seq, request, pack, value)                                               \
  do {                                                                                             \
    const size_t n_ = pack(value, rnnpool_wire_payload_slot(g_tx), RNNPOOL_FW_TX_PAYLOAD);         \
    if (n_ == 0)                                                                                   \
      send_error(seq, RNNPOOL_ERR_INTERNAL, request, "reply does not fit");                        \
    else                                                                                           \
      send_payload(type, seq, n_);                                                                 \
  } while (0)

void device_service_init(const device_service_config *config) {
  g_config = *config;
  g_frame_active = 0;
  g_have_results = 0;
}

static void on_ping(uint16_t seq, const uint8_t *payload, uint16_t length) {
  if (length > RNNPOOL_PING_MAX) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_PING, "PING payload above 64 bytes");
    return;
  }
  memcpy(rnnpool_wire_payload_slot(g_tx), payload, length);
  send_payload(RNNPOOL_MSG_PONG, seq, length);
}

static void on_hello(uint16_t seq, const uint8_t *payload, uint16_t length) {
  rnnpool_hello hello;
  if (rnnpool_unpack_hello(payload, length, &hello) != RNNPOOL_OK) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_HELLO, "HELLO payload must be 2 bytes");
    return;
  }
  if (hello.protocol_version != RNNPOOL_PROTOCOL_VERSION) {
    send_error(seq, RNNPOOL_ERR_PROTOCOL_VERSION, RNNPOOL_MSG_HELLO,
               "device speaks protocol version 1 only");
    return;
  }
  rnnpool_hello_reply reply;
  memset(&reply, 0, sizeof reply);
  reply.protocol_version = RNNPOOL_PROTOCOL_VERSION;
  reply.fw_major = RNNPOOL_FW_VERSION_MAJOR;
  reply.fw_minor = RNNPOOL_FW_VERSION_MINOR;
  reply.fw_patch = RNNPOOL_FW_VERSION_PATCH;
  reply.time_unit = g_config.time_unit;
  reply.model_digest = model_digest();
  reply.clock_hz = g_config.clock_hz;
  reply.arena_size = model_arena_size();
  reply.max_payload = g_config.max_payload;
  reply.layer_count = model_layer_count();
  size_t name_len = strlen(g_config.board_name);
  if (name_len > RNNPOOL_BOARD_NAME_MAX) name_len = RNNPOOL_BOARD_NAME_MAX;
  memcpy(reply.board, g_config.board_name, name_len);
  reply.board_len = (uint8_t)name_len;
  SEND_PACKED(RNNPOOL_MSG_HELLO_REPLY, seq, RNNPOOL_MSG_HELLO, rnnpool_pack_hello_reply, &reply);
}

static void send_ack(uint16_t seq, uint8_t request) {
  rnnpool_frame_ack ack = {g_frame.frame_id, g_frame_received};
  SEND_PACKED(RNNPOOL_MSG_FRAME_ACK, seq, request, rnnpool_pack_frame_ack, &ack);
}

static int same_frame(const rnnpool_frame_begin *a, const rnnpool_frame_begin *b) {
  return a->frame_id == b->frame_id && a->width == b->width && a->height == b->height &&
         a->channels == b->channels && a->pixel_format == b->pixel_format;
}

static void on_frame_begin(uint16_t seq, const uint8_t *payload, uint16_t length) {
  rnnpool_frame_begin begin;
  if (rnnpool_unpack_frame_begin(payload, length, &begin) != RNNPOOL_OK) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_FRAME_BEGIN,
               "FRAME_BEGIN payload must be 10 bytes");
    return;
  }
  /* A repeated BEGIN (its ACK was lost) must not restart a frame already under way. */
  if (g_frame_active && same_frame(&begin, &g_frame)) {
    send_ack(seq, RNNPOOL_MSG_FRAME_BEGIN);
    return;
  }
  g_frame_active = 0;
  const uint64_t start = timer_now();
  const int status = model_begin(&begin);
  if (status != RNNPOOL_OK) {
    send_error(seq, (uint8_t)status, RNNPOOL_MSG_FRAME_BEGIN,
               "frame must be GRAY8, >= 15x15, rows fitting the arena");
    return;
  }
  g_frame = begin;
  g_frame_active = 1;
  g_frame_bytes = (uint32_t)begin.width * begin.height * begin.channels;
  g_frame_received = 0;
  g_frame_compute = timer_now() - start;
  send_ack(seq, RNNPOOL_MSG_FRAME_BEGIN);
}

static void on_frame_chunk(uint16_t seq, const uint8_t *payload, uint16_t length) {
  rnnpool_frame_chunk chunk;
  if (rnnpool_unpack_frame_chunk(payload, length, &chunk) != RNNPOOL_OK) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_FRAME_CHUNK,
               "FRAME_CHUNK payload shorter than 8 bytes");
    return;
  }
  if (!g_frame_active) {
    send_error(seq, RNNPOOL_ERR_NO_FRAME, RNNPOOL_MSG_FRAME_CHUNK,
               "FRAME_CHUNK without FRAME_BEGIN");
    return;
  }
  if (chunk.frame_id != g_frame.frame_id) {
    send_error(seq, RNNPOOL_ERR_FRAME_ID, RNNPOOL_MSG_FRAME_CHUNK, "FRAME_CHUNK for another frame");
    return;
  }
  if ((uint64_t)chunk.offset + chunk.length > g_frame_bytes) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_FRAME_CHUNK, "chunk runs past frame end");
    return;
  }
  if (chunk.offset > g_frame_received) {
    send_error(seq, RNNPOOL_ERR_CHUNK_ORDER, RNNPOOL_MSG_FRAME_CHUNK,
               "chunk offset leaves a gap; resend from FRAME_ACK.bytes_received");
    return;
  }
  /* Bytes before g_frame_received are a retransmission and were consumed already. */
  const uint32_t skip = g_frame_received - chunk.offset;
  if (chunk.length > skip) {
    const uint64_t start = timer_now();
    const int status = model_consume(chunk.data + skip, chunk.length - skip);
    g_frame_compute += timer_now() - start;
    if (status != RNNPOOL_OK) {
      g_frame_active = 0;
      send_error(seq, (uint8_t)status, RNNPOOL_MSG_FRAME_CHUNK, "model rejected the chunk");
      return;
    }
    g_frame_received += chunk.length - skip;
  }
  send_ack(seq, RNNPOOL_MSG_FRAME_CHUNK);
}

static void on_frame_end(uint16_t seq, const uint8_t *payload, uint16_t length) {
  rnnpool_frame_end end;
  if (rnnpool_unpack_frame_end(payload, length, &end) != RNNPOOL_OK) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_FRAME_END,
               "FRAME_END payload must be 4 bytes");
    return;
  }
  /* A repeated END (DETECTIONS lost) gets the same answer again. */
  if (!g_frame_active && g_have_results && end.frame_id == g_detections.frame_id) {
    SEND_PACKED(RNNPOOL_MSG_DETECTIONS, seq, RNNPOOL_MSG_FRAME_END, rnnpool_pack_detections,
                &g_detections);
    return;
  }
  if (!g_frame_active) {
    send_error(seq, RNNPOOL_ERR_NO_FRAME, RNNPOOL_MSG_FRAME_END, "FRAME_END without FRAME_BEGIN");
    return;
  }
  if (end.frame_id != g_frame.frame_id) {
    send_error(seq, RNNPOOL_ERR_FRAME_ID, RNNPOOL_MSG_FRAME_END, "FRAME_END for another frame");
    return;
  }
  if (g_frame_received != g_frame_bytes) {
    send_error(seq, RNNPOOL_ERR_FRAME_INCOMPLETE, RNNPOOL_MSG_FRAME_END,
               "FRAME_END before all pixels arrived");
    return;
  }
  g_frame_active = 0;
  g_have_results = 0;
  memset(&g_timings, 0, sizeof g_timings);
  const uint64_t start = timer_now();
  const int status = model_finish(&g_detections, &g_digests, g_timings.layer);
  g_frame_compute += timer_now() - start;
  if (status != RNNPOOL_OK) {
    send_error(seq, (uint8_t)status, RNNPOOL_MSG_FRAME_END, "model failed to finish the frame");
    return;
  }
  g_detections.frame_id = end.frame_id;
  g_digests.frame_id = end.frame_id;
  g_timings.frame_id = end.frame_id;
  g_timings.unit = g_config.time_unit;
  g_timings.count = g_digests.count;
  g_timings.frame_total = (uint32_t)g_frame_compute;
  g_have_results = 1;
  SEND_PACKED(RNNPOOL_MSG_DETECTIONS, seq, RNNPOOL_MSG_FRAME_END, rnnpool_pack_detections,
              &g_detections);
}

static void on_get_layer_tensor(uint16_t seq, const uint8_t *payload, uint16_t length) {
  rnnpool_layer_tensor_request request;
  if (rnnpool_unpack_layer_tensor_request(payload, length, &request) != RNNPOOL_OK) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_GET_LAYER_TENSOR,
               "GET_LAYER_TENSOR payload must be 7 bytes");
    return;
  }
  const uint16_t room = RNNPOOL_FW_TX_PAYLOAD - RNNPOOL_LAYER_TENSOR_FIXED_SIZE;
  rnnpool_layer_tensor tensor;
  const int status =
      model_layer_tensor(request.layer, request.offset,
                         request.max_length < room ? request.max_length : room, &tensor);
  if (status != RNNPOOL_OK) {
    send_error(seq, (uint8_t)status, RNNPOOL_MSG_GET_LAYER_TENSOR,
               status == RNNPOOL_ERR_BAD_LAYER ? "no layer with that index"
                                               : "tensor not kept for the last frame");
    return;
  }
  tensor.frame_id = g_detections.frame_id;
  /* data points into the arena, outside g_tx, so packing into the slot cannot overlap it. */
  SEND_PACKED(RNNPOOL_MSG_LAYER_TENSOR, seq, RNNPOOL_MSG_GET_LAYER_TENSOR,
              rnnpool_pack_layer_tensor, &tensor);
}

static void on_get_memory_report(uint16_t seq, uint16_t length) {
  if (length != 0) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, RNNPOOL_MSG_GET_MEMORY_REPORT,
               "GET_MEMORY_REPORT takes no payload");
    return;
  }
  rnnpool_memory_report report;
  memset(&report, 0, sizeof report);
  g_config.fill_memory(&report);
  report.arena_size = model_arena_size();
  report.arena_high_water = model_arena_high_water();
  report.uart_buffers = g_config.uart_buffers + (uint32_t)sizeof g_tx;
  report.peak_total =
      report.static_data + report.static_bss + report.arena_high_water + report.stack_peak;
  SEND_PACKED(RNNPOOL_MSG_MEMORY_REPORT, seq, RNNPOOL_MSG_GET_MEMORY_REPORT,
              rnnpool_pack_memory_report, &report);
}

/* GET_LAYER_DIGESTS and GET_TIMINGS: results of the last finished frame. */
static int results_ready(uint16_t seq, uint8_t request, uint16_t length) {
  if (length != 0) {
    send_error(seq, RNNPOOL_ERR_BAD_PAYLOAD, request, "request takes no payload");
    return 0;
  }
  if (!g_have_results) {
    send_error(seq, RNNPOOL_ERR_NOT_AVAILABLE, request, "no finished frame yet");
    return 0;
  }
  return 1;
}

void device_service_on_message(uint8_t type, uint16_t seq, const uint8_t *payload,
                               uint16_t length) {
  switch (type) {
  case RNNPOOL_MSG_PING: on_ping(seq, payload, length); break;
  case RNNPOOL_MSG_HELLO: on_hello(seq, payload, length); break;
  case RNNPOOL_MSG_FRAME_BEGIN: on_frame_begin(seq, payload, length); break;
  case RNNPOOL_MSG_FRAME_CHUNK: on_frame_chunk(seq, payload, length); break;
  case RNNPOOL_MSG_FRAME_END: on_frame_end(seq, payload, length); break;
  case RNNPOOL_MSG_GET_LAYER_TENSOR: on_get_layer_tensor(seq, payload, length); break;
  case RNNPOOL_MSG_GET_MEMORY_REPORT: on_get_memory_report(seq, length); break;
  case RNNPOOL_MSG_GET_LAYER_DIGESTS:
    if (results_ready(seq, type, length))
      SEND_PACKED(RNNPOOL_MSG_LAYER_DIGESTS, seq, type, rnnpool_pack_layer_digests, &g_digests);
    break;
  case RNNPOOL_MSG_GET_TIMINGS:
    if (results_ready(seq, type, length))
      SEND_PACKED(RNNPOOL_MSG_TIMINGS, seq, type, rnnpool_pack_timings, &g_timings);
    break;
  default: send_error(seq, RNNPOOL_ERR_UNKNOWN_TYPE, type, "unknown or non-request message type");
  }
}

void device_service_on_decode_error(int status, uint8_t type, uint16_t seq) {
  if (status == RNNPOOL_DECODE_BAD_LENGTH)
    send_error(seq, RNNPOOL_ERR_BAD_LENGTH, type, "payload length above device max_payload");
  else
    send_error(seq, RNNPOOL_ERR_BAD_CRC, type, "CRC mismatch; message dropped");
}

void device_service_on_rx_overflow(void) {
  send_error(0, RNNPOOL_ERR_RX_OVERFLOW, 0, "receive buffer overflowed; bytes lost");
}
