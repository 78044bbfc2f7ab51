/* wdt.c: the watchdog timer: load, enable (paused while a debugger halts the cores), feed. */
#include "rp2_wdt.h"

#include "rp2040.h"
#include "rp2_err.h"

#define WATCHDOG_LOAD (WATCHDOG_BASE + 0x04u)
#define WATCHDOG_CTRL_ENABLE (1u << 30)
#define WATCHDOG_CTRL_PAUSE_ALL (7u << 24) /* PAUSE_DBG1 | PAUSE_DBG0 | PAUSE_JTAG */
#define TICKS_PER_US 2u                    /* RP2040-E1: the counter decrements twice per tick */

static struct {
    uint32_t load;
} wdt;

int rp2_wdt_enable(uint32_t timeout_ms) {
    if (timeout_ms == 0u || timeout_ms > RP2_WDT_MAX_MS) {
        return RP2_ERR_INVALID;
    }
    wdt.load = timeout_ms * 1000u * TICKS_PER_US;
    REG_CLR(WATCHDOG_BASE + WATCHDOG_CTRL, WATCHDOG_CTRL_ENABLE);
    /* A timeout restarts everything but the oscillators, like rp2_reset_with_reason(). */
    REG32(PSM_WDSEL) = PSM_ALL & ~(PSM_ROSC | PSM_XOSC);
    REG32(WATCHDOG_LOAD) = wdt.load;
    REG_SET(WATCHDOG_BASE + WATCHDOG_CTRL, WATCHDOG_CTRL_ENABLE | WATCHDOG_CTRL_PAUSE_ALL);
    return RP2_OK;
}

void rp2_wdt_feed(void) {
    if (wdt.load != 0u) {
        REG32(WATCHDOG_LOAD) = wdt.load;
    }
}

void rp2_wdt_disable(void) {
    REG_CLR(WATCHDOG_BASE + WATCHDOG_CTRL, WATCHDOG_CTRL_ENABLE);
    wdt.load = 0;
}
