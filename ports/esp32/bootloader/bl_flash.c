/* bl_flash.c: bootloader flash access through the ICache: MMU entry 127 is a movable 64 KiB window. */
#include "../soc_regs.h"
#include "bootloader.h"

#define WINDOW_ENTRY SOC_MMU_WINDOW_ENTRY
#define WINDOW_VADDR SOC_MMU_WINDOW_VADDR
#define NO_PAGE 0xFFFFFFFFu

/* Which flash page the window shows; reset by bl_flash_init(). */
static uint32_t window_page;

void bl_cache_invalidate(void) {
    soc_cache_invalidate();
}

void bl_cache_enable(void) {
    soc_cache_enable();
}

void bl_flash_init(void) {
    /* Forget whatever the ROM mapped: every entry invalid until we say otherwise. */
    for (uint32_t i = 0; i < SOC_MMU_ENTRIES; i++) {
        soc_mmu_clear(i);
    }
    window_page = NO_PAGE;
    bl_cache_invalidate();
    bl_cache_enable();
}

void bl_flash_read(uint32_t addr, void *dst, size_t len) {
    uint8_t *out = dst;
    while (len > 0u) {
        uint32_t page = addr / MMU_PAGE_SIZE;
        if (page != window_page) {
            soc_mmu_set(WINDOW_ENTRY, page);
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
