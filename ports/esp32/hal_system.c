/* hal_system.c: ESP32-C3 bring-up order, watchdogs, heap, reset and the emulator-visible exit. */
#include <stddef.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "hal.h"

/* From the linker script: free RAM between .bss and the stack. */
extern uint8_t _heap_start[];
extern uint8_t _heap_end[];

void esp32_watchdogs_disable(void) {
    /* The ROM arms the RTC WDT and both MWDTs in flash-boot mode; they would reset us in ~1 s. */
    RTC_CNTL_WDTWPROTECT = RTC_WDT_KEY;
    RTC_CNTL_WDTCONFIG0 &= ~(RTC_WDT_EN | RTC_WDT_FLASHBOOT_EN);
    RTC_CNTL_WDTWPROTECT = 0;

    const uint32_t groups[2] = {TIMG0_BASE, TIMG1_BASE};
    for (unsigned i = 0; i < 2; i++) {
        TIMG_WDTWPROTECT(groups[i]) = TIMG_WDT_KEY;
        TIMG_WDTCONFIG0(groups[i]) &= ~(TIMG_WDT_EN | TIMG_WDT_FLASHBOOT_EN);
        TIMG_WDTWPROTECT(groups[i]) = 0;
    }

    /* The super watchdog cannot be switched off in all revisions; auto-feed keeps it quiet. */
    RTC_CNTL_SWD_WPROTECT = RTC_SWD_KEY;
    RTC_CNTL_SWD_CONF |= RTC_SWD_AUTO_FEED_EN;
    RTC_CNTL_SWD_WPROTECT = 0;
}

void hal_init(void) {
    esp32_irq_disable();
    esp32_watchdogs_disable();
    esp32_clock_init();
    /* SYSTIMER runs from XTAL, so ticks stay right whatever the CPU clock became. */
    SYSTIMER_CONF |= SYSTIMER_CONF_CLK_EN | SYSTIMER_CONF_UNIT0_WORK_EN;
    esp32_irq_init();
    esp32_uart_init();
    esp32_irq_enable();
}

void hal_heap_region(void **start, size_t *len) {
    *start = _heap_start;
    *len = (size_t)(_heap_end - _heap_start);
}

void hal_reset(void) {
    esp32_irq_disable();
    RTC_CNTL_OPTIONS0 |= RTC_CNTL_SW_SYS_RST;
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void hal_exit(int code) {
    /* STORE0 is a retention scratch register: harmless on hardware, watched by the emulator,
       which ends the run with this code when the reset below is requested. */
    RTC_CNTL_STORE0 = KILN_EXIT_MAGIC | ((uint32_t)code & 0xFFu);
    hal_reset();
}

static void put_hex(uint32_t v) {
    char s[10] = {'0', 'x'};
    for (int i = 0; i < 8; i++) {
        s[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    }
    hal_stdout_write(s, sizeof s);
}

void esp32_exception(uint32_t mcause, uint32_t mepc, uint32_t mtval) {
    hal_stdout_write("\r\nkiln: CPU exception mcause=", 29);
    put_hex(mcause);
    hal_stdout_write(" mepc=", 6);
    put_hex(mepc);
    hal_stdout_write(" mtval=", 7);
    put_hex(mtval);
    hal_stdout_write("; resetting\r\n", 13);
    hal_delay_ms(100);
    hal_reset();
}
