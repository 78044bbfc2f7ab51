/* spi.c: SPI in master mode, 8-bit frames, software NSS (RM0090 ch. 28; RM0410 ch. 35 adds DS/FRXTH). */
#include "drivers/spi.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"
#include "stm32_series.h"

#define CR1 0x00u
#define CR2 0x04u
#define SR 0x08u
#define DR 0x0Cu
#define CR1_CPHA (1u << 0)
#define CR1_CPOL (1u << 1)
#define CR1_MSTR (1u << 2)
#define CR1_BR_POS 3u
#define CR1_SPE (1u << 6)
#define CR1_LSBFIRST (1u << 7)
#define CR1_SSI (1u << 8)
#define CR1_SSM (1u << 9)
#define SR_RXNE (1u << 0)
#define SR_TXE (1u << 1)
#define SR_MODF (1u << 5)
#define SR_BSY (1u << 7)
#if STM32_F7
#define CR2_DS_8BIT (7u << 8)
#define CR2_FRXTH (1u << 12) /* RXNE at one byte, not two */
#endif

#define BYTE_TIMEOUT_US 10000u /* one byte at PCLK/256 takes a few microseconds */

typedef struct {
    uint32_t base;
    uint8_t bus;
    uint8_t bit;
    uint8_t af;
} spi_hw_t;

static const spi_hw_t spi_hw[7] = {
    {0, 0, 0, 0},
    {0x40013000u, STM32_BUS_APB2, 12, 5},
    {0x40003800u, STM32_BUS_APB1, 14, 5},
    {0x40003C00u, STM32_BUS_APB1, 15, 6},
    {0x40013400u, STM32_BUS_APB2, 13, 5},
    {0x40015000u, STM32_BUS_APB2, 20, 6},
    {0x40015400u, STM32_BUS_APB2, 21, 5},
};

#define REG(spi, off) DRV_REG((spi)->base + (off))

int stm32_spi_init(stm32_spi_t *spi, const stm32_spi_config_t *config) {
    spi->up = false;
    if (config->index > 6u || !stm32_chip_has(stm32_chip.spi_mask, config->index)) {
        return -STM32_ENODEV;
    }
    if (config->mode > 3u || config->baud == 0u) {
        return -STM32_EINVAL;
    }
    const spi_hw_t *hw = &spi_hw[config->index];
    const uint32_t pclk = stm32_bus_hz((stm32_bus_t)hw->bus);
    uint32_t br = 0u; /* SCK = PCLK / 2^(br + 1) */
    while ((pclk >> (br + 1u)) > config->baud) {
        if (++br > 7u) {
            return -STM32_EINVAL;
        }
    }
    spi->base = hw->base;
    spi->index = config->index;
    spi->actual_baud = pclk >> (br + 1u);
    spi->timeout_us = BYTE_TIMEOUT_US;

    const stm32_clk_t clk = {hw->bus, hw->bit};
    stm32_rcc_enable(clk);
    stm32_rcc_reset(clk);
    const uint32_t af = config->af != 0u ? config->af : hw->af;
    const uint32_t pins[3] = {config->sck_pin, config->mosi_pin, config->miso_pin};
    for (int i = 0; i < 3; i++) {
        if (pins[i] != STM32_PIN_NONE) {
            /* SCK idles at CPOL: pull it there so a floating line does not clock the device. */
            const stm32_pin_pull_t pull = i == 0 ? ((config->mode & 2u) ? STM32_PULL_UP : STM32_PULL_DOWN)
                                                 : STM32_PULL_NONE;
            const int err = stm32_pin_af(pins[i], af, pull, false);
            if (err != STM32_OK) {
                return err;
            }
        }
    }
    const uint32_t cr1 = CR1_MSTR | CR1_SSM | CR1_SSI | (br << CR1_BR_POS) | ((config->mode & 2u) ? CR1_CPOL : 0u) |
                         ((config->mode & 1u) ? CR1_CPHA : 0u) | (config->lsb_first ? CR1_LSBFIRST : 0u);
    REG(spi, CR1) = cr1;
#if STM32_F7
    REG(spi, CR2) = CR2_DS_8BIT | CR2_FRXTH;
#else
    REG(spi, CR2) = 0u;
#endif
    REG(spi, CR1) = cr1 | CR1_SPE;
    spi->up = true;
    return STM32_OK;
}

void stm32_spi_deinit(stm32_spi_t *spi) {
    if (spi->up) {
        REG(spi, CR1) = 0u;
        spi->up = false;
    }
}

int stm32_spi_transfer(stm32_spi_t *spi, const uint8_t *tx, uint8_t *rx, size_t len) {
    if (!spi->up) {
        return -STM32_EINVAL;
    }
    /* Drain a byte left over from an earlier aborted transfer so it is not mistaken for ours. */
    while (REG(spi, SR) & SR_RXNE) {
        (void)DRV_REG8(spi->base + DR);
    }
    for (size_t i = 0; i < len; i++) {
        if (stm32_wait_reg(&REG(spi, SR), SR_TXE, SR_TXE, spi->timeout_us) != STM32_OK) {
            return -STM32_ETIMEDOUT;
        }
        /* A byte-wide access: on the F7 a 16-bit write would send two frames. */
        DRV_REG8(spi->base + DR) = tx != NULL ? tx[i] : 0xFFu;
        if (stm32_wait_reg(&REG(spi, SR), SR_RXNE, SR_RXNE, spi->timeout_us) != STM32_OK) {
            return (REG(spi, SR) & SR_MODF) ? -STM32_EIO : -STM32_ETIMEDOUT;
        }
        const uint8_t byte = DRV_REG8(spi->base + DR);
        if (rx != NULL) {
            rx[i] = byte;
        }
    }
    return stm32_wait_reg(&REG(spi, SR), SR_BSY, 0u, spi->timeout_us);
}
