/* hal_unix.h: host-only helpers beyond core/hal.h (output flushing, terminal mode). */
#ifndef KILN_HAL_UNIX_H
#define KILN_HAL_UNIX_H

#include <stdbool.h>
#include <stddef.h>

void hal_unix_flush(void);
/* Uses only the first n bytes of the static heap (16 KiB .. the whole); false if out of range. */
bool hal_unix_set_heap_size(size_t n);
void hal_unix_raw_terminal(void);

#endif
