/* esp_wdt.h: ESP32-C3/C6 watchdogs: the two timer-group MWDTs and (C3 only) the RTC WDT, resetting the chip when starved. */
#ifndef KILN_ESP_WDT_H
#define KILN_ESP_WDT_H

#include <stdint.h>

enum { ESP_WDT_MWDT0 = 0, ESP_WDT_MWDT1 = 1, ESP_WDT_RTC = 2 };
#define ESP_WDT_COUNT 3u

/* MWDT: 1 ms ticks from the XTAL, exact. RTC WDT: RC_SLOW_CLK ticks (nominally 136 kHz,
   uncalibrated: the real timeout can be off by tens of percent). The stage-0 action is a system reset. */
int esp_wdt_start(unsigned wdt, uint32_t timeout_ms);
int esp_wdt_feed(unsigned wdt);
int esp_wdt_stop(unsigned wdt);

#endif
