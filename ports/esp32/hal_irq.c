/* hal_irq.c: ESP32-C3/C6 interrupt matrix: one CPU line per attached peripheral source, and the dispatcher. */
#include <errno.h>
#include <stddef.h>

#include "esp32_hal.h"
#include "soc_regs.h"

/* Lines 1..31 are usable (line 0 means "not mapped" in the matrix). Reset by esp32_irq_init(). */
static struct {
    uint8_t source[32]; /* INTMTX_SOURCES = free */
    esp_irq_handler_t handler[32];
    void *arg[32];
} lines;

void esp32_irq_init(void) {
    /* Start from a known state whatever the ROM or bootloader left: all lines off, no source mapped. */
    INTMTX_CPU_INT_ENABLE = 0;
    INTMTX_CPU_INT_CLEAR = 0xFFFFFFFFu;
    INTMTX_CPU_INT_CLEAR = 0;
    for (unsigned s = 0; s < INTMTX_SOURCES; s++) {
        INTMTX_MAP(s) = 0;
    }
    for (unsigned i = 0; i < 32u; i++) {
        lines.source[i] = INTMTX_SOURCES;
        lines.handler[i] = NULL;
        lines.arg[i] = NULL;
    }
    /* Priority 2 over threshold 1 is taken whether the compare is ">" or ">=". */
    INTMTX_CPU_INT_THRESH = 1;
}

int esp_irq_attach(unsigned source, esp_irq_handler_t handler, void *arg) {
    if (source >= INTMTX_SOURCES || handler == NULL) {
        return -EINVAL;
    }
    unsigned line = 0;
    for (unsigned i = 1; i < 32u; i++) {
        if (!soc_intc_line_usable(i)) {
            continue;
        }
        if (lines.source[i] == source) {
            line = i; /* re-attach replaces the handler */
            break;
        }
        if (line == 0u && lines.source[i] == INTMTX_SOURCES) {
            line = i;
        }
    }
    if (line == 0u) {
        return -EBUSY;
    }
    uint32_t was = INTMTX_CPU_INT_ENABLE;
    INTMTX_CPU_INT_ENABLE = was & ~(1u << line);
    lines.source[line] = (uint8_t)source;
    lines.handler[line] = handler;
    lines.arg[line] = arg;
    INTMTX_MAP(source) = line;
    INTMTX_CPU_INT_TYPE &= ~(1u << line); /* level: every source here holds its request until cleared */
    INTMTX_CPU_INT_PRI(line) = 2;
    soc_intc_line_on(line);
    INTMTX_CPU_INT_ENABLE = was | (1u << line);
    return (int)line;
}

void esp_irq_detach(unsigned source) {
    for (unsigned i = 1; i < 32u; i++) {
        if (lines.source[i] == source) {
            INTMTX_CPU_INT_ENABLE &= ~(1u << i);
            INTMTX_MAP(source) = 0;
            lines.source[i] = INTMTX_SOURCES;
            lines.handler[i] = NULL;
            lines.arg[i] = NULL;
        }
    }
}

void esp32_irq_dispatch(uint32_t mcause) {
    uint32_t line = mcause & 0x1Fu;
    esp_irq_handler_t handler = lines.handler[line];
    if (handler != NULL) {
        handler(lines.arg[line]);
    } else {
        /* A line with no owner must not fire forever: switch it off. */
        INTMTX_CPU_INT_ENABLE &= ~(1u << line);
    }
}
