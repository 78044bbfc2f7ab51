/* config.h: interpreter feature and size knobs; a port or board overrides any of them before this file. */
#ifndef KILN_CONFIG_H
#define KILN_CONFIG_H

#include "core_config.h"

/* Floats are single precision on MCUs (hardware FPU) and double precision on the host. */
#ifndef KILN_FLOAT_SINGLE
#if defined(KILN_PORT_UNIX)
#define KILN_FLOAT_SINGLE 0
#else
#define KILN_FLOAT_SINGLE 1
#endif
#endif

/* Bytes of C stack the interpreter may use before raising RecursionError. Must stay below the port's
 * real stack (a Python call costs ~210 bytes on Cortex-M4 -Os): boards with a 16 KiB stack can set
 * 14 KiB (STM32 has 24 KiB and takes 22; RP2040 has 32 KiB and takes 30: a call costs ~250 bytes on
 * Cortex-M0+); the default fits a 4 KiB stack. */
#ifndef KILN_STACK_LIMIT
#if defined(KILN_PORT_UNIX)
#define KILN_STACK_LIMIT (4u * 1024u * 1024u)
#elif defined(KILN_PORT_STM32)
#define KILN_STACK_LIMIT (22u * 1024u) /* the STM32 linker script reserves a 24 KiB main stack: ~100 calls */
#elif defined(KILN_PORT_RP2)
#define KILN_STACK_LIMIT (30u * 1024u) /* templates/rp2/linker.ld.j2 reserves a 32 KiB main stack: ~120 calls */
#elif defined(KILN_PORT_ESP32)
#define KILN_STACK_LIMIT (30u * 1024u) /* templates/esp32/linker.ld.j2 reserves a 32 KiB stack; 2 KiB for IRQs */
#else
#define KILN_STACK_LIMIT (3u * 1024u)
#endif
#endif

/* Maximum Python call depth, whatever the C stack says. */
#ifndef KILN_MAX_DEPTH
#if defined(KILN_PORT_UNIX)
#define KILN_MAX_DEPTH 900
#elif defined(KILN_PORT_STM32) || defined(KILN_PORT_RP2) || defined(KILN_PORT_ESP32)
#define KILN_MAX_DEPTH 200
#else
#define KILN_MAX_DEPTH 64
#endif
#endif

/* Words of value stack (locals and operand stacks of active non-generator frames). */
#ifndef KILN_VSTACK_WORDS
#if defined(KILN_PORT_UNIX)
#define KILN_VSTACK_WORDS (64u * 1024u)
#elif defined(KILN_PORT_STM32)
#define KILN_VSTACK_WORDS 2048u /* a small call takes ~15 words: matches KILN_STACK_LIMIT's ~100 calls */
#elif defined(KILN_PORT_RP2) || defined(KILN_PORT_ESP32)
#define KILN_VSTACK_WORDS 3072u
#else
#define KILN_VSTACK_WORDS 1024u
#endif
#endif

/* Computed-goto dispatch where the compiler supports labels as values. */
#ifndef KILN_COMPUTED_GOTO
#if defined(__GNUC__)
#define KILN_COMPUTED_GOTO 1
#else
#define KILN_COMPUTED_GOTO 0
#endif
#endif

/* Bytecodes between polls of the console for Ctrl-C (a power of two). */
#ifndef KILN_POLL_INTERVAL
#define KILN_POLL_INTERVAL 4096u
#endif

/* REPL line editor: longest line and number of history entries. */
#ifndef KILN_REPL_LINE_MAX
#define KILN_REPL_LINE_MAX 256
#endif
#ifndef KILN_REPL_HISTORY
#define KILN_REPL_HISTORY 8
#endif

/* Ctrl-D on an empty friendly-REPL line: exit the process (host) instead of a soft reset (boards). */
#ifndef KILN_REPL_CTRL_D_EXITS
#if defined(KILN_PORT_UNIX)
#define KILN_REPL_CTRL_D_EXITS 1
#else
#define KILN_REPL_CTRL_D_EXITS 0
#endif
#endif

/* Raw-paste flow control window (bytes). */
#ifndef KILN_RAW_PASTE_WINDOW
#define KILN_RAW_PASTE_WINDOW 128
#endif

/* Entries of the (type, name) -> attribute cache. */
#ifndef KILN_ATTR_CACHE_SIZE
#define KILN_ATTR_CACHE_SIZE 256
#endif

/* Nested indentation levels the lexer accepts. */
#ifndef KILN_MAX_INDENT
#define KILN_MAX_INDENT 40
#endif

#if KILN_FLOAT_SINGLE
typedef float kn_float_t;
#else
typedef double kn_float_t;
#endif

#endif
