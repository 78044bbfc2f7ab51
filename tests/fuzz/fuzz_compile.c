/* fuzz_compile.c: libFuzzer harness for the Kiln core (lexer, parser, compiler, then a bounded run).
 *
 * Each input is Python source. The interpreter is soft-reset (kn_init) on a small static heap for every
 * input, so a finding reproduces from its file alone. The source is compiled and executed under the
 * core's exception protection: any Python exception is fine; a crash, sanitizer report or hang is a bug.
 *
 * Budget: this file is the port's HAL, and hal_stdin_poll() (which the VM calls every
 * KILN_POLL_INTERVAL backward jumps, set small by build.py) answers Ctrl-C once the input has used
 * up its poll budget, so loops end with KeyboardInterrupt. build.py also lowers KILN_MAX_DEPTH and
 * KILN_STACK_LIMIT so recursion stays shallow. Console output is discarded; sleeps return at once.
 *
 * Set KILN_FUZZ_COMPILE_ONLY=1 in the environment to skip execution. Built by tests/fuzz/build.py. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_info.h"
#include "hal.h"
#include "state.h"

#define FUZZ_HEAP_SIZE (2u * 1024u * 1024u)
#define FUZZ_POLL_BUDGET 64u   /* polls (each KILN_POLL_INTERVAL backward jumps) before Ctrl-C */

static char heap[FUZZ_HEAP_SIZE] __attribute__((aligned(64)));
static uint32_t polls_left;
static uint32_t fake_us;
static int compile_only = -1;
static int verbose = -1;

/* ---- the HAL: no console, virtual time ---- */

void hal_init(void) {
}

void hal_stdout_write(const char *buf, size_t len) {
    if (verbose) fwrite(buf, 1, len, stdout);
}

int hal_stdin_read(void) {
    return -1; /* EOF */
}

int hal_stdin_poll(void) {
    /* Out of budget: Ctrl-C on every other call (the core drains the console until it gets -1), so a
     * loop that catches KeyboardInterrupt gets another one at its next poll. */
    static int toggle;
    if (polls_left == 0) return (toggle ^= 1) ? 3 : -1;
    polls_left--;
    return -1;
}

uint32_t hal_ticks_ms(void) {
    return fake_us / 1000u;
}

uint32_t hal_ticks_us(void) {
    return fake_us += 7u;
}

void hal_delay_ms(uint32_t ms) {
    fake_us += ms * 1000u;
}

void hal_delay_us(uint32_t us) {
    fake_us += us;
}

uint32_t hal_cpu_hz(void) {
    return 1000000000u;
}

void hal_heap_region(void **start, size_t *len) {
    *start = heap;
    *len = sizeof heap;
}

void hal_reset(void) {
    abort(); /* only the REPL resets; the harness never runs it */
}

/* The board identity the banner and sys.implementation read (gen/board_info.c on a real build). */
const char kiln_board_id[] = "FUZZ";
const char kiln_board_variant[] = "";
const char kiln_board_product[] = "libFuzzer harness";
const char kiln_mcu_name[] = "host";

bool hal_exit_ends_run(void) {
    return true;
}

void hal_exit(int code) {
    fprintf(stderr, "fuzz_compile: hal_exit(%d) (an exception escaped every handler)\n", code);
    abort();
}

static void err_write(const char *s, size_t n) {
    if (verbose) fwrite(s, 1, n, stderr);
}

/* ---- libFuzzer entry ---- */

static int __attribute__((noinline)) run_one(const uint8_t *data, size_t size, char *stack_base) {
    kn_init(heap, sizeof heap, stack_base);
    kn_st.err_write = err_write;
    kn_st.poll_enabled = true;
    polls_left = FUZZ_POLL_BUDGET;
    fake_us = 0;
    /* the source lives on the GC heap, like a script the unix port reads */
    kn_vstr_t v;
    kn_vstr_init(&v, size + 1);
    if (size != 0) memcpy(kn_vstr_extend(&v, size), data, size);
    kn_obj src = kn_vstr_to_bytes(&v);
    kn_obj name = kn_str_new_c("<fuzz>");
    if (compile_only) {
        kn_nlr_t h;
        if (KN_TRY(&h)) {
            kn_compile_src(kn_str_data(src), kn_str_len(src), name, KN_MODE_FILE);
            kn_nlr_pop(&h);
        }
        return 0;
    }
    kn_obj exc = kn_exec_protected(kn_str_data(src), kn_str_len(src), name, KN_MODE_FILE, kn_st.main_globals);
    if (exc != KN_NULL && verbose) {
        kn_st.last_exc = KN_NULL;
        kn_handle_uncaught(exc);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char base;
    if (compile_only < 0) {
        const char *e = getenv("KILN_FUZZ_COMPILE_ONLY");
        compile_only = e != NULL && e[0] == '1';
        e = getenv("KILN_FUZZ_VERBOSE");
        verbose = e != NULL && e[0] == '1';
    }
    if (size > 64 * 1024) return 0; /* keeps each input's heap use bounded */
    run_one(data, size, &base);
    return 0;
}
