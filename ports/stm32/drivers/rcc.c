/* rcc.c: peripheral clock enable/reset bits and the clock each bus runs at after clock.c's bring-up. */
#include "drivers/rcc.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "stm32_port.h"

static uint32_t enr_of(uint8_t bus) {
    return STM32_RCC + (bus == STM32_BUS_AHB1 ? RCC_AHB1ENR_OFF : bus == STM32_BUS_APB1 ? RCC_APB1ENR_OFF
                                                                                         : RCC_APB2ENR_OFF);
}

static uint32_t rstr_of(uint8_t bus) {
    return STM32_RCC + (bus == STM32_BUS_AHB1 ? RCC_AHB1RSTR_OFF : bus == STM32_BUS_APB1 ? RCC_APB1RSTR_OFF
                                                                                          : RCC_APB2RSTR_OFF);
}

void stm32_rcc_enable(stm32_clk_t clk) {
    DRV_REG(enr_of(clk.bus)) |= 1u << clk.bit;
    (void)DRV_REG(enr_of(clk.bus)); /* two peripheral clock cycles before the peripheral answers */
}

void stm32_rcc_disable(stm32_clk_t clk) {
    DRV_REG(enr_of(clk.bus)) &= ~(1u << clk.bit);
}

void stm32_rcc_reset(stm32_clk_t clk) {
    DRV_REG(rstr_of(clk.bus)) |= 1u << clk.bit;
    (void)DRV_REG(rstr_of(clk.bus));
    DRV_REG(rstr_of(clk.bus)) &= ~(1u << clk.bit);
}

uint32_t stm32_bus_hz(stm32_bus_t bus) {
    const stm32_clocks_t *clocks = stm32_clocks();
    return bus == STM32_BUS_APB1 ? clocks->apb1_hz : bus == STM32_BUS_APB2 ? clocks->apb2_hz : clocks->cpu_hz;
}

uint32_t stm32_timer_clock_hz(stm32_bus_t bus) {
    /* QEMU's TIM2..5 count at a fixed rate of their own, whatever the (absent) RCC says. */
    if (stm32_chip.emulator_timer_hz != 0u && stm32_clocks()->emulated) {
        return stm32_chip.emulator_timer_hz;
    }
    const uint32_t pclk = stm32_bus_hz(bus);
    /* HCLK is SYSCLK here (clock.c never divides AHB): a slower APB means a prescaler of 2 or more. */
    return pclk < stm32_clocks()->cpu_hz ? 2u * pclk : pclk;
}
