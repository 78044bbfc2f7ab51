/* systick.c: 1 kHz SysTick time base for hal_ticks_ms/us and the delays. */
#include <stdint.h>

#include "hal.h"
#include "stm32_port.h"
#include "stm32_regs.h"

#define SYSTICK_PRIORITY 0xC0u /* below the console RX interrupt, so typed bytes are never late */

static volatile uint32_t ticks_ms;
static uint32_t cycles_per_us;
static uint32_t reload;

void stm32_tick_init(uint32_t cpu_hz) {
    SYST_CSR = 0u;
    ticks_ms = 0u;
    cycles_per_us = cpu_hz / 1000000u;
    reload = cpu_hz / 1000u - 1u;
    SYST_RVR = reload;
    SYST_CVR = 0u;
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (SYSTICK_PRIORITY << 24);
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

void stm32_systick_irq(void) {
    ticks_ms = ticks_ms + 1u;
    stm32_soft_timers_tick(ticks_ms);
}

uint32_t hal_ticks_ms(void) {
    return ticks_ms;
}

uint32_t hal_ticks_us(void) {
    uint32_t ms;
    uint32_t count;
    bool wrapped;
    do {
        ms = ticks_ms;
        count = SYST_CVR;
        /* A wrap whose interrupt is still pending (interrupts masked) has not reached ticks_ms yet. */
        wrapped = (SCB_ICSR & SCB_ICSR_PENDSTSET) != 0u;
    } while (ms != ticks_ms);
    /* The count runs reload..1 and the tick interrupt fires as it reaches 0, so 0 opens a millisecond. */
    const uint32_t elapsed = count == 0u ? 0u : reload + 1u - count;
    if (wrapped && (count == 0u || count > reload / 2u)) {
        ms++; /* the wrap happened before we read the count, so the count belongs to the next millisecond */
    }
    return ms * 1000u + elapsed / cycles_per_us;
}

void hal_delay_us(uint32_t us) {
    const uint32_t start = hal_ticks_us();
    while (hal_ticks_us() - start < us) {
    }
}

/* Sleeps between ticks; needs interrupts enabled (SysTick is what moves the count). */
void hal_delay_ms(uint32_t ms) {
    const uint32_t start = hal_ticks_ms();
    while (hal_ticks_ms() - start < ms) {
        /* SysTick wakes us every millisecond; sleeping saves power and host CPU under QEMU. */
        __asm volatile("wfi");
    }
}
