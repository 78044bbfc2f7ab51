/* selftest.h: the driver self-test's checks (test-only firmware; see selftest.c). */
#ifndef KILN_RP2_SELFTEST_H
#define KILN_RP2_SELFTEST_H

#include <stdint.h>

/* Reports one check: "ok <name> <detail>" or "FAIL <name> <detail>" on the console. */
void st_check(int ok, const char *name, const char *detail_format, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports a measured figure: "val <name>=<value>". */
void st_value(const char *name, long value);
void st_say(const char *text);
/* Busy-waits until *flag reaches want or timeout_us passes; 1 if it got there. */
int st_wait_for(volatile uint32_t *flag, uint32_t want, uint32_t timeout_us);

void st_clocks(void);
void st_gpio(void);
void st_alarm(void);
void st_uart(void);
void st_i2c(void);
void st_spi(void);
void st_adc(void);
void st_pwm(void);
/* rp2_soft_reset() puts every driver back to its starting state. */
void st_soft_reset(void);
/* Watchdog: fed (no reset), then left alone (returns only if it never fires). */
void st_wdt_run(void);
/* After the watchdog reset. */
void st_wdt_after_reset(void);
/* Streams over USB CDC for throughput figures (mode 'u'). */
void st_usb_bench(void);

#endif
