/* i2c_recover.c: I2C bus clear by GPIO (UM10204 3.1.16): clock SCL until the stuck device lets SDA go,
   then a STOP so every device sees the bus idle; and the pin hand-over both I2C versions share. */
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/i2c.h"
#include "drivers/wait.h"

#define MAX_PULSES 9u             /* a byte and its acknowledge bit */
#define STRETCH_TIMEOUT_US 10000u /* a device may hold SCL low (clock stretching) this long */

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
