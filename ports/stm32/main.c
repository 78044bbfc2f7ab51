/* main.c: the STM32 entry point after Reset_Handler: bring up the HAL, then hand over to the core. */
#include "hal.h"
#include "kiln_main.h"

int main(void) {
    hal_init();
    kiln_main();
}
