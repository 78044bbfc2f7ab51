/* mod_os.c: the stm32 port's /flash volume for the shared `_os` module (core/mod_os_kfs.c): the block device is
   the internal flash (drivers/flash_bd.c) over the sectors the MCU file's `filesystem` reserves; under QEMU
   (whose flash is read-only) and on boards without that region, a RAM disk. */
#include "drivers/flash.h"
#include "drivers/flash_bd.h"
#include "kfs.h"
#include "kfs_rambd.h"
#include "mod_os_kfs.h"

#include "board_config.h"
#include "stm32_port.h"

#define FS_BLOCK_SIZE 512u
#define FS_CACHE 128u        /* RAM disk: metadata and per-file cache */
/* /flash in 128/256 KiB sectors (F405, F767): four of them, so only two data blocks; every file larger than the
   cache (the inline limit) takes a whole sector. 8 KiB keeps nearly every .py file inline in the metadata block
   (~100 KB of them); the caches go in the F405's core-coupled RAM, which nothing else uses then, or come from the
   F767's 512 KiB. Boards with neither keep 1 KiB. */
#if (defined(KILN_REGION_CCM_ORIGIN) && KILN_REGION_CCM_LENGTH >= 0x8000u) || KILN_REGION_RAM_LENGTH >= 0x40000u
#define FS_FLASH_CACHE 8192u
#else
#define FS_FLASH_CACHE 1024u
#endif
#define FS_MAX_ENTRIES 24u
#define FS_MAX_FILES 3u
/* /flash in three 16 KiB sectors (512 KiB parts): the metadata pair and a single data block, so files live
   inline in the metadata block, up to the cache size: 4 KiB keeps typical .py files (0.5..3 KB) inline and
   about 15.5 KB of them fit (docs/stm32_drivers.md). Fewer open files on 96 KiB of RAM (F401): 12 KiB carved. */
#define FS_SMALL_SECTOR 0x4000u
#define FS_SMALL_CACHE 4096u
#if KILN_REGION_RAM_LENGTH <= 0x18000u
#define FS_SMALL_MAX_FILES 2u
#else
#define FS_SMALL_MAX_FILES 3u
#endif

/* The internal-flash filesystem, when this board has one and we are not under emulation (QEMU's flash cannot
   be written). Decided once, before the heap is laid out, so the RAM disk is only carved when needed. */
static stm32_flash_t fs_flash;
static stm32_flash_bd_t fs_fbd;
static uint32_t fs_first_sector;
static uint32_t fs_sector_count;
static uint32_t fs_cache_size; /* of each cache on flash; set with the region */
static uint32_t fs_max_files;

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
        uint32_t start = 0u;
        uint32_t size = 0u;
        const bool small = fs_sector_count != 0u &&
                           stm32_flash_sector_info(&fs_flash, fs_first_sector, &start, &size) == 0 &&
                           size <= FS_SMALL_SECTOR;
        fs_cache_size = small ? FS_SMALL_CACHE : FS_FLASH_CACHE;
        fs_max_files = small ? FS_SMALL_MAX_FILES : FS_MAX_FILES;
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

/* kfs's metadata cache and one cache per open file on flash (FS_FLASH_CACHE / FS_SMALL_CACHE each), carved
   from the top of the heap (where the RAM disk would otherwise sit, so builds that run in QEMU keep their heap);
   128 bytes each, static, for the RAM disk. */
static uint8_t *fs_cache; /* the metadata cache, then FS_MAX_FILES file caches of the same size */
#if FS_RAM_DISK
static uint8_t ram_caches[1u + FS_MAX_FILES][FS_CACHE];
#endif

size_t stm32_ramdisk_carve(uint8_t *heap, size_t len) {
    if (fs_on_flash()) {
        const size_t carve = (1u + fs_max_files) * fs_cache_size;
#if defined(KILN_REGION_CCM_ORIGIN) && KILN_REGION_CCM_LENGTH >= 0x8000u
        if (carve <= KILN_REGION_CCM_LENGTH) { /* on hardware only: fs_on_flash() is false in QEMU */
            fs_cache = (uint8_t *)KILN_REGION_CCM_ORIGIN;
            return 0;
        }
#endif
        if (len < carve * 4u) return 0; /* no room: no filesystem */
        fs_cache = heap + len - carve;
        return carve;
    }
#if FS_RAM_DISK
    fs_cache = ram_caches[0];
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
static kn_os_volume_t vol;

kn_os_volume_t *kn_os_volume(void) {
    return &vol;
}

/* Tried at every kn_port_init until it works (the files of a mounted volume survive soft resets). */
static void fs_mount(void) {
    if (fs_cache == NULL) return; /* no room was carved */
    kn_os_ram_t ram = {fs_entries, FS_MAX_ENTRIES, fs_bitmap, fs_cache, FS_CACHE, FS_MAX_FILES};
    if (fs_on_flash()) {
        ram.cache_size = fs_cache_size;
        ram.max_files = fs_max_files;
        if (stm32_flash_bd_init(&fs_fbd, &fs_flash, fs_first_sector, fs_sector_count) != 0) return;
        (void)kn_os_mount(&vol, &fs_fbd.bd, &ram, "flash");
    } else {
#if FS_RAM_DISK
        if (fs_mem == NULL) return;
        kfs_rambd_init(&fs_ram, fs_mem, FS_BLOCK_SIZE, fs_block_count, 4, true);
        (void)kn_os_mount(&vol, &fs_ram.bd, &ram, "ram");
#endif
    }
}

/* After every kn_init: the last session's peripherals back to reset, /flash mounted, then the shared start-up
   (files closed, imports and open() on /flash, boot.py and main.py). */
void stm32_machine_soft_reset(void);

void kn_port_init(bool raw_repl) {
    static bool booted;
    if (booted) stm32_machine_soft_reset(); /* peripherals the last session's objects set up */
    booted = true;
    if (!vol.ready) fs_mount();
    kn_os_start(raw_repl);
}
