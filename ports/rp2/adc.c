/* adc.c: ADC single conversions with READY timeouts, pin setup, temperature sensor conversion. */
#include "rp2_adc.h"

#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"

#define ADC_CS (ADC_BASE + 0x00u)
#define ADC_RESULT (ADC_BASE + 0x04u)
#define ADC_CS_EN (1u << 0)
#define ADC_CS_TS_EN (1u << 1)
#define ADC_CS_START_ONCE (1u << 2)
#define ADC_CS_READY (1u << 8)
#define ADC_CS_ERR (1u << 9)
#define ADC_CS_AINSEL_LSB 12
/* A conversion is 96 clk_adc cycles (2 us at 48 MHz); the slowest fallback clock is the ROSC. */
#define ADC_TIMEOUT_US 1000u
#define VREF_UV 3300000
#define TEMP_V27_UV 706000 /* sensor voltage at 27 degrees C */
#define TEMP_SLOPE_UV 1721 /* per degree, falling with temperature */

static struct {
    uint8_t ready;
} adc;

static int wait_ready(void) {
    uint64_t deadline = rp2_time_us() + ADC_TIMEOUT_US;
    while (!(REG32(ADC_CS) & ADC_CS_READY)) {
        if (rp2_time_us() > deadline) {
            return RP2_ERR_TIMEOUT;
        }
    }
    return RP2_OK;
}

int rp2_adc_init(void) {
    adc.ready = 0;
    if (rp2_clk_adc_hz() == 0u) {
        return RP2_ERR_NOT_READY;
    }
    REG_SET(RESETS_RESET, RESET_ADC);
    rp2_unreset(RESET_ADC);
    REG32(ADC_CS) = ADC_CS_EN;
    int err = wait_ready();
    adc.ready = err == RP2_OK;
    return err;
}

void rp2_adc_reset_state(void) {
    REG_SET(RESETS_RESET, RESET_ADC);
    adc.ready = 0;
}

int rp2_adc_init_pin(uint32_t pin) {
    if (pin < RP2_ADC_FIRST_PIN || pin >= RP2_GPIO_COUNT) {
        return RP2_ERR_INVALID;
    }
    /* A digital input buffer on an analogue level leaks current: output and input off. */
    REG32(IO_GPIO_CTRL(pin)) = IO_FUNC_NULL;
    REG32(PADS_GPIO(pin)) = PADS_OD;
    return RP2_OK;
}

int rp2_adc_read(uint32_t channel, uint16_t *raw) {
    if (channel > RP2_ADC_TEMP_CHANNEL || raw == 0) {
        return RP2_ERR_INVALID;
    }
    if (!adc.ready) {
        return RP2_ERR_NOT_READY;
    }
    uint32_t cs = ADC_CS_EN | (channel << ADC_CS_AINSEL_LSB) | (channel == RP2_ADC_TEMP_CHANNEL ? ADC_CS_TS_EN : 0u);
    int err = wait_ready();
    if (err != RP2_OK) {
        return err;
    }
    REG32(ADC_CS) = cs;
    REG32(ADC_CS) = cs | ADC_CS_START_ONCE;
    err = wait_ready();
    if (err != RP2_OK) {
        return err;
    }
    *raw = (uint16_t)(REG32(ADC_RESULT) & 0xfffu);
    return RP2_OK;
}

int32_t rp2_adc_temp_mdeg(uint16_t raw) {
    int32_t uv = (int32_t)(((int64_t)raw * VREF_UV) / 4096);
    return 27000 - (int32_t)(((int64_t)(uv - TEMP_V27_UV) * 1000) / TEMP_SLOPE_UV);
}
