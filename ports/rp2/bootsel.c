/* bootsel.c: the BOOTSEL button, read through the flash chip select from RAM. */
/* reads the BOOTSEL button: QSPI_SS output disabled through IO_QSPI, its level read from SIO
 * GPIO_HI_IN, all from RAM while the flash cannot be used. */
#include "rp2_bootsel.h"

#include "rp2040.h"
#include "rp2_ramfunc.h"

#define SETTLE_US 10u            /* the pin swings through the button's 1 k resistor */
#define SETTLE_SPINS_MAX 100000u /* in case the TIMER is not ticking */
#define SS_OE_DISABLED (IO_OVER_LOW << IO_CTRL_OEOVER_LSB)

int RP2_RAMFUNC(rp2_bootsel_button)(void) {
    uint32_t saved = rp2_ram_irq_save();
    /* Let the SSI finish any XIP access before the chip select goes away from under it. */
    for (uint32_t spins = 0; spins < SETTLE_SPINS_MAX && (REG32(XIP_SSI_BASE + SSI_SR) & SSI_SR_BUSY); spins++) {
    }
    REG32(IO_QSPI_BASE + IO_QSPI_SS_CTRL) = SS_OE_DISABLED;
    uint32_t start = rp2_ram_time_us();
    for (uint32_t spins = 0; spins < SETTLE_SPINS_MAX && rp2_ram_time_us() - start < SETTLE_US; spins++) {
    }
    int pressed = !(REG32(SIO_GPIO_HI_IN) & SIO_GPIO_HI_IN_SS);
    REG32(IO_QSPI_BASE + IO_QSPI_SS_CTRL) = 0; /* normal: the SSI drives it again */
    rp2_ram_irq_restore(saved);
    return pressed;
}
