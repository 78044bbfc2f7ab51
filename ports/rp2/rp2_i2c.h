/* rp2_i2c.h: the two DW_apb_i2c blocks as I2C controllers: 7-bit writes/reads with stop/restart. */
#ifndef KILN_RP2_I2C_H
#define KILN_RP2_I2C_H

#include <stddef.h>
#include <stdint.h>

#define RP2_I2C_COUNT 2u

/* Controller at freq_hz (up to 1 MHz) on SDA/SCL pins of that block, internal pull-ups on. */
int rp2_i2c_init(uint32_t i2c, uint32_t freq_hz, uint32_t sda, uint32_t scl);
void rp2_i2c_deinit(uint32_t i2c);
/* Both blocks back in reset, pins released (soft reset). */
void rp2_i2c_reset_state(void);
/* Writes len (>= 1) bytes to a 7-bit address. stop = 0 keeps the bus for a repeated start by
 * the next transfer. Returns len, or RP2_ERR_NACK_ADDR / NACK_DATA / ARB_LOST / ABORT /
 * TIMEOUT; after any error the bus has been released with a STOP. */
int rp2_i2c_write(uint32_t i2c, uint32_t addr, const uint8_t *buf, size_t len, int stop, uint32_t timeout_us);
/* Reads len (>= 1) bytes; same conventions as rp2_i2c_write. */
int rp2_i2c_read(uint32_t i2c, uint32_t addr, uint8_t *buf, size_t len, int stop, uint32_t timeout_us);
/* IC_TX_ABRT_SOURCE of the last aborted transfer (0 if the last one did not abort). */
uint32_t rp2_i2c_abort_source(uint32_t i2c);

#endif
