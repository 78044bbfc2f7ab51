/* startup.S: ESP32-C3 app entry (gp, sp, .bss, trap vector) and the vectored trap table. */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    /* gp first: the linker relaxes small-data accesses against it. */
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, _stack_top
    /* Mask interrupts until the HAL has set up its handlers. */
    csrci mstatus, 8
    /* Vectored mode (mode bits = 1): the C3 core only dispatches interrupts this way. */
    la t0, kiln_trap_table
    ori t0, t0, 1
    csrw mtvec, t0
    /* .data arrived with the image (the bootloader copies RAM segments); .bss did not. */
    la t0, _bss_start
    la t1, _bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call main
3:  j 3b
    .size _start, . - _start

    /* Entry 0 takes exceptions, entries 1..31 the CPU interrupt lines; 256-byte aligned. */
    .section .iram.vectors, "ax"
    .balign 256
    .globl kiln_trap_table
kiln_trap_table:
    .option push
    .option norvc
    j kiln_exception_entry
    .rept 31
    j kiln_irq_entry
    .endr
    .option pop

    /* Interrupt: save the caller-saved registers, let C dispatch mcause, restore, mret. */
    .section .iram.text, "ax"
    .balign 4
kiln_irq_entry:
    addi sp, sp, -64
    sw ra, 0(sp)
    sw t0, 4(sp)
    sw t1, 8(sp)
    sw t2, 12(sp)
    sw a0, 16(sp)
    sw a1, 20(sp)
    sw a2, 24(sp)
    sw a3, 28(sp)
    sw a4, 32(sp)
    sw a5, 36(sp)
    sw a6, 40(sp)
    sw a7, 44(sp)
    sw t3, 48(sp)
    sw t4, 52(sp)
    sw t5, 56(sp)
    sw t6, 60(sp)
    csrr a0, mcause
    call esp32_irq_dispatch
    lw ra, 0(sp)
    lw t0, 4(sp)
    lw t1, 8(sp)
    lw t2, 12(sp)
    lw a0, 16(sp)
    lw a1, 20(sp)
    lw a2, 24(sp)
    lw a3, 28(sp)
    lw a4, 32(sp)
    lw a5, 36(sp)
    lw a6, 40(sp)
    lw a7, 44(sp)
    lw t3, 48(sp)
    lw t4, 52(sp)
    lw t5, 56(sp)
    lw t6, 60(sp)
    addi sp, sp, 64
    mret

    /* Exception: nothing to resume, so report cause/pc/tval and never return. */
kiln_exception_entry:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call esp32_exception
1:  j 1b
