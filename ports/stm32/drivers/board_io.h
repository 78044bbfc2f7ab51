/* board_io.h: the board's LEDs and user switch, from the [[leds]] / [[buttons]] tables of its board file. */
#ifndef KILN_STM32_BOARD_IO_H
#define KILN_STM32_BOARD_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/exti.h"

#define STM32_LED_OFF 0u
#define STM32_LED_ON 1u
#define STM32_LED_TOGGLE 2u
#define STM32_LED_QUERY 3u

/* How many LEDs the board file lists (LED n is 1..count, in file order). */
uint32_t stm32_led_count(void);

/* LED n (1-based): off, on, toggle or just query; the pin becomes a push-pull output (off) on first use.
   Returns the state afterwards (1 lit, 0 dark; active-low LEDs handled), -STM32_ENODEV for no such LED. */
int stm32_led(uint32_t n, uint32_t op);

/* The first [[buttons]] entry: an input with a pull-up when active-low (else pull-down).
   -STM32_ENODEV when the board lists none. */
int stm32_switch_init(void);

/* 1 while pressed (active_low handled), 0 when released, -STM32_ENODEV without a switch. */
int stm32_switch_pressed(void);

/* Calls fn(arg, pin) in interrupt context on every press (the edge into the pressed level). */
int stm32_switch_attach(stm32_exti_fn_t fn, void *arg, uint32_t priority);
void stm32_switch_detach(void);

#endif
