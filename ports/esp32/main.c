/* main.c: ESP32-C3 app entry after startup.S: bring the chip up, then hand over to the core. */
#include "hal.h"
#include "kiln_main.h"

int main(void) {
    hal_init();
    kiln_main();
}
