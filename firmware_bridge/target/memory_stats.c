// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/target/memory_stats.h"

/* Defined by ld/sections.ld. */
extern uint32_t _sdata, _edata, _sbss, _ebss, _sstack, _estack, __ram_start, __ram_end;

static uint32_t span(const uint32_t *begin, const uint32_t *end) {
  return (uint32_t)((uintptr_t)end - (uintptr_t)begin);
}

uint32_t memory_stats_ram_size(void) {
  return span(&__ram_start, &__ram_end);
}
uint32_t memory_stats_data_bytes(void) {
  return span(&_sdata, &_edata);
}
uint32_t memory_stats_bss_bytes(void) {
  return span(&_sbss, &_ebss);
}
uint32_t memory_stats_stack_size(void) {
  return span(&_sstack, &_estack);
}

uint32_t memory_stats_stack_peak(void) {
  const volatile uint32_t *word = &_sstack;
  while (word < &_estack && *word == MEMORY_STATS_STACK_PAINT)
    ++word;
  return span((const uint32_t *)word, &_estack);
}
