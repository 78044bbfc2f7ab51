/* exti.c: EXTI lines 0..15 from GPIO pins (SYSCFG_EXTICRx, EXTI IMR/RTSR/FTSR/SWIER/PR; RM0090 ch. 12). */
#include "drivers/exti.h"

#include <stddef.h>

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/irq.h"
#include "drivers/rcc.h"

#define EXTI_IMR DRV_REG(STM32_EXTI + 0x00u)
#define EXTI_RTSR DRV_REG(STM32_EXTI + 0x08u)
#define EXTI_FTSR DRV_REG(STM32_EXTI + 0x0Cu)
#define EXTI_SWIER DRV_REG(STM32_EXTI + 0x10u)
#define EXTI_PR DRV_REG(STM32_EXTI + 0x14u)
#define SYSCFG_EXTICR(n) DRV_REG(STM32_SYSCFG + 0x08u + 4u * (n))

#define NO_PORT 0xFFu
#define LINES 16u

/* Lines 0..4 have a vector each; 5..9 and 10..15 share one (RM0090 table 61). */
typedef struct {
    uint8_t first;
    uint8_t last;
    uint8_t irq;
} exti_group_t;

static const exti_group_t groups[] = {
    {0, 0, 6}, {1, 1, 7}, {2, 2, 8}, {3, 3, 9}, {4, 4, 10}, {5, 9, 23}, {10, 15, 40},
};

static struct {
    stm32_exti_fn_t fn[LINES];
    void *arg[LINES];
    uint8_t port[LINES];
} exti;

static const exti_group_t *group_of(uint32_t line) {
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (line >= groups[i].first && line <= groups[i].last) {
            return &groups[i];
        }
    }
    return NULL;
}

static void exti_irq(void *ctx) {
    const exti_group_t *group = ctx;
    const uint32_t mask = ((1u << (group->last + 1u)) - 1u) & ~((1u << group->first) - 1u);
    const uint32_t pending = EXTI_PR & EXTI_IMR & mask;
    EXTI_PR = pending; /* write-1-to-clear, before the callbacks so a new edge during them is kept */
    for (uint32_t line = group->first; line <= group->last; line++) {
        if ((pending >> line) & 1u && exti.fn[line] != NULL) {
            exti.fn[line](exti.arg[line], exti.port[line] * 16u + line);
        }
    }
}

static bool group_in_use(const exti_group_t *group, uint32_t except) {
    for (uint32_t line = group->first; line <= group->last; line++) {
        if (line != except && exti.fn[line] != NULL) {
            return true;
        }
    }
    return false;
}

int stm32_exti_attach(uint32_t pin_code, uint32_t edges, stm32_exti_fn_t fn, void *arg, uint32_t priority) {
    if (!stm32_pin_exists(pin_code)) {
        return -STM32_ENODEV;
    }
    const uint32_t port = pin_code / 16u;
    const uint32_t line = pin_code % 16u;
    if (fn == NULL || edges == 0u || (edges & ~(STM32_EXTI_RISING | STM32_EXTI_FALLING)) != 0u || priority > 15u) {
        return -STM32_EINVAL;
    }
    if (exti.fn[line] != NULL && exti.port[line] != port) {
        return -STM32_EBUSY;
    }
    const exti_group_t *group = group_of(line);
    EXTI_IMR &= ~(1u << line);
    stm32_rcc_enable((stm32_clk_t){STM32_BUS_APB2, RCC_APB2_SYSCFG});
    drv_modify(&SYSCFG_EXTICR(line / 4u), 0xFu << (4u * (line % 4u)), port << (4u * (line % 4u)));
    drv_modify(&EXTI_RTSR, 1u << line, (edges & STM32_EXTI_RISING) ? 1u << line : 0u);
    drv_modify(&EXTI_FTSR, 1u << line, (edges & STM32_EXTI_FALLING) ? 1u << line : 0u);
    EXTI_PR = 1u << line; /* an edge from before now is not news */
    exti.fn[line] = fn;
    exti.arg[line] = arg;
    exti.port[line] = (uint8_t)port;
    /* A shared vector keeps the priority of its first user. */
    const int err = group_in_use(group, line) ? STM32_OK : stm32_irq_attach(group->irq, exti_irq, (void *)group, priority);
    if (err != STM32_OK) {
        exti.fn[line] = NULL;
        exti.port[line] = NO_PORT;
        return err;
    }
    EXTI_IMR |= 1u << line;
    return STM32_OK;
}

void stm32_exti_detach(uint32_t pin_code) {
    const uint32_t line = pin_code % 16u;
    if (exti.fn[line] == NULL || pin_code / 16u != exti.port[line]) {
        return; /* the line belongs to another port's pin (or to nobody) */
    }
    EXTI_IMR &= ~(1u << line);
    EXTI_RTSR &= ~(1u << line);
    EXTI_FTSR &= ~(1u << line);
    EXTI_PR = 1u << line;
    exti.fn[line] = NULL;
    exti.arg[line] = NULL;
    exti.port[line] = NO_PORT;
    const exti_group_t *group = group_of(line);
    if (!group_in_use(group, line)) {
        stm32_irq_detach(group->irq);
    }
}

int stm32_exti_trigger(uint32_t pin_code) {
    const uint32_t line = pin_code % 16u;
    if (exti.fn[line] == NULL || exti.port[line] != pin_code / 16u) {
        return -STM32_EINVAL;
    }
    EXTI_SWIER = 1u << line;
    return STM32_OK;
}

void stm32_exti_reset(void) {
    EXTI_IMR &= ~0xFFFFu;
    for (uint32_t line = 0; line < LINES; line++) {
        exti.fn[line] = NULL;
        exti.arg[line] = NULL;
        exti.port[line] = NO_PORT;
    }
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        stm32_irq_detach(groups[i].irq);
    }
}
