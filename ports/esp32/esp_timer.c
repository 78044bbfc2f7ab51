/* esp_timer.c: ESP32-C3/C6 TIMG T0: 54-bit up-counter at 1 MHz, alarm with auto-reload, level interrupt. */
#include <errno.h>
#include <stddef.h>

#include "esp32_hal.h"
#include "esp_timer.h"
#include "soc_regs.h"

#define T0CONFIG(base) REG32((base) + 0x00u)
#define T0LO(base) REG32((base) + 0x04u)
#define T0HI(base) REG32((base) + 0x08u)
#define T0UPDATE(base) REG32((base) + 0x0Cu)
#define T0ALARMLO(base) REG32((base) + 0x10u)
#define T0ALARMHI(base) REG32((base) + 0x14u)
#define T0LOADLO(base) REG32((base) + 0x18u)
#define T0LOADHI(base) REG32((base) + 0x1Cu)
#define T0LOAD(base) REG32((base) + 0x20u)
#define INT_ENA(base) REG32((base) + 0x70u)
#define INT_RAW(base) REG32((base) + 0x74u)
#define INT_CLR(base) REG32((base) + 0x7Cu)
#define REGCLK(base) REG32((base) + 0xFCu)

#define CFG_USE_XTAL SOC_TIMG_T0_USE_XTAL /* 0 on the C6: XTAL is chosen in PCR */
#define CFG_ALARM_EN (1u << 10)
#define CFG_DIVCNT_RST (1u << 12)
#define CFG_DIVIDER_SHIFT 13
#define CFG_AUTORELOAD (1u << 29)
#define CFG_INCREASE (1u << 30)
#define CFG_EN (1u << 31)
#define UPDATE_LATCH (1u << 31)
#define INT_T0 (1u << 0)
#define REGCLK_EN (1u << 31)
#define COUNTER_MAX ((1ull << 54) - 1u)
#define LATCH_SPINS 1000u

static const uint32_t bases[ESP_TIMER_COUNT] = {TIMG0_BASE, TIMG1_BASE};
static const uint8_t sources[ESP_TIMER_COUNT] = {INTMTX_SOURCE_TG0_T0, INTMTX_SOURCE_TG1_T0};

/* Callbacks and modes; cleared by esp_timer_deinit_all() and by esp_timer_stop(). */
static struct {
    esp_timer_callback_t callback;
    void *arg;
    int periodic;
} timers[ESP_TIMER_COUNT];

static void timer_isr(void *arg) {
    unsigned id = (unsigned)(uintptr_t)arg;
    uint32_t base = bases[id];
    INT_CLR(base) = INT_T0;
    if (timers[id].periodic) {
        T0CONFIG(base) |= CFG_ALARM_EN; /* hardware clears it on every alarm */
    } else {
        T0CONFIG(base) &= ~CFG_EN;
        INT_ENA(base) &= ~INT_T0;
    }
    esp_timer_callback_t callback = timers[id].callback;
    if (callback != NULL) {
        callback(id, timers[id].arg);
    }
}

int esp_timer_start(unsigned id, uint64_t period_us, int periodic, esp_timer_callback_t callback, void *arg) {
    if (id >= ESP_TIMER_COUNT || period_us == 0u || period_us > COUNTER_MAX || callback == NULL) {
        return -EINVAL;
    }
    uint32_t base = bases[id];
    esp_timer_stop(id);
    soc_timg_clock_on(id);
    REGCLK(base) |= REGCLK_EN;
    /* XTAL / 40 = 1 MHz, counting up from 0; reload to 0 at each alarm when periodic. */
    uint32_t cfg = CFG_USE_XTAL | (40u << CFG_DIVIDER_SHIFT) | CFG_INCREASE | (periodic ? CFG_AUTORELOAD : 0u);
    T0CONFIG(base) = cfg | CFG_DIVCNT_RST;
    T0LOADLO(base) = 0;
    T0LOADHI(base) = 0;
    T0LOAD(base) = 1;
    T0ALARMLO(base) = (uint32_t)period_us;
    T0ALARMHI(base) = (uint32_t)(period_us >> 32);
    timers[id].callback = callback;
    timers[id].arg = arg;
    timers[id].periodic = periodic;
    INT_CLR(base) = INT_T0;
    int line = esp_irq_attach(sources[id], timer_isr, (void *)(uintptr_t)id);
    if (line < 0) {
        timers[id].callback = NULL;
        return line;
    }
    INT_ENA(base) |= INT_T0;
    T0CONFIG(base) = cfg | CFG_EN | CFG_ALARM_EN;
    return 0;
}

int esp_timer_stop(unsigned id) {
    if (id >= ESP_TIMER_COUNT) {
        return -EINVAL;
    }
    uint32_t base = bases[id];
    if (soc_timg_clock_is_on(id)) {
        T0CONFIG(base) &= ~(CFG_EN | CFG_ALARM_EN);
        INT_ENA(base) &= ~INT_T0;
        INT_CLR(base) = INT_T0;
    }
    esp_irq_detach(sources[id]);
    timers[id].callback = NULL;
    timers[id].arg = NULL;
    timers[id].periodic = 0;
    return 0;
}

int64_t esp_timer_count_us(unsigned id) {
    if (id >= ESP_TIMER_COUNT) {
        return -EINVAL;
    }
    uint32_t base = bases[id];
    T0UPDATE(base) = UPDATE_LATCH;
    /* The latch takes a few timer-clock cycles; the bit clears when it is done. */
    for (unsigned i = 0; i < LATCH_SPINS && (T0UPDATE(base) & UPDATE_LATCH) != 0u; i++) {
    }
    if (T0UPDATE(base) & UPDATE_LATCH) {
        return -ETIMEDOUT;
    }
    return (int64_t)(((uint64_t)(T0HI(base) & 0x3FFFFFu) << 32) | T0LO(base));
}

void esp_timer_deinit_all(void) {
    for (unsigned id = 0; id < ESP_TIMER_COUNT; id++) {
        esp_timer_stop(id);
    }
}
