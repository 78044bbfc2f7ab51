/* st_gpio.c: self-test of GPIO pulls, SIO and interrupts through a bench wire. */
/* self-test of GPIO: pulls, SIO output through a bench wire (GP14 -> GP15), edge and level
 * interrupts with callbacks, argument checks. */
#include "selftest.h"

#include <stddef.h>

#include "hal.h"
#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"

#define OUT_PIN 14u
#define IN_PIN 15u
#define LOOSE_PIN 20u /* connected to nothing: reads its pull */

static volatile uint32_t rises;
static volatile uint32_t falls;
static volatile uint32_t levels;
static void *volatile seen_arg;

static void on_edge(uint32_t pin, uint32_t events, void *arg) {
    (void)pin;
    seen_arg = arg;
    if (events & RP2_GPIO_IRQ_EDGE_RISE) {
        rises++;
    }
    if (events & RP2_GPIO_IRQ_EDGE_FALL) {
        falls++;
    }
}

/* One-shot: a level interrupt keeps firing while the level lasts, so the callback turns it off. */
static void on_level(uint32_t pin, uint32_t events, void *arg) {
    (void)arg;
    if (events & RP2_GPIO_IRQ_LEVEL_HIGH) {
        levels++;
        rp2_gpio_set_irq(pin, 0, NULL, NULL);
    }
}

static void toggle(int value) {
    rp2_gpio_put(OUT_PIN, value);
    hal_delay_us(20);
}

void st_gpio(void) {
    rp2_gpio_init(LOOSE_PIN, 0);
    rp2_gpio_set_pull(LOOSE_PIN, RP2_GPIO_PULL_UP);
    hal_delay_us(10);
    int up = rp2_gpio_get(LOOSE_PIN);
    rp2_gpio_set_pull(LOOSE_PIN, RP2_GPIO_PULL_DOWN);
    hal_delay_us(10);
    int down = rp2_gpio_get(LOOSE_PIN);
    st_check(up == 1 && down == 0, "gpio.pulls", "up=%d down=%d", up, down);

    rp2_gpio_init(OUT_PIN, 1);
    rp2_gpio_init(IN_PIN, 0);
    rp2_gpio_set_pull(IN_PIN, RP2_GPIO_PULL_NONE);
    toggle(1);
    int high = rp2_gpio_get(IN_PIN);
    uint32_t status = REG32(IO_GPIO_STATUS(OUT_PIN));
    toggle(0);
    int low = rp2_gpio_get(IN_PIN);
    st_check(high == 1 && low == 0 && (REG32(IO_GPIO_CTRL(OUT_PIN)) & 0x1fu) == IO_FUNC_SIO && (status & (1u << 9)),
             "gpio.sio_wire", "high=%d low=%d status=0x%08lx", high, low, (unsigned long)status);

    static int token;
    rp2_gpio_set_irq(IN_PIN, RP2_GPIO_IRQ_EDGE_RISE | RP2_GPIO_IRQ_EDGE_FALL, on_edge, &token);
    for (int i = 0; i < 3; i++) {
        toggle(1);
        toggle(0);
    }
    uint32_t r = rises;
    uint32_t f = falls;
    st_check(r == 3 && f == 3 && seen_arg == &token, "gpio.irq_edges", "rises=%lu falls=%lu", (unsigned long)r,
             (unsigned long)f);
    rp2_gpio_set_irq(IN_PIN, 0, NULL, NULL);
    toggle(1);
    toggle(0);
    st_check(rises == 3 && falls == 3, "gpio.irq_disabled", "rises=%lu falls=%lu", (unsigned long)rises,
             (unsigned long)falls);

    rp2_gpio_set_irq(IN_PIN, RP2_GPIO_IRQ_LEVEL_HIGH, on_level, NULL);
    hal_delay_us(50);
    uint32_t before = levels;
    toggle(1);
    hal_delay_us(100);
    toggle(0);
    st_check(before == 0 && levels == 1, "gpio.irq_level", "before=%lu after=%lu", (unsigned long)before,
             (unsigned long)levels);

    st_check(rp2_gpio_init(30, 0) == RP2_ERR_INVALID && rp2_gpio_set_irq(IN_PIN, 0x10, on_edge, NULL) == RP2_ERR_INVALID &&
                 rp2_gpio_set_irq(IN_PIN, RP2_GPIO_IRQ_EDGE_RISE, NULL, NULL) == RP2_ERR_INVALID,
             "gpio.bad_args", "refused");
}
