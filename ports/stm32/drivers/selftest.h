/* selftest.h: the driver self-test a test-only build runs instead of the REPL (feature driver_selftest). */
#ifndef KILN_STM32_SELFTEST_H
#define KILN_STM32_SELFTEST_H

/* Runs every check, prints "ST ..." lines and ends the run with hal_exit(number of failures). Compiled for
   every board, linked only into those whose chip.c names it (feature driver_selftest). */
void stm32_selftest(void) __attribute__((noreturn));

#endif
