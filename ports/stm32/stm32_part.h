/* stm32_part.h: per-chip limits the HAL needs (bus clocks, voltage scale, IRQ count), keyed on board_config.h. */
#ifndef KILN_STM32_PART_H
#define KILN_STM32_PART_H

#include "board_config.h"

/*
 * STM32_F7            1 for the F7 register layouts (USART, flash ACR), 0 for F4.
 * STM32_APB2_MAX_HZ   fastest APB2 clock; APB1 may run at half of it on every part here.
 * STM32_VOS           PWR_CR VOS field (bits 15:14) needed to run at the part's maximum clock.
 * STM32_OVERDRIVE_HZ  clocks above this need the regulator's over-drive mode (0: no over-drive).
 * STM32_IRQ_COUNT     device interrupts in the vector table.
 * STM32_UARTS         bit n set when USART/UART n exists.
 */
#if defined(KILN_MCU_STM32F405RG) || defined(KILN_MCU_STM32F405VG) || defined(KILN_MCU_STM32F405ZG) || \
    defined(KILN_MCU_STM32F407VG) || defined(KILN_MCU_STM32F407ZG) || defined(KILN_MCU_STM32F415RG)
/* RM0090 / DS8626: 168 MHz, APB2 84 MHz, VOS is a single bit (1 = scale 1, its reset value). */
#define STM32_F7 0
#define STM32_APB2_MAX_HZ 84000000u
#define STM32_VOS (1u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 82
#define STM32_UARTS 0x7Eu
#elif defined(KILN_MCU_STM32F401RE) || defined(KILN_MCU_STM32F401RC) || defined(KILN_MCU_STM32F401CE) || \
    defined(KILN_MCU_STM32F401CC)
/* RM0368: 84 MHz in scale 2, APB2 84 MHz; USART1, USART2, USART6 only. */
#define STM32_F7 0
#define STM32_APB2_MAX_HZ 84000000u
#define STM32_VOS (2u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 85
#define STM32_UARTS 0x46u
#elif defined(KILN_MCU_STM32F411RE) || defined(KILN_MCU_STM32F411CE) || defined(KILN_MCU_STM32F411CC)
/* RM0383: 100 MHz needs scale 1, APB2 100 MHz; USART1, USART2, USART6 only. */
#define STM32_F7 0
#define STM32_APB2_MAX_HZ 100000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 0u
#define STM32_IRQ_COUNT 86
#define STM32_UARTS 0x46u
#elif defined(KILN_MCU_STM32F446RE) || defined(KILN_MCU_STM32F446RC) || defined(KILN_MCU_STM32F446ZE)
/* RM0390: 180 MHz needs scale 1 and over-drive above 168 MHz, APB2 90 MHz. */
#define STM32_F7 0
#define STM32_APB2_MAX_HZ 90000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 168000000u
#define STM32_IRQ_COUNT 97
#define STM32_UARTS 0x7Eu
#elif defined(KILN_MCU_STM32F767ZI) || defined(KILN_MCU_STM32F767VI) || defined(KILN_MCU_STM32F746ZG)
/* RM0410: 216 MHz needs scale 1 and over-drive above 180 MHz, APB2 108 MHz. */
#define STM32_F7 1
#define STM32_APB2_MAX_HZ 108000000u
#define STM32_VOS (3u << 14)
#define STM32_OVERDRIVE_HZ 180000000u
#define STM32_IRQ_COUNT 110
#define STM32_UARTS 0x7Eu
#else
#error "stm32_part.h: unknown MCU; add its limits here (see the reference manual's RCC and PWR chapters)"
#endif

#define STM32_HSI_HZ 16000000u

#if KILN_REPL_UART < 1 || KILN_REPL_UART > 6 || !((STM32_UARTS >> KILN_REPL_UART) & 1u)
#error "KILN_REPL_UART names a USART this MCU does not have"
#endif

#endif
