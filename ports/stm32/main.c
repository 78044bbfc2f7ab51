/* main.c: the STM32 entry point after Reset_Handler: bring up the HAL, then hand over to the core. */
#include "board_config.h"
#include "hal.h"
#include "kiln_main.h"
#ifdef KILN_HAS_DRIVER_SELFTEST
#include "drivers/selftest.h"
#endif

int main(void) {
    hal_init();
#ifdef KILN_HAS_DRIVER_SELFTEST
    stm32_selftest(); /* test-only builds (board variant SELFTEST): never returns */
#endif
    kiln_main();
}
