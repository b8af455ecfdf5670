// SPDX-License-Identifier: GPL-3.0-or-later
// Explicit little-endian packing of every payload struct in wire_format.h.
//
// rnnpool_pack_X(in, out, capacity) returns the payload size, or 0 when out is too small or a
// field is out of range (a count above its maximum). Empty payloads need no packer.
// rnnpool_unpack_X(payload, length, out) returns RNNPOOL_OK or RNNPOOL_ERR_BAD_PAYLOAD; it
// checks the exact size for the type, so it is safe on any bytes. Pointer fields of unpacked
// structs (chunk data, tensor data) point into `payload`.
#ifndef RNNPOOL_PAYLOAD_CODEC_H
#define RNNPOOL_PAYLOAD_CODEC_H

#include "firmware_bridge/protocol/wire_format.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNPOOL_HELLO_SIZE 2u
#define RNNPOOL_HELLO_REPLY_FIXED_SIZE 22u
#define RNNPOOL_FRAME_BEGIN_SIZE 10u
#define RNNPOOL_FRAME_CHUNK_FIXED_SIZE 8u
#define RNNPOOL_FRAME_END_SIZE 4u
#define RNNPOOL_FRAME_ACK_SIZE 8u
#define RNNPOOL_DETECTIONS_FIXED_SIZE 5u
#define RNNPOOL_DETECTION_SIZE 12u
#define RNNPOOL_LAYER_DIGESTS_FIXED_SIZE 5u
#define RNNPOOL_LAYER_DIGEST_SIZE 8u
#define RNNPOOL_LAYER_TENSOR_REQUEST_SIZE 7u
#define RNNPOOL_LAYER_TENSOR_FIXED_SIZE 22u
#define RNNPOOL_TIMINGS_FIXED_SIZE 10u
#define RNNPOOL_MEMORY_REPORT_SIZE 40u
#define RNNPOOL_ERROR_FIXED_SIZE 3u

size_t rnnpool_pack_hello(const rnnpool_hello *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_hello(const uint8_t *payload, size_t length, rnnpool_hello *out);

size_t rnnpool_pack_hello_reply(const rnnpool_hello_reply *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_hello_reply(const uint8_t *payload, size_t length, rnnpool_hello_reply *out);

size_t rnnpool_pack_frame_begin(const rnnpool_frame_begin *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_frame_begin(const uint8_t *payload, size_t length, rnnpool_frame_begin *out);

size_t rnnpool_pack_frame_chunk(const rnnpool_frame_chunk *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_frame_chunk(const uint8_t *payload, size_t length, rnnpool_frame_chunk *out);

size_t rnnpool_pack_frame_end(const rnnpool_frame_end *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_frame_end(const uint8_t *payload, size_t length, rnnpool_frame_end *out);

size_t rnnpool_pack_frame_ack(const rnnpool_frame_ack *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_frame_ack(const uint8_t *payload, size_t length, rnnpool_frame_ack *out);

size_t rnnpool_pack_detections(const rnnpool_detections *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_detections(const uint8_t *payload, size_t length, rnnpool_detections *out);

size_t rnnpool_pack_layer_digests(const rnnpool_layer_digests *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_layer_digests(const uint8_t *payload, size_t length, rnnpool_layer_digests *out);

size_t rnnpool_pack_layer_tensor_request(const rnnpool_layer_tensor_request *in, uint8_t *out,
                                         size_t capacity);
int rnnpool_unpack_layer_tensor_request(const uint8_t *payload, size_t length,
                                        rnnpool_layer_tensor_request *out);

size_t rnnpool_pack_layer_tensor(const rnnpool_layer_tensor *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_layer_tensor(const uint8_t *payload, size_t length, rnnpool_layer_tensor *out);

size_t rnnpool_pack_timings(const rnnpool_timings *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_timings(const uint8_t *payload, size_t length, rnnpool_timings *out);

size_t rnnpool_pack_memory_report(const rnnpool_memory_report *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_memory_report(const uint8_t *payload, size_t length, rnnpool_memory_report *out);

size_t rnnpool_pack_error(const rnnpool_error *in, uint8_t *out, size_t capacity);
int rnnpool_unpack_error(const uint8_t *payload, size_t length, rnnpool_error *out);

/* Fills an rnnpool_error from a NUL-terminated message, truncating it to RNNPOOL_ERROR_TEXT_MAX. */
void rnnpool_make_error(rnnpool_error *out, uint8_t code, uint8_t request_type, const char *text);

/* A short constant name for a message type or error code ("PING", "BAD_CRC", "?" if unknown). */
const char *rnnpool_msg_type_name(uint8_t type);
const char *rnnpool_error_name(uint8_t code);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_PAYLOAD_CODEC_H */
