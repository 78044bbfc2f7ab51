/* rp2_unique_id.h: the board's 64-bit unique ID, read from the flash chip (RUID command 4Bh). */
#ifndef KILN_RP2_UNIQUE_ID_H
#define KILN_RP2_UNIQUE_ID_H

#include <stdint.h>

#define RP2_UNIQUE_ID_LEN 8u

/* Forgets the cached ID (hal_init calls it); the next read asks the flash again. */
void rp2_unique_id_reset_state(void);
/* Copies the 8 ID bytes (read once from the flash, then cached). Needs rp2_qspi_init(). */
int rp2_unique_id(uint8_t id[RP2_UNIQUE_ID_LEN]);

#endif
