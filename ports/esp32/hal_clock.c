/* hal_clock.c: ESP32-C3 CPU clock: 160/80 MHz from the PLL when it runs, else the 40 MHz XTAL (divided). */
#include <errno.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "esp_clock.h"
#include "hal.h"

#define XTAL_HZ_DEFAULT 40000000u
#define PLL_CPU_LOW_HZ 80000000u
#define PLL_CPU_HIGH_HZ 160000000u

/* Whether the PLL was running when the app started: the only evidence we have that selecting it
   is safe (starting it needs analog calibration the TRM does not document). Set by esp32_clock_init(). */
static int pll_running;

uint32_t esp32_xtal_hz(void) {
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
        return period == SYSTEM_CPUPERIOD_160M ? PLL_CPU_HIGH_HZ : PLL_CPU_LOW_HZ;
    }
    if (sel == SYSTEM_SOC_CLK_XTAL) {
        return esp32_xtal_hz() / ((sysclk & SYSTEM_PRE_DIV_MASK) + 1u);
    }
    return 17500000u; /* RC_FAST, roughly */
}

static void select_pll(uint32_t hz) {
    uint32_t per = SYSTEM_CPU_PER_CONF & ~SYSTEM_CPUPERIOD_SEL_MASK;
    per |= hz >= PLL_CPU_HIGH_HZ ? SYSTEM_CPUPERIOD_160M : SYSTEM_CPUPERIOD_80M;
    SYSTEM_CPU_PER_CONF = per;
    uint32_t sysclk = SYSTEM_SYSCLK_CONF & ~(SYSTEM_SOC_CLK_MASK | SYSTEM_PRE_DIV_MASK);
    SYSTEM_SYSCLK_CONF = sysclk | (SYSTEM_SOC_CLK_PLL << SYSTEM_SOC_CLK_SHIFT);
}

static void select_xtal(uint32_t divider) {
    uint32_t sysclk = SYSTEM_SYSCLK_CONF & ~(SYSTEM_SOC_CLK_MASK | SYSTEM_PRE_DIV_MASK);
    sysclk |= SYSTEM_SOC_CLK_XTAL << SYSTEM_SOC_CLK_SHIFT;
    sysclk |= (divider - 1u) & SYSTEM_PRE_DIV_MASK;
    SYSTEM_SYSCLK_CONF = sysclk;
}

void esp32_clock_init(void) {
    uint32_t target = (uint32_t)KILN_CPU_HZ;
    uint32_t sel = (SYSTEM_SYSCLK_CONF & SYSTEM_SOC_CLK_MASK) >> SYSTEM_SOC_CLK_SHIFT;
    pll_running = sel == SYSTEM_SOC_CLK_PLL;
    if (esp_freq_set(target) != 0) {
        /* Fallback: never select a PLL that may not be running; run from XTAL undivided. */
        select_xtal(1u);
    }
}

int esp_freq_set(uint32_t hz) {
    if (hz == PLL_CPU_HIGH_HZ || hz == PLL_CPU_LOW_HZ) {
        if (!pll_running) {
            return -ENODEV; /* the PLL was off at boot and we cannot start it */
        }
        /* 80 <-> 160 MHz and XTAL -> PLL are glitch-free register writes (APB stays 80 MHz). */
        select_pll(hz);
        return 0;
    }
    uint32_t xtal = esp32_xtal_hz();
    if (hz == 0u || hz > xtal || xtal % hz != 0u || xtal / hz > SYSTEM_PRE_DIV_MASK + 1u) {
        return -EINVAL;
    }
    select_xtal(xtal / hz);
    return 0;
}

uint32_t esp_freq_get(void) {
    return hal_cpu_hz();
}

int esp_freq_pll_available(void) {
    return pll_running;
}
