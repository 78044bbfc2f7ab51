/* gpio.c: RP2040 GPIO pins: IO_BANK0 function select, PADS_BANK0 pulls, SIO data, bank-0 IRQs. */
#include "rp2_gpio.h"

#include <stddef.h>

#include "rp2040.h"
#include "rp2_err.h"

/* Four pins' 4-bit IRQ fields per 32-bit register, eight pins per register. */
#define IO_INTR(n) (IO_BANK0_BASE + 0xf0u + 4u * ((n) / 8u))
#define IO_PROC0_INTE(n) (IO_BANK0_BASE + 0x100u + 4u * ((n) / 8u))
#define IO_PROC0_INTS(reg) (IO_BANK0_BASE + 0x120u + 4u * (reg))
#define IRQ_SHIFT(n) (4u * ((n) % 8u))
#define PAD_PULL_MASK (PADS_PUE | PADS_PDE)
#define IRQ_EDGES (RP2_GPIO_IRQ_EDGE_FALL | RP2_GPIO_IRQ_EDGE_RISE)

static struct {
    rp2_gpio_callback_t callback[RP2_GPIO_COUNT];
    void *arg[RP2_GPIO_COUNT];
} gpio;

void rp2_isr_io_bank0(void);

void rp2_gpio_reset_state(void) {
    RP2_IRQ_DISABLE(IRQ_IO_BANK0);
    for (uint32_t reg = 0; reg < 4u; reg++) {
        REG32(IO_BANK0_BASE + 0x100u + 4u * reg) = 0;   /* PROC0_INTE */
        REG32(IO_BANK0_BASE + 0xf0u + 4u * reg) = ~0u;  /* INTR: clear latched edges */
    }
    for (uint32_t pin = 0; pin < RP2_GPIO_COUNT; pin++) {
        gpio.callback[pin] = NULL;
        gpio.arg[pin] = NULL;
    }
    RP2_IRQ_ENABLE(IRQ_IO_BANK0);
}

int rp2_gpio_set_function(uint32_t pin, uint32_t function) {
    if (pin >= RP2_GPIO_COUNT || (function > 9u && function != IO_FUNC_NULL)) {
        return RP2_ERR_INVALID;
    }
    /* Pad first (input on, output allowed, pulls kept), then the mux. */
    uint32_t pad = REG32(PADS_GPIO(pin));
    REG32(PADS_GPIO(pin)) = (pad & ~PADS_OD) | PADS_IE;
    REG32(IO_GPIO_CTRL(pin)) = function;
    return RP2_OK;
}

int rp2_gpio_init(uint32_t pin, int output) {
    if (pin >= RP2_GPIO_COUNT) {
        return RP2_ERR_INVALID;
    }
    REG32(SIO_GPIO_OE_CLR) = 1u << pin;
    REG32(SIO_GPIO_OUT_CLR) = 1u << pin;
    rp2_gpio_set_function(pin, IO_FUNC_SIO);
    return rp2_gpio_set_dir(pin, output);
}

int rp2_gpio_set_dir(uint32_t pin, int output) {
    if (pin >= RP2_GPIO_COUNT) {
        return RP2_ERR_INVALID;
    }
    REG32(output ? SIO_GPIO_OE_SET : SIO_GPIO_OE_CLR) = 1u << pin;
    return RP2_OK;
}

int rp2_gpio_set_pull(uint32_t pin, rp2_gpio_pull_t pull) {
    if (pin >= RP2_GPIO_COUNT || (uint32_t)pull > 3u) {
        return RP2_ERR_INVALID;
    }
    uint32_t bits = ((pull & RP2_GPIO_PULL_UP) ? PADS_PUE : 0u) | ((pull & RP2_GPIO_PULL_DOWN) ? PADS_PDE : 0u);
    REG32(PADS_GPIO(pin)) = (REG32(PADS_GPIO(pin)) & ~PAD_PULL_MASK) | bits;
    return RP2_OK;
}

void rp2_gpio_put(uint32_t pin, int value) {
    if (pin < RP2_GPIO_COUNT) {
        REG32(value ? SIO_GPIO_OUT_SET : SIO_GPIO_OUT_CLR) = 1u << pin;
    }
}

void rp2_gpio_toggle(uint32_t pin) {
    if (pin < RP2_GPIO_COUNT) {
        REG32(SIO_GPIO_OUT_XOR) = 1u << pin;
    }
}

int rp2_gpio_get(uint32_t pin) {
    return pin < RP2_GPIO_COUNT && (REG32(SIO_GPIO_IN) >> pin) & 1u;
}

int rp2_gpio_set_irq(uint32_t pin, uint32_t events, rp2_gpio_callback_t callback, void *arg) {
    if (pin >= RP2_GPIO_COUNT || (events & ~RP2_GPIO_IRQ_ALL) || (events && callback == NULL)) {
        return RP2_ERR_INVALID;
    }
    uint32_t shift = IRQ_SHIFT(pin);
    /* Disable, drop stale edges, install the callback, then enable: the ISR never sees a
     * half-installed pin. */
    REG_CLR(IO_PROC0_INTE(pin), RP2_GPIO_IRQ_ALL << shift);
    REG32(IO_INTR(pin)) = IRQ_EDGES << shift;
    gpio.callback[pin] = callback;
    gpio.arg[pin] = arg;
    if (events) {
        REG_SET(IO_PROC0_INTE(pin), events << shift);
    }
    return RP2_OK;
}

void rp2_isr_io_bank0(void) {
    for (uint32_t reg = 0; reg < 4u; reg++) {
        uint32_t status = REG32(IO_PROC0_INTS(reg));
        while (status) {
            uint32_t bit = (uint32_t)__builtin_ctz(status);
            uint32_t pin = reg * 8u + bit / 4u;
            uint32_t shift = bit & ~3u;
            uint32_t events = (status >> shift) & RP2_GPIO_IRQ_ALL;
            status &= ~(RP2_GPIO_IRQ_ALL << shift);
            /* Edges are latched: acknowledge them before the callback so a new edge during it
             * fires again. Levels clear themselves when the level goes. */
            REG32(IO_INTR(pin)) = (events & IRQ_EDGES) << shift;
            rp2_gpio_callback_t callback = gpio.callback[pin];
            if (callback != NULL) {
                callback(pin, events, gpio.arg[pin]);
            } else {
                REG_CLR(IO_PROC0_INTE(pin), RP2_GPIO_IRQ_ALL << shift);
            }
        }
    }
}
