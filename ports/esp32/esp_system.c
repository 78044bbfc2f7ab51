/* esp_system.c: ESP32-C3/C6 base MAC (eFuse BLOCK1), reset reason (C3 RTC_CNTL, C6 LP_CLKRST), entry to the
   ROM serial downloader. */
#include "esp_system.h"
#include "hal.h"
#include "soc_regs.h"

/* Reset reason codes (TRM, "Reset and Clock", reset sources; the C6 keeps the C3's numbers). */
#define REASON_POWERON 1u
#define REASON_SW_SYS 3u
#define REASON_DEEPSLEEP 5u
#define REASON_TG0_WDT_SYS 7u
#define REASON_TG1_WDT_SYS 8u
#define REASON_RTC_WDT_SYS 9u
#define REASON_TG0_WDT_CPU 11u
#define REASON_SW_CPU 12u
#define REASON_RTC_WDT_CPU 13u
#define REASON_BROWN_OUT 15u
#define REASON_RTC_WDT_RTC 16u
#define REASON_TG1_WDT_CPU 17u
#define REASON_SUPER_WDT 18u

void esp_base_mac(uint8_t mac[6]) {
    uint32_t low = EFUSE_RD_MAC_SPI_SYS_0;
    uint32_t high = EFUSE_RD_MAC_SPI_SYS_1;
    mac[0] = (uint8_t)(high >> 8);
    mac[1] = (uint8_t)high;
    mac[2] = (uint8_t)(low >> 24);
    mac[3] = (uint8_t)(low >> 16);
    mac[4] = (uint8_t)(low >> 8);
    mac[5] = (uint8_t)low;
}

unsigned esp_reset_reason(void) {
    return SOC_RESET_REASON();
}

int esp_reset_cause(void) {
    switch (esp_reset_reason()) {
        case REASON_SW_SYS:
        case REASON_SW_CPU:
            return ESP_RESET_SOFT;
        case REASON_DEEPSLEEP:
            return ESP_RESET_DEEPSLEEP;
        case REASON_TG0_WDT_SYS:
        case REASON_TG1_WDT_SYS:
        case REASON_RTC_WDT_SYS:
        case REASON_TG0_WDT_CPU:
        case REASON_RTC_WDT_CPU:
        case REASON_RTC_WDT_RTC:
        case REASON_TG1_WDT_CPU:
        case REASON_SUPER_WDT:
            return ESP_RESET_WDT;
        case REASON_POWERON:
        case REASON_BROWN_OUT:
            return ESP_RESET_PWRON;
        default:
            return ESP_RESET_HARD; /* chip-reset pin and the rest */
    }
}

void esp_enter_bootloader(void) {
    soc_force_download();
    hal_reset();
}
