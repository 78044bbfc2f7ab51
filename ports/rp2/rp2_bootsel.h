/* rp2_bootsel.h: the BOOTSEL button, which pulls the flash chip select (QSPI_SS) low. */
#ifndef KILN_RP2_BOOTSEL_H
#define KILN_RP2_BOOTSEL_H

/* 1 while the button is held. Briefly releases the chip select, so it runs from RAM with
 * interrupts masked (about 10 us). */
int rp2_bootsel_button(void);

#endif
