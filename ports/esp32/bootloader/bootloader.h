/* bootloader.h: pieces of Kiln's ESP32-C3 second-stage bootloader shared between its files. */
#ifndef KILN_BOOTLOADER_H
#define KILN_BOOTLOADER_H

#include <stddef.h>
#include <stdint.h>

/* Console: UART0 exactly as the ROM left it (115200 8N1). */
void bl_puts(const char *s);
void bl_puthex(uint32_t v);
void bl_fail(const char *what) __attribute__((noreturn));
void bl_fail_at(const char *what, uint32_t value) __attribute__((noreturn));

/* Flash through the cache: one MMU page of the DROM window is our reading window. */
void bl_flash_init(void);
void bl_flash_read(uint32_t addr, void *dst, size_t len);
void bl_cache_invalidate(void);
void bl_cache_enable(void);

/* MD5 (RFC 1321) for the partition table's checksum entry. */
void bl_md5(const uint8_t *data, size_t len, uint8_t digest[16]);

/* Partition table: validated copy of the flash table and the app chosen to boot. */
#define BL_TABLE_OFFSET 0x8000u
#define BL_TABLE_MAX 0xC00u
#define BL_PART_ENTRY_SIZE 32u

typedef struct {
    uint8_t type;
    uint8_t subtype;
    uint32_t offset;
    uint32_t size;
    char label[17];
} bl_partition_t;

void bl_partitions_load(void);
int bl_partition_find(uint8_t type, uint8_t subtype, bl_partition_t *out);
void bl_partitions_pick_app(bl_partition_t *out);

/* App image: check it, copy RAM segments, map flash segments; returns the entry point. */
uint32_t bl_image_load(const bl_partition_t *app);

uint32_t bl_crc32_le(uint32_t crc, const uint8_t *data, size_t len);

#endif
