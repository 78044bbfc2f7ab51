/* probe_kfs.c: driver probe commands that run the core filesystem (kfs) on the vfs partition. */
#include <errno.h>
#include <stdio.h>

#include "esp_flash_bd.h"
#include "probe.h"

#define MAX_ENTRIES 16u
#define CACHE_SIZE 256u
#define MAX_BLOCKS 1024u

/* The filesystem and the RAM it works in; all reset by kfs.format/kfs.mount. */
static struct {
    kfs_bd_t bd;
    kfs_t fs;
    kfs_config_t config;
    kfs_entry_t entries[MAX_ENTRIES];
    uint8_t bitmap[MAX_BLOCKS / 8u];
    uint8_t cache[CACHE_SIZE];
    uint8_t file_cache[CACHE_SIZE];
} vol;

static uint8_t data[PROBE_MAX_BYTES];

static int setup(void) {
    int err = esp_flash_vfs_bd(&vol.bd);
    if (err != 0) {
        return err;
    }
    if (vol.bd.block_count > MAX_BLOCKS) {
        return -EFBIG;
    }
    vol.config = (kfs_config_t){
        .bd = &vol.bd,
        .entries = vol.entries,
        .max_entries = MAX_ENTRIES,
        .bitmap = vol.bitmap,
        .cache = vol.cache,
        .cache_size = CACHE_SIZE,
        .block_cycles = 100u,
    };
    return 0;
}

static void file_name(char name[16], int64_t n) {
    snprintf(name, 16, "f%ld", (long)n);
}

static int cmd_kfs_format(const probe_args_t *args) {
    (void)args;
    int err = setup();
    if (err == 0) {
        err = kfs_format(&vol.fs, &vol.config);
    }
    if (err == 0) {
        err = kfs_mount(&vol.fs, &vol.config);
    }
    if (err != 0) {
        return err;
    }
    probe_ok();
    probe_num(vol.bd.block_count);
    return 0;
}

static int cmd_kfs_mount(const probe_args_t *args) {
    (void)args;
    int err = setup();
    if (err == 0) {
        err = kfs_mount(&vol.fs, &vol.config);
    }
    if (err != 0) {
        return err;
    }
    kfs_statvfs_t st;
    kfs_statvfs(&vol.fs, &st);
    probe_ok();
    probe_num(st.blocks_free);
    return 0;
}

static int cmd_kfs_write(const probe_args_t *args) {
    char name[16];
    file_name(name, args->num[0]);
    kfs_file_t file;
    int err = kfs_file_open(&vol.fs, &file, name, KFS_O_WRONLY | KFS_O_CREAT | KFS_O_TRUNC, vol.file_cache);
    if (err != 0) {
        return err;
    }
    int n = kfs_file_write(&vol.fs, &file, args->bytes, (uint32_t)args->nbytes);
    int closed = kfs_file_close(&vol.fs, &file);
    if (n < 0) {
        return n;
    }
    if (closed != 0) {
        return closed;
    }
    probe_ok();
    probe_num(n);
    return 0;
}

static int cmd_kfs_read(const probe_args_t *args) {
    char name[16];
    file_name(name, args->num[0]);
    kfs_file_t file;
    int err = kfs_file_open(&vol.fs, &file, name, KFS_O_RDONLY, vol.file_cache);
    if (err != 0) {
        return err;
    }
    int n = kfs_file_read(&vol.fs, &file, data, sizeof data);
    kfs_file_close(&vol.fs, &file);
    if (n < 0) {
        return n;
    }
    probe_ok();
    probe_hex(data, (size_t)n);
    return 0;
}

const probe_cmd_t probe_kfs_commands[] = {
    {"kfs.format", 0, cmd_kfs_format},
    {"kfs.mount", 0, cmd_kfs_mount},
    {"kfs.write", 1, cmd_kfs_write},
    {"kfs.read", 1, cmd_kfs_read},
    {NULL, 0, NULL},
};
