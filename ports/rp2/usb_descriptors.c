/* usb_descriptors.c: device, configuration (IAD + CDC-ACM) and string descriptors. */
/* device, configuration (IAD + CDC-ACM communication and data interfaces) and string descriptors,
 * laid out per USB 2.0 ch. 9.6 and CDC 1.2 / PSTN 1.2. */
#include "rp2_usb_descriptors.h"

#include "board_config.h"

#define LO(v) ((uint8_t)((v) & 0xffu))
#define HI(v) ((uint8_t)(((v) >> 8) & 0xffu))
#define CONFIG_TOTAL 75u
#define LANGID_EN_US 0x0409u
#define SERIAL_DIGITS 16u

const uint8_t rp2_usb_device_descriptor[18] = {
    18, 0x01,                    /* bLength, DEVICE */
    0x00, 0x02,                  /* bcdUSB 2.00 */
    0xef, 0x02, 0x01,            /* Miscellaneous / Common / Interface Association */
    64,                          /* bMaxPacketSize0 */
    LO(KILN_RP2_USB_VID), HI(KILN_RP2_USB_VID),
    LO(KILN_RP2_USB_PID), HI(KILN_RP2_USB_PID),
    0x00, 0x01,                  /* bcdDevice 1.00 */
    1, 2, 3,                     /* iManufacturer, iProduct, iSerialNumber */
    1,                           /* bNumConfigurations */
};

const uint8_t rp2_usb_config_descriptor[CONFIG_TOTAL] = {
    /* Configuration: 2 interfaces, value 1, bus-powered, 100 mA */
    9, 0x02, LO(CONFIG_TOTAL), HI(CONFIG_TOTAL), 2, 1, 0, 0x80, 50,
    /* Interface association: interfaces 0-1 form one CDC-ACM function */
    8, 0x0b, 0, 2, 0x02, 0x02, 0x00, 0,
    /* Interface 0: Communications, Abstract Control Model, no AT protocol, 1 endpoint */
    9, 0x04, RP2_CDC_COMM_INTERFACE, 0, 1, 0x02, 0x02, 0x00, 0,
    /* CDC Header functional descriptor: CDC 1.10 */
    5, 0x24, 0x00, 0x10, 0x01,
    /* Call Management: no call management, data interface 1 */
    5, 0x24, 0x01, 0x00, 1,
    /* Abstract Control Management: SET/GET_LINE_CODING, SET_CONTROL_LINE_STATE, SERIAL_STATE */
    4, 0x24, 0x02, 0x02,
    /* Union: control interface 0, subordinate interface 1 */
    5, 0x24, 0x06, 0, 1,
    /* Notification endpoint: interrupt IN, 8 bytes, every 16 ms */
    7, 0x05, RP2_CDC_EP_NOTIFY, 0x03, RP2_CDC_NOTIFY_SIZE, 0, 16,
    /* Interface 1: CDC Data, 2 endpoints */
    9, 0x04, 1, 0, 2, 0x0a, 0x00, 0x00, 0,
    /* Bulk OUT and bulk IN, 64 bytes */
    7, 0x05, RP2_CDC_EP_OUT, 0x02, RP2_CDC_DATA_SIZE, 0, 0,
    7, 0x05, RP2_CDC_EP_IN, 0x02, RP2_CDC_DATA_SIZE, 0, 0,
};

static struct {
    char serial[SERIAL_DIGITS + 1u];
} strings;

void rp2_usb_set_serial(const uint8_t id[8]) {
    static const char hex[] = "0123456789ABCDEF";
    for (uint32_t i = 0; i < 8u; i++) {
        strings.serial[2u * i] = hex[id[i] >> 4];
        strings.serial[2u * i + 1u] = hex[id[i] & 0x0fu];
    }
    strings.serial[SERIAL_DIGITS] = '\0';
}

/* ASCII to a UTF-16LE string descriptor, cut to what fits. */
static size_t utf16_descriptor(const char *text, uint8_t *buf, size_t size) {
    size_t len = 2u;
    for (; *text != '\0' && len + 2u <= size && len + 2u <= 255u; text++) {
        buf[len++] = (uint8_t)*text;
        buf[len++] = 0;
    }
    buf[0] = (uint8_t)len;
    buf[1] = 0x03;
    return len;
}

size_t rp2_usb_string_descriptor(uint8_t index, uint8_t *buf, size_t size) {
    if (size < 4u) {
        return 0;
    }
    switch (index) {
    case 0:
        buf[0] = 4;
        buf[1] = 0x03;
        buf[2] = LO(LANGID_EN_US);
        buf[3] = HI(LANGID_EN_US);
        return 4;
    case 1:
        return utf16_descriptor("Kiln", buf, size);
    case 2:
        return utf16_descriptor(KILN_BOARD_PRODUCT, buf, size);
    case 3:
        return strings.serial[0] != '\0' ? utf16_descriptor(strings.serial, buf, size) : 0u;
    default:
        return 0;
    }
}
