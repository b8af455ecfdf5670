// SPDX-License-Identifier: GPL-3.0-or-later
// Time under QEMU: QEMU has no DWT cycle counter, but with `-icount shift=S` every instruction
// advances virtual time by exactly 2^S ns and SysTick runs on that virtual clock. So
//   instructions = ticks * 1e9 / (clock_hz * 2^S)
// is deterministic. SysTick is only 24 bits wide; its wrap interrupt extends it to 64.
#include "firmware_bridge/target/stm32f4_regs.h"
#include "firmware_bridge/target/timer.h"

#ifndef RNNPOOL_QEMU_ICOUNT_SHIFT
#define RNNPOOL_QEMU_ICOUNT_SHIFT 3
#endif

#define SYSTICK_RELOAD 0xFFFFFFu

static volatile uint32_t g_wraps;
static uint32_t g_num = 1, g_den = 1; /* instructions per tick, reduced fraction */

void SysTick_Handler(void) {
  ++g_wraps;
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  while (b != 0) {
    const uint32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

void timer_init(uint32_t clock_hz) {
  uint32_t num = 1000000000u;
  uint32_t den = clock_hz << RNNPOOL_QEMU_ICOUNT_SHIFT;
  if (den == 0) den = 1;
  const uint32_t g = gcd(num, den);
  g_num = num / g;
  g_den = den / g;
  SYST_RVR = SYSTICK_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

static uint64_t ticks_now(void) {
  /* Re-read if a wrap happened between reading the wrap count and the down-counter. */
  uint32_t wraps, value;
  do {
    wraps = g_wraps;
    value = SYST_CVR;
  } while (wraps != g_wraps);
  return ((uint64_t)wraps << 24) + (SYSTICK_RELOAD - value);
}

uint64_t timer_ticks(void) {
  return ticks_now();
}

uint64_t timer_ticks_to_time(uint64_t ticks) {
  return ticks * g_num / g_den;
}

uint64_t timer_now(void) {
  return timer_ticks_to_time(ticks_now());
}
