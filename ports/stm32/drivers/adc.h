/* adc.h: single conversions on ADC1..3: external channels 0..15, temperature, VREFINT and VBAT. */
#ifndef KILN_STM32_ADC_H
#define KILN_STM32_ADC_H

#include <stdint.h>

#define STM32_ADC_CH_VREFINT 17u
#define STM32_ADC_CH_VBAT 18u
#define STM32_ADC_CH_TEMP 0x100u /* stands for whichever channel carries the sensor on this chip */

typedef struct {
    uint32_t base;
    uint32_t index;
    uint32_t timeout_us;
    uint8_t resolution_bits;
    uint8_t up;
} stm32_adc_t;

/* ADC `index` (1..3) at `bits` resolution (12, 10, 8 or 6). ADCCLK = PCLK2 / 2,4,6,8 kept <= 36 MHz. */
int stm32_adc_init(stm32_adc_t *adc, uint32_t index, uint32_t bits);
void stm32_adc_deinit(stm32_adc_t *adc);

/* One conversion of `channel` (0..18 or STM32_ADC_CH_TEMP), right-aligned, in *value. Internal channels
   are ADC1 only and get the longest sampling time (the sensor needs >= 10 us). */
int stm32_adc_read(stm32_adc_t *adc, uint32_t channel, uint32_t *value);

/* The pin of external channel 0..15 on ADC1/2 (pin code), or STM32_PIN_NONE. */
uint32_t stm32_adc_channel_pin(uint32_t channel);

/* Converts a 12-bit temperature-sensor reading with the factory calibration (ref: VREFINT reading taken
   alongside, to correct for VDDA) into centi-degrees Celsius. */
int32_t stm32_adc_temp_centi(uint32_t raw_temp, uint32_t raw_vref);

#endif
