// SPDX-License-Identifier: GPL-3.0-or-later
// RAM use measured on the device: static sizes from linker symbols, peak stack by painting
// (startup.c fills the stack region with MEMORY_STATS_STACK_PAINT before main).
#ifndef RNNPOOL_MEMORY_STATS_H
#define RNNPOOL_MEMORY_STATS_H

#include <stdint.h>

#define MEMORY_STATS_STACK_PAINT 0xC0DEF00Du

uint32_t memory_stats_ram_size(void);
uint32_t memory_stats_data_bytes(void);
uint32_t memory_stats_bss_bytes(void);
uint32_t memory_stats_stack_size(void);
/* Deepest stack use since reset: the lowest word no longer holding the paint. */
uint32_t memory_stats_stack_peak(void);

#endif /* RNNPOOL_MEMORY_STATS_H */
