/* tim.c: timer instance table (bases, RCC bits, update IRQs, channel counts) and the PSC/ARR planner. */
#include "drivers/tim.h"

#include <stddef.h>

#include "drivers/chip.h"
#include "drivers/rcc.h"

/* RM0090/RM0410 memory map, RCC enable bits and vector table; AF from the datasheets' AF tables. */
static const stm32_tim_hw_t tim_hw[15] = {
    {0, 0, 0, 0, 0, 0, false, false},
    {0x40010000u, STM32_BUS_APB2, 0, 25, 4, 1, false, true},
    {0x40000000u, STM32_BUS_APB1, 0, 28, 4, 1, true, false},
    {0x40000400u, STM32_BUS_APB1, 1, 29, 4, 2, false, false},
    {0x40000800u, STM32_BUS_APB1, 2, 30, 4, 2, false, false},
    {0x40000C00u, STM32_BUS_APB1, 3, 50, 4, 2, true, false},
    {0x40001000u, STM32_BUS_APB1, 4, 54, 0, 0, false, false},
    {0x40001400u, STM32_BUS_APB1, 5, 55, 0, 0, false, false},
    {0x40010400u, STM32_BUS_APB2, 1, 44, 4, 3, false, true},
    {0x40014000u, STM32_BUS_APB2, 16, 24, 2, 3, false, false},
    {0x40014400u, STM32_BUS_APB2, 17, 25, 1, 3, false, false},
    {0x40014800u, STM32_BUS_APB2, 18, 26, 1, 3, false, false},
    {0x40001800u, STM32_BUS_APB1, 6, 43, 2, 9, false, false},
    {0x40001C00u, STM32_BUS_APB1, 7, 44, 1, 9, false, false},
    {0x40002000u, STM32_BUS_APB1, 8, 45, 1, 9, false, false},
};

const stm32_tim_hw_t *stm32_tim_hw(uint32_t index) {
    if (index > 14u || !stm32_chip_has(stm32_chip.tim_mask, index)) {
        return NULL;
    }
    return &tim_hw[index];
}

bool stm32_tim_plan(uint32_t clk_hz, uint32_t num, uint32_t den, bool wide, uint32_t *psc, uint32_t *arr) {
    if (den == 0u || num == 0u) {
        return false;
    }
    const uint64_t ticks = ((uint64_t)clk_hz * num + den / 2u) / den;
    const uint64_t arr_span = wide ? 0x100000000ull : 0x10000ull;
    if (ticks < 2u) {
        return false;
    }
    /* The smallest PSC + 1 that fits ARR; a slightly larger one that divides the tick count exactly is
       preferred (84 MHz / 1 Hz: 1282 leaves an error, 1300-odd values may not). */
    const uint64_t first = (ticks + arr_span - 1u) / arr_span;
    if (first > 0x10000u) {
        return false;
    }
    uint64_t div = first;
    for (uint64_t d = first; d <= 0x10000u && d < first + 4096u; d++) {
        if (ticks % d == 0u) {
            div = d;
            break;
        }
    }
    *psc = (uint32_t)(div - 1u);
    *arr = (uint32_t)((ticks + div / 2u) / div - 1u);
    return true;
}
