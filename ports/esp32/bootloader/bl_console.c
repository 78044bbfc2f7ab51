/* bl_console.c: bootloader UART0 output and the fatal-error path. */
#include "../soc_regs.h"
#include "bootloader.h"

static void put_char(char c) {
    for (unsigned i = 0; i < 100000u && UART_STATUS_TXCNT(UART_STATUS(UART0_BASE)) >= UART_FIFO_SIZE - 1u; i++) {
    }
    UART_FIFO(UART0_BASE) = (uint8_t)c;
}

void bl_puts(const char *s) {
    while (*s != '\0') {
        put_char(*s++);
    }
}

void bl_puthex(uint32_t v) {
    put_char('0');
    put_char('x');
    for (int i = 28; i >= 0; i -= 4) {
        put_char("0123456789abcdef"[(v >> i) & 0xFu]);
    }
}

void bl_fail(const char *what) {
    bl_puts("kiln-boot: error: ");
    bl_puts(what);
    bl_puts("\r\nkiln-boot: cannot start the app; halted\r\n");
    /* Halt rather than reboot: a bad table or image does not fix itself, and a reset loop
       would bury the message. Interrupts are off, so wfi never returns. */
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void bl_fail_at(const char *what, uint32_t value) {
    bl_puts("kiln-boot: error: ");
    bl_puts(what);
    bl_puts(" (");
    bl_puthex(value);
    bl_puts(")");
    bl_fail("see above");
}
