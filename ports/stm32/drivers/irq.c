/* irq.c: the device interrupt table (handler + context per IRQ) every device vector lands in; soft reset clears it. */
#include "drivers/irq.h"

#include <stddef.h>

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "stm32_port.h"
#include "stm32_regs.h"
#include "stm32_series.h"

#define NVIC_ICPR(n) STM32_REG(0xE000E280u + 4u * (n))
#define PRIORITY_BITS 4u /* F4 and F7 implement the top four bits of each priority byte */

typedef struct {
    stm32_irq_fn_t fn;
    void *ctx;
} irq_slot_t;

static struct {
    irq_slot_t slot[STM32_IRQ_MAX]; /* the first stm32_chip.irq_count are used */
} irq_table;

static void nvic_disable(uint32_t irq) {
    NVIC_ICER(irq / 32u) = 1u << (irq % 32u);
    __asm volatile("dsb\n\tisb" ::: "memory"); /* no late entry into a handler being removed */
    NVIC_ICPR(irq / 32u) = 1u << (irq % 32u);
}

int stm32_irq_attach(uint32_t irq, stm32_irq_fn_t fn, void *ctx, uint32_t priority) {
    if (irq >= stm32_chip.irq_count || irq == stm32_chip.console_irq || fn == NULL || priority > 15u) {
        return -STM32_EINVAL;
    }
    irq_slot_t *slot = &irq_table.slot[irq];
    if (slot->fn != NULL && (slot->fn != fn || slot->ctx != ctx)) {
        return -STM32_EBUSY;
    }
    nvic_disable(irq);
    slot->fn = fn;
    slot->ctx = ctx;
    NVIC_IPR_BYTE(irq) = (uint8_t)(priority << (8u - PRIORITY_BITS));
    NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
    return STM32_OK;
}

void stm32_irq_detach(uint32_t irq) {
    if (irq >= stm32_chip.irq_count || irq == stm32_chip.console_irq) {
        return;
    }
    nvic_disable(irq);
    irq_table.slot[irq].fn = NULL;
    irq_table.slot[irq].ctx = NULL;
}

void stm32_irq_dispatch_n(uint32_t irq) {
    if (irq == stm32_chip.console_irq) {
        stm32_console_irq(); /* the console's USART is served by console.c, whatever the table holds */
        return;
    }
    if (irq >= stm32_chip.irq_count || irq_table.slot[irq].fn == NULL) {
        /* Nobody handles it: mask it so it cannot storm, and carry on. */
        if (irq < 240u) {
            NVIC_ICER(irq / 32u) = 1u << (irq % 32u);
        }
        return;
    }
    irq_table.slot[irq].fn(irq_table.slot[irq].ctx);
}

void stm32_irq_dispatch(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    stm32_irq_dispatch_n((ipsr & 0x1FFu) - 16u);
}

void stm32_irq_reset(void) {
    for (uint32_t irq = 0; irq < stm32_chip.irq_count; irq++) {
        if (irq_table.slot[irq].fn != NULL) {
            stm32_irq_detach(irq);
        }
    }
}
