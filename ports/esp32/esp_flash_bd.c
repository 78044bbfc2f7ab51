/* esp_flash_bd.c: the `vfs` partition as the block device the core filesystem (core/fs, kfs) mounts. */
#include <errno.h>

#include "esp_flash.h"
#include "esp_flash_bd.h"

#define PROG_SIZE 4u /* NOR programs any byte count; word-sized runs keep kfs's commits aligned */

static int bd_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t len) {
    (void)ctx;
    return esp_flash_vfs_read(block * ESP_FLASH_SECTOR + off, buf, len);
}

static int bd_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t len) {
    (void)ctx;
    return esp_flash_vfs_write(block * ESP_FLASH_SECTOR + off, buf, len);
}

static int bd_erase(void *ctx, uint32_t block) {
    (void)ctx;
    return esp_flash_vfs_erase(block * ESP_FLASH_SECTOR, ESP_FLASH_SECTOR);
}

static int bd_sync(void *ctx) {
    (void)ctx;
    return 0; /* every program completes (WIP polled) before esp_flash_vfs_write returns */
}

int esp_flash_vfs_bd(kfs_bd_t *bd) {
    int err = esp_flash_vfs_size() != 0u ? 0 : esp_flash_vfs_init();
    if (err != 0) {
        return err;
    }
    bd->ctx = NULL;
    bd->read = bd_read;
    bd->prog = bd_prog;
    bd->erase = bd_erase;
    bd->sync = bd_sync;
    bd->block_size = ESP_FLASH_SECTOR;
    bd->block_count = esp_flash_vfs_size() / ESP_FLASH_SECTOR;
    bd->prog_size = PROG_SIZE;
    return 0;
}
