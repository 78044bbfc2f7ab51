/* main.c: the STM32 entry point after Reset_Handler: bring up the HAL, then hand over to the core. */
#include "drivers/chip.h"
#include "hal.h"
#include "kiln_main.h"

int main(void) {
    hal_init();
    if (stm32_chip.selftest != NULL) {
        stm32_chip.selftest(); /* test-only builds (board variant SELFTEST): never returns */
    }
    kiln_main();
}
