/* chip.h: what the port's files know of the STM32 as data (`stm32_chip`, chip.c) and its fixed addresses. */
#ifndef KILN_STM32_CHIP_H
#define KILN_STM32_CHIP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Nothing here depends on the board, the part number or the series, so a file that reads the chip through this
 * header compiles to the same object for every STM32 board (and the shared object cache hands it to the next
 * board). Differences between parts and boards are the data in `stm32_chip` (chip.c, compiled per board from
 * stm32_part.h and board_config.h); differences in register layout between the F4 and F7 series are in
 * stm32_series.h (series/f4/ or series/f7/, on the port files' include path from the MCU file's `family`),
 * which only the files that need them include. (The portable core sees neither: kiln/toolchains.py.)
 */

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
    /* The clock tree clock.c aims for. */
    uint32_t cpu_hz;          /* the board's target core clock */
    uint32_t xtal_hz;         /* its HSE crystal (0: none, the PLL runs from HSI) */
    uint32_t apb2_max_hz;     /* the part's fastest APB2 clock; APB1 may run at half of it */
    uint32_t overdrive_hz;    /* clocks above this need the regulator's over-drive (0: the part has none) */
    uint32_t pwr_vos;         /* PWR_CR VOS field (bits 15:14) for the part's maximum clock */
    uint32_t emulator_cpu_hz; /* 0, or the fixed core clock of the board's emulator when it has no RCC */
    /* The REPL console (console.c) on USART `repl_uart`. */
    uint32_t console_base;    /* its registers */
    uint32_t console_rcc_bit; /* its clock enable in RCC_APB2ENR (console_on_apb2) or RCC_APB1ENR */
    bool console_on_apb2;
    uint8_t console_af;       /* alternate function of its pins */
    uint16_t repl_tx_pin;     /* pin codes (port * 16 + pin) */
    uint16_t repl_rx_pin;
    uint32_t repl_baud;
    /* The board's RAM regions (machine.mem8/16/32 may touch them); ccm_size 0 when the part has no CCM. */
    uint32_t ram_base;
    uint32_t ram_size;
    uint32_t ccm_base;
    uint32_t ccm_size;
} stm32_chip_t;

extern const stm32_chip_t stm32_chip;

/* True when bit `n` of `mask` is set (n may be past the mask's width: false). */
static inline bool stm32_chip_has(uint32_t mask, uint32_t n) {
    return n < 32u && ((mask >> n) & 1u) != 0u;
}

/* ---- Fixed addresses and clocks shared by every part here ---- */
#define STM32_HSI_HZ 16000000u
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
