/* hal_irq.c: ESP32-C3 interrupt matrix set-up and the dispatcher startup.S calls. */
#include "esp32_hal.h"
#include "esp32c3_regs.h"

void esp32_irq_init(void) {
    /* Start from a known state whatever the ROM or bootloader left: all lines off. */
    INTMTX_CPU_INT_ENABLE = 0;
    INTMTX_CPU_INT_CLEAR = 0xFFFFFFFFu;
    INTMTX_CPU_INT_CLEAR = 0;
    /* Priority 2 over threshold 1 is taken whether the compare is ">" or ">=". */
    INTMTX_CPU_INT_THRESH = 1;
}

void esp32_irq_dispatch(uint32_t mcause) {
    uint32_t line = mcause & 0x1Fu;
    if (line == ESP32_UART_CPU_INT) {
        esp32_uart_isr();
    }
}
