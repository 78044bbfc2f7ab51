/* mod_rp2.c: the `rp2` module: RP2040-specific functions (the BOOTSEL button). */
#include "rp2_bootsel.h"
#include "rp2_port.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

/* 1 while BOOTSEL is held (read through the flash chip select, from RAM). */
static kn_obj r_bootsel_button(void) {
    return KN_MKSMALL(rp2_bootsel_button() ? 1 : 0);
}
static KN_FUN0(r_bootsel_button_obj, r_bootsel_button);

static const kn_method_t rp2_table[] = {
    {KN_Q(bootsel_button), KN_OBJ(&r_bootsel_button_obj)},
};

kn_obj kn_mod_rp2_init(void) {
    return kn_module_from_table(KN_Q(rp2), rp2_table, sizeof rp2_table / sizeof rp2_table[0]);
}
