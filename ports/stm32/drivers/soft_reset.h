/* soft_reset.h: returning every driver-owned peripheral to its reset state (a Python soft reset). */
#ifndef KILN_STM32_SOFT_RESET_H
#define KILN_STM32_SOFT_RESET_H

/*
 * Detaches every driver interrupt handler (their state structs are about to be freed), masks the EXTI lines
 * and resets the timers, SPI, I2C, ADC, DAC and the UARTs other than the console through RCC. Left alone:
 * the console, GPIO (pins keep their levels), the RTC and backup domain, and the IWDG (it cannot be stopped).
 */
void stm32_drivers_soft_reset(void);

#endif
