/* timer.h: a periodic timer interrupt calling back every num/den seconds (TIM2..TIM7, TIM9..TIM14). */
#ifndef KILN_STM32_TIMER_H
#define KILN_STM32_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*stm32_timer_fn_t)(void *arg);

typedef struct {
    uint32_t base;
    uint32_t index;
    uint32_t irq;
    uint32_t psc;
    uint32_t arr;
    uint32_t clock_hz;     /* what the counter runs at before the prescaler */
    stm32_timer_fn_t fn;
    void *arg;
    volatile uint32_t count; /* periods elapsed since start */
    bool up;
} stm32_timer_t;

/*
 * Calls fn(arg) in interrupt context every num/den seconds (freq f: 1/f; period p ms: p/1000) at NVIC
 * priority 0..15. -STM32_ENODEV (no such timer), -STM32_EINVAL (period out of range),
 * -STM32_EBUSY (its interrupt is in use, e.g. TIM1 and TIM10 share one).
 */
int stm32_timer_start(stm32_timer_t *timer, uint32_t index, uint32_t num, uint32_t den, stm32_timer_fn_t fn,
                      void *arg, uint32_t priority);

/* Stops counting and detaches the interrupt. */
void stm32_timer_stop(stm32_timer_t *timer);

/* The counter value now (ticks of clock_hz / (psc + 1) since the period began). */
uint32_t stm32_timer_counter(const stm32_timer_t *timer);

/* The update interrupt. */
void stm32_timer_irq(void *ctx);

#endif
