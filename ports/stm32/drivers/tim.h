/* tim.h: the timer instances (TIM1..TIM14) and how to reach a period with PSC/ARR; shared by pwm.c and
   timer.c. */
#ifndef KILN_STM32_TIM_H
#define KILN_STM32_TIM_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (general-purpose and advanced timers, RM0090 ch. 17/18). */
#define TIM_CR1 0x00u
#define TIM_DIER 0x0Cu
#define TIM_SR 0x10u
#define TIM_EGR 0x14u
#define TIM_CCMR1 0x18u
#define TIM_CCMR2 0x1Cu
#define TIM_CCER 0x20u
#define TIM_CNT 0x24u
#define TIM_PSC 0x28u
#define TIM_ARR 0x2Cu
#define TIM_CCR1 0x34u
#define TIM_BDTR 0x44u

#define TIM_CR1_CEN (1u << 0)
#define TIM_CR1_URS (1u << 2)
#define TIM_CR1_ARPE (1u << 7)
#define TIM_DIER_UIE (1u << 0)
#define TIM_SR_UIF (1u << 0)
#define TIM_EGR_UG (1u << 0)
#define TIM_BDTR_MOE (1u << 15)

typedef struct {
    uint32_t base;
    uint8_t bus;
    uint8_t bit;
    uint8_t irq;      /* update interrupt (shared with another timer on TIM1/TIM8) */
    uint8_t channels; /* capture/compare channels (0 on basic timers) */
    uint8_t af;       /* pin alternate function of its channels */
    bool wide;        /* 32-bit counter (TIM2, TIM5) */
    bool advanced;    /* TIM1/TIM8: outputs need BDTR.MOE */
} stm32_tim_hw_t;

/* The instance, or NULL when this chip has no TIMn. */
const stm32_tim_hw_t *stm32_tim_hw(uint32_t index);

/*
 * PSC and ARR for a period of num/den seconds at timer clock clk_hz: the smallest prescaler (finest
 * resolution) that fits ARR. False when the period is shorter than two ticks or longer than the timer
 * can count.
 */
bool stm32_tim_plan(uint32_t clk_hz, uint32_t num, uint32_t den, bool wide, uint32_t *psc, uint32_t *arr);

#endif
