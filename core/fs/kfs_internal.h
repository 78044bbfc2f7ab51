/* kfs_internal.h: what kfs's source files share: the on-disk layout, the commit writer, the index, blocks. */
#ifndef KILN_KFS_INTERNAL_H
#define KILN_KFS_INTERNAL_H

#include "kfs.h"

/* ---- on-disk format (docs/kfs.md) ---- */
#define KFS_MAGIC 0x3173666Bu      /* "kfs1": metadata block */
#define KFS_DATA_MAGIC 0x6473666Bu /* "kfsd": data block */
#define KFS_VERSION 1u
#define KFS_HEADER 28u /* magic, rev, partner, block_size, block_count, inline_max:16, name_max:8, version:8,
                          data_off */
#define KFS_TAG 4u     /* type:8, zero:8, length:16 (of the payload that follows) */
#define KFS_TAG_ENTRY 0x01u  /* id, parent, type:8, name */
#define KFS_TAG_INLINE 0x02u /* id, data */
#define KFS_TAG_BLOCKS 0x03u /* id, size, block[] */
#define KFS_TAG_DELETE 0x04u /* id */
#define KFS_TAG_CRC 0x0Fu    /* crc32 of the commit up to and including this tag's header, then padding */
#define KFS_TAG_ERASED 0xFFu
#define KFS_ENTRY_FIXED 9u
#define KFS_DEFAULT_NAME_MAX 64u
#define KFS_ROOT 0u

/* Bytes a commit with `payload` bytes of tags takes on disk (its CRC tag and padding included). */
uint32_t kfs_commit_size(const kfs_t *fs, uint32_t payload);

/* The commit writer (kfs_meta.c): begin reserves room (compacting the pair when needed); tags and their
   payload follow; end writes the CRC, syncs and applies the commit to the index. Deletions may use the last
   few bytes kept back for them, so a full filesystem can always shrink. */
int kfs_commit_begin(kfs_t *fs, uint32_t payload, bool deletion);
void kfs_commit_tag(kfs_t *fs, uint32_t type, uint32_t len);
void kfs_commit_bytes(kfs_t *fs, const void *data, uint32_t len);
void kfs_commit_u32(kfs_t *fs, uint32_t value);
/* Copies len bytes from the active block (inline data, names) into the commit. */
void kfs_commit_copy(kfs_t *fs, uint32_t off, uint32_t len);
int kfs_commit_end(kfs_t *fs);

/* The index of live entries (kfs_meta.c). */
kfs_entry_t *kfs_entry_find(kfs_t *fs, uint32_t id);
/* Block i of a BLOCKS tag at data_off in the active block. */
int kfs_list_get(kfs_t *fs, uint32_t data_off, uint32_t i, uint32_t *block);
uint32_t kfs_blocks_for(const kfs_t *fs, uint32_t size);

/* Blocks (kfs_alloc.c). */
bool kfs_block_used(const kfs_t *fs, uint32_t block);
void kfs_block_mark(kfs_t *fs, uint32_t block, bool used);
/* Takes a free block (round-robin from the cursor) and erases it. */
int kfs_block_alloc(kfs_t *fs, uint32_t *block);
void kfs_block_free(kfs_t *fs, uint32_t block);
uint32_t kfs_blocks_free(const kfs_t *fs);
/* Frees every block of a BLOCKS tag (after a commit that dropped it). */
int kfs_free_list(kfs_t *fs, uint32_t data_off, uint32_t size);

/* Names (kfs_dir.c). */
int kfs_name_check(const kfs_t *fs, const char *name, uint32_t len);
/* The file at path, created (empty) when missing and its directory exists: *created says which. */
int kfs_create_file(kfs_t *fs, const char *path, uint32_t *id, bool *created);
/* The file at path: -KFS_ENOENT, -KFS_EISDIR. */
int kfs_lookup_file(kfs_t *fs, const char *path, uint32_t *id);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32): continue from crc (start with 0). */
uint32_t kfs_crc32(uint32_t crc, const void *data, size_t len);

static inline uint32_t kfs_align(uint32_t value, uint32_t to) {
    return (value + to - 1u) / to * to;
}

static inline uint32_t kfs_get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void kfs_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
