// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/target/uart.h"

#include "firmware_bridge/target/stm32f4_regs.h"

#if (RNNPOOL_UART_RX_RING & (RNNPOOL_UART_RX_RING - 1u)) != 0
#error "RNNPOOL_UART_RX_RING must be a power of two"
#endif

static uint32_t g_base;
static uint8_t g_ring[RNNPOOL_UART_RX_RING];
/* Single producer (ISR writes head) and single consumer (main loop writes tail). */
static volatile uint32_t g_head, g_tail;
static volatile uint32_t g_overflows;

void uart_init(uint32_t base, uint32_t irqn) {
  g_base = base;
  g_head = g_tail = 0;
  USART_CR1(base) |= USART_CR1_RXNEIE;
  NVIC_ISER(irqn / 32u) = 1u << (irqn % 32u);
}

void uart_irq_handler(void) {
  uint32_t sr;
  while ((sr = USART_SR(g_base)) & (USART_SR_RXNE | USART_SR_ORE)) {
    /* Reading DR after SR clears RXNE and ORE alike. */
    const uint8_t byte = (uint8_t)USART_DR(g_base);
    if (sr & USART_SR_ORE) ++g_overflows;
    if (!(sr & USART_SR_RXNE)) continue;
    const uint32_t head = g_head;
    if (head - g_tail >= RNNPOOL_UART_RX_RING) {
      ++g_overflows;
      continue;
    }
    g_ring[head & (RNNPOOL_UART_RX_RING - 1u)] = byte;
    g_head = head + 1u;
  }
}

int uart_read_byte(void) {
  const uint32_t tail = g_tail;
  if (tail == g_head) return -1;
  const uint8_t byte = g_ring[tail & (RNNPOOL_UART_RX_RING - 1u)];
  g_tail = tail + 1u;
  return byte;
}

void uart_wait_for_data(void) {
  /* With interrupts masked, a byte arriving between the check and WFI still wakes the core
   * (WFI wakes on a pending interrupt regardless of PRIMASK), so no wake-up is lost. */
  __asm volatile("cpsid i" ::: "memory");
  if (g_head == g_tail) __asm volatile("wfi" ::: "memory");
  __asm volatile("cpsie i" ::: "memory");
}

void uart_write(const uint8_t *data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    while (!(USART_SR(g_base) & USART_SR_TXE)) {
    }
    USART_DR(g_base) = data[i];
  }
}

uint32_t uart_rx_overflows(void) {
  return g_overflows;
}
