/* mod_os.c: the stm32 port's filesystem: kfs mounted at /flash, the `_os` primitives under the frozen
   modules/os.py, and builtin open().
   The block device is the internal flash (drivers/flash_bd.c) over the sectors the MCU file's `filesystem`
   reserves; under QEMU (whose flash is read-only) and on boards without that region, a RAM disk. */
#include <string.h>

#include "drivers/flash.h"
#include "drivers/flash_bd.h"
#include "kfs.h"
#include "kfs_rambd.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
void stm32_check(int r);

#include "board_config.h"
#include "stm32_port.h"

#define FS_BLOCK_SIZE 512u
#define FS_CACHE 128u        /* RAM disk: metadata and per-file cache */
#define FS_FLASH_CACHE 1024u /* flash: also the largest inline file (512 KiB parts keep every file inline) */
#define FS_MAX_ENTRIES 24u
#define FS_MAX_FILES 3u

/* The internal-flash filesystem, when this board has one and we are not under emulation (QEMU's flash cannot
   be written). Decided once, before the heap is laid out, so the RAM disk is only carved when needed. */
static stm32_flash_t fs_flash;
static stm32_flash_bd_t fs_fbd;
static uint32_t fs_first_sector;
static uint32_t fs_sector_count;

/* Which block device a build can use: KILN_STM32_FS_ON_FLASH (the MCU file reserves flash for /flash) and
   KILN_EMULATOR (the board also runs in QEMU). A build without the emulator and with the flash region carries
   no RAM disk at all. */
#if defined(KILN_EMULATOR) || !defined(KILN_STM32_FS_ON_FLASH)
#define FS_RAM_DISK 1
#else
#define FS_RAM_DISK 0
#endif

static bool fs_on_flash(void) {
#ifdef KILN_STM32_FS_ON_FLASH
#ifdef KILN_EMULATOR
    if (stm32_clocks()->emulated) return false;
#endif
    if (fs_flash.size == 0u) {
        stm32_flash_init(&fs_flash, 3300u); /* boards here run at 3.3 V: x32 programming */
        stm32_flash_bd_default_region(&fs_flash, &fs_first_sector, &fs_sector_count);
    }
    return fs_sector_count >= 2u; /* kfs needs at least its metadata pair */
#else
    return false;
#endif
}

/* Where the RAM disk lives: on hardware with CCM (core-coupled RAM: F405/F446/F767-class parts, where the
   linker places nothing) all of it; otherwise, and in QEMU (which does not map the CCM), 3.5 KiB carved
   from the top of the GC heap by hal_heap_region (same size at every soft reset, so the files survive it). */
#define FS_CARVE (7u * 512u)
#if FS_RAM_DISK
static uint8_t *fs_mem;
static uint32_t fs_block_count;
#endif

/* kfs's metadata cache and one cache per open file: 1 KiB each on flash, carved from the top of the heap
   (where the RAM disk would otherwise sit, so builds that run in QEMU keep their heap); 128 bytes each,
   static, for the RAM disk. */
#define FS_FLASH_CARVE ((1u + FS_MAX_FILES) * FS_FLASH_CACHE)
static uint8_t *fs_cache;
static uint8_t *file_cache[FS_MAX_FILES];
#if FS_RAM_DISK
static uint8_t ram_caches[1u + FS_MAX_FILES][FS_CACHE];
#endif

size_t stm32_ramdisk_carve(uint8_t *heap, size_t len) {
    if (fs_on_flash()) {
        if (len < FS_FLASH_CARVE * 4u) return 0; /* no room: no filesystem */
        uint8_t *top = heap + len - FS_FLASH_CARVE;
        fs_cache = top;
        for (uint32_t i = 0; i < FS_MAX_FILES; i++) file_cache[i] = top + (i + 1u) * FS_FLASH_CACHE;
        return FS_FLASH_CARVE;
    }
#if FS_RAM_DISK
    fs_cache = ram_caches[0];
    for (uint32_t i = 0; i < FS_MAX_FILES; i++) file_cache[i] = ram_caches[i + 1u];
#if defined(KILN_REGION_CCM_ORIGIN) && KILN_REGION_CCM_LENGTH >= 0x8000u
    if (!stm32_clocks()->emulated) {
        fs_mem = (uint8_t *)KILN_REGION_CCM_ORIGIN;
        fs_block_count = KILN_REGION_CCM_LENGTH / FS_BLOCK_SIZE;
        return 0;
    }
#endif
    if (len < FS_CARVE * 3) return 0; /* no room: no filesystem */
    fs_mem = heap + len - FS_CARVE;
    fs_block_count = FS_CARVE / FS_BLOCK_SIZE;
    return FS_CARVE;
#else
    return 0;
#endif
}

#if FS_RAM_DISK
static kfs_rambd_t fs_ram;
#endif
static kfs_entry_t fs_entries[FS_MAX_ENTRIES];
static uint8_t fs_bitmap[(KILN_REGION_RAM_LENGTH / FS_BLOCK_SIZE + 64u + 7u) / 8u]; /* more than any disk here */
static kfs_config_t fs_cfg;
static kfs_t fs;
static bool fs_ready;
static kfs_file_t files[FS_MAX_FILES];

static void fs_mount(void) {
    if (fs_ready) {
        /* soft reset: close what Python left open */
        for (unsigned i = 0; i < FS_MAX_FILES; i++)
            if (files[i].open) kfs_file_close(&fs, &files[i]);
        return;
    }
    if (fs_cache == NULL) return; /* no room was carved */
    if (fs_on_flash()) {
        if (stm32_flash_bd_init(&fs_fbd, &fs_flash, fs_first_sector, fs_sector_count) != 0) return;
        fs_cfg.bd = &fs_fbd.bd;
        fs_cfg.cache_size = FS_FLASH_CACHE;
    } else {
#if FS_RAM_DISK
        if (fs_mem == NULL) return;
        kfs_rambd_init(&fs_ram, fs_mem, FS_BLOCK_SIZE, fs_block_count, 4, true);
        fs_cfg.bd = &fs_ram.bd;
        fs_cfg.cache_size = FS_CACHE;
#else
        return; /* the flash region did not come up */
#endif
    }
    fs_cfg.entries = fs_entries;
    fs_cfg.max_entries = FS_MAX_ENTRIES;
    fs_cfg.bitmap = fs_bitmap;
    fs_cfg.cache = fs_cache;
    fs_cfg.block_cycles = 100;
    if (kfs_mount(&fs, &fs_cfg) < 0) {
        if (kfs_format(&fs, &fs_cfg) < 0 || kfs_mount(&fs, &fs_cfg) < 0) return;
    }
    fs_ready = true;
}

static const char *path_of(kn_obj p) {
    if (!KN_IS_STR(p)) kn_raise_type("path must be a str");
    if (!fs_ready) stm32_check(-KFS_EIO);
    return kn_str_cstr(p);
}

static kn_obj os_listdir(kn_obj path) {
    kfs_dir_t d;
    kfs_info_t info;
    stm32_check(kfs_dir_open(&fs, &d, path_of(path)));
    kn_obj list = kn_list_new(0, NULL);
    int r;
    while ((r = kfs_dir_read(&fs, &d, &info)) > 0) {
        kn_obj t[2] = {kn_str_new_c(info.name), KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000)};
        kn_list_append(list, kn_tuple_new(2, t));
    }
    stm32_check(r);
    return list;
}
static KN_FUN1(os_listdir_obj, os_listdir);

static kn_obj os_mkdir(kn_obj path) {
    stm32_check(kfs_mkdir(&fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_mkdir_obj, os_mkdir);

static kn_obj os_remove(kn_obj path) {
    stm32_check(kfs_remove(&fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_remove_obj, os_remove);

static kn_obj os_rename(kn_obj a, kn_obj b) {
    const char *from = path_of(a);
    stm32_check(kfs_rename(&fs, from, path_of(b)));
    return kn_none;
}
static KN_FUN2(os_rename_obj, os_rename);

/* (type, size): type 0x4000 dir, 0x8000 file */
static kn_obj os_stat(kn_obj path) {
    kfs_info_t info;
    stm32_check(kfs_stat(&fs, path_of(path), &info));
    kn_obj t[2] = {KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000), kn_int_from_ull(info.size)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(os_stat_obj, os_stat);

static kn_obj os_statvfs(void) {
    kfs_statvfs_t s;
    if (!fs_ready) stm32_check(-KFS_EIO);
    stm32_check(kfs_statvfs(&fs, &s));
    kn_obj t[10] = {kn_int_from_ull(s.block_size), kn_int_from_ull(s.block_size), kn_int_from_ull(s.block_count),
                    kn_int_from_ull(s.blocks_free), kn_int_from_ull(s.blocks_free), kn_int_from_ull(s.entries_free),
                    kn_int_from_ull(s.entries_free), kn_int_from_ull(s.entries_free), KN_MKSMALL(0),
                    kn_int_from_ull(s.name_max)};
    return kn_tuple_new(10, t);
}
static KN_FUN0(os_statvfs_obj, os_statvfs);

/* _open(path, flags) -> handle (index into the static file table) */
static kn_obj os_fopen(kn_obj path, kn_obj flags) {
    const char *p = path_of(path);
    for (unsigned i = 0; i < FS_MAX_FILES; i++) {
        if (files[i].open) continue;
        stm32_check(kfs_file_open(&fs, &files[i], p, (uint32_t)kn_get_int(flags), file_cache[i]));
        return KN_MKSMALL(i);
    }
    kn_obj e = KN_MKSMALL(23); /* ENFILE */
    kn_raise(kn_exc_new(&kn_type_OSError, 1, &e));
}
static KN_FUN2(os_fopen_obj, os_fopen);

static kfs_file_t *file_of(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i < 0 || i >= (kn_int_t)FS_MAX_FILES || !files[i].open) kn_raise_value("I/O operation on closed file");
    return &files[i];
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
        int r = kfs_file_read(&fs, f, dst, step);
        if (r < 0) stm32_check(r);
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
    int r = kfs_file_write(&fs, f, d, (uint32_t)n);
    stm32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(os_fwrite_obj, os_fwrite);

static kn_obj os_fseek(kn_obj h, kn_obj off, kn_obj whence) {
    int r = kfs_file_seek(&fs, file_of(h), (int32_t)kn_get_int(off), (int)kn_get_int(whence));
    stm32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN3(os_fseek_obj, os_fseek);

static kn_obj os_fsync(kn_obj h) {
    stm32_check(kfs_file_sync(&fs, file_of(h)));
    return kn_none;
}
static KN_FUN1(os_fsync_obj, os_fsync);

static kn_obj os_fclose(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i >= 0 && i < (kn_int_t)FS_MAX_FILES && files[i].open) stm32_check(kfs_file_close(&fs, &files[i]));
    return kn_none;
}
static KN_FUN1(os_fclose_obj, os_fclose);

static const kn_method_t os_table[] = {
    {KN_Q(_listdir), KN_OBJ(&os_listdir_obj)}, {KN_Q(_mkdir), KN_OBJ(&os_mkdir_obj)},
    {KN_Q(_remove), KN_OBJ(&os_remove_obj)},   {KN_Q(_rename), KN_OBJ(&os_rename_obj)},
    {KN_Q(_stat), KN_OBJ(&os_stat_obj)},       {KN_Q(_statvfs), KN_OBJ(&os_statvfs_obj)},
    {KN_Q(_open), KN_OBJ(&os_fopen_obj)},      {KN_Q(_read), KN_OBJ(&os_fread_obj)},
    {KN_Q(_write), KN_OBJ(&os_fwrite_obj)},    {KN_Q(_fseek), KN_OBJ(&os_fseek_obj)},
    {KN_Q(_fsync), KN_OBJ(&os_fsync_obj)},     {KN_Q(_close), KN_OBJ(&os_fclose_obj)},
    {KN_Q(sep), KN_Q(slash)},
};

kn_obj kn_mod_os_init(void) {
    return kn_module_from_table(KN_Q(_os), os_table, sizeof os_table / sizeof os_table[0]);
}

/* The import system reads modules through this: bytes, or KN_NULL when the file is missing. */
static kn_obj read_file(const char *path) {
    if (!fs_ready || strncmp(path, "/flash/", 7) != 0) return KN_NULL;
    kfs_info_t info;
    if (kfs_stat(&fs, path + 7, &info) < 0 || info.type != KFS_TYPE_FILE) return KN_NULL;
    unsigned i;
    for (i = 0; i < FS_MAX_FILES && files[i].open; i++) {
    }
    if (i == FS_MAX_FILES) return KN_NULL;
    if (kfs_file_open(&fs, &files[i], path + 7, KFS_O_RDONLY, file_cache[i]) < 0) return KN_NULL;
    kn_vstr_t v;
    kn_vstr_init(&v, info.size + 1);
    char *dst = kn_vstr_extend(&v, info.size);
    int r = kfs_file_read(&fs, &files[i], dst, info.size);
    kfs_file_close(&fs, &files[i]);
    if (r < 0) return KN_NULL;
    v.len = (size_t)r;
    return kn_vstr_to_bytes(&v);
}

/* builtin open(path, mode='r'): os.open (os.FileIO) */
static kn_obj bi_open(size_t n, const kn_obj *args) {
    kn_obj os = kn_import(KN_Q(os), kn_none, 0);
    return kn_call(kn_load_attr(os, KN_Q(open)), n, 0, args);
}
static KN_FUNV(bi_open_obj, 1, 3, bi_open);

static void run_if_present(const char *path) {
    kn_obj src = read_file(path);
    if (src != KN_NULL) kn_exec_source(kn_str_data(src), kn_str_len(src), kn_str_new_c(path), KN_MODE_FILE, kn_st.main_globals);
}

/* After every kn_init: mount /flash, route imports and open() to it, run boot.py (always) and main.py
   (not when the soft reset came from the raw REPL, as in MicroPython: tools must get their prompt). */
void stm32_machine_soft_reset(void);

void kn_port_init(bool raw_repl) {
    static bool booted;
    if (booted) stm32_machine_soft_reset(); /* peripherals the last session's objects set up */
    booted = true;
    fs_mount();
    if (!fs_ready) return;
    kn_st.read_file = read_file;
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash"));
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash/lib"));
    kn_dict_set(kn_st.builtins, KN_Q(open), KN_OBJ(&bi_open_obj));
    run_if_present("/flash/boot.py");
    if (!raw_repl) run_if_present("/flash/main.py");
}
