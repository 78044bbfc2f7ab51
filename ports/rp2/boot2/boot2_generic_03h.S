/* boot2_generic_03h.S: second-stage boot for any SPI NOR flash: XIP with plain 03h reads on one data line. */
#include "rp2040.h"

/* Every SPI NOR chip takes 03h (read data: command, 24-bit address, data, no dummy cycles) on a
 * single line and needs no status-register setup, so this works whatever chip is fitted, at the
 * price of slower XIP than a quad variant. 03h has the lowest clock limit of the read commands
 * (33-50 MHz on common parts): clk_sys / 6 stays below 23 MHz even at 133 MHz. */

#define CMD_READ_DATA 0x03
#define CLKDIV 6
#define RX_SAMPLE_DELAY 1
#define ADDR_BITS 24

/* XIP: each access sends 03h + address on one line and reads one 32-bit frame. */
#define CTRLR0_XIP ((SSI_CTRLR0_SPI_FRF_STD << SSI_CTRLR0_SPI_FRF_LSB) | (31 << SSI_CTRLR0_DFS_32_LSB) | \
                    (SSI_CTRLR0_TMOD_EEPROM_READ << SSI_CTRLR0_TMOD_LSB))
#define SPI_CTRLR0_XIP ((CMD_READ_DATA << SSI_SPI_CTRLR0_XIP_CMD_LSB) | \
                        ((ADDR_BITS / 4) << SSI_SPI_CTRLR0_ADDR_L_LSB) | (0 << SSI_SPI_CTRLR0_WAIT_LSB) | \
                        (SSI_SPI_CTRLR0_INST_L_8 << SSI_SPI_CTRLR0_INST_L_LSB) | SSI_SPI_CTRLR0_TRANS_1C1A)

    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .section .text.boot2_entry, "ax"
    .global kiln_boot2_entry
    .type kiln_boot2_entry, %function
    .thumb_func
kiln_boot2_entry:
    push {lr}

    /* Pads: SCLK 8 mA with fast slew. In single-line SPI nothing drives SD2 (/WP) and SD3
     * (/HOLD or /RESET): pull them up so the chip neither write-protects nor pauses. */
    ldr r3, =PADS_QSPI_BASE
    movs r0, #(PADS_DRIVE_8MA | PADS_SLEWFAST)
    str r0, [r3, #PADS_QSPI_SCLK]
    movs r0, #(PADS_IE | PADS_DRIVE_4MA | PADS_PUE)
    str r0, [r3, #PADS_QSPI_SD2]
    str r0, [r3, #PADS_QSPI_SD3]

    /* The SSI may only be reconfigured while disabled. */
    ldr r3, =XIP_SSI_BASE
    movs r1, #0
    str r1, [r3, #SSI_SSIENR]
    movs r1, #CLKDIV
    str r1, [r3, #SSI_BAUDR]
    movs r1, #RX_SAMPLE_DELAY
    movs r2, #SSI_RX_SAMPLE_DLY
    str r1, [r3, r2]
    ldr r1, =CTRLR0_XIP
    str r1, [r3, #SSI_CTRLR0]
    movs r1, #0 /* NDF = 0: one 32-bit frame per XIP access */
    str r1, [r3, #SSI_CTRLR1]
    ldr r1, =SPI_CTRLR0_XIP
    movs r2, #SSI_SPI_CTRLR0
    str r1, [r3, r2]
    movs r1, #1
    str r1, [r3, #SSI_SER]
    str r1, [r3, #SSI_SSIENR]
    b boot2_exit

#include "boot2_common.inc"

    .ltorg
