/* interp.c: interpreter lifecycle (init, soft reset), console I/O, Ctrl-C polling, imports and running source. */
#include <string.h>

#include "frozen.h"
#include "hal.h"
#include "vm.h"

kn_state_t kn_st;

kn_obj kn_builtins_module_new(void);
kn_obj kn_native_module(kn_obj name); /* modules.c: KN_NULL if no such native module */
kn_obj kn_sys_module_new(void);
kn_obj kn_exec_protected(const char *src, size_t len, kn_obj filename, int mode, kn_obj globals);

/* ---- console ---- */

void kn_stdout(const char *s, size_t n) {
    if (!kn_st.cooked) {
        hal_stdout_write(s, n);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            if (i > start) hal_stdout_write(s + start, i - start);
            hal_stdout_write("\r\n", 2);
            start = i + 1;
        }
    }
    if (n > start) hal_stdout_write(s + start, n - start);
}

void kn_stderr(const char *s, size_t n) {
    if (kn_st.err_write != NULL) kn_st.err_write(s, n);
    else kn_stdout(s, n);
}

static void stdout_write(void *ctx, const char *s, size_t n) {
    (void)ctx;
    kn_stdout(s, n);
}

static void stderr_write(void *ctx, const char *s, size_t n) {
    (void)ctx;
    kn_stderr(s, n);
}

kn_print_t kn_stdout_print = {stdout_write, NULL};
kn_print_t kn_stderr_print = {stderr_write, NULL};

/* Bytes read while polling for Ctrl-C wait here for the next reader. */
#define INBUF_SIZE sizeof(kn_st.inbuf)

static void inbuf_push(int c) {
    size_t next = (kn_st.in_head + 1) % INBUF_SIZE;
    if (next != kn_st.in_tail) {
        kn_st.inbuf[kn_st.in_head] = (uint8_t)c;
        kn_st.in_head = next;
    }
}

int kn_console_getc(void) {
    if (kn_st.in_tail != kn_st.in_head) {
        int c = kn_st.inbuf[kn_st.in_tail];
        kn_st.in_tail = (kn_st.in_tail + 1) % INBUF_SIZE;
        return c;
    }
    return hal_stdin_read();
}

int kn_console_poll(void) {
    if (kn_st.in_tail != kn_st.in_head) return kn_console_getc();
    return hal_stdin_poll();
}

void kn_interrupt(void) {
    kn_st.pending_interrupt = 1;
}

void kn_run_scheduled(void) {
    if (kn_st.sched_queue == KN_NULL || ((kn_list_t *)kn_st.sched_queue)->len == 0) return;
    kn_obj q = kn_st.sched_queue;
    kn_st.sched_queue = kn_list_new(0, NULL);
    kn_list_t *l = KN_PTR(q);
    for (size_t i = 0; i + 1 < l->len; i += 2) kn_call1(l->items[i], l->items[i + 1]);
}

void kn_check_interrupt(void) {
    if (kn_st.kbd_intr_char >= 0 && kn_st.poll_enabled) {
        int c;
        while ((c = hal_stdin_poll()) >= 0) {
            if (c == kn_st.kbd_intr_char) {
                kn_st.pending_interrupt = 1;
                kn_st.in_head = kn_st.in_tail = 0; /* Ctrl-C discards typed-ahead input */
            } else {
                inbuf_push(c);
            }
        }
    }
    if (kn_st.pending_interrupt) {
        kn_st.pending_interrupt = 0;
        kn_raise(kn_exc_new(&kn_type_KeyboardInterrupt, 0, NULL));
    }
    if (kn_port_poll) kn_port_poll();
    kn_run_scheduled();
}

kn_obj kn_console_readline(kn_obj prompt) {
    if (prompt != KN_NULL) {
        kn_obj s = kn_str(prompt);
        kn_stdout(kn_str_data(s), kn_str_len(s));
    }
    hal_stdout_write("", 0);
    kn_vstr_t v;
    kn_vstr_init(&v, 32);
    for (;;) {
        int c = kn_console_getc();
        if (c < 0 || (c == 4 && v.len == 0)) {
            if (v.len > 0) break;
            kn_raise(kn_exc_new(&kn_type_EOFError, 0, NULL));
        }
        if (c == 3 && kn_st.kbd_intr_char == 3) kn_raise(kn_exc_new(&kn_type_KeyboardInterrupt, 0, NULL));
        if (c == '\n' || c == '\r') {
            if (kn_st.echo_input) kn_stdout("\n", 1);
            break;
        }
        if ((c == 8 || c == 127) && kn_st.echo_input) {
            if (v.len > 0) {
                v.len--;
                hal_stdout_write("\b \b", 3);
            }
            continue;
        }
        kn_vstr_addc(&v, (char)c);
        if (kn_st.echo_input) {
            char ch = (char)c;
            hal_stdout_write(&ch, 1);
        }
    }
    return kn_vstr_to_str(&v);
}

/* ---- imports ---- */

static kn_obj join_path(kn_obj dir, const char *rel, size_t rn, const char *suffix) {
    kn_vstr_t v;
    kn_vstr_init(&v, 64);
    size_t dn = kn_str_len(dir);
    kn_vstr_add(&v, kn_str_data(dir), dn);
    if (dn > 0 && kn_str_data(dir)[dn - 1] != '/') kn_vstr_addc(&v, '/');
    for (size_t i = 0; i < rn; i++) kn_vstr_addc(&v, rel[i] == '.' ? '/' : rel[i]);
    kn_vstr_add(&v, suffix, strlen(suffix));
    kn_vstr_addc(&v, 0);
    v.len--;
    return kn_vstr_to_str(&v);
}

static kn_obj load_file_module(kn_obj fq) {
    if (kn_st.read_file == NULL || kn_st.sys_path == KN_NULL) return KN_NULL;
    kn_list_t *path = KN_PTR(kn_st.sys_path);
    for (size_t i = 0; i < path->len; i++) {
        if (!KN_IS_STR(path->items[i])) continue;
        static const char *const suffixes[] = {".py", "/__init__.py"};
        for (int k = 0; k < 2; k++) {
            kn_obj file = join_path(path->items[i], kn_str_data(fq), kn_str_len(fq), suffixes[k]);
            kn_obj src = kn_st.read_file(kn_str_cstr(file));
            if (src == KN_NULL) continue;
            kn_obj m = kn_module_new(fq);
            kn_obj g = ((kn_module_t *)m)->globals;
            kn_dict_set(g, KN_Q(__file__), file);
            if (k == 1) {
                kn_dict_set(g, KN_Q(__path__), kn_list_new(1, &path->items[i]));
                kn_dict_set(g, KN_Q(__package__), fq);
            }
            kn_dict_set(kn_st.modules, fq, m);
            kn_obj exc = kn_exec_protected(kn_str_data(src), kn_str_len(src), file, KN_MODE_FILE, g);
            if (exc != KN_NULL) {
                kn_dict_del(kn_st.modules, fq);
                kn_raise(exc);
            }
            return m;
        }
    }
    return KN_NULL;
}

/* Frozen modules (in flash) are found before the filesystem. */
static kn_obj load_module(kn_obj fq) {
    kn_obj m = kn_frozen_import(fq);
    return m != KN_NULL ? m : load_file_module(fq);
}

static kn_obj import_one(kn_obj fq) {
    kn_obj m = kn_dict_get(kn_st.modules, fq);
    if (m != KN_NULL) return m;
    m = kn_native_module(fq);
    if (m == KN_NULL) m = load_module(fq);
    if (m == KN_NULL && kn_str_len(fq) > 1 && kn_str_data(fq)[0] == 'u') {
        /* MicroPython spelling: utime, ujson, ... */
        kn_obj alias = kn_intern(kn_str_data(fq) + 1, kn_str_len(fq) - 1);
        m = kn_native_module(alias);
        if (m == KN_NULL) m = kn_dict_get(kn_st.modules, alias);
        if (m == KN_NULL) m = kn_frozen_import(alias); /* ucollections, uio */
    }
    if (m == KN_NULL) {
        kn_obj args[1] = {kn_str_new_c("")};
        kn_vstr_t v;
        kn_print_t p;
        kn_vstr_init(&v, 32);
        kn_vstr_printer(&v, &p);
        kn_printf(&p, "No module named '%q'", fq);
        args[0] = kn_vstr_to_str(&v);
        kn_raise(kn_exc_new(&kn_type_ModuleNotFoundError, 1, args));
    }
    if (kn_dict_get(kn_st.modules, fq) == KN_NULL) kn_dict_set(kn_st.modules, fq, m);
    return m;
}

kn_obj kn_import(kn_obj name, kn_obj fromlist, int level) {
    if (level > 0) {
        kn_frame_t *f = kn_st.cur_frame;
        kn_obj g = f ? f->globals : kn_st.main_globals;
        kn_obj pkg = kn_dict_get_q(g, KN_Q(__package__));
        kn_obj modname = kn_dict_get_q(g, KN_Q(__name__));
        const char *base;
        size_t bn;
        if (pkg != KN_NULL && KN_IS_STR(pkg)) {
            base = kn_str_data(pkg);
            bn = kn_str_len(pkg);
        } else {
            if (modname == KN_NULL) kn_raise_msg(&kn_type_ImportError, "attempted relative import with no known parent package");
            base = kn_str_data(modname);
            bn = kn_str_len(modname);
            while (bn > 0 && base[bn - 1] != '.') bn--;
            if (bn > 0) bn--;
        }
        for (int i = 1; i < level; i++) {
            while (bn > 0 && base[bn - 1] != '.') bn--;
            if (bn > 0) bn--;
        }
        if (bn == 0) kn_raise_msg(&kn_type_ImportError, "attempted relative import with no known parent package");
        kn_vstr_t v;
        kn_vstr_init(&v, 32);
        kn_vstr_add(&v, base, bn);
        if (kn_str_len(name) > 0) {
            kn_vstr_addc(&v, '.');
            kn_vstr_add(&v, kn_str_data(name), kn_str_len(name));
        }
        name = kn_intern(v.buf, v.len);
    }
    const char *s = kn_str_data(name);
    size_t n = kn_str_len(name);
    kn_obj top = KN_NULL, leaf = KN_NULL;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            kn_obj prefix = kn_intern(s, i);
            kn_obj m = import_one(prefix);
            if (leaf != KN_NULL && kn_is_type(leaf, &kn_type_module)) {
                size_t j = i;
                while (j > 0 && s[j - 1] != '.') j--;
                kn_dict_set(((kn_module_t *)leaf)->globals, kn_intern(s + j, i - j), m);
            }
            if (top == KN_NULL) top = m;
            leaf = m;
        }
    }
    bool has_from = fromlist != kn_none && fromlist != KN_NULL && kn_truthy(fromlist);
    if (has_from && kn_is_type(leaf, &kn_type_module) && kn_is_type(fromlist, &kn_type_tuple)) {
        /* from pkg import submodule */
        kn_tuple_t *fl = KN_PTR(fromlist);
        kn_obj g = ((kn_module_t *)leaf)->globals;
        if (kn_dict_get_q(g, KN_Q(__path__)) != KN_NULL) {
            for (size_t i = 0; i < fl->len; i++) {
                if (fl->items[i] == KN_Q(_star_) || kn_dict_get(g, fl->items[i]) != KN_NULL) continue;
                kn_vstr_t v;
                kn_vstr_init(&v, 32);
                kn_vstr_add(&v, s, n);
                kn_vstr_addc(&v, '.');
                kn_vstr_add(&v, kn_str_data(fl->items[i]), kn_str_len(fl->items[i]));
                kn_obj sub = load_module(kn_intern(v.buf, v.len));
                if (sub != KN_NULL) kn_dict_set(g, fl->items[i], sub);
            }
        }
    }
    return has_from ? leaf : top;
}

/* ---- running source ---- */

int kn_handle_uncaught(kn_obj exc) {
    if (kn_isinstance(exc, &kn_type_SystemExit)) {
        kn_obj code = kn_exc_value(exc);
        if (code == kn_none) return 0;
        if (KN_IS_SMALL(code)) return (int)KN_SMALL(code);
        kn_print_obj(&kn_stderr_print, code, 0);
        kn_stderr("\n", 1);
        return 1;
    }
    kn_print_exception(&kn_stderr_print, exc);
    return 1;
}

kn_obj kn_exec_protected(const char *src, size_t len, kn_obj filename, int mode, kn_obj globals) {
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        kn_obj code = kn_compile_src(src, len, filename, mode);
        kn_exec_code(code, globals, globals);
        kn_nlr_pop(&h);
        return KN_NULL;
    }
    return h.exc;
}

int kn_exec_source(const char *src, size_t len, kn_obj filename, int mode, kn_obj globals) {
    kn_obj exc = kn_exec_protected(src, len, filename, mode, globals);
    if (exc == KN_NULL) return 0;
    kn_st.last_exc = KN_NULL;
    int rc = kn_handle_uncaught(exc);
    if (kn_isinstance(exc, &kn_type_SystemExit)) return rc | 0x100; /* tells the REPL it was a SystemExit */
    return rc == 0 ? 1 : rc;
}

void kn_init(void *heap, size_t heap_len, char *stack_base) {
    memset(&kn_st, 0, sizeof kn_st);
    kn_st.stack_base = stack_base;
    kn_gc_init(heap, heap_len);
    kn_st.kbd_intr_char = 3;
    kn_st.poll_enabled = true;
    kn_st.memory_error = kn_exc_new(&kn_type_MemoryError, 0, NULL);
    size_t vbytes = KILN_VSTACK_WORDS * sizeof(kn_obj);
    kn_st.vstack = kn_alloc(vbytes);
    kn_st.vstack_top = kn_st.vstack;
    kn_st.vstack_end = kn_st.vstack + KILN_VSTACK_WORDS;
    kn_st.modules = kn_dict_new(16);
    kn_st.sched_queue = kn_list_new(0, NULL);
    kn_st.sys_argv = kn_list_new(0, NULL);
    kn_st.sys_path = kn_list_new(0, NULL);
    kn_list_append(kn_st.sys_path, KN_Q(empty));
    kn_list_append(kn_st.sys_path, KN_Q(lib_path));
    kn_obj b = kn_builtins_module_new();
    kn_st.builtins = ((kn_module_t *)b)->globals;
    kn_dict_set(kn_st.modules, KN_Q(builtins), b);
    kn_obj mainm = kn_module_new(KN_Q(__main__));
    kn_st.main_globals = ((kn_module_t *)mainm)->globals;
    kn_dict_set(kn_st.main_globals, KN_Q(__builtins__), b);
    kn_dict_set(kn_st.modules, KN_Q(__main__), mainm);
    kn_st.rand_state[0] = 0x12345678u;
    kn_st.rand_state[1] = 0x9abcdef0u;
    kn_st.rand_state[2] = 0x0fedcba9u;
    kn_st.rand_state[3] = 0x87654321u ^ hal_ticks_us();
}
