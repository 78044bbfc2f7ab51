/* rp2_port.h: what the rp2 port's Python-facing files (mod_*.c) share: error mapping, module inits, soft reset. */
#ifndef KILN_RP2_PORT_H
#define KILN_RP2_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "obj.h"

/* Raises OSError(errno_value). */
void rp2_raise_errno(int errno_value) __attribute__((noreturn));
/* A negative driver result (rp2_err.h) raised as OSError with MicroPython's errno; r otherwise. */
int rp2_check(int r);

kn_obj kn_mod_os_init(void);
kn_obj kn_mod_rp2_init(void);

/* Every soft reset (kn_port_init): drivers back to reset state, interrupt flags dropped, no pointers
 * into the old heap kept. */
void rp2_machine_soft_reset(void);

#endif
