/* mod_sys.c: the sys module (argv, path, modules, platform, implementation, exit, stdout...). */
#include "board_info.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
kn_obj kn_console_readline(kn_obj prompt);

static kn_obj sys_exit(size_t n, const kn_obj *args) {
    kn_raise(kn_exc_new(&kn_type_SystemExit, n, args));
}
static KN_FUNV(sys_exit_obj, 0, 1, sys_exit);

static kn_obj sys_print_exception(size_t n, const kn_obj *args) {
    if (n > 1 && args[1] != kn_none) {
        kn_vstr_t v;
        kn_print_t p;
        kn_vstr_init(&v, 64);
        kn_vstr_printer(&v, &p);
        kn_print_exception(&p, args[0]);
        kn_obj s = kn_vstr_to_str(&v);
        kn_call_method(args[1], KN_Q(write), 1, &s);
        return kn_none;
    }
    kn_print_exception(&kn_stdout_print, args[0]);
    return kn_none;
}
static KN_FUNV(sys_print_exception_obj, 1, 2, sys_print_exception);

static kn_obj sys_exc_info(void) {
    kn_obj e = kn_st.last_exc;
    kn_obj t[3] = {kn_none, kn_none, kn_none};
    if (e != KN_NULL && e != kn_none) {
        t[0] = KN_OBJ(kn_typeof(e));
        t[1] = e;
    }
    return kn_tuple_new(3, t);
}
static KN_FUN0(sys_exc_info_obj, sys_exc_info);

static kn_obj sys_getrecursionlimit(void) {
    return KN_MKSMALL(KILN_MAX_DEPTH);
}
static KN_FUN0(sys_getrecursionlimit_obj, sys_getrecursionlimit);

/* sys.stdout / sys.stderr / sys.stdin: tiny stream objects over the console. */
typedef struct { kn_base_t base; int which; } stream_t;
extern const kn_type_t kn_type_console_stream;

static kn_obj stream_write(kn_obj self, kn_obj s) {
    stream_t *st = KN_PTR(self);
    const uint8_t *d;
    size_t n;
    if (!kn_get_buffer(s, &d, &n)) kn_raise_type("write() argument must be str");
    if (st->which == 2) kn_stderr((const char *)d, n);
    else kn_stdout((const char *)d, n);
    return KN_MKSMALL((kn_int_t)(KN_IS_STR(s) ? kn_utf8_charlen((const char *)d, n) : n));
}
static KN_FUN2(stream_write_obj, stream_write);

static kn_obj stream_flush(kn_obj self) {
    (void)self;
    return kn_none;
}
static KN_FUN1(stream_flush_obj, stream_flush);

int kn_console_getc(void);

static kn_obj stream_read(size_t n, const kn_obj *args) {
    kn_int_t want = n > 1 ? kn_get_int(args[1]) : 1;
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)(want > 0 ? want : 1));
    for (kn_int_t i = 0; i < want; i++) {
        int c = kn_console_getc();
        if (c < 0) break;
        kn_vstr_addc(&v, (char)c);
    }
    return kn_vstr_to_str(&v);
}
static KN_FUNV(stream_read_obj, 1, 2, stream_read);

static kn_obj stream_readline(kn_obj self) {
    (void)self;
    kn_obj line = kn_console_readline(KN_NULL);
    return kn_binary_op(KN_OP_ADD, line, KN_Q(newline));
}
static KN_FUN1(stream_readline_obj, stream_readline);

static bool stream_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(buffer)) {
        *dest = o;
        return true;
    }
    return false;
}

KN_METHODS(stream_methods, KN_METHOD(write, stream_write_obj), KN_METHOD(flush, stream_flush_obj),
           KN_METHOD(read, stream_read_obj), KN_METHOD(readline, stream_readline_obj));

const kn_type_t kn_type_console_stream = {
    .base = {&kn_type_type},
    .name = KN_Q(TextIOWrapper),
    .attr = stream_attr,
    .base_type = &kn_type_object,
    .methods = &stream_methods,
};

static const stream_t stdin_obj = {{&kn_type_console_stream}, 0};
static const stream_t stdout_obj = {{&kn_type_console_stream}, 1};
static const stream_t stderr_obj = {{&kn_type_console_stream}, 2};

static const kn_method_t sys_table[] = {
    {KN_Q(exit), KN_OBJ(&sys_exit_obj)},
    {KN_Q(print_exception), KN_OBJ(&sys_print_exception_obj)},
    {KN_Q(exc_info), KN_OBJ(&sys_exc_info_obj)},
    {KN_Q(getrecursionlimit), KN_OBJ(&sys_getrecursionlimit_obj)},
    {KN_Q(stdin), KN_OBJ(&stdin_obj)},
    {KN_Q(stdout), KN_OBJ(&stdout_obj)},
    {KN_Q(stderr), KN_OBJ(&stderr_obj)},
};

kn_obj kn_mod_sys_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(sys), sys_table, sizeof sys_table / sizeof sys_table[0]);
    kn_obj g = ((kn_module_t *)m)->globals;
    kn_dict_set(g, KN_Q(argv), kn_st.sys_argv);
    kn_dict_set(g, KN_Q(path), kn_st.sys_path);
    kn_dict_set(g, KN_Q(modules), kn_st.modules);
    kn_dict_set(g, KN_Q(platform), kn_str_new_c(KILN_PORT));
    kn_dict_set(g, KN_Q(byteorder), KN_Q(little));
    kn_dict_set(g, KN_Q(maxsize), kn_int_from(INTPTR_MAX));
    kn_dict_set(g, KN_Q(version), kn_str_new_c("3.4.0; Kiln " KILN_VERSION));
    kn_obj vi[3] = {KN_MKSMALL(3), KN_MKSMALL(4), KN_MKSMALL(0)};
    kn_dict_set(g, KN_Q(version_info), kn_tuple_new(3, vi));
    /* sys.implementation: a tiny namespace object */
    kn_obj impl = kn_make_instance(KN_PTR(kn_class_new(KN_Q(implementation), kn_tuple_new(0, NULL), kn_dict_new(4))));
    kn_store_attr(impl, KN_Q(name), KN_Q(kiln));
    kn_store_attr(impl, KN_Q(version), kn_tuple_new(3, (kn_obj[]){KN_MKSMALL(0), KN_MKSMALL(1), KN_MKSMALL(0)}));
    kn_obj machine[3] = {kn_str_new_c(kiln_board_product), kn_str_new_c(" with "), kn_str_new_c(kiln_mcu_name)};
    kn_store_attr(impl, KN_Q(_machine), kn_str_join(KN_Q(empty), kn_list_new(3, machine)));
    kn_dict_set(g, KN_Q(implementation), impl);
    return m;
}
