/* usb_device.c: EP0 control transfers and the chapter-9 standard requests. */
/* EP0 control transfers (setup, IN/OUT data stage in 64-byte packets with a final zero-length
 * packet when needed, status stage) and chapter-9 standard requests. */
#include "rp2_usb_device.h"

#include "rp2_err.h"
#include "rp2_usb.h"

#define REQ_GET_STATUS 0u
#define REQ_CLEAR_FEATURE 1u
#define REQ_SET_FEATURE 3u
#define REQ_SET_ADDRESS 5u
#define REQ_GET_DESCRIPTOR 6u
#define REQ_GET_CONFIGURATION 8u
#define REQ_SET_CONFIGURATION 9u
#define REQ_GET_INTERFACE 10u
#define REQ_SET_INTERFACE 11u
#define DESC_DEVICE 1u
#define DESC_CONFIGURATION 2u
#define DESC_STRING 3u
#define FEATURE_ENDPOINT_HALT 0u
#define CONFIG_INTERFACES_OFFSET 4u /* bNumInterfaces in the configuration descriptor */
#define STRING_BUF_SIZE 64u

typedef enum {
    STAGE_IDLE,
    STAGE_DATA_IN,
    STAGE_DATA_OUT,
    STAGE_STATUS_IN,  /* device sends the zero-length status */
    STAGE_STATUS_OUT, /* host sends it */
} stage_t;

static struct {
    const rp2_usb_function_t *function;
    rp2_usb_setup_t setup;
    stage_t stage;
    const uint8_t *in_data;
    uint16_t in_left;
    uint8_t in_zlp;     /* the data ends on a full packet short of wLength: finish with a ZLP */
    uint8_t pending_address;
    uint8_t address_pending;
    uint8_t configuration;
    uint8_t class_request;
    uint8_t status[2];
    uint8_t string[STRING_BUF_SIZE];
} dev;

static void stall(void) {
    rp2_usb_ep_stall(0);
    dev.stage = STAGE_IDLE;
}

static void send_next_in_packet(void) {
    uint16_t len = dev.in_left > RP2_USB_EP0_SIZE ? (uint16_t)RP2_USB_EP0_SIZE : dev.in_left;
    rp2_usb_ep_in(0, dev.in_data, len);
    dev.in_data += len;
    dev.in_left = (uint16_t)(dev.in_left - len);
}

/* Starts an IN data stage of at most wLength bytes. */
static void reply(const uint8_t *data, uint16_t len) {
    if (len > dev.setup.wLength) {
        len = dev.setup.wLength;
    }
    dev.in_data = data;
    dev.in_left = len;
    dev.in_zlp = len < dev.setup.wLength && len % RP2_USB_EP0_SIZE == 0u;
    dev.stage = STAGE_DATA_IN;
    send_next_in_packet();
}

static void status_in(void) {
    dev.stage = STAGE_STATUS_IN;
    rp2_usb_ep_in(0, 0, 0);
}

static uint16_t config_total_length(void) {
    const uint8_t *config = dev.function->config_descriptor;
    return (uint16_t)(config[2] | (config[3] << 8));
}

static int get_descriptor(void) {
    uint8_t type = (uint8_t)(dev.setup.wValue >> 8);
    uint8_t index = (uint8_t)dev.setup.wValue;
    switch (type) {
    case DESC_DEVICE:
        reply(dev.function->device_descriptor, dev.function->device_descriptor[0]);
        return RP2_OK;
    case DESC_CONFIGURATION:
        if (index != 0u) {
            return RP2_ERR_INVALID;
        }
        reply(dev.function->config_descriptor, config_total_length());
        return RP2_OK;
    case DESC_STRING: {
        size_t len = dev.function->string_descriptor(index, dev.string, sizeof dev.string);
        if (len == 0u) {
            return RP2_ERR_INVALID;
        }
        reply(dev.string, (uint16_t)len);
        return RP2_OK;
    }
    default:
        /* Includes DEVICE_QUALIFIER: a full-speed-only device answers with a request error. */
        return RP2_ERR_INVALID;
    }
}

static int valid_endpoint(uint16_t ep_addr) {
    return (ep_addr & 0x70u) == 0u && (ep_addr & 0x0fu) != 0u && dev.configuration != 0u;
}

static int standard_request(void) {
    const rp2_usb_setup_t *s = &dev.setup;
    uint8_t recipient = s->bmRequestType & RP2_USB_REQ_RECIPIENT_MASK;
    uint8_t interfaces = dev.function->config_descriptor[CONFIG_INTERFACES_OFFSET];
    switch (s->bRequest) {
    case REQ_GET_STATUS:
        dev.status[0] = 0; /* bus-powered, no remote wakeup; interface status is always 0 */
        dev.status[1] = 0;
        if (recipient == RP2_USB_REQ_RECIPIENT_ENDPOINT) {
            if (!valid_endpoint(s->wIndex)) {
                return RP2_ERR_INVALID;
            }
            dev.status[0] = (uint8_t)rp2_usb_ep_stalled((uint8_t)s->wIndex);
        } else if (recipient == RP2_USB_REQ_RECIPIENT_INTERFACE && s->wIndex >= interfaces) {
            return RP2_ERR_INVALID;
        }
        reply(dev.status, 2);
        return RP2_OK;
    case REQ_CLEAR_FEATURE:
    case REQ_SET_FEATURE:
        /* Only ENDPOINT_HALT: no remote wakeup, no test modes at full speed. */
        if (recipient != RP2_USB_REQ_RECIPIENT_ENDPOINT || s->wValue != FEATURE_ENDPOINT_HALT ||
            !valid_endpoint(s->wIndex)) {
            return RP2_ERR_INVALID;
        }
        if (s->bRequest == REQ_SET_FEATURE) {
            rp2_usb_ep_stall((uint8_t)s->wIndex);
        } else {
            rp2_usb_ep_clear_stall((uint8_t)s->wIndex);
        }
        status_in();
        return RP2_OK;
    case REQ_SET_ADDRESS:
        if (s->wValue > 127u) {
            return RP2_ERR_INVALID;
        }
        dev.pending_address = (uint8_t)s->wValue; /* applied once the status stage is done */
        dev.address_pending = 1;
        status_in();
        return RP2_OK;
    case REQ_GET_DESCRIPTOR:
        return get_descriptor();
    case REQ_GET_CONFIGURATION:
        dev.status[0] = dev.configuration;
        reply(dev.status, 1);
        return RP2_OK;
    case REQ_SET_CONFIGURATION:
        if (s->wValue > 1u) {
            return RP2_ERR_INVALID;
        }
        dev.configuration = (uint8_t)s->wValue;
        dev.function->configured(dev.configuration);
        status_in();
        return RP2_OK;
    case REQ_GET_INTERFACE:
        if (dev.configuration == 0u || s->wIndex >= interfaces) {
            return RP2_ERR_INVALID;
        }
        dev.status[0] = 0; /* every interface has alternate setting 0 only */
        reply(dev.status, 1);
        return RP2_OK;
    case REQ_SET_INTERFACE:
        if (dev.configuration == 0u || s->wIndex >= interfaces || s->wValue != 0u) {
            return RP2_ERR_INVALID;
        }
        status_in();
        return RP2_OK;
    default:
        return RP2_ERR_INVALID;
    }
}

static int class_request(void) {
    const uint8_t *data = 0;
    uint16_t len = 0;
    int err = dev.function->class_request(&dev.setup, &data, &len);
    if (err != RP2_OK) {
        return err;
    }
    dev.class_request = 1;
    if (dev.setup.bmRequestType & RP2_USB_REQ_DIR_IN) {
        reply(data, len);
    } else if (dev.setup.wLength != 0u) {
        if (dev.setup.wLength > RP2_USB_CTRL_BUF_SIZE) {
            return RP2_ERR_INVALID;
        }
        dev.stage = STAGE_DATA_OUT;
        rp2_usb_ep_out(0, dev.setup.wLength);
    } else {
        status_in();
    }
    return RP2_OK;
}

static void on_setup(const uint8_t raw[8]) {
    dev.setup.bmRequestType = raw[0];
    dev.setup.bRequest = raw[1];
    dev.setup.wValue = (uint16_t)(raw[2] | (raw[3] << 8));
    dev.setup.wIndex = (uint16_t)(raw[4] | (raw[5] << 8));
    dev.setup.wLength = (uint16_t)(raw[6] | (raw[7] << 8));
    dev.class_request = 0;
    dev.stage = STAGE_IDLE;
    int err;
    switch (dev.setup.bmRequestType & RP2_USB_REQ_TYPE_MASK) {
    case RP2_USB_REQ_TYPE_STANDARD:
        err = standard_request();
        break;
    case RP2_USB_REQ_TYPE_CLASS:
        err = class_request();
        break;
    default:
        err = RP2_ERR_INVALID; /* no vendor requests */
        break;
    }
    if (err != RP2_OK) {
        stall();
    }
}

static void request_finished(void) {
    dev.stage = STAGE_IDLE;
    if (dev.class_request && dev.function->request_done != 0) {
        dev.function->request_done(&dev.setup);
    }
}

static void on_transfer_done(uint8_t ep_addr, const uint8_t *data, uint16_t len) {
    if ((ep_addr & 0x0fu) != 0u) {
        dev.function->transfer_done(ep_addr, data, len);
        return;
    }
    if (ep_addr & RP2_USB_DIR_IN) {
        if (dev.stage == STAGE_DATA_IN) {
            if (dev.in_left != 0u) {
                send_next_in_packet();
            } else if (dev.in_zlp) {
                dev.in_zlp = 0;
                rp2_usb_ep_in(0, 0, 0);
            } else {
                dev.stage = STAGE_STATUS_OUT;
                rp2_usb_ep_out(0, 0);
            }
        } else if (dev.stage == STAGE_STATUS_IN) {
            if (dev.address_pending) {
                rp2_usb_set_address(dev.pending_address);
                dev.address_pending = 0;
            }
            request_finished();
        }
    } else if (dev.stage == STAGE_DATA_OUT) {
        if (dev.function->data_stage != 0) {
            dev.function->data_stage(&dev.setup, data, len);
        }
        status_in();
    } else if (dev.stage == STAGE_STATUS_OUT) {
        request_finished();
    }
}

static void on_bus_reset(void) {
    dev.stage = STAGE_IDLE;
    dev.address_pending = 0;
    if (dev.configuration != 0u) {
        dev.configuration = 0;
        dev.function->configured(0);
    }
}

static const rp2_usb_events_t device_events = {on_bus_reset, on_setup, on_transfer_done};

int rp2_usb_device_init(const rp2_usb_function_t *function) {
    if (function == 0) {
        return RP2_ERR_INVALID;
    }
    dev.function = function;
    dev.stage = STAGE_IDLE;
    dev.configuration = 0;
    dev.address_pending = 0;
    return rp2_usb_init(&device_events);
}

uint8_t rp2_usb_device_configuration(void) {
    return dev.configuration;
}
