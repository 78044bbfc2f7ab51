/* chip.h: which peripherals each supported STM32 has and where (RM0090, RM0368, RM0383, RM0390, RM0410). */
#ifndef KILN_STM32_CHIP_H
#define KILN_STM32_CHIP_H

#include "board_config.h"
#include "stm32_part.h"

/*
 * One family macro per reference manual; the rest of the drivers key on the capability macros below,
 * never on part numbers.
 *
 * STM32_GPIO_PORTS      bit n: GPIO port n (A = 0) exists
 * STM32_UART_MASK       bit n: USART/UART n exists
 * STM32_SPI_MASK        bit n: SPIn exists
 * STM32_I2C_MASK        bit n: I2Cn exists
 * STM32_I2C_V2          1: the F7's I2C (TIMINGR, NBYTES); 0: the F4's I2C (CCR/TRISE, SB/ADDR/BTF)
 * STM32_ADC_COUNT       ADC1..ADCn
 * STM32_HAS_DAC         DAC with two channels on PA4/PA5
 * STM32_TIM_MASK        bit n: TIMn exists
 * STM32_ADC_TEMP_CH     ADC1 channel of the temperature sensor (VREFINT is 17, VBAT 18 everywhere)
 * STM32_UID_BASE        96-bit unique device ID
 * STM32_FLASH_SIZE_REG  16-bit flash size in KiB
 * STM32_CAL_*           factory calibration values (temperature at 30/110 C, VREFINT at 3.3 V)
 * STM32_SYSMEM_BASE     system memory: the ST ROM bootloader's vector table
 * STM32_FLASH_UNIT      size of sectors 0..3; sector 4 is 4 units, the rest 8 units (single-bank F7)
 */
#if defined(KILN_MCU_STM32F405RG) || defined(KILN_MCU_STM32F405VG) || defined(KILN_MCU_STM32F405ZG) || \
    defined(KILN_MCU_STM32F407VG) || defined(KILN_MCU_STM32F407ZG) || defined(KILN_MCU_STM32F415RG)
#define STM32_FAMILY_F40X 1
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
#define STM32_FAMILY_F401 1
#define STM32_GPIO_PORTS 0x9Fu /* A..E, H */
#define STM32_UART_MASK 0x46u
#define STM32_SPI_MASK 0x1Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 1
#define STM32_HAS_DAC 0
#define STM32_TIM_MASK 0x0E3Eu /* TIM1..5, TIM9..11 */
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F411RE) || defined(KILN_MCU_STM32F411CE) || defined(KILN_MCU_STM32F411CC)
#define STM32_FAMILY_F411 1
#define STM32_GPIO_PORTS 0x9Fu
#define STM32_UART_MASK 0x46u
#define STM32_SPI_MASK 0x3Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 1
#define STM32_HAS_DAC 0
#define STM32_TIM_MASK 0x0E3Eu
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F446RE) || defined(KILN_MCU_STM32F446RC) || defined(KILN_MCU_STM32F446ZE)
#define STM32_FAMILY_F446 1
#define STM32_GPIO_PORTS 0xFFu /* A..H */
#define STM32_UART_MASK 0x7Eu
#define STM32_SPI_MASK 0x1Eu
#define STM32_I2C_MASK 0x0Eu
#define STM32_ADC_COUNT 3
#define STM32_HAS_DAC 1
#define STM32_TIM_MASK 0x7FFEu
#define STM32_ADC_TEMP_CH 18u
#elif defined(KILN_MCU_STM32F767ZI) || defined(KILN_MCU_STM32F767VI) || defined(KILN_MCU_STM32F746ZG)
#define STM32_FAMILY_F7 1
#define STM32_GPIO_PORTS 0x7FFu /* A..K */
#define STM32_UART_MASK 0x1FEu  /* USART1..3, UART4/5, USART6, UART7/8 */
#define STM32_SPI_MASK 0x7Eu
#define STM32_I2C_MASK 0x1Eu
#define STM32_ADC_COUNT 3
#define STM32_HAS_DAC 1
#define STM32_TIM_MASK 0x7FFEu
#define STM32_ADC_TEMP_CH 18u
#else
#error "chip.h: unknown MCU; add its peripheral set here"
#endif

#if STM32_F7
#define STM32_I2C_V2 1
#define STM32_UID_BASE 0x1FF0F420u
#define STM32_FLASH_SIZE_REG 0x1FF0F442u
#define STM32_CAL_VREFINT 0x1FF0F44Au
#define STM32_CAL_TS1 0x1FF0F44Cu
#define STM32_CAL_TS2 0x1FF0F44Eu
#define STM32_SYSMEM_BASE 0x1FF00000u
#define STM32_FLASH_UNIT 0x8000u
#else
#define STM32_I2C_V2 0
#define STM32_UID_BASE 0x1FFF7A10u
#define STM32_FLASH_SIZE_REG 0x1FFF7A22u
#define STM32_CAL_VREFINT 0x1FFF7A2Au
#define STM32_CAL_TS1 0x1FFF7A2Cu
#define STM32_CAL_TS2 0x1FFF7A2Eu
#define STM32_SYSMEM_BASE 0x1FFF0000u
#define STM32_FLASH_UNIT 0x4000u
#endif

/* ---- Fixed addresses shared by every part here ---- */
#define STM32_RCC 0x40023800u
#define STM32_FLASH_IF 0x40023C00u
#define STM32_PWR 0x40007000u
#define STM32_SYSCFG 0x40013800u
#define STM32_EXTI 0x40013C00u
#define STM32_IWDG 0x40003000u
#define STM32_RTC 0x40002800u
#define STM32_DAC 0x40007400u
#define STM32_ADC1 0x40012000u
#define STM32_ADC_COMMON 0x40012300u

/* RCC register offsets (identical on F4 and F7). */
#define RCC_AHB1RSTR_OFF 0x10u
#define RCC_APB1RSTR_OFF 0x20u
#define RCC_APB2RSTR_OFF 0x24u
#define RCC_AHB1ENR_OFF 0x30u
#define RCC_APB1ENR_OFF 0x40u
#define RCC_APB2ENR_OFF 0x44u
#define RCC_BDCR_OFF 0x70u
#define RCC_CSR_OFF 0x74u

/* APB clock-enable bits used by more than one driver. */
#define RCC_APB1_PWR 28u
#define RCC_APB1_DAC 29u
#define RCC_APB2_SYSCFG 14u

#endif
