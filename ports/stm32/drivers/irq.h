/* irq.h: device interrupts routed to driver handlers with a context pointer, and NVIC enable/priority. */
#ifndef KILN_STM32_IRQ_H
#define KILN_STM32_IRQ_H

#include <stdint.h>

typedef void (*stm32_irq_fn_t)(void *ctx);

/*
 * Routes device interrupt `irq` to fn(ctx), sets its priority (0 = most urgent .. 15) and enables it.
 * -STM32_EBUSY when another handler owns it, -STM32_EINVAL for a number past the vector table or the
 * console's own interrupt.
 */
int stm32_irq_attach(uint32_t irq, stm32_irq_fn_t fn, void *ctx, uint32_t priority);

/* Disables the interrupt, clears anything pending and forgets the handler. */
void stm32_irq_detach(uint32_t irq);

/* The vector for every device interrupt except the console's (vectors.c). */
void stm32_irq_dispatch(void);

/* Runs the handler of `irq` as the vector would: a handler-less interrupt is masked. */
void stm32_irq_dispatch_n(uint32_t irq);

/* Soft reset: detaches every handler. */
void stm32_irq_reset(void);

#endif
