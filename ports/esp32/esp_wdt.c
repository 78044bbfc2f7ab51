/* esp_wdt.c: ESP32-C3/C6 MWDT0/MWDT1 (timer groups) and (C3) RTC WDT: write-protect key, stage 0 = reset, feed. */
#include <errno.h>

#include "esp_wdt.h"
#include "soc_regs.h"

#define ACTION_RESET_SYSTEM_MWDT 3u /* MWDT stage actions: 1 interrupt, 2 CPU reset, 3 system reset */
#define ACTION_RESET_SYSTEM_RTC 4u  /* RTC WDT: 1 interrupt, 2 CPU, 3 core, 4 system reset */
#define RESET_LENGTH 7u             /* longest reset pulse */
#define MWDT_PRESCALE 40000u        /* 40 MHz XTAL / 40000 = 1 ms per tick */
#define RTC_SLOW_HZ 136000u

static uint32_t mwdt_base(unsigned wdt) {
    return wdt == ESP_WDT_MWDT0 ? TIMG0_BASE : TIMG1_BASE;
}

int esp_wdt_start(unsigned wdt, uint32_t timeout_ms) {
    if (wdt >= ESP_WDT_COUNT || timeout_ms == 0u) {
        return -EINVAL;
    }
    if (wdt == ESP_WDT_RTC) {
#if !defined(KILN_FAMILY_ESP32C3)
        return -ENOTSUP; /* the C6's RTC WDT lives in LP_WDT: not driven yet */
#else
        if (timeout_ms > 0xFFFFFFFFu / RTC_SLOW_HZ * 1000u) {
            return -EINVAL;
        }
        RTC_CNTL_WDTWPROTECT = RTC_WDT_KEY;
        RTC_CNTL_WDTCONFIG0 = 0;
        RTC_CNTL_WDTCONFIG1 = timeout_ms * (RTC_SLOW_HZ / 1000u);
        RTC_CNTL_WDTFEED = RTC_WDT_FEED;
        RTC_CNTL_WDTCONFIG0 = RTC_WDT_EN | (ACTION_RESET_SYSTEM_RTC << RTC_WDT_STG0_SHIFT) |
                              (RESET_LENGTH << RTC_WDT_SYS_RESET_LENGTH_SHIFT) |
                              (RESET_LENGTH << RTC_WDT_CPU_RESET_LENGTH_SHIFT);
        RTC_CNTL_WDTWPROTECT = 0;
        return 0;
#endif
    }
    uint32_t base = mwdt_base(wdt);
    soc_timg_clock_on(wdt == ESP_WDT_MWDT0 ? 0u : 1u);
    TIMG_WDTWPROTECT(base) = TIMG_WDT_KEY;
    TIMG_WDTCONFIG0(base) = TIMG_WDT_CONF_UPDATE; /* off while it is reconfigured */
    TIMG_WDTCONFIG1(base) = (MWDT_PRESCALE << TIMG_WDT_PRESCALE_SHIFT) | TIMG_WDT_DIVCNT_RST;
    TIMG_WDTCONFIG2(base) = timeout_ms;
    TIMG_WDTFEED(base) = 1;
    TIMG_WDTCONFIG0(base) = TIMG_WDT_EN | (ACTION_RESET_SYSTEM_MWDT << TIMG_WDT_STG0_SHIFT) | SOC_TIMG_WDT_USE_XTAL |
                            (RESET_LENGTH << TIMG_WDT_SYS_RESET_LENGTH_SHIFT) |
                            (RESET_LENGTH << TIMG_WDT_CPU_RESET_LENGTH_SHIFT) | TIMG_WDT_CONF_UPDATE;
    TIMG_WDTWPROTECT(base) = 0;
    return 0;
}

int esp_wdt_feed(unsigned wdt) {
    if (wdt >= ESP_WDT_COUNT) {
        return -EINVAL;
    }
    if (wdt == ESP_WDT_RTC) {
#if defined(KILN_FAMILY_ESP32C3)
        RTC_CNTL_WDTWPROTECT = RTC_WDT_KEY;
        RTC_CNTL_WDTFEED = RTC_WDT_FEED;
        RTC_CNTL_WDTWPROTECT = 0;
#else
        return -ENOTSUP;
#endif
    } else {
        uint32_t base = mwdt_base(wdt);
        TIMG_WDTWPROTECT(base) = TIMG_WDT_KEY;
        TIMG_WDTFEED(base) = 1;
        TIMG_WDTWPROTECT(base) = 0;
    }
    return 0;
}

int esp_wdt_stop(unsigned wdt) {
    if (wdt >= ESP_WDT_COUNT) {
        return -EINVAL;
    }
    if (wdt == ESP_WDT_RTC) {
        SOC_RTC_WDT_WPROTECT = RTC_WDT_KEY;
        SOC_RTC_WDT_CONFIG0 &= ~(RTC_WDT_EN | RTC_WDT_FLASHBOOT_EN);
        SOC_RTC_WDT_WPROTECT = 0;
    } else {
        uint32_t base = mwdt_base(wdt);
        TIMG_WDTWPROTECT(base) = TIMG_WDT_KEY;
        TIMG_WDTCONFIG0(base) = (TIMG_WDTCONFIG0(base) & ~(TIMG_WDT_EN | TIMG_WDT_FLASHBOOT_EN)) | TIMG_WDT_CONF_UPDATE;
        TIMG_WDTWPROTECT(base) = 0;
    }
    return 0;
}
