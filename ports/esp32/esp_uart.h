/* esp_uart.h: ESP32-C3/C6 UART0/UART1: 8N1 from the XTAL clock, pins anywhere through the GPIO matrix. */
#ifndef KILN_ESP_UART_H
#define KILN_ESP_UART_H

#include <stddef.h>
#include <stdint.h>

#define ESP_UART_COUNT 2u
#define ESP_UART_NO_PIN (-1)

/* Clocks the UART, sets 8N1 at `baud` (from the 40 MHz XTAL, so CPU clock changes do not move it)
   and routes TX/RX to the given pins (ESP_UART_NO_PIN leaves a direction unrouted). */
int esp_uart_init(unsigned id, uint32_t baud, int tx_pin, int rx_pin);
uint32_t esp_uart_baud(unsigned id); /* what the divider really gives */
uintptr_t esp_uart_base(unsigned id);
unsigned esp_uart_irq_source(unsigned id);
/* RXFIFO_FULL at one byte, enabled, pending flags cleared: an interrupt per received byte. */
void esp_uart_enable_rx_irq(unsigned id);

/* Blocking within `timeout_ms`: bytes written or read, or -ETIMEDOUT when nothing moved at all. */
int esp_uart_write(unsigned id, const uint8_t *buf, size_t len, uint32_t timeout_ms);
int esp_uart_read(unsigned id, uint8_t *buf, size_t len, uint32_t timeout_ms);
unsigned esp_uart_rx_waiting(unsigned id);
/* Waits until the TX FIFO is empty (bounded). */
int esp_uart_flush(unsigned id, uint32_t timeout_ms);

#endif
