/* usb_cdc.c: CDC-ACM function: class requests, bulk IN/OUT rings, the 1200-baud touch. */
/* CDC-ACM function: class requests (SET/GET_LINE_CODING, SET_CONTROL_LINE_STATE, SEND_BREAK), bulk
 * IN/OUT through ring buffers, and the 1200-baud touch into BOOTSEL. */
#include "rp2_usb_cdc.h"

#include "rp2040.h"
#include "rp2_bootrom.h"
#include "rp2_err.h"
#include "rp2_hal.h"
#include "rp2_unique_id.h"
#include "rp2_usb.h"
#include "rp2_usb_descriptors.h"
#include "rp2_usb_device.h"

#define REQ_SET_LINE_CODING 0x20u
#define REQ_GET_LINE_CODING 0x21u
#define REQ_SET_CONTROL_LINE_STATE 0x22u
#define REQ_SEND_BREAK 0x23u
#define LINE_STATE_DTR 0x01u
#define LINE_STATE_RTS 0x02u
#define LINE_CODING_SIZE 7u
#define RX_SIZE 256u  /* powers of two: free-running indices wrap cleanly */
#define TX_SIZE 1024u
#define WRITE_PROGRESS_TIMEOUT_US 100000u

static struct {
    volatile uint32_t rx_head, rx_tail; /* ISR writes head, readers move tail */
    volatile uint32_t tx_head, tx_tail; /* writers move head, ISR (or masked writer) moves tail */
    uint8_t rx[RX_SIZE];
    uint8_t tx[TX_SIZE];
    uint8_t packet[RP2_CDC_DATA_SIZE];
    uint8_t line_coding[LINE_CODING_SIZE];
    volatile uint8_t configured;
    volatile uint8_t line_state;
    volatile uint8_t in_busy;
    volatile uint8_t out_armed;
    volatile uint8_t tx_stalled; /* the host stopped taking data: drop until it moves again */
    uint8_t last_in_full;        /* the last packet was full-size: end the transfer with a ZLP */
    uint8_t touch_pending;
    uint8_t started;
} cdc;

static int irqs_masked(void) {
    uint32_t primask;
    __asm volatile("mrs %0, primask" : "=r"(primask));
    return primask & 1u;
}

static int in_handler(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    return (ipsr & 0x3fu) != 0u;
}

static uint32_t irq_save(void) {
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static void irq_restore(uint32_t primask) {
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static int port_open(void) {
    return cdc.configured && (cdc.line_state & LINE_STATE_DTR);
}

/* Interrupts masked (or in the ISR): start the next IN packet if the endpoint is free. */
static void start_tx(void) {
    if (!port_open() || cdc.in_busy) {
        return;
    }
    uint32_t pending = cdc.tx_head - cdc.tx_tail;
    if (pending == 0u) {
        if (cdc.last_in_full) {
            cdc.last_in_full = 0;
            cdc.in_busy = 1;
            rp2_usb_ep_in(RP2_CDC_EP_IN, cdc.packet, 0);
        }
        return;
    }
    uint32_t n = pending > RP2_CDC_DATA_SIZE ? RP2_CDC_DATA_SIZE : pending;
    for (uint32_t i = 0; i < n; i++) {
        cdc.packet[i] = cdc.tx[(cdc.tx_tail + i) % TX_SIZE];
    }
    cdc.tx_tail += n;
    cdc.last_in_full = n == RP2_CDC_DATA_SIZE;
    cdc.in_busy = 1;
    rp2_usb_ep_in(RP2_CDC_EP_IN, cdc.packet, (uint16_t)n);
}

/* Interrupts masked (or in the ISR): let the host send more once a whole packet fits. */
static void arm_rx(void) {
    if (cdc.configured && !cdc.out_armed && RX_SIZE - (cdc.rx_head - cdc.rx_tail) >= RP2_CDC_DATA_SIZE) {
        cdc.out_armed = 1;
        rp2_usb_ep_out(RP2_CDC_EP_OUT, RP2_CDC_DATA_SIZE);
    }
}

static void configured(uint8_t configuration) {
    cdc.configured = 0;
    cdc.line_state = 0;
    cdc.in_busy = 0;
    cdc.out_armed = 0;
    cdc.last_in_full = 0;
    if (configuration != 0u) {
        rp2_usb_ep_open(RP2_CDC_EP_NOTIFY, RP2_USB_EP_INTERRUPT, RP2_CDC_NOTIFY_SIZE);
        rp2_usb_ep_open(RP2_CDC_EP_OUT, RP2_USB_EP_BULK, RP2_CDC_DATA_SIZE);
        rp2_usb_ep_open(RP2_CDC_EP_IN, RP2_USB_EP_BULK, RP2_CDC_DATA_SIZE);
        cdc.configured = 1;
        arm_rx();
    }
}

static int class_request(const rp2_usb_setup_t *setup, const uint8_t **in_data, uint16_t *in_len) {
    /* Addressed to the communication interface (some hosts say "device"). */
    uint8_t recipient = setup->bmRequestType & RP2_USB_REQ_RECIPIENT_MASK;
    if ((recipient != RP2_USB_REQ_RECIPIENT_INTERFACE && recipient != RP2_USB_REQ_RECIPIENT_DEVICE) ||
        setup->wIndex != RP2_CDC_COMM_INTERFACE) {
        return RP2_ERR_INVALID;
    }
    int in = (setup->bmRequestType & RP2_USB_REQ_DIR_IN) != 0u;
    switch (setup->bRequest) {
    case REQ_SET_LINE_CODING:
        return !in && setup->wLength == LINE_CODING_SIZE ? RP2_OK : RP2_ERR_INVALID;
    case REQ_GET_LINE_CODING:
        if (!in) {
            return RP2_ERR_INVALID;
        }
        *in_data = cdc.line_coding;
        *in_len = LINE_CODING_SIZE;
        return RP2_OK;
    case REQ_SET_CONTROL_LINE_STATE: {
        if (in || setup->wLength != 0u) {
            return RP2_ERR_INVALID;
        }
        uint8_t old = cdc.line_state;
        cdc.line_state = (uint8_t)(setup->wValue & (LINE_STATE_DTR | LINE_STATE_RTS));
        if (!(old & LINE_STATE_DTR) && (cdc.line_state & LINE_STATE_DTR)) {
            cdc.tx_stalled = 0;
            start_tx(); /* what was written while the port was closed */
        }
        /* The 1200-baud touch: the host opened the port at 1200 baud and closed it again. */
        cdc.touch_pending = (old & LINE_STATE_DTR) && !(cdc.line_state & LINE_STATE_DTR) &&
                            rp2_cdc_baud() == RP2_CDC_TOUCH_BAUD;
        return RP2_OK;
    }
    case REQ_SEND_BREAK:
        return in ? RP2_ERR_INVALID : RP2_OK;
    default:
        return RP2_ERR_INVALID;
    }
}

static void data_stage(const rp2_usb_setup_t *setup, const uint8_t *data, uint16_t len) {
    if (setup->bRequest == REQ_SET_LINE_CODING && len == LINE_CODING_SIZE) {
        for (uint32_t i = 0; i < LINE_CODING_SIZE; i++) {
            cdc.line_coding[i] = data[i];
        }
    }
}

/* After the status stage, so the host's request completed before the chip goes away. */
static void request_done(const rp2_usb_setup_t *setup) {
    (void)setup;
    if (cdc.touch_pending) {
        cdc.touch_pending = 0;
        rp2_bootloader_enter(0); /* returns only without a ROM (then the port just stays) */
    }
}

static void transfer_done(uint8_t ep_addr, const uint8_t *data, uint16_t len) {
    if (ep_addr == RP2_CDC_EP_IN) {
        cdc.in_busy = 0;
        cdc.tx_stalled = 0;
        start_tx();
    } else if (ep_addr == RP2_CDC_EP_OUT) {
        /* Armed only with a whole packet free, so it always fits. */
        for (uint16_t i = 0; i < len; i++) {
            cdc.rx[cdc.rx_head % RX_SIZE] = data[i];
            cdc.rx_head++;
        }
        cdc.out_armed = 0;
        arm_rx();
    }
}

static const rp2_usb_function_t cdc_function = {
    rp2_usb_device_descriptor, rp2_usb_config_descriptor, rp2_usb_string_descriptor, configured,
    class_request,             data_stage,                request_done,              transfer_done,
};

int rp2_cdc_init(void) {
    cdc.rx_head = cdc.rx_tail = 0;
    cdc.tx_head = cdc.tx_tail = 0;
    cdc.configured = 0;
    cdc.line_state = 0;
    cdc.in_busy = 0;
    cdc.out_armed = 0;
    cdc.tx_stalled = 0;
    cdc.last_in_full = 0;
    cdc.touch_pending = 0;
    /* 115200 baud, 1 stop bit, no parity, 8 data bits (dwDTERate little-endian first). */
    const uint8_t coding[LINE_CODING_SIZE] = {0x00, 0xc2, 0x01, 0x00, 0, 0, 8};
    for (uint32_t i = 0; i < LINE_CODING_SIZE; i++) {
        cdc.line_coding[i] = coding[i];
    }
    uint8_t id[8] = {0};
    rp2_unique_id(id); /* before USB runs: reading it masks interrupts for a few microseconds */
    rp2_usb_set_serial(id);
    int err = rp2_usb_device_init(&cdc_function);
    cdc.started = err == RP2_OK;
    return err;
}

int rp2_cdc_connected(void) {
    return port_open();
}

uint32_t rp2_cdc_baud(void) {
    return (uint32_t)cdc.line_coding[0] | ((uint32_t)cdc.line_coding[1] << 8) | ((uint32_t)cdc.line_coding[2] << 16) |
           ((uint32_t)cdc.line_coding[3] << 24);
}

/* With interrupts masked the controller is serviced here instead of by its ISR. */
static void service(void) {
    if (irqs_masked()) {
        rp2_usb_poll();
    }
}

void rp2_cdc_write(const uint8_t *buf, size_t len) {
    if (!cdc.started) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (cdc.tx_head - cdc.tx_tail >= TX_SIZE) {
            if (!port_open()) {
                uint32_t saved = irq_save();
                if (cdc.tx_head - cdc.tx_tail >= TX_SIZE) {
                    cdc.tx_tail++; /* keep the newest output for when the port opens */
                }
                irq_restore(saved);
            } else {
                if (cdc.tx_stalled || in_handler()) {
                    return; /* an ISR cannot wait for the USB interrupt */
                }
                uint32_t start = REG32(TIMER_TIMERAWL);
                while (cdc.tx_head - cdc.tx_tail >= TX_SIZE && port_open()) {
                    service();
                    if (REG32(TIMER_TIMERAWL) - start > WRITE_PROGRESS_TIMEOUT_US) {
                        cdc.tx_stalled = 1;
                        return;
                    }
                }
                if (!port_open()) {
                    i--; /* closed meanwhile: retry this byte in the closed-port branch */
                    continue;
                }
            }
        }
        cdc.tx[cdc.tx_head % TX_SIZE] = buf[i];
        cdc.tx_head++;
    }
    uint32_t saved = irq_save();
    start_tx();
    irq_restore(saved);
}

int rp2_cdc_flush(uint32_t timeout_us) {
    uint32_t start = REG32(TIMER_TIMERAWL);
    while (port_open() && (cdc.tx_head != cdc.tx_tail || cdc.in_busy) && !cdc.tx_stalled) {
        if (in_handler()) {
            return RP2_ERR_BUSY;
        }
        service();
        if (REG32(TIMER_TIMERAWL) - start > timeout_us) {
            return RP2_ERR_TIMEOUT;
        }
    }
    return RP2_OK;
}

int rp2_cdc_read(void) {
    uint32_t tail = cdc.rx_tail;
    if (cdc.rx_head == tail) {
        return -1;
    }
    int c = cdc.rx[tail % RX_SIZE];
    cdc.rx_tail = tail + 1u;
    if (!cdc.out_armed) {
        uint32_t saved = irq_save();
        arm_rx();
        irq_restore(saved);
    }
    return c;
}

size_t rp2_cdc_rx_available(void) {
    return (size_t)(cdc.rx_head - cdc.rx_tail);
}
