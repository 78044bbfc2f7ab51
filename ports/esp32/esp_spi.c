/* esp_spi.c: ESP32-C3/C6 GP-SPI2 master: clock divider search, SPI modes, 64-byte W0..W15 transactions. */
#include <errno.h>

#include "esp_gpio.h"
#include "esp_spi.h"
#include "hal.h"
#include "soc_regs.h"

#define SPI_REG(off) REG32(SPI2_BASE + (off))
#define SPI_CMD SPI_REG(0x00u)
#define SPI_CTRL SPI_REG(0x08u)
#define SPI_CLOCK SPI_REG(0x0Cu)
#define SPI_USER SPI_REG(0x10u)
#define SPI_USER1 SPI_REG(0x14u)
#define SPI_USER2 SPI_REG(0x18u)
#define SPI_MS_DLEN SPI_REG(0x1Cu)
#define SPI_MISC SPI_REG(0x20u)
#define SPI_DMA_CONF SPI_REG(0x30u)
#define SPI_DMA_INT_CLR SPI_REG(0x38u)
#define SPI_W(n) SPI_REG(0x98u + 4u * (n))
#define SPI_SLAVE SPI_REG(0xE0u)
#define SPI_CLK_GATE SPI_REG(0xE8u)

#define CMD_UPDATE (1u << 23)
#define CMD_USR (1u << 24)
#define CTRL_RD_BIT_ORDER (1u << 25)
#define CTRL_WR_BIT_ORDER (1u << 26)
#define CLOCK_EQU_SYSCLK (1u << 31)
#define USER_DOUTDIN (1u << 0)
#define USER_CK_OUT_EDGE (1u << 9)
#define USER_MOSI (1u << 27)
#define USER_MISO (1u << 28)
#define MISC_CS_DIS_ALL 0x3Fu
#define MISC_CK_IDLE_EDGE (1u << 29)
#define DMA_AFIFO_RESETS ((1u << 29) | (1u << 30) | (1u << 31))
#define CLK_GATE_EN ((1u << 0) | (1u << 1)) /* CLK_EN, MST_CLK_ACTIVE; MST_CLK_SEL 0 = XTAL */
#define BUFFER_BYTES 64u
#define SRC_HZ 40000000u
#define BUSY_TIMEOUT_US 20000u

/* Bus state; reset by esp_spi_init(). */
static struct {
    uint32_t baud;
    int ready;
} spi;

/* Best (pre, n) with SRC / ((pre + 1) * (n + 1)) <= baud: never faster than asked. */
static uint32_t clock_reg(uint32_t baud, uint32_t *actual) {
    if (baud >= SRC_HZ) {
        *actual = SRC_HZ;
        return CLOCK_EQU_SYSCLK;
    }
    uint32_t best_reg = 0, best = 0;
    for (uint32_t pre = 0; pre < 16u; pre++) {
        uint32_t n = (SRC_HZ + baud * (pre + 1u) - 1u) / (baud * (pre + 1u)) - 1u; /* round divider up */
        if (n < 1u) {
            n = 1u;
        }
        if (n > 63u) {
            continue;
        }
        uint32_t f = SRC_HZ / ((pre + 1u) * (n + 1u));
        if (f <= baud && f > best) {
            best = f;
            uint32_t h = (n + 1u) / 2u - 1u;
            best_reg = (pre << 18) | (n << 12) | (h << 6) | n;
        }
    }
    *actual = best;
    return best_reg;
}

static int wait_idle(uint32_t bit) {
    uint32_t start = hal_ticks_us();
    for (;;) {
        int expired = hal_ticks_us() - start > BUSY_TIMEOUT_US; /* read before the status, see esp_i2c.c */
        if ((SPI_CMD & bit) == 0u) {
            return 0;
        }
        if (expired) {
            return -ETIMEDOUT;
        }
    }
}

int esp_spi_init(unsigned id, uint32_t baud, unsigned mode, int sck_pin, int mosi_pin, int miso_pin, int lsb_first) {
    if (id != 2u || mode > 3u || baud < SRC_HZ / (16u * 64u) || sck_pin < 0) {
        return -EINVAL;
    }
    if (esp_gpio_check((unsigned)sck_pin) != 0 || (mosi_pin >= 0 && esp_gpio_check((unsigned)mosi_pin) != 0) ||
        (miso_pin >= 0 && esp_gpio_check((unsigned)miso_pin) != 0)) {
        return -EINVAL;
    }
    spi.ready = 0;
    soc_spi2_clock_on();
    SPI_CLK_GATE = CLK_GATE_EN;
    SPI_SLAVE = 0; /* master */
    SPI_DMA_CONF = DMA_AFIFO_RESETS;
    SPI_DMA_CONF = 0;
    SPI_DMA_INT_CLR = 0xFFFFFFFFu;

    uint32_t actual;
    SPI_CLOCK = clock_reg(baud, &actual);
    /* Modes: CPOL is the idle level, CPHA moves the output edge; the TRM's pairs are
       (idle, out_edge) = 0:(0,0) 1:(0,1) 2:(1,1) 3:(1,0). */
    uint32_t cpol = mode >> 1, cpha = mode & 1u;
    SPI_USER = USER_DOUTDIN | USER_MOSI | USER_MISO | ((cpol ^ cpha) ? USER_CK_OUT_EDGE : 0u);
    SPI_USER1 = 0;
    SPI_USER2 = 0;
    SPI_MISC = MISC_CS_DIS_ALL | (cpol ? MISC_CK_IDLE_EDGE : 0u);
    SPI_CTRL = lsb_first ? (CTRL_RD_BIT_ORDER | CTRL_WR_BIT_ORDER) : 0u;
    SPI_CMD = CMD_UPDATE;
    if (wait_idle(CMD_UPDATE) != 0) {
        return -ETIMEDOUT;
    }

    esp_gpio_route_output((unsigned)sck_pin, SIG_FSPICLK, 0, 0);
    if (mosi_pin >= 0) {
        esp_gpio_route_output((unsigned)mosi_pin, SIG_FSPID, 0, 0);
    }
    if (miso_pin >= 0) {
        esp_gpio_route_input(SIG_FSPIQ, (unsigned)miso_pin, 0);
    }
    spi.baud = actual;
    spi.ready = 1;
    return 0;
}

uint32_t esp_spi_baud(unsigned id) {
    return id == 2u && spi.ready ? spi.baud : 0u;
}

int esp_spi_transfer(unsigned id, const uint8_t *tx, uint8_t *rx, size_t len, uint8_t fill) {
    if (id != 2u || !spi.ready) {
        return -EINVAL;
    }
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done < BUFFER_BYTES ? len - done : BUFFER_BYTES;
        /* Little-endian packing: byte 0 leaves first from W0[7:0]. */
        for (unsigned w = 0; w < (chunk + 3u) / 4u; w++) {
            uint32_t word = 0;
            for (unsigned b = 0; b < 4u; b++) {
                size_t i = w * 4u + b;
                uint8_t byte = i < chunk ? (tx != NULL ? tx[done + i] : fill) : 0u;
                word |= (uint32_t)byte << (8u * b);
            }
            SPI_W(w) = word;
        }
        SPI_MS_DLEN = (uint32_t)(chunk * 8u - 1u);
        SPI_CMD = CMD_UPDATE;
        int err = wait_idle(CMD_UPDATE);
        if (err == 0) {
            SPI_CMD = CMD_USR;
            err = wait_idle(CMD_USR);
        }
        if (err != 0) {
            return err;
        }
        if (rx != NULL) {
            for (size_t i = 0; i < chunk; i++) {
                rx[done + i] = (uint8_t)(SPI_W(i / 4u) >> (8u * (i % 4u)));
            }
        }
        done += chunk;
    }
    return 0;
}
