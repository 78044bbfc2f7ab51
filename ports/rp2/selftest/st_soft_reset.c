/* st_soft_reset.c: self-test of rp2_soft_reset(). */
/* self-test of rp2_soft_reset(): drivers left running are stopped and their state structs start
 * over (alarm slots free, GPIO callbacks gone, PWM/SPI/I2C/ADC/UART1 unconfigured). */
#include "selftest.h"

#include "hal.h"
#include "rp2_adc.h"
#include "rp2_alarm.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"
#include "rp2_i2c.h"
#include "rp2_pwm.h"
#include "rp2_spi.h"
#include "rp2_uart.h"

static volatile uint32_t calls;

static void count(uint32_t pin, uint32_t events, void *arg) {
    (void)pin;
    (void)events;
    (void)arg;
    calls++;
}

static void never(uint32_t alarm, void *arg) {
    (void)alarm;
    (void)arg;
    calls++;
}

void st_soft_reset(void) {
    /* Leave everything running, then reset. */
    rp2_pwm_init(12, 1000, 30000);
    rp2_spi_init(0, 1000000, 18, 19, 16, 0);
    rp2_i2c_init(0, 100000, 8, 9);
    rp2_adc_init();
    rp2_uart_init(1, 9600, 4, 5);
    rp2_gpio_init(14, 1);
    rp2_gpio_init(15, 0);
    rp2_gpio_set_irq(15, RP2_GPIO_IRQ_EDGE_RISE, count, 0);
    int alarm = rp2_alarm_claim();
    rp2_alarm_set_in((uint32_t)alarm, 1000, never, 0);
    rp2_soft_reset();
    rp2_gpio_put(14, 1);
    hal_delay_us(2000);
    uint16_t raw;
    uint8_t byte = 0;
    int claimed = 0;
    while (rp2_alarm_claim() >= 0) {
        claimed++;
    }
    rp2_alarm_reset_state();
    st_check(calls == 0 && claimed == 4 && rp2_pwm_freq(6) == 0 && rp2_spi_baud(0) == 0 &&
                 rp2_uart_baud(1) == 0 && rp2_adc_read(0, &raw) == RP2_ERR_NOT_READY &&
                 rp2_i2c_write(0, 0x50, &byte, 1, 1, 1000) == RP2_ERR_NOT_READY,
             "soft_reset.drivers", "calls=%lu alarms free=%d", (unsigned long)calls, claimed);
    rp2_gpio_put(14, 0);
}
