/* system.c: RP2040 hal_init, heap region, and resets (plain, exit code, fault) via the watchdog. */
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "rp2040.h"
#include "board_config.h"
#include "rp2_adc.h"
#include "rp2_alarm.h"
#include "rp2_flash.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"
#include "rp2_i2c.h"
#include "rp2_pwm.h"
#include "rp2_qspi.h"
#include "rp2_spi.h"
#include "rp2_uart.h"
#include "rp2_unique_id.h"
#include "rp2_wdt.h"

/* From the linker script: RAM left over after .data and .bss. */
extern uint8_t __kiln_heap_start[];
extern uint8_t __kiln_heap_end[];

/* hal_init (after the clocks) and a soft reset share this: each driver's state struct starts over. */
void rp2_soft_reset(void) {
    rp2_wdt_disable();
    rp2_alarm_reset_state();
    rp2_gpio_reset_state();
    rp2_pwm_reset_state();
    rp2_spi_reset_state();
    rp2_i2c_reset_state();
    rp2_adc_reset_state();
    for (uint32_t uart = 0; uart < RP2_UART_COUNT; uart++) {
        if (uart != KILN_REPL_UART) {
            rp2_uart_deinit(uart);
        }
    }
}

void hal_init(void) {
    rp2_clocks_init();
    rp2_qspi_init(); /* copies boot2 while XIP still runs on it */
    rp2_flash_init();
    rp2_unique_id_reset_state();
    rp2_soft_reset();
    rp2_console_init();
    __asm volatile("cpsie i" ::: "memory");
}

void hal_heap_region(void **start, size_t *len) {
    *start = __kiln_heap_start;
    *len = (size_t)(__kiln_heap_end - __kiln_heap_start);
    if (rp2_fs_ram_carve) *len -= rp2_fs_ram_carve(*start, *len); /* the /flash RAM disk, when the flash cannot hold it */
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

bool hal_exit_ends_run(void) {
#ifdef KILN_EMULATOR
    return true;
#else
    return false;
#endif
}

/* No semihosting in rp2040js: the exit code rides the watchdog reset (see ports/rp2/README.md). */
void hal_exit(int code) {
    rp2_reset_with_reason(KILN_RP2_SCRATCH_EXIT, (uint32_t)code, 0u);
}
