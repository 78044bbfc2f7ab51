/* hal_clock_c6.c: ESP32-C6 CPU clock as PCR reports it; the clock tree the ROM left is kept. */
#include "board_config.h"
#include "esp32_hal.h"
#include "hal.h"
#include "soc_regs.h"

#define SPLL_HZ 480000000u
#define RC_FAST_HZ 17500000u
#define CPU_120M_HZ 120000000u

uint32_t esp32_xtal_hz(void) {
    uint32_t mhz = PCR_XTAL_MHZ(PCR_SYSCLK_CONF);
    if (mhz == 40u || mhz == 48u) {
        return mhz * 1000000u;
    }
    return KILN_XTAL_HZ != 0 ? (uint32_t)KILN_XTAL_HZ : 40000000u;
}

/* Derived from the registers: CPU = HP root (SPLL / (HS_DIV + 1), or XTAL / RC_FAST over LS_DIV + 1)
   divided by the CPU divider of the same speed class. */
uint32_t hal_cpu_hz(void) {
    uint32_t sysclk = PCR_SYSCLK_CONF;
    uint32_t cpu = PCR_CPU_FREQ_CONF;
    switch (PCR_SOC_CLK_SEL(sysclk)) {
        case 1u:
            if (PCR_CPU_HS_DIV_NUM(cpu) == 0u && (cpu & PCR_CPU_HS_120M_FORCE) != 0u) {
                return CPU_120M_HZ;
            }
            return SPLL_HZ / (PCR_HS_DIV_NUM(sysclk) + 1u) / (PCR_CPU_HS_DIV_NUM(cpu) + 1u);
        case 2u:
            return RC_FAST_HZ / (PCR_LS_DIV_NUM(sysclk) + 1u) / (PCR_CPU_LS_DIV_NUM(cpu) + 1u);
        default:
            return esp32_xtal_hz() / (PCR_LS_DIV_NUM(sysclk) + 1u) / (PCR_CPU_LS_DIV_NUM(cpu) + 1u);
    }
}

/* Moving the C6 onto the SPLL also means matching the AHB/APB dividers and knowing the PLL is
   calibrated (PMU/analog work the TRM leaves to ROM code): not done. hal_cpu_hz() says what runs. */
void esp32_clock_init(void) {
}
