/* esp_adc.c: ESP32-C3/C6 SAR ADC1 one-shot mode: channel/attenuation select, start, poll ADC1_DONE, read. */
#include <errno.h>

#include "esp_adc.h"
#include "esp_gpio.h"
#include "hal.h"
#include "soc_regs.h"

#define SARADC_REG(off) REG32(SARADC_BASE + (off))
#define SARADC_CTRL SARADC_REG(0x00u)
#define SARADC_ONETIME SARADC_REG(0x20u)
#define SARADC_1_DATA SARADC_REG(0x2Cu)
#define SARADC_INT_RAW SARADC_REG(0x44u)
#define SARADC_INT_CLR SARADC_REG(0x4Cu)
#define SARADC_CLKM_CONF SARADC_REG(0x54u)

#define CTRL_SAR_CLK_GATED (1u << 6)
#define CTRL_SAR_CLK_DIV_SHIFT 7
#define CTRL_XPD_SAR_FORCE_ON (3u << 27)
#define ONETIME_ATTEN_SHIFT 23
#define ONETIME_CHANNEL_SHIFT 25
#define ONETIME_START (1u << 29)
#define ONETIME_SAR1 (1u << 31)
#define INT_ADC1_DONE (1u << 31)
#define CLKM_DIV_NUM 4u      /* APB 80 MHz / (4 + 1) = 16 MHz digital controller clock */
#define CLKM_EN (1u << 20)
#define CLKM_SEL_APB (2u << 21)
#define SAR_CLK_DIV 4u       /* SAR clock = controller clock / 4 */
#define DATA_MASK 0xFFFu
#define CONVERSION_TIMEOUT_US 1000u

int esp_adc_channel_of_pin(unsigned pin) {
    return pin < ESP_ADC1_CHANNELS ? (int)pin : -EINVAL;
}

int esp_adc_config_pin(unsigned pin) {
    if (esp_adc_channel_of_pin(pin) < 0) {
        return -EINVAL;
    }
    GPIO_ENABLE_W1TC = 1u << pin;
    IO_MUX_GPIO(pin) &= ~(IO_MUX_FUN_IE | IO_MUX_FUN_WPU | IO_MUX_FUN_WPD);
    return 0;
}

int esp_adc_read_raw(unsigned channel, unsigned atten) {
    if (channel >= ESP_ADC1_CHANNELS || atten > ESP_ADC_ATTEN_11DB) {
        return -EINVAL;
    }
#if defined(KILN_FAMILY_ESP32C6)
    /* The C6's controller clock comes from PCR: XTAL 40 MHz / (2 + 1) = 13.3 MHz. */
    PCR_SARADC_CONF = PCR_SARADC_CLK_EN | PCR_SARADC_REG_CLK_EN;
    PCR_SARADC_CLKM_CONF = PCR_FUNC_CLK_EN | (2u << PCR_SARADC_CLKM_DIV_NUM_SHIFT);
#else
    SYSTEM_PERIP_CLK_EN0 |= SYSTEM_CLK_SARADC;
    SARADC_CLKM_CONF = CLKM_DIV_NUM | CLKM_EN | CLKM_SEL_APB;
#endif
    /* Force the SAR powered: the one-shot path does not wake it by itself. The analog
       calibration the ROM loads over the internal I2C bus is not in the TRM and is not done here. */
    SARADC_CTRL = (SARADC_CTRL & ~(0xFFu << CTRL_SAR_CLK_DIV_SHIFT)) | CTRL_SAR_CLK_GATED |
                  (SAR_CLK_DIV << CTRL_SAR_CLK_DIV_SHIFT) | CTRL_XPD_SAR_FORCE_ON;
    uint32_t conf = ONETIME_SAR1 | (channel << ONETIME_CHANNEL_SHIFT) | (atten << ONETIME_ATTEN_SHIFT);
    SARADC_INT_CLR = INT_ADC1_DONE;
    SARADC_ONETIME = conf;
    SARADC_ONETIME = conf | ONETIME_START; /* a rising START begins one conversion */
    uint32_t start = hal_ticks_us();
    for (;;) {
        int expired = hal_ticks_us() - start > CONVERSION_TIMEOUT_US; /* read before the status */
        if (SARADC_INT_RAW & INT_ADC1_DONE) {
            break;
        }
        if (expired) {
            SARADC_ONETIME = conf;
            return -ETIMEDOUT;
        }
    }
    int value = (int)(SARADC_1_DATA & DATA_MASK);
    SARADC_INT_CLR = INT_ADC1_DONE;
    SARADC_ONETIME = conf;
    return value;
}
