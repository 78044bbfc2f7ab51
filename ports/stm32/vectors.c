/* vectors.c: the vector table (first in flash, see linker.ld.j2) and the fault handlers (unhandled device interrupts: drivers/irq.c). */
#include <stdint.h>

#include "drivers/chip.h"
#include "drivers/irq.h"
#include "hal.h"
#include "stm32_port.h"
#include "stm32_series.h"

/* One table for every part: 112 device interrupts covers the largest (F767, 110). It holds nothing of the
   board or part (the console's interrupt is told apart in drivers/irq.c), so it compiles once per CPU. */
#define VECTOR_IRQS 112
#if STM32_IRQ_MAX > VECTOR_IRQS
#error "vectors.c: this CPU's parts have more interrupts than the vector table holds"
#endif

extern uint32_t __kiln_stack_top;
void Reset_Handler(void);
void stm32_fault(const uint32_t *frame);

/* Finds the stacked registers (MSP or PSP, per EXC_RETURN bit 2) and hands them to stm32_fault. */
__attribute__((naked)) static void fault_entry(void) {
    __asm volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "b stm32_fault\n\t");
}

static uint32_t active_exception(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr & 0x1FFu;
}

static void put_hex(char *out, uint32_t value) {
    for (int i = 7; i >= 0; i--) {
        out[i] = "0123456789abcdef"[value & 0xFu];
        value >>= 4;
    }
}

void stm32_fault(const uint32_t *frame) {
    char msg[] = "\r\n*** Kiln fault: exception 0x........ at pc 0x........\r\n";
    put_hex(&msg[30], active_exception());
    put_hex(&msg[47], frame[6]); /* the stacked PC */
    stm32_console_panic(msg);
    /* Under an emulator the run ends with 128 + exception number; on a board the chip resets. */
    hal_exit(128 + (int)active_exception());
}

/* SVCall, DebugMonitor and PendSV are unused; returning is harmless. */
static void ignored_exception(void) {
}

/* Drivers attach their handlers at run time (drivers/irq.c); one without a handler gets masked there, and
   the console's interrupt goes on to stm32_console_irq. */
#define IRQ8(n) stm32_irq_dispatch, stm32_irq_dispatch, stm32_irq_dispatch, stm32_irq_dispatch, \
    stm32_irq_dispatch, stm32_irq_dispatch, stm32_irq_dispatch, stm32_irq_dispatch

/* Word 0 is the initial stack pointer, stored as a handler-sized entry like the rest. */
__attribute__((section(".isr_vector"), used)) const stm32_handler_t stm32_vectors[16 + VECTOR_IRQS] = {
    (stm32_handler_t)(uintptr_t)&__kiln_stack_top,
    Reset_Handler,
    fault_entry, /* NMI */
    fault_entry, /* HardFault */
    fault_entry, /* MemManage */
    fault_entry, /* BusFault */
    fault_entry, /* UsageFault */
    0, 0, 0, 0,  /* reserved */
    ignored_exception, /* SVCall */
    ignored_exception, /* DebugMonitor */
    0,                 /* reserved */
    ignored_exception, /* PendSV */
    stm32_systick_irq,
    IRQ8(0), IRQ8(8), IRQ8(16), IRQ8(24), IRQ8(32), IRQ8(40), IRQ8(48),
    IRQ8(56), IRQ8(64), IRQ8(72), IRQ8(80), IRQ8(88), IRQ8(96), IRQ8(104),
};
