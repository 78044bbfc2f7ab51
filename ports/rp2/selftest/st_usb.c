/* st_usb.c: USB CDC throughput bench (self-test mode 'u'). */
/* USB CDC throughput bench: once the host opens the port, the device sends a block of known bytes,
 * then counts and checks a block from the host; reports emulated microseconds. */
#include "selftest.h"

#include "hal.h"
#include "rp2_usb_cdc.h"

#define BENCH_BYTES 32768u
#define CHUNK 64u

void st_usb_bench(void) {
    st_say("usb bench: waiting for the host to open the port\r\n");
    uint32_t start = hal_ticks_us();
    while (!rp2_cdc_connected() && hal_ticks_us() - start < 10000000u) {
    }
    st_check(rp2_cdc_connected(), "usb.connected", "dtr");
    uint8_t block[CHUNK];
    start = hal_ticks_us();
    for (uint32_t sent = 0; sent < BENCH_BYTES; sent += CHUNK) {
        for (uint32_t i = 0; i < CHUNK; i++) {
            block[i] = (uint8_t)(sent + i);
        }
        rp2_cdc_write(block, CHUNK);
    }
    int flushed = rp2_cdc_flush(1000000u);
    uint32_t tx_us = hal_ticks_us() - start;
    st_check(flushed == 0, "usb.device_to_host", "%lu bytes in %lu us", (unsigned long)BENCH_BYTES,
             (unsigned long)tx_us);
    st_value("usb.tx_us", (long)tx_us);

    uint32_t received = 0;
    uint32_t wrong = 0;
    start = 0;
    uint32_t last = hal_ticks_us();
    while (received < BENCH_BYTES && hal_ticks_us() - last < 2000000u) {
        int c = rp2_cdc_read();
        if (c < 0) {
            continue;
        }
        if (received == 0) {
            start = hal_ticks_us();
        }
        wrong += (uint8_t)c != (uint8_t)(received * 7u);
        received++;
        last = hal_ticks_us();
    }
    uint32_t rx_us = hal_ticks_us() - start;
    st_check(received == BENCH_BYTES && wrong == 0, "usb.host_to_device", "%lu bytes in %lu us, %lu wrong",
             (unsigned long)received, (unsigned long)rx_us, (unsigned long)wrong);
    st_value("usb.rx_us", (long)rx_us);
}
