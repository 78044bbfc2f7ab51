/* rp2_usb_cdc.h: a USB CDC-ACM serial port (the second console) with the 1200-baud-touch reset. */
#ifndef KILN_RP2_USB_CDC_H
#define KILN_RP2_USB_CDC_H

#include <stddef.h>
#include <stdint.h>

/* Opening the port at this rate and closing it (DTR falls) reboots into the BOOTSEL ROM. */
#define RP2_CDC_TOUCH_BAUD 1200u

/* Reads the flash unique ID for the serial number, then starts the USB device. */
int rp2_cdc_init(void);
/* The host configured the device and has the port open (DTR set). */
int rp2_cdc_connected(void);
/* Queues output. While the port is closed the newest 1 KiB is kept and sent when it opens;
 * while open this blocks for room, giving up (and dropping) after 100 ms without progress. */
void rp2_cdc_write(const uint8_t *buf, size_t len);
/* Waits until queued output has gone to the host (only while the port is open). */
int rp2_cdc_flush(uint32_t timeout_us);
/* Next received byte or -1. */
int rp2_cdc_read(void);
size_t rp2_cdc_rx_available(void);
/* The host's SET_LINE_CODING rate (115200 until it sets one). */
uint32_t rp2_cdc_baud(void);

#endif
