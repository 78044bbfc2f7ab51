/* esp_machine.h: what the ESP32-C3/C6 `machine` and `os` modules (mod_machine.c, mod_os.c) share with the HAL. */
#ifndef KILN_ESP_MACHINE_H
#define KILN_ESP_MACHINE_H

#include "obj.h"

/* Interrupt events for machine._dispatch (bit n: GPIOn, bit 24 + id: Timer(id)) and the Timers still armed. */
extern volatile uint32_t esp32_machine_events;
extern volatile uint32_t esp32_timers_live;

/* Raises OSError(-r) when r < 0. */
void esp32_check(int r);
/* Peripherals the last session's objects set up back to idle (timers, pin irqs, PWM). */
void esp32_machine_soft_reset(void);
/* The GPIO number of a pin code, or ValueError (missing pin, SPI flash pin). */
unsigned esp32_pin_of(kn_obj code);
/* mod_machine_c3.c: the C3's peripheral classes into the module's globals; their soft reset. */
void esp32_machine_c3_add(kn_obj globals);
void esp32_machine_c3_soft_reset(void);
/* Moves interrupt events into micropython.schedule's queue; weak so the C6 (no machine yet) links without it. */
void esp32_machine_poll(void) __attribute__((weak));

#endif
