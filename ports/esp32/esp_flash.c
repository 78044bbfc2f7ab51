/* esp_flash.c: ESP32-C3/C6 `vfs` partition as a block device: table lookup, bounds, cached reads, erase/program. */
#include <errno.h>
#include <string.h>

#include "esp_flash.h"
#include "soc_regs.h"

#define TABLE_OFFSET 0x8000u
#define TABLE_SIZE 0xC00u
#define ENTRY_SIZE 32u
#define TYPE_DATA 0x01u
#define LABEL "vfs"

/* Reads go through a window of 16 MMU entries (1 MiB) the app image never uses (soc_regs.h). */
#define WINDOW_FIRST_ENTRY SOC_VFS_WINDOW_FIRST_ENTRY
#define WINDOW_ENTRIES 16u
#define WINDOW_VADDR SOC_VFS_WINDOW_VADDR
#define NO_PAGE 0xFFFFFFFFu

/* The partition and the window position; reset by esp_flash_vfs_init(). */
static struct {
    uint32_t offset;
    uint32_t size;
    uint32_t window_page; /* first flash page the window shows, or NO_PAGE */
} vfs;

static int window_read(uint32_t addr, uint8_t *dst, size_t len) {
    while (len > 0u) {
        uint32_t page = addr / MMU_PAGE_SIZE;
        if (vfs.window_page == NO_PAGE || page < vfs.window_page || page >= vfs.window_page + WINDOW_ENTRIES) {
            esp_flash_op_map(WINDOW_FIRST_ENTRY, WINDOW_ENTRIES, page);
            vfs.window_page = page;
        }
        uint32_t in_window = (vfs.window_page + WINDOW_ENTRIES) * MMU_PAGE_SIZE - addr;
        size_t n = len < in_window ? len : in_window;
        memcpy(dst, (const void *)(uintptr_t)(WINDOW_VADDR + (addr - vfs.window_page * MMU_PAGE_SIZE)), n);
        dst += n;
        addr += (uint32_t)n;
        len -= n;
    }
    return 0;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int esp_flash_vfs_init(void) {
    vfs.offset = 0;
    vfs.size = 0;
    vfs.window_page = NO_PAGE;
    for (uint32_t i = 0; i < WINDOW_ENTRIES; i++) {
        if (soc_mmu_page(WINDOW_FIRST_ENTRY + i) >= 0) {
            return -EBUSY; /* the app mapped something there: do not steal it */
        }
    }
    /* The bootloader checked the table's MD5 before starting us; entries are read as they are. */
    uint8_t entry[ENTRY_SIZE];
    for (uint32_t pos = 0; pos < TABLE_SIZE; pos += ENTRY_SIZE) {
        window_read(TABLE_OFFSET + pos, entry, sizeof entry);
        if (entry[0] != 0xAAu || entry[1] != 0x50u) {
            break;
        }
        if (entry[2] == TYPE_DATA && memcmp(entry + 12, LABEL, sizeof LABEL) == 0) {
            uint32_t offset = le32(entry + 4), size = le32(entry + 8);
            if (offset % ESP_FLASH_SECTOR != 0u || size % ESP_FLASH_SECTOR != 0u || size == 0u) {
                return -EINVAL;
            }
            vfs.offset = offset;
            vfs.size = size;
            return 0;
        }
    }
    return -ENOENT;
}

uint32_t esp_flash_vfs_offset(void) {
    return vfs.offset;
}

uint32_t esp_flash_vfs_size(void) {
    return vfs.size;
}

static int check_range(uint32_t offset, size_t len) {
    if (vfs.size == 0u) {
        return -ENODEV;
    }
    if (offset > vfs.size || len > vfs.size - offset) {
        return -EPERM;
    }
    return 0;
}

int esp_flash_vfs_read(uint32_t offset, void *buf, size_t len) {
    int err = check_range(offset, len);
    if (err != 0) {
        return err;
    }
    return window_read(vfs.offset + offset, buf, len);
}

int esp_flash_vfs_erase(uint32_t offset, size_t len) {
    int err = check_range(offset, len);
    if (err != 0) {
        return err;
    }
    if (offset % ESP_FLASH_SECTOR != 0u || len % ESP_FLASH_SECTOR != 0u) {
        return -EINVAL;
    }
    for (size_t done = 0; done < len; done += ESP_FLASH_SECTOR) {
        err = esp_flash_op_erase_sector(vfs.offset + offset + (uint32_t)done);
        if (err != 0) {
            return err;
        }
    }
    return 0;
}

int esp_flash_vfs_write(uint32_t offset, const void *buf, size_t len) {
    int err = check_range(offset, len);
    if (err != 0) {
        return err;
    }
    const uint8_t *src = buf;
    uint8_t page[ESP_FLASH_PAGE]; /* the source may be in flash itself: copy to RAM first */
    while (len > 0u) {
        uint32_t addr = vfs.offset + offset;
        size_t n = ESP_FLASH_PAGE - addr % ESP_FLASH_PAGE;
        if (n > len) {
            n = len;
        }
        memcpy(page, src, n);
        err = esp_flash_op_program(addr, page, n);
        if (err != 0) {
            return err;
        }
        src += n;
        offset += (uint32_t)n;
        len -= n;
    }
    return 0;
}
