/* pwm.c: PWM slices: 8.4 fractional divider + 16-bit TOP chosen for resolution, CC per channel. */
#include "rp2_pwm.h"

#include "hal.h"
#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"

#define PWM_SLICES 8u
#define PWM_CSR(s) (PWM_BASE + 0x14u * (s) + 0x00u)
#define PWM_DIV(s) (PWM_BASE + 0x14u * (s) + 0x04u)
#define PWM_CTR(s) (PWM_BASE + 0x14u * (s) + 0x08u)
#define PWM_CC(s) (PWM_BASE + 0x14u * (s) + 0x0cu)
#define PWM_TOP(s) (PWM_BASE + 0x14u * (s) + 0x10u)
#define PWM_CSR_EN 1u
#define TOP_MAX 65534u       /* so CC = TOP + 1 still fits 16 bits: a true 100 % duty */
#define DIV16_MIN 16u        /* divider 1.0 in 1/16ths */
#define DIV16_MAX 0xfffu     /* 255 + 15/16 */

static struct {
    uint32_t freq[PWM_SLICES];
    uint16_t duty[PWM_SLICES][2];
    uint8_t unreset;
} pwm;

static void pwm_ready(void) {
    if (!pwm.unreset) {
        REG_SET(RESETS_RESET, RESET_PWM);
        rp2_unreset(RESET_PWM);
        for (uint32_t s = 0; s < PWM_SLICES; s++) {
            pwm.freq[s] = 0;
        }
        pwm.unreset = 1;
    }
}

static void write_cc(uint32_t slice, uint32_t channel) {
    uint32_t top = REG32(PWM_TOP(slice)) & 0xffffu;
    uint32_t cc = (uint32_t)(((uint64_t)pwm.duty[slice][channel] * (top + 1u) + 32767u) / 65535u);
    uint32_t shift = channel ? 16u : 0u;
    REG32(PWM_CC(slice)) = (REG32(PWM_CC(slice)) & ~(0xffffu << shift)) | (cc << shift);
}

int rp2_pwm_set_freq(uint32_t slice, uint32_t freq_hz) {
    uint32_t clk = hal_cpu_hz(); /* PWM counts clk_sys */
    if (slice >= PWM_SLICES || freq_hz == 0u || freq_hz > clk / 2u) {
        return RP2_ERR_INVALID;
    }
    pwm_ready();
    /* Smallest divider that lets TOP fit (best resolution), then TOP for the frequency. */
    uint64_t clk16 = (uint64_t)clk * 16u;
    uint64_t div16 = (clk16 + (uint64_t)freq_hz * (TOP_MAX + 1u) - 1u) / ((uint64_t)freq_hz * (TOP_MAX + 1u));
    if (div16 < DIV16_MIN) {
        div16 = DIV16_MIN;
    }
    if (div16 > DIV16_MAX) {
        return RP2_ERR_INVALID; /* below clk_sys / (256 * 65535), about 7.5 Hz at 125 MHz */
    }
    uint32_t top = (uint32_t)(clk16 / (div16 * freq_hz)) - 1u;
    if (top > TOP_MAX) {
        top = TOP_MAX;
    }
    REG32(PWM_DIV(slice)) = (uint32_t)div16; /* INT in bits 11:4, FRAC in 3:0: same as 1/16ths */
    REG32(PWM_TOP(slice)) = top;
    pwm.freq[slice] = (uint32_t)(clk16 / (div16 * (top + 1u)));
    write_cc(slice, 0);
    write_cc(slice, 1);
    return RP2_OK;
}

uint32_t rp2_pwm_freq(uint32_t slice) {
    return slice < PWM_SLICES && pwm.unreset ? pwm.freq[slice] : 0u;
}

int rp2_pwm_set_duty_u16(uint32_t pin, uint32_t duty_u16) {
    if (pin >= RP2_GPIO_COUNT || duty_u16 > 65535u || !pwm.unreset) {
        return RP2_ERR_INVALID;
    }
    uint32_t slice = RP2_PWM_SLICE_OF(pin);
    pwm.duty[slice][pin & 1u] = (uint16_t)duty_u16;
    write_cc(slice, pin & 1u);
    return RP2_OK;
}

int rp2_pwm_init(uint32_t pin, uint32_t freq_hz, uint32_t duty_u16) {
    if (pin >= RP2_GPIO_COUNT || duty_u16 > 65535u) {
        return RP2_ERR_INVALID;
    }
    uint32_t slice = RP2_PWM_SLICE_OF(pin);
    pwm_ready();
    pwm.duty[slice][pin & 1u] = (uint16_t)duty_u16;
    int err = rp2_pwm_set_freq(slice, freq_hz);
    if (err != RP2_OK) {
        return err;
    }
    REG32(PWM_CTR(slice)) = 0;
    REG32(PWM_CSR(slice)) = PWM_CSR_EN; /* free-running, trailing-edge, not inverted */
    rp2_gpio_set_function(pin, IO_FUNC_PWM);
    return RP2_OK;
}

void rp2_pwm_reset_state(void) {
    REG_SET(RESETS_RESET, RESET_PWM);
    for (uint32_t s = 0; s < PWM_SLICES; s++) {
        pwm.freq[s] = 0;
        pwm.duty[s][0] = 0;
        pwm.duty[s][1] = 0;
    }
    pwm.unreset = 0;
}

void rp2_pwm_deinit(uint32_t pin) {
    if (pin >= RP2_GPIO_COUNT || !pwm.unreset) {
        return;
    }
    uint32_t slice = RP2_PWM_SLICE_OF(pin);
    REG32(PWM_CSR(slice)) = 0;
    pwm.freq[slice] = 0;
    rp2_gpio_set_function(pin, IO_FUNC_NULL);
}
