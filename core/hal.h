/* hal.h: the small interface every port implements for the portable core. */
#ifndef KILN_HAL_H
#define KILN_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Clocks (with timeouts and fallbacks), console UART, tick source. Called once by main(). */
void hal_init(void);

/* Console output: writes all len bytes (blocking). */
void hal_stdout_write(const char *buf, size_t len);

/* Console input: next byte, blocking until one arrives. */
int hal_stdin_read(void);

/* Console input without blocking: next byte, or -1 when none is waiting. */
int hal_stdin_poll(void);

/* Monotonic time since boot. Wraps around; use differences. */
uint32_t hal_ticks_ms(void);
uint32_t hal_ticks_us(void);
void hal_delay_ms(uint32_t ms);
void hal_delay_us(uint32_t us);

/* Optional (weak; without it select.poll naps 1 ms at a time): sleeps until something may have
   happened (a console byte arrived, an interrupt fired: WFI on a board) or max_ms pass. May return early. */
void hal_wait_event(uint32_t max_ms) __attribute__((weak));

/* The core clock the port actually reached (may be lower than KILN_CPU_HZ after a fallback). */
uint32_t hal_cpu_hz(void);

/* The RAM the core may use for its GC heap. */
void hal_heap_region(void **start, size_t *len);

/* Resets the chip. */
void hal_reset(void) __attribute__((noreturn));

/* Ends an emulated run with an exit code (semihosting or emulator hook); resets on hardware. */
void hal_exit(int code) __attribute__((noreturn));

/* True when sys.exit() at the REPL prompt ends the run through hal_exit (a board running in its
   emulator, where tests read the exit code); false: it soft-resets, as on MicroPython boards. A port
   function rather than a build flag, so the core compiles the same for emulated and real boards. */
bool hal_exit_ends_run(void);

#endif
