/* banner.c: prints the boot banner from the board's identity strings and the clock the port reached. */
#include "banner.h"

#include <string.h>

#include "board_info.h"
#include "config.h"
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
    put_str("Kiln " KILN_VERSION " on ");
    put_str(kiln_board_id);
    if (kiln_board_variant[0] != '\0') {
        put_str("-");
        put_str(kiln_board_variant);
    }
    put_str("; ");
    put_str(kiln_board_product);
    put_str(" with ");
    put_str(kiln_mcu_name);
    put_str(" at ");
    put_uint(hal_cpu_hz() / 1000000u);
    put_str(" MHz\r\n");
}
