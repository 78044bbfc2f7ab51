/* start.S: entry of Kiln's ESP32-C3 bootloader: own gp/sp (the ROM's stack is its own), zero .bss. */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    csrci mstatus, 8
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, _stack_top
    la t0, _bss_start
    la t1, _bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call bootloader_main
3:  j 3b
    .size _start, . - _start
