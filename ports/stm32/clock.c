/* clock.c: clock tree bring-up (HSE or HSI -> PLL -> SYSCLK), every wait bounded, HSI 16 MHz as the fallback. */
#include <stdbool.h>
#include <stdint.h>

#include "drivers/chip.h"
#include "stm32_port.h"
#include "stm32_regs.h"
#include "stm32_series.h"

/* The board's clocks and the part's limits are data (`stm32_chip`, chip.c), so this file compiles once for
   every board of a series. */

/* Crystals start in about 2 ms (datasheets' tSU(HSE)); slow or marginal ones get 50x that. */
#define HSE_TIMEOUT_US 100000u
/* PLL lock, regulator over-drive, flash latency and clock switch take microseconds. */
#define STEP_TIMEOUT_US 10000u
#define FLASH_HZ_PER_WAIT_STATE 30000000u /* 2.7-3.6 V on every part in stm32_part.h */
#define USB_HZ 48000000u

typedef struct {
    uint32_t m, n, p, q; /* PLLM, PLLN, PLLP (2/4/6/8), PLLQ */
    uint32_t hz;         /* resulting SYSCLK */
    bool usb_exact;      /* PLLQ output is exactly 48 MHz */
} pll_plan_t;

static stm32_clocks_t clocks;

/* SysTick free-runs on the current clock while we wait: it bounds every wait in time, not in loop turns. */
static void guard_start(void) {
    SYST_CSR = 0u;
    SYST_RVR = SYST_RVR_MAX;
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;
}

/* Waits until (*reg & mask) == want; false after timeout_us (counted at HSI speed, a bound not a promise). */
static bool wait_for(volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t timeout_us) {
    const uint32_t budget = timeout_us * (STM32_HSI_HZ / 1000000u);
    uint32_t elapsed = 0u;
    uint32_t turns = 0u;
    uint32_t last = SYST_CVR;
    while ((*reg & mask) != want) {
        const uint32_t now = SYST_CVR;
        elapsed += (last - now) & SYST_RVR_MAX;
        last = now;
        /* The turn count is a backstop in case SysTick itself is not running. */
        if (elapsed >= budget || ++turns >= budget) {
            return false;
        }
    }
    return true;
}

/*
 * Picks M/N/P/Q for in_hz -> target_hz: VCO input 1..2 MHz (2 MHz preferred for jitter), VCO 192..432 MHz
 * (inside every part's range; the F401 needs >= 192), N 50..432. Takes the fastest clock not above the
 * target, then one with an exact 48 MHz for USB. False when no setting reaches above HSI.
 */
static bool pll_plan(uint32_t in_hz, uint32_t target_hz, pll_plan_t *best) {
    best->hz = 0u;
    best->usb_exact = false;
    for (uint32_t m = 2u; m <= 63u; m++) {
        if (in_hz < m * 1000000u || in_hz > m * 2000000u) {
            continue;
        }
        for (uint32_t p = 2u; p <= 8u; p += 2u) {
            const uint64_t n = (uint64_t)target_hz * m * p / in_hz;
            if (n < 50u || n > 432u) {
                continue;
            }
            const uint64_t vco = (uint64_t)in_hz * n / m;
            if (vco < 192000000u || vco > 432000000u) {
                continue;
            }
            uint32_t q = (uint32_t)((vco + USB_HZ - 1u) / USB_HZ); /* USB clock must not exceed 48 MHz */
            q = q < 2u ? 2u : (q > 15u ? 15u : q);
            const uint32_t hz = (uint32_t)(vco / p);
            const bool exact = vco == (uint64_t)q * USB_HZ;
            if (hz > best->hz || (hz == best->hz && exact && !best->usb_exact)) {
                best->m = m;
                best->n = (uint32_t)n;
                best->p = p;
                best->q = q;
                best->hz = hz;
                best->usb_exact = exact;
            }
        }
    }
    return best->hz > STM32_HSI_HZ;
}

/* Smallest power-of-two divider (1..16) that keeps an APB bus at or below its limit. */
static uint32_t apb_divider(uint32_t hz, uint32_t max_hz) {
    uint32_t div = 1u;
    while (hz / div > max_hz && div < 16u) {
        div *= 2u;
    }
    return div;
}

/* PPRE encoding: 0xx = /1, 100 = /2, 101 = /4, 110 = /8, 111 = /16. */
static uint32_t ppre_bits(uint32_t div) {
    uint32_t bits = 0u;
    if (div >= 2u) {
        bits = 4u;
        for (uint32_t d = div; d > 2u; d /= 2u) {
            bits++;
        }
    }
    return bits;
}

static uint32_t flash_acr(uint32_t wait_states) {
#if STM32_F7
    return wait_states | FLASH_ACR_PRFTEN | FLASH_ACR_F7_ARTEN;
#else
    return wait_states | FLASH_ACR_PRFTEN | FLASH_ACR_F4_ICEN | FLASH_ACR_F4_DCEN;
#endif
}

/* Runs from HSI again: used when something left SYSCLK on the PLL (a bootloader) or a step failed. */
static bool select_hsi(void) {
    RCC_CR |= RCC_CR_HSION;
    RCC_CFGR &= ~(RCC_CFGR_SW_MASK | RCC_CFGR_HPRE_MASK | RCC_CFGR_PPRE_MASK(RCC_CFGR_PPRE1_POS) |
                  RCC_CFGR_PPRE_MASK(RCC_CFGR_PPRE2_POS));
    return wait_for(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_HSI, STEP_TIMEOUT_US);
}

static void fall_back_to_hsi(void) {
    const bool on_hsi = select_hsi();
    RCC_CR &= ~(RCC_CR_PLLON | RCC_CR_HSEON);
    if (stm32_chip.overdrive_hz != 0u) {
        PWR_CR &= ~(PWR_CR_ODSWEN | PWR_CR_ODEN);
    }
    if (on_hsi) {
        /* Fewer wait states are only safe once SYSCLK is known to be the slow clock. */
        FLASH_ACR = flash_acr(0u);
    }
    clocks.cpu_hz = STM32_HSI_HZ;
    clocks.apb1_hz = STM32_HSI_HZ;
    clocks.apb2_hz = STM32_HSI_HZ;
    clocks.on_pll = false;
}

static bool bring_up_pll(void) {
    pll_plan_t plan;
    const uint32_t xtal_hz = stm32_chip.xtal_hz;
    const uint32_t source_hz = xtal_hz != 0u ? xtal_hz : STM32_HSI_HZ;
    if (!pll_plan(source_hz, stm32_chip.cpu_hz, &plan)) {
        return false;
    }
    if ((RCC_CFGR & RCC_CFGR_SWS_MASK) != RCC_CFGR_SWS_HSI && !select_hsi()) {
        return false; /* the PLL cannot be changed while it clocks the core */
    }
    RCC_CR &= ~RCC_CR_PLLON;
    if (!wait_for(&RCC_CR, RCC_CR_PLLRDY, 0u, STEP_TIMEOUT_US)) {
        return false;
    }
    if (xtal_hz != 0u) {
        RCC_CR |= RCC_CR_HSEON;
        if (!wait_for(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY, HSE_TIMEOUT_US)) {
            return false;
        }
    }
    /* Voltage scale must be set while the PLL is off; it applies once the PLL runs. */
    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR; /* the enable needs a bus cycle before PWR answers */
    PWR_CR = (PWR_CR & ~PWR_CR_VOS_MASK) | stm32_chip.pwr_vos;

    RCC_PLLCFGR = (RCC_PLLCFGR & ~RCC_PLLCFGR_OURS) | (plan.m << RCC_PLLCFGR_M_POS) |
                  (plan.n << RCC_PLLCFGR_N_POS) | ((plan.p / 2u - 1u) << RCC_PLLCFGR_P_POS) |
                  (xtal_hz != 0u ? RCC_PLLCFGR_SRC_HSE : 0u) | (plan.q << RCC_PLLCFGR_Q_POS);
    RCC_CR |= RCC_CR_PLLON;
    if (!wait_for(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY, STEP_TIMEOUT_US)) {
        return false;
    }
    if (stm32_chip.overdrive_hz != 0u && plan.hz > stm32_chip.overdrive_hz) {
        PWR_CR |= PWR_CR_ODEN;
        if (!wait_for(&PWR_CSR, PWR_CSR_ODRDY, PWR_CSR_ODRDY, STEP_TIMEOUT_US)) {
            return false;
        }
        PWR_CR |= PWR_CR_ODSWEN;
        if (!wait_for(&PWR_CSR, PWR_CSR_ODSWRDY, PWR_CSR_ODSWRDY, STEP_TIMEOUT_US)) {
            return false;
        }
    }
    /* Wait states go up before the clock does, and must read back before the switch. */
    const uint32_t wait_states = (plan.hz - 1u) / FLASH_HZ_PER_WAIT_STATE;
    FLASH_ACR = flash_acr(wait_states);
    if (!wait_for(&FLASH_ACR, FLASH_ACR_LATENCY_MASK, wait_states, STEP_TIMEOUT_US)) {
        return false;
    }
    const uint32_t apb2_div = apb_divider(plan.hz, stm32_chip.apb2_max_hz);
    const uint32_t apb1_div = apb_divider(plan.hz, stm32_chip.apb2_max_hz / 2u);
    RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_HPRE_MASK | RCC_CFGR_PPRE_MASK(RCC_CFGR_PPRE1_POS) |
                             RCC_CFGR_PPRE_MASK(RCC_CFGR_PPRE2_POS))) |
               (ppre_bits(apb1_div) << RCC_CFGR_PPRE1_POS) | (ppre_bits(apb2_div) << RCC_CFGR_PPRE2_POS);
    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MASK) | RCC_CFGR_SW_PLL;
    if (!wait_for(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL, STEP_TIMEOUT_US)) {
        return false;
    }
    clocks.cpu_hz = plan.hz;
    clocks.apb1_hz = plan.hz / apb1_div;
    clocks.apb2_hz = plan.hz / apb2_div;
    clocks.on_pll = true;
    return true;
}

#if STM32_F7
/* The Cortex-M7 fetches flash over AXI without the ART; its own I-cache is what makes it fast. */
static void enable_icache(void) {
    __asm volatile("dsb\n\tisb" ::: "memory");
    SCB_ICIALLU = 0u;
    __asm volatile("dsb\n\tisb" ::: "memory");
    SCB_CCR |= SCB_CCR_IC;
    __asm volatile("dsb\n\tisb" ::: "memory");
}
#endif

const stm32_clocks_t *stm32_clock_init(void) {
    /* Silicon always boots on HSI with HSIRDY set; reading it clear means nobody models the RCC. */
    clocks.emulated = (RCC_CR & RCC_CR_HSIRDY) == 0u;
    clocks.cpu_hz = STM32_HSI_HZ;
    clocks.apb1_hz = STM32_HSI_HZ;
    clocks.apb2_hz = STM32_HSI_HZ;
    clocks.on_pll = false;
    guard_start();
    if (stm32_chip.cpu_hz > STM32_HSI_HZ && !bring_up_pll()) {
        fall_back_to_hsi();
    }
    /*
     * QEMU ignores RCC, so the fallback above leaves us "on HSI", yet it clocks the core and SysTick at
     * its fixed machine clock. Timing from 16 MHz would make every millisecond 10x short there, so we
     * report the emulator's clock (set by the SConscript from the board's `emulator` key).
     */
    if (clocks.emulated && stm32_chip.emulator_cpu_hz != 0u) {
        clocks.cpu_hz = stm32_chip.emulator_cpu_hz;
        clocks.apb1_hz = stm32_chip.emulator_cpu_hz;
        clocks.apb2_hz = stm32_chip.emulator_cpu_hz;
    }
    SYST_CSR = 0u;
#if STM32_F7
    enable_icache();
#endif
    return &clocks;
}

const stm32_clocks_t *stm32_clocks(void) {
    return &clocks;
}
