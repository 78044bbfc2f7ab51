/* flash_bd.h: a kfs block device over a run of equal-sized internal flash sectors (one sector = one block). */
#ifndef KILN_STM32_FLASH_BD_H
#define KILN_STM32_FLASH_BD_H

#include <stdint.h>

#include "drivers/flash.h"
#include "kfs.h"

typedef struct {
    kfs_bd_t bd;
    stm32_flash_t *flash;
    uint32_t first_sector;
    uint32_t base;        /* address of the first block */
} stm32_flash_bd_t;

/*
 * Blocks are sectors first_sector .. first_sector + count - 1, which must all have one size and lie outside the
 * firmware (-STM32_EINVAL / -STM32_EPERM otherwise). Reads are memory-mapped; programs go through the flash
 * driver byte-exact (prog_size 1: x8 where needed, the wider units the supply allows elsewhere).
 */
int stm32_flash_bd_init(stm32_flash_bd_t *fbd, stm32_flash_t *flash, uint32_t first_sector, uint32_t count);

/* The filesystem's sectors: the region the MCU file's `filesystem` names (linker symbols __kiln_fs_start/_end),
   e.g. F405/F407 1 MiB: 8..11 = 4 x 128 KiB; F401/F411/F446 512 KiB: 1..3 = 3 x 16 KiB (between the vector
   table and the code); F767 2 MiB single bank: 8..11 = 4 x 256 KiB. count 0 when the board has none (or it is
   not sector-aligned). */
void stm32_flash_bd_default_region(const stm32_flash_t *flash, uint32_t *first_sector, uint32_t *count);

#endif
