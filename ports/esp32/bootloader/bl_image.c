/* bl_image.c: bootloader app image check (esptool format), RAM segment copy and flash MMU mapping. */
#include "../soc_regs.h"
#include "bootloader.h"

#define IMAGE_MAGIC 0xE9u
#define IMAGE_HEADER_SIZE 24u
#define SEGMENT_HEADER_SIZE 8u
#define MAX_SEGMENTS 16u
#define CHECKSUM_SEED 0xEFu

extern uint8_t _bl_iram_start[], _bl_iram_end[], _bl_dram_start[], _bl_dram_end[];

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int in_window(uint32_t addr, uint32_t len, uint32_t start, uint32_t end) {
    return addr >= start && addr <= end && len <= end - addr;
}

static int overlaps(uint32_t addr, uint32_t len, const uint8_t *start, const uint8_t *end) {
    uint32_t s = (uint32_t)(uintptr_t)start;
    uint32_t e = (uint32_t)(uintptr_t)end;
    return addr < e && addr + len > s;
}

/* Map [vaddr, vaddr+len) of IROM or DROM to flash at paddr; one table serves both. */
static void map_flash(uint32_t vaddr, uint32_t paddr, uint32_t len) {
    if (vaddr % MMU_PAGE_SIZE != paddr % MMU_PAGE_SIZE) {
        bl_fail_at("app segment not aligned to its flash page, vaddr", vaddr);
    }
    uint32_t first = soc_mmu_entry_of(vaddr);
    uint32_t last = soc_mmu_entry_of(vaddr + len - 1u);
    uint32_t page = paddr / MMU_PAGE_SIZE;
    for (uint32_t i = first; i <= last; i++, page++) {
        int32_t old = soc_mmu_page(i);
        if (old >= 0 && (uint32_t)old != page) {
            bl_fail_at("app IROM and DROM segments need the same MMU entry", i);
        }
        soc_mmu_set(i, page);
    }
}

typedef struct {
    uint32_t vaddr, paddr, len;
} flash_seg_t;

/* XOR of flash bytes that are not copied anywhere (flash-mapped and padding segments). */
static uint8_t checksum_flash(uint8_t sum, uint32_t addr, uint32_t len) {
    uint8_t chunk[256];
    for (uint32_t off = 0; off < len;) {
        uint32_t n = len - off < sizeof chunk ? len - off : (uint32_t)sizeof chunk;
        bl_flash_read(addr + off, chunk, n);
        for (uint32_t k = 0; k < n; k++) {
            sum ^= chunk[k];
        }
        off += n;
    }
    return sum;
}

uint32_t bl_image_load(const bl_partition_t *app) {
    uint8_t header[IMAGE_HEADER_SIZE];
    bl_flash_read(app->offset, header, sizeof header);
    if (header[0] != IMAGE_MAGIC) {
        bl_fail_at("no app image in the partition: bad magic", header[0]);
    }
    unsigned count = header[1];
    uint32_t entry = le32(header + 4);
    uint32_t chip = (uint32_t)header[12] | ((uint32_t)header[13] << 8);
    if (chip != SOC_IMAGE_CHIP_ID) {
        bl_fail_at("app image is for another chip, chip id", chip);
    }
    if (count == 0u || count > MAX_SEGMENTS) {
        bl_fail_at("app image has a bad segment count", count);
    }

    flash_seg_t flash_segs[MAX_SEGMENTS];
    unsigned flash_count = 0;
    uint8_t checksum = CHECKSUM_SEED;
    uint32_t pos = app->offset + IMAGE_HEADER_SIZE;
    uint32_t end = app->offset + app->size;

    for (unsigned s = 0; s < count; s++) {
        uint8_t sh[SEGMENT_HEADER_SIZE];
        bl_flash_read(pos, sh, sizeof sh);
        uint32_t addr = le32(sh);
        uint32_t len = le32(sh + 4);
        pos += SEGMENT_HEADER_SIZE;
        if (len > end - pos) {
            bl_fail_at("app segment runs past the partition end, segment", s);
        }
        if (in_window(addr, len, IROM_BASE, IROM_BASE + EXTMEM_WINDOW_SIZE) ||
            in_window(addr, len, DROM_BASE, DROM_BASE + EXTMEM_WINDOW_SIZE)) {
            flash_seg_t *f = &flash_segs[flash_count++];
            f->vaddr = addr;
            f->paddr = pos;
            f->len = len;
            /* The checksum covers flash segments too: read them once through the window. */
            checksum = checksum_flash(checksum, pos, len);
        } else if (in_window(addr, len, SRAM_IRAM_START, SRAM_IRAM_END) ||
                   in_window(addr, len, SRAM_DRAM_START, SRAM_DRAM_END)) {
            uint32_t daddr = addr >= SRAM_IRAM_START ? addr - SRAM_I_D_OFFSET : addr;
            if (overlaps(daddr, len, _bl_dram_start, _bl_dram_end) ||
                overlaps(daddr + SRAM_I_D_OFFSET, len, _bl_iram_start, _bl_iram_end)) {
                bl_fail_at("app RAM segment overlaps the bootloader, address", addr);
            }
            /* Write through the data bus alias: the instruction bus is fetch-only. */
            uint8_t *dst = (uint8_t *)(uintptr_t)daddr;
            bl_flash_read(pos, dst, len);
            for (uint32_t k = 0; k < len; k++) {
                checksum ^= dst[k];
            }
        } else if (addr == 0u) {
            /* esptool's padding segment: its content counts for the checksum only. */
            checksum = checksum_flash(checksum, pos, len);
        } else {
            bl_fail_at("app segment at an address that cannot be loaded", addr);
        }
        pos += len;
    }

    /* The checksum byte ends the 16-byte block after the last segment. */
    uint32_t sum_at = (pos | 15u);
    uint8_t stored;
    bl_flash_read(sum_at, &stored, 1);
    if (stored != checksum) {
        bl_fail_at("app image checksum mismatch, computed", checksum);
    }

    /* All flash reads are done: drop our window and install the app's mapping. */
    for (uint32_t i = 0; i < SOC_MMU_ENTRIES; i++) {
        soc_mmu_clear(i);
    }
    for (unsigned i = 0; i < flash_count; i++) {
        map_flash(flash_segs[i].vaddr, flash_segs[i].paddr, flash_segs[i].len);
    }
    bl_cache_invalidate();
    bl_cache_enable();

    int entry_ok = in_window(entry, 2, IROM_BASE, IROM_BASE + EXTMEM_WINDOW_SIZE) ||
                   in_window(entry, 2, SRAM_IRAM_START, SRAM_IRAM_END);
    if (!entry_ok) {
        bl_fail_at("app entry point is not in IRAM or IROM", entry);
    }
    return entry;
}
