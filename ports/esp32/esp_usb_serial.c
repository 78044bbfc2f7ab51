/* esp_usb_serial.c: ESP32-C3 USB-Serial-JTAG EP1 (64-byte IN/OUT FIFOs): bounded writes, RX by interrupt. */
#include <errno.h>
#include <stddef.h>

#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "esp_usb_serial.h"
#include "hal.h"

#define USJ_BASE 0x60043000u
#define USJ_EP1 REG32(USJ_BASE + 0x00u)
#define USJ_EP1_CONF REG32(USJ_BASE + 0x04u)
#define USJ_INT_RAW REG32(USJ_BASE + 0x08u)
#define USJ_INT_ENA REG32(USJ_BASE + 0x10u)
#define USJ_INT_CLR REG32(USJ_BASE + 0x14u)
#define EP1_WR_DONE (1u << 0)
#define EP1_IN_DATA_FREE (1u << 1)
#define EP1_OUT_DATA_AVAIL (1u << 2)
#define INT_OUT_RECV_PKT (1u << 2)

/* The byte consumer; reset by esp_usb_serial_init(). */
static esp_usb_serial_rx_t rx_handler;

static void usb_isr(void *unused) {
    (void)unused;
    USJ_INT_CLR = INT_OUT_RECV_PKT;
    /* Bounded by the 64-byte OUT FIFO. */
    for (unsigned i = 0; i < 64u && (USJ_EP1_CONF & EP1_OUT_DATA_AVAIL) != 0u; i++) {
        uint8_t byte = (uint8_t)USJ_EP1;
        if (rx_handler != NULL) {
            rx_handler(byte);
        }
    }
}

int esp_usb_serial_init(esp_usb_serial_rx_t rx) {
    SYSTEM_PERIP_CLK_EN0 |= SYSTEM_CLK_USB_DEVICE; /* on after reset; the ROM console uses it */
    rx_handler = rx;
    USJ_INT_CLR = 0xFFFFFFFFu;
    if (rx == NULL) {
        USJ_INT_ENA &= ~INT_OUT_RECV_PKT;
        esp_irq_detach(INTMTX_SOURCE_USB_DEVICE);
        return 0;
    }
    int line = esp_irq_attach(INTMTX_SOURCE_USB_DEVICE, usb_isr, NULL);
    if (line < 0) {
        return line;
    }
    USJ_INT_ENA |= INT_OUT_RECV_PKT;
    return 0;
}

int esp_usb_serial_write(const uint8_t *buf, size_t len, uint32_t timeout_us) {
    size_t done = 0;
    uint32_t start = hal_ticks_us();
    while (done < len) {
        int expired = hal_ticks_us() - start > timeout_us; /* the clock before the status */
        if (USJ_EP1_CONF & EP1_IN_DATA_FREE) {
            USJ_EP1 = buf[done++];
            start = hal_ticks_us();
        } else if (expired) {
            break;
        } else {
            USJ_EP1_CONF = EP1_WR_DONE; /* FIFO full: hand the packet over and wait for room */
        }
    }
    USJ_EP1_CONF = EP1_WR_DONE;
    return done == 0u && len != 0u ? -ETIMEDOUT : (int)done;
}

int esp_usb_serial_read(void) {
    return (USJ_EP1_CONF & EP1_OUT_DATA_AVAIL) ? (int)(USJ_EP1 & 0xFFu) : -1;
}
