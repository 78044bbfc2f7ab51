/* st_uart.c: self-test of UART1 through the bench loopback. */
/* self-test of the second PL011 (UART1 on GP4/GP5, looped back on the bench): divisor, a burst
 * longer than the hardware FIFO through the RX interrupt ring, pin checks. */
#include "selftest.h"

#include <string.h>

#include "hal.h"
#include "rp2_err.h"
#include "rp2_uart.h"

#define BURST 100u /* more than the 32-byte RX FIFO */

void st_uart(void) {
    int err = rp2_uart_init(1, 115200, 4, 5);
    uint32_t baud = rp2_uart_baud(1);
    st_check(err == RP2_OK && baud > 115200u * 999u / 1000u && baud < 115200u * 1001u / 1000u, "uart1.init",
             "err=%d baud=%lu", err, (unsigned long)baud);
    uint8_t sent[BURST];
    for (uint32_t i = 0; i < BURST; i++) {
        sent[i] = (uint8_t)(i * 37u + 1u);
    }
    rp2_uart_write(1, sent, BURST);
    uint8_t got[BURST];
    uint32_t n = 0;
    uint32_t start = hal_ticks_us();
    while (n < BURST && hal_ticks_us() - start < 50000u) {
        int c = rp2_uart_read(1);
        if (c >= 0) {
            got[n++] = (uint8_t)c;
        }
    }
    st_check(n == BURST && memcmp(sent, got, BURST) == 0 && rp2_uart_rx_dropped(1) == 0, "uart1.loopback",
             "%lu of %lu bytes back", (unsigned long)n, (unsigned long)BURST);
    st_check(rp2_uart_flush(1, 10000) == RP2_OK, "uart1.flush", "idle");
    st_check(rp2_uart_init(1, 115200, 5, 4) == RP2_ERR_INVALID && rp2_uart_init(0, 115200, 4, 5) == RP2_ERR_INVALID &&
                 rp2_uart_init(2, 115200, 4, 5) == RP2_ERR_INVALID,
             "uart.bad_pins", "refused");
    rp2_uart_deinit(1);
}
