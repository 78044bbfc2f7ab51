/* rp2_bootrom.h: functions of the RP2040 mask ROM found through its lookup table; BOOTSEL entry. */
#ifndef KILN_RP2_BOOTROM_H
#define KILN_RP2_BOOTROM_H

#include <stdint.h>

/* A ROM table code: two ASCII characters, first in the low byte. */
#define RP2_ROM_CODE(c1, c2) ((uint32_t)(c1) | ((uint32_t)(c2) << 8))
#define RP2_ROM_FUNC_RESET_USB_BOOT RP2_ROM_CODE('U', 'B')

/* The function's address (Thumb bit set) from the ROM's public function table, or 0 when the
 * ROM has no valid header ("Mu" + version 1 at 0x10) or no such entry. */
uintptr_t rp2_rom_func_lookup(uint32_t code);

/* Reboots into the ROM's USB boot mode (UF2 drive + PICOBOOT), like holding BOOTSEL at reset.
 * activity_gpio_mask: GPIOs the ROM may blink on activity (0 = none). Only returns, with
 * RP2_ERR_NOT_FOUND, when the ROM does not provide reset_usb_boot. */
int rp2_bootloader_enter(uint32_t activity_gpio_mask);

#endif
