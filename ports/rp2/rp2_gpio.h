/* rp2_gpio.h: GPIO pins of the RP2040: function select, SIO in/out, pulls, IRQ with callback. */
#ifndef KILN_RP2_GPIO_H
#define KILN_RP2_GPIO_H

#include <stdint.h>

typedef enum {
    RP2_GPIO_PULL_NONE = 0,
    RP2_GPIO_PULL_UP = 1,
    RP2_GPIO_PULL_DOWN = 2,
    RP2_GPIO_PULL_KEEP = 3, /* both: the bus keeper holds the last driven level */
} rp2_gpio_pull_t;

/* IRQ events: the RP2040's per-pin 4-bit field (INTR/INTE/INTS). */
#define RP2_GPIO_IRQ_LEVEL_LOW 0x1u
#define RP2_GPIO_IRQ_LEVEL_HIGH 0x2u
#define RP2_GPIO_IRQ_EDGE_FALL 0x4u
#define RP2_GPIO_IRQ_EDGE_RISE 0x8u
#define RP2_GPIO_IRQ_ALL 0xfu

/* Runs in interrupt context with the events that fired. A level IRQ fires again as long as
 * the level lasts: the callback changes the condition or disables it with rp2_gpio_set_irq. */
typedef void (*rp2_gpio_callback_t)(uint32_t pin, uint32_t events, void *arg);

/* Forgets every callback and disables every GPIO IRQ (hal_init and soft resets call it). */
void rp2_gpio_reset_state(void);

/* Connects the pin to a peripheral function (IO_FUNC_*): input enabled, output not disabled. */
int rp2_gpio_set_function(uint32_t pin, uint32_t function);
/* SIO function with the given direction (output starts low). */
int rp2_gpio_init(uint32_t pin, int output);
int rp2_gpio_set_dir(uint32_t pin, int output);
int rp2_gpio_set_pull(uint32_t pin, rp2_gpio_pull_t pull);
void rp2_gpio_put(uint32_t pin, int value);
void rp2_gpio_toggle(uint32_t pin);
/* Level at the pad (after the input enable), whatever function drives the pin. */
int rp2_gpio_get(uint32_t pin);

/* Enables the events (RP2_GPIO_IRQ_*) on the pin with the callback; events 0 disables. Stale
 * edges are cleared first, so only edges after this call fire. */
int rp2_gpio_set_irq(uint32_t pin, uint32_t events, rp2_gpio_callback_t callback, void *arg);

#endif
