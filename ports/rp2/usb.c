/* usb.c: RP2040 USB device controller: DPRAM endpoints, buffers, toggles, stalls, interrupt. */
/* RP2040 USB device controller: DPRAM endpoint/buffer control, data toggles, stalls, the USBCTRL
 * interrupt (setup, bus reset, buffer status) dispatched to the layers above. */
#include "rp2_usb.h"

#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_hal.h"

/* Controller registers */
#define USB_ADDR_ENDP (USBCTRL_REGS_BASE + 0x00u)
#define USB_MAIN_CTRL (USBCTRL_REGS_BASE + 0x40u)
#define USB_SIE_CTRL (USBCTRL_REGS_BASE + 0x4cu)
#define USB_SIE_STATUS (USBCTRL_REGS_BASE + 0x50u)
#define USB_BUFF_STATUS (USBCTRL_REGS_BASE + 0x58u)
#define USB_EP_STALL_ARM (USBCTRL_REGS_BASE + 0x68u)
#define USB_MUXING (USBCTRL_REGS_BASE + 0x74u)
#define USB_PWR (USBCTRL_REGS_BASE + 0x78u)
#define USB_INTE (USBCTRL_REGS_BASE + 0x90u)
#define USB_INTS (USBCTRL_REGS_BASE + 0x98u)
#define MAIN_CTRL_CONTROLLER_EN (1u << 0)
#define SIE_CTRL_PULLUP_EN (1u << 16)
#define SIE_CTRL_EP0_INT_1BUF (1u << 29)
#define SIE_STATUS_SETUP_REC (1u << 17)
#define SIE_STATUS_BUS_RESET (1u << 19)
#define MUXING_TO_PHY (1u << 0)
#define MUXING_SOFTCON (1u << 3)
#define PWR_VBUS_DETECT (1u << 2)
#define PWR_VBUS_DETECT_OVERRIDE_EN (1u << 3)
#define INT_BUFF_STATUS (1u << 4)
#define INT_BUS_RESET (1u << 12)
#define INT_SETUP_REQ (1u << 16)

/* DPRAM layout (device mode) */
#define DPRAM_SIZE 4096u
#define DPRAM_EP_CTRL(n, out) (USBCTRL_DPRAM_BASE + 8u * ((n) - 1u) + ((out) ? 0x0cu : 0x08u))
#define DPRAM_BUF_CTRL(n, out) (USBCTRL_DPRAM_BASE + 0x80u + 8u * (n) + ((out) ? 4u : 0u))
#define DPRAM_EP0_BUF 0x100u
#define DPRAM_FIRST_FREE 0x180u
#define EP_CTRL_ENABLE (1u << 31)
#define EP_CTRL_INTERRUPT_PER_BUFF (1u << 29)
#define EP_CTRL_TYPE_LSB 26
#define BUF_CTRL_LEN_MASK 0x3ffu
#define BUF_CTRL_AVAILABLE (1u << 10)
#define BUF_CTRL_STALL (1u << 11)
#define BUF_CTRL_DATA1 (1u << 13)
#define BUF_CTRL_LAST (1u << 14)
#define BUF_CTRL_FULL (1u << 15)

#define EP_COUNT 16u

typedef struct {
    uint16_t buf;        /* DPRAM offset of the (single) buffer */
    uint16_t max_packet;
    uint8_t data1;       /* next packet's PID is DATA1 */
    uint8_t busy;
    uint8_t stalled;
    uint8_t open;
} ep_state_t;

static struct {
    ep_state_t ep[EP_COUNT][2]; /* [number][0 = IN, 1 = OUT] */
    const rp2_usb_events_t *events;
    uint16_t next_free;
} usb;

void rp2_isr_usbctrl(void);

static ep_state_t *ep_of(uint8_t ep_addr) {
    return &usb.ep[ep_addr & 0x0fu][(ep_addr & RP2_USB_DIR_IN) ? 0 : 1];
}

static uint32_t buf_ctrl_reg(uint8_t ep_addr) {
    return DPRAM_BUF_CTRL(ep_addr & 0x0fu, !(ep_addr & RP2_USB_DIR_IN));
}

/* The controller samples AVAILABLE in its own clock domain: the other bits must be settled
 * first (datasheet: set AVAILABLE separately, a few clk_usb cycles later). */
static void write_buf_ctrl(uint32_t reg, uint32_t value) {
    REG32(reg) = value;
    __asm volatile("nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop");
    REG32(reg) = value | BUF_CTRL_AVAILABLE;
}

static void reset_endpoints(void) {
    for (uint32_t n = 0; n < EP_COUNT; n++) {
        for (uint32_t dir = 0; dir < 2u; dir++) {
            ep_state_t *ep = &usb.ep[n][dir];
            ep->busy = 0;
            ep->stalled = 0;
            ep->data1 = 0;
            ep->open = n == 0u;
            if (n == 0u) {
                ep->buf = DPRAM_EP0_BUF;
                ep->max_packet = RP2_USB_EP0_SIZE;
            } else {
                REG32(DPRAM_EP_CTRL(n, dir)) = 0;
            }
            REG32(DPRAM_BUF_CTRL(n, dir)) = 0;
        }
    }
    usb.next_free = DPRAM_FIRST_FREE;
    REG32(USB_EP_STALL_ARM) = 0;
}

int rp2_usb_init(const rp2_usb_events_t *events) {
    if (rp2_clk_usb_hz() == 0u || events == 0) {
        return RP2_ERR_NOT_READY;
    }
    RP2_IRQ_DISABLE(IRQ_USBCTRL);
    usb.events = events;
    REG_SET(RESETS_RESET, RESET_USBCTRL);
    rp2_unreset(RESET_USBCTRL);
    for (uint32_t offset = 0; offset < DPRAM_SIZE; offset += 4u) {
        REG32(USBCTRL_DPRAM_BASE + offset) = 0;
    }
    reset_endpoints();
    REG32(USB_MUXING) = MUXING_TO_PHY | MUXING_SOFTCON;
    /* Boards sense VBUS on a GPIO, if at all: tell the controller it is always there. */
    REG32(USB_PWR) = PWR_VBUS_DETECT | PWR_VBUS_DETECT_OVERRIDE_EN;
    REG32(USB_MAIN_CTRL) = MAIN_CTRL_CONTROLLER_EN;
    REG32(USB_SIE_CTRL) = SIE_CTRL_EP0_INT_1BUF;
    REG32(USB_INTE) = INT_BUFF_STATUS | INT_BUS_RESET | INT_SETUP_REQ;
    RP2_IRQ_ENABLE(IRQ_USBCTRL);
    REG_SET(USB_SIE_CTRL, SIE_CTRL_PULLUP_EN); /* now the host sees us */
    return RP2_OK;
}

void rp2_usb_deinit(void) {
    RP2_IRQ_DISABLE(IRQ_USBCTRL);
    REG_CLR(USB_SIE_CTRL, SIE_CTRL_PULLUP_EN);
    REG_SET(RESETS_RESET, RESET_USBCTRL);
    usb.events = 0;
}

int rp2_usb_ep_open(uint8_t ep_addr, uint8_t type, uint16_t max_packet) {
    uint32_t n = ep_addr & 0x0fu;
    if (n == 0u || n >= EP_COUNT || max_packet == 0u || max_packet > 64u || type == RP2_USB_EP_CONTROL) {
        return RP2_ERR_INVALID;
    }
    ep_state_t *ep = ep_of(ep_addr);
    if (!ep->open) {
        if (usb.next_free + 64u > DPRAM_SIZE) {
            return RP2_ERR_BUSY;
        }
        ep->buf = usb.next_free; /* 64-byte aligned, as BUFFER_ADDRESS requires */
        usb.next_free = (uint16_t)(usb.next_free + 64u);
    }
    ep->max_packet = max_packet;
    ep->data1 = 0;
    ep->busy = 0;
    ep->stalled = 0;
    ep->open = 1;
    REG32(buf_ctrl_reg(ep_addr)) = 0;
    REG32(DPRAM_EP_CTRL(n, !(ep_addr & RP2_USB_DIR_IN))) =
        EP_CTRL_ENABLE | EP_CTRL_INTERRUPT_PER_BUFF | ((uint32_t)type << EP_CTRL_TYPE_LSB) | ep->buf;
    return RP2_OK;
}

int rp2_usb_ep_in(uint8_t ep_addr, const uint8_t *data, uint16_t len) {
    ep_state_t *ep = ep_of(ep_addr | RP2_USB_DIR_IN);
    if (!ep->open || len > ep->max_packet) {
        return RP2_ERR_INVALID;
    }
    if (ep->busy || ep->stalled) {
        return RP2_ERR_BUSY;
    }
    volatile uint8_t *dst = (volatile uint8_t *)(USBCTRL_DPRAM_BASE + ep->buf);
    for (uint16_t i = 0; i < len; i++) {
        dst[i] = data[i];
    }
    ep->busy = 1;
    uint32_t value = len | BUF_CTRL_FULL | BUF_CTRL_LAST | (ep->data1 ? BUF_CTRL_DATA1 : 0u);
    ep->data1 ^= 1u;
    write_buf_ctrl(buf_ctrl_reg(ep_addr | RP2_USB_DIR_IN), value);
    return RP2_OK;
}

int rp2_usb_ep_out(uint8_t ep_addr, uint16_t len) {
    uint8_t addr = ep_addr & 0x0fu;
    ep_state_t *ep = ep_of(addr);
    if (!ep->open || len > ep->max_packet) {
        return RP2_ERR_INVALID;
    }
    if (ep->busy || ep->stalled) {
        return RP2_ERR_BUSY;
    }
    ep->busy = 1;
    uint32_t value = len | BUF_CTRL_LAST | (ep->data1 ? BUF_CTRL_DATA1 : 0u);
    ep->data1 ^= 1u;
    write_buf_ctrl(buf_ctrl_reg(addr), value);
    return RP2_OK;
}

int rp2_usb_ep_busy(uint8_t ep_addr) {
    return ep_of(ep_addr)->busy;
}

int rp2_usb_ep_stalled(uint8_t ep_addr) {
    return ep_of(ep_addr)->stalled;
}

void rp2_usb_ep_stall(uint8_t ep_addr) {
    if ((ep_addr & 0x0fu) == 0u) {
        /* EP0: both directions, cleared by the controller at the next SETUP. */
        REG32(USB_EP_STALL_ARM) = 3u;
        REG32(DPRAM_BUF_CTRL(0, 0)) = BUF_CTRL_STALL;
        REG32(DPRAM_BUF_CTRL(0, 1)) = BUF_CTRL_STALL;
        usb.ep[0][0].busy = 0;
        usb.ep[0][1].busy = 0;
        return;
    }
    ep_state_t *ep = ep_of(ep_addr);
    ep->stalled = 1;
    ep->busy = 0;
    REG32(buf_ctrl_reg(ep_addr)) = BUF_CTRL_STALL;
}

void rp2_usb_ep_clear_stall(uint8_t ep_addr) {
    if ((ep_addr & 0x0fu) == 0u) {
        return;
    }
    ep_state_t *ep = ep_of(ep_addr);
    ep->stalled = 0;
    ep->data1 = 0;
    REG32(buf_ctrl_reg(ep_addr)) = 0;
}

void rp2_usb_ep0_reset_toggles(void) {
    REG32(USB_EP_STALL_ARM) = 0;
    REG32(DPRAM_BUF_CTRL(0, 0)) = 0;
    REG32(DPRAM_BUF_CTRL(0, 1)) = 0;
    usb.ep[0][0].data1 = 1;
    usb.ep[0][0].busy = 0;
    usb.ep[0][1].data1 = 1;
    usb.ep[0][1].busy = 0;
}

void rp2_usb_set_address(uint8_t address) {
    REG32(USB_ADDR_ENDP) = address & 0x7fu;
}

static void handle_buffers(uint32_t status) {
    REG32(USB_BUFF_STATUS) = status; /* write 1 to clear */
    while (status) {
        uint32_t bit = (uint32_t)__builtin_ctz(status);
        status &= status - 1u;
        uint8_t n = (uint8_t)(bit / 2u);
        int out = bit & 1u;
        uint8_t ep_addr = (uint8_t)(n | (out ? 0u : RP2_USB_DIR_IN));
        ep_state_t *ep = ep_of(ep_addr);
        ep->busy = 0;
        uint16_t len = 0;
        const uint8_t *data = (const uint8_t *)(USBCTRL_DPRAM_BASE + ep->buf);
        if (out) {
            len = (uint16_t)(REG32(buf_ctrl_reg(ep_addr)) & BUF_CTRL_LEN_MASK);
        }
        if (usb.events != 0) {
            usb.events->transfer_done(ep_addr, data, len);
        }
    }
}

void rp2_usb_poll(void) {
    uint32_t ints = REG32(USB_INTS);
    if (ints & INT_BUS_RESET) {
        REG32(USB_SIE_STATUS) = SIE_STATUS_BUS_RESET;
        rp2_usb_set_address(0);
        reset_endpoints();
        if (usb.events != 0) {
            usb.events->bus_reset();
        }
    }
    /* Buffers before a new SETUP: a SETUP cancels whatever the last control transfer left. */
    if (ints & INT_BUFF_STATUS) {
        handle_buffers(REG32(USB_BUFF_STATUS));
    }
    if (ints & INT_SETUP_REQ) {
        REG32(USB_SIE_STATUS) = SIE_STATUS_SETUP_REC;
        uint8_t setup[8];
        const volatile uint8_t *packet = (const volatile uint8_t *)USBCTRL_DPRAM_BASE;
        for (uint32_t i = 0; i < 8u; i++) {
            setup[i] = packet[i];
        }
        rp2_usb_ep0_reset_toggles();
        if (usb.events != 0) {
            usb.events->setup(setup);
        }
    }
}

void rp2_isr_usbctrl(void) {
    rp2_usb_poll();
}
