/* kfs_meta.c: the metadata pair: format, mount (scan for the newest valid block, replay its commits into the
   index), the commit writer, compaction and relocation of the pair. */
#include <string.h>

#include "kfs_internal.h"

#define CHUNK 32u /* stack buffer for reading tags and copying payloads */

/* ---- small helpers ---------------------------------------------------------------------------------- */

static int bd_read(kfs_t *fs, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    return fs->bd->read(fs->bd->ctx, block, off, buf, len) < 0 ? -KFS_EIO : 0;
}

uint32_t kfs_commit_size(const kfs_t *fs, uint32_t payload) {
    return kfs_align(payload + KFS_TAG + 4u, fs->bd->prog_size);
}

uint32_t kfs_blocks_for(const kfs_t *fs, uint32_t size) {
    return (uint32_t)(((uint64_t)size + fs->payload - 1u) / fs->payload);
}

/* Room kept back so a full log can still take a deletion. */
static uint32_t reserve(const kfs_t *fs) {
    return kfs_commit_size(fs, KFS_TAG + 4u);
}

kfs_entry_t *kfs_entry_find(kfs_t *fs, uint32_t id) {
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        if (fs->entries[i].id == id) {
            return &fs->entries[i];
        }
    }
    return NULL;
}

int kfs_list_get(kfs_t *fs, uint32_t data_off, uint32_t i, uint32_t *block) {
    uint8_t raw[4];
    const int err = bd_read(fs, fs->active, data_off + 8u + 4u * i, raw, 4);
    *block = kfs_get32(raw);
    return err;
}

/* ---- replaying commits into the index ------------------------------------------------------------------ */

static int apply_tag(kfs_t *fs, uint32_t block, uint32_t type, uint32_t off, uint32_t len) {
    uint8_t raw[12] = {0};
    int err = bd_read(fs, block, off, raw, len < 12u ? len : 12u);
    if (err != 0) {
        return err;
    }
    const uint32_t id = kfs_get32(raw);
    kfs_entry_t *entry = kfs_entry_find(fs, id);
    switch (type) {
    case KFS_TAG_ENTRY:
        if (entry == NULL) {
            if (fs->n_entries == fs->max_entries) {
                return -KFS_ENOMEM;
            }
            entry = &fs->entries[fs->n_entries++];
            memset(entry, 0, sizeof *entry);
            entry->id = id;
        }
        entry->parent = kfs_get32(raw + 4);
        entry->type = raw[8];
        entry->name_off = off + KFS_ENTRY_FIXED;
        entry->name_len = (uint16_t)(len - KFS_ENTRY_FIXED);
        if (id >= fs->next_id) {
            fs->next_id = id + 1u;
        }
        return 0;
    case KFS_TAG_INLINE:
    case KFS_TAG_BLOCKS:
        if (entry == NULL) {
            return -KFS_ECORRUPT;
        }
        entry->data_kind = type == KFS_TAG_INLINE ? 1u : 2u;
        entry->data_off = off;
        entry->size = type == KFS_TAG_INLINE ? len - 4u : kfs_get32(raw + 4);
        return 0;
    case KFS_TAG_DELETE:
        if (entry != NULL) {
            *entry = fs->entries[--fs->n_entries];
        }
        return 0;
    default:
        return -KFS_ECORRUPT;
    }
}

static bool tag_length_ok(const kfs_t *fs, uint32_t type, uint32_t len) {
    switch (type) {
    case KFS_TAG_ENTRY:
        return len > KFS_ENTRY_FIXED && len - KFS_ENTRY_FIXED <= fs->name_max;
    case KFS_TAG_INLINE:
        return len >= 4u && len - 4u <= fs->inline_max;
    case KFS_TAG_BLOCKS:
        return len >= 8u && (len - 8u) % 4u == 0u;
    case KFS_TAG_DELETE:
        return len == 4u;
    case KFS_TAG_CRC:
        return len >= 4u;
    default:
        return false;
    }
}

/* Checks the commit at `start`: every tag well-formed and the CRC right. Returns 1 (with *tags = its first
   tag, *crc_at = its CRC tag, *next = the offset after it), 0 when there is no valid commit there (erased
   space, or a torn or corrupt commit: the log ends), or an error. */
static int check_commit(kfs_t *fs, uint32_t block, uint32_t start, uint32_t *tags, uint32_t *crc_at,
                        uint32_t *next) {
    const uint32_t size = fs->bd->block_size;
    uint8_t buf[CHUNK];
    uint32_t crc = 0;
    uint32_t at = start;
    if (start == 0u) {
        if (bd_read(fs, block, 0, buf, KFS_HEADER) != 0) {
            return -KFS_EIO;
        }
        crc = kfs_crc32(crc, buf, KFS_HEADER);
        at = KFS_HEADER;
    }
    *tags = at;
    for (;;) {
        uint8_t tag[KFS_TAG];
        if (at + KFS_TAG > size) {
            return 0;
        }
        if (bd_read(fs, block, at, tag, KFS_TAG) != 0) {
            return -KFS_EIO;
        }
        const uint32_t type = tag[0];
        const uint32_t len = (uint32_t)tag[2] | (uint32_t)tag[3] << 8;
        if (type == KFS_TAG_ERASED || tag[1] != 0u || !tag_length_ok(fs, type, len) || at + KFS_TAG + len > size) {
            return 0;
        }
        crc = kfs_crc32(crc, tag, KFS_TAG);
        if (type == KFS_TAG_CRC) {
            if (bd_read(fs, block, at + KFS_TAG, buf, 4) != 0) {
                return -KFS_EIO;
            }
            if (kfs_get32(buf) != crc) {
                return 0;
            }
            *crc_at = at;
            *next = at + KFS_TAG + len;
            return 1;
        }
        for (uint32_t done = 0; done < len;) {
            const uint32_t n = len - done < CHUNK ? len - done : CHUNK;
            if (bd_read(fs, block, at + KFS_TAG + done, buf, n) != 0) {
                return -KFS_EIO;
            }
            crc = kfs_crc32(crc, buf, n);
            done += n;
        }
        at += KFS_TAG + len;
    }
}

/* Replays the tags in [at, end) of a checked commit into the index. */
static int apply_commit(kfs_t *fs, uint32_t block, uint32_t at, uint32_t end) {
    while (at < end) {
        uint8_t tag[KFS_TAG];
        if (bd_read(fs, block, at, tag, KFS_TAG) != 0) {
            return -KFS_EIO;
        }
        const uint32_t len = (uint32_t)tag[2] | (uint32_t)tag[3] << 8;
        const int err = apply_tag(fs, block, tag[0], at + KFS_TAG, len);
        if (err != 0) {
            return err;
        }
        at += KFS_TAG + len;
    }
    return 0;
}

/* One commit: 1 when valid (and applied), 0 when the log ends at `start`, or an error. */
static int parse_commit(kfs_t *fs, uint32_t block, uint32_t start, uint32_t *next) {
    uint32_t tags;
    uint32_t crc_at;
    const int r = check_commit(fs, block, start, &tags, &crc_at, next);
    if (r != 1) {
        return r;
    }
    const int err = apply_commit(fs, block, tags, crc_at);
    return err != 0 ? err : 1;
}

typedef struct {
    uint32_t rev;
    uint32_t partner;
    uint32_t inline_max;
    uint32_t name_max;
    uint32_t data_off;
} header_t;

static bool read_header(kfs_t *fs, uint32_t block, header_t *h) {
    uint8_t raw[KFS_HEADER];
    if (bd_read(fs, block, 0, raw, KFS_HEADER) != 0 || kfs_get32(raw) != KFS_MAGIC) {
        return false;
    }
    h->rev = kfs_get32(raw + 4);
    h->partner = kfs_get32(raw + 8);
    h->inline_max = (uint32_t)raw[20] | (uint32_t)raw[21] << 8;
    h->name_max = raw[22];
    h->data_off = kfs_get32(raw + 24);
    return kfs_get32(raw + 12) == fs->bd->block_size && kfs_get32(raw + 16) == fs->bd->block_count &&
           raw[23] == KFS_VERSION && h->partner < fs->bd->block_count && h->partner != block && h->name_max > 0u;
}

/* Rebuilds the index from every valid commit of `block`; sets off and tail_dirty. Returns the number of
   valid commits, or an error. */
static int fetch(kfs_t *fs, uint32_t block) {
    fs->n_entries = 0;
    fs->next_id = 1;
    uint32_t off = 0;
    int commits = 0;
    for (;;) {
        uint32_t next;
        const int r = parse_commit(fs, block, off, &next);
        if (r < 0) {
            return r;
        }
        if (r == 0) {
            break;
        }
        commits++;
        off = next;
    }
    fs->off = off;
    /* Anything but erased bytes after the last commit (a torn one) must not be programmed over. */
    fs->tail_dirty = false;
    uint8_t buf[CHUNK];
    for (uint32_t at = off; at < fs->bd->block_size && !fs->tail_dirty; at += CHUNK) {
        const uint32_t n = fs->bd->block_size - at < CHUNK ? fs->bd->block_size - at : CHUNK;
        if (bd_read(fs, block, at, buf, n) != 0) {
            return -KFS_EIO;
        }
        for (uint32_t i = 0; i < n; i++) {
            if (buf[i] != 0xFFu) {
                fs->tail_dirty = true;
                break;
            }
        }
    }
    return commits;
}

/* ---- the commit writer ------------------------------------------------------------------------------------ */

static void flush(kfs_t *fs, uint32_t block, bool pad) {
    uint32_t pending = fs->w_len - fs->w_done;
    if (pad) {
        const uint32_t padded = kfs_align(pending, fs->bd->prog_size);
        memset(fs->cache + pending, 0xFF, padded - pending);
        pending = padded;
    }
    if (pending == 0u || fs->w_err != 0) {
        return;
    }
    if (fs->bd->prog(fs->bd->ctx, block, fs->w_start + fs->w_done, fs->cache, pending) < 0) {
        fs->w_err = -KFS_EIO;
    }
    fs->w_done += pending;
}

static void put(kfs_t *fs, const void *data, uint32_t len, bool crc) {
    const uint8_t *p = data;
    if (crc) {
        fs->w_crc = kfs_crc32(fs->w_crc, data, len);
    }
    while (len > 0u) {
        const uint32_t used = fs->w_len - fs->w_done;
        uint32_t n = fs->cache_size - used;
        n = n < len ? n : len;
        memcpy(fs->cache + used, p, n);
        fs->w_len += n;
        p += n;
        len -= n;
        if (fs->w_len - fs->w_done == fs->cache_size) {
            flush(fs, fs->w_block, false);
        }
    }
}

static void writer_start(kfs_t *fs, uint32_t block, uint32_t at) {
    fs->w_block = block;
    fs->w_start = at;
    fs->w_len = 0;
    fs->w_done = 0;
    fs->w_crc = 0;
    fs->w_err = 0;
}

/* Ends the commit: CRC tag (covering everything since the commit began, its own header included), crc,
   padding to the program size; then the device's sync. */
static int writer_finish(kfs_t *fs) {
    const uint32_t prog = fs->bd->prog_size;
    const uint32_t pad = kfs_align(fs->w_len + KFS_TAG + 4u, prog) - (fs->w_len + KFS_TAG + 4u);
    uint8_t tag[KFS_TAG] = {KFS_TAG_CRC, 0, (uint8_t)(4u + pad), (uint8_t)((4u + pad) >> 8)};
    put(fs, tag, KFS_TAG, true);
    uint8_t raw[4];
    kfs_put32(raw, fs->w_crc);
    put(fs, raw, 4, false);
    static const uint8_t ones[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    for (uint32_t left = pad; left > 0u;) {
        const uint32_t n = left < sizeof ones ? left : (uint32_t)sizeof ones;
        put(fs, ones, n, false);
        left -= n;
    }
    flush(fs, fs->w_block, true);
    if (fs->w_err == 0 && fs->bd->sync(fs->bd->ctx) < 0) {
        fs->w_err = -KFS_EIO;
    }
    return fs->w_err;
}

void kfs_commit_tag(kfs_t *fs, uint32_t type, uint32_t len) {
    const uint8_t tag[KFS_TAG] = {(uint8_t)type, 0, (uint8_t)len, (uint8_t)(len >> 8)};
    put(fs, tag, KFS_TAG, true);
}

void kfs_commit_bytes(kfs_t *fs, const void *data, uint32_t len) {
    put(fs, data, len, true);
}

void kfs_commit_u32(kfs_t *fs, uint32_t value) {
    uint8_t raw[4];
    kfs_put32(raw, value);
    put(fs, raw, 4, true);
}

static void copy_from(kfs_t *fs, uint32_t block, uint32_t off, uint32_t len) {
    uint8_t buf[CHUNK];
    while (len > 0u && fs->w_err == 0) {
        const uint32_t n = len < CHUNK ? len : CHUNK;
        if (bd_read(fs, block, off, buf, n) != 0) {
            fs->w_err = -KFS_EIO;
            return;
        }
        put(fs, buf, n, true);
        off += n;
        len -= n;
    }
}

void kfs_commit_copy(kfs_t *fs, uint32_t off, uint32_t len) {
    copy_from(fs, fs->active, off, len);
}

/* ---- compaction ------------------------------------------------------------------------------------------ */

static uint32_t entry_bytes(const kfs_t *fs, const kfs_entry_t *e) {
    uint32_t n = KFS_TAG + KFS_ENTRY_FIXED + e->name_len;
    if (e->data_kind == 1u) {
        n += KFS_TAG + 4u + e->size;
    } else if (e->data_kind == 2u) {
        n += KFS_TAG + 8u + 4u * kfs_blocks_for(fs, e->size);
    }
    return n;
}

static void write_header(kfs_t *fs, uint32_t rev, uint32_t partner) {
    uint8_t h[KFS_HEADER];
    kfs_put32(h, KFS_MAGIC);
    kfs_put32(h + 4, rev);
    kfs_put32(h + 8, partner);
    kfs_put32(h + 12, fs->bd->block_size);
    kfs_put32(h + 16, fs->bd->block_count);
    h[20] = (uint8_t)fs->inline_max;
    h[21] = (uint8_t)(fs->inline_max >> 8);
    h[22] = (uint8_t)fs->name_max;
    h[23] = KFS_VERSION;
    kfs_put32(h + 24, fs->data_off);
    put(fs, h, KFS_HEADER, true);
}

/* Writes the live state into a fresh block as one commit; the old block stays the valid one until this
   commit's CRC is on the device. Every block_cycles compactions the pair moves to two free blocks. */
static int compact(kfs_t *fs) {
    uint32_t payload = 0;
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        payload += entry_bytes(fs, &fs->entries[i]);
    }
    if (KFS_HEADER + kfs_commit_size(fs, payload) > fs->bd->block_size) {
        return -KFS_ENOSPC;
    }
    const uint32_t rev = fs->rev + 1u;
    const bool relocate = fs->block_cycles != 0u && rev % fs->block_cycles == 0u && kfs_blocks_free(fs) >= 2u;
    uint32_t target = fs->partner;
    uint32_t partner = fs->active;
    int err = 0;
    if (relocate) {
        err = kfs_block_alloc(fs, &target);
        if (err == 0) {
            err = kfs_block_alloc(fs, &partner);
            if (err != 0) {
                kfs_block_free(fs, target);
            }
        }
        if (err != 0) {
            return err;
        }
    } else if (fs->bd->erase(fs->bd->ctx, target) < 0) {
        return -KFS_EIO;
    }
    writer_start(fs, target, 0);
    write_header(fs, rev, partner);
    for (uint32_t i = 0; i < fs->n_entries && fs->w_err == 0; i++) {
        const kfs_entry_t *e = &fs->entries[i];
        kfs_commit_tag(fs, KFS_TAG_ENTRY, KFS_ENTRY_FIXED + e->name_len);
        kfs_commit_u32(fs, e->id);
        kfs_commit_u32(fs, e->parent);
        kfs_commit_bytes(fs, &e->type, 1);
        copy_from(fs, fs->active, e->name_off, e->name_len);
        if (e->data_kind == 1u) {
            kfs_commit_tag(fs, KFS_TAG_INLINE, 4u + e->size);
            copy_from(fs, fs->active, e->data_off, 4u + e->size);
        } else if (e->data_kind == 2u) {
            const uint32_t len = 8u + 4u * kfs_blocks_for(fs, e->size);
            kfs_commit_tag(fs, KFS_TAG_BLOCKS, len);
            copy_from(fs, fs->active, e->data_off, len);
        }
    }
    err = writer_finish(fs);
    if (err != 0) {
        if (relocate) {
            kfs_block_free(fs, target);
            kfs_block_free(fs, partner);
        }
        return err;
    }
    if (relocate) {
        kfs_block_free(fs, fs->active);
        kfs_block_free(fs, fs->partner);
        fs->relocations++;
    }
    fs->active = target;
    fs->partner = partner;
    fs->rev = rev;
    fs->compactions++;
    const uint32_t next_id = fs->next_id;
    const int commits = fetch(fs, target);
    fs->next_id = next_id > fs->next_id ? next_id : fs->next_id; /* ids of deleted entries stay used */
    return commits == 1 ? 0 : commits < 0 ? commits : -KFS_EIO;
}

int kfs_commit_begin(kfs_t *fs, uint32_t payload, bool deletion) {
    if (!fs->mounted) {
        return -KFS_EINVAL;
    }
    const uint32_t need = kfs_commit_size(fs, payload);
    const uint32_t limit = fs->bd->block_size - (deletion ? 0u : reserve(fs));
    if (fs->tail_dirty || fs->off + need > limit) {
        const int err = compact(fs);
        if (err != 0) {
            return err;
        }
        if (fs->off + need > limit) {
            return -KFS_ENOSPC;
        }
    }
    writer_start(fs, fs->active, fs->off);
    return 0;
}

int kfs_commit_end(kfs_t *fs) {
    const uint32_t start = fs->w_start;
    const int err = writer_finish(fs);
    if (err != 0) {
        fs->tail_dirty = true; /* part of it may be on the device */
        return err;
    }
    uint32_t next;
    const int r = parse_commit(fs, fs->active, start, &next);
    if (r != 1) {
        fs->tail_dirty = true;
        return r < 0 ? r : -KFS_EIO; /* it does not read back: the device lied */
    }
    fs->off = next;
    return 0;
}

/* ---- mount and format -------------------------------------------------------------------------------------- */

static int setup(kfs_t *fs, const kfs_config_t *c) {
    const kfs_bd_t *bd = c->bd;
    if (bd == NULL || c->entries == NULL || c->bitmap == NULL || c->cache == NULL || bd->block_count < 2u ||
        bd->prog_size == 0u || (bd->prog_size & (bd->prog_size - 1u)) != 0u || c->cache_size < 64u ||
        (c->cache_size & (c->cache_size - 1u)) != 0u || c->cache_size % bd->prog_size != 0u ||
        bd->block_size < 512u || bd->block_size % bd->prog_size != 0u || c->cache_size > bd->block_size ||
        bd->prog_size > 64u) {
        return -KFS_EINVAL;
    }
    memset(fs, 0, sizeof *fs);
    fs->bd = bd;
    fs->entries = c->entries;
    fs->max_entries = c->max_entries;
    fs->bitmap = c->bitmap;
    fs->cache = c->cache;
    fs->cache_size = c->cache_size;
    fs->block_cycles = c->block_cycles;
    fs->data_off = kfs_align(4u, bd->prog_size);
    fs->payload = bd->block_size - fs->data_off;
    fs->name_max = KFS_NAME_MAX;
    fs->inline_max = 0xFFFFu;
    return 0;
}

/* Marks the pair and every block a file lists as used. */
static int build_bitmap(kfs_t *fs) {
    memset(fs->bitmap, 0, (fs->bd->block_count + 7u) / 8u);
    kfs_block_mark(fs, fs->active, true);
    kfs_block_mark(fs, fs->partner, true);
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        const kfs_entry_t *e = &fs->entries[i];
        if (e->data_kind != 2u) {
            continue;
        }
        const uint32_t n = kfs_blocks_for(fs, e->size);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t block;
            if (kfs_list_get(fs, e->data_off, k, &block) != 0) {
                return -KFS_EIO;
            }
            if (block == KFS_NONE) {
                continue; /* a hole: reads as zeros */
            }
            if (block >= fs->bd->block_count || kfs_block_used(fs, block)) {
                return -KFS_ECORRUPT;
            }
            kfs_block_mark(fs, block, true);
        }
    }
    return 0;
}

int kfs_mount(kfs_t *fs, const kfs_config_t *config) {
    int err = setup(fs, config);
    if (err != 0) {
        return err;
    }
    /* The newest metadata block with at least one valid commit is the filesystem; an older one can only be a
       stale copy (revisions only grow). A torn compaction leaves a newer block without a valid commit. */
    uint32_t below = KFS_NONE;
    bool found = false;
    for (uint32_t attempt = 0; attempt < fs->bd->block_count; attempt++) {
        uint32_t best = KFS_NONE;
        header_t best_h = {0, 0, 0, 0, 0};
        for (uint32_t b = 0; b < fs->bd->block_count; b++) {
            header_t h;
            if (read_header(fs, b, &h) && (below == KFS_NONE || h.rev < below) &&
                (best == KFS_NONE || h.rev > best_h.rev)) {
                best = b;
                best_h = h;
            }
        }
        if (best == KFS_NONE) {
            return -KFS_ECORRUPT;
        }
        below = best_h.rev;
        if (best_h.data_off < 4u || best_h.data_off > 64u || best_h.data_off >= fs->bd->block_size) {
            continue; /* not a header kfs wrote (the commit CRC would say so too) */
        }
        fs->inline_max = best_h.inline_max;
        fs->name_max = best_h.name_max;
        fs->data_off = best_h.data_off;
        fs->payload = fs->bd->block_size - fs->data_off;
        const int commits = fetch(fs, best);
        if (commits < 0) {
            return commits;
        }
        if (commits == 0) {
            continue; /* a torn compaction: the older block is the filesystem */
        }
        /* A valid filesystem, but is it usable here? Data blocks start at data_off, which this device must be
           able to program at; inline files must fit this configuration's cache. */
        if (fs->data_off % fs->bd->prog_size != 0u || fs->inline_max > fs->cache_size || fs->inline_max > fs->payload) {
            return -KFS_EINVAL;
        }
        fs->active = best;
        fs->partner = best_h.partner;
        fs->rev = best_h.rev;
        /* A log written with a smaller program size may end off this device's alignment: compact first. */
        fs->tail_dirty = fs->tail_dirty || fs->off % fs->bd->prog_size != 0u;
        found = true;
        break;
    }
    if (!found) {
        return -KFS_ECORRUPT;
    }
    if ((err = build_bitmap(fs)) != 0) {
        return err;
    }
    fs->cursor = (uint32_t)(((uint64_t)fs->rev * 2654435761u) % fs->bd->block_count);
    fs->mounted = true;
    return 0;
}

int kfs_format(kfs_t *fs, const kfs_config_t *config) {
    int err = setup(fs, config);
    if (err != 0) {
        return err;
    }
    fs->name_max = config->name_max != 0u ? config->name_max : KFS_DEFAULT_NAME_MAX;
    fs->inline_max = config->inline_max != 0u ? config->inline_max : config->cache_size;
    if (fs->name_max > KFS_NAME_MAX || fs->inline_max > config->cache_size || fs->inline_max > fs->payload ||
        fs->inline_max > 0xFFFFu) {
        return -KFS_EINVAL;
    }
    /* Start above every revision on the device, so no stale metadata block can look newer. */
    uint32_t rev = 0;
    for (uint32_t b = 0; b < fs->bd->block_count; b++) {
        uint8_t raw[8];
        if (bd_read(fs, b, 0, raw, 8) == 0 && kfs_get32(raw) == KFS_MAGIC && kfs_get32(raw + 4) >= rev) {
            rev = kfs_get32(raw + 4) + 1u;
        }
    }
    if (fs->bd->erase(fs->bd->ctx, 0) < 0) {
        return -KFS_EIO;
    }
    writer_start(fs, 0, 0);
    write_header(fs, rev, 1);
    if ((err = writer_finish(fs)) != 0) {
        return err;
    }
    return kfs_mount(fs, config);
}

int kfs_unmount(kfs_t *fs) {
    if (!fs->mounted) {
        return -KFS_EINVAL;
    }
    fs->mounted = false;
    return fs->bd->sync(fs->bd->ctx) < 0 ? -KFS_EIO : 0;
}
