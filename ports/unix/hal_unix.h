/* hal_unix.h: host-only helpers beyond core/hal.h (output flushing, terminal mode). */
#ifndef KILN_HAL_UNIX_H
#define KILN_HAL_UNIX_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

void hal_unix_flush(void);
/* The smallest heap the interpreter starts in: its value stack (config.h) plus 64 KiB for the rest. */
#define HAL_UNIX_MIN_HEAP (KILN_VSTACK_WORDS * sizeof(void *) + 64u * 1024u)
/* Uses only the first n bytes of the static heap (HAL_UNIX_MIN_HEAP .. the whole); false if out of range. */
bool hal_unix_set_heap_size(size_t n);
void hal_unix_raw_terminal(void);

#endif
