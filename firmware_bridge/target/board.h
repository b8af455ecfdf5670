// SPDX-License-Identifier: GPL-3.0-or-later
// What each board file provides: clocks, pins and the console USART. main.c and the device
// service only see this interface.
#ifndef RNNPOOL_BOARD_H
#define RNNPOOL_BOARD_H

#include <stdint.h>

typedef struct board_info {
  const char *name;      /* sent in HELLO_REPLY */
  uint32_t clock_hz;     /* core clock actually running */
  uint32_t uart_base;    /* console USART registers */
  uint32_t uart_irqn;    /* its NVIC interrupt number */
  uint8_t time_unit;     /* rnnpool_time_unit that timer_now() counts in */
  uint32_t time_per_sec; /* timer_now() units per second of (virtual) time */
} board_info;

/* Brings up clocks, GPIO and the console USART (enabled for RX and TX, no interrupts yet). */
void board_init(void);
const board_info *board_get_info(void);

#endif /* RNNPOOL_BOARD_H */
