/* rp2_usb_device.h: USB device layer: EP0 control transfers and standard requests over the controller. */
/* USB device layer over the controller: EP0 control transfers (USB 2.0 ch. 8.5.3) and the standard
 * requests of chapter 9; class requests go to the function driver. */
#ifndef KILN_RP2_USB_DEVICE_H
#define KILN_RP2_USB_DEVICE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
} rp2_usb_setup_t;

#define RP2_USB_REQ_DIR_IN 0x80u
#define RP2_USB_REQ_TYPE_MASK 0x60u
#define RP2_USB_REQ_TYPE_STANDARD 0x00u
#define RP2_USB_REQ_TYPE_CLASS 0x20u
#define RP2_USB_REQ_RECIPIENT_MASK 0x1fu
#define RP2_USB_REQ_RECIPIENT_DEVICE 0u
#define RP2_USB_REQ_RECIPIENT_INTERFACE 1u
#define RP2_USB_REQ_RECIPIENT_ENDPOINT 2u
#define RP2_USB_CTRL_BUF_SIZE 64u /* the longest OUT data stage a class request may have */

/* The function (class) driver: descriptors plus hooks, all called in interrupt context. */
typedef struct {
    const uint8_t *device_descriptor;  /* 18 bytes */
    const uint8_t *config_descriptor;  /* wTotalLength bytes */
    /* Builds string descriptor `index` into buf; returns its length, 0 if there is none. */
    size_t (*string_descriptor)(uint8_t index, uint8_t *buf, size_t size);
    /* SET_CONFIGURATION (1) or bus reset / SET_CONFIGURATION(0) (0): open or forget endpoints. */
    void (*configured)(uint8_t configuration);
    /* A class request. Return 0 to accept: an IN request sets *in_data and *in_len (trimmed to
     * wLength here); an OUT request with data gets it in `data_stage`. Negative = STALL. */
    int (*class_request)(const rp2_usb_setup_t *setup, const uint8_t **in_data, uint16_t *in_len);
    void (*data_stage)(const rp2_usb_setup_t *setup, const uint8_t *data, uint16_t len);
    /* The request's status stage went through (the host saw it succeed). */
    void (*request_done)(const rp2_usb_setup_t *setup);
    /* Transfers on endpoints other than EP0. */
    void (*transfer_done)(uint8_t ep_addr, const uint8_t *data, uint16_t len);
} rp2_usb_function_t;

/* Starts the controller with this function driver (rp2_usb_init underneath). */
int rp2_usb_device_init(const rp2_usb_function_t *function);
/* The configuration the host selected (0 = not configured). */
uint8_t rp2_usb_device_configuration(void);

#endif
