/* drv.h: what every STM32 driver shares: error codes (negated errno values) and register access. */
#ifndef KILN_STM32_DRV_H
#define KILN_STM32_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every driver call that can fail returns 0 or one of these, negated. The numbers are the POSIX errno
 * values, so the `machine` layer can raise OSError(-ret) without a translation table.
 */
#define STM32_OK 0
#define STM32_EPERM 1       /* refused: protected flash, locked peripheral */
#define STM32_EIO 5         /* the peripheral reported an error (I2C data NACK, bus error, flash error flag) */
#define STM32_EAGAIN 11     /* lost arbitration: try again */
#define STM32_EBUSY 16      /* resource in use (console UART, IRQ owned by someone else, bus held) */
#define STM32_ENODEV 19     /* this chip has no such peripheral/pin, or an I2C address was not acknowledged */
#define STM32_EINVAL 22     /* a parameter is out of range */
#define STM32_ENOSPC 28     /* no room (ring buffer size, flash region) */
#define STM32_ETIMEDOUT 110 /* a hardware flag did not arrive in time */

#define DRV_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define DRV_REG16(addr) (*(volatile uint16_t *)(uintptr_t)(addr))
#define DRV_REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* Replaces the bits of `mask` in a register with `value` (already shifted into place). */
static inline void drv_modify(volatile uint32_t *reg, uint32_t mask, uint32_t value) {
    *reg = (*reg & ~mask) | (value & mask);
}

#endif
