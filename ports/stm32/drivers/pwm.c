/* pwm.c: PWM mode 1 on timer output channels (CCMRx OCxM=110 + OCxPE, CCER CCxE/CCxP, CCRx, ARR preload;
   BDTR.MOE on advanced timers; RM0090 ch. 17/18). */
#include "drivers/pwm.h"

#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/rcc.h"
#include "drivers/tim.h"

#define OCM_PWM1 6u
#define CCMR_OCPE (1u << 3)
#define CCER_CCE(ch) (1u << (4u * ((ch) - 1u)))
#define CCER_CCP(ch) (1u << (4u * ((ch) - 1u) + 1u))

#define REG(pwm, off) DRV_REG((pwm)->base + (off))

static uint32_t ccr_of(const stm32_pwm_t *pwm, uint16_t duty) {
    /* (ARR + 1) steps; duty 65535 means always on, which needs CCR > ARR. */
    if (duty == 0xFFFFu) {
        return pwm->arr + 1u;
    }
    return (uint32_t)(((uint64_t)(pwm->arr + 1u) * duty) >> 16);
}

static int apply_freq(stm32_pwm_t *pwm, const stm32_tim_hw_t *hw, uint32_t freq_hz) {
    uint32_t psc;
    uint32_t arr;
    if (freq_hz == 0u || !stm32_tim_plan(stm32_timer_clock_hz((stm32_bus_t)hw->bus), 1u, freq_hz, hw->wide, &psc, &arr)) {
        return -STM32_EINVAL;
    }
    const bool running = (REG(pwm, TIM_CR1) & TIM_CR1_CEN) != 0u;
    REG(pwm, TIM_PSC) = psc;
    REG(pwm, TIM_ARR) = arr;
    pwm->arr = arr;
    pwm->psc = psc;
    pwm->clock_hz = stm32_timer_clock_hz((stm32_bus_t)hw->bus);
    pwm->freq_hz = (uint32_t)(((uint64_t)stm32_timer_clock_hz((stm32_bus_t)hw->bus) / (psc + 1u)) / (arr + 1u));
    if (!running) {
        REG(pwm, TIM_EGR) = TIM_EGR_UG; /* load PSC/ARR now, not at the first overflow */
    }
    return STM32_OK;
}

int stm32_pwm_init(stm32_pwm_t *pwm, uint32_t index, uint32_t channel, uint32_t pin, uint32_t af, uint32_t freq_hz,
                   uint16_t duty_u16, bool inverted) {
    pwm->up = false;
    const stm32_tim_hw_t *hw = stm32_tim_hw(index);
    if (hw == NULL || hw->channels == 0u) {
        return -STM32_ENODEV;
    }
    if (channel < 1u || channel > hw->channels || af > 15u) {
        return -STM32_EINVAL;
    }
    pwm->base = hw->base;
    pwm->index = index;
    pwm->channel = channel;
    pwm->pin = pin;
    const stm32_clk_t clk = {hw->bus, hw->bit};
    stm32_rcc_enable(clk);
    /* Sharing: a timer already running for another channel keeps its counter, only PSC/ARR may change. */
    if ((REG(pwm, TIM_CR1) & TIM_CR1_CEN) == 0u) {
        REG(pwm, TIM_CR1) = TIM_CR1_ARPE | TIM_CR1_URS;
    }
    int err = apply_freq(pwm, hw, freq_hz);
    if (err != STM32_OK) {
        return err;
    }
    /* CCMR1 holds channels 1/2, CCMR2 channels 3/4: 8 bits each. */
    const uint32_t ccmr = channel <= 2u ? TIM_CCMR1 : TIM_CCMR2;
    const uint32_t shift = ((channel - 1u) % 2u) * 8u;
    drv_modify(&REG(pwm, ccmr), 0xFFu << shift, ((OCM_PWM1 << 4) | CCMR_OCPE) << shift);
    pwm->duty_u16 = duty_u16;
    pwm->by_ns = false;
    REG(pwm, TIM_CCR1 + 4u * (channel - 1u)) = ccr_of(pwm, duty_u16);
    drv_modify(&REG(pwm, TIM_CCER), CCER_CCE(channel) | CCER_CCP(channel),
               CCER_CCE(channel) | (inverted ? CCER_CCP(channel) : 0u));
    if (hw->advanced) {
        REG(pwm, TIM_BDTR) |= TIM_BDTR_MOE;
    }
    REG(pwm, TIM_EGR) = TIM_EGR_UG; /* latch the preloaded CCR */
    REG(pwm, TIM_CR1) |= TIM_CR1_CEN;
    if (pin != 0xFFFFFFFFu) {
        err = stm32_pin_af(pin, af != 0u ? af : hw->af, STM32_PULL_NONE, false);
        if (err != STM32_OK) {
            return err;
        }
    }
    pwm->up = true;
    return STM32_OK;
}

int stm32_pwm_set_duty(stm32_pwm_t *pwm, uint16_t duty_u16) {
    if (!pwm->up) {
        return -STM32_EINVAL;
    }
    pwm->duty_u16 = duty_u16;
    pwm->by_ns = false;
    REG(pwm, TIM_CCR1 + 4u * (pwm->channel - 1u)) = ccr_of(pwm, duty_u16); /* preloaded: applies at the next period */
    return STM32_OK;
}

int stm32_pwm_set_pulse_ns(stm32_pwm_t *pwm, uint32_t ns) {
    if (!pwm->up) {
        return -STM32_EINVAL;
    }
    /* ticks = ns * clock / ((PSC + 1) * 1e9), rounded; beyond the period it is always high. */
    const uint64_t den = (uint64_t)(pwm->psc + 1u) * 1000000000u;
    uint64_t ticks = ((uint64_t)ns * pwm->clock_hz + den / 2u) / den;
    if (ticks > (uint64_t)pwm->arr + 1u) {
        ticks = (uint64_t)pwm->arr + 1u;
    }
    pwm->pulse_ns = ns;
    pwm->by_ns = true;
    REG(pwm, TIM_CCR1 + 4u * (pwm->channel - 1u)) = (uint32_t)ticks;
    return STM32_OK;
}

uint16_t stm32_pwm_duty_u16(const stm32_pwm_t *pwm) {
    if (!pwm->by_ns) {
        return pwm->duty_u16;
    }
    const uint64_t ccr = REG(pwm, TIM_CCR1 + 4u * (pwm->channel - 1u));
    const uint64_t v = (ccr << 16) / ((uint64_t)pwm->arr + 1u);
    return v > 0xFFFFu ? 0xFFFFu : (uint16_t)v;
}

uint32_t stm32_pwm_pulse_ns(const stm32_pwm_t *pwm) {
    const uint64_t ccr = pwm->by_ns ? REG(pwm, TIM_CCR1 + 4u * (pwm->channel - 1u)) : ccr_of(pwm, pwm->duty_u16);
    const uint64_t ns = (ccr * (pwm->psc + 1u) * 1000000000u + pwm->clock_hz / 2u) / pwm->clock_hz;
    return ns > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ns;
}

int stm32_pwm_set_freq(stm32_pwm_t *pwm, uint32_t freq_hz) {
    if (!pwm->up) {
        return -STM32_EINVAL;
    }
    const int err = apply_freq(pwm, stm32_tim_hw(pwm->index), freq_hz);
    if (err != STM32_OK) {
        return err;
    }
    return pwm->by_ns ? stm32_pwm_set_pulse_ns(pwm, pwm->pulse_ns) : stm32_pwm_set_duty(pwm, pwm->duty_u16);
}

void stm32_pwm_deinit(stm32_pwm_t *pwm) {
    if (!pwm->up) {
        return;
    }
    REG(pwm, TIM_CCER) &= ~CCER_CCE(pwm->channel);
    if ((REG(pwm, TIM_CCER) & 0x1111u) == 0u) {
        REG(pwm, TIM_CR1) &= ~TIM_CR1_CEN;
    }
    pwm->up = false;
}
