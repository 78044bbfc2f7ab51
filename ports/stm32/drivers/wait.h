/* wait.h: bounded waits on hardware flags, timed by the SysTick counter (no interrupts needed). */
#ifndef KILN_STM32_WAIT_H
#define KILN_STM32_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/* A deadline that counts SysTick cycles between polls. */
typedef struct {
    uint64_t budget;  /* core cycles allowed */
    uint64_t elapsed; /* core cycles seen so far */
    uint64_t turns;   /* polls so far: a backstop should SysTick be stopped */
    uint32_t last;    /* SysTick count at the previous poll */
} stm32_deadline_t;

/* Starts a deadline timeout_us from now (at the core clock stm32_clocks() reports). */
void stm32_deadline_start(stm32_deadline_t *d, uint32_t timeout_us);

/* True once the time is up. Call it in the polling loop: every call also advances the clock. */
bool stm32_deadline_expired(stm32_deadline_t *d);

/* Polls until (*reg & mask) == want: 0, or -STM32_ETIMEDOUT after timeout_us. */
int stm32_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t timeout_us);

/* Busy-waits about `us` microseconds (bounded by the same clock). */
void stm32_spin_us(uint32_t us);

#endif
