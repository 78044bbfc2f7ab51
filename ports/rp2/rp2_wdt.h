/* rp2_wdt.h: the RP2040 watchdog as a WDT: enable with a timeout, feed, disable. */
#ifndef KILN_RP2_WDT_H
#define KILN_RP2_WDT_H

#include <stdint.h>

/* The 24-bit counter runs at 2 ticks per microsecond (erratum RP2040-E1): at most 8388 ms. */
#define RP2_WDT_MAX_MS 8388u

/* Starts (or restarts) the watchdog: without a feed within timeout_ms the chip resets. */
int rp2_wdt_enable(uint32_t timeout_ms);
void rp2_wdt_feed(void);
void rp2_wdt_disable(void);

#endif
