/* gpio.h: GPIO pins by pin code (port * 16 + pin): mode, pull, output type, speed, alternate function. */
#ifndef KILN_STM32_GPIO_H
#define KILN_STM32_GPIO_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    STM32_PIN_INPUT = 0,
    STM32_PIN_OUTPUT = 1,
    STM32_PIN_AF = 2,
    STM32_PIN_ANALOG = 3,
} stm32_pin_mode_t;

typedef enum { STM32_PULL_NONE = 0, STM32_PULL_UP = 1, STM32_PULL_DOWN = 2 } stm32_pin_pull_t;

typedef enum {
    STM32_SPEED_LOW = 0,
    STM32_SPEED_MEDIUM = 1,
    STM32_SPEED_HIGH = 2,
    STM32_SPEED_VERY_HIGH = 3,
} stm32_pin_speed_t;

typedef struct {
    uint8_t mode;       /* stm32_pin_mode_t */
    uint8_t pull;       /* stm32_pin_pull_t */
    uint8_t speed;      /* stm32_pin_speed_t */
    bool open_drain;    /* output and AF modes */
    uint8_t af;         /* 0..15, AF mode only */
    int8_t initial;     /* output mode: level driven from the first moment (0/1), or -1 to keep ODR */
} stm32_pin_config_t;

#define STM32_PIN_CODE(port_letter, pin) ((uint32_t)((port_letter) - 'A') * 16u + (uint32_t)(pin))
#define STM32_PIN_NONE 0xFFFFFFFFu

/* True when this chip has the pin's port (pin codes past the last port, or a missing port, are false). */
bool stm32_pin_exists(uint32_t code);

/* Configures a pin (enabling its port clock). The level is set before the pin becomes an output, so it
   never glitches. -STM32_ENODEV for a pin this chip lacks, -STM32_EINVAL for a bad field. */
int stm32_pin_configure(uint32_t code, const stm32_pin_config_t *config);

/* Shorthand for the common cases. */
int stm32_pin_af(uint32_t code, uint32_t af, stm32_pin_pull_t pull, bool open_drain);

/* Drives the output latch (atomic: BSRR); reads the input; reads the latch back. */
void stm32_pin_write(uint32_t code, bool high);
bool stm32_pin_read(uint32_t code);
bool stm32_pin_latch(uint32_t code);

/* The mode the pin is in now (MODER), for `Pin.mode()`. */
stm32_pin_mode_t stm32_pin_mode(uint32_t code);

#endif
