/* unique_id.c: the flash chip's 64-bit unique ID (RUID 4Bh), read once with XIP exited. */
/* the flash chip's unique ID (4Bh + 4 dummy bytes, then 8 ID bytes) via the QSPI layer with XIP
 * exited, cached after the first read. */
#include "rp2_unique_id.h"

#include "rp2_err.h"
#include "rp2_qspi.h"
#include "rp2_ramfunc.h"

#define CMD_READ_UNIQUE_ID 0x4bu
#define DUMMY_BYTES 4u

static struct {
    uint8_t id[RP2_UNIQUE_ID_LEN];
    uint8_t valid;
} uid;

void rp2_unique_id_reset_state(void) {
    uid.valid = 0;
}

static int RP2_RAMFUNC(read_uid)(const uint8_t *cmd, uint8_t *id) {
    uint32_t saved = rp2_qspi_begin();
    int err = rp2_qspi_command(cmd, 1u + DUMMY_BYTES, id, RP2_UNIQUE_ID_LEN);
    rp2_qspi_end(saved);
    return err;
}

int rp2_unique_id(uint8_t id[RP2_UNIQUE_ID_LEN]) {
    if (!uid.valid) {
        if (!rp2_qspi_ready()) {
            return RP2_ERR_NOT_READY;
        }
        /* Built here, in flash code: the RAM function must not fetch an initialiser from flash. */
        uint8_t cmd[1u + DUMMY_BYTES] = {CMD_READ_UNIQUE_ID, 0u, 0u, 0u, 0u};
        int err = read_uid(cmd, uid.id);
        if (err != RP2_OK) {
            return err;
        }
        uid.valid = 1;
    }
    for (uint32_t i = 0; i < RP2_UNIQUE_ID_LEN; i++) {
        id[i] = uid.id[i];
    }
    return RP2_OK;
}
