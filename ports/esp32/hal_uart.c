/* hal_uart.c: ESP32-C3 console UART: 8N1 from the XTAL clock, RX by interrupt into a ring. */
#include <stddef.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "hal.h"

#define RX_RING_SIZE 256u /* power of two */

#if KILN_REPL_UART == 0
#define CONSOLE_BASE UART0_BASE
#define CONSOLE_SOURCE INTMTX_SOURCE_UART0
#elif KILN_REPL_UART == 1
#define CONSOLE_BASE 0x60010000u
#define CONSOLE_SOURCE 22u
#else
#error "ESP32-C3 has UART0 and UART1 only"
#endif

/* Reset by esp32_uart_init(), so a soft restart starts with an empty ring. */
static struct {
    volatile uint32_t head; /* written by the ISR */
    volatile uint32_t tail; /* written by the reader */
    uint8_t data[RX_RING_SIZE];
} rx;

static uint32_t uart_xtal_hz(void) {
    return KILN_XTAL_HZ != 0 ? (uint32_t)KILN_XTAL_HZ : 40000000u;
}

void esp32_uart_init(void) {
    rx.head = 0;
    rx.tail = 0;

    /* Let whatever the bootloader was printing drain before the clock changes under it. */
    for (unsigned i = 0; i < 200000u && UART_STATUS_TXCNT(UART_STATUS(CONSOLE_BASE)) != 0u; i++) {
    }

    /* XTAL as source: the baud rate then survives CPU/APB clock changes. The pins stay
       on their IO_MUX defaults (GPIO21 TX, GPIO20 RX) as the ROM left them. */
    UART_CLK_CONF(CONSOLE_BASE) =
        UART_CLK_CONF_SEL_XTAL | UART_CLK_CONF_SCLK_EN | UART_CLK_CONF_TX_EN | UART_CLK_CONF_RX_EN;
    uint32_t div16 = (uart_xtal_hz() * 16u + (uint32_t)KILN_REPL_BAUD / 2u) / (uint32_t)KILN_REPL_BAUD;
    UART_CLKDIV(CONSOLE_BASE) = (div16 >> 4) | ((div16 & 0xFu) << 20);
    UART_CONF0(CONSOLE_BASE) = UART_CONF0_8N1 | UART_CONF0_RXFIFO_RST;
    UART_CONF0(CONSOLE_BASE) = UART_CONF0_8N1;
    /* RX "full" threshold of one byte: interrupt on every byte; TX-empty threshold unused. */
    UART_CONF1(CONSOLE_BASE) = 1u | (16u << 9);
    /* Configuration crosses into the UART core clock domain only on REG_UPDATE. */
    UART_ID(CONSOLE_BASE) |= UART_ID_REG_UPDATE;
    for (unsigned i = 0; i < 10000u && (UART_ID(CONSOLE_BASE) & UART_ID_REG_UPDATE) != 0u; i++) {
    }

    UART_INT_CLR(CONSOLE_BASE) = 0xFFFFFFFFu;
    UART_INT_ENA(CONSOLE_BASE) = UART_INT_RXFIFO_FULL;

    INTMTX_MAP(CONSOLE_SOURCE) = ESP32_UART_CPU_INT;
    INTMTX_CPU_INT_TYPE &= ~(1u << ESP32_UART_CPU_INT); /* level: the UART holds it */
    INTMTX_CPU_INT_PRI(ESP32_UART_CPU_INT) = 2;
    INTMTX_CPU_INT_ENABLE |= 1u << ESP32_UART_CPU_INT;
}

void esp32_uart_isr(void) {
    /* Drain first: RXFIFO_FULL is a level that re-asserts while bytes remain. */
    while (UART_STATUS_RXCNT(UART_STATUS(CONSOLE_BASE)) != 0u) {
        uint8_t c = (uint8_t)UART_FIFO(CONSOLE_BASE);
        uint32_t head = rx.head;
        if (head - rx.tail < RX_RING_SIZE) { /* full: drop the newest byte */
            rx.data[head % RX_RING_SIZE] = c;
            rx.head = head + 1u;
        }
    }
    UART_INT_CLR(CONSOLE_BASE) = UART_INT_RXFIFO_FULL | UART_INT_RXFIFO_TOUT;
}

void hal_stdout_write(const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (UART_STATUS_TXCNT(UART_STATUS(CONSOLE_BASE)) >= UART_FIFO_SIZE - 1u) {
        }
        UART_FIFO(CONSOLE_BASE) = (uint8_t)buf[i];
    }
}

int hal_stdin_poll(void) {
    uint32_t tail = rx.tail;
    if (tail == rx.head) {
        return -1;
    }
    int c = rx.data[tail % RX_RING_SIZE];
    rx.tail = tail + 1u;
    return c;
}

int hal_stdin_read(void) {
    for (;;) {
        int c = hal_stdin_poll();
        if (c >= 0) {
            return c;
        }
        /* Check-then-sleep with MIE off, so a byte arriving in between still wakes the wfi
           (a pending enabled line ends wfi even while mstatus.MIE is clear). */
        esp32_irq_disable();
        if (rx.tail == rx.head) {
            __asm__ volatile("wfi");
        }
        esp32_irq_enable();
    }
}
