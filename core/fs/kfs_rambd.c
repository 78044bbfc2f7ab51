/* kfs_rambd.c: RAM block device: bounds and alignment checked, programming ANDs into erased bytes only. */
#include "kfs_rambd.h"

#include <string.h>

static int ram_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    const kfs_rambd_t *ram = ctx;
    if (block >= ram->bd.block_count || off > ram->bd.block_size || len > ram->bd.block_size - off) {
        return -KFS_EINVAL;
    }
    memcpy(buf, ram->mem + (size_t)block * ram->bd.block_size + off, len);
    return 0;
}

static int ram_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len) {
    kfs_rambd_t *ram = ctx;
    if (block >= ram->bd.block_count || off > ram->bd.block_size || len > ram->bd.block_size - off ||
        off % ram->bd.prog_size != 0u || len % ram->bd.prog_size != 0u) {
        return -KFS_EINVAL;
    }
    uint8_t *at = ram->mem + (size_t)block * ram->bd.block_size + off;
    for (uint32_t i = 0; i < len; i++) {
        if (at[i] != 0xFFu) {
            ram->violations++;
            return -KFS_EIO; /* NOR flash cannot do this: it is a bug in the caller */
        }
    }
    const uint8_t *data = buf;
    for (uint32_t i = 0; i < len; i++) {
        at[i] &= data[i];
    }
    ram->progs++;
    return 0;
}

static int ram_erase(void *ctx, uint32_t block) {
    kfs_rambd_t *ram = ctx;
    if (block >= ram->bd.block_count) {
        return -KFS_EINVAL;
    }
    memset(ram->mem + (size_t)block * ram->bd.block_size, 0xFF, ram->bd.block_size);
    ram->erases++;
    return 0;
}

static int ram_sync(void *ctx) {
    (void)ctx;
    return 0;
}

void kfs_rambd_init(kfs_rambd_t *ram, uint8_t *mem, uint32_t block_size, uint32_t block_count, uint32_t prog_size,
                    bool erase_all) {
    ram->bd.ctx = ram;
    ram->bd.read = ram_read;
    ram->bd.prog = ram_prog;
    ram->bd.erase = ram_erase;
    ram->bd.sync = ram_sync;
    ram->bd.block_size = block_size;
    ram->bd.block_count = block_count;
    ram->bd.prog_size = prog_size;
    ram->mem = mem;
    ram->progs = 0;
    ram->erases = 0;
    ram->violations = 0;
    if (erase_all) {
        memset(mem, 0xFF, (size_t)block_size * block_count);
    }
}
