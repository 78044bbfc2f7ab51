/* pwm.h: PWM output on a timer channel (TIM1..5, and TIM8..14 where present): frequency and duty. */
#ifndef KILN_STM32_PWM_H
#define KILN_STM32_PWM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint32_t base;
    uint32_t index;
    uint32_t channel;  /* 1..4 */
    uint32_t pin;
    uint32_t freq_hz;  /* the frequency reached (PSC/ARR rounding) */
    uint32_t arr;
    uint16_t duty_u16;
    bool up;
} stm32_pwm_t;

/*
 * PWM mode 1 on TIMindex channel `channel`, on pin `pin` (STM32_PIN_NONE: leave pins alone) with alternate
 * function af (0 = the timer's usual one). Timers are shared by their channels: a second channel on the same
 * timer keeps the frequency the first set unless freq differs, in which case all its channels follow.
 */
int stm32_pwm_init(stm32_pwm_t *pwm, uint32_t index, uint32_t channel, uint32_t pin, uint32_t af, uint32_t freq_hz,
                   uint16_t duty_u16, bool inverted);

/* 0 = always low, 65535 = always high (inverted swaps them). */
int stm32_pwm_set_duty(stm32_pwm_t *pwm, uint16_t duty_u16);

/* New frequency; the duty fraction is kept. */
int stm32_pwm_set_freq(stm32_pwm_t *pwm, uint32_t freq_hz);

/* Disables the channel's output (the timer stops when it was its last channel). */
void stm32_pwm_deinit(stm32_pwm_t *pwm);

#endif
