/* mod_os.c: the rp2 port's /flash volume for the shared `_os` module (core/mod_os_kfs.c): kfs on the QSPI
   flash region, or a RAM disk in rp2040js. */
#include "board_config.h"
#include "kfs_rambd.h"
#include "mod_os_kfs.h"
#include "rp2_flash_bd.h"
#include "rp2_hal.h"
#include "rp2_port.h"

#define FS_CACHE 256u
#define FS_MAX_ENTRIES 48u
#define FS_MAX_FILES 4u
#define FS_BITMAP 512u /* 4096 blocks: a 16 MiB chip's region in 4 KiB sectors */
/* The RAM disk (emulator builds whose flash cannot be written, as in rp2040js): 32 KiB from the top of the
   heap, the same at every soft reset, so files survive it (not a power cycle). */
#define RAM_BLOCK 1024u
#define RAM_BLOCKS 32u

KN_OS_STATIC_VOLUME(FS_MAX_ENTRIES, FS_BITMAP, FS_CACHE, FS_MAX_FILES)
static struct {
    bool probed;
    size_t carve;
    kfs_bd_t flash_dev;
    kfs_rambd_t ram;
} fsys;

static bool mount_or_format(const kfs_bd_t *bd, const char *kind) {
    if (bd->block_count > FS_BITMAP * 8u) return false;
    if (kn_os_mount(kn_os_volume(), bd, &kn_os_store_ram, kind) == 0) return true;
    kn_os_volume()->error = 19; /* ENODEV while nothing is mounted */
    return false;
}

/* Decided once per power-up (hal_heap_region runs before every kn_init): the flash region when it mounts or
   formats; otherwise, in emulator builds only, the RAM disk. */
size_t rp2_fs_ram_carve(uint8_t *heap, size_t len) {
    if (fsys.probed) return fsys.carve;
    fsys.probed = true;
    kn_os_volume()->error = 19; /* ENODEV while nothing is mounted */
    if (rp2_flash_bd(&fsys.flash_dev) == 0 && mount_or_format(&fsys.flash_dev, "flash")) return 0;
#ifdef KILN_EMULATOR
    size_t want = (size_t)RAM_BLOCK * RAM_BLOCKS;
    if (len >= want * 4u) {
        kfs_rambd_init(&fsys.ram, heap + len - want, RAM_BLOCK, RAM_BLOCKS, 4, true);
        if (mount_or_format(&fsys.ram.bd, "ram")) fsys.carve = want;
    }
#else
    (void)heap;
    (void)len;
#endif
    return fsys.carve;
}

/* After every kn_init: peripherals back to reset (not at power-up: hal_init did it), then the shared start-up
   (files closed, imports and open() on /flash, boot.py and main.py). */
void kn_port_init(bool raw_repl) {
    static bool booted;
    if (booted) rp2_machine_soft_reset();
    booted = true;
    kn_os_start(raw_repl);
}
