/* rp2_spi.h: the two PL022 SPI controllers: mode 0-3, 4-16 bit frames, full-duplex transfers. */
#ifndef KILN_RP2_SPI_H
#define KILN_RP2_SPI_H

#include <stddef.h>
#include <stdint.h>

#define RP2_SPI_COUNT 2u
#define RP2_SPI_NO_PIN 0xffu

/* Controller mode at the nearest baud rate at or below `baud`. mode: bit 1 CPOL, bit 0 CPHA.
 * Pins must belong to that SPI (SCK, TX = MOSI, RX = MISO); miso may be RP2_SPI_NO_PIN. Chip
 * select is the caller's GPIO. */
int rp2_spi_init(uint32_t spi, uint32_t baud, uint32_t sck, uint32_t mosi, uint32_t miso, uint32_t mode);
void rp2_spi_deinit(uint32_t spi);
/* Both controllers back in reset, pins released (soft reset). */
void rp2_spi_reset_state(void);
uint32_t rp2_spi_baud(uint32_t spi);
/* Clocks len bytes out of tx (0xff when tx is NULL) while storing what comes in to rx (when not
 * NULL). Returns len, or RP2_ERR_TIMEOUT when the controller stops moving. */
int rp2_spi_transfer(uint32_t spi, const uint8_t *tx, uint8_t *rx, size_t len, uint32_t timeout_us);

#endif
