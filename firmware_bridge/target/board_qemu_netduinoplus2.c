// SPDX-License-Identifier: GPL-3.0-or-later
// QEMU's netduinoplus2 machine: an STM32F405 model at 168 MHz with USART1 at 0x40011000 wired
// to `-serial`. QEMU leaves the RCC unimplemented (writes ignored, reads 0), so waiting for a
// clock-ready bit would hang forever: this board only enables the USART itself.
#include "firmware_bridge/protocol/wire_format.h"
#include "firmware_bridge/target/board.h"
#include "firmware_bridge/target/stm32f4_regs.h"
#include "firmware_bridge/target/uart.h"

#define QEMU_SYSCLK_HZ 168000000u
#define QEMU_APB2_HZ (QEMU_SYSCLK_HZ / 2u)
#define CONSOLE_BAUD 115200u

static const board_info kInfo = {
    .name = "qemu-netduinoplus2",
    .clock_hz = QEMU_SYSCLK_HZ,
    .uart_base = USART1_BASE,
    .uart_irqn = USART1_IRQN,
    .time_unit = RNNPOOL_TIME_INSTRUCTIONS,
    /* -icount shift=3: one instruction per 8 ns of virtual time. */
    .time_per_sec = 125000000u,
};

void board_init(void) {
  /* Harmless on QEMU, needed if this image ever runs on a real F405. */
  RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
  USART_BRR(USART1_BASE) = (QEMU_APB2_HZ + CONSOLE_BAUD / 2u) / CONSOLE_BAUD;
  USART_CR1(USART1_BASE) = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE;
}

const board_info *board_get_info(void) {
  return &kInfo;
}

void USART1_IRQHandler(void) {
  uart_irq_handler();
}
