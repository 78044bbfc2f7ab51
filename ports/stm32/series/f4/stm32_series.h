/* stm32_series.h (F4): register layouts and system-memory addresses of the STM32F4 series, for the port's files. */
#ifndef KILN_STM32_SERIES_H
#define KILN_STM32_SERIES_H

/*
 * ports/stm32/SConscript puts series/f4/ or series/f7/ on the port files' include path from the MCU file's
 * `family`. Only the files whose code differs between the series include this header; every other port file
 * compiles to the same object for an F4 and an F7 board (and the shared object cache hands it to both).
 *
 * STM32_F7              1 for the F7 register layouts (USART, I2C, flash ACR, caches), 0 for F4
 * STM32_I2C_V2          1: the F7's I2C (TIMINGR, NBYTES); 0: the F4's I2C (CCR/TRISE, SB/ADDR/BTF)
 * STM32_IRQ_MAX         device interrupts the driver tables have room for (the largest part of the series)
 * STM32_UID_BASE        96-bit unique device ID
 * STM32_FLASH_SIZE_REG  16-bit flash size in KiB
 * STM32_CAL_*           factory calibration values (temperature at 30/110 C, VREFINT at 3.3 V)
 * STM32_SYSMEM_BASE     system memory: the ST ROM bootloader's vector table
 * STM32_FLASH_UNIT      size of sectors 0..3; sector 4 is 4 units, the rest 8 units (single-bank F7)
 */
#define STM32_F7 0
#define STM32_I2C_V2 0
#define STM32_IRQ_MAX 97u /* F446 */
#define STM32_UID_BASE 0x1FFF7A10u
#define STM32_FLASH_SIZE_REG 0x1FFF7A22u
#define STM32_CAL_VREFINT 0x1FFF7A2Au
#define STM32_CAL_TS1 0x1FFF7A2Cu
#define STM32_CAL_TS2 0x1FFF7A2Eu
#define STM32_SYSMEM_BASE 0x1FFF0000u
#define STM32_FLASH_UNIT 0x4000u

#endif
