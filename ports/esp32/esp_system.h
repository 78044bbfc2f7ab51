/* esp_system.h: ESP32-C3/C6 chip identity and reset control: base MAC, reset reason, ROM download mode. */
#ifndef KILN_ESP_SYSTEM_H
#define KILN_ESP_SYSTEM_H

#include <stdint.h>

/* machine.reset_cause() values. */
enum {
    ESP_RESET_PWRON = 1,
    ESP_RESET_HARD = 2,
    ESP_RESET_WDT = 3,
    ESP_RESET_DEEPSLEEP = 4,
    ESP_RESET_SOFT = 5,
};

/* The factory base MAC from eFuse BLOCK1, first byte first (as esptool prints it). */
void esp_base_mac(uint8_t mac[6]);
/* The raw reset reason code for the CPU (RTC_CNTL on the C3, LP_CLKRST on the C6: 1 = power-on, 3 = software,
   7 = MWDT0 ...). */
unsigned esp_reset_reason(void);
/* The reason folded into the machine.reset_cause() classes above. */
int esp_reset_cause(void);
/* Sets the force-download option (RTC_CNTL / LP_AON) and resets: the ROM then waits for esptool. */
void esp_enter_bootloader(void) __attribute__((noreturn));

#endif
