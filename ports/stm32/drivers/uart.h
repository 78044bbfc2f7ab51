/* uart.h: USART/UART n (1..8 where the chip has it): framing, baud from the real bus clock, blocking
   transmit, interrupt-driven receive into a caller-supplied ring buffer. */
#ifndef KILN_STM32_UART_H
#define KILN_STM32_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { STM32_PARITY_NONE = 0, STM32_PARITY_EVEN = 1, STM32_PARITY_ODD = 2 } stm32_parity_t;

typedef struct {
    uint32_t index;    /* 1 = USART1 ... 8 = UART8 */
    uint32_t baud;
    uint8_t bits;      /* data bits: 8, or 7 (with parity on the F4; with or without on the F7) */
    uint8_t parity;    /* stm32_parity_t */
    uint8_t stop;      /* 1 or 2 */
    uint8_t priority;  /* NVIC priority of the receive interrupt, 0..15 */
    uint32_t tx_pin;   /* pin codes, or STM32_PIN_NONE */
    uint32_t rx_pin;
    uint8_t af;        /* alternate function of both pins; 0 = the usual one (AF7 USART1-3, AF8 the rest) */
    uint8_t *rx_buf;   /* receive ring: rx_size bytes, a power of two (NULL/0: transmit only) */
    uint32_t rx_size;
} stm32_uart_config_t;

/* One UART's state; lives wherever the caller keeps it (a machine.UART object), re-initialised by init. */
typedef struct {
    uint32_t base;
    uint32_t irq;
    uint32_t index;
    uint32_t actual_baud;
    uint8_t *rx_buf;
    uint32_t rx_mask;
    volatile uint32_t rx_head; /* written by the interrupt */
    volatile uint32_t rx_tail; /* written by the reader */
    volatile uint32_t rx_dropped; /* bytes lost to a full ring or a hardware overrun */
    volatile uint32_t rx_errors;  /* framing/parity errors seen */
    bool up;
} stm32_uart_t;

/*
 * Configures and enables the UART. Errors: -STM32_ENODEV (no such UART on this chip), -STM32_EBUSY (it is
 * the REPL console's, or its interrupt is taken), -STM32_EINVAL (baud out of reach of the bus clock, bad
 * framing, ring size not a power of two).
 */
int stm32_uart_init(stm32_uart_t *uart, const stm32_uart_config_t *config);

/* Disables it and its interrupt; the pins stay as they are. */
void stm32_uart_deinit(stm32_uart_t *uart);

/* Writes len bytes, waiting for room; returns len, or -STM32_ETIMEDOUT if the transmitter stalls for
   timeout_us on one byte (bytes sent before the stall are not counted back). */
int stm32_uart_write(stm32_uart_t *uart, const uint8_t *data, size_t len, uint32_t timeout_us);

/* Waits until the last byte has left the shift register (TC). */
int stm32_uart_flush(stm32_uart_t *uart, uint32_t timeout_us);

/* Copies up to len received bytes; never waits. Returns the count. */
size_t stm32_uart_read(stm32_uart_t *uart, uint8_t *data, size_t len);

/* Bytes waiting in the ring. */
size_t stm32_uart_any(const stm32_uart_t *uart);

/* The receive interrupt (attached by init through drivers/irq.c). */
void stm32_uart_irq(void *ctx);

#endif
