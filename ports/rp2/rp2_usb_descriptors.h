/* rp2_usb_descriptors.h: Kiln's USB identity: device, configuration (CDC-ACM) and string descriptors. */
#ifndef KILN_RP2_USB_DESCRIPTORS_H
#define KILN_RP2_USB_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

/* The IDs kiln/devices.py recognises as an RP2040 application CDC port (Raspberry Pi's VID with
 * the PID MicroPython's RP2040 port uses, so existing tools know it too). A Kiln product needs its
 * own PID from Raspberry Pi's allocation; change it here and in kiln/devices.py together. */
#ifndef KILN_RP2_USB_VID
#define KILN_RP2_USB_VID 0x2e8au
#endif
#ifndef KILN_RP2_USB_PID
#define KILN_RP2_USB_PID 0x0005u
#endif

/* Endpoints of the CDC-ACM function. */
#define RP2_CDC_EP_NOTIFY 0x81u
#define RP2_CDC_EP_OUT 0x02u
#define RP2_CDC_EP_IN 0x82u
#define RP2_CDC_NOTIFY_SIZE 8u
#define RP2_CDC_DATA_SIZE 64u
#define RP2_CDC_COMM_INTERFACE 0u

extern const uint8_t rp2_usb_device_descriptor[18];
extern const uint8_t rp2_usb_config_descriptor[75];

/* Sets the serial number string (iSerialNumber) from 8 ID bytes, as 16 hex digits. */
void rp2_usb_set_serial(const uint8_t id[8]);
/* String descriptor `index` (0 = language list) into buf; its length, or 0 if none. */
size_t rp2_usb_string_descriptor(uint8_t index, uint8_t *buf, size_t size);

#endif
