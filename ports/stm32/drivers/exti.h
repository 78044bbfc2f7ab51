/* exti.h: pin edge interrupts: SYSCFG routes a port to EXTI line n, EXTI calls back per edge. */
#ifndef KILN_STM32_EXTI_H
#define KILN_STM32_EXTI_H

#include <stdint.h>

#define STM32_EXTI_RISING 1u
#define STM32_EXTI_FALLING 2u

/* Called in interrupt context with the pin code that fired. */
typedef void (*stm32_exti_fn_t)(void *arg, uint32_t pin_code);

/*
 * Routes the pin's EXTI line (line = pin number) to fn(arg) on the given edges, at NVIC priority 0..15.
 * A line serves one port at a time: -STM32_EBUSY when another port's pin holds it.
 * The pin itself should be an input (stm32_pin_configure) first.
 */
int stm32_exti_attach(uint32_t pin_code, uint32_t edges, stm32_exti_fn_t fn, void *arg, uint32_t priority);

/* Masks the line and frees it. */
void stm32_exti_detach(uint32_t pin_code);

/* Raises the line's interrupt from software (EXTI_SWIER), as if the edge had happened. */
int stm32_exti_trigger(uint32_t pin_code);

/* Soft reset: every line masked and freed. */
void stm32_exti_reset(void);

#endif
