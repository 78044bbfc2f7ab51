/* state.h: the one interpreter state struct; a soft reset reinitialises all of it. */
#ifndef KILN_STATE_H
#define KILN_STATE_H

#include "obj.h"

#define KN_MARK_STACK 64

typedef struct {
    const kn_type_t *type;
    kn_obj name;
    kn_obj value;
} kn_attr_cache_entry_t;

typedef struct kn_state {
    /* GC heap */
    uint8_t *gc_table;    /* one byte per block */
    uint8_t *gc_pool;     /* first block */
    size_t gc_blocks;
    size_t gc_hint;       /* no free block below this */
    size_t gc_hint_pair;  /* no two adjacent free blocks end below this (where multi-block searches start) */
    size_t gc_used_lo, gc_used_hi; /* above the hint, a range known to hold no free block (skipped) */
    int gc_lock;          /* >0: allocation raises MemoryError */
    bool gc_enabled;
    bool gc_collecting;
    size_t gc_mark_sp;
    bool gc_mark_overflow;
    uintptr_t gc_mark_stack[KN_MARK_STACK];
    size_t gc_alloc_since; /* blocks allocated since the last collection */
    size_t gc_threshold;   /* collect after this many blocks (0 = only when full) */

    /* C stack bounds for the recursion guard and GC root scan */
    char *stack_base;
    int depth;

    /* exceptions */
    kn_nlr_t *nlr_top;
    kn_obj memory_error;  /* preallocated: raised when the heap is full */
    kn_obj last_exc;      /* most recently caught exception (bare raise, sys.exc_info) */
    volatile int pending_interrupt;
    int kbd_intr_char;
    kn_obj pending_exc;   /* set by kn_interrupt / schedule machinery */
    void *tb_skip_frame;
    void *cur_frame;      /* innermost running Python frame (globals(), locals()) */  /* frame re-raising its own exception (no duplicate traceback line) */

    /* value stack for frames of ordinary calls */
    kn_obj *vstack;
    kn_obj *vstack_top;
    kn_obj *vstack_end;

    /* interned strings created at run time (open addressing) */
    kn_obj *intern;
    size_t intern_cap;
    size_t intern_count;

    /* modules and builtins */
    kn_obj modules;       /* sys.modules */
    kn_obj builtins;      /* dict of the builtins module */
    kn_obj main_globals;  /* __main__ dict */
    kn_obj sys_argv;
    kn_obj sys_path;
    kn_obj native_modules; /* name -> module for already initialised native modules */

    /* attribute cache, cleared whenever a class dict changes or the GC runs */
    kn_attr_cache_entry_t attr_cache[KILN_ATTR_CACHE_SIZE];

    /* micropython.schedule queue */
    kn_obj sched_queue;   /* list of (func, arg) */

    /* console */
    bool cooked;          /* translate \n to \r\n on output */
    void (*err_write)(const char *s, size_t n);
    kn_obj (*read_file)(const char *path); /* returns bytes or KN_NULL; set by ports with files */
    kn_obj repl_history;  /* list of str */
    uint32_t poll_count;
    bool poll_enabled;    /* poll the console for Ctrl-C while running */
    bool echo_input;      /* input() echoes (terminal REPL) */
    uint8_t inbuf[64];    /* bytes read while polling, for the next reader */
    size_t in_head, in_tail;
    int interactive;      /* REPL input: print expression results */

    /* random */
    uint32_t rand_state[4];
} kn_state_t;

extern kn_state_t kn_st;

void kn_init(void *heap, size_t heap_len, char *stack_base);
void kn_interrupt(void);
void kn_stdout(const char *s, size_t n);
void kn_stderr(const char *s, size_t n);
extern kn_print_t kn_stdout_print;
extern kn_print_t kn_stderr_print;
/* Port hooks (weak: a port that does not define them has none). kn_port_modules returns the port's
   native modules (looked up after the core's); kn_port_init runs after every kn_init (boot and soft reset),
   before the REPL (raw_repl: the reset came from the raw REPL), to mount filesystems, add builtins and run boot.py / main.py. */
typedef struct {
    kn_obj name;
    kn_obj (*init)(void);
} kn_native_module_t;
const kn_native_module_t *kn_port_modules(size_t *n) __attribute__((weak));
void kn_port_init(bool raw_repl) __attribute__((weak));
/* Runs at every interrupt check, before the micropython.schedule queue: a port moves what its interrupt
   handlers flagged (timer, pin callbacks) into that queue here. */
void kn_port_poll(void) __attribute__((weak));
kn_obj kn_exec_protected(const char *src, size_t len, kn_obj filename, int mode, kn_obj globals);
int kn_exec_source(const char *src, size_t len, kn_obj filename, int mode, kn_obj globals); /* 0 ok, else exit code */
int kn_handle_uncaught(kn_obj exc); /* prints; returns exit code, or -1 for SystemExit handled */
void kn_gc_mark_root(kn_obj o);

#endif
