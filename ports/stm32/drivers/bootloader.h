/* bootloader.h: jump into ST's system-memory bootloader (USB DFU, USART, ...) without BOOT0. */
#ifndef KILN_STM32_BOOTLOADER_H
#define KILN_STM32_BOOTLOADER_H

/* Puts the chip back in a reset-like state (interrupts off and cleared, SysTick off, peripherals reset,
   SYSCLK on HSI) and starts the ROM bootloader with its own stack and vector table. Never returns. */
void stm32_enter_bootloader(void) __attribute__((noreturn));

#endif
