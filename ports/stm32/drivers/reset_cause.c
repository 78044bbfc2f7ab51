/* reset_cause.c: RCC_CSR reset flags (RM0090 6.3.21: BORRSTF..LPWRRSTF bits 25..31, RMVF bit 24). */
#include "drivers/reset_cause.h"

#include "drivers/chip.h"
#include "drivers/drv.h"

#define RCC_CSR DRV_REG(STM32_RCC + RCC_CSR_OFF)
#define CSR_RMVF (1u << 24)
#define CSR_BORRSTF (1u << 25)
#define CSR_PINRSTF (1u << 26)
#define CSR_PORRSTF (1u << 27)
#define CSR_SFTRSTF (1u << 28)
#define CSR_IWDGRSTF (1u << 29)
#define CSR_WWDGRSTF (1u << 30)
#define CSR_LPWRRSTF (1u << 31)
#define CSR_FLAGS 0xFE000000u

uint32_t stm32_reset_flags_take(void) {
    const uint32_t flags = RCC_CSR & CSR_FLAGS;
    RCC_CSR |= CSR_RMVF;
    return flags;
}

stm32_reset_cause_t stm32_reset_cause(uint32_t flags) {
    /* Every internal reset also pulses NRST (PINRSTF), and a power-on sets BORRSTF too. */
    if (flags & CSR_IWDGRSTF) {
        return STM32_RESET_IWDG;
    }
    if (flags & CSR_WWDGRSTF) {
        return STM32_RESET_WWDG;
    }
    if (flags & CSR_LPWRRSTF) {
        return STM32_RESET_LOW_POWER;
    }
    if (flags & CSR_SFTRSTF) {
        return STM32_RESET_SOFT;
    }
    if (flags & CSR_PORRSTF) {
        return STM32_RESET_POWER_ON;
    }
    if (flags & CSR_BORRSTF) {
        return STM32_RESET_BROWN_OUT;
    }
    if (flags & CSR_PINRSTF) {
        return STM32_RESET_PIN;
    }
    return STM32_RESET_UNKNOWN;
}
