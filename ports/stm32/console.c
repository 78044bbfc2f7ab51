/* console.c: the REPL USART: pins, baud rate, blocking TX and interrupt-driven RX into a ring buffer. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/chip.h"
#include "hal.h"
#include "stm32_port.h"
#include "stm32_regs.h"
#include "stm32_series.h"

#define RX_SIZE 256u /* power of two: indices wrap with a mask */
#define CONSOLE_PRIORITY 0x40u
#define SPIN_LIMIT 1000000u /* tens of ms: far longer than one byte takes even at 9600 baud */

/* Which USART, pins and baud rate are data (`stm32_chip`, chip.c from stm32_console.h and the board file), so
   this file compiles once for every board of a series. */
#define CON_BASE (stm32_chip.console_base)
#define CON_IRQ ((uint32_t)stm32_chip.console_irq)

#if STM32_F7
#define CON_STATUS STM32_REG(CON_BASE + USART_F7_ISR)
#define CON_RX STM32_REG(CON_BASE + USART_F7_RDR)
#define CON_TX STM32_REG(CON_BASE + USART_F7_TDR)
#define CON_BRR STM32_REG(CON_BASE + USART_F7_BRR)
#define CON_CR1 STM32_REG(CON_BASE + USART_F7_CR1)
#define CON_UE USART_F7_CR1_UE
#else
#define CON_STATUS STM32_REG(CON_BASE + USART_F4_SR)
#define CON_RX STM32_REG(CON_BASE + USART_F4_DR)
#define CON_TX STM32_REG(CON_BASE + USART_F4_DR)
#define CON_BRR STM32_REG(CON_BASE + USART_F4_BRR)
#define CON_CR1 STM32_REG(CON_BASE + USART_F4_CR1)
#define CON_UE USART_F4_CR1_UE
#endif

static uint8_t rx_buf[RX_SIZE];
static volatile uint32_t rx_head; /* written by the interrupt only */
static volatile uint32_t rx_tail; /* written by the reader only */
static bool console_up;

static void pin_to_af(uint32_t code, bool pull_up) {
    const uint32_t port = code / 16u;
    const uint32_t pin = code % 16u;
    RCC_AHB1ENR |= 1u << port;
    (void)RCC_AHB1ENR; /* let the clock enable land before touching the port */
    GPIO_AFR(port, pin) = (GPIO_AFR(port, pin) & ~(0xFu << (4u * (pin % 8u)))) |
                         ((uint32_t)stm32_chip.console_af << (4u * (pin % 8u)));
    GPIO_OSPEEDR(port) = (GPIO_OSPEEDR(port) & ~(3u << (2u * pin))) | (GPIO_SPEED_HIGH << (2u * pin));
    GPIO_PUPDR(port) = (GPIO_PUPDR(port) & ~(3u << (2u * pin))) | ((pull_up ? GPIO_PULL_UP : 0u) << (2u * pin));
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << (2u * pin))) | (GPIO_MODE_AF << (2u * pin));
}

void stm32_console_init(const stm32_clocks_t *clocks) {
    console_up = false;
    rx_head = 0u;
    rx_tail = 0u;
    uint32_t pclk;
    if (stm32_chip.console_on_apb2) {
        RCC_APB2ENR |= stm32_chip.console_rcc_bit;
        pclk = clocks->apb2_hz;
    } else {
        RCC_APB1ENR |= stm32_chip.console_rcc_bit;
        pclk = clocks->apb1_hz;
    }
    pin_to_af(stm32_chip.repl_tx_pin, false);
    pin_to_af(stm32_chip.repl_rx_pin, true); /* an unconnected RX idles high instead of reading noise */

    const uint32_t baud = stm32_chip.repl_baud;
    CON_CR1 = 0u;
    CON_BRR = (pclk + baud / 2u) / baud; /* 16x oversampling: BRR = pclk / baud */
#if STM32_F7
    STM32_REG(CON_BASE + USART_F7_CR3) = USART_F7_CR3_OVRDIS; /* drop, do not stall, on overrun */
#endif
    /* QEMU's USART drops received bytes unless UE, TE and RE are all set. */
    CON_CR1 = CON_UE | USART_TE | USART_RE | USART_RXNEIE;

    NVIC_IPR_BYTE(CON_IRQ) = CONSOLE_PRIORITY;
    NVIC_ISER(CON_IRQ / 32u) = 1u << (CON_IRQ % 32u);
    console_up = true;
}

void stm32_console_irq(void) {
    const uint32_t status = CON_STATUS;
    if ((status & (USART_RXNE | USART_ORE)) == 0u) {
        return;
    }
    /* Reading the data register clears RXNE (and, after the status read, ORE on the F4). */
    const uint8_t byte = (uint8_t)CON_RX;
#if STM32_F7
    STM32_REG(CON_BASE + USART_F7_ICR) = USART_F7_ICR_ERRORS;
#endif
    if ((status & USART_RXNE) == 0u) {
        return;
    }
    const uint32_t head = rx_head;
    if (head - rx_tail < RX_SIZE) { /* a full buffer drops the newest byte */
        rx_buf[head % RX_SIZE] = byte;
        rx_head = head + 1u;
    }
}

int hal_stdin_poll(void) {
    const uint32_t tail = rx_tail;
    if (tail == rx_head) {
        return -1;
    }
    const int byte = rx_buf[tail % RX_SIZE];
    rx_tail = tail + 1u;
    return byte;
}

int hal_stdin_read(void) {
    for (;;) {
        /* Masking first closes the race between the empty check and the sleep: a byte that lands
           in between stays pending and WFI returns at once. */
        __asm volatile("cpsid i" ::: "memory");
        const bool empty = rx_tail == rx_head;
        if (empty) {
            __asm volatile("wfi");
        }
        __asm volatile("cpsie i" ::: "memory");
        const int byte = hal_stdin_poll();
        if (byte >= 0) {
            return byte;
        }
    }
}

void hal_stdout_write(const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while ((CON_STATUS & USART_TXE) == 0u) {
        }
        CON_TX = (uint8_t)buf[i];
    }
}

void stm32_console_flush(void) {
    if (!console_up) {
        return;
    }
    /* Spin-bounded, not tick-bounded: it also runs in fault handlers where SysTick may not advance. */
    for (uint32_t spin = 0u; (CON_STATUS & USART_TC) == 0u && spin < SPIN_LIMIT; spin++) {
    }
}

void stm32_console_panic(const char *msg) {
    if (!console_up) {
        return;
    }
    for (; *msg != '\0'; msg++) {
        /* Bounded: a fault handler must not hang on a wedged USART. */
        for (uint32_t spin = 0u; (CON_STATUS & USART_TXE) == 0u && spin < SPIN_LIMIT; spin++) {
        }
        CON_TX = (uint8_t)*msg;
    }
}
