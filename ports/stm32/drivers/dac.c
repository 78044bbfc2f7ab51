/* dac.c: DAC channels 1/2 with software-written data (RM0090 ch. 14: CR ENx/BOFFx/TENx, DHR12Rx, DOR). */
#include "drivers/dac.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/rcc.h"

#define DAC_CR DRV_REG(STM32_DAC + 0x00u)
#define DAC_DHR12R(ch) DRV_REG(STM32_DAC + ((ch) == 1u ? 0x08u : 0x14u))
#define CR_EN (1u << 0)
#define CR_BOFF (1u << 1) /* 1 = output buffer off */
#define CR_SHIFT(ch) ((ch) == 1u ? 0u : 16u)
#define CR_CHANNEL_MASK 0xFFFFu

int stm32_dac_init(uint32_t channel, bool output_buffer) {
    if (!stm32_chip.has_dac) {
        return -STM32_ENODEV;
    }
    if (channel != 1u && channel != 2u) {
        return -STM32_EINVAL;
    }
    const stm32_pin_config_t analog = {.mode = STM32_PIN_ANALOG, .initial = -1};
    const int err = stm32_pin_configure(STM32_PIN_CODE('A', 3u + channel), &analog);
    if (err != STM32_OK) {
        return err;
    }
    stm32_rcc_enable((stm32_clk_t){STM32_BUS_APB1, RCC_APB1_DAC});
    /* TEN = 0: a DHR write moves to DOR one APB1 cycle later. BOFF changes only while the channel is off. */
    drv_modify(&DAC_CR, CR_CHANNEL_MASK << CR_SHIFT(channel), 0u);
    drv_modify(&DAC_CR, CR_CHANNEL_MASK << CR_SHIFT(channel), (output_buffer ? 0u : CR_BOFF) << CR_SHIFT(channel));
    DAC_CR |= CR_EN << CR_SHIFT(channel);
    return STM32_OK;
}

int stm32_dac_write(uint32_t channel, uint32_t value) {
    if (!stm32_chip.has_dac) {
        return -STM32_ENODEV;
    }
    if ((channel != 1u && channel != 2u) || value > 0xFFFu) {
        return -STM32_EINVAL;
    }
    if ((DAC_CR & (CR_EN << CR_SHIFT(channel))) == 0u) {
        return -STM32_EINVAL;
    }
    DAC_DHR12R(channel) = value;
    return STM32_OK;
}

void stm32_dac_deinit(uint32_t channel) {
    if (stm32_chip.has_dac && (channel == 1u || channel == 2u)) {
        DAC_CR &= ~(CR_EN << CR_SHIFT(channel));
    }
}
