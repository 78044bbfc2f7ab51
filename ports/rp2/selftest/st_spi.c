/* st_spi.c: self-test of the PL022 SPI controller against the bench device. */
/* self-test of the PL022 SPI controller against the bench device on SPI0 (answers each byte with
 * its complement): baud search, full-duplex transfer longer than the FIFO, pin checks. */
#include "selftest.h"

#include "rp2_err.h"
#include "rp2_spi.h"

#define LEN 20u /* more than the 8-entry FIFOs */

void st_spi(void) {
    int err = rp2_spi_init(0, 1000000, 18, 19, 16, 0);
    uint32_t baud = rp2_spi_baud(0);
    st_check(err == RP2_OK && baud <= 1000000u && baud > 950000u, "spi.init", "err=%d baud=%lu", err,
             (unsigned long)baud);
    uint8_t tx[LEN];
    uint8_t rx[LEN];
    for (uint32_t i = 0; i < LEN; i++) {
        tx[i] = (uint8_t)(i * 29u + 7u);
        rx[i] = 0;
    }
    int n = rp2_spi_transfer(0, tx, rx, LEN, 10000);
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < LEN; i++) {
        uint8_t expected = (uint8_t)(0xffu - tx[i]);
        wrong += rx[i] != expected;
    }
    st_check(n == (int)LEN && wrong == 0, "spi.transfer", "n=%d wrong=%lu", n, (unsigned long)wrong);
    n = rp2_spi_transfer(0, 0, rx, 4, 10000);
    st_check(n == 4 && rx[0] == 0x00 && rx[3] == 0x00, "spi.read_only", "sends 0xff, got %02x", rx[0]);
    st_check(rp2_spi_init(0, 1000000, 19, 18, 16, 0) == RP2_ERR_INVALID &&
                 rp2_spi_init(1, 1000000, 18, 19, 16, 0) == RP2_ERR_INVALID &&
                 rp2_spi_init(0, 1000000, 18, 19, 16, 4) == RP2_ERR_INVALID,
             "spi.bad_args", "refused");
    rp2_spi_deinit(0);
}
