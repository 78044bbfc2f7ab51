/* rp2_adc.h: the 12-bit ADC: GP26-29 (channels 0-3) and the temperature sensor (channel 4). */
#ifndef KILN_RP2_ADC_H
#define KILN_RP2_ADC_H

#include <stdint.h>

#define RP2_ADC_TEMP_CHANNEL 4u
#define RP2_ADC_FIRST_PIN 26u

/* Takes the ADC out of reset and waits (bounded) until it is ready. */
int rp2_adc_init(void);
/* Back in reset (soft reset). */
void rp2_adc_reset_state(void);
/* Makes GP26-29 analogue: no digital function, input buffer off, no pulls. */
int rp2_adc_init_pin(uint32_t pin);
/* One conversion of the channel (0-3 pins, 4 temperature); *raw is 0..4095. */
int rp2_adc_read(uint32_t channel, uint16_t *raw);
/* Temperature in milli-degrees Celsius from a channel-4 reading (datasheet formula, 3.3 V ref). */
int32_t rp2_adc_temp_mdeg(uint16_t raw);

#endif
