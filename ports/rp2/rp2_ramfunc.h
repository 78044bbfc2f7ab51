/* rp2_ramfunc.h: placing functions in SRAM for code that runs while flash is unreadable. */
/* placing functions in SRAM (copied with .data at boot) for code that must run while the flash is
 * not readable (XIP off, flash chip select overridden). */
#ifndef KILN_RP2_RAMFUNC_H
#define KILN_RP2_RAMFUNC_H

#include <stdint.h>

#include "rp2040.h"

/* Each function gets its own .data_ramfunc.<name> section: the linker script's *(.data*) copies
 * it to RAM with the rest of .data, and --gc-sections can still drop it when unused. Rules for
 * such code: call only other RP2_RAMFUNC functions or always-inline helpers, no division or
 * struct copies (libgcc/memcpy live in flash), no const tables, no flash-resident data. */
#define RP2_RAMFUNC(name) __attribute__((section(".data_ramfunc." #name), noinline)) name

/* The TIMER's low word, readable with XIP off (a plain register load, always inlined). */
static inline __attribute__((always_inline)) uint32_t rp2_ram_time_us(void) {
    return REG32(TIMER_TIMERAWL);
}

/* Masks interrupts; returns the previous PRIMASK for rp2_ram_irq_restore. */
static inline __attribute__((always_inline)) uint32_t rp2_ram_irq_save(void) {
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline __attribute__((always_inline)) void rp2_ram_irq_restore(uint32_t primask) {
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

#endif
