/* soc_regs.h: picks the register header of the chip being built (ESP32-C3 or ESP32-C6). */
#ifndef KILN_SOC_REGS_H
#define KILN_SOC_REGS_H

#include "board_config.h"

#if defined(KILN_FAMILY_ESP32C6)
#include "esp32c6_regs.h"
#elif defined(KILN_FAMILY_ESP32C3)
#include "esp32c3_regs.h"
#else
#error "Kiln's esp32 HAL covers the ESP32-C3 and ESP32-C6 only"
#endif

#endif
