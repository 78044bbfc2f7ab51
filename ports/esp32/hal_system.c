/* hal_system.c: ESP32-C3/C6 bring-up order, watchdogs, heap, reset and the emulator-visible exit. */
#include <stddef.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "soc_regs.h"
#include "hal.h"

/* From the linker script: free RAM between .bss and the stack. */
extern uint8_t _heap_start[];
extern uint8_t _heap_end[];

void esp32_watchdogs_disable(void) {
    /* The ROM arms the RTC WDT and both MWDTs in flash-boot mode; they would reset us in ~1 s. */
    SOC_RTC_WDT_WPROTECT = RTC_WDT_KEY;
    SOC_RTC_WDT_CONFIG0 &= ~(RTC_WDT_EN | RTC_WDT_FLASHBOOT_EN);
    SOC_RTC_WDT_WPROTECT = 0;

    const uint32_t groups[2] = {TIMG0_BASE, TIMG1_BASE};
    for (unsigned i = 0; i < 2; i++) {
        TIMG_WDTWPROTECT(groups[i]) = TIMG_WDT_KEY;
        TIMG_WDTCONFIG0(groups[i]) &= ~(TIMG_WDT_EN | TIMG_WDT_FLASHBOOT_EN);
        TIMG_WDTWPROTECT(groups[i]) = 0;
    }

    /* The super watchdog cannot be switched off in all revisions; auto-feed keeps it quiet. */
    SOC_SWD_WPROTECT = SOC_SWD_KEY;
    SOC_SWD_CONF |= SOC_SWD_AUTO_FEED_EN;
    SOC_SWD_WPROTECT = 0;
}

void hal_init(void) {
    esp32_irq_disable();
    esp32_watchdogs_disable();
    esp32_clock_init();
    /* SYSTIMER runs from XTAL, so ticks stay right whatever the CPU clock became. */
    SYSTIMER_CONF |= SYSTIMER_CONF_CLK_EN | SYSTIMER_CONF_UNIT0_WORK_EN;
    esp32_irq_init();
    esp32_console_init();
    esp32_irq_enable();
}

void hal_heap_region(void **start, size_t *len) {
    *start = _heap_start;
    *len = (size_t)(_heap_end - _heap_start);
}

void hal_reset(void) {
    esp32_irq_disable();
    soc_software_reset();
    for (;;) {
        __asm__ volatile("wfi");
    }
}

bool hal_exit_ends_run(void) {
#ifdef KILN_EMULATOR
    return true;
#else
    return false;
#endif
}

void hal_exit(int code) {
    /* STORE0 is a retention scratch register: harmless on hardware, watched by the emulator,
       which ends the run with this code when the reset below is requested. */
    SOC_EXIT_STORE = KILN_EXIT_MAGIC | ((uint32_t)code & 0xFFu);
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
