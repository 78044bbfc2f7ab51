/* bl_flash.c: bootloader flash access through the ICache: MMU entry 127 is a movable 64 KiB window. */
#include "../esp32c3_regs.h"
#include "bootloader.h"

#define WINDOW_ENTRY (MMU_ENTRIES - 1u)
#define WINDOW_VADDR (DROM_BASE + WINDOW_ENTRY * MMU_PAGE_SIZE)

/* Which flash page the window shows; reset by bl_flash_init(). */
static uint32_t window_page;

void bl_cache_invalidate(void) {
    EXTMEM_ICACHE_SYNC_CTRL = EXTMEM_INVALIDATE_ENA;
    /* Hardware clears INVALIDATE_ENA when done; bounded in case it never does. */
    for (unsigned i = 0; i < 100000u && (EXTMEM_ICACHE_SYNC_CTRL & EXTMEM_INVALIDATE_ENA) != 0u; i++) {
    }
}

void bl_cache_enable(void) {
    EXTMEM_ICACHE_CTRL |= EXTMEM_ICACHE_ENABLE;
    EXTMEM_ICACHE_CTRL1 &= ~(EXTMEM_SHUT_IBUS | EXTMEM_SHUT_DBUS);
}

void bl_flash_init(void) {
    /* Forget whatever the ROM mapped: every entry invalid until we say otherwise. */
    for (uint32_t i = 0; i < MMU_ENTRIES; i++) {
        MMU_ENTRY(i) = MMU_INVALID;
    }
    window_page = MMU_INVALID;
    bl_cache_invalidate();
    bl_cache_enable();
}

void bl_flash_read(uint32_t addr, void *dst, size_t len) {
    uint8_t *out = dst;
    while (len > 0u) {
        uint32_t page = addr / MMU_PAGE_SIZE;
        if (page != window_page) {
            MMU_ENTRY(WINDOW_ENTRY) = page & MMU_PAGE_MASK;
            bl_cache_invalidate();
            window_page = page;
        }
        uint32_t off = addr % MMU_PAGE_SIZE;
        size_t n = MMU_PAGE_SIZE - off;
        if (n > len) {
            n = len;
        }
        const volatile uint8_t *src = (const volatile uint8_t *)(uintptr_t)(WINDOW_VADDR + off);
        for (size_t i = 0; i < n; i++) {
            out[i] = src[i];
        }
        out += n;
        addr += (uint32_t)n;
        len -= n;
    }
}
