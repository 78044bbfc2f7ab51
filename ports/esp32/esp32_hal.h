/* esp32_hal.h: functions the ESP32-C3 HAL files share with each other (not part of core/hal.h). */
#ifndef KILN_ESP32_HAL_H
#define KILN_ESP32_HAL_H

#include <stdint.h>

/* Interrupts: each attached peripheral source gets its own CPU line (level type, priority 2).
   Handlers run with interrupts masked and must clear their peripheral's request. */
typedef void (*esp_irq_handler_t)(void *arg);
int esp_irq_attach(unsigned source, esp_irq_handler_t handler, void *arg); /* line, or -errno */
void esp_irq_detach(unsigned source);

void esp32_watchdogs_disable(void);
void esp32_clock_init(void);
void esp32_uart_init(void);
/* The console (hal_console.c): its RX ring, fed from interrupt handlers. */
void esp32_console_init(void);
void esp32_console_push(uint8_t c);
void esp32_irq_init(void);
uint64_t esp32_systimer_now(void);
uint32_t esp32_xtal_hz(void);

/* Called from startup.S. */
void esp32_irq_dispatch(uint32_t mcause);
void esp32_exception(uint32_t mcause, uint32_t mepc, uint32_t mtval) __attribute__((noreturn));

static inline void esp32_irq_enable(void) {
    __asm__ volatile("csrsi mstatus, 8" ::: "memory");
}

static inline void esp32_irq_disable(void) {
    __asm__ volatile("csrci mstatus, 8" ::: "memory");
}

/* Masks interrupts and returns the previous mstatus.MIE, for esp32_irq_restore(). */
static inline uint32_t esp32_irq_save(void) {
    uint32_t mstatus;
    __asm__ volatile("csrrci %0, mstatus, 8" : "=r"(mstatus)::"memory");
    return mstatus & 8u;
}

static inline void esp32_irq_restore(uint32_t saved) {
    if (saved != 0u) {
        __asm__ volatile("csrsi mstatus, 8" ::: "memory");
    }
}

#endif
