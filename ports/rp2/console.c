/* console.c: the HAL console: REPL UART plus USB CDC (output to both, input from either). */
/* the HAL console: output to the REPL UART and (when the host has it open) USB CDC, input from
 * both. */
#include <stddef.h>
#include <stdint.h>

#include "board_config.h"
#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"
#include "rp2_uart.h"
#if KILN_REPL_USB
#include "rp2_usb_cdc.h"
#endif

#if KILN_REPL_UART != 0 && KILN_REPL_UART != 1
#error "the RP2040 has UART0 and UART1 only (repl.uart in board.toml)"
#endif
/* GPIO n reaches UART ((n + 4) / 8) % 2, as TX when n % 4 == 0 and RX when n % 4 == 1. */
#if (KILN_REPL_TX_PIN % 4) != 0 || (((KILN_REPL_TX_PIN + 4) / 8) % 2) != KILN_REPL_UART
#error "repl.tx in board.toml is not a TX pin of the console UART"
#endif
#if (KILN_REPL_RX_PIN % 4) != 1 || (((KILN_REPL_RX_PIN + 4) / 8) % 2) != KILN_REPL_UART
#error "repl.rx in board.toml is not an RX pin of the console UART"
#endif

#define FLUSH_TIMEOUT_US 100000u

void rp2_console_init(void) {
    rp2_uart_init(KILN_REPL_UART, KILN_REPL_BAUD, KILN_REPL_TX_PIN, KILN_REPL_RX_PIN);
#if KILN_REPL_USB
    rp2_cdc_init();
#endif
}

void hal_stdout_write(const char *buf, size_t len) {
    rp2_uart_write(KILN_REPL_UART, (const uint8_t *)buf, len);
#if KILN_REPL_USB
    rp2_cdc_write((const uint8_t *)buf, len);
#endif
}

void rp2_console_flush(void) {
#if KILN_REPL_USB
    rp2_cdc_flush(FLUSH_TIMEOUT_US);
#endif
    rp2_uart_flush(KILN_REPL_UART, FLUSH_TIMEOUT_US);
}

int hal_stdin_poll(void) {
    int c = rp2_uart_read(KILN_REPL_UART);
#if KILN_REPL_USB
    if (c < 0) {
        c = rp2_cdc_read();
    }
#endif
    return c;
}

static int input_waiting(void) {
#if KILN_REPL_USB
    if (rp2_cdc_rx_available() != 0u) {
        return 1;
    }
#endif
    return rp2_uart_rx_available(KILN_REPL_UART) != 0u;
}

int hal_stdin_read(void) {
    for (;;) {
        int c = hal_stdin_poll();
        if (c >= 0) {
            return c;
        }
        if (rp2_console_idle) {
            rp2_console_idle(); /* Timer and Pin callbacks run at the prompt too */
        }
        /* Sleep until an interrupt. With IRQs masked, a byte arriving between the check and
         * the WFI still wakes it (pending IRQ), and is taken after CPSIE. */
        __asm volatile("cpsid i" ::: "memory");
        if (!input_waiting()) {
            __asm volatile("wfi" ::: "memory");
        }
        __asm volatile("cpsie i" ::: "memory");
    }
}
