/* uart.c: the console on a PL011 UART: blocking TX, interrupt-driven RX into a ring buffer. */
#include <stddef.h>
#include <stdint.h>

#include "board_config.h"
#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

#if KILN_REPL_UART == 0
#define CONSOLE_BASE UART0_BASE
#define CONSOLE_RESET RESET_UART0
#define CONSOLE_IRQ IRQ_UART0
#define CONSOLE_ISR rp2_isr_uart0
#elif KILN_REPL_UART == 1
#define CONSOLE_BASE UART1_BASE
#define CONSOLE_RESET RESET_UART1
#define CONSOLE_IRQ IRQ_UART1
#define CONSOLE_ISR rp2_isr_uart1
#else
#error "the RP2040 has UART0 and UART1 only (repl.uart in board.toml)"
#endif

/* GPIO n reaches UART ((n + 4) / 8) % 2, as TX when n % 4 == 0 and RX when n % 4 == 1. */
#define UART_OF_GPIO(n) ((((n) + 4) / 8) % 2)
#if (KILN_REPL_TX_PIN % 4) != 0 || UART_OF_GPIO(KILN_REPL_TX_PIN) != KILN_REPL_UART
#error "repl.tx in board.toml is not a TX pin of the console UART"
#endif
#if (KILN_REPL_RX_PIN % 4) != 1 || UART_OF_GPIO(KILN_REPL_RX_PIN) != KILN_REPL_UART
#error "repl.rx in board.toml is not an RX pin of the console UART"
#endif

#define RX_RING_SIZE 256u /* a power of two, so free-running indices wrap cleanly */
#define FLUSH_TIMEOUT_US 100000u

/* Single producer (the ISR moves head) and single consumer (readers move tail). */
static struct {
    volatile uint32_t head;
    volatile uint32_t tail;
    volatile uint32_t dropped;
    uint8_t buf[RX_RING_SIZE];
} rx;

void CONSOLE_ISR(void);

/* Drains the hardware FIFO. Reading it empty is what clears both the RX and the RX-timeout
 * interrupt, so no ICR write (which could lose a byte that arrived meanwhile). */
void CONSOLE_ISR(void) {
    while (!(REG32(CONSOLE_BASE + UART_FR) & UART_FR_RXFE)) {
        uint8_t byte = (uint8_t)REG32(CONSOLE_BASE + UART_DR);
        uint32_t head = rx.head;
        if (head - rx.tail < RX_RING_SIZE) {
            rx.buf[head % RX_RING_SIZE] = byte;
            rx.head = head + 1u;
        } else {
            rx.dropped++;
        }
    }
}

void rp2_console_init(void) {
    REG32(PPB_NVIC_ICER) = 1u << CONSOLE_IRQ;
    rx.head = 0;
    rx.tail = 0;
    rx.dropped = 0;
    REG_SET(RESETS_RESET, CONSOLE_RESET);
    rp2_unreset(CONSOLE_RESET);

    /* Divisor in 1/64ths of clk_peri / (16 * baud), rounded; IBRD/FBRD latch on the LCR_H write. */
    uint32_t div64 = (4u * rp2_clk_peri_hz() + KILN_REPL_BAUD / 2u) / KILN_REPL_BAUD;
    uint32_t ibrd = div64 >> 6;
    uint32_t fbrd = div64 & 63u;
    if (ibrd == 0u) {
        ibrd = 1u;
        fbrd = 0u;
    } else if (ibrd >= 0xffffu) {
        ibrd = 0xffffu;
        fbrd = 0u;
    }
    REG32(CONSOLE_BASE + UART_IBRD) = ibrd;
    REG32(CONSOLE_BASE + UART_FBRD) = fbrd;
    REG32(CONSOLE_BASE + UART_LCR_H) = UART_LCR_H_WLEN_8 | UART_LCR_H_FEN;
    REG32(CONSOLE_BASE + UART_IFLS) = 0; /* RX interrupt at 1/8 full; the RX timeout covers less */
    REG32(CONSOLE_BASE + UART_IMSC) = UART_INT_RX | UART_INT_RT;
    REG32(CONSOLE_BASE + UART_CR) = UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE;

    /* Pins last, so nothing glitches out while the UART is being set up. RX pulled up: an
     * unconnected line then idles high instead of producing break characters. */
    REG32(PADS_GPIO(KILN_REPL_TX_PIN)) = PADS_IE | PADS_DRIVE_4MA | PADS_SCHMITT | PADS_PUE;
    REG32(PADS_GPIO(KILN_REPL_RX_PIN)) = PADS_IE | PADS_DRIVE_4MA | PADS_SCHMITT | PADS_PUE;
    REG32(IO_GPIO_CTRL(KILN_REPL_TX_PIN)) = IO_FUNC_UART;
    REG32(IO_GPIO_CTRL(KILN_REPL_RX_PIN)) = IO_FUNC_UART;

    REG32(PPB_NVIC_ICPR) = 1u << CONSOLE_IRQ;
    REG32(PPB_NVIC_ISER) = 1u << CONSOLE_IRQ;
}

void hal_stdout_write(const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (REG32(CONSOLE_BASE + UART_FR) & UART_FR_TXFF) {
        }
        REG32(CONSOLE_BASE + UART_DR) = (uint8_t)buf[i];
    }
}

void rp2_console_flush(void) {
    uint64_t deadline = rp2_time_us() + FLUSH_TIMEOUT_US;
    while ((REG32(CONSOLE_BASE + UART_FR) & UART_FR_BUSY) && rp2_time_us() < deadline) {
    }
}

int hal_stdin_poll(void) {
    uint32_t tail = rx.tail;
    if (rx.head == tail) {
        return -1;
    }
    int c = rx.buf[tail % RX_RING_SIZE];
    rx.tail = tail + 1u;
    return c;
}

int hal_stdin_read(void) {
    for (;;) {
        int c = hal_stdin_poll();
        if (c >= 0) {
            return c;
        }
        /* Sleep until an interrupt. With IRQs masked, a byte arriving between the check and
         * the WFI still wakes it (pending IRQ), and is taken after CPSIE. */
        __asm volatile("cpsid i" ::: "memory");
        if (rx.head == rx.tail) {
            __asm volatile("wfi" ::: "memory");
        }
        __asm volatile("cpsie i" ::: "memory");
    }
}
