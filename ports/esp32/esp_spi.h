/* esp_spi.h: ESP32-C3/C6 GP-SPI2 as a full-duplex SPI master (CPU-driven 64-byte buffer, modes 0-3). */
#ifndef KILN_ESP_SPI_H
#define KILN_ESP_SPI_H

#include <stddef.h>
#include <stdint.h>

#define ESP_SPI_NO_PIN (-1)

/* id 2 is GP-SPI2 (SPI0/1 belong to the flash). Clock from the 40 MHz XTAL: up to 40 MHz, down to
   40 MHz / (16 * 64). Chip select stays with the caller (a GPIO), as in machine.SPI. */
int esp_spi_init(unsigned id, uint32_t baud, unsigned mode, int sck_pin, int mosi_pin, int miso_pin, int lsb_first);
uint32_t esp_spi_baud(unsigned id); /* what the divider really gives */
/* Sends len bytes of `tx` (or `fill` repeated when tx is NULL) and stores what came in (rx may be NULL). */
int esp_spi_transfer(unsigned id, const uint8_t *tx, uint8_t *rx, size_t len, uint8_t fill);

#endif
