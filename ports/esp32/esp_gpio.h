/* esp_gpio.h: ESP32-C3/C6 GPIO pins through IO_MUX and the GPIO matrix, and peripheral signal routing. */
#ifndef KILN_ESP_GPIO_H
#define KILN_ESP_GPIO_H

#include <stdint.h>

enum { ESP_GPIO_IN = 0, ESP_GPIO_OUT = 1, ESP_GPIO_OPEN_DRAIN = 2 };
enum { ESP_GPIO_PULL_NONE = 0, ESP_GPIO_PULL_UP = 1, ESP_GPIO_PULL_DOWN = 2 };
/* Interrupt triggers: the GPIO_PINn_INT_TYPE encodings. */
enum {
    ESP_GPIO_IRQ_NONE = 0,
    ESP_GPIO_IRQ_RISING = 1,
    ESP_GPIO_IRQ_FALLING = 2,
    ESP_GPIO_IRQ_ANY = 3,
    ESP_GPIO_IRQ_LOW = 4,
    ESP_GPIO_IRQ_HIGH = 5,
};

typedef void (*esp_gpio_callback_t)(unsigned pin, void *arg);

/* Forgets every interrupt callback; called once at start-up (and by a soft reset). */
void esp_gpio_init(void);

/* The SPI flash pads (GPIO12..17 on C3 modules, GPIO24..30 on the C6) are refused with -EPERM; pins the chip
   lacks with -EINVAL. Interrupts (esp_gpio_irq) are wired on the C3 only (-ENOTSUP on the C6). */
int esp_gpio_check(unsigned pin);
int esp_gpio_config(unsigned pin, int mode, int pull);
int esp_gpio_write(unsigned pin, int level);
int esp_gpio_read(unsigned pin); /* the pad level, also for outputs */
/* Level-type triggers call back for as long as the level holds: the callback should act on it. */
int esp_gpio_irq(unsigned pin, int trigger, esp_gpio_callback_t callback, void *arg);

/* Peripheral signal out of `pin` through the matrix (open drain if asked), input enabled too. */
int esp_gpio_route_output(unsigned pin, unsigned signal, int open_drain, int pull);
/* Peripheral input `signal` from `pin` through the matrix. */
int esp_gpio_route_input(unsigned signal, unsigned pin, int pull);

#endif
