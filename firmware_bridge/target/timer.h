// SPDX-License-Identifier: GPL-3.0-or-later
// A free-running 64-bit time counter for self-measurement. Its unit depends on the board:
// CPU cycles on hardware (DWT->CYCCNT), instructions under QEMU -icount (SysTick virtual time).
#ifndef RNNPOOL_TIMER_H
#define RNNPOOL_TIMER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void timer_init(uint32_t clock_hz);
uint64_t timer_now(void);
/* The raw counter (cheap to read, no division): for fine-grained measurement, converted once. */
uint64_t timer_ticks(void);
uint64_t timer_ticks_to_time(uint64_t ticks);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_TIMER_H */
