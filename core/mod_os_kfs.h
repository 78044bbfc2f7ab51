/* mod_os_kfs.h: the `_os` native module, file handles and /flash start-up over one kfs volume, shared by the
   ports with a filesystem; the port supplies the block device, the RAM, the mount and its reset hook. */
#ifndef KILN_MOD_OS_KFS_H
#define KILN_MOD_OS_KFS_H

#include <stdbool.h>
#include <stdint.h>

#include "kfs.h"

#define KN_OS_MAX_FILES 4u /* handles the volume can hold; a port may use fewer (max_files) */

/* One volume, owned by the port (outside the GC heap) and kept across soft resets; kn_os_mount fills it in. */
typedef struct {
    kfs_t fs;
    kfs_config_t cfg;
    kfs_file_t files[KN_OS_MAX_FILES];
    uint8_t *file_cache; /* max_files caches of cfg.cache_size bytes, one after the other */
    uint32_t max_files;
    const char *kind; /* what os._fs_kind() says: "flash", "ram" */
    int error;        /* errno of OSError while not mounted; 0 = EIO */
    bool ready;
} kn_os_volume_t;

/* The RAM a port gives kfs for its volume. */
typedef struct {
    kfs_entry_t *entries;
    uint32_t max_entries;
    uint8_t *bitmap;     /* (block_count + 7) / 8 bytes for the largest device the port mounts */
    uint8_t *caches;     /* (1 + max_files) caches of cache_size bytes: metadata, then one per open file */
    uint32_t cache_size; /* see kfs_config_t */
    uint32_t max_files;  /* <= KN_OS_MAX_FILES */
} kn_os_ram_t;

/* The port's volume (ports/<port>/mod_os.c): the same object for the life of the firmware. */
kn_os_volume_t *kn_os_volume(void);

/* For a port whose volume RAM is static: defines it (kn_os_store), its kn_os_ram_t (kn_os_store_ram) and
   kn_os_volume(). */
#define KN_OS_STATIC_VOLUME(max_entries, bitmap_bytes, cache_size, max_files)                                      \
    static struct {                                                                                                \
        kfs_entry_t entries[max_entries];                                                                          \
        uint8_t bitmap[bitmap_bytes];                                                                              \
        uint8_t caches[1u + (max_files)][cache_size];                                                              \
        kn_os_volume_t vol;                                                                                        \
    } kn_os_store;                                                                                                 \
    static const kn_os_ram_t kn_os_store_ram = {kn_os_store.entries, max_entries, kn_os_store.bitmap,              \
                                                kn_os_store.caches[0], cache_size, max_files};                     \
    kn_os_volume_t *kn_os_volume(void) {                                                                           \
        return &kn_os_store.vol;                                                                                   \
    }

/* Mounts `bd` as the volume in `ram`, formatting a blank or foreign device first. Returns 0 and sets `ready`,
   or a negative kfs error (also kept in `error`). Inline and kfs-only: ports mount before the interpreter
   exists (and driver test harnesses link it without the interpreter). */
static inline int kn_os_mount(kn_os_volume_t *vol, const kfs_bd_t *bd, const kn_os_ram_t *ram, const char *kind) {
    vol->cfg.bd = bd;
    vol->cfg.entries = ram->entries;
    vol->cfg.max_entries = ram->max_entries;
    vol->cfg.bitmap = ram->bitmap;
    vol->cfg.cache = ram->caches;
    vol->cfg.cache_size = ram->cache_size;
    vol->cfg.block_cycles = 100;
    vol->file_cache = ram->caches + ram->cache_size;
    vol->max_files = ram->max_files < KN_OS_MAX_FILES ? ram->max_files : KN_OS_MAX_FILES;
    vol->kind = kind;
    int r = kfs_mount(&vol->fs, &vol->cfg);
    if (r < 0) {
        r = kfs_format(&vol->fs, &vol->cfg);
        if (r == 0) r = kfs_mount(&vol->fs, &vol->cfg);
    }
    vol->ready = r == 0;
    if (r < 0) vol->error = -r;
    return r;
}

/* From the port's kn_port_init, after its peripherals are back to reset: closes the files the last session
   left open, routes imports and builtin open() to /flash, runs /flash/boot.py and, unless the soft reset
   came from the raw REPL (tools must get their prompt, as with MicroPython), /flash/main.py. Nothing when
   the volume is not mounted. */
void kn_os_start(bool raw_repl);

#endif
