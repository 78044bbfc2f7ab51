/* chip.c: `stm32_chip`, the part's and the board's facts every other port file reads (the one file compiled per board). */
#include <stddef.h>

#include "board_config.h"
#include "drivers/chip.h"
#include "drivers/selftest.h"
#include "stm32_console.h"
#include "stm32_part.h"

const stm32_chip_t stm32_chip = {
    .gpio_ports = STM32_GPIO_PORTS,
    .uart_mask = STM32_UART_MASK,
    .tim_mask = STM32_TIM_MASK,
    .spi_mask = STM32_SPI_MASK,
    .i2c_mask = STM32_I2C_MASK,
    .adc_count = STM32_ADC_COUNT,
    .has_dac = STM32_HAS_DAC != 0,
    .adc_temp_ch = STM32_ADC_TEMP_CH,
    .irq_count = STM32_IRQ_COUNT,
    .repl_uart = KILN_REPL_UART,
    .console_irq = CON_IRQ,
    .flash_base = KILN_REGION_FLASH_ORIGIN,
    .flash_size = KILN_REGION_FLASH_LENGTH,
#ifdef KILN_STM32_EMULATOR_TIMER_HZ
    .emulator_timer_hz = KILN_STM32_EMULATOR_TIMER_HZ,
#else
    .emulator_timer_hz = 0u,
#endif
#ifdef KILN_EMULATOR
    .emulator = true,
#else
    .emulator = false,
#endif
#ifdef KILN_HAS_DRIVER_SELFTEST
    .selftest = stm32_selftest,
#else
    .selftest = NULL,
#endif
    .cpu_hz = KILN_CPU_HZ,
    .xtal_hz = KILN_XTAL_HZ,
    .apb2_max_hz = STM32_APB2_MAX_HZ,
    .overdrive_hz = STM32_OVERDRIVE_HZ,
    .pwr_vos = STM32_VOS,
#ifdef KILN_STM32_EMULATOR_HZ
    .emulator_cpu_hz = KILN_STM32_EMULATOR_HZ,
#else
    .emulator_cpu_hz = 0u,
#endif
    .console_base = CON_BASE,
    .console_rcc_bit = CON_EN_BIT,
    .console_on_apb2 = CON_ON_APB2 != 0,
    .console_af = CON_AF,
    .repl_tx_pin = KILN_REPL_TX_PIN,
    .repl_rx_pin = KILN_REPL_RX_PIN,
    .repl_baud = KILN_REPL_BAUD,
    .ram_base = KILN_REGION_RAM_ORIGIN,
    .ram_size = KILN_REGION_RAM_LENGTH,
#ifdef KILN_REGION_CCM_ORIGIN
    .ccm_base = KILN_REGION_CCM_ORIGIN,
    .ccm_size = KILN_REGION_CCM_LENGTH,
#else
    .ccm_base = 0u,
    .ccm_size = 0u,
#endif
};
