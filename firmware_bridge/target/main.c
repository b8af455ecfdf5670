// SPDX-License-Identifier: GPL-3.0-or-later
// Firmware main loop: bytes from the UART ring go through the shared frame decoder; each
// complete request goes to the device service, which sends exactly one reply. The loop sleeps
// when there is nothing to do; a byte arriving after an idle gap drops any half-received
// frame first, so a truncated message cannot swallow the next one.
#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/target/board.h"
#include "firmware_bridge/target/device_service.h"
#include "firmware_bridge/target/memory_stats.h"
#include "firmware_bridge/target/timer.h"
#include "firmware_bridge/target/uart.h"

#ifndef RNNPOOL_FW_RX_PAYLOAD
#define RNNPOOL_FW_RX_PAYLOAD 2048u /* advertised in HELLO_REPLY.max_payload */
#endif
#define IDLE_RESET_DIVISOR 2u /* drop a partial frame after 1/2 s without bytes */

static uint8_t g_rx_payload[RNNPOOL_FW_RX_PAYLOAD];
static rnnpool_wire_decoder g_decoder;

static void fill_memory(rnnpool_memory_report *report) {
  report->ram_size = memory_stats_ram_size();
  report->static_data = memory_stats_data_bytes();
  report->static_bss = memory_stats_bss_bytes();
  report->stack_size = memory_stats_stack_size();
  report->stack_peak = memory_stats_stack_peak();
  report->rx_overflows = uart_rx_overflows();
}

int main(void) {
  board_init();
  const board_info *board = board_get_info();
  timer_init(board->clock_hz);
  rnnpool_wire_decoder_init(&g_decoder, g_rx_payload, (uint16_t)sizeof g_rx_payload);

  const device_service_config config = {
      .board_name = board->name,
      .clock_hz = board->clock_hz,
      .time_unit = board->time_unit,
      .max_payload = (uint16_t)sizeof g_rx_payload,
      .uart_buffers = RNNPOOL_UART_RX_RING + (uint32_t)sizeof g_rx_payload,
      .send = uart_write,
      .fill_memory = fill_memory,
  };
  device_service_init(&config);
  uart_init(board->uart_base, board->uart_irqn);

  const uint64_t idle_limit = board->time_per_sec / IDLE_RESET_DIVISOR;
  uint64_t last_byte = timer_now();
  uint32_t overflows_seen = 0;
  for (;;) {
    const uint32_t overflows = uart_rx_overflows();
    if (overflows != overflows_seen) {
      overflows_seen = overflows;
      rnnpool_wire_decoder_reset(&g_decoder);
      device_service_on_rx_overflow();
    }
    const int byte = uart_read_byte();
    if (byte < 0) {
      uart_wait_for_data();
      continue;
    }
    const uint64_t now = timer_now();
    if (rnnpool_wire_decoder_in_frame(&g_decoder) && now - last_byte > idle_limit)
      rnnpool_wire_decoder_reset(&g_decoder);
    last_byte = now;
    const rnnpool_decode_status status = rnnpool_wire_decoder_push(&g_decoder, (uint8_t)byte);
    if (status == RNNPOOL_DECODE_MESSAGE)
      device_service_on_message(g_decoder.type, g_decoder.seq, g_decoder.payload, g_decoder.length);
    else if (status != RNNPOOL_DECODE_MORE)
      device_service_on_decode_error(status, g_decoder.type, g_decoder.seq);
  }
}
