/* banner.c: prints the boot banner from board_config.h and the clock the port reached. */
#include "banner.h"

#include <string.h>

#include "board_config.h"
#include "hal.h"

static void put_str(const char *s) {
    hal_stdout_write(s, strlen(s));
}

static void put_uint(uint32_t value) {
    char digits[11];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    while (n > 0) {
        hal_stdout_write(&digits[--n], 1);
    }
}

void kiln_print_banner(void) {
    put_str("Kiln " KILN_VERSION " on " KILN_BOARD_ID);
    if (KILN_BOARD_VARIANT[0] != '\0') {
        put_str("-" KILN_BOARD_VARIANT);
    }
    put_str("; " KILN_BOARD_PRODUCT " with " KILN_MCU_NAME " at ");
    put_uint(hal_cpu_hz() / 1000000u);
    put_str(" MHz\r\n");
}
