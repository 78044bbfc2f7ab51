/* stm32_console.h: which USART the REPL uses (base, IRQ, bus enable, pin function), from board_config.h. */
#ifndef KILN_STM32_CONSOLE_H
#define KILN_STM32_CONSOLE_H

#include "board_config.h"
#include "stm32_regs.h"

/* Base, IRQ number, bus and RCC enable bit, pin alternate function per USART (RM0090/RM0410 memory
   map, vector table and RCC chapters; AF from the datasheets: USART1-3 use AF7, UART4/5 and USART6 AF8). */
#if KILN_REPL_UART == 1
#define CON_BASE USART1_BASE
#define CON_IRQ 37u
#define CON_ON_APB2 1
#define CON_EN_BIT (1u << 4)
#define CON_AF 7u
#elif KILN_REPL_UART == 2
#define CON_BASE USART2_BASE
#define CON_IRQ 38u
#define CON_ON_APB2 0
#define CON_EN_BIT (1u << 17)
#define CON_AF 7u
#elif KILN_REPL_UART == 3
#define CON_BASE USART3_BASE
#define CON_IRQ 39u
#define CON_ON_APB2 0
#define CON_EN_BIT (1u << 18)
#define CON_AF 7u
#elif KILN_REPL_UART == 4
#define CON_BASE UART4_BASE
#define CON_IRQ 52u
#define CON_ON_APB2 0
#define CON_EN_BIT (1u << 19)
#define CON_AF 8u
#elif KILN_REPL_UART == 5
#define CON_BASE UART5_BASE
#define CON_IRQ 53u
#define CON_ON_APB2 0
#define CON_EN_BIT (1u << 20)
#define CON_AF 8u
#else
#define CON_BASE USART6_BASE
#define CON_IRQ 71u
#define CON_ON_APB2 1
#define CON_EN_BIT (1u << 5)
#define CON_AF 8u
#endif

#endif
