/* rp2_qspi.h: raw SPI NOR commands on the QSPI bus with XIP exited, run from RAM. */
#ifndef KILN_RP2_QSPI_H
#define KILN_RP2_QSPI_H

#include <stddef.h>
#include <stdint.h>

/* Keeps a RAM copy of the boot2 block (flash[0:256]): XIP is restored by calling it. Needs
 * XIP working; hal_init calls it. */
int rp2_qspi_init(void);
int rp2_qspi_ready(void);

/* A session: rp2_qspi_begin masks interrupts, waits for the SSI, reprograms it for plain 8-bit
 * SPI, takes the chip select under IO_QSPI override and sends FFh to end any continuous-read
 * mode. Between begin and end nothing may read flash (no flash code, no const data, no
 * interrupts). rp2_qspi_end re-enters XIP through the boot2 copy, flushes the XIP cache and
 * restores the interrupt mask. Both are RAM-resident. */
uint32_t rp2_qspi_begin(void);
void rp2_qspi_end(uint32_t saved);

/* One command with the chip select low throughout: tx_len bytes out, then rx_len bytes in.
 * RAM-resident; only inside a session; returns RP2_OK or RP2_ERR_TIMEOUT. */
int rp2_qspi_command(const uint8_t *tx, size_t tx_len, uint8_t *rx, size_t rx_len);

#endif
