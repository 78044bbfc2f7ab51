/* startup.S: Reset_Handler: FPU on, .data/.tdata copied from flash, .tbss/.bss zeroed, TLS set, then main(). */
    .syntax unified
    .thumb

    .section .text.Reset_Handler, "ax", %progbits
    .global Reset_Handler
    .type Reset_Handler, %function
Reset_Handler:
    /* A bootloader may jump here with its own stack: start from ours. */
    ldr r0, =__kiln_stack_top
    mov sp, r0

#if defined(__ARM_FP)
    /* CP10/CP11 full access before any FP instruction (the compiler may emit them anywhere). */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
#endif

    /* Written in assembly so no C code (which could use FP registers) runs before the FPU is on. */
    ldr r0, =__kiln_data_start
    ldr r1, =__kiln_data_end
    ldr r2, =__kiln_data_load
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b

2:  ldr r0, =__kiln_bss_start
    ldr r1, =__kiln_bss_end
    movs r3, #0
3:  cmp r0, r1
    bhs 4f
    str r3, [r0], #4
    b 3b

    /* picolibc keeps errno thread-local: point the thread pointer at our one TLS block. */
4:  ldr r0, =__kiln_tls_start
    bl _set_tls
    bl main
    /* main() never returns; if it did, stop here rather than run off the end. */
5:  b 5b
    .size Reset_Handler, . - Reset_Handler
