/* i2c_shared.c: what the F4 (i2c_v1.c) and F7 (i2c_v2.c) I2C drivers share: bring-up and shut-down, the pin
   hand-over, and the bus clear by GPIO (UM10204 3.1.16: clock SCL until a stuck device lets SDA go, then a
   STOP so every device sees the bus idle). */
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/i2c.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"

#define MAX_PULSES 9u             /* a byte and its acknowledge bit */
#define STRETCH_TIMEOUT_US 10000u /* a device may hold SCL low (clock stretching) this long */
#define DEFAULT_TIMEOUT_US 50000u

/* I2Cn (n = 1..4) sits at 0x40005400 + (n - 1) * 0x400 on APB1, clocked by APB1ENR bit 20 + n (RM0090 2.3,
   RM0410 2.2 and the RCC chapters). */
static uint32_t i2c_base(uint32_t index) {
    return 0x40005400u + (index - 1u) * 0x400u;
}

static stm32_clk_t i2c_clock(uint32_t index) {
    return (stm32_clk_t){STM32_BUS_APB1, (uint8_t)(20u + index)};
}

int stm32_i2c_bring_up(stm32_i2c_t *i2c, const stm32_i2c_config_t *config, void (*configure)(stm32_i2c_t *)) {
    i2c->base = i2c_base(config->index);
    i2c->index = config->index;
    i2c->freq_hz = config->freq_hz;
    i2c->scl_pin = config->scl_pin;
    i2c->sda_pin = config->sda_pin;
    i2c->af = config->af != 0u ? config->af : 4u;
    i2c->timeout_us = config->timeout_us != 0u ? config->timeout_us : DEFAULT_TIMEOUT_US;
    i2c->recoveries = 0u;
    i2c->held = false;
    const stm32_clk_t clk = i2c_clock(config->index);
    stm32_rcc_enable(clk);
    stm32_rcc_reset(clk);
    const int err = stm32_i2c_take_pins(i2c);
    if (err != STM32_OK) {
        return err;
    }
    configure(i2c);
    i2c->up = true;
    return STM32_OK;
}

void stm32_i2c_deinit(stm32_i2c_t *i2c) {
    if (i2c->up) {
        DRV_REG(i2c->base) = 0u; /* CR1 (offset 0 on both versions): PE off */
        stm32_rcc_disable(i2c_clock(i2c->index));
        i2c->up = false;
    }
}

static int release_scl(uint32_t scl_pin, uint32_t half_period_us) {
    stm32_pin_write(scl_pin, true);
    stm32_deadline_t d;
    stm32_deadline_start(&d, STRETCH_TIMEOUT_US);
    while (!stm32_pin_read(scl_pin)) {
        if (stm32_deadline_expired(&d)) {
            return -STM32_EBUSY; /* something holds SCL low for good */
        }
    }
    stm32_spin_us(half_period_us);
    return STM32_OK;
}

int stm32_i2c_bus_clear(uint32_t scl_pin, uint32_t sda_pin, uint32_t half_period_us) {
    const stm32_pin_config_t released = {
        .mode = STM32_PIN_OUTPUT, .pull = STM32_PULL_UP, .speed = STM32_SPEED_LOW, .open_drain = true, .initial = 1,
    };
    int err = stm32_pin_configure(sda_pin, &released);
    if (err == STM32_OK) {
        err = stm32_pin_configure(scl_pin, &released);
    }
    if (err != STM32_OK) {
        return err;
    }
    if ((err = release_scl(scl_pin, half_period_us)) != STM32_OK) {
        return err;
    }
    for (uint32_t pulse = 0; pulse < MAX_PULSES && !stm32_pin_read(sda_pin); pulse++) {
        stm32_pin_write(scl_pin, false);
        stm32_spin_us(half_period_us);
        if ((err = release_scl(scl_pin, half_period_us)) != STM32_OK) {
            return err;
        }
    }
    /* STOP: SDA rises while SCL is high. Take SCL low first so lowering SDA is not a START. */
    stm32_pin_write(scl_pin, false);
    stm32_spin_us(half_period_us);
    stm32_pin_write(sda_pin, false);
    stm32_spin_us(half_period_us);
    if ((err = release_scl(scl_pin, half_period_us)) != STM32_OK) {
        return err;
    }
    stm32_pin_write(sda_pin, true);
    stm32_spin_us(half_period_us);
    return stm32_pin_read(sda_pin) && stm32_pin_read(scl_pin) ? STM32_OK : -STM32_EBUSY;
}

int stm32_i2c_take_pins(stm32_i2c_t *i2c) {
    /* A device left mid-byte by a reset holds SDA low: free it before the peripheral sees the lines. */
    const stm32_pin_config_t probe = {.mode = STM32_PIN_INPUT, .pull = STM32_PULL_UP, .initial = -1};
    int err = stm32_pin_configure(i2c->sda_pin, &probe);
    if (err == STM32_OK && !stm32_pin_read(i2c->sda_pin)) {
        i2c->recoveries++;
        err = stm32_i2c_bus_clear(i2c->scl_pin, i2c->sda_pin, 500000u / i2c->freq_hz + 1u);
    }
    if (err == STM32_OK) {
        err = stm32_pin_af(i2c->scl_pin, i2c->af, STM32_PULL_UP, true);
    }
    if (err == STM32_OK) {
        err = stm32_pin_af(i2c->sda_pin, i2c->af, STM32_PULL_UP, true);
    }
    return err;
}

int stm32_i2c_clear_bus(stm32_i2c_t *i2c) {
    i2c->recoveries++;
    const int err = stm32_i2c_bus_clear(i2c->scl_pin, i2c->sda_pin, 500000u / i2c->freq_hz + 1u);
    const int af_err = stm32_pin_af(i2c->scl_pin, i2c->af, STM32_PULL_UP, true);
    (void)stm32_pin_af(i2c->sda_pin, i2c->af, STM32_PULL_UP, true);
    return err != STM32_OK ? err : af_err;
}
