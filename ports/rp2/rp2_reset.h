/* rp2_reset.h: why the chip last reset (power-on, RUN pin, debugger, watchdog, soft reset). */
#ifndef KILN_RP2_RESET_H
#define KILN_RP2_RESET_H

#include <stdint.h>

typedef enum {
    RP2_RESET_POWER_ON = 0,
    RP2_RESET_RUN_PIN = 1,   /* the RUN pin was pulled low */
    RP2_RESET_DEBUG = 2,     /* a debugger restarted the power-state machine */
    RP2_RESET_WATCHDOG = 3,  /* the watchdog timed out (rp2_wdt not fed) */
    RP2_RESET_SOFT = 4,      /* software forced it: hal_reset(), hal_exit(), a fault */
} rp2_reset_cause_t;

rp2_reset_cause_t rp2_reset_cause(void);

#endif
