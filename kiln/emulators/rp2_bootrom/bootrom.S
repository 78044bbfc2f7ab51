/* bootrom.S: test-only stand-in for the RP2040 bootrom: copy boot2 to SRAM, check its CRC, run it. */
#include "rp2040.h"

/* Only the flash boot path of the real bootrom: no USB boot, no watchdog-boot, no core 1. On a
 * bad CRC it stops at a breakpoint the rp2040js runner reports as a boot failure (the real
 * bootrom would fall back to USB boot). Like the real ROM it has the header at 0x10 ("Mu", 1,
 * version, 16-bit table pointers) with one public function, reset_usb_boot ("UB"), which stops
 * at a breakpoint the runner reports as "bootsel" (the firmware asked for BOOTSEL mode). */

#define CRC32_MPEG2_POLY 0x04c11db7

    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .vectors, "a"
    .word BOOT2_SRAM_ADDR /* initial SP: the stack grows down, away from the boot2 copy */
    .word kiln_bootrom_reset
    .word fault /* NMI */
    .word fault /* HardFault */
    /* 0x10: ROM header: magic 'M' 'u' 0x01, version, function table, data table, lookup helper */
    .byte 'M', 'u', 0x01, 0x01
    .hword func_table
    .hword data_table
    .hword 0 /* no rom_table_lookup helper: callers walk the table themselves */
    .align 2
func_table:
    .hword 'U' | ('B' << 8), reset_usb_boot + 1 /* Thumb */
data_table:
    .hword 0, 0

    .text
    .global kiln_bootrom_reset
    .thumb_func
kiln_bootrom_reset:
    /* Copy flash[0:256] to the end of SRAM5. */
    ldr r0, =XIP_BASE
    ldr r1, =BOOT2_SRAM_ADDR
    movs r2, #0
copy:
    ldr r3, [r0, r2]
    str r3, [r1, r2]
    adds r2, #4
    lsrs r3, r2, #8 /* r2 < 256? */
    beq copy

    /* CRC-32/MPEG-2 of bytes 0..251: MSB first, init all ones, no final xor. */
    ldr r4, =CRC32_MPEG2_POLY
    movs r5, #0
    mvns r5, r5
    movs r2, #0
crc_byte:
    ldrb r3, [r1, r2]
    lsls r3, r3, #24
    eors r5, r3
    movs r6, #8
crc_bit:
    lsls r5, r5, #1 /* carry = the bit shifted out */
    bcc 1f
    eors r5, r4
1:  subs r6, #1
    bne crc_bit
    adds r2, #1
    cmp r2, #252
    bne crc_byte
    ldr r3, [r1, r2]
    cmp r3, r5
    bne bad_crc

    /* Enter boot2 like the real bootrom: Thumb, lr = 0 ("from the bootrom, start the app"). */
    movs r0, #0
    mov lr, r0
    adds r1, #1
    bx r1

bad_crc:
    bkpt #KILN_RP2_BKPT_BAD_BOOT2
    b bad_crc

    .thumb_func
fault:
    bkpt #0
    b fault

    /* reset_usb_boot(gpio_activity_pin_mask, disable_interface_mask): r0/r1 stay for the runner. */
    .align 1
reset_usb_boot:
    bkpt #KILN_RP2_BKPT_USB_BOOT
    b reset_usb_boot

    .ltorg
