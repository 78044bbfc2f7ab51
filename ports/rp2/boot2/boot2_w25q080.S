/* boot2_w25q080.S: second-stage boot for W25Q080-class QSPI flash: quad I/O (EBh) continuous-read XIP. */
#include "rp2040.h"

/* Works for flash that takes EBh quad I/O reads with 4 dummy cycles after the mode byte, continuous
 * read mode via mode bits A0h, and the Quad Enable bit at SR2 bit 1 written with 31h: Winbond
 * W25Q16/32/64/128JV, W25Q080, GigaDevice GD25Q64C. Other chips need another variant. */

#define CMD_WRITE_ENABLE 0x06
#define CMD_READ_SR1 0x05
#define CMD_READ_SR2 0x35
#define CMD_WRITE_SR2 0x31
#define CMD_QUAD_IO_READ 0xeb
#define SR1_BUSY 0x01
#define SR2_QE 0x02
#define MODE_CONTINUOUS_READ 0xa0
#define WAIT_CYCLES 4
/* Status polls while the SR2 write completes (tW <= 15 ms): 65535 polls of >= 10 us each (even at
 * the ROSC's clock) cover it; past that boot goes on rather than hanging. */
#define WRITE_POLLS_MAX 0xffff

/* SSI clock = clk_sys / 4: 31.25 MHz once clk_sys is 125 MHz, well inside the flash's 133 MHz
 * limit and slow enough that one cycle of RX sample delay is always right. */
#define CLKDIV 4
#define RX_SAMPLE_DELAY 1

#define CTRLR0_STATUS ((7 << SSI_CTRLR0_DFS_32_LSB) | (SSI_CTRLR0_TMOD_TX_RX << SSI_CTRLR0_TMOD_LSB))
#define CTRLR0_XIP ((SSI_CTRLR0_SPI_FRF_QUAD << SSI_CTRLR0_SPI_FRF_LSB) | (31 << SSI_CTRLR0_DFS_32_LSB) | \
                    (SSI_CTRLR0_TMOD_EEPROM_READ << SSI_CTRLR0_TMOD_LSB))
/* First access: EBh on one line, then 24-bit address + mode byte (8 nibbles) on four lines. */
#define SPI_CTRLR0_ENTER ((8 << SSI_SPI_CTRLR0_ADDR_L_LSB) | (WAIT_CYCLES << SSI_SPI_CTRLR0_WAIT_LSB) | \
                          (SSI_SPI_CTRLR0_INST_L_8 << SSI_SPI_CTRLR0_INST_L_LSB) | SSI_SPI_CTRLR0_TRANS_1C2A)
/* Later accesses: no command; the SSI appends XIP_CMD (the mode byte) after the address. */
#define SPI_CTRLR0_XIP ((MODE_CONTINUOUS_READ << SSI_SPI_CTRLR0_XIP_CMD_LSB) | (8 << SSI_SPI_CTRLR0_ADDR_L_LSB) | \
                        (WAIT_CYCLES << SSI_SPI_CTRLR0_WAIT_LSB) | \
                        (SSI_SPI_CTRLR0_INST_L_NONE << SSI_SPI_CTRLR0_INST_L_LSB) | SSI_SPI_CTRLR0_TRANS_2C2A)

    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .section .text.boot2_entry, "ax"
    .global kiln_boot2_entry
    .type kiln_boot2_entry, %function
    .thumb_func
kiln_boot2_entry:
    push {lr}

    /* Pads: SCLK 8 mA with fast slew, data lines without Schmitt trigger, for clean edges. */
    ldr r3, =PADS_QSPI_BASE
    movs r0, #(PADS_DRIVE_8MA | PADS_SLEWFAST)
    str r0, [r3, #PADS_QSPI_SCLK]
    ldr r0, [r3, #PADS_QSPI_SD0]
    movs r1, #PADS_SCHMITT
    bics r0, r1
    str r0, [r3, #PADS_QSPI_SD0]
    str r0, [r3, #PADS_QSPI_SD1]
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
    ldr r1, =CTRLR0_STATUS
    str r1, [r3, #SSI_CTRLR0]
    movs r1, #1
    str r1, [r3, #SSI_SER]
    str r1, [r3, #SSI_SSIENR]

    /* Set QE only when it is clear: it is non-volatile, so this writes the flash once per chip. */
    movs r0, #CMD_READ_SR2
    bl read_flash_status
    movs r1, #SR2_QE
    tst r0, r1
    bne quad_enabled
    movs r1, #CMD_WRITE_ENABLE
    str r1, [r3, #SSI_DR0]
    bl ssi_wait_idle
    ldr r1, [r3, #SSI_DR0]
    movs r1, #CMD_WRITE_SR2
    str r1, [r3, #SSI_DR0]
    movs r1, #SR2_QE
    str r1, [r3, #SSI_DR0]
    bl ssi_wait_idle
    ldr r1, [r3, #SSI_DR0]
    ldr r1, [r3, #SSI_DR0]
    ldr r2, =WRITE_POLLS_MAX
wait_write_done:
    movs r0, #CMD_READ_SR1
    bl read_flash_status
    movs r1, #SR1_BUSY
    tst r0, r1
    beq quad_enabled
    subs r2, #1
    bne wait_write_done
quad_enabled:

    /* One EBh read with mode bits A0h puts the flash in continuous read mode. */
    movs r1, #0
    str r1, [r3, #SSI_SSIENR]
    ldr r1, =CTRLR0_XIP
    str r1, [r3, #SSI_CTRLR0]
    movs r1, #0 /* NDF = 0: one 32-bit frame per XIP access */
    str r1, [r3, #SSI_CTRLR1]
    ldr r1, =SPI_CTRLR0_ENTER
    movs r2, #SSI_SPI_CTRLR0
    str r1, [r3, r2]
    movs r1, #1
    str r1, [r3, #SSI_SSIENR]
    movs r1, #CMD_QUAD_IO_READ
    str r1, [r3, #SSI_DR0]
    movs r1, #MODE_CONTINUOUS_READ /* address 0, mode byte in the low 8 bits */
    str r1, [r3, #SSI_DR0]
    bl ssi_wait_idle

    /* From now on XIP reads send only address + mode bits: no command byte. */
    movs r1, #0
    str r1, [r3, #SSI_SSIENR]
    ldr r1, =SPI_CTRLR0_XIP
    movs r2, #SSI_SPI_CTRLR0
    str r1, [r3, r2]
    movs r1, #1
    str r1, [r3, #SSI_SSIENR]
    b boot2_exit

#include "boot2_common.inc"

    .ltorg
