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
    uint32_t psc;
    uint32_t clock_hz; /* the counter's clock before the prescaler */
    uint32_t pulse_ns; /* the pulse width asked for, when by_ns */
    uint16_t duty_u16;
    bool by_ns;        /* the duty was given as a pulse width: a new frequency keeps the width */
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

/* Pulse width in nanoseconds (rounded to timer ticks, at most the whole period). */
int stm32_pwm_set_pulse_ns(stm32_pwm_t *pwm, uint32_t ns);

/* The duty now, as a fraction of 65536 (65535 when always high) and as a pulse width in nanoseconds. */
uint16_t stm32_pwm_duty_u16(const stm32_pwm_t *pwm);
uint32_t stm32_pwm_pulse_ns(const stm32_pwm_t *pwm);

/* New frequency; the duty fraction (or the pulse width, when it was given in ns) is kept. */
int stm32_pwm_set_freq(stm32_pwm_t *pwm, uint32_t freq_hz);

/* Disables the channel's output (the timer stops when it was its last channel). */
void stm32_pwm_deinit(stm32_pwm_t *pwm);

#endif
