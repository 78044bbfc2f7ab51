/* reset_cause.h: why the chip last reset, from the RCC_CSR flags. */
#ifndef KILN_STM32_RESET_CAUSE_H
#define KILN_STM32_RESET_CAUSE_H

#include <stdint.h>

typedef enum {
    STM32_RESET_POWER_ON = 1, /* POR/PDR (the BOR flag comes with it) */
    STM32_RESET_BROWN_OUT = 2,
    STM32_RESET_PIN = 3,      /* NRST only */
    STM32_RESET_SOFT = 4,     /* SYSRESETREQ (machine.reset, hal_reset) */
    STM32_RESET_IWDG = 5,
    STM32_RESET_WWDG = 6,
    STM32_RESET_LOW_POWER = 7,
    STM32_RESET_UNKNOWN = 0,
} stm32_reset_cause_t;

/* Reads RCC_CSR's flags and clears them (RMVF), so the next reset reports only itself. Call once at boot
   and keep the result: a second call sees no flags. */
uint32_t stm32_reset_flags_take(void);

/* The cause those flags mean (most specific first: a watchdog reset also sets PINRSTF). */
stm32_reset_cause_t stm32_reset_cause(uint32_t flags);

#endif
