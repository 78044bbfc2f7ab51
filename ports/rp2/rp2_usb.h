/* rp2_usb.h: the RP2040 USB controller in device mode: endpoints in DPRAM, transfers, events. */
#ifndef KILN_RP2_USB_H
#define KILN_RP2_USB_H

#include <stddef.h>
#include <stdint.h>

#define RP2_USB_EP0_SIZE 64u
#define RP2_USB_DIR_IN 0x80u
#define RP2_USB_EP_CONTROL 0u
#define RP2_USB_EP_BULK 2u
#define RP2_USB_EP_INTERRUPT 3u

/* What the layers above (control pipe, class) hear about; all called in interrupt context. */
typedef struct {
    void (*bus_reset)(void);
    void (*setup)(const uint8_t setup[8]);
    /* A transfer finished on ep_addr (bit 7 = IN); for OUT, len bytes are in `data`. */
    void (*transfer_done)(uint8_t ep_addr, const uint8_t *data, uint16_t len);
} rp2_usb_events_t;

/* Resets the controller, clears DPRAM, sets up EP0 and connects (D+ pull-up). Needs clk_usb. */
int rp2_usb_init(const rp2_usb_events_t *events);
/* Disconnects and holds the controller in reset. */
void rp2_usb_deinit(void);
/* Services the controller (the interrupt handler's body), for callers with interrupts masked. */
void rp2_usb_poll(void);

/* Configures an endpoint 1-15 (ep_addr with direction bit) with a DPRAM buffer. */
int rp2_usb_ep_open(uint8_t ep_addr, uint8_t type, uint16_t max_packet);
/* Starts one IN packet (len <= max packet; 0 = zero-length packet) with the endpoint's next PID. */
int rp2_usb_ep_in(uint8_t ep_addr, const uint8_t *data, uint16_t len);
/* Lets the host send one OUT packet of up to len bytes. */
int rp2_usb_ep_out(uint8_t ep_addr, uint16_t len);
int rp2_usb_ep_busy(uint8_t ep_addr);
/* Protocol stall of EP0 (both directions, until the next SETUP) or halt of another endpoint. */
void rp2_usb_ep_stall(uint8_t ep_addr);
/* Clears a halt and restarts the data toggle at DATA0 (CLEAR_FEATURE(ENDPOINT_HALT)). */
void rp2_usb_ep_clear_stall(uint8_t ep_addr);
int rp2_usb_ep_stalled(uint8_t ep_addr);
/* The control pipe starts each data stage with DATA1: resets EP0's toggles. */
void rp2_usb_ep0_reset_toggles(void);
void rp2_usb_set_address(uint8_t address);

#endif
