// SPDX-License-Identifier: GPL-3.0-or-later
// Reset and vector table for STM32F4 (91 interrupts: enough for both the F405 and the F439).
// Reset_Handler enables the FPU, copies .data, zeroes .bss, paints the stack for peak-stack
// measurement (memory_stats.c), then calls main. Faults reset the chip: a device that reboots
// answers PING again, one that spins in a fault handler never does.
#include "firmware_bridge/target/memory_stats.h"
#include "firmware_bridge/target/stm32f4_regs.h"

#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;
int main(void);

void Reset_Handler(void);
void Default_Handler(void);
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));
void USART1_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));
void USART3_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*vector_fn)(void);

__attribute__((section(".isr_vector"), used)) const vector_fn g_vectors[16 + 91] = {
    (vector_fn)(uintptr_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    Default_Handler,   /* IRQ 0 */
    Default_Handler,   /* IRQ 1 */
    Default_Handler,   /* IRQ 2 */
    Default_Handler,   /* IRQ 3 */
    Default_Handler,   /* IRQ 4 */
    Default_Handler,   /* IRQ 5 */
    Default_Handler,   /* IRQ 6 */
    Default_Handler,   /* IRQ 7 */
    Default_Handler,   /* IRQ 8 */
    Default_Handler,   /* IRQ 9 */
    Default_Handler,   /* IRQ 10 */
    Default_Handler,   /* IRQ 11 */
    Default_Handler,   /* IRQ 12 */
    Default_Handler,   /* IRQ 13 */
    Default_Handler,   /* IRQ 14 */
    Default_Handler,   /* IRQ 15 */
    Default_Handler,   /* IRQ 16 */
    Default_Handler,   /* IRQ 17 */
    Default_Handler,   /* IRQ 18 */
    Default_Handler,   /* IRQ 19 */
    Default_Handler,   /* IRQ 20 */
    Default_Handler,   /* IRQ 21 */
    Default_Handler,   /* IRQ 22 */
    Default_Handler,   /* IRQ 23 */
    Default_Handler,   /* IRQ 24 */
    Default_Handler,   /* IRQ 25 */
    Default_Handler,   /* IRQ 26 */
    Default_Handler,   /* IRQ 27 */
    Default_Handler,   /* IRQ 28 */
    Default_Handler,   /* IRQ 29 */
    Default_Handler,   /* IRQ 30 */
    Default_Handler,   /* IRQ 31 */
    Default_Handler,   /* IRQ 32 */
    Default_Handler,   /* IRQ 33 */
    Default_Handler,   /* IRQ 34 */
    Default_Handler,   /* IRQ 35 */
    Default_Handler,   /* IRQ 36 */
    USART1_IRQHandler, /* IRQ 37 */
    Default_Handler,   /* IRQ 38 */
    USART3_IRQHandler, /* IRQ 39 */
    Default_Handler,   /* IRQ 40 */
    Default_Handler,   /* IRQ 41 */
    Default_Handler,   /* IRQ 42 */
    Default_Handler,   /* IRQ 43 */
    Default_Handler,   /* IRQ 44 */
    Default_Handler,   /* IRQ 45 */
    Default_Handler,   /* IRQ 46 */
    Default_Handler,   /* IRQ 47 */
    Default_Handler,   /* IRQ 48 */
    Default_Handler,   /* IRQ 49 */
    Default_Handler,   /* IRQ 50 */
    Default_Handler,   /* IRQ 51 */
    Default_Handler,   /* IRQ 52 */
    Default_Handler,   /* IRQ 53 */
    Default_Handler,   /* IRQ 54 */
    Default_Handler,   /* IRQ 55 */
    Default_Handler,   /* IRQ 56 */
    Default_Handler,   /* IRQ 57 */
    Default_Handler,   /* IRQ 58 */
    Default_Handler,   /* IRQ 59 */
    Default_Handler,   /* IRQ 60 */
    Default_Handler,   /* IRQ 61 */
    Default_Handler,   /* IRQ 62 */
    Default_Handler,   /* IRQ 63 */
    Default_Handler,   /* IRQ 64 */
    Default_Handler,   /* IRQ 65 */
    Default_Handler,   /* IRQ 66 */
    Default_Handler,   /* IRQ 67 */
    Default_Handler,   /* IRQ 68 */
    Default_Handler,   /* IRQ 69 */
    Default_Handler,   /* IRQ 70 */
    Default_Handler,   /* IRQ 71 */
    Default_Handler,   /* IRQ 72 */
    Default_Handler,   /* IRQ 73 */
    Default_Handler,   /* IRQ 74 */
    Default_Handler,   /* IRQ 75 */
    Default_Handler,   /* IRQ 76 */
    Default_Handler,   /* IRQ 77 */
    Default_Handler,   /* IRQ 78 */
    Default_Handler,   /* IRQ 79 */
    Default_Handler,   /* IRQ 80 */
    Default_Handler,   /* IRQ 81 */
    Default_Handler,   /* IRQ 82 */
    Default_Handler,   /* IRQ 83 */
    Default_Handler,   /* IRQ 84 */
    Default_Handler,   /* IRQ 85 */
    Default_Handler,   /* IRQ 86 */
    Default_Handler,   /* IRQ 87 */
    Default_Handler,   /* IRQ 88 */
    Default_Handler,   /* IRQ 89 */
    Default_Handler,   /* IRQ 90 */
};

void Default_Handler(void) {
  SCB_AIRCR = SCB_AIRCR_SYSRESETREQ;
  for (;;) {
  }
}

static void paint_stack(void) {
  uintptr_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  /* Stop short of the live frame of this function. */
  volatile uint32_t *word = &_sstack;
  while ((uintptr_t)word < sp - 64u)
    *word++ = MEMORY_STATS_STACK_PAINT;
}

void Reset_Handler(void) {
  /* Full access to CP10/CP11 before any code could use an FP register. */
  SCB_CPACR |= 0xFu << 20;
  __asm volatile("dsb\n isb" ::: "memory");
  const uint32_t *src = &_sidata;
  for (uint32_t *dst = &_sdata; dst < &_edata;)
    *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;)
    *dst++ = 0;
  paint_stack();
  main();
  Default_Handler();
}
