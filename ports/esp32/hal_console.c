/* hal_console.c: ESP32-C3/C6 console streams: one RX ring fed by the UART (and USB) interrupts, output to both. */
#include <stddef.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp_machine.h"
#include "esp_uart.h"
#include "hal.h"
#include "soc_regs.h"

#if KILN_REPL_USB
#if !defined(KILN_FAMILY_ESP32C3)
#error "the USB-Serial-JTAG console is written for the ESP32-C3 only"
#endif
#include "esp_usb_serial.h"
#define USB_WRITE_TIMEOUT_US 2000u
#endif

#define RX_RING_SIZE 256u /* power of two */

/* Reset by esp32_console_init(), so a soft restart starts with an empty ring. */
static struct {
    volatile uint32_t head; /* written by the ISRs */
    volatile uint32_t tail; /* written by the reader */
    uint8_t data[RX_RING_SIZE];
    volatile int usb_quiet; /* no host took our last USB output: skip USB until it sends something */
} rx;

/* Called from interrupt handlers; a full ring drops the newest byte. */
void esp32_console_push(uint8_t c) {
    uint32_t head = rx.head;
    if (head - rx.tail < RX_RING_SIZE) {
        rx.data[head % RX_RING_SIZE] = c;
        rx.head = head + 1u;
    }
}

#if KILN_REPL_USB
static void usb_rx(uint8_t c) {
    rx.usb_quiet = 0; /* a host is there */
    esp32_console_push(c);
}
#endif

void esp32_console_init(void) {
    rx.head = 0;
    rx.tail = 0;
    rx.usb_quiet = 0;
    esp32_uart_init();
#if KILN_REPL_USB
    (void)esp_usb_serial_init(usb_rx);
#endif
}

void hal_stdout_write(const char *buf, size_t len) {
    uintptr_t base = esp_uart_base(KILN_REPL_UART);
    for (size_t i = 0; i < len; i++) {
        /* Bounded: a UART whose clock is gated must not hang the caller forever. */
        for (unsigned spin = 0; spin < 1000000u && UART_STATUS_TXCNT(UART_STATUS(base)) >= UART_FIFO_SIZE - 1u; spin++) {
        }
        UART_FIFO(base) = (uint8_t)buf[i];
    }
#if KILN_REPL_USB
    if (!rx.usb_quiet && esp_usb_serial_write((const uint8_t *)buf, len, USB_WRITE_TIMEOUT_US) < (int)len) {
        rx.usb_quiet = 1;
    }
#endif
}

int hal_stdin_poll(void) {
    /* The interpreter polls here between bytecodes: the moment to hand machine's interrupt events over. */
    if (esp32_machine_poll != NULL) {
        esp32_machine_poll();
    }
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
