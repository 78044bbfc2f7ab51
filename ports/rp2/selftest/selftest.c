/* selftest.c: test-only kiln_main running the RP2040 driver self-test on the rp2040js bench. */
/* test-only kiln_main for the RP2040 drivers: runs each driver's checks against the rp2040js bench
 * (kiln/emulators/rp2040js_runner.mjs --bench), reports over the console and exits with the number
 * of failures. Built by `scons BOARD=<id> build/<id>/selftest/firmware.uf2`. */
#include "selftest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board_config.h"
#include "hal.h"
#include "kiln_main.h"
#include "rp2040.h"
#include "rp2_uart.h"

/* Survives the watchdog reset: SCRATCH3 = phase, SCRATCH1 = failures so far (the exit protocol
 * uses SCRATCH0..2 only when the firmware itself triggers the reset). */
#define ST_SCRATCH_PHASE (WATCHDOG_BASE + 0x18u)
#define ST_SCRATCH_FAILURES (WATCHDOG_BASE + 0x10u)
#define ST_PHASE_WDT 0x57445431u /* "WDT1" */

static struct {
    uint32_t checks;
    uint32_t failures;
} st;

/* Reports go to the console UART only: the USB bench owns the CDC port. */
void st_say(const char *text) {
    rp2_uart_write(KILN_REPL_UART, (const uint8_t *)text, strlen(text));
}

void st_check(int ok, const char *name, const char *detail_format, ...) {
    char line[160];
    int n = snprintf(line, sizeof line, "%s %s ", ok ? "ok" : "FAIL", name);
    va_list args;
    va_start(args, detail_format);
    vsnprintf(line + n, sizeof line - (size_t)n, detail_format, args);
    va_end(args);
    st_say(line);
    st_say("\r\n");
    st.checks++;
    st.failures += !ok;
}

void st_value(const char *name, long value) {
    char line[80];
    snprintf(line, sizeof line, "val %s=%ld\r\n", name, value);
    st_say(line);
}

int st_wait_for(volatile uint32_t *flag, uint32_t want, uint32_t timeout_us) {
    uint32_t start = hal_ticks_us();
    while (*flag != want) {
        if (hal_ticks_us() - start > timeout_us) {
            return 0;
        }
    }
    return 1;
}

static __attribute__((noreturn)) void finish(uint32_t failures) {
    char line[80];
    snprintf(line, sizeof line, "selftest done: %lu failed\r\n", (unsigned long)failures);
    st_say(line);
    hal_exit((int)failures);
}

void kiln_main(void) {
    if (REG32(ST_SCRATCH_PHASE) == ST_PHASE_WDT) {
        REG32(ST_SCRATCH_PHASE) = 0;
        st.failures = REG32(ST_SCRATCH_FAILURES);
        st_wdt_after_reset();
        finish(st.failures);
    }
    st_say("selftest: d = drivers, u = USB bench\r\n");
    int mode = hal_stdin_read();
    if (mode == 'u') {
        st_usb_bench();
        finish(st.failures);
    }
    st_clocks();
    st_gpio();
    st_alarm();
    st_uart();
    st_i2c();
    st_spi();
    st_adc();
    st_pwm();
    st_soft_reset();
    REG32(ST_SCRATCH_FAILURES) = st.failures;
    REG32(ST_SCRATCH_PHASE) = ST_PHASE_WDT;
    st_wdt_run(); /* resets the chip; comes back only if the watchdog never fires */
    REG32(ST_SCRATCH_PHASE) = 0;
    finish(st.failures);
}
