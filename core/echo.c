/* echo.c: the placeholder console until the interpreter lands: banner, then echo each line. */
#include <stddef.h>

#include "banner.h"
#include "hal.h"
#include "kiln_main.h"

#define LINE_MAX 128

void kiln_main(void) {
    char line[LINE_MAX];
    size_t len = 0;
    kiln_print_banner();
    hal_stdout_write("> ", 2);
    for (;;) {
        int c = hal_stdin_read();
        if (c == '\r' || c == '\n') {
            hal_stdout_write("\r\necho: ", 8);
            hal_stdout_write(line, len);
            hal_stdout_write("\r\n> ", 4);
            len = 0;
        } else if (c == 0x04) {
            /* Ctrl-D ends an emulated session cleanly (tests use it). */
            hal_exit(0);
        } else if (len < LINE_MAX) {
            line[len++] = (char)c;
            hal_stdout_write(&line[len - 1], 1);
        }
    }
}
