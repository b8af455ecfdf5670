// SPDX-License-Identifier: GPL-3.0-or-later
// NUCLEO-F439ZI: 168 MHz from the 8 MHz ST-LINK MCO (HSE bypass) through the PLL, console on
// USART3 PD8 (TX) / PD9 (RX), AF7, which the ST-LINK exposes as its virtual COM port.
// Every wait is bounded: without an HSE clock the board stays on the 16 MHz HSI and says so in
// board_info.clock_hz instead of hanging.
#include "firmware_bridge/protocol/wire_format.h"
#include "firmware_bridge/target/board.h"
#include "firmware_bridge/target/stm32f4_regs.h"
#include "firmware_bridge/target/uart.h"

#ifndef RNNPOOL_NUCLEO_BAUD
#define RNNPOOL_NUCLEO_BAUD 115200u /* 921600 also works with the ST-LINK/V2-1 */
#endif

#define HSI_HZ 16000000u
#define PLL_HZ 168000000u
#define READY_SPINS 1000000u

/* PLL: 8 MHz / M=8 * N=336 / P=2 = 168 MHz; Q=7 gives 48 MHz for USB. */
#define PLL_M 8u
#define PLL_N 336u
#define PLL_P_DIV2 0u
#define PLL_Q 7u

static board_info g_info = {
    .name = "nucleo-f439zi",
    .clock_hz = HSI_HZ,
    .uart_base = USART3_BASE,
    .uart_irqn = USART3_IRQN,
    .time_unit = RNNPOOL_TIME_CYCLES,
    .time_per_sec = HSI_HZ,
};

static int wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t value) {
  for (uint32_t i = 0; i < READY_SPINS; ++i)
    if ((*reg & mask) == value) return 1;
  return 0;
}

static int start_pll_from_hse(void) {
  RCC_CR |= RCC_CR_HSEBYP | RCC_CR_HSEON;
  if (!wait_set(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) return 0;
  RCC_APB1ENR |= RCC_APB1ENR_PWREN;
  PWR_CR |= PWR_CR_VOS_SCALE1;
  RCC_PLLCFGR = PLL_M | (PLL_N << 6) | (PLL_P_DIV2 << 16) | RCC_PLLCFGR_SRC_HSE | (PLL_Q << 24);
  RCC_CR |= RCC_CR_PLLON;
  if (!wait_set(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) return 0;
  /* 5 wait states at 168 MHz and 3.3 V, before switching the clock up. */
  FLASH_ACR = FLASH_ACR_LATENCY_5WS | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN;
  RCC_CFGR = RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2 | RCC_CFGR_SW_PLL;
  return wait_set(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL);
}

static void console_pins(void) {
  RCC_AHB1ENR |= RCC_AHB1ENR_GPIODEN;
  /* PD8, PD9: alternate function mode (10), high speed, pull-up on RX, AF7 = USART3. */
  GPIOD_MODER = (GPIOD_MODER & ~(0xFu << 16)) | (0xAu << 16);
  GPIOD_OSPEEDR |= 0xFu << 16;
  GPIOD_PUPDR = (GPIOD_PUPDR & ~(0xFu << 16)) | (0x4u << 16);
  GPIOD_AFRH = (GPIOD_AFRH & ~0xFFu) | 0x77u;
}

void board_init(void) {
  if (start_pll_from_hse()) g_info.clock_hz = PLL_HZ;
  g_info.time_per_sec = g_info.clock_hz;
  /* APB1 runs at HCLK/4 on the PLL; on the HSI fallback the prescaler is still 1. */
  const uint32_t apb1_hz = g_info.clock_hz == PLL_HZ ? PLL_HZ / 4u : HSI_HZ;
  console_pins();
  RCC_APB1ENR |= RCC_APB1ENR_USART3EN;
  USART_BRR(USART3_BASE) = (apb1_hz + RNNPOOL_NUCLEO_BAUD / 2u) / RNNPOOL_NUCLEO_BAUD;
  USART_CR1(USART3_BASE) = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE;
}

const board_info *board_get_info(void) {
  return &g_info;
}

void USART3_IRQHandler(void) {
  uart_irq_handler();
}
