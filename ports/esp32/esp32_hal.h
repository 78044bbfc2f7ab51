/* esp32_hal.h: functions the ESP32-C3 HAL files share with each other (not part of core/hal.h). */
#ifndef KILN_ESP32_HAL_H
#define KILN_ESP32_HAL_H

#include <stdint.h>

/* CPU interrupt line the console UART is routed to through the interrupt matrix. */
#define ESP32_UART_CPU_INT 1u

void esp32_watchdogs_disable(void);
void esp32_clock_init(void);
void esp32_uart_init(void);
void esp32_uart_isr(void);
void esp32_irq_init(void);
uint64_t esp32_systimer_now(void);

/* Called from startup.S. */
void esp32_irq_dispatch(uint32_t mcause);
void esp32_exception(uint32_t mcause, uint32_t mepc, uint32_t mtval) __attribute__((noreturn));

static inline void esp32_irq_enable(void) {
    __asm__ volatile("csrsi mstatus, 8" ::: "memory");
}

static inline void esp32_irq_disable(void) {
    __asm__ volatile("csrci mstatus, 8" ::: "memory");
}

#endif
