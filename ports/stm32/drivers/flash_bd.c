/* flash_bd.c: kfs block device on internal flash sectors: memory-mapped reads, programs and erases through
   flash.c (which refuses anything overlapping the running firmware). */
#include "drivers/flash_bd.h"

#include <string.h>

#include "drivers/drv.h"

static int to_kfs(int err) {
    return err == STM32_OK ? 0 : err == -STM32_EINVAL ? -KFS_EINVAL : -KFS_EIO;
}

static int fbd_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    const stm32_flash_bd_t *fbd = ctx;
    if (block >= fbd->bd.block_count || off > fbd->bd.block_size || len > fbd->bd.block_size - off) {
        return -KFS_EINVAL;
    }
    memcpy(buf, (const void *)(uintptr_t)(fbd->base + block * fbd->bd.block_size + off), len);
    return 0;
}

static int fbd_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len) {
    stm32_flash_bd_t *fbd = ctx;
    if (block >= fbd->bd.block_count || off > fbd->bd.block_size || len > fbd->bd.block_size - off) {
        return -KFS_EINVAL;
    }
    return to_kfs(stm32_flash_write(fbd->flash, fbd->base + block * fbd->bd.block_size + off, buf, len));
}

static int fbd_erase(void *ctx, uint32_t block) {
    stm32_flash_bd_t *fbd = ctx;
    if (block >= fbd->bd.block_count) {
        return -KFS_EINVAL;
    }
    return to_kfs(stm32_flash_erase(fbd->flash, fbd->first_sector + block));
}

static int fbd_sync(void *ctx) {
    (void)ctx; /* programs are complete when stm32_flash_write returns */
    return 0;
}

int stm32_flash_bd_init(stm32_flash_bd_t *fbd, stm32_flash_t *flash, uint32_t first_sector, uint32_t count) {
    uint32_t start;
    uint32_t size;
    if (count == 0u || stm32_flash_sector_info(flash, first_sector, &start, &size) != STM32_OK) {
        return -STM32_EINVAL;
    }
    for (uint32_t i = 1; i < count; i++) {
        uint32_t next_start;
        uint32_t next_size;
        if (stm32_flash_sector_info(flash, first_sector + i, &next_start, &next_size) != STM32_OK ||
            next_size != size || next_start != start + i * size) {
            return -STM32_EINVAL;
        }
    }
    if (stm32_flash_protected(flash, start, count * size)) {
        return -STM32_EPERM;
    }
    fbd->flash = flash;
    fbd->first_sector = first_sector;
    fbd->base = start;
    fbd->bd.ctx = fbd;
    fbd->bd.read = fbd_read;
    fbd->bd.prog = fbd_prog;
    fbd->bd.erase = fbd_erase;
    fbd->bd.sync = fbd_sync;
    fbd->bd.block_size = size;
    fbd->bd.block_count = count;
    fbd->bd.prog_size = 1;
    return STM32_OK;
}

/* templates/stm32/linker.ld.j2 defines these from the MCU file's `filesystem` (weak: absent means none). */
extern const uint8_t __kiln_fs_start[] __attribute__((weak));
extern const uint8_t __kiln_fs_end[] __attribute__((weak));

void stm32_flash_bd_default_region(const stm32_flash_t *flash, uint32_t *first_sector, uint32_t *count) {
    const uint32_t start = (uint32_t)(uintptr_t)__kiln_fs_start;
    const uint32_t end = (uint32_t)(uintptr_t)__kiln_fs_end;
    uint32_t first;
    uint32_t last;
    uint32_t first_start;
    uint32_t first_size;
    *first_sector = 0u;
    *count = 0u;
    if (end <= start || stm32_flash_sector_of(flash, start, &first) != STM32_OK ||
        stm32_flash_sector_of(flash, end - 1u, &last) != STM32_OK ||
        stm32_flash_sector_info(flash, first, &first_start, &first_size) != STM32_OK || first_start != start) {
        return; /* no region, or one that does not start on a sector boundary */
    }
    *first_sector = first;
    *count = last - first + 1u;
}
