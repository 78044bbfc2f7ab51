/* stm32_regs.h: register addresses and bits used by the STM32F4/F7 HAL (from RM0090/RM0368/RM0383/RM0390/RM0410, PM0214/PM0253). */
#ifndef KILN_STM32_REGS_H
#define KILN_STM32_REGS_H

#include <stdint.h>

#define STM32_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- Cortex-M system control space (ARMv7-M) ---- */
#define SYST_CSR STM32_REG(0xE000E010u)
#define SYST_RVR STM32_REG(0xE000E014u)
#define SYST_CVR STM32_REG(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1 = processor clock */
#define SYST_RVR_MAX 0x00FFFFFFu

#define NVIC_ISER(n) STM32_REG(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) STM32_REG(0xE000E180u + 4u * (n))
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))

#define SCB_ICSR STM32_REG(0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SCB_VTOR STM32_REG(0xE000ED08u)
#define SCB_AIRCR STM32_REG(0xE000ED0Cu)
#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_PRIGROUP_MASK (7u << 8)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)
#define SCB_CCR STM32_REG(0xE000ED14u)
#define SCB_CCR_IC (1u << 17) /* Cortex-M7 instruction cache enable */
#define SCB_SHPR3 STM32_REG(0xE000ED20u)
#define SCB_CPACR STM32_REG(0xE000ED88u)
#define SCB_ICIALLU STM32_REG(0xE000EF50u) /* Cortex-M7: invalidate the whole I-cache */

/* ---- RCC (same offsets and bits on F4 and F7) ---- */
#define RCC_BASE 0x40023800u
#define RCC_CR STM32_REG(RCC_BASE + 0x00u)
#define RCC_PLLCFGR STM32_REG(RCC_BASE + 0x04u)
#define RCC_CFGR STM32_REG(RCC_BASE + 0x08u)
#define RCC_AHB1ENR STM32_REG(RCC_BASE + 0x30u)
#define RCC_APB1ENR STM32_REG(RCC_BASE + 0x40u)
#define RCC_APB2ENR STM32_REG(RCC_BASE + 0x44u)

#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 1)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)

#define RCC_PLLCFGR_M_POS 0
#define RCC_PLLCFGR_N_POS 6
#define RCC_PLLCFGR_P_POS 16
#define RCC_PLLCFGR_SRC_HSE (1u << 22)
#define RCC_PLLCFGR_Q_POS 24
/* M, N, P, SRC and Q; PLLR (F446/F7, bits 30:28) keeps its reset value. */
#define RCC_PLLCFGR_OURS ((0x3Fu << 0) | (0x1FFu << 6) | (3u << 16) | (1u << 22) | (0xFu << 24))

#define RCC_CFGR_SW_MASK (3u << 0)
#define RCC_CFGR_SW_HSI (0u << 0)
#define RCC_CFGR_SW_PLL (2u << 0)
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_CFGR_SWS_HSI (0u << 2)
#define RCC_CFGR_SWS_PLL (2u << 2)
#define RCC_CFGR_HPRE_MASK (0xFu << 4)
#define RCC_CFGR_PPRE1_POS 10
#define RCC_CFGR_PPRE2_POS 13
#define RCC_CFGR_PPRE_MASK(pos) (7u << (pos))

#define RCC_APB1ENR_PWREN (1u << 28)

/* ---- Flash interface ---- */
#define FLASH_ACR STM32_REG(0x40023C00u)
#define FLASH_ACR_LATENCY_MASK 0xFu
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_F4_ICEN (1u << 9)
#define FLASH_ACR_F4_DCEN (1u << 10)
#define FLASH_ACR_F7_ARTEN (1u << 9)

/* ---- Power controller (PWR_CR/CSR on F4, PWR_CR1/CSR1 on F7: same offsets and bits used here) ---- */
#define PWR_CR STM32_REG(0x40007000u)
#define PWR_CSR STM32_REG(0x40007004u)
#define PWR_CR_VOS_MASK (3u << 14)
#define PWR_CR_ODEN (1u << 16)
#define PWR_CR_ODSWEN (1u << 17)
#define PWR_CSR_ODRDY (1u << 16)
#define PWR_CSR_ODSWRDY (1u << 17)

/* ---- GPIO: port n at 0x40020000 + n * 0x400 (AHB1) ---- */
#define GPIO_BASE(port) (0x40020000u + 0x400u * (uint32_t)(port))
#define GPIO_MODER(port) STM32_REG(GPIO_BASE(port) + 0x00u)
#define GPIO_OSPEEDR(port) STM32_REG(GPIO_BASE(port) + 0x08u)
#define GPIO_PUPDR(port) STM32_REG(GPIO_BASE(port) + 0x0Cu)
#define GPIO_AFR(port, pin) STM32_REG(GPIO_BASE(port) + 0x20u + 4u * ((uint32_t)(pin) >> 3))
#define GPIO_MODE_AF 2u
#define GPIO_SPEED_HIGH 2u
#define GPIO_PULL_UP 1u

/* ---- USART bases (identical on F4 and F7) ---- */
#define USART1_BASE 0x40011000u
#define USART2_BASE 0x40004400u
#define USART3_BASE 0x40004800u
#define UART4_BASE 0x40004C00u
#define UART5_BASE 0x40005000u
#define USART6_BASE 0x40011400u

/* F4 USART (RM0090 ch. 30): the layout QEMU's stm32f2xx_usart model also uses. */
#define USART_F4_SR 0x00u
#define USART_F4_DR 0x04u
#define USART_F4_BRR 0x08u
#define USART_F4_CR1 0x0Cu
#define USART_F4_CR1_UE (1u << 13)

/* F7 USART (RM0410 ch. 34): separate RDR/TDR and an ICR to clear errors. */
#define USART_F7_CR1 0x00u
#define USART_F7_CR3 0x08u
#define USART_F7_BRR 0x0Cu
#define USART_F7_ISR 0x1Cu
#define USART_F7_ICR 0x20u
#define USART_F7_RDR 0x24u
#define USART_F7_TDR 0x28u
#define USART_F7_CR1_UE (1u << 0)
#define USART_F7_CR3_OVRDIS (1u << 12)
#define USART_F7_ICR_ERRORS 0xFu /* PECF|FECF|NCF|ORECF */

/* Bits shared by both layouts (SR on F4, ISR on F7; CR1 positions). */
#define USART_RE (1u << 2)
#define USART_TE (1u << 3)
#define USART_RXNEIE (1u << 5)
#define USART_ORE (1u << 3)
#define USART_RXNE (1u << 5)
#define USART_TC (1u << 6)
#define USART_TXE (1u << 7)

#endif
