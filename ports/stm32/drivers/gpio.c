/* gpio.c: GPIO pin configuration and access (RM0090 ch. 8 / RM0410 ch. 6: MODER, OTYPER, OSPEEDR,
   PUPDR, IDR, ODR, BSRR, AFRL/AFRH). */
#include "drivers/gpio.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/rcc.h"

#define GPIO_PORT_BASE(port) (0x40020000u + 0x400u * (port))
#define MODER 0x00u
#define OTYPER 0x04u
#define OSPEEDR 0x08u
#define PUPDR 0x0Cu
#define IDR 0x10u
#define ODR 0x14u
#define BSRR 0x18u
#define AFRL 0x20u

#define PORT_OF(code) ((code) / 16u)
#define PIN_OF(code) ((code) % 16u)
#define REG(code, off) DRV_REG(GPIO_PORT_BASE(PORT_OF(code)) + (off))

bool stm32_pin_exists(uint32_t code) {
    const uint32_t port = PORT_OF(code);
    return stm32_chip_has(stm32_chip.gpio_ports, port);
}

int stm32_pin_configure(uint32_t code, const stm32_pin_config_t *config) {
    if (!stm32_pin_exists(code)) {
        return -STM32_ENODEV;
    }
    if (config->mode > STM32_PIN_ANALOG || config->pull > STM32_PULL_DOWN || config->speed > STM32_SPEED_VERY_HIGH ||
        config->af > 15u || config->initial > 1) {
        return -STM32_EINVAL;
    }
    const uint32_t pin = PIN_OF(code);
    const uint32_t two = 2u * pin;
    stm32_rcc_enable((stm32_clk_t){STM32_BUS_AHB1, (uint8_t)PORT_OF(code)});

    if (config->mode == STM32_PIN_OUTPUT && config->initial >= 0) {
        stm32_pin_write(code, config->initial != 0);
    }
    if (config->mode == STM32_PIN_AF) {
        volatile uint32_t *afr = &REG(code, AFRL + 4u * (pin / 8u));
        drv_modify(afr, 0xFu << (4u * (pin % 8u)), (uint32_t)config->af << (4u * (pin % 8u)));
    }
    drv_modify(&REG(code, OTYPER), 1u << pin, (config->open_drain ? 1u : 0u) << pin);
    drv_modify(&REG(code, OSPEEDR), 3u << two, (uint32_t)config->speed << two);
    /* An analog pin must have no pull (the RM forbids pulls in analog mode). */
    const uint32_t pull = config->mode == STM32_PIN_ANALOG ? STM32_PULL_NONE : config->pull;
    drv_modify(&REG(code, PUPDR), 3u << two, pull << two);
    drv_modify(&REG(code, MODER), 3u << two, (uint32_t)config->mode << two);
    return STM32_OK;
}

int stm32_pin_af(uint32_t code, uint32_t af, stm32_pin_pull_t pull, bool open_drain) {
    const stm32_pin_config_t config = {
        .mode = STM32_PIN_AF, .pull = (uint8_t)pull, .speed = STM32_SPEED_HIGH, .open_drain = open_drain,
        .af = (uint8_t)af, .initial = -1,
    };
    return stm32_pin_configure(code, &config);
}

void stm32_pin_write(uint32_t code, bool high) {
    /* BSRR: the low half sets, the high half resets; one write, no read-modify-write race with IRQs. */
    REG(code, BSRR) = high ? 1u << PIN_OF(code) : 1u << (PIN_OF(code) + 16u);
}

bool stm32_pin_read(uint32_t code) {
    return ((REG(code, IDR) >> PIN_OF(code)) & 1u) != 0u;
}

bool stm32_pin_latch(uint32_t code) {
    return ((REG(code, ODR) >> PIN_OF(code)) & 1u) != 0u;
}

stm32_pin_mode_t stm32_pin_mode(uint32_t code) {
    return (stm32_pin_mode_t)((REG(code, MODER) >> (2u * PIN_OF(code))) & 3u);
}
