// SPDX-License-Identifier: GPL-3.0-or-later
// The device side of the protocol: turns each decoded request into exactly one reply (or an
// ERROR), drives the model with frame chunks as they arrive and keeps the last results so a
// host can re-ask after a lost reply. No register access here: the board reaches it only
// through the config callbacks.
#ifndef RNNPOOL_DEVICE_SERVICE_H
#define RNNPOOL_DEVICE_SERVICE_H

#include "firmware_bridge/protocol/wire_format.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNPOOL_FW_VERSION_MAJOR 0u
#define RNNPOOL_FW_VERSION_MINOR 1u
#define RNNPOOL_FW_VERSION_PATCH 0u

/* Largest reply payload the device builds (tensor slices are cut to fit). */
#ifndef RNNPOOL_FW_TX_PAYLOAD
#define RNNPOOL_FW_TX_PAYLOAD 1024u
#endif

typedef struct device_service_config {
  const char *board_name;
  uint32_t clock_hz;
  uint8_t time_unit;     /* rnnpool_time_unit of the timings it reports */
  uint16_t max_payload;  /* largest request payload the receive path accepts */
  uint32_t uart_buffers; /* bytes of RX ring + decode buffer (the service adds its TX buffer) */
  void (*send)(const uint8_t *frame, size_t length);
  /* Fills ram_size, static_data, static_bss, stack_size, stack_peak and rx_overflows. */
  void (*fill_memory)(rnnpool_memory_report *report);
} device_service_config;

void device_service_init(const device_service_config *config);
void device_service_on_message(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t length);
/* A frame the decoder rejected (rnnpool_decode_status BAD_LENGTH or BAD_CRC). */
void device_service_on_decode_error(int status, uint8_t type, uint16_t seq);
/* Received bytes were lost; the host should retry its last request. */
void device_service_on_rx_overflow(void);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_DEVICE_SERVICE_H */
