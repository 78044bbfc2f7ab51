/* flash_bd.c: kfs block-device callbacks over the flash driver's filesystem region. */
#include "rp2_flash_bd.h"

#include <stddef.h>

#include "rp2_err.h"
#include "rp2_flash.h"

#define PROG_SIZE 4u /* NOR programs any length; word-sized runs keep kfs's commits aligned */

static struct {
    uint32_t base; /* flash offset of block 0 */
} flash_bd;

/* kfs speaks negated errno values. */
static int to_errno(int err) {
    if (err >= 0) {
        return 0;
    }
    return err == RP2_ERR_INVALID ? -KFS_EINVAL : -KFS_EIO;
}

static int bd_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    (void)ctx;
    return len == 0u ? 0 : to_errno(rp2_flash_read(flash_bd.base + block * RP2_FLASH_SECTOR_SIZE + off, buf, len));
}

static int bd_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len) {
    (void)ctx;
    return len == 0u ? 0
                     : to_errno(rp2_flash_program(flash_bd.base + block * RP2_FLASH_SECTOR_SIZE + off, buf, len));
}

static int bd_erase(void *ctx, uint32_t block) {
    (void)ctx;
    return to_errno(rp2_flash_erase(flash_bd.base + block * RP2_FLASH_SECTOR_SIZE, RP2_FLASH_SECTOR_SIZE));
}

static int bd_sync(void *ctx) {
    (void)ctx;
    return 0; /* every erase/program has finished (busy polled) before the driver returns */
}

int rp2_flash_bd(kfs_bd_t *bd) {
    uint32_t size = 0;
    rp2_flash_fs_region(&flash_bd.base, &size);
    if (size < 2u * RP2_FLASH_SECTOR_SIZE) {
        return -KFS_ENOSPC;
    }
    bd->ctx = NULL;
    bd->read = bd_read;
    bd->prog = bd_prog;
    bd->erase = bd_erase;
    bd->sync = bd_sync;
    bd->block_size = RP2_FLASH_SECTOR_SIZE;
    bd->block_count = size / RP2_FLASH_SECTOR_SIZE;
    bd->prog_size = PROG_SIZE;
    return 0;
}
