/* rp2_uart.h: the two PL011 UARTs: blocking TX, interrupt-driven RX into a ring buffer per UART. */
#ifndef KILN_RP2_UART_H
#define KILN_RP2_UART_H

#include <stddef.h>
#include <stdint.h>

#define RP2_UART_COUNT 2u

/* Resets the UART, sets 8N1 at `baud` (nearest the divider allows) on the two GPIOs, which must
 * be a TX and an RX pin of that UART; RX bytes go to the instance's ring by interrupt. */
int rp2_uart_init(uint32_t uart, uint32_t baud, uint32_t tx_pin, uint32_t rx_pin);
/* Frame format after rp2_uart_init: bits 5..8, parity 0 none / 1 odd / 2 even, stop 1 or 2. */
int rp2_uart_set_format(uint32_t uart, uint32_t bits, uint32_t parity, uint32_t stop);
/* Stops the UART and its interrupt; the pins return to no function. */
void rp2_uart_deinit(uint32_t uart);
/* The baud rate the divider really gives (0 when not initialised). */
uint32_t rp2_uart_baud(uint32_t uart);
/* Blocks until every byte is in the TX FIFO (the UART drains it at its baud rate). */
void rp2_uart_write(uint32_t uart, const uint8_t *buf, size_t len);
/* The next received byte, or -1 when none is waiting. */
int rp2_uart_read(uint32_t uart);
/* Received bytes waiting in the ring. */
size_t rp2_uart_rx_available(uint32_t uart);
/* Bytes lost because the ring was full. */
uint32_t rp2_uart_rx_dropped(uint32_t uart);
/* Waits until the last byte has left the shifter; RP2_ERR_TIMEOUT after timeout_us. */
int rp2_uart_flush(uint32_t uart, uint32_t timeout_us);

#endif
