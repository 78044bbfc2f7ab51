/* esp_timer.h: ESP32-C3/C6 TIMG general-purpose timers (T0 of group 0 and 1) with an alarm callback. */
#ifndef KILN_ESP_TIMER_H
#define KILN_ESP_TIMER_H

#include <stdint.h>

#define ESP_TIMER_COUNT 2u

typedef void (*esp_timer_callback_t)(unsigned id, void *arg);

/* Counts microseconds (XTAL / 40); calls back from the interrupt after period_us, then every
   period_us when periodic (the counter reloads in hardware, so periods do not drift). */
int esp_timer_start(unsigned id, uint64_t period_us, int periodic, esp_timer_callback_t callback, void *arg);
int esp_timer_stop(unsigned id);
int64_t esp_timer_count_us(unsigned id); /* latched counter, or -errno */
/* Stops every timer and forgets the callbacks (soft reset). */
void esp_timer_deinit_all(void);

#endif
