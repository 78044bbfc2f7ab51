/* esp_i2c.h: ESP32-C3/C6 I2C controller (master) driven by its command list: START/WRITE/READ/STOP/END. */
#ifndef KILN_ESP_I2C_H
#define KILN_ESP_I2C_H

#include <stddef.h>
#include <stdint.h>

/* Routes SCL/SDA (open drain, pull-ups on), sets the bus clock from the 40 MHz XTAL and a
   per-transfer timeout. One controller (I2C0) on both chips: id 0. */
int esp_i2c_init(unsigned id, int scl_pin, int sda_pin, uint32_t freq_hz, uint32_t timeout_us);
uint32_t esp_i2c_freq(unsigned id); /* the SCL rate the timing registers give */

/* A (repeated) START, the 7-bit address, then the data; STOP when `stop` (else the bus is held for
   the next call's repeated START). Errors: -ENODEV (address NACKed), -EIO (data NACKed),
   -ETIMEDOUT (no completion: stuck bus; the controller is reset), -EAGAIN (arbitration lost). */
int esp_i2c_write(unsigned id, uint8_t addr, const uint8_t *buf, size_t len, int stop);
int esp_i2c_read(unsigned id, uint8_t addr, uint8_t *buf, size_t len, int stop);

#endif
