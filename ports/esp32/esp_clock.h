/* esp_clock.h: ESP32-C3 CPU frequency selection (machine.freq). */
#ifndef KILN_ESP_CLOCK_H
#define KILN_ESP_CLOCK_H

#include <stdint.h>

/* 160 or 80 MHz from the PLL (only if it ran at boot: -ENODEV otherwise), or the XTAL divided by
   an integer (40, 20, 10 ... MHz with a 40 MHz crystal; -EINVAL for anything else). Peripherals
   here are clocked from the XTAL, so UART baud, timers and PWM keep their rates. */
int esp_freq_set(uint32_t hz);
uint32_t esp_freq_get(void);
int esp_freq_pll_available(void);

#endif
