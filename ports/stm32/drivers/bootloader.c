/* bootloader.c: entry into the ROM bootloader (AN2606: system memory at 0x1FFF0000 on F4, 0x1FF00000 on
   F76x; the F4 also remaps system memory at 0 via SYSCFG_MEMRMP as BOOT0 would). */
#include "drivers/bootloader.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/wait.h"
#include "stm32_regs.h"
#include "stm32_series.h"

#define RCC_AHB2ENR DRV_REG(STM32_RCC + 0x34u)
#define RCC_AHB1RSTR DRV_REG(STM32_RCC + RCC_AHB1RSTR_OFF)
#define RCC_AHB2RSTR DRV_REG(STM32_RCC + 0x14u)
#define RCC_APB1RSTR DRV_REG(STM32_RCC + RCC_APB1RSTR_OFF)
#define RCC_APB2RSTR DRV_REG(STM32_RCC + RCC_APB2RSTR_OFF)
#define RCC_PLLCFGR_RESET 0x24003010u
#define SYSCFG_MEMRMP DRV_REG(STM32_SYSCFG + 0x00u)
#define MEMRMP_SYSTEM_FLASH 1u
#define NVIC_ICPR(n) DRV_REG(0xE000E280u + 4u * (n))
#define ICSR_PENDSTCLR (1u << 25)
#define ICSR_PENDSVCLR (1u << 27)
#define SWITCH_TIMEOUT_US 10000u

void stm32_enter_bootloader(void) {
    __asm volatile("cpsid i" ::: "memory");
    SYST_CSR = 0u;
    SYST_RVR = 0u;
    SYST_CVR = 0u;
    for (uint32_t n = 0; n < 8u; n++) {
        NVIC_ICER(n) = 0xFFFFFFFFu;
        NVIC_ICPR(n) = 0xFFFFFFFFu;
    }
    SCB_ICSR = ICSR_PENDSTCLR | ICSR_PENDSVCLR;

    /* SYSCLK back on HSI with no dividers; PLL and HSE off: the ROM expects the reset clock tree. Each wait is
       bounded: if HSI will not take over, the ROM copes with the PLL as it is. */
    RCC_CR |= RCC_CR_HSION;
    (void)stm32_wait_reg(&RCC_CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY, SWITCH_TIMEOUT_US);
    RCC_CFGR = 0u;
    if (stm32_wait_reg(&RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_HSI, SWITCH_TIMEOUT_US) == STM32_OK) {
        RCC_CR &= ~(RCC_CR_PLLON | RCC_CR_HSEON | RCC_CR_HSEBYP);
        RCC_PLLCFGR = RCC_PLLCFGR_RESET;
    }

    /* Reset every peripheral we enabled (the ROM configures USB, USART, GPIO itself), keep SYSCFG on for
       the remap below. */
    const uint32_t ahb1 = RCC_AHB1ENR & ~(1u << 20); /* CCM/DTCM RAM enable is not a peripheral */
    RCC_AHB1RSTR = ahb1;
    RCC_AHB1RSTR = 0u;
    RCC_AHB2RSTR = RCC_AHB2ENR;
    RCC_AHB2RSTR = 0u;
    RCC_APB1RSTR = RCC_APB1ENR;
    RCC_APB1RSTR = 0u;
    RCC_APB2RSTR = RCC_APB2ENR;
    RCC_APB2RSTR = 0u;

#if STM32_F7
    /* The ROM runs with the caches in their reset state (off). */
    __asm volatile("dsb\n\tisb" ::: "memory");
    SCB_CCR &= ~SCB_CCR_IC;
    SCB_ICIALLU = 0u;
#else
    RCC_APB2ENR |= 1u << RCC_APB2_SYSCFG;
    (void)RCC_APB2ENR;
    SYSCFG_MEMRMP = MEMRMP_SYSTEM_FLASH; /* as if BOOT0 were high: system memory aliased at 0 */
#endif
    const uint32_t *rom = (const uint32_t *)(uintptr_t)STM32_SYSMEM_BASE;
    const uint32_t stack = rom[0];
    const uint32_t entry = rom[1];
    SCB_VTOR = STM32_SYSMEM_BASE;
    __asm volatile("dsb\n\tisb" ::: "memory");
    /* PRIMASK is 0 after a reset; the ROM expects that. Every interrupt is disabled in the NVIC. */
    __asm volatile(
        "msr msp, %0\n\t"
        "cpsie i\n\t"
        "bx %1\n\t"
        :
        : "r"(stack), "r"(entry)
        : "memory");
    __builtin_unreachable();
}
