/* hal_uart.c: ESP32-C3/C6 console UART on the board's REPL UART and pins, RX by interrupt into the console ring. */
#include <stddef.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp_uart.h"
#include "soc_regs.h"

#if KILN_REPL_UART != 0 && KILN_REPL_UART != 1
#error "the ESP32-C3/C6 console is UART0 or UART1"
#endif

static void console_isr(void *arg) {
    uintptr_t base = (uintptr_t)arg;
    /* Drain first: RXFIFO_FULL is a level that re-asserts while bytes remain. */
    while (UART_STATUS_RXCNT(UART_STATUS(base)) != 0u) {
        esp32_console_push((uint8_t)UART_FIFO(base));
    }
    UART_INT_CLR(base) = UART_INT_RXFIFO_FULL | UART_INT_RXFIFO_TOUT;
}

void esp32_uart_init(void) {
    uintptr_t base = esp_uart_base(KILN_REPL_UART);
    /* On failure the ROM's settings stay, which is still a working 115200 console. */
    (void)esp_uart_init(KILN_REPL_UART, KILN_REPL_BAUD, KILN_REPL_TX_PIN, KILN_REPL_RX_PIN);
    esp_uart_enable_rx_irq(KILN_REPL_UART);
    (void)esp_irq_attach(esp_uart_irq_source(KILN_REPL_UART), console_isr, (void *)base);
}
