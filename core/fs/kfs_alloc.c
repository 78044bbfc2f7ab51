/* kfs_alloc.c: block allocation: a bitmap of used blocks built at mount, handed out round-robin from a cursor
   seeded by the metadata revision, so writes spread over the whole device. */
#include "kfs_internal.h"

bool kfs_block_used(const kfs_t *fs, uint32_t block) {
    return (fs->bitmap[block / 8u] >> (block % 8u)) & 1u;
}

void kfs_block_mark(kfs_t *fs, uint32_t block, bool used) {
    if (used) {
        fs->bitmap[block / 8u] |= (uint8_t)(1u << (block % 8u));
    } else {
        fs->bitmap[block / 8u] &= (uint8_t)~(1u << (block % 8u));
    }
}

int kfs_block_alloc(kfs_t *fs, uint32_t *block) {
    const uint32_t count = fs->bd->block_count;
    for (uint32_t i = 0; i < count; i++) {
        const uint32_t b = (fs->cursor + i) % count;
        if (kfs_block_used(fs, b)) {
            continue;
        }
        fs->cursor = (b + 1u) % count;
        if (fs->bd->erase(fs->bd->ctx, b) < 0) {
            return -KFS_EIO;
        }
        kfs_block_mark(fs, b, true);
        *block = b;
        return 0;
    }
    return -KFS_ENOSPC;
}

void kfs_block_free(kfs_t *fs, uint32_t block) {
    if (block < fs->bd->block_count) {
        kfs_block_mark(fs, block, false);
    }
}

uint32_t kfs_blocks_free(const kfs_t *fs) {
    uint32_t n = 0;
    for (uint32_t b = 0; b < fs->bd->block_count; b++) {
        n += kfs_block_used(fs, b) ? 0u : 1u;
    }
    return n;
}

int kfs_free_list(kfs_t *fs, uint32_t data_off, uint32_t size) {
    const uint32_t n = kfs_blocks_for(fs, size);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t block;
        const int err = kfs_list_get(fs, data_off, i, &block);
        if (err != 0) {
            return err;
        }
        kfs_block_free(fs, block);
    }
    return 0;
}
