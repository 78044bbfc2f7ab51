/* kfs_rambd.h: a block device in RAM with NOR flash rules (program only erased bytes), for emulators and tests. */
#ifndef KILN_KFS_RAMBD_H
#define KILN_KFS_RAMBD_H

#include <stdbool.h>
#include <stdint.h>

#include "kfs.h"

typedef struct {
    kfs_bd_t bd;
    uint8_t *mem;       /* block_size * block_count bytes, owned by the caller */
    uint32_t progs;     /* operations so far (statistics, wear) */
    uint32_t erases;
    uint32_t violations; /* programs over bytes that were not erased (refused with an error) */
} kfs_rambd_t;

/* Sets up the device over mem; `erase_all` fills it with 0xFF (a new chip), otherwise its content stays
   (an image loaded there). prog_size must be a power of two dividing block_size. */
void kfs_rambd_init(kfs_rambd_t *ram, uint8_t *mem, uint32_t block_size, uint32_t block_count, uint32_t prog_size,
                    bool erase_all);

#endif
