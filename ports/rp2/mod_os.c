/* mod_os.c: the rp2 port's filesystem: kfs at /flash (QSPI flash, or a RAM disk in rp2040js), the `_os` primitives
   under the frozen modules/os.py, open(), boot.py. */
#include <string.h>

#include "board_config.h"
#include "kfs.h"
#include "kfs_rambd.h"
#include "rp2_flash_bd.h"
#include "rp2_hal.h"
#include "rp2_port.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#define FS_CACHE 256u
#define FS_MAX_ENTRIES 48u
#define FS_MAX_FILES 4u
#define FS_BITMAP 512u /* 4096 blocks: a 16 MiB chip's region in 4 KiB sectors */
/* The RAM disk (emulator builds whose flash cannot be written, as in rp2040js): 32 KiB from the top of the
   heap, the same at every soft reset, so files survive it (not a power cycle). */
#define RAM_BLOCK 1024u
#define RAM_BLOCKS 32u

static struct {
    bool probed;
    bool ready;
    bool on_flash;
    size_t carve;
    kfs_bd_t flash_dev;
    kfs_rambd_t ram;
    kfs_config_t cfg;
    kfs_t fs;
    kfs_entry_t entries[FS_MAX_ENTRIES];
    uint8_t bitmap[FS_BITMAP];
    uint8_t cache[FS_CACHE];
    kfs_file_t files[FS_MAX_FILES];
    uint8_t file_cache[FS_MAX_FILES][FS_CACHE];
} fsys;

static bool mount_or_format(const kfs_bd_t *bd) {
    if (bd->block_count > FS_BITMAP * 8u) return false;
    fsys.cfg.bd = bd;
    fsys.cfg.entries = fsys.entries;
    fsys.cfg.max_entries = FS_MAX_ENTRIES;
    fsys.cfg.bitmap = fsys.bitmap;
    fsys.cfg.cache = fsys.cache;
    fsys.cfg.cache_size = FS_CACHE;
    fsys.cfg.block_cycles = 100;
    if (kfs_mount(&fsys.fs, &fsys.cfg) == 0) return true;
    return kfs_format(&fsys.fs, &fsys.cfg) == 0 && kfs_mount(&fsys.fs, &fsys.cfg) == 0;
}

/* Decided once per power-up (hal_heap_region runs before every kn_init): the flash region when it mounts or
   formats; otherwise, in emulator builds only, the RAM disk. */
size_t rp2_fs_ram_carve(uint8_t *heap, size_t len) {
    if (fsys.probed) return fsys.carve;
    fsys.probed = true;
    if (rp2_flash_bd(&fsys.flash_dev) == 0 && mount_or_format(&fsys.flash_dev)) {
        fsys.ready = fsys.on_flash = true;
        return 0;
    }
#ifdef KILN_EMULATOR
    size_t want = (size_t)RAM_BLOCK * RAM_BLOCKS;
    if (len >= want * 4u) {
        kfs_rambd_init(&fsys.ram, heap + len - want, RAM_BLOCK, RAM_BLOCKS, 4, true);
        if (mount_or_format(&fsys.ram.bd)) {
            fsys.ready = true;
            fsys.carve = want;
        }
    }
#else
    (void)heap;
    (void)len;
#endif
    return fsys.carve;
}

static int fs_check(int r) {
    if (r < 0) rp2_raise_errno(-r);
    return r;
}

static const char *path_of(kn_obj p) {
    if (!KN_IS_STR(p)) kn_raise_type("path must be a str");
    if (!fsys.ready) rp2_raise_errno(19);
    return kn_str_cstr(p);
}

static kn_obj os_listdir(kn_obj path) {
    kfs_dir_t d;
    kfs_info_t info;
    fs_check(kfs_dir_open(&fsys.fs, &d, path_of(path)));
    kn_obj list = kn_list_new(0, NULL);
    int r;
    while ((r = kfs_dir_read(&fsys.fs, &d, &info)) > 0) {
        kn_obj t[2] = {kn_str_new_c(info.name), KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000)};
        kn_list_append(list, kn_tuple_new(2, t));
    }
    fs_check(r);
    return list;
}
static KN_FUN1(os_listdir_obj, os_listdir);

static kn_obj os_mkdir(kn_obj path) {
    fs_check(kfs_mkdir(&fsys.fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_mkdir_obj, os_mkdir);

static kn_obj os_remove(kn_obj path) {
    fs_check(kfs_remove(&fsys.fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_remove_obj, os_remove);

static kn_obj os_rename(kn_obj a, kn_obj b) {
    const char *from = path_of(a);
    fs_check(kfs_rename(&fsys.fs, from, path_of(b)));
    return kn_none;
}
static KN_FUN2(os_rename_obj, os_rename);

/* (type, size): type 0x4000 directory, 0x8000 file */
static kn_obj os_stat(kn_obj path) {
    kfs_info_t info;
    fs_check(kfs_stat(&fsys.fs, path_of(path), &info));
    kn_obj t[2] = {KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000), kn_int_from_ull(info.size)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(os_stat_obj, os_stat);

static kn_obj os_statvfs(void) {
    kfs_statvfs_t s;
    if (!fsys.ready) rp2_raise_errno(19);
    fs_check(kfs_statvfs(&fsys.fs, &s));
    kn_obj t[10] = {kn_int_from_ull(s.block_size), kn_int_from_ull(s.block_size), kn_int_from_ull(s.block_count),
                    kn_int_from_ull(s.blocks_free), kn_int_from_ull(s.blocks_free), kn_int_from_ull(s.entries_free),
                    kn_int_from_ull(s.entries_free), kn_int_from_ull(s.entries_free), KN_MKSMALL(0),
                    kn_int_from_ull(s.name_max)};
    return kn_tuple_new(10, t);
}
static KN_FUN0(os_statvfs_obj, os_statvfs);

/* _open(path, kfs flags) -> handle (index into the static file table) */
static kn_obj os_fopen(kn_obj path, kn_obj flags) {
    const char *p = path_of(path);
    for (unsigned i = 0; i < FS_MAX_FILES; i++) {
        if (fsys.files[i].open) continue;
        fs_check(kfs_file_open(&fsys.fs, &fsys.files[i], p, (uint32_t)kn_get_int(flags), fsys.file_cache[i]));
        return KN_MKSMALL(i);
    }
    rp2_raise_errno(23); /* ENFILE */
}
static KN_FUN2(os_fopen_obj, os_fopen);

static kfs_file_t *file_of(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i < 0 || i >= (kn_int_t)FS_MAX_FILES || !fsys.files[i].open) kn_raise_value("I/O operation on closed file");
    return &fsys.files[i];
}

static kn_obj os_fread(kn_obj h, kn_obj n) {
    kfs_file_t *f = file_of(h);
    kn_int_t want = kn_get_int(n);
    kn_vstr_t v;
    kn_vstr_init(&v, want >= 0 ? (size_t)want + 1 : 128);
    for (;;) {
        uint32_t step = want >= 0 ? (uint32_t)want - (uint32_t)v.len : 256u;
        if (step == 0) break;
        char *dst = kn_vstr_extend(&v, step);
        int r = fs_check(kfs_file_read(&fsys.fs, f, dst, step));
        v.len -= step - (uint32_t)r;
        if (r == 0) break;
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUN2(os_fread_obj, os_fread);

static kn_obj os_fwrite(kn_obj h, kn_obj data) {
    kfs_file_t *f = file_of(h);
    const uint8_t *d;
    size_t n;
    if (!kn_get_buffer(data, &d, &n)) kn_raise_type("a bytes-like object is required");
    return KN_MKSMALL(fs_check(kfs_file_write(&fsys.fs, f, d, (uint32_t)n)));
}
static KN_FUN2(os_fwrite_obj, os_fwrite);

static kn_obj os_fseek(kn_obj h, kn_obj off, kn_obj whence) {
    kn_int_t w = kn_get_int(whence);
    if (w < 0 || w > 2) kn_raise_value("whence must be 0, 1 or 2");
    return KN_MKSMALL(fs_check(kfs_file_seek(&fsys.fs, file_of(h), (int32_t)kn_get_int(off), (int)w)));
}
static KN_FUN3(os_fseek_obj, os_fseek);

static kn_obj os_fsync(kn_obj h) {
    fs_check(kfs_file_sync(&fsys.fs, file_of(h)));
    return kn_none;
}
static KN_FUN1(os_fsync_obj, os_fsync);

static kn_obj os_fclose(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i >= 0 && i < (kn_int_t)FS_MAX_FILES && fsys.files[i].open) fs_check(kfs_file_close(&fsys.fs, &fsys.files[i]));
    return kn_none;
}
static KN_FUN1(os_fclose_obj, os_fclose);

/* _fs_kind() -> 'flash', 'ram' or None (no filesystem) */
static kn_obj os_fs_kind(void) {
    if (!fsys.ready) return kn_none;
    return kn_str_new_c(fsys.on_flash ? "flash" : "ram");
}
static KN_FUN0(os_fs_kind_obj, os_fs_kind);

/* _board_machine() -> os.uname()'s machine field (the board's product name) */
static kn_obj os_board_machine(void) {
    return kn_str_new_c(KILN_BOARD_PRODUCT " with RP2040");
}
static KN_FUN0(os_board_machine_obj, os_board_machine);

static const kn_method_t os_table[] = {
    {KN_Q(_listdir), KN_OBJ(&os_listdir_obj)}, {KN_Q(_mkdir), KN_OBJ(&os_mkdir_obj)},
    {KN_Q(_remove), KN_OBJ(&os_remove_obj)},   {KN_Q(_rename), KN_OBJ(&os_rename_obj)},
    {KN_Q(_stat), KN_OBJ(&os_stat_obj)},       {KN_Q(_statvfs), KN_OBJ(&os_statvfs_obj)},
    {KN_Q(_open), KN_OBJ(&os_fopen_obj)},      {KN_Q(_read), KN_OBJ(&os_fread_obj)},
    {KN_Q(_write), KN_OBJ(&os_fwrite_obj)},    {KN_Q(_fseek), KN_OBJ(&os_fseek_obj)},
    {KN_Q(_fsync), KN_OBJ(&os_fsync_obj)},     {KN_Q(_close), KN_OBJ(&os_fclose_obj)},
    {KN_Q(_fs_kind), KN_OBJ(&os_fs_kind_obj)}, {KN_Q(sep), KN_Q(slash)},
    {KN_Q(_board_machine), KN_OBJ(&os_board_machine_obj)},
};

kn_obj kn_mod_os_init(void) {
    return kn_module_from_table(KN_Q(_os), os_table, sizeof os_table / sizeof os_table[0]);
}

/* The import system reads modules through this: bytes, or KN_NULL when the file is missing. */
static kn_obj read_file(const char *path) {
    if (!fsys.ready || strncmp(path, "/flash/", 7) != 0) return KN_NULL;
    kfs_info_t info;
    if (kfs_stat(&fsys.fs, path + 7, &info) < 0 || info.type != KFS_TYPE_FILE) return KN_NULL;
    unsigned i;
    for (i = 0; i < FS_MAX_FILES && fsys.files[i].open; i++) {
    }
    if (i == FS_MAX_FILES) return KN_NULL;
    kfs_file_t *f = &fsys.files[i];
    if (kfs_file_open(&fsys.fs, f, path + 7, KFS_O_RDONLY, fsys.file_cache[i]) < 0) return KN_NULL;
    kn_vstr_t v;
    kn_vstr_init(&v, info.size + 1);
    char *dst = kn_vstr_extend(&v, info.size);
    int r = kfs_file_read(&fsys.fs, f, dst, info.size);
    kfs_file_close(&fsys.fs, f);
    if (r < 0) return KN_NULL;
    v.len = (size_t)r;
    return kn_vstr_to_bytes(&v);
}

/* builtin open(path, mode='r'): os.open */
static kn_obj bi_open(size_t n, const kn_obj *args) {
    kn_obj os = kn_import(KN_Q(os), kn_none, 0);
    return kn_call(kn_load_attr(os, KN_Q(open)), n, 0, args);
}
static KN_FUNV(bi_open_obj, 1, 3, bi_open);

static void run_if_present(const char *path) {
    kn_obj src = read_file(path);
    if (src != KN_NULL)
        kn_exec_source(kn_str_data(src), kn_str_len(src), kn_str_new_c(path), KN_MODE_FILE, kn_st.main_globals);
}

/* After every kn_init: peripherals back to reset (not at power-up: hal_init did it), files the last session
   left open closed, imports and open() routed to /flash, boot.py run, and main.py unless the reset came from
   the raw REPL (tools must get their prompt, as with MicroPython). */
void kn_port_init(bool raw_repl) {
    static bool booted;
    if (booted) rp2_machine_soft_reset();
    booted = true;
    if (!fsys.ready) return;
    for (unsigned i = 0; i < FS_MAX_FILES; i++)
        if (fsys.files[i].open) kfs_file_close(&fsys.fs, &fsys.files[i]);
    kn_st.read_file = read_file;
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash"));
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash/lib"));
    kn_dict_set(kn_st.builtins, KN_Q(open), KN_OBJ(&bi_open_obj));
    run_if_present("/flash/boot.py");
    if (!raw_repl) run_if_present("/flash/main.py");
}
