/* stm32_series.h (F7): register layouts and system-memory addresses of the STM32F7 series, for the port's files. */
#ifndef KILN_STM32_SERIES_H
#define KILN_STM32_SERIES_H

/* The same names as series/f4/stm32_series.h, which says what each one is and who includes this header. */
#define STM32_F7 1
#define STM32_I2C_V2 1
#define STM32_IRQ_MAX 110u /* F76x */
#define STM32_UID_BASE 0x1FF0F420u
#define STM32_FLASH_SIZE_REG 0x1FF0F442u
#define STM32_CAL_VREFINT 0x1FF0F44Au
#define STM32_CAL_TS1 0x1FF0F44Cu
#define STM32_CAL_TS2 0x1FF0F44Eu
#define STM32_SYSMEM_BASE 0x1FF00000u
#define STM32_FLASH_UNIT 0x8000u

#endif
