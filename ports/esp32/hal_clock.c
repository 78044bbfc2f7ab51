/* hal_clock.c: ESP32-C3 CPU clock: 160/80 MHz from the PLL when it runs, else 40 MHz XTAL. */
#include "board_config.h"
#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "hal.h"

#define XTAL_HZ_DEFAULT 40000000u

static uint32_t xtal_hz(void) {
    uint32_t mhz = SYSTEM_XTAL_MHZ(SYSTEM_SYSCLK_CONF);
    /* The field is set by the ROM; trust the board file when it reads as nonsense. */
    if (mhz == 40u || mhz == 32u) {
        return mhz * 1000000u;
    }
    return KILN_XTAL_HZ != 0 ? (uint32_t)KILN_XTAL_HZ : XTAL_HZ_DEFAULT;
}

/* Derived from the registers, so it is what the chip really runs at after any fallback. */
uint32_t hal_cpu_hz(void) {
    uint32_t sysclk = SYSTEM_SYSCLK_CONF;
    uint32_t sel = (sysclk & SYSTEM_SOC_CLK_MASK) >> SYSTEM_SOC_CLK_SHIFT;
    if (sel == SYSTEM_SOC_CLK_PLL) {
        uint32_t period = SYSTEM_CPU_PER_CONF & SYSTEM_CPUPERIOD_SEL_MASK;
        return period == SYSTEM_CPUPERIOD_160M ? 160000000u : 80000000u;
    }
    if (sel == SYSTEM_SOC_CLK_XTAL) {
        return xtal_hz() / ((sysclk & SYSTEM_PRE_DIV_MASK) + 1u);
    }
    return 17500000u; /* RC_FAST, roughly */
}

void esp32_clock_init(void) {
    uint32_t target = (uint32_t)KILN_CPU_HZ;
    uint32_t sysclk = SYSTEM_SYSCLK_CONF;
    uint32_t sel = (sysclk & SYSTEM_SOC_CLK_MASK) >> SYSTEM_SOC_CLK_SHIFT;

    if (target > 40000000u && sel == SYSTEM_SOC_CLK_PLL) {
        /* The PLL is already up (ROM or an earlier stage started it): switching the CPU
           divider between 80 and 160 MHz is a glitch-free register write. */
        uint32_t per = SYSTEM_CPU_PER_CONF & ~SYSTEM_CPUPERIOD_SEL_MASK;
        per |= target >= 160000000u ? SYSTEM_CPUPERIOD_160M : SYSTEM_CPUPERIOD_80M;
        SYSTEM_CPU_PER_CONF = per;
        return;
    }
    /* Fallback: starting the BBPLL needs analog (regi2c) calibration the TRM does not
       document, so never select a PLL that may not be running; run from XTAL undivided. */
    sysclk &= ~(SYSTEM_SOC_CLK_MASK | SYSTEM_PRE_DIV_MASK);
    sysclk |= SYSTEM_SOC_CLK_XTAL << SYSTEM_SOC_CLK_SHIFT;
    if (target < xtal_hz() && target != 0u) {
        sysclk |= (xtal_hz() / target - 1u) & SYSTEM_PRE_DIV_MASK;
    }
    SYSTEM_SYSCLK_CONF = sysclk;
}
