/* bootrom.c: the mask ROM's public function table (lookup) and BOOTSEL entry through reset_usb_boot. */
/* walks the mask ROM's public function table (header at 0x10: "Mu", 1, version, then 16-bit table
 * pointers) to call reset_usb_boot ("UB") for BOOTSEL entry. */
#include "rp2_bootrom.h"

#include "rp2040.h"
#include "rp2_err.h"

#define ROM_MAGIC_ADDR 0x10u
#define ROM_FUNC_TABLE_PTR 0x14u
#define ROM_MAGIC 0x01754du /* 'M', 'u', 0x01 */
#define ROM_TABLE_MAX_ENTRIES 64u /* the real table has about 30; a bound for a corrupt one */
#define ROM_SIZE 0x4000u

typedef void (*reset_usb_boot_fn)(uint32_t gpio_activity_pin_mask, uint32_t disable_interface_mask);

/* ROM addresses are small constants; hiding them from the optimiser keeps GCC from treating
 * them as offsets from a null pointer. */
static uint32_t rom_read16(uintptr_t addr) {
    __asm volatile("" : "+r"(addr));
    return *(const volatile uint16_t *)addr;
}

static uint32_t rom_read32(uintptr_t addr) {
    __asm volatile("" : "+r"(addr));
    return *(const volatile uint32_t *)addr;
}

uintptr_t rp2_rom_func_lookup(uint32_t code) {
    if ((rom_read32(ROM_MAGIC_ADDR) & 0x00ffffffu) != ROM_MAGIC) {
        return 0;
    }
    uintptr_t entry = rom_read16(ROM_FUNC_TABLE_PTR);
    for (uint32_t n = 0; n < ROM_TABLE_MAX_ENTRIES && entry != 0u && entry + 4u <= ROM_SIZE; n++, entry += 4u) {
        uint32_t entry_code = rom_read16(entry);
        if (entry_code == 0u) {
            break;
        }
        if (entry_code == code) {
            uintptr_t func = rom_read16(entry + 2u);
            return func != 0u && func < ROM_SIZE ? func : 0u;
        }
    }
    return 0;
}

int rp2_bootloader_enter(uint32_t activity_gpio_mask) {
    uintptr_t func = rp2_rom_func_lookup(RP2_ROM_FUNC_RESET_USB_BOOT);
    if (func == 0u) {
        return RP2_ERR_NOT_FOUND;
    }
    __asm volatile("cpsid i" ::: "memory");
    ((reset_usb_boot_fn)func)(activity_gpio_mask, 0u); /* 0: both the UF2 drive and PICOBOOT */
    /* The ROM resets the chip; it returning would be a broken ROM. */
    __asm volatile("cpsie i" ::: "memory");
    return RP2_ERR_NOT_FOUND;
}
