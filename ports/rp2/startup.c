/* startup.c: RP2040 vector table, reset handler (.data, TLS, .bss, then main) and fault handlers. */
#include <stdint.h>

#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

/* From the linker script. */
extern uint32_t __kiln_stack_top[];
extern uint32_t __kiln_data_load[];
extern uint32_t __kiln_data_start[];
extern uint32_t __kiln_data_end[];
extern uint32_t __kiln_bss_start[];
extern uint32_t __kiln_bss_end[];
extern uint32_t __kiln_tdata_load[];
extern uint32_t __kiln_tls_start[];
extern uint32_t __kiln_tdata_end[];
extern uint32_t __kiln_tbss_start[];
extern uint32_t __kiln_tbss_end[];

/* picolibc: sets the thread pointer (__aeabi_read_tp) so its thread-locals (errno) land in our block. */
void _set_tls(void *tls);

int main(void);

typedef void (*rp2_handler_t)(void);
typedef union {
    rp2_handler_t handler;
    uint32_t *stack_top;
} rp2_vector_t;

void rp2_reset_handler(void) __attribute__((noreturn));
void rp2_isr_hardfault(void) __attribute__((naked));
void rp2_isr_unexpected(void);
void rp2_hardfault_report(uint32_t pc, uint32_t ipsr) __attribute__((noreturn, used));

/* Every IRQ a driver may claim by defining the function; unclaimed ones report a fault. */
#define WEAK_ISR(name) void name(void) __attribute__((weak, alias("rp2_isr_unexpected")))
WEAK_ISR(rp2_isr_timer0);
WEAK_ISR(rp2_isr_timer1);
WEAK_ISR(rp2_isr_timer2);
WEAK_ISR(rp2_isr_timer3);
WEAK_ISR(rp2_isr_pwm);
WEAK_ISR(rp2_isr_usbctrl);
WEAK_ISR(rp2_isr_xip);
WEAK_ISR(rp2_isr_pio0_0);
WEAK_ISR(rp2_isr_pio0_1);
WEAK_ISR(rp2_isr_pio1_0);
WEAK_ISR(rp2_isr_pio1_1);
WEAK_ISR(rp2_isr_dma0);
WEAK_ISR(rp2_isr_dma1);
WEAK_ISR(rp2_isr_io_bank0);
WEAK_ISR(rp2_isr_io_qspi);
WEAK_ISR(rp2_isr_sio_proc0);
WEAK_ISR(rp2_isr_sio_proc1);
WEAK_ISR(rp2_isr_clocks);
WEAK_ISR(rp2_isr_spi0);
WEAK_ISR(rp2_isr_spi1);
WEAK_ISR(rp2_isr_uart0);
WEAK_ISR(rp2_isr_uart1);
WEAK_ISR(rp2_isr_adc_fifo);
WEAK_ISR(rp2_isr_i2c0);
WEAK_ISR(rp2_isr_i2c1);
WEAK_ISR(rp2_isr_rtc);
WEAK_ISR(rp2_isr_svcall);
WEAK_ISR(rp2_isr_pendsv);
WEAK_ISR(rp2_isr_systick);

/* 16 system exceptions + 32 IRQs: 192 bytes, so 256-byte alignment (0x10000100) suits VTOR. */
__attribute__((section(".vectors"), used)) const rp2_vector_t rp2_vectors[48] = {
    {.stack_top = __kiln_stack_top},
    {.handler = rp2_reset_handler},
    {.handler = rp2_isr_unexpected}, /* NMI */
    {.handler = rp2_isr_hardfault},
    {0}, {0}, {0}, {0}, {0}, {0}, {0},
    {.handler = rp2_isr_svcall},
    {0}, {0},
    {.handler = rp2_isr_pendsv},
    {.handler = rp2_isr_systick},
    {.handler = rp2_isr_timer0},
    {.handler = rp2_isr_timer1},
    {.handler = rp2_isr_timer2},
    {.handler = rp2_isr_timer3},
    {.handler = rp2_isr_pwm},
    {.handler = rp2_isr_usbctrl},
    {.handler = rp2_isr_xip},
    {.handler = rp2_isr_pio0_0},
    {.handler = rp2_isr_pio0_1},
    {.handler = rp2_isr_pio1_0},
    {.handler = rp2_isr_pio1_1},
    {.handler = rp2_isr_dma0},
    {.handler = rp2_isr_dma1},
    {.handler = rp2_isr_io_bank0},
    {.handler = rp2_isr_io_qspi},
    {.handler = rp2_isr_sio_proc0},
    {.handler = rp2_isr_sio_proc1},
    {.handler = rp2_isr_clocks},
    {.handler = rp2_isr_spi0},
    {.handler = rp2_isr_spi1},
    {.handler = rp2_isr_uart0},
    {.handler = rp2_isr_uart1},
    {.handler = rp2_isr_adc_fifo},
    {.handler = rp2_isr_i2c0},
    {.handler = rp2_isr_i2c1},
    {.handler = rp2_isr_rtc},
    {.handler = rp2_isr_unexpected}, {.handler = rp2_isr_unexpected}, {.handler = rp2_isr_unexpected},
    {.handler = rp2_isr_unexpected}, {.handler = rp2_isr_unexpected}, {.handler = rp2_isr_unexpected},
};

static void copy_words(uint32_t *dst, uint32_t *end, const uint32_t *src) {
    while (dst < end) {
        *dst++ = *src++;
    }
}

static void zero_words(uint32_t *dst, uint32_t *end) {
    while (dst < end) {
        *dst++ = 0;
    }
}

void rp2_reset_handler(void) {
    /* boot2 entered with whatever the bootrom left; no IRQ until the HAL has set them up. */
    __asm volatile("cpsid i" ::: "memory");
    copy_words(__kiln_data_start, __kiln_data_end, __kiln_data_load);
    copy_words(__kiln_tls_start, __kiln_tdata_end, __kiln_tdata_load);
    zero_words(__kiln_tbss_start, __kiln_tbss_end);
    zero_words(__kiln_bss_start, __kiln_bss_end);
    _set_tls(__kiln_tls_start);
    main();
    hal_reset();
}

/* Passes the faulting PC (from the exception frame on the main stack) and IPSR to C. */
void rp2_isr_hardfault(void) {
    __asm volatile(
        "mrs r0, msp\n"
        "ldr r0, [r0, #24]\n"
        "mrs r1, ipsr\n"
        "ldr r2, =rp2_hardfault_report\n"
        "bx r2\n"
        ".ltorg\n");
}

void rp2_hardfault_report(uint32_t pc, uint32_t ipsr) {
    rp2_reset_with_reason(KILN_RP2_SCRATCH_FAULT, pc, ipsr);
}

void rp2_isr_unexpected(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    rp2_reset_with_reason(KILN_RP2_SCRATCH_FAULT, 0u, ipsr);
}
