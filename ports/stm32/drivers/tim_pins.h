/* tim_pins.h: which timer channel (and alternate function) each pin can carry, for PWM on a pin. */
#ifndef KILN_STM32_TIM_PINS_H
#define KILN_STM32_TIM_PINS_H

#include <stdint.h>

typedef struct {
    uint8_t pin;     /* pin code: port * 16 + pin */
    uint8_t timer;   /* TIMn */
    uint8_t channel; /* 1..4 (the non-inverted output CHx; CHxN outputs are not listed) */
    uint8_t af;      /* alternate function number */
} stm32_tim_pin_t;

/*
 * The timer channel of `pin` on this chip: TIM`timer` when timer is nonzero, else the first listed (32-bit
 * and general-purpose timers first). NULL when the pin has no such channel or the chip lacks the timer/pin.
 */
const stm32_tim_pin_t *stm32_tim_pin_lookup(uint32_t pin, uint32_t timer);

#endif
