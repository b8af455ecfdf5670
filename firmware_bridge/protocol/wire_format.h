// SPDX-License-Identifier: GPL-3.0-or-later
// The RNNPool device wire format: the ONE definition shared by the host bridge and the firmware.
//
// Every message on the serial link is a frame:
//
//   offset size field
//   0      2    start marker 0xA5 0x5A
//   2      1    type (rnnpool_msg_type)
//   3      2    sequence number (a reply carries the sequence number of the request it answers)
//   5      2    payload length (0..RNNPOOL_WIRE_MAX_PAYLOAD)
//   7      n    payload (layout per type, see the structs below and payload_codec.h)
//   7+n    4    CRC-32 (IEEE 802.3, reflected, init/xorout 0xFFFFFFFF) over bytes 0..7+n-1
//
// All multi-byte integers are little-endian and packed explicitly byte by byte (never by struct
// memcpy), so the layout does not depend on compiler padding or host endianness.
// C99, no allocation, no floating point.
#ifndef RNNPOOL_WIRE_FORMAT_H
#define RNNPOOL_WIRE_FORMAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNPOOL_PROTOCOL_VERSION 1u

#define RNNPOOL_WIRE_MARKER0 0xA5u
#define RNNPOOL_WIRE_MARKER1 0x5Au
#define RNNPOOL_WIRE_HEADER_SIZE 7u
#define RNNPOOL_WIRE_CRC_SIZE 4u
#define RNNPOOL_WIRE_OVERHEAD (RNNPOOL_WIRE_HEADER_SIZE + RNNPOOL_WIRE_CRC_SIZE)
/* Hard cap of the protocol; a device may accept less and says so in HELLO_REPLY.max_payload. */
#define RNNPOOL_WIRE_MAX_PAYLOAD 4096u
#define RNNPOOL_WIRE_MAX_FRAME (RNNPOOL_WIRE_MAX_PAYLOAD + RNNPOOL_WIRE_OVERHEAD)

/* Requests have the high bit clear; the reply to request T is usually T | 0x80. */
typedef enum rnnpool_msg_type {
  RNNPOOL_MSG_PING = 0x01,              /* payload: any bytes (<= 64), echoed in PONG */
  RNNPOOL_MSG_HELLO = 0x02,             /* rnnpool_hello */
  RNNPOOL_MSG_FRAME_BEGIN = 0x10,       /* rnnpool_frame_begin -> FRAME_ACK */
  RNNPOOL_MSG_FRAME_CHUNK = 0x11,       /* rnnpool_frame_chunk -> FRAME_ACK */
  RNNPOOL_MSG_FRAME_END = 0x12,         /* rnnpool_frame_end -> DETECTIONS */
  RNNPOOL_MSG_GET_LAYER_DIGESTS = 0x13, /* empty -> LAYER_DIGESTS */
  RNNPOOL_MSG_GET_LAYER_TENSOR = 0x14,  /* rnnpool_layer_tensor_request -> LAYER_TENSOR */
  RNNPOOL_MSG_GET_TIMINGS = 0x15,       /* empty -> TIMINGS */
  RNNPOOL_MSG_GET_MEMORY_REPORT = 0x16, /* empty -> MEMORY_REPORT */

  RNNPOOL_MSG_PONG = 0x81,
  RNNPOOL_MSG_HELLO_REPLY = 0x82,   /* rnnpool_hello_reply */
  RNNPOOL_MSG_FRAME_ACK = 0x90,     /* rnnpool_frame_ack */
  RNNPOOL_MSG_DETECTIONS = 0x92,    /* rnnpool_detections */
  RNNPOOL_MSG_LAYER_DIGESTS = 0x93, /* rnnpool_layer_digests */
  RNNPOOL_MSG_LAYER_TENSOR = 0x94,  /* rnnpool_layer_tensor */
  RNNPOOL_MSG_TIMINGS = 0x95,       /* rnnpool_timings */
  RNNPOOL_MSG_MEMORY_REPORT = 0x96, /* rnnpool_memory_report */
  RNNPOOL_MSG_ERROR = 0xFF          /* rnnpool_error */
} rnnpool_msg_type;

/* Error codes carried by ERROR messages (and returned by the payload unpackers). */
typedef enum rnnpool_error_code {
  RNNPOOL_OK = 0,
  RNNPOOL_ERR_BAD_CRC = 1,           /* frame CRC mismatch */
  RNNPOOL_ERR_BAD_LENGTH = 2,        /* length field above what the receiver accepts */
  RNNPOOL_ERR_UNKNOWN_TYPE = 3,      /* type not in rnnpool_msg_type (or not a request) */
  RNNPOOL_ERR_BAD_PAYLOAD = 4,       /* payload size or field values invalid for its type */
  RNNPOOL_ERR_PROTOCOL_VERSION = 5,  /* HELLO from an incompatible protocol version */
  RNNPOOL_ERR_FRAME_UNSUPPORTED = 6, /* frame geometry or pixel format the model cannot take */
  RNNPOOL_ERR_NO_FRAME = 7,          /* CHUNK/END without a FRAME_BEGIN */
  RNNPOOL_ERR_FRAME_ID = 8,          /* frame id differs from the frame in progress */
  RNNPOOL_ERR_CHUNK_ORDER = 9,       /* chunk offset leaves a gap (chunks must arrive in order) */
  RNNPOOL_ERR_FRAME_INCOMPLETE = 10, /* FRAME_END before all pixels arrived */
  RNNPOOL_ERR_NOT_AVAILABLE = 11,    /* no finished frame, or that tensor is not kept */
  RNNPOOL_ERR_BAD_LAYER = 12,        /* layer index out of range */
  RNNPOOL_ERR_RX_OVERFLOW = 13,      /* receive ring overflowed; bytes were lost */
  RNNPOOL_ERR_BUFFER_TOO_SMALL = 14, /* caller's buffer cannot hold the packed message */
  RNNPOOL_ERR_INTERNAL = 15
} rnnpool_error_code;

/* Units of rnnpool_timings values. */
typedef enum rnnpool_time_unit {
  RNNPOOL_TIME_CYCLES = 0,      /* DWT->CYCCNT on hardware */
  RNNPOOL_TIME_INSTRUCTIONS = 1 /* QEMU -icount: SysTick virtual time converted to instructions */
} rnnpool_time_unit;

typedef enum rnnpool_pixel_format { RNNPOOL_PIXEL_GRAY8 = 0 } rnnpool_pixel_format;

typedef enum rnnpool_tensor_dtype {
  RNNPOOL_DTYPE_U8 = 0,
  RNNPOOL_DTYPE_I8 = 1,
  RNNPOOL_DTYPE_I16 = 2,
  RNNPOOL_DTYPE_I32 = 3
} rnnpool_tensor_dtype;

#define RNNPOOL_BOARD_NAME_MAX 24u
#define RNNPOOL_ERROR_TEXT_MAX 64u
#define RNNPOOL_PING_MAX 64u
#define RNNPOOL_MAX_LAYERS 64u
#define RNNPOOL_MAX_DETECTIONS 64u

/* HELLO: 2 bytes. */
typedef struct rnnpool_hello {
  uint16_t protocol_version;
} rnnpool_hello;

/* HELLO_REPLY: 22 bytes + board name. */
typedef struct rnnpool_hello_reply {
  uint16_t protocol_version;
  uint8_t fw_major, fw_minor, fw_patch;
  uint8_t time_unit;     /* rnnpool_time_unit of TIMINGS */
  uint32_t model_digest; /* CRC-32 of the model's weights; 0 while the model is a stub */
  uint32_t clock_hz;
  uint32_t arena_size;  /* bytes of the activation arena the firmware was built with */
  uint16_t max_payload; /* largest payload the device accepts (<= RNNPOOL_WIRE_MAX_PAYLOAD) */
  uint8_t layer_count;
  uint8_t board_len;                  /* bytes of board[] used, <= RNNPOOL_BOARD_NAME_MAX */
  char board[RNNPOOL_BOARD_NAME_MAX]; /* not NUL-terminated on the wire */
} rnnpool_hello_reply;

/* FRAME_BEGIN: 10 bytes. */
typedef struct rnnpool_frame_begin {
  uint32_t frame_id;
  uint16_t width, height;
  uint8_t channels;
  uint8_t pixel_format; /* rnnpool_pixel_format */
} rnnpool_frame_begin;

/* FRAME_CHUNK: 8 bytes + data. data points into the received payload (no copy). */
typedef struct rnnpool_frame_chunk {
  uint32_t frame_id;
  uint32_t offset; /* byte offset of data[0] in the row-major frame */
  uint16_t length;
  const uint8_t *data;
} rnnpool_frame_chunk;

/* FRAME_END: 4 bytes. */
typedef struct rnnpool_frame_end {
  uint32_t frame_id;
} rnnpool_frame_end;

/* FRAME_ACK: 8 bytes. bytes_received lets a host resume after a lost chunk. */
typedef struct rnnpool_frame_ack {
  uint32_t frame_id;
  uint32_t bytes_received;
} rnnpool_frame_ack;

/* One detection: 12 bytes. Box in input pixels; score in Q0.16 (65535 = 1.0). */
typedef struct rnnpool_detection {
  int16_t x0, y0, x1, y1;
  uint16_t score_q16;
  uint16_t label;
} rnnpool_detection;

/* DETECTIONS: 5 bytes + 12 per detection. */
typedef struct rnnpool_detections {
  uint32_t frame_id;
  uint8_t count;
  rnnpool_detection items[RNNPOOL_MAX_DETECTIONS];
} rnnpool_detections;

/* LAYER_DIGESTS: 5 bytes + 8 per layer: CRC-32 of each layer's integer output and its size. */
typedef struct rnnpool_layer_digests {
  uint32_t frame_id;
  uint8_t count;
  uint32_t crc[RNNPOOL_MAX_LAYERS];
  uint32_t bytes[RNNPOOL_MAX_LAYERS];
} rnnpool_layer_digests;

/* GET_LAYER_TENSOR: 7 bytes. The reply holds at most max_length bytes from offset. */
typedef struct rnnpool_layer_tensor_request {
  uint8_t layer;
  uint32_t offset;
  uint16_t max_length;
} rnnpool_layer_tensor_request;

/* LAYER_TENSOR: 22 bytes + data. */
typedef struct rnnpool_layer_tensor {
  uint32_t frame_id;
  uint8_t layer;
  uint8_t dtype; /* rnnpool_tensor_dtype */
  uint16_t height, width, channels;
  uint32_t total_bytes;
  uint32_t offset;
  uint16_t length;
  const uint8_t *data; /* points into the payload when unpacked */
} rnnpool_layer_tensor;

/* TIMINGS: 10 bytes + 4 per layer. */
typedef struct rnnpool_timings {
  uint32_t frame_id;
  uint8_t unit; /* rnnpool_time_unit */
  uint8_t count;
  uint32_t frame_total; /* time computing this frame (not waiting for pixels) */
  uint32_t layer[RNNPOOL_MAX_LAYERS];
} rnnpool_timings;

/* MEMORY_REPORT: 40 bytes. Every value in bytes. */
typedef struct rnnpool_memory_report {
  uint32_t ram_size;    /* RAM region of the linker script */
  uint32_t static_data; /* .data */
  uint32_t static_bss;  /* .bss (includes the UART buffers, excludes the arena) */
  uint32_t arena_size;
  uint32_t arena_high_water; /* most arena bytes in use at once so far */
  uint32_t stack_size;       /* reserved by the linker script */
  uint32_t stack_peak;       /* deepest stack use so far, by painting */
  uint32_t uart_buffers;     /* RX ring + frame decode buffer + TX buffer */
  uint32_t peak_total;       /* static_data + static_bss + arena_high_water + stack_peak */
  uint32_t rx_overflows;     /* bytes dropped by a full RX ring since reset */
} rnnpool_memory_report;

/* ERROR: 3 bytes + text. */
typedef struct rnnpool_error {
  uint8_t code;                      /* rnnpool_error_code */
  uint8_t request_type;              /* type of the offending message (0 when unknown) */
  uint8_t text_len;                  /* <= RNNPOOL_ERROR_TEXT_MAX */
  char text[RNNPOOL_ERROR_TEXT_MAX]; /* not NUL-terminated on the wire */
} rnnpool_error;

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_WIRE_FORMAT_H */
