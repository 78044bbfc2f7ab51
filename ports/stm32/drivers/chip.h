/* chip.h: what the drivers know of the STM32: register layouts per CPU core, the part and board as data (chip.c). */
#ifndef KILN_STM32_CHIP_H
#define KILN_STM32_CHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "core_config.h"

/*
 * Nothing here depends on the board or the part number, so a driver compiles to the same object for every
 * board with the same CPU core (and the shared object cache hands it to the next board). Differences
 * between parts are the data in `stm32_chip` (chip.c, compiled per board from stm32_part.h and
 * board_config.h); differences in register layout follow the CPU: the F7 parts are the Cortex-M7 ones.
 *
 * STM32_F7              1 for the F7 register layouts (USART, I2C, flash ACR, caches), 0 for F4
 * STM32_I2C_V2          1: the F7's I2C (TIMINGR, NBYTES); 0: the F4's I2C (CCR/TRISE, SB/ADDR/BTF)
 * STM32_IRQ_MAX         device interrupts the driver tables have room for (the largest part of the CPU)
 * STM32_UID_BASE        96-bit unique device ID
 * STM32_FLASH_SIZE_REG  16-bit flash size in KiB
 * STM32_CAL_*           factory calibration values (temperature at 30/110 C, VREFINT at 3.3 V)
 * STM32_SYSMEM_BASE     system memory: the ST ROM bootloader's vector table
 * STM32_FLASH_UNIT      size of sectors 0..3; sector 4 is 4 units, the rest 8 units (single-bank F7)
 */
#if defined(KILN_CORE_CORTEX_M7F)
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
#elif defined(KILN_CORE_CORTEX_M4F)
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
#else
#error "chip.h: the STM32 drivers know the Cortex-M4F (F4) and Cortex-M7F (F7) parts"
#endif

/* The part's peripheral set and the board facts the drivers and the other shared files need, filled in by chip.c
   for each board. */
typedef struct {
    uint16_t gpio_ports;      /* bit n: GPIO port n (A = 0) exists */
    uint16_t uart_mask;       /* bit n: USART/UART n exists */
    uint16_t tim_mask;        /* bit n: TIMn exists */
    uint8_t spi_mask;         /* bit n: SPIn exists */
    uint8_t i2c_mask;         /* bit n: I2Cn exists */
    uint8_t adc_count;        /* ADC1..ADCn */
    bool has_dac;             /* DAC with two channels on PA4/PA5 */
    uint8_t adc_temp_ch;      /* ADC1 channel of the temperature sensor (VREFINT is 17, VBAT 18 everywhere) */
    uint8_t irq_count;        /* device interrupts in the part's vector table (<= STM32_IRQ_MAX) */
    uint8_t repl_uart;        /* USART/UART index of the REPL console (never handed to machine.UART) */
    uint8_t console_irq;      /* its interrupt, served by the console itself */
    uint32_t flash_base;      /* the board's flash region */
    uint32_t flash_size;
    uint32_t emulator_timer_hz; /* 0, or the fixed rate an emulator's timers count at when it has no RCC */
    bool emulator;            /* the board also runs in an emulator (its `emulator` key): semihosting exit allowed */
    void (*selftest)(void);   /* test-only builds (feature driver_selftest): run instead of the REPL; else NULL */
} stm32_chip_t;

extern const stm32_chip_t stm32_chip;

/* True when bit `n` of `mask` is set (n may be past the mask's width: false). */
static inline bool stm32_chip_has(uint32_t mask, uint32_t n) {
    return n < 32u && ((mask >> n) & 1u) != 0u;
}

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
