/* i2c.c: DW_apb_i2c controller driver: SCL timing, transfers, abort decoding, bounded waits. */
/* DW_apb_i2c controller driver: SCL timing, start/address/data/stop through the command FIFO,
 * transmit-abort decoding (TX_ABRT_SOURCE) and bounded waits with a bus abort. */
#include "rp2_i2c.h"

#include "hal.h"
#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"

#define IC_CON 0x00u
#define IC_TAR 0x04u
#define IC_DATA_CMD 0x10u
#define IC_FS_SCL_HCNT 0x1cu
#define IC_FS_SCL_LCNT 0x20u
#define IC_RAW_INTR_STAT 0x34u
#define IC_RX_TL 0x38u
#define IC_TX_TL 0x3cu
#define IC_CLR_INTR 0x40u
#define IC_CLR_TX_ABRT 0x54u
#define IC_CLR_STOP_DET 0x60u
#define IC_ENABLE 0x6cu
#define IC_STATUS 0x70u
#define IC_RXFLR 0x78u
#define IC_SDA_HOLD 0x7cu
#define IC_TX_ABRT_SOURCE 0x80u
#define IC_ENABLE_STATUS 0x9cu
#define IC_FS_SPKLEN 0xa0u

#define IC_CON_MASTER_MODE (1u << 0)
#define IC_CON_SPEED_FAST (2u << 1)
#define IC_CON_RESTART_EN (1u << 5)
#define IC_CON_SLAVE_DISABLE (1u << 6)
#define IC_CON_TX_EMPTY_CTRL (1u << 8)
#define IC_DATA_CMD_READ (1u << 8)
#define IC_DATA_CMD_STOP (1u << 9)
#define IC_DATA_CMD_RESTART (1u << 10)
#define IC_INTR_TX_EMPTY (1u << 4)
#define IC_INTR_TX_ABRT (1u << 6)
#define IC_INTR_STOP_DET (1u << 9)
#define IC_ENABLE_ENABLE (1u << 0)
#define IC_ENABLE_ABORT (1u << 1)
#define IC_STATUS_TFNF (1u << 1)
#define IC_STATUS_TFE (1u << 2)
#define ABRT_7B_ADDR_NOACK (1u << 0)
#define ABRT_TXDATA_NOACK (1u << 3)
#define ABRT_ARB_LOST (1u << 12)
#define ABRT_USER_ABRT (1u << 16)
#define ABRT_CAUSE_MASK 0x0001ffffu /* bits 31:23 count flushed TX bytes */
#define BUS_RELEASE_US 2000u        /* STOP after an abort / disable: a few SCL periods */

/* GPIO n is SDA (even) or SCL (odd) of I2C (n / 2) % 2. */
#define I2C_OF_GPIO(n) (((n) / 2u) % 2u)

typedef struct {
    uint32_t freq;
    uint32_t abort_source;
    uint8_t restart; /* the last transfer kept the bus: the next one starts with a RESTART */
    uint8_t sda;
    uint8_t scl;
} i2c_state_t;

static i2c_state_t i2cs[RP2_I2C_COUNT];

static const uint32_t i2c_base[RP2_I2C_COUNT] = {I2C0_BASE, I2C1_BASE};
static const uint32_t i2c_reset[RP2_I2C_COUNT] = {RESET_I2C0, RESET_I2C1};

static int set_enabled(uint32_t base, int on) {
    REG32(base + IC_ENABLE) = on ? IC_ENABLE_ENABLE : 0u;
    uint64_t deadline = rp2_time_us() + BUS_RELEASE_US;
    while ((REG32(base + IC_ENABLE_STATUS) & 1u) != (on ? 1u : 0u)) {
        if (rp2_time_us() > deadline) {
            return RP2_ERR_TIMEOUT;
        }
    }
    return RP2_OK;
}

int rp2_i2c_init(uint32_t i2c, uint32_t freq_hz, uint32_t sda, uint32_t scl) {
    if (i2c >= RP2_I2C_COUNT || freq_hz == 0u || freq_hz > 1000000u || sda >= RP2_GPIO_COUNT ||
        scl >= RP2_GPIO_COUNT || sda % 2u != 0u || scl % 2u != 1u || I2C_OF_GPIO(sda) != i2c ||
        I2C_OF_GPIO(scl) != i2c) {
        return RP2_ERR_INVALID;
    }
    i2c_state_t *s = &i2cs[i2c];
    uint32_t base = i2c_base[i2c];
    REG_SET(RESETS_RESET, i2c_reset[i2c]);
    rp2_unreset(i2c_reset[i2c]);
    s->restart = 0;
    s->abort_source = 0;
    s->sda = (uint8_t)sda;
    s->scl = (uint8_t)scl;

    /* SCL: 40 % high, 60 % low (the spec's minimum low time is the longer one in fast mode). */
    uint32_t clk = hal_cpu_hz(); /* the I2C blocks run from clk_sys */
    uint32_t period = (clk + freq_hz / 2u) / freq_hz;
    uint32_t lcnt = period * 3u / 5u;
    uint32_t hcnt = period - lcnt;
    uint32_t spklen = lcnt < 16u ? 1u : lcnt / 16u;
    if (hcnt < spklen + 5u || lcnt < spklen + 7u) {
        return RP2_ERR_INVALID; /* clk_sys too slow for this bus speed */
    }
    /* SDA hold after SCL falls: 300 ns up to fast mode, 120 ns in fast mode plus. */
    uint32_t hold = freq_hz <= 400000u ? (clk / 1000000u * 3u) / 10u + 1u : (clk / 1000000u * 3u) / 25u + 1u;
    if (hold > lcnt - 2u) {
        hold = lcnt - 2u;
    }
    set_enabled(base, 0);
    REG32(base + IC_CON) = IC_CON_MASTER_MODE | IC_CON_SPEED_FAST | IC_CON_RESTART_EN | IC_CON_SLAVE_DISABLE |
                           IC_CON_TX_EMPTY_CTRL;
    REG32(base + IC_FS_SCL_HCNT) = hcnt;
    REG32(base + IC_FS_SCL_LCNT) = lcnt;
    REG32(base + IC_FS_SPKLEN) = spklen;
    REG32(base + IC_SDA_HOLD) = hold;
    REG32(base + IC_TX_TL) = 0;
    REG32(base + IC_RX_TL) = 0;
    s->freq = clk / (hcnt + lcnt);
    rp2_gpio_set_pull(sda, RP2_GPIO_PULL_UP);
    rp2_gpio_set_pull(scl, RP2_GPIO_PULL_UP);
    rp2_gpio_set_function(sda, IO_FUNC_I2C);
    rp2_gpio_set_function(scl, IO_FUNC_I2C);
    return RP2_OK;
}

void rp2_i2c_deinit(uint32_t i2c) {
    if (i2c >= RP2_I2C_COUNT || i2cs[i2c].freq == 0u) {
        return;
    }
    set_enabled(i2c_base[i2c], 0);
    rp2_gpio_set_function(i2cs[i2c].sda, IO_FUNC_NULL);
    rp2_gpio_set_function(i2cs[i2c].scl, IO_FUNC_NULL);
    REG_SET(RESETS_RESET, i2c_reset[i2c]);
    i2cs[i2c].freq = 0;
}

void rp2_i2c_reset_state(void) {
    for (uint32_t i2c = 0; i2c < RP2_I2C_COUNT; i2c++) {
        rp2_i2c_deinit(i2c);
        REG_SET(RESETS_RESET, i2c_reset[i2c]);
        i2cs[i2c].freq = 0;
        i2cs[i2c].restart = 0;
        i2cs[i2c].abort_source = 0;
    }
}

uint32_t rp2_i2c_abort_source(uint32_t i2c) {
    return i2c < RP2_I2C_COUNT ? i2cs[i2c].abort_source : 0u;
}

/* The target can only change while the block is disabled. */
static int set_target(uint32_t i2c, uint32_t addr) {
    uint32_t base = i2c_base[i2c];
    if ((REG32(base + IC_TAR) & 0x3ffu) == addr && (REG32(base + IC_ENABLE_STATUS) & 1u)) {
        return RP2_OK;
    }
    int err = set_enabled(base, 0);
    if (err == RP2_OK) {
        REG32(base + IC_TAR) = addr;
        err = set_enabled(base, 1);
    }
    return err;
}

/* After TX_ABRT the controller flushes its FIFO and sends STOP by itself: record why, wait for
 * the STOP (bounded) and map the cause. */
static int finish_abort(uint32_t i2c) {
    i2c_state_t *s = &i2cs[i2c];
    uint32_t base = i2c_base[i2c];
    s->abort_source = REG32(base + IC_TX_ABRT_SOURCE);
    (void)REG32(base + IC_CLR_TX_ABRT);
    s->restart = 0;
    uint64_t deadline = rp2_time_us() + BUS_RELEASE_US;
    while (!(REG32(base + IC_RAW_INTR_STAT) & IC_INTR_STOP_DET) && rp2_time_us() <= deadline) {
    }
    (void)REG32(base + IC_CLR_STOP_DET);
    uint32_t cause = s->abort_source & ABRT_CAUSE_MASK;
    if (cause & ABRT_7B_ADDR_NOACK) {
        return RP2_ERR_NACK_ADDR;
    }
    if (cause & ABRT_TXDATA_NOACK) {
        return RP2_ERR_NACK_DATA;
    }
    if (cause & ABRT_ARB_LOST) {
        return RP2_ERR_ARB_LOST;
    }
    return RP2_ERR_ABORT;
}

/* A transfer that stopped moving (a device holding SCL low, say): ask the block to abort, then
 * disable it, which also empties its FIFOs. */
static int give_up(uint32_t i2c) {
    uint32_t base = i2c_base[i2c];
    REG_SET(base + IC_ENABLE, IC_ENABLE_ABORT);
    uint64_t deadline = rp2_time_us() + BUS_RELEASE_US;
    while ((REG32(base + IC_ENABLE) & IC_ENABLE_ABORT) && rp2_time_us() <= deadline) {
    }
    i2cs[i2c].abort_source = REG32(base + IC_TX_ABRT_SOURCE);
    (void)REG32(base + IC_CLR_INTR);
    set_enabled(base, 0);
    i2cs[i2c].restart = 0;
    return RP2_ERR_TIMEOUT;
}

static int check_args(uint32_t i2c, uint32_t addr, const void *buf, size_t len) {
    if (i2c >= RP2_I2C_COUNT || addr > 0x7fu || buf == 0 || len == 0u) {
        return RP2_ERR_INVALID;
    }
    return i2cs[i2c].freq == 0u ? RP2_ERR_NOT_READY : RP2_OK;
}

static uint32_t command_flags(const i2c_state_t *s, size_t i, size_t len, int stop) {
    return (i == 0u && s->restart ? IC_DATA_CMD_RESTART : 0u) | (i + 1u == len && stop ? IC_DATA_CMD_STOP : 0u);
}

/* Waits until the command FIFO has room; 1 = room, 0 = aborted, -1 = deadline passed. */
static int wait_tx_room(uint32_t base, uint64_t deadline) {
    for (;;) {
        if (REG32(base + IC_RAW_INTR_STAT) & IC_INTR_TX_ABRT) {
            return 0;
        }
        if (REG32(base + IC_STATUS) & IC_STATUS_TFNF) {
            return 1;
        }
        if (rp2_time_us() > deadline) {
            return -1;
        }
    }
}

int rp2_i2c_write(uint32_t i2c, uint32_t addr, const uint8_t *buf, size_t len, int stop, uint32_t timeout_us) {
    int err = check_args(i2c, addr, buf, len);
    if (err == RP2_OK) {
        err = set_target(i2c, addr);
    }
    if (err != RP2_OK) {
        return err;
    }
    i2c_state_t *s = &i2cs[i2c];
    uint32_t base = i2c_base[i2c];
    (void)REG32(base + IC_CLR_INTR);
    s->abort_source = 0;
    uint64_t deadline = rp2_time_us() + timeout_us;
    for (size_t i = 0; i < len; i++) {
        int room = wait_tx_room(base, deadline);
        if (room == 0) {
            return finish_abort(i2c);
        }
        if (room < 0) {
            return give_up(i2c);
        }
        REG32(base + IC_DATA_CMD) = buf[i] | command_flags(s, i, len, stop);
    }
    /* Done when the STOP went out, or (no stop) when the last byte has left the shifter. */
    for (;;) {
        uint32_t raw = REG32(base + IC_RAW_INTR_STAT);
        if (raw & IC_INTR_TX_ABRT) {
            return finish_abort(i2c);
        }
        if (stop ? (raw & IC_INTR_STOP_DET) != 0u
                 : (raw & IC_INTR_TX_EMPTY) && (REG32(base + IC_STATUS) & IC_STATUS_TFE)) {
            break;
        }
        if (rp2_time_us() > deadline) {
            return give_up(i2c);
        }
    }
    (void)REG32(base + IC_CLR_STOP_DET);
    s->restart = !stop;
    return (int)len;
}

int rp2_i2c_read(uint32_t i2c, uint32_t addr, uint8_t *buf, size_t len, int stop, uint32_t timeout_us) {
    int err = check_args(i2c, addr, buf, len);
    if (err == RP2_OK) {
        err = set_target(i2c, addr);
    }
    if (err != RP2_OK) {
        return err;
    }
    i2c_state_t *s = &i2cs[i2c];
    uint32_t base = i2c_base[i2c];
    (void)REG32(base + IC_CLR_INTR);
    s->abort_source = 0;
    uint64_t deadline = rp2_time_us() + timeout_us;
    for (size_t i = 0; i < len; i++) {
        int room = wait_tx_room(base, deadline);
        if (room == 0) {
            return finish_abort(i2c);
        }
        if (room < 0) {
            return give_up(i2c);
        }
        REG32(base + IC_DATA_CMD) = IC_DATA_CMD_READ | command_flags(s, i, len, stop);
        /* One byte in flight at a time: its arrival (or an abort) comes before the next. */
        for (;;) {
            if (REG32(base + IC_RAW_INTR_STAT) & IC_INTR_TX_ABRT) {
                return finish_abort(i2c);
            }
            if (REG32(base + IC_RXFLR) != 0u) {
                break;
            }
            if (rp2_time_us() > deadline) {
                return give_up(i2c);
            }
        }
        buf[i] = (uint8_t)REG32(base + IC_DATA_CMD);
    }
    if (stop) {
        while (!(REG32(base + IC_RAW_INTR_STAT) & IC_INTR_STOP_DET)) {
            if (rp2_time_us() > deadline) {
                return give_up(i2c);
            }
        }
        (void)REG32(base + IC_CLR_STOP_DET);
    }
    s->restart = !stop;
    return (int)len;
}
