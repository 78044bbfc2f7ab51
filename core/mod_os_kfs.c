/* mod_os_kfs.c: the `_os` primitives under the frozen core/frozen/os.py, over the port's kfs volume. */
#include <string.h>

#include "board_info.h"
#include "mod_os_kfs.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#define TYPE_DIR 0x4000
#define TYPE_FILE 0x8000

static _Noreturn void raise_errno(int e) {
    kn_obj o = KN_MKSMALL(e);
    kn_raise(kn_exc_new(&kn_type_OSError, 1, &o));
}

static int check(int r) {
    if (r < 0) raise_errno(-r);
    return r;
}

static kn_os_volume_t *mounted(void) {
    kn_os_volume_t *v = kn_os_volume();
    if (!v->ready) raise_errno(v->error > 0 ? v->error : KFS_EIO);
    return v;
}

static const char *path_of(kn_obj p) {
    if (!KN_IS_STR(p)) kn_raise_type("path must be a str");
    (void)mounted();
    return kn_str_cstr(p);
}

static kn_obj type_of(const kfs_info_t *info) {
    return KN_MKSMALL(info->type == KFS_TYPE_DIR ? TYPE_DIR : TYPE_FILE);
}

/* _listdir(path) -> [(name, type, size)]: type 0x4000 directory, 0x8000 file */
static kn_obj os_listdir(kn_obj path) {
    const char *p = path_of(path);
    kn_os_volume_t *v = kn_os_volume();
    kfs_dir_t d;
    kfs_info_t info;
    check(kfs_dir_open(&v->fs, &d, p));
    kn_obj list = kn_list_new(0, NULL);
    int r;
    while ((r = kfs_dir_read(&v->fs, &d, &info)) > 0) {
        kn_obj t[3] = {kn_str_new_c(info.name), type_of(&info), kn_int_from_ull(info.size)};
        kn_list_append(list, kn_tuple_new(3, t));
    }
    check(r);
    return list;
}
static KN_FUN1(os_listdir_obj, os_listdir);

static kn_obj os_mkdir(kn_obj path) {
    const char *p = path_of(path);
    check(kfs_mkdir(&kn_os_volume()->fs, p));
    return kn_none;
}
static KN_FUN1(os_mkdir_obj, os_mkdir);

static kn_obj os_remove(kn_obj path) {
    const char *p = path_of(path);
    check(kfs_remove(&kn_os_volume()->fs, p));
    return kn_none;
}
static KN_FUN1(os_remove_obj, os_remove);

static kn_obj os_rename(kn_obj a, kn_obj b) {
    const char *from = path_of(a);
    const char *to = path_of(b);
    check(kfs_rename(&kn_os_volume()->fs, from, to));
    return kn_none;
}
static KN_FUN2(os_rename_obj, os_rename);

/* _stat(path) -> (type, size) */
static kn_obj os_stat(kn_obj path) {
    const char *p = path_of(path);
    kfs_info_t info;
    check(kfs_stat(&kn_os_volume()->fs, p, &info));
    kn_obj t[2] = {type_of(&info), kn_int_from_ull(info.size)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(os_stat_obj, os_stat);

/* os.statvfs's 10-tuple: bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax */
static kn_obj os_statvfs(void) {
    kfs_statvfs_t s;
    check(kfs_statvfs(&mounted()->fs, &s));
    kn_obj t[10] = {kn_int_from_ull(s.block_size),   kn_int_from_ull(s.block_size),   kn_int_from_ull(s.block_count),
                    kn_int_from_ull(s.blocks_free),  kn_int_from_ull(s.blocks_free),  kn_int_from_ull(s.entries_free),
                    kn_int_from_ull(s.entries_free), kn_int_from_ull(s.entries_free), KN_MKSMALL(0),
                    kn_int_from_ull(s.name_max)};
    return kn_tuple_new(10, t);
}
static KN_FUN0(os_statvfs_obj, os_statvfs);

static uint8_t *cache_of(kn_os_volume_t *v, uint32_t i) {
    return v->file_cache + (size_t)i * v->cfg.cache_size;
}

/* _open(path, kfs flags) -> handle (index into the volume's file table) */
static kn_obj os_fopen(kn_obj path, kn_obj flags) {
    const char *p = path_of(path);
    kn_os_volume_t *v = kn_os_volume();
    uint32_t fl = (uint32_t)kn_get_int(flags);
    for (uint32_t i = 0; i < v->max_files; i++) {
        if (v->files[i].open) continue;
        check(kfs_file_open(&v->fs, &v->files[i], p, fl, cache_of(v, i)));
        return KN_MKSMALL(i);
    }
    raise_errno(23); /* ENFILE */
}
static KN_FUN2(os_fopen_obj, os_fopen);

static kfs_file_t *file_of(kn_obj h) {
    kn_os_volume_t *v = kn_os_volume();
    kn_int_t i = kn_get_int(h);
    if (i < 0 || i >= (kn_int_t)v->max_files || !v->files[i].open) kn_raise_value("I/O operation on closed file");
    return &v->files[i];
}

/* _read(handle, n) -> bytes: n bytes at most, or up to the end when n < 0 */
static kn_obj os_fread(kn_obj h, kn_obj n) {
    kfs_file_t *f = file_of(h);
    kfs_t *fs = &kn_os_volume()->fs;
    kn_int_t want = kn_get_int(n);
    kn_vstr_t s;
    kn_vstr_init(&s, want >= 0 ? (size_t)want + 1 : 256);
    for (;;) {
        uint32_t step = want >= 0 ? (uint32_t)want - (uint32_t)s.len : 256u;
        if (step == 0) break;
        char *dst = kn_vstr_extend(&s, step);
        int r = kfs_file_read(fs, f, dst, step);
        if (r < 0) {
            s.len -= step;
            check(r);
        }
        s.len -= step - (uint32_t)r;
        if (r == 0) break;
    }
    return kn_vstr_to_bytes(&s);
}
static KN_FUN2(os_fread_obj, os_fread);

static kn_obj os_fwrite(kn_obj h, kn_obj data) {
    kfs_file_t *f = file_of(h);
    const uint8_t *d;
    size_t n;
    if (!kn_get_buffer(data, &d, &n)) kn_raise_type("a bytes-like object is required");
    return KN_MKSMALL(check(kfs_file_write(&kn_os_volume()->fs, f, d, (uint32_t)n)));
}
static KN_FUN2(os_fwrite_obj, os_fwrite);

static kn_obj os_fseek(kn_obj h, kn_obj off, kn_obj whence) {
    kfs_file_t *f = file_of(h);
    kn_int_t w = kn_get_int(whence);
    if (w < 0 || w > 2) kn_raise_fmt(&kn_type_ValueError, "invalid whence: %d", (int)w);
    return KN_MKSMALL(check(kfs_file_seek(&kn_os_volume()->fs, f, (int32_t)kn_get_int(off), (int)w)));
}
static KN_FUN3(os_fseek_obj, os_fseek);

static kn_obj os_fsync(kn_obj h) {
    kfs_file_t *f = file_of(h);
    check(kfs_file_sync(&kn_os_volume()->fs, f));
    return kn_none;
}
static KN_FUN1(os_fsync_obj, os_fsync);

/* _close(handle): closing a closed handle does nothing */
static kn_obj os_fclose(kn_obj h) {
    kn_os_volume_t *v = kn_os_volume();
    kn_int_t i = kn_get_int(h);
    if (i >= 0 && i < (kn_int_t)v->max_files && v->files[i].open) check(kfs_file_close(&v->fs, &v->files[i]));
    return kn_none;
}
static KN_FUN1(os_fclose_obj, os_fclose);

/* _fs_kind() -> 'flash', 'ram' (the port's block device) or None (no filesystem) */
static kn_obj os_fs_kind(void) {
    kn_os_volume_t *v = kn_os_volume();
    if (!v->ready || v->kind == NULL) return kn_none;
    return kn_str_new_c(v->kind);
}
static KN_FUN0(os_fs_kind_obj, os_fs_kind);

/* _machine() -> os.uname()'s machine field: "<board product> with <MCU>" */
static kn_obj os_machine(void) {
    kn_vstr_t s;
    kn_vstr_init(&s, 64);
    kn_vstr_add(&s, kiln_board_product, strlen(kiln_board_product));
    kn_vstr_add(&s, " with ", 6);
    kn_vstr_add(&s, kiln_mcu_name, strlen(kiln_mcu_name));
    return kn_str_new(s.buf, s.len);
}
static KN_FUN0(os_machine_obj, os_machine);

static const kn_method_t os_table[] = {
    {KN_Q(_listdir), KN_OBJ(&os_listdir_obj)}, {KN_Q(_mkdir), KN_OBJ(&os_mkdir_obj)},
    {KN_Q(_remove), KN_OBJ(&os_remove_obj)},   {KN_Q(_rename), KN_OBJ(&os_rename_obj)},
    {KN_Q(_stat), KN_OBJ(&os_stat_obj)},       {KN_Q(_statvfs), KN_OBJ(&os_statvfs_obj)},
    {KN_Q(_open), KN_OBJ(&os_fopen_obj)},      {KN_Q(_read), KN_OBJ(&os_fread_obj)},
    {KN_Q(_write), KN_OBJ(&os_fwrite_obj)},    {KN_Q(_fseek), KN_OBJ(&os_fseek_obj)},
    {KN_Q(_fsync), KN_OBJ(&os_fsync_obj)},     {KN_Q(_close), KN_OBJ(&os_fclose_obj)},
    {KN_Q(_fs_kind), KN_OBJ(&os_fs_kind_obj)}, {KN_Q(_machine), KN_OBJ(&os_machine_obj)},
    {KN_Q(sep), KN_Q(slash)},
};

kn_obj kn_mod_os_init(void) {
    return kn_module_from_table(KN_Q(_os), os_table, sizeof os_table / sizeof os_table[0]);
}

/* The import system reads modules through this: bytes, or KN_NULL when the file is missing. */
static kn_obj read_file(const char *path) {
    kn_os_volume_t *v = kn_os_volume();
    if (!v->ready || strncmp(path, "/flash/", 7) != 0) return KN_NULL;
    kfs_info_t info;
    if (kfs_stat(&v->fs, path + 7, &info) < 0 || info.type != KFS_TYPE_FILE) return KN_NULL;
    uint32_t i = 0;
    while (i < v->max_files && v->files[i].open) i++;
    if (i == v->max_files) return KN_NULL;
    kfs_file_t *f = &v->files[i];
    if (kfs_file_open(&v->fs, f, path + 7, KFS_O_RDONLY, cache_of(v, i)) < 0) return KN_NULL;
    kn_vstr_t s;
    kn_vstr_init(&s, info.size + 1);
    char *dst = kn_vstr_extend(&s, info.size);
    int r = kfs_file_read(&v->fs, f, dst, info.size);
    (void)kfs_file_close(&v->fs, f);
    if (r < 0) return KN_NULL;
    s.len = (size_t)r;
    return kn_vstr_to_bytes(&s);
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
        (void)kn_exec_source(kn_str_data(src), kn_str_len(src), kn_str_new_c(path), KN_MODE_FILE, kn_st.main_globals);
}

void kn_os_start(bool raw_repl) {
    kn_os_volume_t *v = kn_os_volume();
    if (!v->ready) return;
    for (uint32_t i = 0; i < v->max_files; i++)
        if (v->files[i].open) (void)kfs_file_close(&v->fs, &v->files[i]);
    kn_st.read_file = read_file;
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash"));
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash/lib"));
    kn_dict_set(kn_st.builtins, KN_Q(open), KN_OBJ(&bi_open_obj));
    run_if_present("/flash/boot.py");
    if (!raw_repl) run_if_present("/flash/main.py");
}
