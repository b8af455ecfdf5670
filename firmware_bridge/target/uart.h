// SPDX-License-Identifier: GPL-3.0-or-later
// Console USART driver: interrupt-driven RX into a ring buffer (so bytes are not lost while
// the model computes), blocking TX.
#ifndef RNNPOOL_UART_H
#define RNNPOOL_UART_H

#include <stddef.h>
#include <stdint.h>

#ifndef RNNPOOL_UART_RX_RING
#define RNNPOOL_UART_RX_RING 1024u /* power of two */
#endif

void uart_init(uint32_t base, uint32_t irqn);
/* Next received byte, or -1 when the ring is empty. */
int uart_read_byte(void);
/* Sleeps (WFI) until the ring holds a byte or any interrupt fires. */
void uart_wait_for_data(void);
void uart_write(const uint8_t *data, size_t length);
/* Bytes dropped because the ring was full (or the USART overran) since reset. */
uint32_t uart_rx_overflows(void);
void uart_irq_handler(void);

#endif /* RNNPOOL_UART_H */
