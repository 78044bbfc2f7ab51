/* kfs_host.c: a host-side wrapper around core/fs for the Python tests (ctypes): one filesystem on a RAM device
   whose programs and erases can be cut off after N operations, as if power failed mid-operation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfs.h"
#include "kfs_rambd.h"

#define SLOTS 8

typedef struct {
    kfs_rambd_t ram;
    kfs_bd_t bd;          /* the device kfs sees: the RAM one behind the power-cut switch */
    long cut_after;       /* operations (prog/erase) still allowed; -1: no cut planned */
    int dead;             /* power is off: every operation fails */
    uint32_t rng;
    uint32_t ops;         /* prog + erase operations so far */
    uint32_t erases_per_block_max;
    uint32_t *erase_counts;
    kfs_t fs;
    kfs_config_t config;
    kfs_entry_t *entries;
    uint8_t *bitmap;
    uint8_t *cache;
    uint8_t *file_cache;
    kfs_file_t files[SLOTS];
} host_t;

static uint32_t next_random(host_t *h) {
    h->rng ^= h->rng << 13;
    h->rng ^= h->rng >> 17;
    h->rng ^= h->rng << 5;
    return h->rng;
}

/* Returns 1 when this operation is the one the power cut hits (it then happens only in part). */
static int cut_now(host_t *h) {
    if (h->dead) {
        return -1;
    }
    h->ops++;
    if (h->cut_after < 0) {
        return 0;
    }
    if (h->cut_after == 0) {
        h->dead = 1;
        return 1;
    }
    h->cut_after--;
    return 0;
}

static int host_read_cb(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    host_t *h = ctx;
    if (h->dead) {
        return -KFS_EIO;
    }
    return h->ram.bd.read(&h->ram, block, off, buf, len);
}

static int host_prog_cb(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len) {
    host_t *h = ctx;
    const int cut = cut_now(h);
    if (cut < 0) {
        return -KFS_EIO;
    }
    if (cut == 0) {
        return h->ram.bd.prog(&h->ram, block, off, buf, len);
    }
    /* Power fails during this program: a prefix lands, the byte at the edge only partly (some bits). */
    uint8_t *at = h->ram.mem + (size_t)block * h->ram.bd.block_size + off;
    const uint8_t *data = buf;
    const uint32_t landed = len ? next_random(h) % (len + 1u) : 0u;
    for (uint32_t i = 0; i < landed; i++) {
        at[i] &= data[i];
    }
    if (landed < len) {
        at[landed] &= (uint8_t)(data[landed] | (uint8_t)next_random(h));
    }
    return -KFS_EIO;
}

static int host_erase_cb(void *ctx, uint32_t block) {
    host_t *h = ctx;
    const int cut = cut_now(h);
    if (cut < 0) {
        return -KFS_EIO;
    }
    if (block < h->ram.bd.block_count) {
        h->erase_counts[block]++;
    }
    if (cut == 0) {
        return h->ram.bd.erase(&h->ram, block);
    }
    /* Power fails during this erase: part of the block erased, the rest left as random bits. */
    uint8_t *at = h->ram.mem + (size_t)block * h->ram.bd.block_size;
    const uint32_t erased = next_random(h) % (h->ram.bd.block_size + 1u);
    memset(at, 0xFF, erased);
    for (uint32_t i = erased; i < h->ram.bd.block_size; i++) {
        at[i] = (uint8_t)next_random(h);
    }
    return -KFS_EIO;
}

static int host_sync_cb(void *ctx) {
    host_t *h = ctx;
    return h->dead ? -KFS_EIO : 0;
}

host_t *host_new(uint32_t block_size, uint32_t block_count, uint32_t prog_size, uint32_t cache_size,
                 uint32_t max_entries, uint32_t block_cycles, uint32_t inline_max) {
    host_t *h = calloc(1, sizeof *h);
    uint8_t *mem = malloc((size_t)block_size * block_count);
    h->entries = calloc(max_entries, sizeof *h->entries);
    h->bitmap = calloc((block_count + 7u) / 8u, 1);
    h->cache = calloc(cache_size, 1);
    h->file_cache = calloc((size_t)cache_size * SLOTS, 1);
    h->erase_counts = calloc(block_count, sizeof *h->erase_counts);
    kfs_rambd_init(&h->ram, mem, block_size, block_count, prog_size, true);
    h->bd = h->ram.bd;
    h->bd.ctx = h;
    h->bd.read = host_read_cb;
    h->bd.prog = host_prog_cb;
    h->bd.erase = host_erase_cb;
    h->bd.sync = host_sync_cb;
    h->cut_after = -1;
    h->rng = 0x12345678u;
    h->config.bd = &h->bd;
    h->config.entries = h->entries;
    h->config.max_entries = max_entries;
    h->config.bitmap = h->bitmap;
    h->config.cache = h->cache;
    h->config.cache_size = cache_size;
    h->config.block_cycles = block_cycles;
    h->config.inline_max = inline_max;
    return h;
}

void host_free(host_t *h) {
    free(h->ram.mem);
    free(h->entries);
    free(h->bitmap);
    free(h->cache);
    free(h->file_cache);
    free(h->erase_counts);
    free(h);
}

uint8_t *host_image(host_t *h) {
    return h->ram.mem;
}

/* Power back on: forget the planned cut and any open files (RAM state is lost with the power). */
void host_power_on(host_t *h) {
    h->dead = 0;
    h->cut_after = -1;
    memset(h->files, 0, sizeof h->files);
}

void host_cut_after(host_t *h, long operations, uint32_t seed) {
    h->cut_after = operations;
    h->rng = seed != 0u ? seed : 1u;
}

int host_dead(host_t *h) {
    return h->dead;
}

uint32_t host_ops(host_t *h) {
    return h->ops;
}

uint32_t host_erase_count(host_t *h, uint32_t block) {
    return h->erase_counts[block];
}

uint32_t host_violations(host_t *h) {
    return h->ram.violations;
}

int host_format(host_t *h) {
    return kfs_format(&h->fs, &h->config);
}

int host_mount(host_t *h) {
    return kfs_mount(&h->fs, &h->config);
}

int host_unmount(host_t *h) {
    return kfs_unmount(&h->fs);
}

uint32_t host_fs_stat(host_t *h, int what) {
    switch (what) {
    case 0: return h->fs.rev;
    case 1: return h->fs.active;
    case 2: return h->fs.compactions;
    case 3: return h->fs.relocations;
    case 4: return h->fs.n_entries;
    default: return h->fs.off;
    }
}

int host_open(host_t *h, const char *path, uint32_t flags) {
    for (int slot = 0; slot < SLOTS; slot++) {
        if (!h->files[slot].open) {
            const int err = kfs_file_open(&h->fs, &h->files[slot], path, flags,
                                          h->file_cache + (size_t)slot * h->config.cache_size);
            return err < 0 ? err : slot;
        }
    }
    return -KFS_ENOMEM;
}

int host_write(host_t *h, int slot, const void *buf, uint32_t len) {
    return kfs_file_write(&h->fs, &h->files[slot], buf, len);
}

int host_read(host_t *h, int slot, void *buf, uint32_t len) {
    return kfs_file_read(&h->fs, &h->files[slot], buf, len);
}

int host_seek(host_t *h, int slot, int32_t offset, int whence) {
    return kfs_file_seek(&h->fs, &h->files[slot], offset, whence);
}

int host_truncate(host_t *h, int slot, uint32_t size) {
    return kfs_file_truncate(&h->fs, &h->files[slot], size);
}

int host_sync(host_t *h, int slot) {
    return kfs_file_sync(&h->fs, &h->files[slot]);
}

int host_close(host_t *h, int slot) {
    return kfs_file_close(&h->fs, &h->files[slot]);
}

int host_mkdir(host_t *h, const char *path) {
    return kfs_mkdir(&h->fs, path);
}

int host_remove(host_t *h, const char *path) {
    return kfs_remove(&h->fs, path);
}

int host_rename(host_t *h, const char *from, const char *to) {
    return kfs_rename(&h->fs, from, to);
}

int host_stat(host_t *h, const char *path, uint32_t *type, uint32_t *size) {
    kfs_info_t info;
    const int err = kfs_stat(&h->fs, path, &info);
    if (err == 0) {
        *type = info.type;
        *size = info.size;
    }
    return err;
}

int host_statvfs(host_t *h, uint32_t *out) {
    kfs_statvfs_t s;
    const int err = kfs_statvfs(&h->fs, &s);
    if (err == 0) {
        out[0] = s.block_size;
        out[1] = s.block_count;
        out[2] = s.blocks_free;
        out[3] = s.name_max;
        out[4] = s.entries_free;
    }
    return err;
}

/* Lists a directory as lines "d NAME" / "f SIZE NAME"; returns the bytes written or an error. */
int host_listdir(host_t *h, const char *path, char *out, int cap) {
    kfs_dir_t dir;
    int err = kfs_dir_open(&h->fs, &dir, path);
    if (err != 0) {
        return err;
    }
    int used = 0;
    kfs_info_t info;
    while ((err = kfs_dir_read(&h->fs, &dir, &info)) == 1) {
        const int n = info.type == KFS_TYPE_DIR ? snprintf(out + used, (size_t)(cap - used), "d %s\n", info.name)
                                                : snprintf(out + used, (size_t)(cap - used), "f %u %s\n",
                                                           (unsigned)info.size, info.name);
        if (n < 0 || n >= cap - used) {
            return -KFS_ENOMEM;
        }
        used += n;
    }
    return err < 0 ? err : used;
}
