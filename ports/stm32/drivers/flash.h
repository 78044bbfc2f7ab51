/* flash.h: internal flash: sector map, erase and program through the flash interface, never touching the
   sectors the running firmware occupies. */
#ifndef KILN_STM32_FLASH_H
#define KILN_STM32_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    STM32_FLASH_X8 = 0,  /* 1.7..3.6 V (slowest) */
    STM32_FLASH_X16 = 1, /* 2.1..3.6 V */
    STM32_FLASH_X32 = 2, /* 2.7..3.6 V */
} stm32_flash_psize_t;

typedef struct {
    uint32_t base;          /* first byte of flash (0x08000000) */
    uint32_t size;          /* bytes */
    uint32_t protect_start; /* [start, end): erase/program refused here (the running firmware) */
    uint32_t protect_end;
    uint8_t psize;          /* stm32_flash_psize_t: program/erase parallelism for the supply voltage */
    uint32_t erase_timeout_us;
    uint32_t program_timeout_us;
    uint32_t open_start;    /* [start, end): a hole in the protected range that stays writable (/flash in */
    uint32_t open_end;      /* sectors 1..3 of the 512 KiB parts, between the vector table and the code); 0, 0: none */
} stm32_flash_t;

/* Geometry from the board's flash region, parallelism from the supply (millivolts), protection over the
   firmware image (vector table .. end of initialised data in flash) except the /flash sectors inside it. */
void stm32_flash_init(stm32_flash_t *flash, uint32_t vdd_mv);

uint32_t stm32_flash_sector_count(const stm32_flash_t *flash);

/* Whether [start, start + len) touches the protected firmware (outside the open hole). */
bool stm32_flash_protected(const stm32_flash_t *flash, uint32_t start, uint32_t len);

/* Start address and size of sector `index`: -STM32_EINVAL past the last one. */
int stm32_flash_sector_info(const stm32_flash_t *flash, uint32_t index, uint32_t *start, uint32_t *size);

/* The sector holding `addr`: -STM32_EINVAL outside flash. */
int stm32_flash_sector_of(const stm32_flash_t *flash, uint32_t addr, uint32_t *index);

/* Erases one sector. -STM32_EPERM when it overlaps the protected range, -STM32_EIO on an error flag or a
   sector not reading back erased, -STM32_ETIMEDOUT, -STM32_ENODEV for an F7 in dual-bank mode. */
int stm32_flash_erase(stm32_flash_t *flash, uint32_t index);

/* Programs len bytes at addr (any alignment: the unaligned ends go byte by byte). Bits can only go from 1
   to 0; the result is read back: -STM32_EIO when it differs. */
int stm32_flash_write(stm32_flash_t *flash, uint32_t addr, const uint8_t *data, size_t len);

#endif
