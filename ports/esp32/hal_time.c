/* hal_time.c: ESP32-C3/C6 ticks and delays from SYSTIMER unit 0 (16 MHz, XTAL derived). */
#include "esp32_hal.h"
#include "soc_regs.h"
#include "hal.h"

uint64_t esp32_systimer_now(void) {
    SYSTIMER_UNIT0_OP = SYSTIMER_OP_UPDATE;
    /* The snapshot takes a few APB cycles; bounded so a dead timer cannot hang us. */
    for (unsigned i = 0; i < 1000u && (SYSTIMER_UNIT0_OP & SYSTIMER_OP_VALID) == 0u; i++) {
    }
    uint32_t lo = SYSTIMER_UNIT0_LO;
    uint32_t hi = SYSTIMER_UNIT0_HI & 0xFFFFFu;
    return ((uint64_t)hi << 32) | lo;
}

uint32_t hal_ticks_us(void) {
    return (uint32_t)(esp32_systimer_now() / (SYSTIMER_HZ / 1000000u));
}

uint32_t hal_ticks_ms(void) {
    return (uint32_t)(esp32_systimer_now() / (SYSTIMER_HZ / 1000u));
}

void hal_delay_us(uint32_t us) {
    uint64_t start = esp32_systimer_now();
    uint64_t span = (uint64_t)us * (SYSTIMER_HZ / 1000000u);
    while (esp32_systimer_now() - start < span) {
    }
}

void hal_delay_ms(uint32_t ms) {
    uint64_t start = esp32_systimer_now();
    uint64_t span = (uint64_t)ms * (SYSTIMER_HZ / 1000u);
    while (esp32_systimer_now() - start < span) {
    }
}
