/* rp2_err.h: the error codes the RP2040 drivers return (0 = success, negative = what went wrong). */
#ifndef KILN_RP2_ERR_H
#define KILN_RP2_ERR_H

typedef enum {
    RP2_OK = 0,
    RP2_ERR_INVALID = -1,      /* bad argument: pin, instance, length or range */
    RP2_ERR_TIMEOUT = -2,      /* the hardware did not finish within its deadline */
    RP2_ERR_NACK_ADDR = -3,    /* I2C: no device acknowledged the address */
    RP2_ERR_NACK_DATA = -4,    /* I2C: the device refused a data byte */
    RP2_ERR_ARB_LOST = -5,     /* I2C: another controller won the bus */
    RP2_ERR_ABORT = -6,        /* I2C: some other transmit abort (see rp2_i2c_abort_source()) */
    RP2_ERR_PROTECTED = -7,    /* flash: the range overlaps the firmware's own sectors */
    RP2_ERR_WRITE_ENABLE = -8, /* flash: the write-enable latch did not set (protected chip?) */
    RP2_ERR_NOT_FOUND = -9,    /* bootrom: the function is not in the ROM table */
    RP2_ERR_NOT_READY = -10,   /* the driver was not initialised */
    RP2_ERR_BUSY = -11,        /* every slot (e.g. TIMER alarm) is in use */
    RP2_ERR_VERIFY = -12,      /* flash: read-back after programming differs */
} rp2_err_t;

#endif
