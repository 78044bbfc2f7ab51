/* system.c: RP2040 hal_init, heap region, and resets (plain, exit code, fault) via the watchdog. */
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

/* From the linker script: RAM left over after .data and .bss. */
extern uint8_t __kiln_heap_start[];
extern uint8_t __kiln_heap_end[];

void hal_init(void) {
    rp2_clocks_init();
    rp2_console_init();
    __asm volatile("cpsie i" ::: "memory");
}

void hal_heap_region(void **start, size_t *len) {
    *start = __kiln_heap_start;
    *len = (size_t)(__kiln_heap_end - __kiln_heap_start);
}

/* The reason survives in watchdog SCRATCH0..2 (the bootrom only uses 4..7): rp2040js' runner
 * reads it when the watchdog fires, and on hardware the next boot could. */
void rp2_reset_with_reason(uint32_t reason, uint32_t value, uint32_t detail) {
    __asm volatile("cpsid i" ::: "memory");
    rp2_console_flush();
    REG32(WATCHDOG_BASE + WATCHDOG_SCRATCH0) = reason;
    REG32(WATCHDOG_BASE + WATCHDOG_SCRATCH1) = value;
    REG32(WATCHDOG_BASE + WATCHDOG_SCRATCH2) = detail;
    /* Restart every power domain except the oscillators, then pull the trigger. */
    REG32(PSM_WDSEL) = PSM_ALL & ~(PSM_ROSC | PSM_XOSC);
    REG_SET(WATCHDOG_BASE + WATCHDOG_CTRL, WATCHDOG_CTRL_TRIGGER);
    /* Not reached on silicon; a system reset request is the fallback. */
    REG32(PPB_AIRCR) = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    for (;;) {
        __asm volatile("wfi");
    }
}

void hal_reset(void) {
    rp2_reset_with_reason(0u, 0u, 0u);
}

/* No semihosting in rp2040js: the exit code rides the watchdog reset (see ports/rp2/README.md). */
void hal_exit(int code) {
    rp2_reset_with_reason(KILN_RP2_SCRATCH_EXIT, (uint32_t)code, 0u);
}
