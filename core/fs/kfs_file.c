/* kfs_file.c: file contents: small files inline in the metadata, larger ones in copy-on-write data blocks whose
   list the next commit (sync/close) switches to; blocks it drops are freed only after that commit. */
#include <string.h>

#include "kfs_internal.h"

#define CHUNK 32u
#define CAN_READ(f) (((f)->flags & KFS_O_RDONLY) != 0u)
#define CAN_WRITE(f) (((f)->flags & KFS_O_WRONLY) != 0u)

/* Largest file: its block list must fit comfortably in one metadata block and in a tag. */
static uint32_t max_blocks(const kfs_t *fs) {
    uint32_t n = (fs->bd->block_size / 2u - 64u) / 4u;
    return n < 16381u ? n : 16381u;
}

static uint64_t max_size(const kfs_t *fs) {
    return (uint64_t)max_blocks(fs) * fs->payload;
}

/* Bytes of file block bi that hold file data at the current size. */
static uint32_t content_limit(const kfs_t *fs, const kfs_file_t *f, uint32_t bi) {
    const uint64_t start = (uint64_t)bi * fs->payload;
    if (f->size <= start) {
        return 0;
    }
    const uint64_t rest = f->size - start;
    return rest < fs->payload ? (uint32_t)rest : fs->payload;
}

static int committed_block(kfs_t *fs, const kfs_file_t *f, uint32_t bi, uint32_t *block) {
    *block = KFS_NONE;
    if (bi >= f->committed_n) {
        return 0;
    }
    const kfs_entry_t *e = kfs_entry_find(fs, f->id);
    if (e == NULL) {
        return -KFS_ENOENT;
    }
    return e->data_kind == 2u ? kfs_list_get(fs, e->data_off, bi, block) : 0;
}

static int overlay_find(const kfs_file_t *f, uint32_t bi) {
    for (int k = 0; k < f->n_overlay; k++) {
        if (f->overlay[k].index == bi) {
            return k;
        }
    }
    return -1;
}

/* Where file block bi's content is now (not counting the block being written). */
static int source_of(kfs_t *fs, const kfs_file_t *f, uint32_t bi, uint32_t *block) {
    const int k = overlay_find(f, bi);
    if (k >= 0) {
        *block = f->overlay[k].block;
        return 0;
    }
    return committed_block(fs, f, bi, block);
}

static int read_data(kfs_t *fs, uint32_t block, uint32_t off, uint8_t *buf, uint32_t len) {
    if (block == KFS_NONE) {
        memset(buf, 0, len); /* a hole */
        return 0;
    }
    return fs->bd->read(fs->bd->ctx, block, fs->data_off + off, buf, len) < 0 ? -KFS_EIO : 0;
}

/* A fresh, erased data block with its header. */
static int new_block(kfs_t *fs, uint32_t *block) {
    int err = kfs_block_alloc(fs, block);
    if (err != 0) {
        return err;
    }
    uint8_t header[64];
    memset(header, 0xFF, fs->data_off);
    kfs_put32(header, KFS_DATA_MAGIC);
    if (fs->bd->prog(fs->bd->ctx, *block, 0, header, fs->data_off) < 0) {
        kfs_block_free(fs, *block);
        return -KFS_EIO;
    }
    return 0;
}

/* ---- the block being written (W) ------------------------------------------------------------------------ */

/* Programs the cached part of W; `pad` also writes a partial program unit, padded with 0xFF. */
static int w_program(kfs_t *fs, kfs_file_t *f, bool pad) {
    const uint32_t pending = f->w_prog - f->c_off;
    const uint32_t len = pad ? kfs_align(pending, fs->bd->prog_size) : pending;
    if (len == 0u) {
        return 0;
    }
    memset(f->cache + pending, 0xFF, len - pending);
    if (fs->bd->prog(fs->bd->ctx, f->w_block, fs->data_off + f->c_off, f->cache, len) < 0) {
        return -KFS_EIO;
    }
    f->c_off += len;
    return 0;
}

/* Appends data (zeros when NULL) to W. */
static int w_put(kfs_t *fs, kfs_file_t *f, const uint8_t *data, uint32_t len) {
    while (len > 0u) {
        const uint32_t used = f->w_prog - f->c_off;
        uint32_t n = fs->cache_size - used;
        n = n < len ? n : len;
        if (data != NULL) {
            memcpy(f->cache + used, data, n);
            data += n;
        } else {
            memset(f->cache + used, 0, n);
        }
        f->w_prog += n;
        len -= n;
        if (f->w_prog - f->c_off == fs->cache_size) {
            const int err = w_program(fs, f, false);
            if (err != 0) {
                return err;
            }
        }
    }
    return 0;
}

/* Brings W up to payload offset `to` with the old content (zeros past it). */
static int w_fill(kfs_t *fs, kfs_file_t *f, uint32_t to) {
    const uint32_t limit = content_limit(fs, f, f->w_index);
    uint8_t buf[CHUNK];
    while (f->w_prog < to) {
        int err;
        if (f->w_src == KFS_NONE || f->w_prog >= limit) {
            err = w_put(fs, f, NULL, to - f->w_prog);
        } else {
            const uint32_t end = to < limit ? to : limit;
            const uint32_t n = end - f->w_prog < CHUNK ? end - f->w_prog : CHUNK;
            err = read_data(fs, f->w_src, f->w_prog, buf, n);
            if (err == 0) {
                err = w_put(fs, f, buf, n);
            }
        }
        if (err != 0) {
            return err;
        }
    }
    return 0;
}

/* Completes W (old content to the end of the file's data in it) and programs all of it. */
static int w_seal(kfs_t *fs, kfs_file_t *f) {
    const int err = w_fill(fs, f, content_limit(fs, f, f->w_index));
    return err != 0 ? err : w_program(fs, f, true);
}

static int commit(kfs_t *fs, kfs_file_t *f);

/* Records that file block bi now lives in `block`. A block it replaces that no commit has seen is freed. */
static int overlay_put(kfs_t *fs, kfs_file_t *f, uint32_t bi, uint32_t block) {
    uint32_t committed;
    const int err = committed_block(fs, f, bi, &committed);
    if (err != 0) {
        return err;
    }
    const int k = overlay_find(f, bi);
    if (k >= 0) {
        const uint32_t old = f->overlay[k].block;
        if (old != block && old != committed) {
            kfs_block_free(fs, old);
        }
        if (block == committed) {
            f->overlay[k] = f->overlay[--f->n_overlay];
        } else {
            f->overlay[k].block = block;
        }
        return 0;
    }
    if (block == committed) {
        return 0;
    }
    if (f->n_overlay == KFS_OVERLAY) {
        return -KFS_ENOSPC;
    }
    f->overlay[f->n_overlay].index = bi;
    f->overlay[f->n_overlay].block = block;
    f->n_overlay++;
    return 0;
}

/* Seals W and files it in the overlay; a full overlay makes the file commit (W included). */
static int w_finish(kfs_t *fs, kfs_file_t *f) {
    int err = w_seal(fs, f);
    if (err != 0) {
        return err;
    }
    err = overlay_put(fs, f, f->w_index, f->w_block);
    if (err == -KFS_ENOSPC) {
        err = commit(fs, f);
    }
    f->w_index = KFS_NONE;
    return err;
}

/* Starts a new W for file block bi, filled with the old content up to `bo`. */
static int w_start(kfs_t *fs, kfs_file_t *f, uint32_t bi, uint32_t bo) {
    uint32_t src;
    int err = source_of(fs, f, bi, &src);
    uint32_t block;
    if (err == 0) {
        err = new_block(fs, &block);
    }
    if (err != 0) {
        return err;
    }
    f->w_index = bi;
    f->w_block = block;
    f->w_src = src;
    f->w_prog = 0;
    f->c_off = 0;
    return w_fill(fs, f, bo);
}

/* Moves an inline file's content into a data block, as W for block 0. */
static int to_blocks(kfs_t *fs, kfs_file_t *f) {
    uint32_t block;
    int err = new_block(fs, &block);
    if (err != 0) {
        return err;
    }
    const uint32_t aligned = f->size / fs->bd->prog_size * fs->bd->prog_size;
    if (aligned > 0u && fs->bd->prog(fs->bd->ctx, block, fs->data_off, f->cache, aligned) < 0) {
        kfs_block_free(fs, block);
        return -KFS_EIO;
    }
    memmove(f->cache, f->cache + aligned, f->size - aligned);
    f->is_inline = false;
    f->committed_n = 0;
    f->w_index = 0;
    f->w_block = block;
    f->w_src = KFS_NONE;
    f->w_prog = f->size;
    f->c_off = aligned;
    return 0;
}

/* The block file block i will be listed with at the next commit. */
static int pending_block(kfs_t *fs, const kfs_file_t *f, uint32_t i, uint32_t *block) {
    if (f->w_index == i) {
        *block = f->w_block;
        return 0;
    }
    return source_of(fs, f, i, block);
}

/* ---- committing --------------------------------------------------------------------------------------------- */

static int commit_inline(kfs_t *fs, kfs_file_t *f) {
    int err = kfs_commit_begin(fs, KFS_TAG + 4u + f->size, false);
    if (err != 0) {
        return err;
    }
    const kfs_entry_t *e = kfs_entry_find(fs, f->id);
    if (e == NULL) {
        return -KFS_ENOENT; /* removed while open */
    }
    const uint8_t old_kind = e->data_kind;
    const uint32_t old_off = e->data_off;
    const uint32_t old_size = e->size;
    kfs_commit_tag(fs, KFS_TAG_INLINE, 4u + f->size);
    kfs_commit_u32(fs, f->id);
    kfs_commit_bytes(fs, f->cache, f->size);
    if ((err = kfs_commit_end(fs)) != 0) {
        return err;
    }
    f->committed_n = 0;
    return old_kind == 2u ? kfs_free_list(fs, old_off, old_size) : 0;
}

static int commit_blocks(kfs_t *fs, kfs_file_t *f) {
    int err = 0;
    if (f->w_index != KFS_NONE && (err = w_seal(fs, f)) != 0) {
        return err;
    }
    const uint32_t n = kfs_blocks_for(fs, f->size);
    if ((err = kfs_commit_begin(fs, KFS_TAG + 8u + 4u * n, false)) != 0) {
        return err;
    }
    const kfs_entry_t *e = kfs_entry_find(fs, f->id);
    if (e == NULL) {
        return -KFS_ENOENT;
    }
    const uint32_t old_off = e->data_off;
    const uint32_t old_n = e->data_kind == 2u ? kfs_blocks_for(fs, e->size) : 0u;
    kfs_commit_tag(fs, KFS_TAG_BLOCKS, 8u + 4u * n);
    kfs_commit_u32(fs, f->id);
    kfs_commit_u32(fs, f->size);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t block = KFS_NONE;
        if ((err = pending_block(fs, f, i, &block)) != 0) {
            return err;
        }
        kfs_commit_u32(fs, block);
    }
    if ((err = kfs_commit_end(fs)) != 0) {
        return err;
    }
    /* Committed: blocks the old list had and the new one does not are free now. Both lists are in the
       active block (the old tag stays where it was; commits only append). */
    e = kfs_entry_find(fs, f->id);
    for (uint32_t i = 0; i < old_n && e != NULL; i++) {
        uint32_t old_block;
        uint32_t new_block_at = KFS_NONE;
        if ((err = kfs_list_get(fs, old_off, i, &old_block)) != 0) {
            return err;
        }
        if (i < n && (err = kfs_list_get(fs, e->data_off, i, &new_block_at)) != 0) {
            return err;
        }
        if (old_block != new_block_at && old_block != KFS_NONE) {
            kfs_block_free(fs, old_block);
        }
    }
    f->n_overlay = 0;
    f->committed_n = n;
    /* W may go on taking appends in place when it ended on a program boundary. */
    if (f->w_index != KFS_NONE) {
        if (f->c_off == f->w_prog && f->w_prog < fs->payload) {
            f->w_src = KFS_NONE;
        } else {
            f->w_index = KFS_NONE;
        }
    }
    return 0;
}

static int commit(kfs_t *fs, kfs_file_t *f) {
    const int err = f->is_inline ? commit_inline(fs, f) : commit_blocks(fs, f);
    if (err == 0) {
        f->dirty = false;
    }
    return err;
}

/* Whether a block is referenced by no commit (safe to free): the committed list does not have it there,
   or the file itself is gone. An I/O error keeps the block (a leak until the next mount, not a double use). */
static bool uncommitted(kfs_t *fs, const kfs_file_t *f, uint32_t bi, uint32_t block) {
    uint32_t committed;
    const int err = committed_block(fs, f, bi, &committed);
    return err == -KFS_ENOENT || (err == 0 && committed != block);
}

/* Frees the blocks no commit refers to (after a failed commit, or on close without one). */
static void release(kfs_t *fs, kfs_file_t *f) {
    for (uint32_t k = 0; k < f->n_overlay; k++) {
        if (uncommitted(fs, f, f->overlay[k].index, f->overlay[k].block)) {
            kfs_block_free(fs, f->overlay[k].block);
        }
    }
    f->n_overlay = 0;
    if (f->w_index != KFS_NONE) {
        if (uncommitted(fs, f, f->w_index, f->w_block)) {
            kfs_block_free(fs, f->w_block);
        }
        f->w_index = KFS_NONE;
    }
}

/* ---- the file API ------------------------------------------------------------------------------------------- */

int kfs_file_open(kfs_t *fs, kfs_file_t *f, const char *path, uint32_t flags, uint8_t *cache) {
    memset(f, 0, sizeof *f);
    if ((flags & KFS_O_RDWR) == 0u || cache == NULL) {
        return -KFS_EINVAL;
    }
    uint32_t id;
    bool created = false;
    int err = (flags & KFS_O_CREAT) ? kfs_create_file(fs, path, &id, &created) : kfs_lookup_file(fs, path, &id);
    if (err != 0) {
        return err;
    }
    if ((flags & KFS_O_CREAT) && (flags & KFS_O_EXCL) && !created) {
        return -KFS_EEXIST;
    }
    const kfs_entry_t *e = kfs_entry_find(fs, id);
    f->id = id;
    f->flags = flags;
    f->cache = cache;
    f->w_index = KFS_NONE;
    f->size = e->data_kind != 0u ? e->size : 0u;
    f->is_inline = e->data_kind != 2u;
    if (e->data_kind == 2u) {
        f->committed_n = kfs_blocks_for(fs, f->size);
    } else if (e->data_kind == 1u) {
        if (f->size > fs->cache_size) {
            return -KFS_EINVAL;
        }
        if (fs->bd->read(fs->bd->ctx, fs->active, e->data_off + 4u, cache, f->size) < 0) {
            return -KFS_EIO;
        }
    }
    if ((flags & KFS_O_TRUNC) && CAN_WRITE(f) && (f->size > 0u || e->data_kind == 2u)) {
        f->size = 0;
        f->is_inline = true;
        f->committed_n = 0;
        f->dirty = true; /* the commit at close frees the old blocks */
    }
    f->open = true;
    return 0;
}

int kfs_file_read(kfs_t *fs, kfs_file_t *f, void *buf, uint32_t len) {
    if (!f->open || !CAN_READ(f)) {
        return -KFS_EBADF;
    }
    if (f->pos >= f->size) {
        return 0;
    }
    const uint32_t n = len < f->size - f->pos ? len : f->size - f->pos;
    uint8_t *out = buf;
    if (f->is_inline) {
        memcpy(out, f->cache + f->pos, n);
        f->pos += n;
        return (int)n;
    }
    for (uint32_t done = 0; done < n;) {
        const uint32_t p = f->pos + done;
        const uint32_t bi = p / fs->payload;
        const uint32_t bo = p % fs->payload;
        const uint32_t k = n - done < fs->payload - bo ? n - done : fs->payload - bo;
        int err = 0;
        if (bi == f->w_index) {
            /* W: programmed part, cached part, then what it has not copied yet from its source. */
            for (uint32_t at = bo; at < bo + k && err == 0;) {
                uint32_t m;
                if (at < f->c_off) {
                    m = (f->c_off < bo + k ? f->c_off : bo + k) - at;
                    err = read_data(fs, f->w_block, at, out + done + (at - bo), m);
                } else if (at < f->w_prog) {
                    m = (f->w_prog < bo + k ? f->w_prog : bo + k) - at;
                    memcpy(out + done + (at - bo), f->cache + (at - f->c_off), m);
                } else {
                    m = bo + k - at;
                    err = read_data(fs, f->w_src, at, out + done + (at - bo), m);
                }
                at += m;
            }
        } else {
            uint32_t block;
            err = source_of(fs, f, bi, &block);
            if (err == 0) {
                err = read_data(fs, block, bo, out + done, k);
            }
        }
        if (err != 0) {
            return err;
        }
        done += k;
    }
    f->pos += n;
    return (int)n;
}

/* Writes len bytes (zeros when data is NULL) at pos; the file grows as needed. */
static int write_at(kfs_t *fs, kfs_file_t *f, uint32_t pos, const uint8_t *data, uint32_t len) {
    if ((uint64_t)pos + len > max_size(fs)) {
        return -KFS_EFBIG;
    }
    int err;
    if (f->is_inline) {
        if (pos + len <= fs->inline_max) {
            if (pos > f->size) {
                memset(f->cache + f->size, 0, pos - f->size);
            }
            if (data != NULL) {
                memcpy(f->cache + pos, data, len);
            } else {
                memset(f->cache + pos, 0, len);
            }
            f->size = pos + len > f->size ? pos + len : f->size;
            f->dirty = true;
            return (int)len;
        }
        if ((err = to_blocks(fs, f)) != 0) {
            return err;
        }
    }
    /* A gap after the end: the rest of the last (partial) block gets zeros; whole blocks beyond are holes. */
    if (pos > f->size && f->size % fs->payload != 0u) {
        const uint32_t block_end = (f->size / fs->payload + 1u) * fs->payload;
        const uint32_t gap_end = pos < block_end ? pos : block_end;
        if ((err = write_at(fs, f, f->size, NULL, gap_end - f->size)) < 0) {
            return err;
        }
    }
    for (uint32_t done = 0; done < len;) {
        const uint32_t p = pos + done;
        const uint32_t bi = p / fs->payload;
        const uint32_t bo = p % fs->payload;
        const uint32_t n = len - done < fs->payload - bo ? len - done : fs->payload - bo;
        if (f->w_index == bi && bo >= f->w_prog) {
            err = w_fill(fs, f, bo);
        } else {
            err = f->w_index != KFS_NONE ? w_finish(fs, f) : 0;
            if (err == 0) {
                err = w_start(fs, f, bi, bo);
            }
        }
        if (err == 0) {
            err = w_put(fs, f, data != NULL ? data + done : NULL, n);
        }
        if (err != 0) {
            return err;
        }
        done += n;
        if (p + n > f->size) {
            f->size = p + n;
        }
        f->dirty = true;
    }
    return (int)len;
}

int kfs_file_write(kfs_t *fs, kfs_file_t *f, const void *buf, uint32_t len) {
    if (!f->open || !CAN_WRITE(f)) {
        return -KFS_EBADF;
    }
    if (f->flags & KFS_O_APPEND) {
        f->pos = f->size;
    }
    const int n = write_at(fs, f, f->pos, buf, len);
    if (n > 0) {
        f->pos += (uint32_t)n;
    }
    return n;
}

int kfs_file_seek(kfs_t *fs, kfs_file_t *f, int32_t offset, int whence) {
    if (!f->open) {
        return -KFS_EBADF;
    }
    int64_t base = whence == KFS_SEEK_SET ? 0 : whence == KFS_SEEK_CUR ? (int64_t)f->pos
                   : whence == KFS_SEEK_END ? (int64_t)f->size : -1;
    if (base < 0) {
        return -KFS_EINVAL;
    }
    const int64_t to = base + offset;
    if (to < 0 || (uint64_t)to > max_size(fs)) {
        return -KFS_EINVAL;
    }
    f->pos = (uint32_t)to;
    return (int)f->pos;
}

int kfs_file_truncate(kfs_t *fs, kfs_file_t *f, uint32_t size) {
    if (!f->open || !CAN_WRITE(f)) {
        return -KFS_EBADF;
    }
    if (size > max_size(fs)) {
        return -KFS_EFBIG;
    }
    if (size == f->size) {
        return 0;
    }
    int err;
    if (size > f->size) {
        if (f->is_inline && size <= fs->inline_max) {
            memset(f->cache + f->size, 0, size - f->size);
        } else {
            if (f->is_inline && (err = to_blocks(fs, f)) != 0) {
                return err;
            }
            /* zeros over the rest of the last partial block; the blocks beyond are holes */
            if (f->size % fs->payload != 0u) {
                const uint32_t block_end = (f->size / fs->payload + 1u) * fs->payload;
                const uint32_t end = size < block_end ? size : block_end;
                if ((err = write_at(fs, f, f->size, NULL, end - f->size)) < 0) {
                    return err;
                }
            }
        }
        f->size = size;
        f->dirty = true;
        return 0;
    }
    if (!f->is_inline) {
        const uint32_t n = kfs_blocks_for(fs, size);
        uint32_t committed;
        if (f->w_index != KFS_NONE && f->w_index >= n) {
            if ((err = committed_block(fs, f, f->w_index, &committed)) != 0) {
                return err;
            }
            if (committed != f->w_block) {
                kfs_block_free(fs, f->w_block);
            }
            f->w_index = KFS_NONE;
        }
        for (int k = (int)f->n_overlay - 1; k >= 0; k--) {
            if (f->overlay[k].index >= n) {
                if ((err = committed_block(fs, f, f->overlay[k].index, &committed)) != 0) {
                    return err;
                }
                if (committed != f->overlay[k].block) {
                    kfs_block_free(fs, f->overlay[k].block);
                }
                f->overlay[k] = f->overlay[--f->n_overlay];
            }
        }
        /* Committed blocks past the new end are out of the file from now on (freed by the next commit):
           growing it again later must find holes there, not the old data. */
        f->committed_n = f->committed_n < n ? f->committed_n : n;
    }
    f->size = size;
    f->dirty = true;
    return 0;
}

int kfs_file_sync(kfs_t *fs, kfs_file_t *f) {
    if (!f->open) {
        return -KFS_EBADF;
    }
    return f->dirty ? commit(fs, f) : 0;
}

int kfs_file_close(kfs_t *fs, kfs_file_t *f) {
    if (!f->open) {
        return -KFS_EBADF;
    }
    int err = f->dirty ? commit(fs, f) : 0;
    release(fs, f);
    f->open = false;
    return err;
}
