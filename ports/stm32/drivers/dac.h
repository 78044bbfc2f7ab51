/* dac.h: the 12-bit DAC's two channels (PA4, PA5) on parts that have one (F405/F407, F446, F7). */
#ifndef KILN_STM32_DAC_H
#define KILN_STM32_DAC_H

#include <stdbool.h>
#include <stdint.h>

/* Channel 1 or 2: the pin goes analog, the channel is enabled without a trigger (DHR -> DOR at once).
   -STM32_ENODEV on parts without a DAC. */
int stm32_dac_init(uint32_t channel, bool output_buffer);

/* Sets the output to value / 4095 * VREF+ (12-bit, right-aligned). */
int stm32_dac_write(uint32_t channel, uint32_t value);

/* Disables the channel (the pin stays analog: lowest power). */
void stm32_dac_deinit(uint32_t channel);

#endif
