/* board_pins.h: the board's named pins, LEDs and buttons, rendered per board into gen/pins.c (tables only). */
#ifndef KILN_BOARD_PINS_H
#define KILN_BOARD_PINS_H

#include <stdint.h>

/* A port file that includes only this header (not the generated pins.h, which adds the board's KILN_PIN_<NAME>
   and counts) compiles to the same object for every board, so the shared object cache serves it to all. Each
   table ends with an entry whose name is NULL, so it can be walked without a per-board count. */
typedef struct {
    const char *name;
    uint16_t code; /* STM32: port * 16 + pin; RP2/ESP32: GPIO number */
    uint8_t active_low;
} kiln_pin_t;

extern const kiln_pin_t kiln_board_pins[];
extern const kiln_pin_t kiln_board_leds[];
extern const kiln_pin_t kiln_board_buttons[];

#endif
