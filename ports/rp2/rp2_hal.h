/* rp2_hal.h: what the RP2040 port's files share with each other (not part of core/hal.h). */
#ifndef KILN_RP2_HAL_H
#define KILN_RP2_HAL_H

#include <stddef.h>
#include <stdint.h>

/* How clk_sys was reached; lower values mean a fallback was taken. */
typedef enum {
    RP2_CLOCK_ROSC = 0,     /* no crystal, or it never became stable: ROSC at its nominal speed */
    RP2_CLOCK_XOSC = 1,     /* crystal ok but PLL_SYS did not lock: clk_sys = crystal */
    RP2_CLOCK_PLL_SYS = 2,  /* crystal + PLL_SYS at the board's cpu_hz (or the nearest below) */
} rp2_clock_source_t;

/* Resets the peripherals, brings up XOSC/PLL_SYS/clk_ref/clk_sys/clk_peri and the 1 MHz tick. */
void rp2_clocks_init(void);
rp2_clock_source_t rp2_clock_source(void);
/* Takes peripherals out of reset (RESET_* bits) and waits until they are ready. */
void rp2_unreset(uint32_t bits);
uint32_t rp2_clk_peri_hz(void);
/* clk_usb (48 MHz from PLL_USB, or 0 when there is no crystal) and clk_adc. */
uint32_t rp2_clk_usb_hz(void);
uint32_t rp2_clk_adc_hz(void);

/* Console: UART KILN_REPL_UART on KILN_REPL_TX/RX at KILN_REPL_BAUD, plus USB CDC when the
 * board has repl.usb. */
void rp2_console_init(void);
/* Waits (bounded) until the console has sent everything, e.g. before a reset. */
void rp2_console_flush(void);

/* 64-bit microseconds since the TIMER was last reset (it never wraps in practice). */
uint64_t rp2_time_us(void);

/* Soft reset: every driver but the console back to its power-on state (PWM, SPI, I2C, ADC,
 * UARTs other than the console, TIMER alarms, GPIO interrupts, the watchdog), without resetting
 * the chip; hal_init runs the same re-initialisation at boot. */
void rp2_soft_reset(void);

/* hal_heap_region: bytes at the top of the heap to keep for the /flash RAM disk (0 when /flash is on the
 * flash chip); mod_os.c. Weak: the driver self-test links system.c without the Python modules. */
size_t rp2_fs_ram_carve(uint8_t *heap, size_t len) __attribute__((weak));

/* Called by the console while it waits for input (mod_machine.c: runs pending interrupt callbacks).
 * Weak: absent in the driver self-test. */
void rp2_console_idle(void) __attribute__((weak));

/* Records why the chip resets in the watchdog scratch words, then resets it. */
void rp2_reset_with_reason(uint32_t reason, uint32_t value, uint32_t detail) __attribute__((noreturn));

#endif
