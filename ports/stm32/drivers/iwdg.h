/* iwdg.h: the independent watchdog (LSI-clocked): once started it cannot be stopped, only fed. */
#ifndef KILN_STM32_IWDG_H
#define KILN_STM32_IWDG_H

#include <stdint.h>

/* Starts it with a timeout of about timeout_ms (1..32768; LSI tolerance applies: 17..47 kHz on the F4).
   *actual_ms (may be NULL) gets the timeout at the nominal 32 kHz. */
int stm32_iwdg_start(uint32_t timeout_ms, uint32_t *actual_ms);

/* Reloads the counter. */
void stm32_iwdg_feed(void);

#endif
