/* uart.c: PL011 UART driver for UART0 and UART1: divisors, pins, RX interrupt into ring buffers. */
#include "rp2_uart.h"

#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"

#define RX_RING_SIZE 256u /* a power of two, so free-running indices wrap cleanly */

/* GPIO n reaches UART ((n + 4) / 8) % 2, as TX when n % 4 == 0 and RX when n % 4 == 1. */
#define UART_OF_GPIO(n) ((((n) + 4u) / 8u) % 2u)

/* Single producer (the ISR moves head) and single consumer (readers move tail). */
typedef struct {
    volatile uint32_t head;
    volatile uint32_t tail;
    volatile uint32_t dropped;
    uint32_t baud;
    uint8_t tx_pin;
    uint8_t rx_pin;
    uint8_t buf[RX_RING_SIZE];
} uart_state_t;

static uart_state_t uarts[RP2_UART_COUNT];

static const uint32_t uart_base[RP2_UART_COUNT] = {UART0_BASE, UART1_BASE};
static const uint32_t uart_reset[RP2_UART_COUNT] = {RESET_UART0, RESET_UART1};
static const uint32_t uart_irq[RP2_UART_COUNT] = {IRQ_UART0, IRQ_UART1};

void rp2_isr_uart0(void);
void rp2_isr_uart1(void);

/* Drains the hardware FIFO. Reading it empty is what clears both the RX and the RX-timeout
 * interrupt, so no ICR write (which could lose a byte that arrived meanwhile). */
static void uart_isr(uint32_t uart) {
    uart_state_t *u = &uarts[uart];
    uint32_t base = uart_base[uart];
    while (!(REG32(base + UART_FR) & UART_FR_RXFE)) {
        uint8_t byte = (uint8_t)REG32(base + UART_DR);
        uint32_t head = u->head;
        if (head - u->tail < RX_RING_SIZE) {
            u->buf[head % RX_RING_SIZE] = byte;
            u->head = head + 1u;
        } else {
            u->dropped++;
        }
    }
}

void rp2_isr_uart0(void) {
    uart_isr(0);
}

void rp2_isr_uart1(void) {
    uart_isr(1);
}

int rp2_uart_init(uint32_t uart, uint32_t baud, uint32_t tx_pin, uint32_t rx_pin) {
    if (uart >= RP2_UART_COUNT || baud == 0u || tx_pin >= RP2_GPIO_COUNT || rx_pin >= RP2_GPIO_COUNT ||
        tx_pin % 4u != 0u || UART_OF_GPIO(tx_pin) != uart || rx_pin % 4u != 1u || UART_OF_GPIO(rx_pin) != uart) {
        return RP2_ERR_INVALID;
    }
    uart_state_t *u = &uarts[uart];
    uint32_t base = uart_base[uart];
    RP2_IRQ_DISABLE(uart_irq[uart]);
    u->head = 0;
    u->tail = 0;
    u->dropped = 0;
    u->tx_pin = (uint8_t)tx_pin;
    u->rx_pin = (uint8_t)rx_pin;
    REG_SET(RESETS_RESET, uart_reset[uart]);
    rp2_unreset(uart_reset[uart]);

    /* Divisor in 1/64ths of clk_peri / (16 * baud), rounded; IBRD/FBRD latch on the LCR_H write. */
    uint32_t clk = rp2_clk_peri_hz();
    uint32_t div64 = (uint32_t)(((uint64_t)4u * clk + baud / 2u) / baud);
    uint32_t ibrd = div64 >> 6;
    uint32_t fbrd = div64 & 63u;
    if (ibrd == 0u) {
        ibrd = 1u;
        fbrd = 0u;
    } else if (ibrd >= 0xffffu) {
        ibrd = 0xffffu;
        fbrd = 0u;
    }
    u->baud = (uint32_t)(((uint64_t)4u * clk) / (ibrd * 64u + fbrd));
    REG32(base + UART_IBRD) = ibrd;
    REG32(base + UART_FBRD) = fbrd;
    REG32(base + UART_LCR_H) = UART_LCR_H_WLEN_8 | UART_LCR_H_FEN;
    REG32(base + UART_IFLS) = 0; /* RX interrupt at 1/8 full; the RX timeout covers less */
    REG32(base + UART_IMSC) = UART_INT_RX | UART_INT_RT;
    REG32(base + UART_CR) = UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE;

    /* Pins last, so nothing glitches out while the UART is being set up. RX pulled up: an
     * unconnected line then idles high instead of producing break characters. */
    rp2_gpio_set_pull(tx_pin, RP2_GPIO_PULL_UP);
    rp2_gpio_set_pull(rx_pin, RP2_GPIO_PULL_UP);
    rp2_gpio_set_function(tx_pin, IO_FUNC_UART);
    rp2_gpio_set_function(rx_pin, IO_FUNC_UART);
    RP2_IRQ_ENABLE(uart_irq[uart]);
    return RP2_OK;
}

/* PL011 LCR_H: WLEN = bits - 5 in 6:5, STP2 bit 3, EPS bit 2 (even), PEN bit 1. Written with the UART
 * disabled (the PL011 must not change format mid-character); the write re-latches the divisors. */
int rp2_uart_set_format(uint32_t uart, uint32_t bits, uint32_t parity, uint32_t stop) {
    if (uart >= RP2_UART_COUNT || uarts[uart].baud == 0u || bits < 5u || bits > 8u || parity > 2u || stop < 1u ||
        stop > 2u) {
        return RP2_ERR_INVALID;
    }
    uint32_t base = uart_base[uart];
    uint32_t lcr = ((bits - 5u) << 5) | UART_LCR_H_FEN | (stop == 2u ? 1u << 3 : 0u) |
                   (parity == 2u ? 1u << 2 : 0u) | (parity != 0u ? 1u << 1 : 0u);
    uint32_t cr = REG32(base + UART_CR);
    (void)rp2_uart_flush(uart, 100000u);
    REG32(base + UART_CR) = 0;
    REG32(base + UART_LCR_H) = lcr;
    REG32(base + UART_CR) = cr;
    return RP2_OK;
}

void rp2_uart_deinit(uint32_t uart) {
    if (uart >= RP2_UART_COUNT || uarts[uart].baud == 0u) {
        return;
    }
    RP2_IRQ_DISABLE(uart_irq[uart]);
    REG32(uart_base[uart] + UART_CR) = 0;
    rp2_gpio_set_function(uarts[uart].tx_pin, IO_FUNC_NULL);
    rp2_gpio_set_function(uarts[uart].rx_pin, IO_FUNC_NULL);
    REG_SET(RESETS_RESET, uart_reset[uart]);
    uarts[uart].baud = 0;
}

uint32_t rp2_uart_baud(uint32_t uart) {
    return uart < RP2_UART_COUNT ? uarts[uart].baud : 0u;
}

void rp2_uart_write(uint32_t uart, const uint8_t *buf, size_t len) {
    if (uart >= RP2_UART_COUNT || uarts[uart].baud == 0u) {
        return;
    }
    uint32_t base = uart_base[uart];
    /* An enabled UART drains a byte per 10 bit times; far longer means it is stuck (clock gone,
     * CTS flow control): drop the rest rather than hang. */
    uint32_t stuck_us = 100u * 1000000u / uarts[uart].baud + 1000u;
    for (size_t i = 0; i < len; i++) {
        if (REG32(base + UART_FR) & UART_FR_TXFF) {
            uint32_t start = REG32(TIMER_TIMERAWL);
            while (REG32(base + UART_FR) & UART_FR_TXFF) {
                if (REG32(TIMER_TIMERAWL) - start > stuck_us) {
                    return;
                }
            }
        }
        REG32(base + UART_DR) = buf[i];
    }
}

int rp2_uart_read(uint32_t uart) {
    if (uart >= RP2_UART_COUNT) {
        return -1;
    }
    uart_state_t *u = &uarts[uart];
    uint32_t tail = u->tail;
    if (u->head == tail) {
        return -1;
    }
    int c = u->buf[tail % RX_RING_SIZE];
    u->tail = tail + 1u;
    return c;
}

size_t rp2_uart_rx_available(uint32_t uart) {
    return uart < RP2_UART_COUNT ? (size_t)(uarts[uart].head - uarts[uart].tail) : 0u;
}

uint32_t rp2_uart_rx_dropped(uint32_t uart) {
    return uart < RP2_UART_COUNT ? uarts[uart].dropped : 0u;
}

int rp2_uart_flush(uint32_t uart, uint32_t timeout_us) {
    if (uart >= RP2_UART_COUNT || uarts[uart].baud == 0u) {
        return RP2_ERR_NOT_READY;
    }
    uint64_t deadline = rp2_time_us() + timeout_us;
    while (REG32(uart_base[uart] + UART_FR) & UART_FR_BUSY) {
        if (rp2_time_us() > deadline) {
            return RP2_ERR_TIMEOUT;
        }
    }
    return RP2_OK;
}
