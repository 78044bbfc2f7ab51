/* main.c: the RP2040 port's entry point: bring up the HAL, then hand over to the portable core. */
#include "hal.h"
#include "kiln_main.h"

int main(void) {
    hal_init();
    kiln_main();
}
