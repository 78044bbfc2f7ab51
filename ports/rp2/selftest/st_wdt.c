/* st_wdt.c: self-test of the watchdog, across the reset it causes. */
/* self-test of the watchdog: fed, it must not fire; left alone, it resets the chip, and the next
 * boot finds the watchdog timeout as the reset cause. */
#include "selftest.h"

#include "hal.h"
#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_reset.h"
#include "rp2_wdt.h"

#define TIMEOUT_MS 50u

void st_wdt_run(void) {
    st_check(rp2_wdt_enable(0) == RP2_ERR_INVALID && rp2_wdt_enable(RP2_WDT_MAX_MS + 1u) == RP2_ERR_INVALID,
             "wdt.bad_args", "refused");
    rp2_wdt_enable(TIMEOUT_MS);
    for (int i = 0; i < 20; i++) { /* 200 ms of 10 ms feeds: four timeouts' worth */
        hal_delay_ms(10);
        rp2_wdt_feed();
    }
    st_check(1, "wdt.fed", "no reset in 200 ms");
    st_say("wdt: not feeding any more\r\n");
    REG32(WATCHDOG_BASE + WATCHDOG_SCRATCH0) = 0; /* a plain reset for the runner, not an exit */
    hal_delay_ms(10u * TIMEOUT_MS);
    rp2_wdt_disable();
    st_check(0, "wdt.timeout_reset", "no reset after %u ms", 10u * TIMEOUT_MS);
}

void st_wdt_after_reset(void) {
    rp2_reset_cause_t cause = rp2_reset_cause();
    st_check(cause == RP2_RESET_WATCHDOG, "wdt.timeout_reset", "reset cause %d", (int)cause);
}
