/* bootloader.c: Kiln's ESP32-C3/C6 second stage: partition table → app image → jump. */
#include "../soc_regs.h"
#include "bootloader.h"

void bootloader_main(void) __attribute__((noreturn));

static void watchdogs_disable(void) {
    /* The ROM's flash-boot watchdogs would reset a slow load; the app re-arms what it wants. */
    SOC_RTC_WDT_WPROTECT = RTC_WDT_KEY;
    SOC_RTC_WDT_CONFIG0 &= ~(RTC_WDT_EN | RTC_WDT_FLASHBOOT_EN);
    SOC_RTC_WDT_WPROTECT = 0;
    TIMG_WDTWPROTECT(TIMG0_BASE) = TIMG_WDT_KEY;
    TIMG_WDTCONFIG0(TIMG0_BASE) &= ~(TIMG_WDT_EN | TIMG_WDT_FLASHBOOT_EN);
    TIMG_WDTWPROTECT(TIMG0_BASE) = 0;
    SOC_SWD_WPROTECT = SOC_SWD_KEY;
    SOC_SWD_CONF |= SOC_SWD_AUTO_FEED_EN;
    SOC_SWD_WPROTECT = 0;
}

void bootloader_main(void) {
    watchdogs_disable();
    bl_puts("\r\nkiln-boot: " KILN_MCU_NAME " second stage\r\n");
    bl_flash_init();
    bl_partitions_load();

    bl_partition_t app;
    bl_partitions_pick_app(&app);
    bl_puts("kiln-boot: booting '");
    bl_puts(app.label);
    bl_puts("' at ");
    bl_puthex(app.offset);
    bl_puts("\r\n");

    uint32_t entry = bl_image_load(&app);
    bl_puts("kiln-boot: entry ");
    bl_puthex(entry);
    bl_puts("\r\n");
    /* Let the last line leave the FIFO before the app reprograms the UART. */
    for (unsigned i = 0; i < 200000u && UART_STATUS_TXCNT(UART_STATUS(UART0_BASE)) != 0u; i++) {
    }
    void (*start)(void) = (void (*)(void))(uintptr_t)entry;
    start();
    for (;;) {
    }
}
