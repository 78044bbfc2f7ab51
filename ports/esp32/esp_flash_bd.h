/* esp_flash_bd.h: the ESP32-C3/C6 `vfs` partition as a kfs block device (4 KiB erase blocks). */
#ifndef KILN_ESP_FLASH_BD_H
#define KILN_ESP_FLASH_BD_H

#include "fs/kfs.h"

/* Fills `bd` (finding the partition first if needed); -ENOENT without a vfs partition. */
int esp_flash_vfs_bd(kfs_bd_t *bd);

#endif
