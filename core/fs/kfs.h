/* kfs.h: Kiln's power-fail-safe filesystem: directories and files over a block device (read/prog/erase/sync). */
#ifndef KILN_KFS_H
#define KILN_KFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Design (see docs/kfs.md for the on-disk format):
 * - All metadata (every directory entry, small files inline, the block lists of larger files) lives in one
 *   metadata pair: two blocks used alternately. Changes are appended as commits (tags + CRC-32); a commit
 *   counts only when its CRC checks, so a power cut loses at most the commit being written.
 * - When the active block is full it is compacted into its partner: erase, header with revision + 1, one
 *   commit holding the live state. The old block stays valid until that commit's CRC is written.
 * - Every `block_cycles` compactions the pair moves to two other blocks (wear spread); mount finds the pair
 *   by scanning block headers for the valid metadata block with the highest revision.
 * - File data is copy-on-write: changed blocks go to fresh blocks, committed by the next metadata commit
 *   (sync/close); old blocks are freed only after that. Allocation walks the device round-robin.
 * Errors are negated errno values (the KFS_E* below), 0 is success.
 */

#define KFS_EIO 5
#define KFS_ENOENT 2
#define KFS_EBADF 9
#define KFS_ENOMEM 12
#define KFS_EEXIST 17
#define KFS_ENOTDIR 20
#define KFS_EISDIR 21
#define KFS_EINVAL 22
#define KFS_EFBIG 27
#define KFS_ENOSPC 28
#define KFS_ENAMETOOLONG 36
#define KFS_ENOTEMPTY 39
#define KFS_ECORRUPT 84 /* EILSEQ: no valid filesystem found */

#define KFS_O_RDONLY 0x1u
#define KFS_O_WRONLY 0x2u
#define KFS_O_RDWR 0x3u
#define KFS_O_CREAT 0x100u
#define KFS_O_EXCL 0x200u
#define KFS_O_TRUNC 0x400u
#define KFS_O_APPEND 0x800u

#define KFS_SEEK_SET 0
#define KFS_SEEK_CUR 1
#define KFS_SEEK_END 2

#define KFS_TYPE_FILE 1u
#define KFS_TYPE_DIR 2u

#define KFS_NAME_MAX 255u    /* longest name the format can hold */
#define KFS_OVERLAY 8u       /* rewritten blocks an open file holds before it commits on its own */

/* A block device: `block_count` erase blocks of `block_size` bytes; prog writes prog_size-aligned runs of
   erased bytes (1 -> 0 only); read any range. Each callback returns 0 or a negative error. */
typedef struct kfs_bd {
    void *ctx;
    int (*read)(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len);
    int (*prog)(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len);
    int (*erase)(void *ctx, uint32_t block);
    int (*sync)(void *ctx);
    uint32_t block_size;
    uint32_t block_count;
    uint32_t prog_size;
} kfs_bd_t;

/* One live directory entry, as found in the metadata log (offsets point into the active block). */
typedef struct {
    uint32_t id;
    uint32_t parent;
    uint32_t name_off;
    uint32_t data_off; /* payload of the entry's INLINE or BLOCKS tag; 0 = empty file */
    uint32_t size;
    uint16_t name_len;
    uint8_t type;      /* KFS_TYPE_* */
    uint8_t data_kind; /* 0 none, 1 inline, 2 blocks */
} kfs_entry_t;

/* What the caller provides: the device and the RAM kfs works in (no allocation inside). */
typedef struct {
    const kfs_bd_t *bd;
    kfs_entry_t *entries;  /* room for max_entries directory entries (files + directories) */
    uint32_t max_entries;
    uint8_t *bitmap;       /* (block_count + 7) / 8 bytes */
    uint8_t *cache;        /* cache_size bytes for metadata commits */
    uint32_t cache_size;   /* power of two, a multiple of prog_size, >= 64; also each open file's cache */
    uint32_t block_cycles; /* compactions before the metadata pair moves; 0 = never */
    uint32_t inline_max;   /* format only: largest file kept in metadata (<= cache_size); 0 = cache_size */
    uint32_t name_max;     /* format only: 0 = 64 */
} kfs_config_t;

typedef struct {
    const kfs_bd_t *bd;
    kfs_entry_t *entries;
    uint32_t max_entries;
    uint32_t n_entries;
    uint8_t *bitmap;
    uint8_t *cache;
    uint32_t cache_size;
    uint32_t block_cycles;
    uint32_t inline_max;
    uint32_t name_max;
    uint32_t payload;   /* file bytes per data block */
    uint32_t data_off;  /* where they start in the block (after the data-block header) */
    uint32_t active;    /* metadata block being appended to */
    uint32_t partner;   /* the other block of the pair */
    uint32_t rev;
    uint32_t off;       /* next commit goes here */
    bool tail_dirty;    /* something other than erased bytes follows the last commit */
    uint32_t next_id;
    uint32_t cursor;    /* allocator position */
    bool mounted;
    /* commit writer */
    uint32_t w_block;
    uint32_t w_start;
    uint32_t w_len;     /* bytes of the commit so far (cached or programmed) */
    uint32_t w_done;    /* of those, programmed */
    uint32_t w_crc;
    int w_err;
    /* statistics */
    uint32_t compactions;
    uint32_t relocations;
} kfs_t;

/* An open file. `cache` points at cache_size bytes the caller owns for as long as the file is open. */
typedef struct {
    uint32_t id;
    uint32_t flags;
    uint32_t pos;
    uint32_t size;
    uint32_t committed_n; /* blocks in the committed block list */
    bool is_inline;       /* content lives in `cache` */
    bool dirty;
    bool open;
    uint8_t n_overlay;
    struct {
        uint32_t index;
        uint32_t block;
    } overlay[KFS_OVERLAY];
    uint32_t w_index;     /* file block being (re)written, or KFS_NONE */
    uint32_t w_block;
    uint32_t w_src;       /* where the rest of that block's old content is, or KFS_NONE */
    uint32_t w_prog;      /* payload bytes of w_block final (programmed or cached) */
    uint32_t c_off;       /* cache holds payload bytes [c_off, w_prog) of w_block */
    uint8_t *cache;
} kfs_file_t;

typedef struct {
    uint32_t parent;
    uint32_t last_id;
} kfs_dir_t;

typedef struct {
    uint8_t type;
    uint32_t size;
    char name[KFS_NAME_MAX + 1];
} kfs_info_t;

typedef struct {
    uint32_t block_size;
    uint32_t block_count;
    uint32_t blocks_free;
    uint32_t name_max;
    uint32_t entries_free;
} kfs_statvfs_t;

#define KFS_NONE 0xFFFFFFFFu

/* Filesystem lifetime (kfs_meta.c). */
int kfs_format(kfs_t *fs, const kfs_config_t *config);
int kfs_mount(kfs_t *fs, const kfs_config_t *config);
int kfs_unmount(kfs_t *fs);

/* Names and directories (kfs_dir.c). Paths use '/', relative to the root ("a/b" == "/a/b"). */
int kfs_mkdir(kfs_t *fs, const char *path);
int kfs_remove(kfs_t *fs, const char *path);
int kfs_rename(kfs_t *fs, const char *from, const char *to);
int kfs_stat(kfs_t *fs, const char *path, kfs_info_t *info);
int kfs_statvfs(kfs_t *fs, kfs_statvfs_t *out);
int kfs_dir_open(kfs_t *fs, kfs_dir_t *dir, const char *path);
/* 1 with an entry in *info, 0 at the end (entries in creation order), or an error. */
int kfs_dir_read(kfs_t *fs, kfs_dir_t *dir, kfs_info_t *info);

/* Files (kfs_file.c). */
int kfs_file_open(kfs_t *fs, kfs_file_t *file, const char *path, uint32_t flags, uint8_t *cache);
/* Bytes read/written, or an error. */
int kfs_file_read(kfs_t *fs, kfs_file_t *file, void *buf, uint32_t len);
int kfs_file_write(kfs_t *fs, kfs_file_t *file, const void *buf, uint32_t len);
int kfs_file_seek(kfs_t *fs, kfs_file_t *file, int32_t offset, int whence);
int kfs_file_truncate(kfs_t *fs, kfs_file_t *file, uint32_t size);
int kfs_file_sync(kfs_t *fs, kfs_file_t *file);
int kfs_file_close(kfs_t *fs, kfs_file_t *file);

#endif
