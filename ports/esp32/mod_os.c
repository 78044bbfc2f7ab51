/* mod_os.c: the ESP32-C3/C6 /flash volume for the shared `_os` module (core/mod_os_kfs.c): kfs on the flash
   `vfs` partition; and the port's soft-reset hook (kn_port_init). */
#include "esp_flash_bd.h"
#include "esp_machine.h"
#include "mod_os_kfs.h"

#define FS_MAX_ENTRIES 48u
#define FS_MAX_BLOCKS 1024u /* 4 MiB of 4 KiB blocks: any vfs partition a 4 MB part can hold */
#define FS_CACHE 256u
#define FS_MAX_FILES 4u

/* Driver state lives outside the GC heap; a soft reset closes the files and keeps the mount. */
KN_OS_STATIC_VOLUME(FS_MAX_ENTRIES, FS_MAX_BLOCKS / 8u, FS_CACHE, FS_MAX_FILES)
static kfs_bd_t fs_bd;

/* Tried at every kn_port_init until it works. A blank (all 0xFF) or foreign partition is formatted, as
   MicroPython does on first boot. */
static void fs_mount(void) {
    kn_os_volume_t *v = kn_os_volume();
    int r = esp_flash_vfs_bd(&fs_bd);
    if (r == 0 && fs_bd.block_count > FS_MAX_BLOCKS) r = -KFS_EFBIG;
    if (r < 0) {
        v->error = -r;
        return;
    }
    (void)kn_os_mount(v, &fs_bd, &kn_os_store_ram, "flash");
}

/* After every kn_init: peripherals of the last session back to idle, /flash mounted, then the shared start-up
   (files closed, imports and open() on /flash, boot.py and main.py). */
void kn_port_init(bool raw_repl) {
    esp32_machine_soft_reset();
    if (!kn_os_volume()->ready) fs_mount();
    kn_os_start(raw_repl);
}
