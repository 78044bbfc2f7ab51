/* timer.c: periodic update interrupts from a general-purpose/basic timer (PSC, ARR, DIER.UIE, SR.UIF). */
#include "drivers/timer.h"

#include <stddef.h>

#include "drivers/drv.h"
#include "drivers/irq.h"
#include "drivers/rcc.h"
#include "drivers/tim.h"

#define REG(timer, off) DRV_REG((timer)->base + (off))

int stm32_timer_start(stm32_timer_t *timer, uint32_t index, uint32_t num, uint32_t den, stm32_timer_fn_t fn,
                      void *arg, uint32_t priority) {
    timer->up = false;
    const stm32_tim_hw_t *hw = stm32_tim_hw(index);
    if (hw == NULL || hw->advanced) {
        return -STM32_ENODEV; /* TIM1/TIM8 share their update vector; they are left to PWM */
    }
    if (fn == NULL || priority > 15u) {
        return -STM32_EINVAL;
    }
    const uint32_t clock_hz = stm32_timer_clock_hz((stm32_bus_t)hw->bus);
    uint32_t psc;
    uint32_t arr;
    if (!stm32_tim_plan(clock_hz, num, den, hw->wide, &psc, &arr)) {
        return -STM32_EINVAL;
    }
    timer->base = hw->base;
    timer->index = index;
    timer->irq = hw->irq;
    timer->psc = psc;
    timer->arr = arr;
    timer->clock_hz = clock_hz;
    timer->fn = fn;
    timer->arg = arg;
    timer->count = 0u;

    const stm32_clk_t clk = {hw->bus, hw->bit};
    stm32_rcc_enable(clk);
    stm32_rcc_reset(clk);
    /* URS: only a real overflow raises UIF, not the UG that loads the prescaler below. */
    REG(timer, TIM_CR1) = TIM_CR1_URS | TIM_CR1_ARPE;
    REG(timer, TIM_PSC) = psc;
    REG(timer, TIM_ARR) = arr;
    REG(timer, TIM_EGR) = TIM_EGR_UG;
    REG(timer, TIM_SR) = 0u;
    const int err = stm32_irq_attach(timer->irq, stm32_timer_irq, timer, priority);
    if (err != STM32_OK) {
        return err;
    }
    REG(timer, TIM_DIER) = TIM_DIER_UIE;
    REG(timer, TIM_CR1) = TIM_CR1_URS | TIM_CR1_ARPE | TIM_CR1_CEN;
    /* Anything flagged while enabling is stale. (QEMU's timer model also only arms its alarm on such a
       write, so this is what starts its interrupts.) */
    REG(timer, TIM_SR) = 0u;
    timer->up = true;
    return STM32_OK;
}

void stm32_timer_stop(stm32_timer_t *timer) {
    if (!timer->up) {
        return;
    }
    REG(timer, TIM_CR1) = 0u;
    REG(timer, TIM_DIER) = 0u;
    REG(timer, TIM_SR) = 0u;
    stm32_irq_detach(timer->irq);
    timer->up = false;
}

uint32_t stm32_timer_counter(const stm32_timer_t *timer) {
    return REG(timer, TIM_CNT);
}

void stm32_timer_irq(void *ctx) {
    stm32_timer_t *timer = ctx;
    if ((REG(timer, TIM_SR) & TIM_SR_UIF) == 0u) {
        return;
    }
    /* SR bits are rc_w0: writing 0 to UIF clears it, writing 1 elsewhere leaves the other flags alone. */
    REG(timer, TIM_SR) = ~TIM_SR_UIF;
    timer->count++;
    timer->fn(timer->arg);
}
