/* i2c_v2.c: the F7's I2C controller (RM0410 ch. 30): TIMINGR from I2CCLK, transfers of up to 255 bytes per
   NBYTES with RELOAD beyond, AUTOEND for STOP, TXIS/RXNE/TC/TCR/NACKF/STOPF. */
#include "drivers/chip.h"
#include "stm32_series.h"

#if STM32_I2C_V2
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/i2c.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"

#define CR1 0x00u
#define CR2 0x04u
#define TIMINGR 0x10u
#define ISR 0x18u
#define ICR 0x1Cu
#define RXDR 0x24u
#define TXDR 0x28u

#define CR1_PE (1u << 0)
#define CR2_RD_WRN (1u << 10)
#define CR2_START (1u << 13)
#define CR2_STOP (1u << 14)
#define CR2_NBYTES_POS 16u
#define CR2_RELOAD (1u << 24)
#define CR2_AUTOEND (1u << 25)
#define ISR_TXIS (1u << 1)
#define ISR_RXNE (1u << 2)
#define ISR_NACKF (1u << 4)
#define ISR_STOPF (1u << 5)
#define ISR_TC (1u << 6)
#define ISR_TCR (1u << 7)
#define ISR_BERR (1u << 8)
#define ISR_ARLO (1u << 9)
#define ISR_BUSY (1u << 15)
#define ICR_ALL 0x3F38u /* ADDRCF NACKCF STOPCF BERRCF ARLOCF OVRCF PECCF TIMOUTCF ALERTCF */

#define CHUNK 255u

#define REG(i2c, off) DRV_REG((i2c)->base + (off))

static uint32_t div_up(uint64_t a, uint64_t b) {
    return (uint32_t)((a + b - 1u) / b);
}

/*
 * TIMINGR for freq at clk (RM0410 30.4.9): tSCL = tSYNC1 + tSYNC2 + (SCLL + 1 + SCLH + 1) * tPRESC, where the
 * two sync delays are 2-3 I2CCLK periods plus the analog filter (50..260 ns) each. Counting with the
 * shortest sync delays keeps the clock at or below freq whatever the bus adds. SCL low/high split 1:1
 * (standard) or 2:1 (fast) respecting tLOW/tHIGH minimums; SCLDEL covers tSU;DAT + tr, SDADEL tf.
 * Returns 0 when freq cannot be reached.
 */
static uint32_t timing_for(uint32_t clk, uint32_t freq, uint32_t *actual) {
    const bool fast = freq > 100000u;
    const uint32_t sync_ns = 2u * (2u * 1000000000u / clk + 50u); /* both edges, shortest case */
    const uint32_t period_ns = 1000000000u / freq;
    if (period_ns <= sync_ns + 100u) {
        return 0u;
    }
    const uint32_t counted_ns = period_ns - sync_ns;
    const uint32_t low_min_ns = fast ? 1300u : 4700u;
    const uint32_t high_min_ns = fast ? 600u : 4000u;
    for (uint32_t presc = 0; presc < 16u; presc++) {
        const uint64_t tick_ps = (uint64_t)(presc + 1u) * 1000000000000ull / clk;
        const uint32_t ticks = div_up((uint64_t)counted_ns * 1000u, tick_ps); /* rounding up: never faster */
        const uint32_t low_min = div_up((uint64_t)low_min_ns * 1000u, tick_ps);
        const uint32_t high_min = div_up((uint64_t)high_min_ns * 1000u, tick_ps);
        uint32_t low = fast ? ticks * 2u / 3u : ticks / 2u;
        low = low < low_min ? low_min : low;
        /* When the minimums need more than the period, the clock comes out slower, never faster. */
        const uint32_t high = ticks > low + high_min ? ticks - low : high_min;
        if (low > 256u || high > 256u) {
            continue;
        }
        const uint32_t scldel = div_up((uint64_t)(fast ? 400u : 1250u) * 1000u, tick_ps); /* tSU;DAT + tr */
        const uint32_t sdadel = div_up((uint64_t)300u * 1000u, tick_ps);  /* tf */
        if (scldel > 16u || sdadel > 15u) {
            continue;
        }
        *actual = (uint32_t)(1000000000000ull / ((uint64_t)(low + high) * tick_ps + (uint64_t)sync_ns * 1000u));
        return (presc << 28) | ((scldel - 1u) << 20) | (sdadel << 16) | ((high - 1u) << 8) | (low - 1u);
    }
    return 0u;
}

static void configure(stm32_i2c_t *i2c) {
    REG(i2c, CR1) = 0u; /* PE = 0 is also the software reset: state machines and flags cleared */
    REG(i2c, TIMINGR) = i2c->timing;
    REG(i2c, CR1) = CR1_PE;
}

int stm32_i2c_init(stm32_i2c_t *i2c, const stm32_i2c_config_t *config) {
    i2c->up = false;
    if (config->index > 4u || !stm32_chip_has(stm32_chip.i2c_mask, config->index)) {
        return -STM32_ENODEV;
    }
    if (config->freq_hz == 0u || config->freq_hz > 400000u) {
        return -STM32_EINVAL;
    }
    /* I2CCLK is PCLK1 (RCC_DCKCFGR2 I2CxSEL at its reset value). */
    const uint32_t timing = timing_for(stm32_bus_hz(STM32_BUS_APB1), config->freq_hz, &i2c->actual_hz);
    if (timing == 0u) {
        return -STM32_EINVAL;
    }
    i2c->timing = timing;
    return stm32_i2c_bring_up(i2c, config, configure);
}

int stm32_i2c_recover(stm32_i2c_t *i2c) {
    if (!i2c->up) {
        return -STM32_EINVAL;
    }
    REG(i2c, CR1) = 0u;
    const int err = stm32_i2c_clear_bus(i2c);
    configure(i2c);
    return err;
}

/* Ends a failed transfer: STOP (automatic after a NACK), flags cleared; a timeout also resets the block. */
static int fail(stm32_i2c_t *i2c, int err) {
    i2c->held = false;
    if (err == -STM32_ETIMEDOUT) {
        configure(i2c);
        return err;
    }
    if (err != -STM32_EAGAIN && (REG(i2c, ISR) & ISR_BUSY) != 0u) {
        if ((REG(i2c, ISR) & ISR_NACKF) == 0u) {
            REG(i2c, CR2) |= CR2_STOP;
        }
        if (stm32_wait_reg(&REG(i2c, ISR), ISR_STOPF, ISR_STOPF, i2c->timeout_us) != STM32_OK) {
            configure(i2c);
        }
    }
    REG(i2c, ICR) = ICR_ALL;
    return err;
}

/* Waits for one of `flags`; NACKF, BERR and ARLO end the wait with an error. */
static int wait_isr(stm32_i2c_t *i2c, uint32_t flags) {
    stm32_deadline_t d;
    stm32_deadline_start(&d, i2c->timeout_us);
    for (;;) {
        /* Errors first: after a NACK the automatic STOP sets STOPF too, which must not read as success. */
        const uint32_t isr = REG(i2c, ISR);
        if (isr & ISR_NACKF) {
            return -STM32_EIO;
        }
        if (isr & ISR_ARLO) {
            return -STM32_EAGAIN;
        }
        if (isr & ISR_BERR) {
            return -STM32_EIO;
        }
        if (isr & flags) {
            return STM32_OK;
        }
        if (stm32_deadline_expired(&d)) {
            return -STM32_ETIMEDOUT;
        }
    }
}

static int acquire(stm32_i2c_t *i2c) {
    if ((REG(i2c, ISR) & ISR_BUSY) == 0u || i2c->held) {
        return STM32_OK; /* idle, or ours since a transfer that ended without STOP */
    }
    if (stm32_wait_reg(&REG(i2c, ISR), ISR_BUSY, 0u, i2c->timeout_us) == STM32_OK) {
        return STM32_OK;
    }
    if (stm32_i2c_recover(i2c) != STM32_OK || (REG(i2c, ISR) & ISR_BUSY) != 0u) {
        return -STM32_EBUSY;
    }
    return STM32_OK;
}

/* CR2 for the next chunk: `left` bytes still to go after this chunk decides RELOAD vs AUTOEND. */
static uint32_t chunk_bits(size_t left_total, bool stop, uint32_t *chunk) {
    *chunk = left_total > CHUNK ? CHUNK : (uint32_t)left_total;
    uint32_t bits = *chunk << CR2_NBYTES_POS;
    if (left_total > CHUNK) {
        bits |= CR2_RELOAD;
    } else if (stop) {
        bits |= CR2_AUTOEND;
    }
    return bits;
}

static int transfer(stm32_i2c_t *i2c, uint8_t addr, uint8_t *rx, const uint8_t *tx, size_t len, bool stop) {
    if (!i2c->up || addr > 0x7Fu) {
        return -STM32_EINVAL;
    }
    int err = acquire(i2c);
    if (err != STM32_OK) {
        return err;
    }
    REG(i2c, ICR) = ICR_ALL;
    uint32_t chunk;
    const uint32_t dir = rx != NULL ? CR2_RD_WRN : 0u;
    REG(i2c, CR2) = ((uint32_t)addr << 1) | dir | chunk_bits(len, stop, &chunk) | CR2_START;
    size_t done = 0;
    while (done < len) {
        const uint32_t want = rx != NULL ? ISR_RXNE : ISR_TXIS;
        if ((err = wait_isr(i2c, want)) != STM32_OK) {
            /* A NACK before the first byte is the address's. */
            return fail(i2c, err == -STM32_EIO && done == 0u && (REG(i2c, ISR) & ISR_NACKF) ? -STM32_ENODEV : err);
        }
        if (rx != NULL) {
            rx[done] = (uint8_t)REG(i2c, RXDR);
        } else {
            REG(i2c, TXDR) = tx[done];
        }
        done++;
        if (--chunk == 0u && done < len) {
            if ((err = wait_isr(i2c, ISR_TCR)) != STM32_OK) {
                return fail(i2c, err);
            }
            const uint32_t cr2 = REG(i2c, CR2) & ~((0xFFu << CR2_NBYTES_POS) | CR2_RELOAD | CR2_AUTOEND | CR2_START);
            REG(i2c, CR2) = cr2 | chunk_bits(len - done, stop, &chunk);
        }
    }
    if (stop) {
        /* AUTOEND sends STOP after the last byte (len 0: right after the address). */
        if ((err = wait_isr(i2c, ISR_STOPF)) != STM32_OK) {
            return fail(i2c, err == -STM32_EIO && len == 0u ? -STM32_ENODEV : err);
        }
        REG(i2c, ICR) = ICR_ALL;
    } else if ((err = wait_isr(i2c, ISR_TC)) != STM32_OK) {
        return fail(i2c, err == -STM32_EIO && len == 0u ? -STM32_ENODEV : err);
    }
    i2c->held = !stop;
    return (int)len;
}

int stm32_i2c_write(stm32_i2c_t *i2c, uint8_t addr, const uint8_t *data, size_t len, bool stop) {
    return transfer(i2c, addr, NULL, data, len, stop);
}

int stm32_i2c_read(stm32_i2c_t *i2c, uint8_t addr, uint8_t *data, size_t len, bool stop) {
    if (len == 0u || data == NULL) {
        return -STM32_EINVAL;
    }
    return transfer(i2c, addr, data, NULL, len, stop);
}
#endif
