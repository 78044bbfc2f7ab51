/* hal_unix.h: host-only helpers beyond core/hal.h (output flushing, terminal mode). */
#ifndef KILN_HAL_UNIX_H
#define KILN_HAL_UNIX_H

void hal_unix_flush(void);
void hal_unix_raw_terminal(void);

#endif
