/* esp_uart_io.c: ESP32-C3/C6 UART FIFO I/O (write, read, flush, bytes waiting), the same on both chips; each
   chip's UART file (esp_uart.c, c6/uart_c6.c) owns the clocks, the baud divider and esp_uart_base(). */
#include <errno.h>

#include "esp_uart.h"
#include "hal.h"
#include "soc_regs.h"

/* Every wait here reads the clock before the status: a stall between the two (an emulator or debugger pause)
   cannot turn a finished transfer into a timeout. The timeout is for a stalled FIFO, not the whole buffer. */

int esp_uart_flush(unsigned id, uint32_t timeout_ms) {
    if (id >= ESP_UART_COUNT) {
        return -EINVAL;
    }
    uintptr_t base = esp_uart_base(id);
    uint32_t start = hal_ticks_ms();
    for (;;) {
        int expired = hal_ticks_ms() - start > timeout_ms;
        if (UART_STATUS_TXCNT(UART_STATUS(base)) == 0u) {
            return 0;
        }
        if (expired) {
            return -ETIMEDOUT;
        }
    }
}

int esp_uart_write(unsigned id, const uint8_t *buf, size_t len, uint32_t timeout_ms) {
    if (id >= ESP_UART_COUNT) {
        return -EINVAL;
    }
    uintptr_t base = esp_uart_base(id);
    uint32_t start = hal_ticks_ms();
    size_t done = 0;
    while (done < len) {
        int expired = hal_ticks_ms() - start > timeout_ms;
        if (UART_STATUS_TXCNT(UART_STATUS(base)) < UART_FIFO_SIZE - 1u) {
            UART_FIFO(base) = buf[done++];
            start = hal_ticks_ms();
        } else if (expired) {
            break;
        }
    }
    return done == 0u && len != 0u ? -ETIMEDOUT : (int)done;
}

unsigned esp_uart_rx_waiting(unsigned id) {
    return id < ESP_UART_COUNT ? UART_STATUS_RXCNT(UART_STATUS(esp_uart_base(id))) : 0u;
}

int esp_uart_read(unsigned id, uint8_t *buf, size_t len, uint32_t timeout_ms) {
    if (id >= ESP_UART_COUNT) {
        return -EINVAL;
    }
    uintptr_t base = esp_uart_base(id);
    uint32_t start = hal_ticks_ms();
    size_t done = 0;
    while (done < len) {
        int expired = hal_ticks_ms() - start > timeout_ms;
        if (UART_STATUS_RXCNT(UART_STATUS(base)) != 0u) {
            buf[done++] = (uint8_t)UART_FIFO(base);
            start = hal_ticks_ms();
        } else if (expired) {
            break;
        }
    }
    return done == 0u && len != 0u ? -ETIMEDOUT : (int)done;
}
