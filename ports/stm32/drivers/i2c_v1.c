/* i2c_v1.c: the F4's I2C controller (RM0090 ch. 27): START/SB, address/ADDR or AF, data TXE/RXNE/BTF, the
   RM's 1-, 2- and N-byte receive procedures, STOP; timing by CR2.FREQ, CCR and TRISE. */
#include "drivers/chip.h"
#include "stm32_series.h"

#if !STM32_I2C_V2
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/i2c.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"

#define CR1 0x00u
#define CR2 0x04u
#define DR 0x10u
#define SR1 0x14u
#define SR2 0x18u
#define CCR 0x1Cu
#define TRISE 0x20u

#define CR1_PE (1u << 0)
#define CR1_START (1u << 8)
#define CR1_STOP (1u << 9)
#define CR1_ACK (1u << 10)
#define CR1_POS (1u << 11)
#define CR1_SWRST (1u << 15)
#define SR1_SB (1u << 0)
#define SR1_ADDR (1u << 1)
#define SR1_BTF (1u << 2)
#define SR1_RXNE (1u << 6)
#define SR1_TXE (1u << 7)
#define SR1_BERR (1u << 8)
#define SR1_ARLO (1u << 9)
#define SR1_AF (1u << 10)
#define SR1_ERRORS (SR1_BERR | SR1_ARLO | SR1_AF)
#define SR2_BUSY (1u << 1)
#define CCR_FS (1u << 15)


#define REG(i2c, off) DRV_REG((i2c)->base + (off))

/* Programs timing and enables the peripheral (after a reset, or a software reset). */
static void configure(stm32_i2c_t *i2c) {
    const uint32_t mhz = stm32_bus_hz(STM32_BUS_APB1) / 1000000u;
    REG(i2c, CR1) = 0u;
    REG(i2c, CR2) = mhz;
    REG(i2c, CCR) = i2c->timing;
    /* Maximum rise time: 1000 ns standard mode, 300 ns fast mode, in PCLK1 periods plus one. */
    REG(i2c, TRISE) = (i2c->timing & CCR_FS) ? mhz * 300u / 1000u + 1u : mhz + 1u;
    REG(i2c, CR1) = CR1_PE;
}

static void software_reset(stm32_i2c_t *i2c) {
    REG(i2c, CR1) = CR1_SWRST;
    REG(i2c, CR1) = 0u;
    configure(i2c);
}

int stm32_i2c_init(stm32_i2c_t *i2c, const stm32_i2c_config_t *config) {
    i2c->up = false;
    if (config->index > 3u || !stm32_chip_has(stm32_chip.i2c_mask, config->index)) {
        return -STM32_ENODEV;
    }
    const uint32_t pclk = stm32_bus_hz(STM32_BUS_APB1);
    const uint32_t freq = config->freq_hz;
    if (freq == 0u || freq > 400000u || pclk < 2000000u || pclk > 50000000u ||
        (freq > 100000u && pclk < 4000000u) || pclk % 1000000u != 0u) {
        return -STM32_EINVAL; /* FREQ is whole MHz, 2..50; fast mode needs 4 MHz or more */
    }
    const bool fast = freq > 100000u;
    /* Standard: SCL high = low = CCR * tPCLK1. Fast with DUTY = 0: low = 2 * high = 2 * CCR * tPCLK1. */
    const uint32_t periods = fast ? 3u : 2u;
    uint32_t ccr = (pclk + periods * freq - 1u) / (periods * freq);
    const uint32_t ccr_min = fast ? 1u : 4u;
    ccr = ccr < ccr_min ? ccr_min : ccr;
    if (ccr > 0xFFFu) {
        return -STM32_EINVAL;
    }
    i2c->actual_hz = pclk / (periods * ccr);
    ccr |= fast ? CCR_FS : 0u;
    i2c->timing = ccr;
    return stm32_i2c_bring_up(i2c, config, configure);
}

int stm32_i2c_recover(stm32_i2c_t *i2c) {
    if (!i2c->up) {
        return -STM32_EINVAL;
    }
    REG(i2c, CR1) = 0u;
    const int err = stm32_i2c_clear_bus(i2c);
    /* The peripheral may still think the bus is busy (it saw the device's low SDA): reset it. */
    software_reset(i2c);
    return err;
}

/* Waits for an SR1 flag; an error flag ends the wait. */
static int wait_sr1(stm32_i2c_t *i2c, uint32_t flag) {
    stm32_deadline_t d;
    stm32_deadline_start(&d, i2c->timeout_us);
    for (;;) {
        const uint32_t sr1 = REG(i2c, SR1);
        if (sr1 & SR1_ERRORS) {
            return (sr1 & SR1_AF) ? -STM32_EIO : (sr1 & SR1_ARLO) ? -STM32_EAGAIN : -STM32_EIO;
        }
        if (sr1 & flag) {
            return STM32_OK;
        }
        if (stm32_deadline_expired(&d)) {
            return -STM32_ETIMEDOUT;
        }
    }
}

/* After an error: release the bus (unless arbitration was lost: the bus is someone else's), clear flags. */
static int fail(stm32_i2c_t *i2c, int err) {
    i2c->held = false;
    if (err != -STM32_EAGAIN) {
        REG(i2c, CR1) = (REG(i2c, CR1) & ~(CR1_ACK | CR1_POS)) | CR1_STOP;
    }
    REG(i2c, SR1) = ~SR1_ERRORS; /* rc_w0 */
    if (err == -STM32_ETIMEDOUT) {
        software_reset(i2c);
    }
    return err;
}

/* The bus must be idle before a START of ours (after a STOP of ours it is; after a repeated START we
   still own it). A bus that stays busy is recovered once. */
static int acquire(stm32_i2c_t *i2c) {
    if ((REG(i2c, SR2) & SR2_BUSY) == 0u || i2c->held) {
        return STM32_OK; /* idle, or ours since a write that ended without STOP */
    }
    if (stm32_wait_reg(&REG(i2c, SR2), SR2_BUSY, 0u, i2c->timeout_us) == STM32_OK) {
        return STM32_OK;
    }
    if (stm32_i2c_recover(i2c) != STM32_OK || (REG(i2c, SR2) & SR2_BUSY) != 0u) {
        return -STM32_EBUSY;
    }
    return STM32_OK;
}

/* START and the address byte; on an address NACK the bus is released and -STM32_ENODEV returned. */
static int start(stm32_i2c_t *i2c, uint8_t addr, bool read) {
    REG(i2c, CR1) |= CR1_START;
    int err = wait_sr1(i2c, SR1_SB);
    if (err != STM32_OK) {
        return fail(i2c, err);
    }
    REG(i2c, DR) = ((uint32_t)addr << 1) | (read ? 1u : 0u); /* SR1 read + DR write clears SB */
    err = wait_sr1(i2c, SR1_ADDR);
    if (err == -STM32_EIO) {
        return fail(i2c, -STM32_ENODEV); /* AF during the address phase: nobody answered */
    }
    return err == STM32_OK ? STM32_OK : fail(i2c, err);
}

/* The 1- and 2-byte receive steps must follow ADDR closely (RM0090 27.3.3 note, ES0182 2.5.2): an
   interrupt between them could let the next byte be acknowledged. */
static uint32_t irq_save(void) {
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static void irq_restore(uint32_t primask) {
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static void clear_addr(stm32_i2c_t *i2c) {
    (void)REG(i2c, SR1);
    (void)REG(i2c, SR2);
}

static int stop_and_wait(stm32_i2c_t *i2c) {
    REG(i2c, CR1) |= CR1_STOP;
    /* Hardware clears STOP once the condition is on the bus. */
    return stm32_wait_reg(&REG(i2c, CR1), CR1_STOP, 0u, i2c->timeout_us);
}

int stm32_i2c_write(stm32_i2c_t *i2c, uint8_t addr, const uint8_t *data, size_t len, bool stop) {
    if (!i2c->up || addr > 0x7Fu) {
        return -STM32_EINVAL;
    }
    int err = acquire(i2c);
    if (err == STM32_OK) {
        err = start(i2c, addr, false);
    }
    if (err != STM32_OK) {
        return err;
    }
    clear_addr(i2c);
    for (size_t i = 0; i < len; i++) {
        if ((err = wait_sr1(i2c, SR1_TXE)) != STM32_OK) {
            return fail(i2c, err);
        }
        REG(i2c, DR) = data[i];
    }
    if (len > 0u && (err = wait_sr1(i2c, SR1_BTF)) != STM32_OK) {
        return fail(i2c, err); /* AF here: the last byte was not acknowledged */
    }
    if (stop && (err = stop_and_wait(i2c)) != STM32_OK) {
        return fail(i2c, err);
    }
    i2c->held = !stop;
    return (int)len;
}

int stm32_i2c_read(stm32_i2c_t *i2c, uint8_t addr, uint8_t *data, size_t len, bool stop) {
    (void)stop;
    if (!i2c->up || addr > 0x7Fu || len == 0u) {
        return -STM32_EINVAL;
    }
    int err = acquire(i2c);
    if (err != STM32_OK) {
        return err;
    }
    /* Two bytes: POS makes ACK apply to the byte in the shift register (RM0090 27.3.3, method 2). */
    REG(i2c, CR1) = (REG(i2c, CR1) & ~CR1_POS) | CR1_ACK | (len == 2u ? CR1_POS : 0u);
    if ((err = start(i2c, addr, true)) != STM32_OK) {
        return err;
    }
    if (len == 1u) {
        REG(i2c, CR1) &= ~CR1_ACK; /* NACK the only byte: before ADDR is cleared */
        const uint32_t primask = irq_save();
        clear_addr(i2c);
        REG(i2c, CR1) |= CR1_STOP;
        irq_restore(primask);
        if ((err = wait_sr1(i2c, SR1_RXNE)) != STM32_OK) {
            return fail(i2c, err);
        }
        data[0] = (uint8_t)REG(i2c, DR);
    } else if (len == 2u) {
        const uint32_t primask = irq_save();
        clear_addr(i2c);
        REG(i2c, CR1) &= ~CR1_ACK;
        irq_restore(primask);
        if ((err = wait_sr1(i2c, SR1_BTF)) != STM32_OK) {
            return fail(i2c, err);
        }
        const uint32_t primask2 = irq_save();
        REG(i2c, CR1) |= CR1_STOP;
        data[0] = (uint8_t)REG(i2c, DR);
        irq_restore(primask2);
        data[1] = (uint8_t)REG(i2c, DR);
        REG(i2c, CR1) &= ~CR1_POS;
    } else {
        clear_addr(i2c);
        size_t i = 0;
        for (; i + 3u < len; i++) {
            if ((err = wait_sr1(i2c, SR1_RXNE)) != STM32_OK) {
                return fail(i2c, err);
            }
            data[i] = (uint8_t)REG(i2c, DR);
        }
        /* Three left: N-2 in DR, N-1 in the shift register (BTF), SCL stretched. */
        if ((err = wait_sr1(i2c, SR1_BTF)) != STM32_OK) {
            return fail(i2c, err);
        }
        REG(i2c, CR1) &= ~CR1_ACK; /* the last byte, received next, gets a NACK */
        data[i++] = (uint8_t)REG(i2c, DR);
        if ((err = wait_sr1(i2c, SR1_BTF)) != STM32_OK) {
            return fail(i2c, err);
        }
        const uint32_t primask = irq_save();
        REG(i2c, CR1) |= CR1_STOP;
        data[i++] = (uint8_t)REG(i2c, DR);
        irq_restore(primask);
        if ((err = wait_sr1(i2c, SR1_RXNE)) != STM32_OK) {
            return fail(i2c, err);
        }
        data[i] = (uint8_t)REG(i2c, DR);
    }
    if ((err = stm32_wait_reg(&REG(i2c, CR1), CR1_STOP, 0u, i2c->timeout_us)) != STM32_OK) {
        return fail(i2c, err);
    }
    i2c->held = false;
    return (int)len;
}
#endif
