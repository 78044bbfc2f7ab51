/* timer.c: the RP2040 64-bit microsecond TIMER as the tick source (ticks, delays). */
#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

uint64_t rp2_time_us(void) {
    /* The raw registers do not latch: re-read the high word until it is stable around the low. */
    uint32_t hi = REG32(TIMER_TIMERAWH);
    for (;;) {
        uint32_t lo = REG32(TIMER_TIMERAWL);
        uint32_t hi_again = REG32(TIMER_TIMERAWH);
        if (hi == hi_again) {
            return ((uint64_t)hi << 32) | lo;
        }
        hi = hi_again;
    }
}

uint32_t hal_ticks_us(void) {
    return REG32(TIMER_TIMERAWL);
}

uint32_t hal_ticks_ms(void) {
    /* From the 64-bit count, so milliseconds wrap at 2^32 ms rather than at 2^32 us / 1000. */
    return (uint32_t)(rp2_time_us() / 1000u);
}

void hal_delay_us(uint32_t us) {
    uint32_t start = REG32(TIMER_TIMERAWL);
    while (REG32(TIMER_TIMERAWL) - start < us) {
    }
}

void hal_delay_ms(uint32_t ms) {
    uint64_t end = rp2_time_us() + (uint64_t)ms * 1000u;
    while (rp2_time_us() < end) {
    }
}
