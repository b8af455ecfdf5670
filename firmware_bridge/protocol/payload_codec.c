// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/protocol/payload_codec.h"

#include <string.h>

/* A bounds-checked little-endian writer: once a write would overflow, `ok` drops to 0 and the
 * packer returns 0, so each packer needs a single check at its end. */
typedef struct writer {
  uint8_t *out;
  size_t capacity, used;
  int ok;
} writer;

static writer writer_make(uint8_t *out, size_t capacity) {
  writer w = {out, capacity, 0, out != NULL};
  return w;
}
static void put_u8(writer *w, uint8_t v) {
  if (!w->ok || w->used + 1 > w->capacity) {
    w->ok = 0;
    return;
  }
  w->out[w->used++] = v;
}
static void put_u16(writer *w, uint16_t v) {
  put_u8(w, (uint8_t)(v & 0xFFu));
  put_u8(w, (uint8_t)(v >> 8));
}
static void put_u32(writer *w, uint32_t v) {
  put_u16(w, (uint16_t)(v & 0xFFFFu));
  put_u16(w, (uint16_t)(v >> 16));
}
static void put_bytes(writer *w, const void *data, size_t n) {
  if (n == 0) return;
  if (!w->ok || data == NULL || w->used + n > w->capacity) {
    w->ok = 0;
    return;
  }
  memmove(w->out + w->used, data, n);
  w->used += n;
}
static size_t writer_result(const writer *w) {
  return w->ok ? w->used : 0;
}

/* Readers are only called after the caller checked the exact payload size. */
static uint16_t get_u16(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

size_t rnnpool_pack_hello(const rnnpool_hello *in, uint8_t *out, size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u16(&w, in->protocol_version);
  return writer_result(&w);
}
int rnnpool_unpack_hello(const uint8_t *payload, size_t length, rnnpool_hello *out) {
  if (length != RNNPOOL_HELLO_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->protocol_version = get_u16(payload);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_hello_reply(const rnnpool_hello_reply *in, uint8_t *out, size_t capacity) {
  if (in->board_len > RNNPOOL_BOARD_NAME_MAX) return 0;
  writer w = writer_make(out, capacity);
  put_u16(&w, in->protocol_version);
  put_u8(&w, in->fw_major);
  put_u8(&w, in->fw_minor);
  put_u8(&w, in->fw_patch);
  put_u8(&w, in->time_unit);
  put_u32(&w, in->model_digest);
  put_u32(&w, in->clock_hz);
  put_u32(&w, in->arena_size);
  put_u16(&w, in->max_payload);
  put_u8(&w, in->layer_count);
  put_u8(&w, in->board_len);
  put_bytes(&w, in->board, in->board_len);
  return writer_result(&w);
}
int rnnpool_unpack_hello_reply(const uint8_t *p, size_t length, rnnpool_hello_reply *out) {
  if (length < RNNPOOL_HELLO_REPLY_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint8_t board_len = p[21];
  if (board_len > RNNPOOL_BOARD_NAME_MAX ||
      length != RNNPOOL_HELLO_REPLY_FIXED_SIZE + (size_t)board_len)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->protocol_version = get_u16(p);
  out->fw_major = p[2];
  out->fw_minor = p[3];
  out->fw_patch = p[4];
  out->time_unit = p[5];
  out->model_digest = get_u32(p + 6);
  out->clock_hz = get_u32(p + 10);
  out->arena_size = get_u32(p + 14);
  out->max_payload = get_u16(p + 18);
  out->layer_count = p[20];
  out->board_len = board_len;
  memset(out->board, 0, sizeof out->board);
  if (board_len > 0) memcpy(out->board, p + 22, board_len);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_frame_begin(const rnnpool_frame_begin *in, uint8_t *out, size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u16(&w, in->width);
  put_u16(&w, in->height);
  put_u8(&w, in->channels);
  put_u8(&w, in->pixel_format);
  return writer_result(&w);
}
int rnnpool_unpack_frame_begin(const uint8_t *p, size_t length, rnnpool_frame_begin *out) {
  if (length != RNNPOOL_FRAME_BEGIN_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->width = get_u16(p + 4);
  out->height = get_u16(p + 6);
  out->channels = p[8];
  out->pixel_format = p[9];
  return RNNPOOL_OK;
}

size_t rnnpool_pack_frame_chunk(const rnnpool_frame_chunk *in, uint8_t *out, size_t capacity) {
  if ((size_t)in->length + RNNPOOL_FRAME_CHUNK_FIXED_SIZE > RNNPOOL_WIRE_MAX_PAYLOAD) return 0;
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u32(&w, in->offset);
  put_bytes(&w, in->data, in->length);
  return writer_result(&w);
}
int rnnpool_unpack_frame_chunk(const uint8_t *p, size_t length, rnnpool_frame_chunk *out) {
  if (length < RNNPOOL_FRAME_CHUNK_FIXED_SIZE || length > RNNPOOL_WIRE_MAX_PAYLOAD)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->offset = get_u32(p + 4);
  out->length = (uint16_t)(length - RNNPOOL_FRAME_CHUNK_FIXED_SIZE);
  out->data = p + RNNPOOL_FRAME_CHUNK_FIXED_SIZE;
  return RNNPOOL_OK;
}

size_t rnnpool_pack_frame_end(const rnnpool_frame_end *in, uint8_t *out, size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  return writer_result(&w);
}
int rnnpool_unpack_frame_end(const uint8_t *p, size_t length, rnnpool_frame_end *out) {
  if (length != RNNPOOL_FRAME_END_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_frame_ack(const rnnpool_frame_ack *in, uint8_t *out, size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u32(&w, in->bytes_received);
  return writer_result(&w);
}
int rnnpool_unpack_frame_ack(const uint8_t *p, size_t length, rnnpool_frame_ack *out) {
  if (length != RNNPOOL_FRAME_ACK_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->bytes_received = get_u32(p + 4);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_detections(const rnnpool_detections *in, uint8_t *out, size_t capacity) {
  if (in->count > RNNPOOL_MAX_DETECTIONS) return 0;
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u8(&w, in->count);
  for (unsigned i = 0; i < in->count; ++i) {
    const rnnpool_detection *d = &in->items[i];
    put_u16(&w, (uint16_t)d->x0);
    put_u16(&w, (uint16_t)d->y0);
    put_u16(&w, (uint16_t)d->x1);
    put_u16(&w, (uint16_t)d->y1);
    put_u16(&w, d->score_q16);
    put_u16(&w, d->label);
  }
  return writer_result(&w);
}
int rnnpool_unpack_detections(const uint8_t *p, size_t length, rnnpool_detections *out) {
  if (length < RNNPOOL_DETECTIONS_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint8_t count = p[4];
  if (count > RNNPOOL_MAX_DETECTIONS ||
      length != RNNPOOL_DETECTIONS_FIXED_SIZE + (size_t)count * RNNPOOL_DETECTION_SIZE)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->count = count;
  for (unsigned i = 0; i < count; ++i) {
    const uint8_t *q = p + RNNPOOL_DETECTIONS_FIXED_SIZE + i * RNNPOOL_DETECTION_SIZE;
    rnnpool_detection *d = &out->items[i];
    d->x0 = (int16_t)get_u16(q);
    d->y0 = (int16_t)get_u16(q + 2);
    d->x1 = (int16_t)get_u16(q + 4);
    d->y1 = (int16_t)get_u16(q + 6);
    d->score_q16 = get_u16(q + 8);
    d->label = get_u16(q + 10);
  }
  return RNNPOOL_OK;
}

size_t rnnpool_pack_layer_digests(const rnnpool_layer_digests *in, uint8_t *out, size_t capacity) {
  if (in->count > RNNPOOL_MAX_LAYERS) return 0;
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u8(&w, in->count);
  for (unsigned i = 0; i < in->count; ++i) {
    put_u32(&w, in->crc[i]);
    put_u32(&w, in->bytes[i]);
  }
  return writer_result(&w);
}
int rnnpool_unpack_layer_digests(const uint8_t *p, size_t length, rnnpool_layer_digests *out) {
  if (length < RNNPOOL_LAYER_DIGESTS_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint8_t count = p[4];
  if (count > RNNPOOL_MAX_LAYERS ||
      length != RNNPOOL_LAYER_DIGESTS_FIXED_SIZE + (size_t)count * RNNPOOL_LAYER_DIGEST_SIZE)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->count = count;
  for (unsigned i = 0; i < count; ++i) {
    const uint8_t *q = p + RNNPOOL_LAYER_DIGESTS_FIXED_SIZE + i * RNNPOOL_LAYER_DIGEST_SIZE;
    out->crc[i] = get_u32(q);
    out->bytes[i] = get_u32(q + 4);
  }
  return RNNPOOL_OK;
}

size_t rnnpool_pack_layer_tensor_request(const rnnpool_layer_tensor_request *in, uint8_t *out,
                                         size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u8(&w, in->layer);
  put_u32(&w, in->offset);
  put_u16(&w, in->max_length);
  return writer_result(&w);
}
int rnnpool_unpack_layer_tensor_request(const uint8_t *p, size_t length,
                                        rnnpool_layer_tensor_request *out) {
  if (length != RNNPOOL_LAYER_TENSOR_REQUEST_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->layer = p[0];
  out->offset = get_u32(p + 1);
  out->max_length = get_u16(p + 5);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_layer_tensor(const rnnpool_layer_tensor *in, uint8_t *out, size_t capacity) {
  if ((size_t)in->length + RNNPOOL_LAYER_TENSOR_FIXED_SIZE > RNNPOOL_WIRE_MAX_PAYLOAD) return 0;
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u8(&w, in->layer);
  put_u8(&w, in->dtype);
  put_u16(&w, in->height);
  put_u16(&w, in->width);
  put_u16(&w, in->channels);
  put_u32(&w, in->total_bytes);
  put_u32(&w, in->offset);
  put_u16(&w, in->length);
  put_bytes(&w, in->data, in->length);
  return writer_result(&w);
}
int rnnpool_unpack_layer_tensor(const uint8_t *p, size_t length, rnnpool_layer_tensor *out) {
  if (length < RNNPOOL_LAYER_TENSOR_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint16_t data_length = get_u16(p + 20);
  if (length != RNNPOOL_LAYER_TENSOR_FIXED_SIZE + (size_t)data_length)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->layer = p[4];
  out->dtype = p[5];
  out->height = get_u16(p + 6);
  out->width = get_u16(p + 8);
  out->channels = get_u16(p + 10);
  out->total_bytes = get_u32(p + 12);
  out->offset = get_u32(p + 16);
  out->length = data_length;
  out->data = p + RNNPOOL_LAYER_TENSOR_FIXED_SIZE;
  /* A slice that runs past the tensor's end cannot be right. */
  if ((uint64_t)out->offset + data_length > out->total_bytes) return RNNPOOL_ERR_BAD_PAYLOAD;
  return RNNPOOL_OK;
}

size_t rnnpool_pack_timings(const rnnpool_timings *in, uint8_t *out, size_t capacity) {
  if (in->count > RNNPOOL_MAX_LAYERS) return 0;
  writer w = writer_make(out, capacity);
  put_u32(&w, in->frame_id);
  put_u8(&w, in->unit);
  put_u8(&w, in->count);
  put_u32(&w, in->frame_total);
  for (unsigned i = 0; i < in->count; ++i)
    put_u32(&w, in->layer[i]);
  return writer_result(&w);
}
int rnnpool_unpack_timings(const uint8_t *p, size_t length, rnnpool_timings *out) {
  if (length < RNNPOOL_TIMINGS_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint8_t count = p[5];
  if (count > RNNPOOL_MAX_LAYERS || length != RNNPOOL_TIMINGS_FIXED_SIZE + (size_t)count * 4u)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->frame_id = get_u32(p);
  out->unit = p[4];
  out->count = count;
  out->frame_total = get_u32(p + 6);
  for (unsigned i = 0; i < count; ++i)
    out->layer[i] = get_u32(p + 10 + 4 * i);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_memory_report(const rnnpool_memory_report *in, uint8_t *out, size_t capacity) {
  writer w = writer_make(out, capacity);
  put_u32(&w, in->ram_size);
  put_u32(&w, in->static_data);
  put_u32(&w, in->static_bss);
  put_u32(&w, in->arena_size);
  put_u32(&w, in->arena_high_water);
  put_u32(&w, in->stack_size);
  put_u32(&w, in->stack_peak);
  put_u32(&w, in->uart_buffers);
  put_u32(&w, in->peak_total);
  put_u32(&w, in->rx_overflows);
  return writer_result(&w);
}
int rnnpool_unpack_memory_report(const uint8_t *p, size_t length, rnnpool_memory_report *out) {
  if (length != RNNPOOL_MEMORY_REPORT_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  out->ram_size = get_u32(p);
  out->static_data = get_u32(p + 4);
  out->static_bss = get_u32(p + 8);
  out->arena_size = get_u32(p + 12);
  out->arena_high_water = get_u32(p + 16);
  out->stack_size = get_u32(p + 20);
  out->stack_peak = get_u32(p + 24);
  out->uart_buffers = get_u32(p + 28);
  out->peak_total = get_u32(p + 32);
  out->rx_overflows = get_u32(p + 36);
  return RNNPOOL_OK;
}

size_t rnnpool_pack_error(const rnnpool_error *in, uint8_t *out, size_t capacity) {
  if (in->text_len > RNNPOOL_ERROR_TEXT_MAX) return 0;
  writer w = writer_make(out, capacity);
  put_u8(&w, in->code);
  put_u8(&w, in->request_type);
  put_u8(&w, in->text_len);
  put_bytes(&w, in->text, in->text_len);
  return writer_result(&w);
}
int rnnpool_unpack_error(const uint8_t *p, size_t length, rnnpool_error *out) {
  if (length < RNNPOOL_ERROR_FIXED_SIZE) return RNNPOOL_ERR_BAD_PAYLOAD;
  const uint8_t text_len = p[2];
  if (text_len > RNNPOOL_ERROR_TEXT_MAX || length != RNNPOOL_ERROR_FIXED_SIZE + (size_t)text_len)
    return RNNPOOL_ERR_BAD_PAYLOAD;
  out->code = p[0];
  out->request_type = p[1];
  out->text_len = text_len;
  memset(out->text, 0, sizeof out->text);
  if (text_len > 0) memcpy(out->text, p + 3, text_len);
  return RNNPOOL_OK;
}

void rnnpool_make_error(rnnpool_error *out, uint8_t code, uint8_t request_type, const char *text) {
  out->code = code;
  out->request_type = request_type;
  size_t n = 0;
  if (text != NULL) {
    while (n < RNNPOOL_ERROR_TEXT_MAX && text[n] != '\0')
      ++n;
    memcpy(out->text, text, n);
  }
  out->text_len = (uint8_t)n;
}

const char *rnnpool_msg_type_name(uint8_t type) {
  switch (type) {
  case RNNPOOL_MSG_PING: return "PING";
  case RNNPOOL_MSG_HELLO: return "HELLO";
  case RNNPOOL_MSG_FRAME_BEGIN: return "FRAME_BEGIN";
  case RNNPOOL_MSG_FRAME_CHUNK: return "FRAME_CHUNK";
  case RNNPOOL_MSG_FRAME_END: return "FRAME_END";
  case RNNPOOL_MSG_GET_LAYER_DIGESTS: return "GET_LAYER_DIGESTS";
  case RNNPOOL_MSG_GET_LAYER_TENSOR: return "GET_LAYER_TENSOR";
  case RNNPOOL_MSG_GET_TIMINGS: return "GET_TIMINGS";
  case RNNPOOL_MSG_GET_MEMORY_REPORT: return "GET_MEMORY_REPORT";
  case RNNPOOL_MSG_PONG: return "PONG";
  case RNNPOOL_MSG_HELLO_REPLY: return "HELLO_REPLY";
  case RNNPOOL_MSG_FRAME_ACK: return "FRAME_ACK";
  case RNNPOOL_MSG_DETECTIONS: return "DETECTIONS";
  case RNNPOOL_MSG_LAYER_DIGESTS: return "LAYER_DIGESTS";
  case RNNPOOL_MSG_LAYER_TENSOR: return "LAYER_TENSOR";
  case RNNPOOL_MSG_TIMINGS: return "TIMINGS";
  case RNNPOOL_MSG_MEMORY_REPORT: return "MEMORY_REPORT";
  case RNNPOOL_MSG_ERROR: return "ERROR";
  default: return "?";
  }
}

const char *rnnpool_error_name(uint8_t code) {
  switch (code) {
  case RNNPOOL_OK: return "OK";
  case RNNPOOL_ERR_BAD_CRC: return "BAD_CRC";
  case RNNPOOL_ERR_BAD_LENGTH: return "BAD_LENGTH";
  case RNNPOOL_ERR_UNKNOWN_TYPE: return "UNKNOWN_TYPE";
  case RNNPOOL_ERR_BAD_PAYLOAD: return "BAD_PAYLOAD";
  case RNNPOOL_ERR_PROTOCOL_VERSION: return "PROTOCOL_VERSION";
  case RNNPOOL_ERR_FRAME_UNSUPPORTED: return "FRAME_UNSUPPORTED";
  case RNNPOOL_ERR_NO_FRAME: return "NO_FRAME";
  case RNNPOOL_ERR_FRAME_ID: return "FRAME_ID";
  case RNNPOOL_ERR_CHUNK_ORDER: return "CHUNK_ORDER";
  case RNNPOOL_ERR_FRAME_INCOMPLETE: return "FRAME_INCOMPLETE";
  case RNNPOOL_ERR_NOT_AVAILABLE: return "NOT_AVAILABLE";
  case RNNPOOL_ERR_BAD_LAYER: return "BAD_LAYER";
  case RNNPOOL_ERR_RX_OVERFLOW: return "RX_OVERFLOW";
  case RNNPOOL_ERR_BUFFER_TOO_SMALL: return "BUFFER_TOO_SMALL";
  case RNNPOOL_ERR_INTERNAL: return "INTERNAL";
  default: return "?";
  }
}
