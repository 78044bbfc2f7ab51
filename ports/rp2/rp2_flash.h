/* rp2_flash.h: erase/program the QSPI flash for the filesystem; the firmware's sectors are refused. */
#ifndef KILN_RP2_FLASH_H
#define KILN_RP2_FLASH_H

#include <stdint.h>

#define RP2_FLASH_SECTOR_SIZE 4096u
#define RP2_FLASH_PAGE_SIZE 256u
/* Where the filesystem region starts (flash offset), unless the firmware reaches past it. A fixed
 * offset keeps the filesystem in place across firmware updates. */
#ifndef RP2_FLASH_FS_OFFSET
#define RP2_FLASH_FS_OFFSET 0x100000u
#endif

/* Needs rp2_qspi_init() (done by hal_init). */
int rp2_flash_init(void);
/* Bytes of flash (the board's flash.size). */
uint32_t rp2_flash_size(void);
/* First offset past the firmware image, rounded up to a sector: everything below is refused. */
uint32_t rp2_flash_firmware_end(void);
/* The region the filesystem may use: [offset, offset + size). size 0 when the firmware fills it. */
void rp2_flash_fs_region(uint32_t *offset, uint32_t *size);

/* Erases whole 4 KiB sectors (offset and len sector-aligned). */
int rp2_flash_erase(uint32_t offset, uint32_t len);
/* Programs len bytes (split at 256-byte page boundaries) and verifies them. Bits only go from
 * 1 to 0: erase first. */
int rp2_flash_program(uint32_t offset, const uint8_t *data, uint32_t len);
/* Reads through XIP (the cache was flushed after every write). */
int rp2_flash_read(uint32_t offset, uint8_t *buf, uint32_t len);

#endif
