/* esp_pwm.c: ESP32-C3/C6 LEDC low-speed timers (10.8 fixed-point divider) and channels (duty, parameter update). */
#include <errno.h>

#include "esp_gpio.h"
#include "esp_pwm.h"
#include "soc_regs.h"

#define LEDC_REG(off) REG32(LEDC_BASE + (off))
#define LEDC_CH_CONF0(ch) LEDC_REG(0x00u + 0x14u * (ch))
#define LEDC_CH_HPOINT(ch) LEDC_REG(0x04u + 0x14u * (ch))
#define LEDC_CH_DUTY(ch) LEDC_REG(0x08u + 0x14u * (ch))
#define LEDC_CH_CONF1(ch) LEDC_REG(0x0Cu + 0x14u * (ch))
#define LEDC_CH_DUTY_R(ch) LEDC_REG(0x10u + 0x14u * (ch))
#define LEDC_TIMER_CONF(t) LEDC_REG(0xA0u + 8u * (t))
#define LEDC_CONF LEDC_REG(SOC_LEDC_CONF_OFFSET)

#define CONF0_SIG_OUT_EN (1u << 2)
#define CONF0_IDLE_LV (1u << 3)
#define CONF0_PARA_UP (1u << 4)
#define CONF1_DUTY_START (1u << 31)
#define CONF1_DUTY_INC (1u << 30)
#define CONF1_ONE_STEP ((1u << 20) | (1u << 10)) /* DUTY_NUM 1, DUTY_CYCLE 1, DUTY_SCALE 0: jump at once */
/* The C6 keeps a channel's fade steps in a gamma RAM: entry 0 with the same one-step jump, 1 entry used. */
#define LEDC_CH_GAMMA_WR(ch) LEDC_REG(0x100u + 0x10u * (ch))
#define LEDC_CH_GAMMA_WR_ADDR(ch) LEDC_REG(0x104u + 0x10u * (ch))
#define LEDC_CH_GAMMA_CONF(ch) LEDC_REG(0x180u + 4u * (ch))
#define GAMMA_ONE_STEP ((1u << 21) | (1u << 1) | 1u) /* DUTY_NUM 1, DUTY_CYCLE 1, SCALE 0, INC */
#define TIMER_DIV_SHIFT SOC_LEDC_TIMER_DIV_SHIFT
#define TIMER_RES_MASK ((1u << SOC_LEDC_TIMER_DIV_SHIFT) - 1u)
#define TIMER_DIV_MAX ((1u << 18) - 1u)
#define TIMER_RST SOC_LEDC_TIMER_RST
#define TIMER_PARA_UP SOC_LEDC_TIMER_PARA_UP
#define CONF_CLK_EN (1u << 31)
#define CONF_SEL_XTAL 3u
#define MAX_BITS 14u
#define SRC_HZ 40000000u

static unsigned timer_bits(unsigned timer) {
    return LEDC_TIMER_CONF(timer) & TIMER_RES_MASK;
}

int esp_pwm_timer_config(unsigned timer, uint32_t freq_hz) {
    if (timer >= ESP_PWM_TIMERS || freq_hz == 0u || freq_hz > SRC_HZ / 2u) {
        return -EINVAL;
    }
    unsigned bits = 1;
    while (bits < MAX_BITS && ((uint64_t)freq_hz << (bits + 1u)) <= SRC_HZ) {
        bits++;
    }
    /* Divider with 8 fractional bits; at least 1.0. */
    uint64_t div = (((uint64_t)SRC_HZ << 8) + (((uint64_t)freq_hz << bits) / 2u)) / ((uint64_t)freq_hz << bits);
    if (div < 256u || div > TIMER_DIV_MAX) {
        return -EINVAL; /* too slow for the 10-bit integer part even at 1-bit resolution */
    }
    soc_ledc_clock_on(); /* the XTAL as the timers' source */
    LEDC_CONF = CONF_CLK_EN | CONF_SEL_XTAL;
    LEDC_TIMER_CONF(timer) = bits | ((uint32_t)div << TIMER_DIV_SHIFT); /* RST and PAUSE cleared: running */
    LEDC_TIMER_CONF(timer) = bits | ((uint32_t)div << TIMER_DIV_SHIFT) | TIMER_PARA_UP;
    return 0;
}

uint32_t esp_pwm_timer_freq(unsigned timer) {
    if (timer >= ESP_PWM_TIMERS) {
        return 0;
    }
    uint32_t conf = LEDC_TIMER_CONF(timer);
    uint32_t div = (conf >> TIMER_DIV_SHIFT) & TIMER_DIV_MAX;
    if (div == 0u || (conf & TIMER_RST)) {
        return 0;
    }
    return (uint32_t)((((uint64_t)SRC_HZ << 8) / div) >> (conf & TIMER_RES_MASK));
}

unsigned esp_pwm_timer_bits(unsigned timer) {
    return timer < ESP_PWM_TIMERS ? timer_bits(timer) : 0u;
}

static uint32_t duty_counts(unsigned timer, uint32_t duty_u16) {
    unsigned bits = timer_bits(timer);
    if (duty_u16 >= 65535u) {
        return 1u << bits; /* full period: output never drops */
    }
    return (uint32_t)(((uint64_t)duty_u16 << bits) + 32768u) >> 16;
}

static void apply_duty(unsigned channel, uint32_t counts) {
    LEDC_CH_HPOINT(channel) = 0;
    LEDC_CH_DUTY(channel) = counts << 4; /* 4 fractional bits */
#if defined(KILN_FAMILY_ESP32C6)
    LEDC_CH_GAMMA_WR_ADDR(channel) = 0;
    LEDC_CH_GAMMA_WR(channel) = GAMMA_ONE_STEP;
    LEDC_CH_GAMMA_CONF(channel) = 1u;
    LEDC_CH_CONF1(channel) = CONF1_DUTY_START;
#else
    LEDC_CH_CONF1(channel) = CONF1_DUTY_START | CONF1_DUTY_INC | CONF1_ONE_STEP;
#endif
    LEDC_CH_CONF0(channel) |= CONF0_PARA_UP;
}

int esp_pwm_channel_config(unsigned channel, unsigned timer, unsigned pin, uint32_t duty_u16) {
    if (channel >= ESP_PWM_CHANNELS || timer >= ESP_PWM_TIMERS || duty_u16 > 65535u) {
        return -EINVAL;
    }
    int err = esp_gpio_check(pin);
    if (err != 0) {
        return err;
    }
    if (esp_pwm_timer_freq(timer) == 0u) {
        return -ENODEV; /* timer not configured */
    }
    LEDC_CH_CONF0(channel) = timer | CONF0_SIG_OUT_EN;
    apply_duty(channel, duty_counts(timer, duty_u16));
    return esp_gpio_route_output(pin, SIG_LEDC_LS0 + channel, 0, 0);
}

int esp_pwm_set_duty(unsigned channel, uint32_t duty_u16) {
    if (channel >= ESP_PWM_CHANNELS || duty_u16 > 65535u) {
        return -EINVAL;
    }
    apply_duty(channel, duty_counts(LEDC_CH_CONF0(channel) & 3u, duty_u16));
    return 0;
}

uint32_t esp_pwm_get_duty(unsigned channel) {
    if (channel >= ESP_PWM_CHANNELS) {
        return 0;
    }
    unsigned bits = timer_bits(LEDC_CH_CONF0(channel) & 3u);
    uint32_t counts = (LEDC_CH_DUTY_R(channel) >> 4) & 0x7FFFu;
    if (counts >= (1u << bits)) {
        return 65535u;
    }
    return (uint32_t)(((uint64_t)counts << 16) >> bits);
}

int esp_pwm_channel_stop(unsigned channel, int idle_level) {
    if (channel >= ESP_PWM_CHANNELS) {
        return -EINVAL;
    }
    uint32_t conf0 = LEDC_CH_CONF0(channel) & ~(CONF0_SIG_OUT_EN | CONF0_IDLE_LV);
    LEDC_CH_CONF0(channel) = conf0 | (idle_level ? CONF0_IDLE_LV : 0u) | CONF0_PARA_UP;
    return 0;
}
