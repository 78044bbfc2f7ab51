/* system.c: hal_init, hal_cpu_hz, the heap region, reset and emulator exit (ARM semihosting). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board_config.h"
#include "hal.h"
#include "stm32_port.h"
#include "stm32_regs.h"

#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Linker script symbols (templates/stm32/linker.ld.j2). */
extern uint8_t __kiln_heap_start;
extern uint8_t __kiln_heap_end;

static bool exiting;

void hal_init(void) {
    __asm volatile("cpsid i" ::: "memory");
    exiting = false;
    /* A bootloader may have moved VTOR; faults must land in our table. */
    SCB_VTOR = (uint32_t)(uintptr_t)stm32_vectors;
    const stm32_clocks_t *clocks = stm32_clock_init();
    stm32_tick_init(clocks->cpu_hz);
    stm32_console_init(clocks);
    __asm volatile("cpsie i" ::: "memory");
}

uint32_t hal_cpu_hz(void) {
    return stm32_clocks()->cpu_hz;
}

size_t stm32_ramdisk_carve(uint8_t *heap, size_t len); /* mod_os.c */

void hal_heap_region(void **start, size_t *len) {
    *start = &__kiln_heap_start;
    *len = (size_t)(&__kiln_heap_end - &__kiln_heap_start);
    *len -= stm32_ramdisk_carve((uint8_t *)*start, *len); /* the /flash RAM disk, where it has no CCM */
}

void hal_reset(void) {
    stm32_console_flush();
    __asm volatile("dsb" ::: "memory");
    SCB_AIRCR = SCB_AIRCR_VECTKEY | (SCB_AIRCR & SCB_AIRCR_PRIGROUP_MASK) | SCB_AIRCR_SYSRESETREQ;
    __asm volatile("dsb" ::: "memory");
    for (;;) {
        /* The reset takes a few cycles to arrive. */
    }
}

/*
 * Semihosting is a BKPT the debugger (or QEMU with -semihosting) services; on a board without one
 * attached it is a HardFault. So it is used only when the build says the board runs in an emulator
 * (KILN_EMULATOR, from the board's `emulator` key) AND the chip proves it is one: the RCC reads back
 * as absent (see clock.c). A Netduino flashed with the very same image therefore resets instead.
 */
bool hal_exit_ends_run(void) {
#ifdef KILN_EMULATOR
    return stm32_clocks()->emulated;
#else
    return false;
#endif
}

void hal_exit(int code) {
    stm32_console_flush();
#ifdef KILN_EMULATOR
    if (stm32_clocks()->emulated && !exiting) {
        exiting = true; /* a fault from the BKPT itself (no semihosting) must not come back here */
        const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
        register uint32_t r0 __asm("r0") = SEMIHOSTING_SYS_EXIT_EXTENDED;
        register const uint32_t *r1 __asm("r1") = block;
        __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    }
    if (exiting) {
        /* The emulator ignored the exit request: park quietly rather than reboot into a loop. */
        __asm volatile("cpsid i" ::: "memory");
        for (;;) {
            __asm volatile("wfi");
        }
    }
#else
    (void)code;
#endif
    hal_reset();
}
