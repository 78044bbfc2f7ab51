/* kiln_main.h: the portable entry point a port's main() calls after hal_init(). */
#ifndef KILN_MAIN_H
#define KILN_MAIN_H

void kiln_main(void) __attribute__((noreturn));

#endif
