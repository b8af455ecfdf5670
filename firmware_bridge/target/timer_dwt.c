// SPDX-License-Identifier: GPL-3.0-or-later
// Time on hardware: the DWT cycle counter (32 bits, wraps every ~25 s at 168 MHz), extended to
// 64 bits in software. Callers sample it at least once per layer, far more often than a wrap.
#include "firmware_bridge/target/stm32f4_regs.h"
#include "firmware_bridge/target/timer.h"

static uint32_t g_last;
static uint64_t g_high;

void timer_init(uint32_t clock_hz) {
  (void)clock_hz;
  DEMCR |= DEMCR_TRCENA;
  DWT_CYCCNT = 0;
  DWT_CTRL |= DWT_CTRL_CYCCNTENA;
  g_last = 0;
  g_high = 0;
}

uint64_t timer_now(void) {
  const uint32_t now = DWT_CYCCNT;
  if (now < g_last) g_high += (uint64_t)1 << 32;
  g_last = now;
  return g_high | now;
}

uint64_t timer_ticks(void) {
  return timer_now();
}

uint64_t timer_ticks_to_time(uint64_t ticks) {
  return ticks; /* cycles already */
}
