/* i2c.h: I2C controller (master) n: 7-bit addressing, standard/fast mode, timeouts, NACK reporting and bus
   recovery. The F4's I2C (i2c_v1.c) and the F7's (i2c_v2.c) share this interface. */
#ifndef KILN_STM32_I2C_H
#define KILN_STM32_I2C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t index;      /* I2C1..I2C3 (I2C4 on the F7) */
    uint32_t freq_hz;    /* up to 100000 standard mode, up to 400000 fast mode */
    uint32_t scl_pin;    /* pin codes; both are needed (recovery drives them as GPIO) */
    uint32_t sda_pin;
    uint8_t af;          /* 0 = AF4 */
    uint32_t timeout_us; /* per flag wait; 0 = 50 ms */
} stm32_i2c_config_t;

typedef struct {
    uint32_t base;
    uint32_t index;
    uint32_t freq_hz;     /* asked for */
    uint32_t actual_hz;   /* reached with the bus clock's integer dividers */
    uint32_t scl_pin;
    uint32_t sda_pin;
    uint32_t af;
    uint32_t timeout_us;
    uint32_t timing;      /* CCR (v1) or TIMINGR (v2) as computed, for re-initialisation */
    uint32_t recoveries;  /* bus recoveries performed */
    bool held;            /* the last transfer ended without STOP: the bus is still ours */
    bool up;
} stm32_i2c_t;

/*
 * Errors of the transfer functions: -STM32_ENODEV address not acknowledged, -STM32_EIO data byte not
 * acknowledged or bus error, -STM32_EAGAIN arbitration lost, -STM32_ETIMEDOUT a flag never came (the
 * peripheral is reset afterwards), -STM32_EBUSY the bus stayed busy even after recovery.
 */
int stm32_i2c_init(stm32_i2c_t *i2c, const stm32_i2c_config_t *config);
void stm32_i2c_deinit(stm32_i2c_t *i2c);

/* START, address+W, len bytes (len 0 probes the address), then STOP when `stop` (else the next transfer
   starts with a repeated START). Returns len or an error. */
int stm32_i2c_write(stm32_i2c_t *i2c, uint8_t addr, const uint8_t *data, size_t len, bool stop);

/* START, address+R, len (>= 1) bytes, the last one NACKed, then STOP. On the F4 a read always ends with
   STOP (`stop` is accepted for interface symmetry). Returns len or an error. */
int stm32_i2c_read(stm32_i2c_t *i2c, uint8_t addr, uint8_t *data, size_t len, bool stop);

/* Frees a bus a device holds (SDA stuck low): up to 9 SCL pulses and a STOP by GPIO, then resets the
   peripheral. 0 when SDA is high afterwards, -STM32_EBUSY otherwise. */
int stm32_i2c_recover(stm32_i2c_t *i2c);

/* Used by the two peripheral versions: GPIO-level recovery of SCL/SDA (i2c_shared.c). */
int stm32_i2c_bus_clear(uint32_t scl_pin, uint32_t sda_pin, uint32_t half_period_us);
/* Shared by i2c_v1.c/i2c_v2.c: frees SDA if a device holds it, then hands both pins to the I2C alternate
   function (init); clocks a stuck device free and hands the pins back (recover: the clear's result, else
   the pins'). */
int stm32_i2c_take_pins(stm32_i2c_t *i2c);
int stm32_i2c_clear_bus(stm32_i2c_t *i2c);
/* Shared init tail (i2c_shared.c), once the version's driver has checked the config and set i2c->timing:
   fills in the handle, clocks and resets the peripheral, takes the pins, then calls the version's configure. */
int stm32_i2c_bring_up(stm32_i2c_t *i2c, const stm32_i2c_config_t *config, void (*configure)(stm32_i2c_t *));

#endif
