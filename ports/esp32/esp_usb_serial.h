/* esp_usb_serial.h: ESP32-C3 USB-Serial-JTAG CDC-ACM endpoint as a byte stream (the second console). */
#ifndef KILN_ESP_USB_SERIAL_H
#define KILN_ESP_USB_SERIAL_H

#include <stddef.h>
#include <stdint.h>

typedef void (*esp_usb_serial_rx_t)(uint8_t byte);

/* Attaches the OUT-packet interrupt: every byte the host sends is handed to `rx` (from the ISR). */
int esp_usb_serial_init(esp_usb_serial_rx_t rx);
/* Queues bytes for the host and flushes the packet; gives up on a FIFO that stays full for
   `timeout_us` (no host reading: the console must not hang). Bytes accepted, or -ETIMEDOUT. */
int esp_usb_serial_write(const uint8_t *buf, size_t len, uint32_t timeout_us);
/* The next byte from the host, or -1 (polled use, without the interrupt). */
int esp_usb_serial_read(void);

#endif
