/* qspi.c: the flash bus outside XIP: plain SPI commands with a software chip select, from RAM. */
/* the flash bus outside XIP: SSI in plain SPI mode with a software chip select (IO_QSPI output
 * override), XIP exit and re-entry through a RAM copy of boot2. Runs from RAM. */
#include "rp2_qspi.h"

#include "rp2040.h"
#include "rp2_err.h"
#include "rp2_ramfunc.h"

#define BOOT2_WORDS 64u
#define SSI_FIFO_DEPTH 16u
/* Bytes in flight are kept below the RX FIFO depth, so no received byte is ever dropped. */
#define MAX_IN_FLIGHT (SSI_FIFO_DEPTH - 2u)
#define SSI_TIMEOUT_US 1000u      /* a 16-byte FIFO at the slowest SSI clock is far quicker */
#define CACHE_FLUSH_SPINS 100000u
#define CONTINUOUS_READ_EXIT_BYTES 2u /* FFh: 8 clocks end it, 16 for chips in 4-byte mode */
#define CTRLR0_SPI_8BIT ((7u << SSI_CTRLR0_DFS_32_LSB) | (SSI_CTRLR0_TMOD_TX_RX << SSI_CTRLR0_TMOD_LSB))
#define SS_OVERRIDE(v) ((v) << IO_CTRL_OUTOVER_LSB)

static struct {
    uint32_t boot2[BOOT2_WORDS]; /* word-aligned: boot2 uses PC-relative literal loads */
    uint8_t ready;
} qspi;

int rp2_qspi_init(void) {
    const volatile uint32_t *flash = (const volatile uint32_t *)XIP_BASE;
    for (uint32_t i = 0; i < BOOT2_WORDS; i++) {
        qspi.boot2[i] = flash[i];
    }
    qspi.ready = 1;
    return RP2_OK;
}

int rp2_qspi_ready(void) {
    return qspi.ready;
}

static inline __attribute__((always_inline)) void chip_select(uint32_t level_override) {
    REG32(IO_QSPI_BASE + IO_QSPI_SS_CTRL) = SS_OVERRIDE(level_override);
}

static inline __attribute__((always_inline)) int wait_ssi_idle(void) {
    uint32_t start = rp2_ram_time_us();
    for (;;) {
        uint32_t sr = REG32(XIP_SSI_BASE + SSI_SR);
        if ((sr & SSI_SR_TFE) && !(sr & SSI_SR_BUSY)) {
            return RP2_OK;
        }
        if (rp2_ram_time_us() - start > SSI_TIMEOUT_US) {
            return RP2_ERR_TIMEOUT;
        }
    }
}

int RP2_RAMFUNC(rp2_qspi_command)(const uint8_t *tx, size_t tx_len, uint8_t *rx, size_t rx_len) {
    size_t total = tx_len + rx_len;
    size_t sent = 0;
    size_t got = 0;
    int err = RP2_OK;
    chip_select(IO_OVER_LOW);
    uint32_t start = rp2_ram_time_us();
    while (got < total) {
        uint32_t sr = REG32(XIP_SSI_BASE + SSI_SR);
        if (sent < total && (sr & SSI_SR_TFNF) && sent - got < MAX_IN_FLIGHT) {
            REG32(XIP_SSI_BASE + SSI_DR0) = sent < tx_len ? tx[sent] : 0u;
            sent++;
        }
        if (sr & SSI_SR_RFNE) {
            uint8_t byte = (uint8_t)REG32(XIP_SSI_BASE + SSI_DR0);
            if (got >= tx_len) {
                rx[got - tx_len] = byte;
            }
            got++;
            start = rp2_ram_time_us(); /* the deadline is for progress, not for the whole command */
        } else if (rp2_ram_time_us() - start > SSI_TIMEOUT_US) {
            err = RP2_ERR_TIMEOUT;
            break;
        }
    }
    if (err == RP2_OK) {
        err = wait_ssi_idle();
    }
    chip_select(IO_OVER_HIGH);
    return err;
}

uint32_t RP2_RAMFUNC(rp2_qspi_begin)(void) {
    uint32_t saved = rp2_ram_irq_save();
    /* Let a running XIP access finish, then switch the SSI to 8-bit transmit/receive frames. */
    (void)wait_ssi_idle();
    chip_select(IO_OVER_HIGH);
    REG32(XIP_SSI_BASE + SSI_SSIENR) = 0;
    REG32(XIP_SSI_BASE + SSI_CTRLR0) = CTRLR0_SPI_8BIT;
    REG32(XIP_SSI_BASE + SSI_SER) = 1;
    REG32(XIP_SSI_BASE + SSI_SSIENR) = 1;
    /* A chip in continuous-read mode takes the next clocks as address + mode bits; with IO0 held
     * high the mode bits cannot be the "stay continuous" pattern, so it returns to commands.
     * Chips without that mode ignore FFh. */
    uint32_t ones = 0xffffffffu; /* a register, not an initialised array (that could be a memcpy) */
    (void)rp2_qspi_command((const uint8_t *)&ones, CONTINUOUS_READ_EXIT_BYTES, 0, 0);
    return saved;
}

void RP2_RAMFUNC(rp2_qspi_end)(uint32_t saved) {
    /* boot2 drives the chip select through the SSI again, restores the pads and XIP mode, and
     * returns because it is called with a real return address (see boot2_common.inc). */
    chip_select(IO_OVER_NORMAL);
    void (*boot2)(void) = (void (*)(void))((uintptr_t)qspi.boot2 | 1u);
    boot2();
    /* Cached lines may hold what the flash contained before: drop them all. */
    REG32(XIP_CTRL_BASE + XIP_CTRL_FLUSH) = 1;
    for (uint32_t spins = 0; spins < CACHE_FLUSH_SPINS; spins++) {
        if (REG32(XIP_CTRL_BASE + XIP_CTRL_STAT) & XIP_STAT_FLUSH_READY) {
            break;
        }
    }
    rp2_ram_irq_restore(saved);
}
