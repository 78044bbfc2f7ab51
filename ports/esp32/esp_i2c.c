/* esp_i2c.c: ESP32-C3/C6 I2C0 master: timing from XTAL, command lists split at 32-byte FIFO boundaries with END. */
#include <errno.h>

#include "esp_gpio.h"
#include "esp_i2c.h"
#include "hal.h"
#include "soc_regs.h"

#define I2C_REG(off) REG32(I2C0_BASE + (off))
#define I2C_SCL_LOW_PERIOD I2C_REG(0x00u)
#define I2C_CTR I2C_REG(0x04u)
#define I2C_SR I2C_REG(0x08u)
#define I2C_TO I2C_REG(0x0Cu)
#define I2C_FIFO_CONF I2C_REG(0x18u)
#define I2C_DATA I2C_REG(0x1Cu)
#define I2C_INT_RAW I2C_REG(0x20u)
#define I2C_INT_CLR I2C_REG(0x24u)
#define I2C_INT_ENA I2C_REG(0x28u)
#define I2C_SDA_HOLD I2C_REG(0x30u)
#define I2C_SDA_SAMPLE I2C_REG(0x34u)
#define I2C_SCL_HIGH_PERIOD I2C_REG(0x38u)
#define I2C_SCL_START_HOLD I2C_REG(0x40u)
#define I2C_SCL_RSTART_SETUP I2C_REG(0x44u)
#define I2C_SCL_STOP_HOLD I2C_REG(0x48u)
#define I2C_SCL_STOP_SETUP I2C_REG(0x4Cu)
#define I2C_FILTER_CFG I2C_REG(0x50u)
#define I2C_CLK_CONF I2C_REG(0x54u)
#define I2C_COMD(n) I2C_REG(0x58u + 4u * (n))

#define CTR_SDA_FORCE_OUT (1u << 0)
#define CTR_SCL_FORCE_OUT (1u << 1)
#define CTR_MS_MODE (1u << 4)
#define CTR_TRANS_START (1u << 5)
#define CTR_CLK_EN (1u << 8)
#define CTR_FSM_RST (1u << 10)
#define CTR_CONF_UPGATE (1u << 11)
#define FIFO_RX_RST (1u << 12)
#define FIFO_TX_RST (1u << 13)
#define TO_ENABLE (1u << 5)
#define TO_VALUE 18u /* 2^18 XTAL cycles = 6.6 ms without a bit moving */
#define CLK_SCLK_ACTIVE (1u << 21)
#define FILTER_ON ((7u << 0) | (7u << 4) | (1u << 8) | (1u << 9))

#define INT_END_DETECT (1u << 3)
#define INT_ARB_LOST (1u << 5)
#define INT_TRANS_COMPLETE (1u << 7)
#define INT_TIME_OUT (1u << 8)
#define INT_NACK (1u << 10)
#define INT_SCL_ST_TO (1u << 13)
#define INT_SCL_MAIN_ST_TO (1u << 14)
#define INT_DONE_MASK (INT_END_DETECT | INT_TRANS_COMPLETE)
#define INT_ERROR_MASK (INT_ARB_LOST | INT_TIME_OUT | INT_NACK | INT_SCL_ST_TO | INT_SCL_MAIN_ST_TO)

/* Command word: byte count, ACK handling, op code (C3 numbering: RSTART is 6). */
#define OP_WRITE 1u
#define OP_STOP 2u
#define OP_READ 3u
#define OP_END 4u
#define OP_RSTART 6u
#define CMD(op, bytes, flags) (((op) << 11) | (flags) | (bytes))
#define CMD_ACK_CHECK (1u << 8)
#define CMD_NACK (1u << 10) /* ACK_VALUE: what we answer after a read byte */
#define CMD_DONE (1u << 31)
#define COMMANDS 8u
#define FIFO_DEPTH 32u

/* Bus settings; reset by esp_i2c_init(). */
static struct {
    uint32_t timeout_us;
    uint32_t freq;
    int ready;
} bus;

static void reset_fifos(void) {
    I2C_FIFO_CONF |= FIFO_RX_RST | FIFO_TX_RST;
    I2C_FIFO_CONF &= ~(FIFO_RX_RST | FIFO_TX_RST);
}

static void recover(void) {
    I2C_CTR |= CTR_FSM_RST;
    I2C_CTR &= ~CTR_FSM_RST;
    reset_fifos();
    I2C_INT_CLR = 0xFFFFFFFFu;
}

int esp_i2c_init(unsigned id, int scl_pin, int sda_pin, uint32_t freq_hz, uint32_t timeout_us) {
    if (id != 0u || freq_hz < 1000u || freq_hz > 1000000u || scl_pin < 0 || sda_pin < 0 || scl_pin == sda_pin) {
        return -EINVAL;
    }
    if (esp_gpio_check((unsigned)scl_pin) != 0 || esp_gpio_check((unsigned)sda_pin) != 0) {
        return -EINVAL;
    }
    bus.ready = 0;
    bus.timeout_us = timeout_us != 0u ? timeout_us : 50000u;
    soc_i2c0_clock_on();

    /* Timing in source-clock cycles: XTAL divided so one SCL period fits the 9-bit fields. */
    uint32_t src = 40000000u;
    uint32_t period = (src + freq_hz / 2u) / freq_hz;
    uint32_t div = (period + 511u) / 512u;
    period /= div;
    uint32_t low = period / 2u;
    uint32_t high = period - low;
#if defined(KILN_FAMILY_ESP32C6)
    /* The C6 divides the function clock in PCR (SEL 0 = XTAL); the controller's own divider stays at 1. */
    PCR_I2C_SCLK_CONF = PCR_FUNC_CLK_EN | ((div - 1u) << PCR_I2C_SCLK_DIV_NUM_SHIFT);
    I2C_CLK_CONF = CLK_SCLK_ACTIVE;
#else
    I2C_CLK_CONF = (div - 1u) | CLK_SCLK_ACTIVE; /* SCLK_SEL 0 = XTAL */
#endif
    I2C_CTR = CTR_MS_MODE | CTR_CLK_EN | CTR_SDA_FORCE_OUT | CTR_SCL_FORCE_OUT;
    I2C_SCL_LOW_PERIOD = low - 1u;
    I2C_SCL_HIGH_PERIOD = high; /* SCL_WAIT_HIGH_PERIOD 0 */
    I2C_SDA_HOLD = low / 2u;
    I2C_SDA_SAMPLE = high / 2u;
    I2C_SCL_START_HOLD = high;
    I2C_SCL_RSTART_SETUP = high;
    I2C_SCL_STOP_HOLD = high;
    I2C_SCL_STOP_SETUP = high;
    I2C_FILTER_CFG = FILTER_ON;
    I2C_TO = TO_ENABLE | TO_VALUE;
    I2C_FIFO_CONF = 0; /* FIFO mode, not direct RAM access */
    I2C_INT_ENA = 0;   /* polled: completion is waited for with a deadline */
    I2C_CTR |= CTR_CONF_UPGATE;
    recover();
    bus.freq = src / div / period;

    /* Pins last, with the controller idle: open drain with pull-ups, each pin both out and in. */
    esp_gpio_route_output((unsigned)scl_pin, SIG_I2C0_SCL, 1, 1);
    esp_gpio_route_input(SIG_I2C0_SCL, (unsigned)scl_pin, 1);
    esp_gpio_route_output((unsigned)sda_pin, SIG_I2C0_SDA, 1, 1);
    esp_gpio_route_input(SIG_I2C0_SDA, (unsigned)sda_pin, 1);
    bus.ready = 1;
    return 0;
}

uint32_t esp_i2c_freq(unsigned id) {
    return id == 0u && bus.ready ? bus.freq : 0u;
}

/* Runs the command list loaded into COMD0..; the address command's index tells a NACK of the
   address (-ENODEV) from a NACK of data (-EIO). */
static int run(int addr_cmd) {
    I2C_INT_CLR = 0xFFFFFFFFu;
    I2C_CTR |= CTR_CONF_UPGATE;
    I2C_CTR |= CTR_TRANS_START;
    uint32_t start = hal_ticks_us();
    for (;;) {
        /* The clock before the status: a stall between the two cannot fake a timeout. */
        int expired = hal_ticks_us() - start > bus.timeout_us;
        uint32_t raw = I2C_INT_RAW;
        if (raw & INT_ERROR_MASK) {
            int err;
            if (raw & INT_NACK) {
                err = addr_cmd >= 0 && (I2C_COMD((unsigned)addr_cmd) & CMD_DONE) == 0u ? -ENODEV : -EIO;
            } else if (raw & INT_ARB_LOST) {
                err = -EAGAIN;
            } else {
                err = -ETIMEDOUT;
            }
            recover();
            return err;
        }
        if (raw & INT_DONE_MASK) {
            I2C_INT_CLR = raw;
            return 0;
        }
        if (expired) {
            recover();
            return -ETIMEDOUT;
        }
    }
}

static void load(const uint32_t *cmds, unsigned count) {
    for (unsigned i = 0; i < count; i++) {
        I2C_COMD(i) = cmds[i];
    }
}

int esp_i2c_write(unsigned id, uint8_t addr, const uint8_t *buf, size_t len, int stop) {
    if (id != 0u || !bus.ready || addr > 0x7Fu || (len != 0u && buf == NULL)) {
        return -EINVAL;
    }
    reset_fifos();
    uint32_t cmds[COMMANDS];
    unsigned n = 0;
    cmds[n++] = CMD(OP_RSTART, 0u, 0u);
    I2C_DATA = (uint32_t)addr << 1;
    int addr_cmd = (int)n;
    cmds[n++] = CMD(OP_WRITE, 1u, CMD_ACK_CHECK);
    unsigned room = FIFO_DEPTH - 1u;
    size_t sent = 0;
    for (;;) {
        size_t chunk = len - sent < room ? len - sent : room;
        for (size_t i = 0; i < chunk; i++) {
            I2C_DATA = buf[sent + i];
        }
        if (chunk != 0u) {
            cmds[n++] = CMD(OP_WRITE, (uint32_t)chunk, CMD_ACK_CHECK);
        }
        sent += chunk;
        int last = sent == len;
        cmds[n++] = last && stop ? CMD(OP_STOP, 0u, 0u) : CMD(OP_END, 0u, 0u);
        load(cmds, n);
        int err = run(addr_cmd);
        if (err != 0 || last) {
            return err;
        }
        /* Next batch continues the same transfer after the END pause. */
        addr_cmd = -1;
        n = 0;
        room = FIFO_DEPTH;
        reset_fifos();
    }
}

int esp_i2c_read(unsigned id, uint8_t addr, uint8_t *buf, size_t len, int stop) {
    if (id != 0u || !bus.ready || addr > 0x7Fu || len == 0u || buf == NULL) {
        return -EINVAL;
    }
    reset_fifos();
    uint32_t cmds[COMMANDS];
    unsigned n = 0;
    cmds[n++] = CMD(OP_RSTART, 0u, 0u);
    I2C_DATA = ((uint32_t)addr << 1) | 1u;
    int addr_cmd = (int)n;
    cmds[n++] = CMD(OP_WRITE, 1u, CMD_ACK_CHECK);
    size_t got = 0;
    for (;;) {
        size_t chunk = len - got < FIFO_DEPTH ? len - got : FIFO_DEPTH;
        int last = got + chunk == len;
        if (last) {
            /* ACK every byte but the final one, which is NACKed to end the read. */
            if (chunk > 1u) {
                cmds[n++] = CMD(OP_READ, (uint32_t)(chunk - 1u), 0u);
            }
            cmds[n++] = CMD(OP_READ, 1u, CMD_NACK);
            cmds[n++] = stop ? CMD(OP_STOP, 0u, 0u) : CMD(OP_END, 0u, 0u);
        } else {
            cmds[n++] = CMD(OP_READ, (uint32_t)chunk, 0u);
            cmds[n++] = CMD(OP_END, 0u, 0u);
        }
        load(cmds, n);
        int err = run(addr_cmd);
        if (err != 0) {
            return err;
        }
        for (size_t i = 0; i < chunk; i++) {
            buf[got + i] = (uint8_t)I2C_DATA;
        }
        got += chunk;
        if (last) {
            return 0;
        }
        addr_cmd = -1;
        n = 0;
        reset_fifos();
    }
}
