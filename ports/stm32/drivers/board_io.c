/* board_io.c: LEDs and the user switch named by the board file (kiln_board_leds / kiln_board_buttons). */
#include "drivers/board_io.h"

#include <stddef.h>

#include "board_pins.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"

/* The tables are the board's data (gen/pins.c, each ending with a NULL name), so this file compiles once for
   every board. */
static uint32_t table_length(const kiln_pin_t *table) {
    uint32_t n = 0u;
    while (table[n].name != NULL) {
        n++;
    }
    return n;
}

uint32_t stm32_led_count(void) {
    return table_length(kiln_board_leds);
}

/* The user switch: the board's first button, or NULL. */
static const kiln_pin_t *user_switch(void) {
    return kiln_board_buttons[0].name != NULL ? &kiln_board_buttons[0] : NULL;
}

int stm32_led(uint32_t n, uint32_t op) {
    if (n < 1u || n > stm32_led_count() || op > STM32_LED_QUERY) {
        return -STM32_ENODEV;
    }
    const kiln_pin_t *led = &kiln_board_leds[n - 1u];
    const bool low = led->active_low != 0u;
    if (stm32_pin_mode(led->code) != STM32_PIN_OUTPUT) {
        const stm32_pin_config_t out = {.mode = STM32_PIN_OUTPUT, .speed = STM32_SPEED_LOW, .initial = low ? 1 : 0};
        const int err = stm32_pin_configure(led->code, &out);
        if (err != STM32_OK) {
            return err;
        }
    }
    const bool lit = stm32_pin_latch(led->code) != low;
    bool want = lit;
    if (op == STM32_LED_ON) {
        want = true;
    } else if (op == STM32_LED_OFF) {
        want = false;
    } else if (op == STM32_LED_TOGGLE) {
        want = !lit;
    }
    if (op != STM32_LED_QUERY) {
        stm32_pin_write(led->code, want != low);
    }
    return want ? 1 : 0;
}

int stm32_switch_init(void) {
    const kiln_pin_t *sw = user_switch();
    if (sw == NULL) {
        return -STM32_ENODEV;
    }
    const stm32_pin_config_t in = {.mode = STM32_PIN_INPUT,
                                   .pull = sw->active_low ? STM32_PULL_UP : STM32_PULL_DOWN,
                                   .initial = -1};
    return stm32_pin_configure(sw->code, &in);
}

int stm32_switch_pressed(void) {
    const kiln_pin_t *sw = user_switch();
    if (sw == NULL) {
        return -STM32_ENODEV;
    }
    return stm32_pin_read(sw->code) != (sw->active_low != 0u) ? 1 : 0;
}

int stm32_switch_attach(stm32_exti_fn_t fn, void *arg, uint32_t priority) {
    const kiln_pin_t *sw = user_switch();
    if (sw == NULL) {
        return -STM32_ENODEV;
    }
    return stm32_exti_attach(sw->code, sw->active_low ? STM32_EXTI_FALLING : STM32_EXTI_RISING, fn, arg, priority);
}

void stm32_switch_detach(void) {
    const kiln_pin_t *sw = user_switch();
    if (sw != NULL) {
        stm32_exti_detach(sw->code);
    }
}
