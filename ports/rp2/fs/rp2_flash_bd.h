/* rp2_flash_bd.h: the QSPI flash's filesystem region as the block device kfs (core/fs) mounts. */
#ifndef KILN_RP2_FLASH_BD_H
#define KILN_RP2_FLASH_BD_H

#include "fs/kfs.h"

/* Fills `bd`: 4 KiB erase blocks over rp2_flash_fs_region(). Needs rp2_flash_init() (hal_init).
 * Returns 0, or -KFS_ENOSPC when the firmware leaves no room. */
int rp2_flash_bd(kfs_bd_t *bd);

#endif
