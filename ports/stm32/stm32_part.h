/* stm32_part.h: per-part facts keyed on board_config.h (clock limits, IRQ count, peripheral set); chip.c only. */
#ifndef KILN_STM32_PART_H
#define KILN_STM32_PART_H

#include "board_config.h"
#include "drivers/chip.h"
#include "stm32_series.h"

/*
 * Only chip.c, compiled for each board, includes this: every other port file (clock, console and drivers
 * alike) reads the same facts from `stm32_chip` (drivers/chip.h), so that it compiles once per series.
 *
 * STM32_APB2_MAX_HZ     fastest APB2 clock; APB1 may run at half of it on every part here.
 * STM32_VOS             PWR_CR VOS field (bits 15:14) needed to run at the part's maximum clock.
 * STM32_OVERDRIVE_HZ    clocks above this need the regulator's over-drive mode (0: no over-drive).
 * STM32_IRQ_COUNT       device interrupts in the vector table.
 * STM32_GPIO_PORTS      bit n: GPIO port n (A = 0) exists
 * STM32_UART_MASK       bit n: USART/UART n exists
 * STM32_SPI_MASK        bit n: SPIn exists
 * STM32_I2C_MASK        bit n: I2Cn exists
 * STM32_ADC_COUNT       ADC1..ADCn
 * STM32_HAS_DAC         DAC with two channels on PA4/PA5
 * STM32_TIM_MASK        bit n: TIMn exists
 * STM32_ADC_TEMP_CH     ADC1 channel of the temperature sensor
 * STM32_PART_F7         1 for an F7 part (checked against the series the SConscript chose from the MCU's family)
 */
#if defined(KILN_MCU_STM32F405RG) || defined(KILN_MCU_STM32F405VG) || defined(KILN_MCU_STM32F405ZG) || \
    defined(KILN_MCU_STM32F407VG) || defined(KILN_MCU_STM32F407ZG) || defined(KILN_MCU_STM32F415RG)
/* RM0090 / DS8626: 168 MHz, APB2 84 MHz, VOS is a single bit (1 = scale 1, its reset value). */
#define STM32_PART_F7 0
#define STM32_APB2_MAX_HZ 84000000u
#define STM32_VOS (1u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 82
#define STM32_GPIO_PORTS 0x1FFu /* A..I */
#define STM32_UART_MASK 0x7Eu
#define STM32_SPI_MASK 0x0Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 3
#define STM32_HAS_DAC 1
#define STM32_TIM_MASK 0x7FFEu /* TIM1..TIM14 */
#define STM32_ADC_TEMP_CH 16u
#elif defined(KILN_MCU_STM32F401RE) || defined(KILN_MCU_STM32F401RC) || defined(KILN_MCU_STM32F401CE) || \
    defined(KILN_MCU_STM32F401CC)
/* RM0368: 84 MHz in scale 2, APB2 84 MHz; USART1, USART2, USART6 only. */
#define STM32_PART_F7 0
#define STM32_APB2_MAX_HZ 84000000u
#define STM32_VOS (2u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 85
#define STM32_GPIO_PORTS 0x9Fu /* A..E, H */
#define STM32_UART_MASK 0x46u
#define STM32_SPI_MASK 0x1Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 1
#define STM32_HAS_DAC 0
#define STM32_TIM_MASK 0x0E3Eu /* TIM1..5, TIM9..11 */
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F411RE) || defined(KILN_MCU_STM32F411CE) || defined(KILN_MCU_STM32F411CC)
/* RM0383: 100 MHz needs scale 1, APB2 100 MHz; USART1, USART2, USART6 only. */
#define STM32_PART_F7 0
#define STM32_APB2_MAX_HZ 100000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 86
#define STM32_GPIO_PORTS 0x9Fu
#define STM32_UART_MASK 0x46u
#define STM32_SPI_MASK 0x3Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 1
#define STM32_HAS_DAC 0
#define STM32_TIM_MASK 0x0E3Eu
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F446RE) || defined(KILN_MCU_STM32F446RC) || defined(KILN_MCU_STM32F446ZE)
/* RM0390: 180 MHz needs scale 1 and over-drive above 168 MHz, APB2 90 MHz. */
#define STM32_PART_F7 0
#define STM32_APB2_MAX_HZ 90000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 168000000u
#define STM32_IRQ_COUNT 97
#define STM32_GPIO_PORTS 0xFFu /* A..H */
#define STM32_UART_MASK 0x7Eu
#define STM32_SPI_MASK 0x1Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 3
#define STM32_HAS_DAC 1
#define STM32_TIM_MASK 0x7FFEu
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F767ZI) || defined(KILN_MCU_STM32F767VI) || defined(KILN_MCU_STM32F746ZG)
/* RM0410: 216 MHz needs scale 1 and over-drive above 180 MHz, APB2 108 MHz. */
#define STM32_PART_F7 1
#define STM32_APB2_MAX_HZ 108000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 180000000u
#define STM32_IRQ_COUNT 110
#define STM32_GPIO_PORTS 0x7FFu /* A..K */
#define STM32_UART_MASK 0x1FEu  /* USART1..3, UART4/5, USART6, UART7/8 */
#define STM32_SPI_MASK 0x7Eu
#define STM32_I2C_MASK 0x1Eu
#define STM32_ADC_COUNT 3
#define STM32_HAS_DAC 1
#define STM32_TIM_MASK 0x7FFEu
#define STM32_ADC_TEMP_CH 18u
#else
#error "stm32_part.h: unknown MCU; add its limits and peripherals here (see the reference manual's RCC, PWR and memory map chapters)"
#endif

#if STM32_PART_F7 != STM32_F7
#error "stm32_part.h: the MCU file's family names the other series (chip.h takes the register layouts from it)"
#endif

#if STM32_IRQ_COUNT > STM32_IRQ_MAX
#error "stm32_part.h: this part has more interrupts than chip.h's STM32_IRQ_MAX leaves room for"
#endif

#if KILN_REPL_UART < 1 || KILN_REPL_UART > 6 || !((STM32_UART_MASK >> KILN_REPL_UART) & 1u)
#error "KILN_REPL_UART names a USART this MCU does not have (the console drives USART1..6)"
#endif

#endif
