/* spi.h: SPI controller (master) n: mode 0..3, MSB/LSB first, baud from the bus clock by prescaler. */
#ifndef KILN_STM32_SPI_H
#define KILN_STM32_SPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t index;      /* SPI1..SPI6 where the chip has it */
    uint32_t baud;       /* upper bound: the fastest PCLK/2^k not above it is used */
    uint8_t mode;        /* CPOL << 1 | CPHA */
    bool lsb_first;
    uint32_t sck_pin;    /* pin codes, or STM32_PIN_NONE */
    uint32_t mosi_pin;
    uint32_t miso_pin;
    uint8_t af;          /* 0 = the usual one (AF5; AF6 for SPI3 and SPI5) */
} stm32_spi_config_t;

typedef struct {
    uint32_t base;
    uint32_t index;
    uint32_t actual_baud;
    uint32_t timeout_us; /* per byte */
    bool up;
} stm32_spi_t;

/* -STM32_ENODEV (no such SPI), -STM32_EINVAL (mode, or a baud below PCLK/256). */
int stm32_spi_init(stm32_spi_t *spi, const stm32_spi_config_t *config);
void stm32_spi_deinit(stm32_spi_t *spi);

/* Full duplex: sends tx (0xFF when tx is NULL), stores what comes back in rx (when not NULL). Chip select is
   the caller's GPIO. 0 or -STM32_ETIMEDOUT / -STM32_EIO (mode fault: another master pulled NSS). */
int stm32_spi_transfer(stm32_spi_t *spi, const uint8_t *tx, uint8_t *rx, size_t len);

#endif
