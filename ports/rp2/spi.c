/* spi.c: PL022 SPI controller driver: prescaler/SCR search, pin mapping, FIFO-paced transfers. */
#include "rp2_spi.h"

#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"

#define SSPCR0 0x00u
#define SSPCR1 0x04u
#define SSPDR 0x08u
#define SSPSR 0x0cu
#define SSPCPSR 0x10u
#define SSPIMSC 0x14u
#define SSPICR 0x20u
#define SSPCR0_DSS_8 7u
#define SSPCR0_SPO (1u << 6)
#define SSPCR0_SPH (1u << 7)
#define SSPCR0_SCR_LSB 8
#define SSPCR1_SSE (1u << 1)
#define SSPSR_TNF (1u << 1)
#define SSPSR_RNE (1u << 2)
#define SSPSR_BSY (1u << 4)
#define FIFO_DEPTH 8u

/* GPIO n belongs to SPI (n / 8) % 2 as RX (n % 4 == 0), CSn (1), SCK (2) or TX (3). */
#define SPI_OF_GPIO(n) (((n) / 8u) % 2u)

static struct {
    uint32_t baud[RP2_SPI_COUNT];
    uint8_t pins[RP2_SPI_COUNT][3];
} spis;

static const uint32_t spi_base[RP2_SPI_COUNT] = {SPI0_BASE, SPI1_BASE};
static const uint32_t spi_reset[RP2_SPI_COUNT] = {RESET_SPI0, RESET_SPI1};

static int pin_ok(uint32_t spi, uint32_t pin, uint32_t role) {
    return pin < RP2_GPIO_COUNT && SPI_OF_GPIO(pin) == spi && pin % 4u == role;
}

int rp2_spi_init(uint32_t spi, uint32_t baud, uint32_t sck, uint32_t mosi, uint32_t miso, uint32_t mode) {
    if (spi >= RP2_SPI_COUNT || baud == 0u || mode > 3u || !pin_ok(spi, sck, 2u) || !pin_ok(spi, mosi, 3u) ||
        (miso != RP2_SPI_NO_PIN && !pin_ok(spi, miso, 0u))) {
        return RP2_ERR_INVALID;
    }
    uint32_t base = spi_base[spi];
    REG_SET(RESETS_RESET, spi_reset[spi]);
    rp2_unreset(spi_reset[spi]);

    /* baud = clk_peri / (CPSDVSR * (1 + SCR)), CPSDVSR even 2..254, SCR 0..255: the smallest
     * prescaler whose slowest rate reaches the target, then the SCR that does not exceed it. */
    uint32_t clk = rp2_clk_peri_hz();
    uint32_t prescale = 2u;
    while (prescale < 254u && (uint64_t)clk > (uint64_t)baud * prescale * 256u) {
        prescale += 2u;
    }
    uint32_t scr = (clk + prescale * baud - 1u) / (prescale * baud); /* 1 + SCR, rounded up */
    scr = scr == 0u ? 1u : (scr > 256u ? 256u : scr);
    spis.baud[spi] = clk / (prescale * scr);
    REG32(base + SSPCPSR) = prescale;
    REG32(base + SSPCR0) = ((scr - 1u) << SSPCR0_SCR_LSB) | SSPCR0_DSS_8 | ((mode & 2u) ? SSPCR0_SPO : 0u) |
                           ((mode & 1u) ? SSPCR0_SPH : 0u);
    REG32(base + SSPIMSC) = 0;
    REG32(base + SSPCR1) = SSPCR1_SSE;

    spis.pins[spi][0] = (uint8_t)sck;
    spis.pins[spi][1] = (uint8_t)mosi;
    spis.pins[spi][2] = (uint8_t)miso;
    rp2_gpio_set_function(sck, IO_FUNC_SPI);
    rp2_gpio_set_function(mosi, IO_FUNC_SPI);
    if (miso != RP2_SPI_NO_PIN) {
        rp2_gpio_set_function(miso, IO_FUNC_SPI);
    }
    return RP2_OK;
}

void rp2_spi_deinit(uint32_t spi) {
    if (spi >= RP2_SPI_COUNT || spis.baud[spi] == 0u) {
        return;
    }
    REG32(spi_base[spi] + SSPCR1) = 0;
    for (uint32_t i = 0; i < 3u; i++) {
        if (spis.pins[spi][i] != RP2_SPI_NO_PIN) {
            rp2_gpio_set_function(spis.pins[spi][i], IO_FUNC_NULL);
        }
    }
    REG_SET(RESETS_RESET, spi_reset[spi]);
    spis.baud[spi] = 0;
}

void rp2_spi_reset_state(void) {
    for (uint32_t spi = 0; spi < RP2_SPI_COUNT; spi++) {
        rp2_spi_deinit(spi);
        REG_SET(RESETS_RESET, spi_reset[spi]);
        spis.baud[spi] = 0;
    }
}

uint32_t rp2_spi_baud(uint32_t spi) {
    return spi < RP2_SPI_COUNT ? spis.baud[spi] : 0u;
}

int rp2_spi_transfer(uint32_t spi, const uint8_t *tx, uint8_t *rx, size_t len, uint32_t timeout_us) {
    if (spi >= RP2_SPI_COUNT || spis.baud[spi] == 0u) {
        return RP2_ERR_NOT_READY;
    }
    uint32_t base = spi_base[spi];
    /* Drop anything a previous transfer left in the RX FIFO. */
    while (REG32(base + SSPSR) & SSPSR_RNE) {
        (void)REG32(base + SSPDR);
    }
    size_t sent = 0;
    size_t received = 0;
    uint64_t deadline = rp2_time_us() + timeout_us;
    while (received < len) {
        uint32_t status = REG32(base + SSPSR);
        /* Never more in flight than the RX FIFO holds, or received bytes would be lost. */
        if (sent < len && (status & SSPSR_TNF) && sent - received < FIFO_DEPTH) {
            REG32(base + SSPDR) = tx != 0 ? tx[sent] : 0xffu;
            sent++;
            continue;
        }
        if (status & SSPSR_RNE) {
            uint8_t byte = (uint8_t)REG32(base + SSPDR);
            if (rx != 0) {
                rx[received] = byte;
            }
            received++;
            continue;
        }
        if (rp2_time_us() > deadline) {
            return RP2_ERR_TIMEOUT;
        }
    }
    return (int)len;
}
