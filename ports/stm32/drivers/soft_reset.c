/* soft_reset.c: soft reset of the driver layer: interrupt table and EXTI cleared, peripherals pulsed through
   their RCC reset bits (RM0090 6.3.5-6.3.14 / RM0410 5.3.5-5.3.14). */
#include "drivers/soft_reset.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/exti.h"
#include "drivers/irq.h"
#include "stm32_series.h"

#define RCC_APB1RSTR DRV_REG(STM32_RCC + RCC_APB1RSTR_OFF)
#define RCC_APB2RSTR DRV_REG(STM32_RCC + RCC_APB2RSTR_OFF)

/* APB1: TIM2..7 and 12..14 (bits 0-8), SPI2/3 (14, 15), USART2/3, UART4/5 (17-20), I2C1-3 (21-23),
   I2C4 on the F7 (24), DAC (29), UART7/8 on the F7 (30, 31). */
#define APB1_DRIVERS (0x1FFu | (3u << 14) | (0xFu << 17) | (7u << 21) | (1u << 29))
#define APB1_F7_EXTRA ((1u << 24) | (3u << 30))
/* APB2: TIM1/8 (0, 1), USART1/6 (4, 5), ADC (8), SPI1/4 (12, 13), TIM9-11 (16-18), SPI5/6 (20, 21). */
#define APB2_DRIVERS (3u | (3u << 4) | (1u << 8) | (3u << 12) | (7u << 16) | (3u << 20))

/* The console's USART keeps running: its RCC reset bit is left out. USART1/6 sit on APB2 (bits 4, 5),
   USART2/3 and UART4/5 on APB1 (bits 17-20), UART7/8 on APB1 (bits 30, 31). */
static uint32_t console_apb1(uint32_t uart) {
    return uart >= 2u && uart <= 5u ? 1u << (15u + uart) : uart == 7u || uart == 8u ? 1u << (23u + uart) : 0u;
}

static uint32_t console_apb2(uint32_t uart) {
    return uart == 1u ? 1u << 4 : uart == 6u ? 1u << 5 : 0u;
}

void stm32_drivers_soft_reset(void) {
    stm32_irq_reset();
    stm32_exti_reset();
#if STM32_F7
    const uint32_t apb1 = (APB1_DRIVERS | APB1_F7_EXTRA) & ~console_apb1(stm32_chip.repl_uart);
#else
    const uint32_t apb1 = APB1_DRIVERS & ~console_apb1(stm32_chip.repl_uart);
#endif
    const uint32_t apb2 = APB2_DRIVERS & ~console_apb2(stm32_chip.repl_uart);
    RCC_APB1RSTR |= apb1;
    (void)RCC_APB1RSTR;
    RCC_APB1RSTR &= ~apb1;
    RCC_APB2RSTR |= apb2;
    (void)RCC_APB2RSTR;
    RCC_APB2RSTR &= ~apb2;
}
