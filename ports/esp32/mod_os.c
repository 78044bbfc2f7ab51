/* mod_os.c: the ESP32-C3 filesystem: kfs on the flash `vfs` partition mounted at /flash, the `os` module,
   builtin open(), imports from /flash, boot.py/main.py, and the port's soft-reset hook (kn_port_init). */
#include <string.h>

#include "board_config.h"
#include "esp_flash_bd.h"
#include "esp_machine.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#define FS_MAX_ENTRIES 48u
#define FS_MAX_BLOCKS 1024u /* 4 MiB of 4 KiB blocks: any vfs partition a 4 MB part can hold */
#define FS_CACHE 256u
#define FS_MAX_FILES 4u

/* Driver state lives outside the GC heap; a soft reset closes the files and keeps the mount. */
static struct {
    kfs_bd_t bd;
    kfs_config_t cfg;
    kfs_t fs;
    kfs_entry_t entries[FS_MAX_ENTRIES];
    uint8_t bitmap[FS_MAX_BLOCKS / 8u];
    uint8_t cache[FS_CACHE];
    kfs_file_t files[FS_MAX_FILES];
    uint8_t file_cache[FS_MAX_FILES][FS_CACHE];
    bool ready;
    int error; /* why the mount failed (negative errno), 0 when it did not */
} vol;

static void fs_mount(void) {
    if (vol.ready) {
        for (unsigned i = 0; i < FS_MAX_FILES; i++)
            if (vol.files[i].open) (void)kfs_file_close(&vol.fs, &vol.files[i]);
        return;
    }
    int r = esp_flash_vfs_bd(&vol.bd);
    if (r == 0 && vol.bd.block_count > FS_MAX_BLOCKS) r = -KFS_EFBIG;
    if (r < 0) {
        vol.error = r;
        return;
    }
    vol.cfg.bd = &vol.bd;
    vol.cfg.entries = vol.entries;
    vol.cfg.max_entries = FS_MAX_ENTRIES;
    vol.cfg.bitmap = vol.bitmap;
    vol.cfg.cache = vol.cache;
    vol.cfg.cache_size = FS_CACHE;
    vol.cfg.block_cycles = 100;
    /* A blank (all 0xFF) or foreign partition: format it, as MicroPython does on first boot. */
    if (kfs_mount(&vol.fs, &vol.cfg) < 0) {
        r = kfs_format(&vol.fs, &vol.cfg);
        if (r == 0) r = kfs_mount(&vol.fs, &vol.cfg);
        if (r < 0) {
            vol.error = r;
            return;
        }
    }
    vol.ready = true;
}

static const char *path_of(kn_obj p) {
    if (!KN_IS_STR(p)) kn_raise_type("path must be a str");
    if (!vol.ready) esp32_check(vol.error < 0 ? vol.error : -KFS_EIO);
    return kn_str_cstr(p);
}

static kn_obj os_listdir(kn_obj path) {
    kfs_dir_t d;
    kfs_info_t info;
    esp32_check(kfs_dir_open(&vol.fs, &d, path_of(path)));
    kn_obj list = kn_list_new(0, NULL);
    int r;
    while ((r = kfs_dir_read(&vol.fs, &d, &info)) > 0) {
        kn_obj t[3] = {kn_str_new_c(info.name), KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000),
                       kn_int_from_ull(info.size)};
        kn_list_append(list, kn_tuple_new(3, t));
    }
    esp32_check(r);
    return list;
}
static KN_FUN1(os_listdir_obj, os_listdir);

static kn_obj os_mkdir(kn_obj path) {
    esp32_check(kfs_mkdir(&vol.fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_mkdir_obj, os_mkdir);

static kn_obj os_remove(kn_obj path) {
    esp32_check(kfs_remove(&vol.fs, path_of(path)));
    return kn_none;
}
static KN_FUN1(os_remove_obj, os_remove);

static kn_obj os_rename(kn_obj a, kn_obj b) {
    const char *from = path_of(a);
    esp32_check(kfs_rename(&vol.fs, from, path_of(b)));
    return kn_none;
}
static KN_FUN2(os_rename_obj, os_rename);

/* (type, size): type 0x4000 directory, 0x8000 file */
static kn_obj os_stat(kn_obj path) {
    kfs_info_t info;
    esp32_check(kfs_stat(&vol.fs, path_of(path), &info));
    kn_obj t[2] = {KN_MKSMALL(info.type == KFS_TYPE_DIR ? 0x4000 : 0x8000), kn_int_from_ull(info.size)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(os_stat_obj, os_stat);

/* os.statvfs's 10-tuple: bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax */
static kn_obj os_statvfs(void) {
    kfs_statvfs_t s;
    if (!vol.ready) esp32_check(vol.error < 0 ? vol.error : -KFS_EIO);
    esp32_check(kfs_statvfs(&vol.fs, &s));
    kn_obj t[10] = {kn_int_from_ull(s.block_size),   kn_int_from_ull(s.block_size),   kn_int_from_ull(s.block_count),
                    kn_int_from_ull(s.blocks_free),  kn_int_from_ull(s.blocks_free),  kn_int_from_ull(s.entries_free),
                    kn_int_from_ull(s.entries_free), kn_int_from_ull(s.entries_free), KN_MKSMALL(0),
                    kn_int_from_ull(s.name_max)};
    return kn_tuple_new(10, t);
}
static KN_FUN0(os_statvfs_obj, os_statvfs);

/* _open(path, kfs flags) -> handle (index into the static file table) */
static kn_obj os_fopen(kn_obj path, kn_obj flags) {
    const char *p = path_of(path);
    for (unsigned i = 0; i < FS_MAX_FILES; i++) {
        if (vol.files[i].open) continue;
        esp32_check(kfs_file_open(&vol.fs, &vol.files[i], p, (uint32_t)kn_get_int(flags), vol.file_cache[i]));
        return KN_MKSMALL(i);
    }
    kn_obj e = KN_MKSMALL(23); /* ENFILE */
    kn_raise(kn_exc_new(&kn_type_OSError, 1, &e));
}
static KN_FUN2(os_fopen_obj, os_fopen);

static kfs_file_t *file_of(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i < 0 || i >= (kn_int_t)FS_MAX_FILES || !vol.files[i].open) kn_raise_value("I/O operation on closed file");
    return &vol.files[i];
}

static kn_obj os_fread(kn_obj h, kn_obj n) {
    kfs_file_t *f = file_of(h);
    kn_int_t want = kn_get_int(n);
    kn_vstr_t v;
    kn_vstr_init(&v, want >= 0 ? (size_t)want + 1 : 256);
    for (;;) {
        uint32_t step = want >= 0 ? (uint32_t)want - (uint32_t)v.len : 512u;
        if (step == 0) break;
        char *dst = kn_vstr_extend(&v, step);
        int r = kfs_file_read(&vol.fs, f, dst, step);
        if (r < 0) {
            v.len -= step;
            esp32_check(r);
        }
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
    int r = kfs_file_write(&vol.fs, f, d, (uint32_t)n);
    esp32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(os_fwrite_obj, os_fwrite);

static kn_obj os_fseek(kn_obj h, kn_obj off, kn_obj whence) {
    kn_int_t w = kn_get_int(whence);
    if (w < 0 || w > 2) kn_raise_fmt(&kn_type_ValueError, "invalid whence: %d", (int)w);
    int r = kfs_file_seek(&vol.fs, file_of(h), (int32_t)kn_get_int(off), (int)w);
    esp32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN3(os_fseek_obj, os_fseek);

static kn_obj os_fsync(kn_obj h) {
    esp32_check(kfs_file_sync(&vol.fs, file_of(h)));
    return kn_none;
}
static KN_FUN1(os_fsync_obj, os_fsync);

static kn_obj os_fclose(kn_obj h) {
    kn_int_t i = kn_get_int(h);
    if (i >= 0 && i < (kn_int_t)FS_MAX_FILES && vol.files[i].open) esp32_check(kfs_file_close(&vol.fs, &vol.files[i]));
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

/* Absolute paths must lie under /flash; relative ones join the current directory. */
static const char os_src_paths[] =
    "_cwd = '/flash'\n"
    "def _abs(p):\n"
    "    if not isinstance(p, str):\n"
    "        raise TypeError('path must be a str')\n"
    "    if not p.startswith('/'):\n"
    "        p = _cwd + '/' + p\n"
    "    out = []\n"
    "    for part in p.split('/'):\n"
    "        if part == '..':\n"
    "            if out:\n"
    "                out.pop()\n"
    "        elif part and part != '.':\n"
    "            out.append(part)\n"
    "    return '/' + '/'.join(out)\n"
    "def _fs(p):\n"
    "    a = _abs(p)\n"
    "    if a == '/flash':\n"
    "        return ''\n"
    "    if a.startswith('/flash/'):\n"
    "        return a[7:]\n"
    "    raise OSError(2)\n"
    "def getcwd():\n"
    "    return _cwd\n"
    "def chdir(p):\n"
    "    global _cwd\n"
    "    a = _abs(p)\n"
    "    if a != '/' and stat(a)[0] != 0x4000:\n"
    "        raise OSError(20)\n"
    "    _cwd = a\n"
    "def ilistdir(p=''):\n"
    "    a = _abs(p) if p else _cwd\n"
    "    if a == '/':\n"
    "        return iter([('flash', 0x4000, 0, 0)])\n"
    "    return iter([(n, t, 0, s) for n, t, s in _listdir(_fs(a))])\n"
    "def listdir(p=''):\n"
    "    return [e[0] for e in ilistdir(p)]\n"
    "def mkdir(p):\n"
    "    _mkdir(_fs(p))\n"
    "def remove(p):\n"
    "    if stat(p)[0] == 0x4000:\n"
    "        raise OSError(21)\n"
    "    _remove(_fs(p))\n"
    "def rmdir(p):\n"
    "    if stat(p)[0] != 0x4000:\n"
    "        raise OSError(20)\n"
    "    _remove(_fs(p))\n"
    "unlink = remove\n"
    "def rename(a, b):\n"
    "    _rename(_fs(a), _fs(b))\n"
    "def stat(p):\n"
    "    a = _abs(p)\n"
    "    if a == '/' or a == '/flash':\n"
    "        return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)\n"
    "    t, s = _stat(_fs(a))\n"
    "    return (t, 0, 0, 0, 0, 0, s, 0, 0, 0)\n"
    "def statvfs(p='/flash'):\n"
    "    _fs(p)\n"
    "    return _statvfs()\n"
    "def sync():\n"
    "    pass\n"
    "def uname():\n"
    "    import sys\n"
    "    v = sys.implementation.version\n"
    "    rel = '%d.%d.%d' % (v[0], v[1], v[2])\n"
    "    return (sys.platform, sys.platform, rel, 'Kiln ' + rel, '" KILN_BOARD_PRODUCT " with " KILN_MCU_NAME "')\n";

static const char os_src_file[] =
    "class FileIO:\n"
    "    def __init__(self, path, mode='r'):\n"
    "        if not isinstance(mode, str):\n"
    "            raise TypeError('mode must be a str')\n"
    "        m = mode.replace('t', '')\n"
    "        self._bin = 'b' in m\n"
    "        m = m.replace('b', '')\n"
    "        plus = '+' in m\n"
    "        m = m.replace('+', '')\n"
    "        rw = 0x3 if plus else 0x2\n"
    "        if m == 'r':\n"
    "            fl = 0x3 if plus else 0x1\n"
    "        elif m == 'w':\n"
    "            fl = rw | 0x500\n"
    "        elif m == 'a':\n"
    "            fl = rw | 0x900\n"
    "        elif m == 'x':\n"
    "            fl = rw | 0x300\n"
    "        else:\n"
    "            raise ValueError('invalid mode: %r' % (mode,))\n"
    "        self._h = _open(_fs(path), fl)\n"
    "        self.name = path\n"
    "        self.mode = mode\n"
    "        self.closed = False\n"
    "    def _chk(self):\n"
    "        if self.closed:\n"
    "            raise ValueError('I/O operation on closed file')\n"
    "    def read(self, n=-1):\n"
    "        self._chk()\n"
    "        b = _read(self._h, -1 if n is None else n)\n"
    "        return b if self._bin else b.decode()\n"
    "    def write(self, s):\n"
    "        self._chk()\n"
    "        if self._bin:\n"
    "            if isinstance(s, str):\n"
    "                raise TypeError('a bytes-like object is required')\n"
    "            return _write(self._h, s)\n"
    "        if not isinstance(s, str):\n"
    "            raise TypeError('write() argument must be str')\n"
    "        _write(self._h, s.encode())\n"
    "        return len(s)\n"
    "    def close(self):\n"
    "        if not self.closed:\n"
    "            self.closed = True\n"
    "            _close(self._h)\n"
    "    def __enter__(self):\n"
    "        return self\n"
    "    def __exit__(self, *a):\n"
    "        self.close()\n"
    "    def readinto(self, buf):\n"
    "        self._chk()\n"
    "        b = _read(self._h, len(buf))\n"
    "        buf[:len(b)] = b\n"
    "        return len(b)\n"
    "    def readline(self):\n"
    "        self._chk()\n"
    "        out = b''\n"
    "        while True:\n"
    "            c = _read(self._h, 1)\n"
    "            out += c\n"
    "            if not c or c == b'\\n':\n"
    "                break\n"
    "        return out if self._bin else out.decode()\n"
    "    def readlines(self):\n"
    "        out = []\n"
    "        while True:\n"
    "            l = self.readline()\n"
    "            if not l:\n"
    "                return out\n"
    "            out.append(l)\n"
    "    def __iter__(self):\n"
    "        return iter(self.readlines())\n"
    "    def seek(self, off, whence=0):\n"
    "        self._chk()\n"
    "        return _fseek(self._h, off, whence)\n"
    "    def tell(self):\n"
    "        self._chk()\n"
    "        return _fseek(self._h, 0, 1)\n"
    "    def flush(self):\n"
    "        self._chk()\n"
    "        _fsync(self._h)\n"
    "def open(path, mode='r', *args, **kw):\n"
    "    return FileIO(path, mode)\n";

kn_obj kn_mod_os_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(os), os_table, sizeof os_table / sizeof os_table[0]);
    kn_obj g = ((kn_module_t *)KN_PTR(m))->globals;
    static const char *const parts[] = {os_src_paths, os_src_file};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        kn_gc_collect(); /* the compiler needs room for a whole unit's parse tree */
        kn_obj code = kn_compile_src(parts[i], strlen(parts[i]), KN_Q(os), KN_MODE_FILE);
        kn_exec_code(code, g, g);
    }
    return m;
}

/* The import system reads modules through this: bytes, or KN_NULL when the file is missing. */
static kn_obj read_file(const char *path) {
    if (!vol.ready || strncmp(path, "/flash/", 7) != 0) return KN_NULL;
    kfs_info_t info;
    if (kfs_stat(&vol.fs, path + 7, &info) < 0 || info.type != KFS_TYPE_FILE) return KN_NULL;
    unsigned i = 0;
    while (i < FS_MAX_FILES && vol.files[i].open) i++;
    if (i == FS_MAX_FILES) return KN_NULL;
    if (kfs_file_open(&vol.fs, &vol.files[i], path + 7, KFS_O_RDONLY, vol.file_cache[i]) < 0) return KN_NULL;
    kn_vstr_t v;
    kn_vstr_init(&v, info.size + 1);
    char *dst = kn_vstr_extend(&v, info.size);
    int r = kfs_file_read(&vol.fs, &vol.files[i], dst, info.size);
    (void)kfs_file_close(&vol.fs, &vol.files[i]);
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
    if (src != KN_NULL) {
        (void)kn_exec_source(kn_str_data(src), kn_str_len(src), kn_str_new_c(path), KN_MODE_FILE, kn_st.main_globals);
    }
}

/* After every kn_init: peripherals of the last session back to idle, /flash mounted, imports and open()
   routed to it, boot.py run (always) and main.py (not after a raw-REPL soft reset, as in MicroPython:
   tools must get their prompt). */
void kn_port_init(bool raw_repl) {
    esp32_machine_soft_reset();
    fs_mount();
    if (!vol.ready) return;
    kn_st.read_file = read_file;
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash"));
    kn_list_append(kn_st.sys_path, kn_str_new_c("/flash/lib"));
    kn_dict_set(kn_st.builtins, KN_Q(open), KN_OBJ(&bi_open_obj));
    run_if_present("/flash/boot.py");
    if (!raw_repl) run_if_present("/flash/main.py");
}
