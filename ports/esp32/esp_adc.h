/* esp_adc.h: ESP32-C3/C6 SAR ADC1 one-shot conversions (GPIOn = channel n: GPIO0..4 on the C3, GPIO0..6 on the C6). */
#ifndef KILN_ESP_ADC_H
#define KILN_ESP_ADC_H

#include <stdint.h>

#include "soc_regs.h"

#define ESP_ADC1_CHANNELS SOC_ADC1_CHANNELS
enum { ESP_ADC_ATTEN_0DB = 0, ESP_ADC_ATTEN_2_5DB = 1, ESP_ADC_ATTEN_6DB = 2, ESP_ADC_ATTEN_11DB = 3 };

int esp_adc_channel_of_pin(unsigned pin); /* channel, or -EINVAL for a pin without ADC1 */
/* Puts the pad in analog mode (no pulls, input buffer off). */
int esp_adc_config_pin(unsigned pin);
/* One conversion: the raw 12-bit code (uncalibrated), or -ETIMEDOUT / -EINVAL. */
int esp_adc_read_raw(unsigned channel, unsigned atten);

#endif
