/* wait.c: bounded waits: elapsed core cycles from the free-running SysTick down-counter. */
#include "drivers/wait.h"

#include "drivers/drv.h"
#include "stm32_port.h"
#include "stm32_regs.h"

void stm32_deadline_start(stm32_deadline_t *d, uint32_t timeout_us) {
    const uint32_t mhz = stm32_clocks()->cpu_hz / 1000000u;
    d->budget = (uint64_t)timeout_us * (mhz != 0u ? mhz : 1u);
    d->elapsed = 0u;
    d->turns = 0u;
    d->last = SYST_CVR;
}

bool stm32_deadline_expired(stm32_deadline_t *d) {
    /*
     * SysTick counts from RVR down to 0 and reloads. Polls closer together than one period see the true
     * difference; a longer gap (an interrupt handler that ran for over a millisecond) loses whole periods,
     * which only makes the wait longer, never shorter.
     */
    const uint32_t now = SYST_CVR;
    const uint32_t period = (SYST_RVR & SYST_RVR_MAX) + 1u;
    d->elapsed += now <= d->last ? d->last - now : d->last + period - now;
    d->last = now;
    /* Every poll takes at least one cycle: the turn count bounds the wait even with SysTick stopped. */
    d->turns++;
    return d->elapsed >= d->budget || d->turns >= d->budget;
}

int stm32_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t timeout_us) {
    stm32_deadline_t d;
    stm32_deadline_start(&d, timeout_us);
    while ((*reg & mask) != want) {
        if (stm32_deadline_expired(&d)) {
            /* The flag may have arrived between the read and the clock check. */
            return (*reg & mask) == want ? STM32_OK : -STM32_ETIMEDOUT;
        }
    }
    return STM32_OK;
}

void stm32_spin_us(uint32_t us) {
    stm32_deadline_t d;
    stm32_deadline_start(&d, us);
    while (!stm32_deadline_expired(&d)) {
    }
}
