/* esp_flash.h: ESP32-C3/C6 SPI flash access for the filesystem: the `vfs` data partition only. */
#ifndef KILN_ESP_FLASH_H
#define KILN_ESP_FLASH_H

#include <stddef.h>
#include <stdint.h>

#define ESP_FLASH_SECTOR 4096u
#define ESP_FLASH_PAGE 256u

/* Finds the data partition labelled "vfs" in the table at 0x8000 (-ENOENT without one). */
int esp_flash_vfs_init(void);
uint32_t esp_flash_vfs_offset(void); /* flash address of the partition (0 before init) */
uint32_t esp_flash_vfs_size(void);

/* Offsets are relative to the partition. Anything reaching outside it is refused with -EPERM;
   erase wants whole 4 KiB sectors (-EINVAL). Reads go through the cache (an MMU window),
   erase and program through SPI1 with the cache off (-ETIMEDOUT, -EIO from the flash chip). */
int esp_flash_vfs_read(uint32_t offset, void *buf, size_t len);
int esp_flash_vfs_erase(uint32_t offset, size_t len);
int esp_flash_vfs_write(uint32_t offset, const void *buf, size_t len);

/* Cache-off operations in IRAM (esp_flash_iram.c); addresses are absolute flash addresses. */
int esp_flash_op_erase_sector(uint32_t addr);
int esp_flash_op_program(uint32_t addr, const uint8_t *ram_src, size_t len); /* within one 256-byte page */
void esp_flash_op_map(uint32_t first_entry, uint32_t entries, uint32_t first_page);

#endif
