/* rcc.h: peripheral clock enables, peripheral resets and the bus/timer clock each peripheral runs at. */
#ifndef KILN_STM32_RCC_H
#define KILN_STM32_RCC_H

#include <stdint.h>

typedef enum { STM32_BUS_AHB1 = 0, STM32_BUS_APB1 = 1, STM32_BUS_APB2 = 2 } stm32_bus_t;

/* Where a peripheral's enable and reset bits sit: the bus picks the RCC register pair. */
typedef struct {
    uint8_t bus; /* stm32_bus_t */
    uint8_t bit;
} stm32_clk_t;

/* Sets the enable bit and reads it back (the RM's "delay after an RCC peripheral clock enabling"). */
void stm32_rcc_enable(stm32_clk_t clk);
void stm32_rcc_disable(stm32_clk_t clk);
/* Holds the peripheral in reset and releases it: every register back to its reset value. */
void stm32_rcc_reset(stm32_clk_t clk);

/* The clock of the bus the peripheral sits on (PCLK1/PCLK2/HCLK). */
uint32_t stm32_bus_hz(stm32_bus_t bus);
/* The clock timers on that bus count: twice PCLK when the APB prescaler divides (RM0090 fig. 21). */
uint32_t stm32_timer_clock_hz(stm32_bus_t bus);

#endif
