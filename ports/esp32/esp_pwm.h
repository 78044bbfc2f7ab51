/* esp_pwm.h: ESP32-C3/C6 LEDC low-speed PWM: 4 timers, 6 channels, duty as a 16-bit fraction. */
#ifndef KILN_ESP_PWM_H
#define KILN_ESP_PWM_H

#include <stdint.h>

#define ESP_PWM_TIMERS 4u
#define ESP_PWM_CHANNELS 6u

/* Timer at `freq_hz` from the 40 MHz XTAL with the finest resolution that fits (up to 14 bits). */
int esp_pwm_timer_config(unsigned timer, uint32_t freq_hz);
uint32_t esp_pwm_timer_freq(unsigned timer); /* the rate the divider really gives */
unsigned esp_pwm_timer_bits(unsigned timer);
/* Channel on `pin` driven by `timer`, duty 0..65535 (65535 = always on). */
int esp_pwm_channel_config(unsigned channel, unsigned timer, unsigned pin, uint32_t duty_u16);
int esp_pwm_set_duty(unsigned channel, uint32_t duty_u16);
uint32_t esp_pwm_get_duty(unsigned channel); /* as a 16-bit fraction of the period */
int esp_pwm_channel_stop(unsigned channel, int idle_level);

#endif
