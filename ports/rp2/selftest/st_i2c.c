/* st_i2c.c: self-test of the I2C controller against the bench's devices. */
/* self-test of the I2C controller against the bench's devices: an EEPROM at 0x50 (write, then
 * write-pointer + repeated-start read), NACKs decoded from TX_ABRT_SOURCE, a device that never
 * answers (timeout), and recovery after each error. */
#include "selftest.h"

#include <string.h>

#include "hal.h"
#include "rp2_err.h"
#include "rp2_i2c.h"

#define EEPROM 0x50u
#define NACKS_SECOND_BYTE 0x51u
#define ABSENT 0x33u
#define STALLS 0x52u /* on I2C1 */
#define TIMEOUT_US 5000u

void st_i2c(void) {
    int err = rp2_i2c_init(0, 400000, 8, 9);
    st_check(err == RP2_OK, "i2c.init", "err=%d", err);

    const uint8_t write[] = {0x10, 0xaa, 0xbb, 0xcc};
    int n = rp2_i2c_write(0, EEPROM, write, sizeof write, 1, TIMEOUT_US);
    uint8_t pointer = 0x10;
    uint8_t read[3] = {0};
    int w = rp2_i2c_write(0, EEPROM, &pointer, 1, 0, TIMEOUT_US); /* no stop: repeated start next */
    int r = rp2_i2c_read(0, EEPROM, read, sizeof read, 1, TIMEOUT_US);
    st_check(n == 4 && w == 1 && r == 3 && read[0] == 0xaa && read[1] == 0xbb && read[2] == 0xcc, "i2c.write_read",
             "n=%d w=%d r=%d data=%02x%02x%02x", n, w, r, read[0], read[1], read[2]);

    err = rp2_i2c_write(0, ABSENT, write, sizeof write, 1, TIMEOUT_US);
    uint32_t source = rp2_i2c_abort_source(0);
    st_check(err == RP2_ERR_NACK_ADDR && (source & 1u), "i2c.nack_address", "err=%d source=0x%08lx", err,
             (unsigned long)source);
    err = rp2_i2c_read(0, ABSENT, read, 1, 1, TIMEOUT_US);
    st_check(err == RP2_ERR_NACK_ADDR, "i2c.nack_address_read", "err=%d", err);
    err = rp2_i2c_write(0, NACKS_SECOND_BYTE, write, sizeof write, 1, TIMEOUT_US);
    source = rp2_i2c_abort_source(0);
    st_check(err == RP2_ERR_NACK_DATA && (source & (1u << 3)), "i2c.nack_data", "err=%d source=0x%08lx", err,
             (unsigned long)source);
    memset(read, 0, sizeof read);
    w = rp2_i2c_write(0, EEPROM, &pointer, 1, 0, TIMEOUT_US);
    r = rp2_i2c_read(0, EEPROM, read, 1, 1, TIMEOUT_US);
    st_check(w == 1 && r == 1 && read[0] == 0xaa && rp2_i2c_abort_source(0) == 0, "i2c.recovers", "read %02x",
             read[0]);

    rp2_i2c_init(1, 100000, 10, 11);
    uint32_t start = hal_ticks_us();
    err = rp2_i2c_write(1, STALLS, write, sizeof write, 1, TIMEOUT_US);
    uint32_t took = hal_ticks_us() - start;
    st_check(err == RP2_ERR_TIMEOUT && took >= TIMEOUT_US && took < TIMEOUT_US + 5000u, "i2c.timeout",
             "err=%d after %lu us", err, (unsigned long)took);

    st_check(rp2_i2c_init(0, 100000, 9, 8) == RP2_ERR_INVALID && rp2_i2c_init(1, 100000, 8, 9) == RP2_ERR_INVALID &&
                 rp2_i2c_write(0, 0x80, write, 1, 1, TIMEOUT_US) == RP2_ERR_INVALID &&
                 rp2_i2c_write(0, EEPROM, write, 0, 1, TIMEOUT_US) == RP2_ERR_INVALID,
             "i2c.bad_args", "refused");
    rp2_i2c_deinit(0);
    rp2_i2c_deinit(1);
}
