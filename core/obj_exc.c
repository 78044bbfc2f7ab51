/* obj_exc.c: the exception hierarchy, raising helpers and traceback printing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

static void exc_print(kn_print_t *p, kn_obj o, int repr) {
    kn_exc_t *e = KN_PTR(o);
    kn_tuple_t *a = KN_PTR(e->args);
    const kn_type_t *t = kn_typeof(o);
    if (repr) {
        kn_printf(p, "%q(", t->name);
        for (size_t i = 0; i < a->len; i++) {
            if (i) kn_print_str(p, ", ");
            kn_print_obj(p, a->items[i], 1);
        }
        kn_print_str(p, ")");
        return;
    }
    if (a->len == 0) return;
    if (a->len == 1) {
        kn_print_obj(p, a->items[0], kn_is_subtype(t, &kn_type_KeyError));
        return;
    }
    if (kn_is_subtype(t, &kn_type_SyntaxError) && a->len == 2 && kn_is_type(a->items[1], &kn_type_tuple) &&
        ((kn_tuple_t *)a->items[1])->len >= 2) {
        kn_tuple_t *info = KN_PTR(a->items[1]);
        kn_printf(p, "%S (%S, line %S)", a->items[0], info->items[0], info->items[1]);
        return;
    }
    if (kn_is_subtype(t, &kn_type_OSError) && a->len == 2) {
        kn_printf(p, "[Errno %S] %S", a->items[0], a->items[1]);
        return;
    }
    kn_print_obj(p, e->args, 1);
}

kn_obj kn_exc_new(const kn_type_t *t, size_t n, const kn_obj *args) {
    kn_exc_t *e = KN_NEW(kn_exc_t);
    e->base.type = t;
    e->args = kn_tuple_new(n, args);
    e->cause = kn_none;
    e->context = kn_none;
    return KN_OBJ(e);
}

static kn_obj exc_make_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)nkw;
    return kn_exc_new(t, n, args);
}

static kn_obj exc_init(size_t n, const kn_obj *args, kn_obj kw) {
    (void)kw;
    if (!(kn_typeof(args[0])->flags & KN_TF_EXC)) kn_raise_type("descriptor '__init__' requires an exception");
    ((kn_exc_t *)args[0])->args = kn_tuple_new(n - 1, args + 1);
    return kn_none;
}
static KN_FUNK(exc_init_obj, 1, exc_init);

static kn_obj exc_with_traceback(kn_obj self, kn_obj tb) {
    (void)tb;
    return self;
}
static KN_FUN2(exc_with_traceback_obj, exc_with_traceback);

static kn_obj exc_str_m(kn_obj self) {
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 16);
    kn_vstr_printer(&v, &p);
    exc_print(&p, self, 0);
    return kn_vstr_to_str(&v);
}
static KN_FUN1(exc_str_obj, exc_str_m);

static kn_obj exc_repr_m(kn_obj self) {
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 16);
    kn_vstr_printer(&v, &p);
    exc_print(&p, self, 1);
    return kn_vstr_to_str(&v);
}
static KN_FUN1(exc_repr_obj, exc_repr_m);

kn_obj kn_exc_value(kn_obj exc) {
    kn_tuple_t *a = KN_PTR(((kn_exc_t *)exc)->args);
    return a->len > 0 ? a->items[0] : kn_none;
}

static bool exc_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_exc_t *e = KN_PTR(o);
    if (mode == KN_ATTR_LOAD) {
        if (name == KN_Q(args)) *dest = e->args;
        else if (name == KN_Q(__traceback__)) *dest = e->traceback == KN_NULL ? kn_none : e->traceback;
        else if (name == KN_Q(__cause__)) *dest = e->cause;
        else if (name == KN_Q(__context__)) *dest = e->context;
        else if (name == KN_Q(__suppress_context__)) *dest = KN_BOOL(e->cause != kn_none);
        else if (name == KN_Q(value) || name == KN_Q(code)) *dest = kn_exc_value(o);
        else if (name == KN_Q(errno)) *dest = kn_exc_value(o);
        else if ((name == KN_Q(lineno) || name == KN_Q(msg) || name == KN_Q(filename)) &&
                 kn_is_subtype(kn_typeof(o), &kn_type_SyntaxError)) {
            kn_tuple_t *a = KN_PTR(e->args);
            if (a->len == 2 && kn_is_type(a->items[1], &kn_type_tuple) && ((kn_tuple_t *)a->items[1])->len >= 2) {
                kn_tuple_t *info = KN_PTR(a->items[1]);
                *dest = name == KN_Q(msg) ? a->items[0] : name == KN_Q(filename) ? info->items[0] : info->items[1];
            } else {
                *dest = name == KN_Q(msg) && a->len > 0 ? a->items[0] : kn_none;
            }
        }
        else if (name == KN_Q(strerror)) {
            kn_tuple_t *a = KN_PTR(e->args);
            *dest = a->len > 1 ? a->items[1] : kn_none;
        } else return false;
        return true;
    }
    if (mode == KN_ATTR_STORE) {
        if (name == KN_Q(__cause__)) e->cause = dest[0];
        else if (name == KN_Q(__context__)) e->context = dest[0];
        else if (name == KN_Q(__traceback__)) e->traceback = dest[0] == kn_none ? KN_NULL : dest[0];
        else if (name == KN_Q(args)) e->args = kn_tuple_from_iter(dest[0]);
        else {
            if (e->dict == KN_NULL) e->dict = kn_dict_new(4);
            kn_dict_set(e->dict, name, dest[0]);
        }
        return true;
    }
    return false;
}

KN_METHODS(exc_methods, KN_METHOD(__init__, exc_init_obj), KN_METHOD(with_traceback, exc_with_traceback_obj),
           KN_METHOD(__str__, exc_str_obj), KN_METHOD(__repr__, exc_repr_obj));

#define KN_EXC_TYPE(nm, base_name, m)                                                    \
    const kn_type_t kn_type_##nm = {                                                     \
        .base = {&kn_type_type},                                                           \
        .flags = KN_TF_EXC | KN_TF_BASETYPE | KN_TF_HAS_DICT,                              \
        .name = KN_Q(nm),                                                                  \
        .print = exc_print,                                                                \
        .make_new = exc_make_new,                                                          \
        .attr = exc_attr,                                                                  \
        .base_type = &kn_type_##base_name,                                                 \
        .methods = m,                                                                      \
    }

KN_EXC_TYPE(BaseException, object, &exc_methods);
KN_EXC_TYPE(SystemExit, BaseException, NULL);
KN_EXC_TYPE(KeyboardInterrupt, BaseException, NULL);
KN_EXC_TYPE(GeneratorExit, BaseException, NULL);
KN_EXC_TYPE(Exception, BaseException, NULL);
KN_EXC_TYPE(StopIteration, Exception, NULL);
KN_EXC_TYPE(StopAsyncIteration, Exception, NULL);
KN_EXC_TYPE(ArithmeticError, Exception, NULL);
KN_EXC_TYPE(ZeroDivisionError, ArithmeticError, NULL);
KN_EXC_TYPE(OverflowError, ArithmeticError, NULL);
KN_EXC_TYPE(FloatingPointError, ArithmeticError, NULL);
KN_EXC_TYPE(AssertionError, Exception, NULL);
KN_EXC_TYPE(AttributeError, Exception, NULL);
KN_EXC_TYPE(EOFError, Exception, NULL);
KN_EXC_TYPE(ImportError, Exception, NULL);
KN_EXC_TYPE(ModuleNotFoundError, ImportError, NULL);
KN_EXC_TYPE(LookupError, Exception, NULL);
KN_EXC_TYPE(IndexError, LookupError, NULL);
KN_EXC_TYPE(KeyError, LookupError, NULL);
KN_EXC_TYPE(MemoryError, Exception, NULL);
KN_EXC_TYPE(NameError, Exception, NULL);
KN_EXC_TYPE(UnboundLocalError, NameError, NULL);
KN_EXC_TYPE(OSError, Exception, NULL);
KN_EXC_TYPE(FileNotFoundError, OSError, NULL);
KN_EXC_TYPE(TimeoutError, OSError, NULL);
KN_EXC_TYPE(RuntimeError, Exception, NULL);
KN_EXC_TYPE(NotImplementedError, RuntimeError, NULL);
KN_EXC_TYPE(RecursionError, RuntimeError, NULL);
KN_EXC_TYPE(SyntaxError, Exception, NULL);
KN_EXC_TYPE(IndentationError, SyntaxError, NULL);
KN_EXC_TYPE(TabError, IndentationError, NULL);
KN_EXC_TYPE(TypeError, Exception, NULL);
KN_EXC_TYPE(ValueError, Exception, NULL);
KN_EXC_TYPE(UnicodeError, ValueError, NULL);
KN_EXC_TYPE(Warning, Exception, NULL);
KN_EXC_TYPE(UserWarning, Warning, NULL);
KN_EXC_TYPE(DeprecationWarning, Warning, NULL);

/* ---- raising helpers ---- */

kn_obj kn_exc_msg(const kn_type_t *t, const char *msg) {
    kn_obj m = kn_str_new_c(msg);
    return kn_exc_new(t, 1, &m);
}

void kn_raise_msg(const kn_type_t *t, const char *msg) {
    kn_raise(kn_exc_msg(t, msg));
}

void kn_raise_type(const char *msg) {
    kn_raise_msg(&kn_type_TypeError, msg);
}

void kn_raise_value(const char *msg) {
    kn_raise_msg(&kn_type_ValueError, msg);
}

/* kn_printf-style message: %s %d %u %q %r %S %c. */
void kn_raise_fmt(const kn_type_t *t, const char *fmt, ...) {
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 32);
    kn_vstr_printer(&v, &p);
    va_list ap;
    va_start(ap, fmt);
    /* Re-dispatch through kn_printf one conversion at a time. */
    const char *run = fmt;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') continue;
        kn_vstr_add(&v, run, (size_t)(f - run));
        f++;
        switch (*f) {
            case 's': kn_print_str(&p, va_arg(ap, const char *)); break;
            case 'd': kn_printf(&p, "%d", va_arg(ap, int)); break;
            case 'u': kn_printf(&p, "%u", va_arg(ap, unsigned)); break;
            case 'c': kn_vstr_addc(&v, (char)va_arg(ap, int)); break;
            case 'q': kn_printf(&p, "%q", va_arg(ap, kn_obj)); break;
            case 'r': kn_print_obj(&p, va_arg(ap, kn_obj), 1); break;
            case 'S': kn_print_obj(&p, va_arg(ap, kn_obj), 0); break;
            default: kn_vstr_addc(&v, *f); break;
        }
        run = f + 1;
    }
    kn_vstr_add(&v, run, strlen(run));
    va_end(ap);
    kn_obj m = kn_vstr_to_str(&v);
    kn_raise(kn_exc_new(t, 1, &m));
}

bool kn_exc_matches(kn_obj exc, kn_obj type_or_tuple) {
    if (kn_is_type(type_or_tuple, &kn_type_tuple)) {
        kn_tuple_t *t = KN_PTR(type_or_tuple);
        for (size_t i = 0; i < t->len; i++) {
            if (kn_exc_matches(exc, t->items[i])) return true;
        }
        return false;
    }
    if (!kn_is_type(type_or_tuple, &kn_type_type)) {
        kn_raise_type("catching classes that do not inherit from BaseException is not allowed");
    }
    return kn_isinstance(exc, KN_PTR(type_or_tuple));
}

void kn_exc_add_tb(kn_obj exc, kn_obj file, int line, kn_obj name) {
    if (!(kn_typeof(exc)->flags & KN_TF_EXC) || exc == kn_st.memory_error) return;
    kn_exc_t *e = KN_PTR(exc);
    if (e->traceback == KN_NULL) e->traceback = kn_list_new(0, NULL);
    kn_obj entry[3] = {file, KN_MKSMALL(line), name};
    kn_list_append(e->traceback, entry[0]);
    kn_list_append(e->traceback, entry[1]);
    kn_list_append(e->traceback, entry[2]);
}

static void print_one(kn_print_t *p, kn_obj exc) {
    kn_exc_t *e = KN_PTR(exc);
    if (e->traceback != KN_NULL && kn_is_type(e->traceback, &kn_type_list)) {
        kn_list_t *tb = KN_PTR(e->traceback);
        if (tb->len >= 3) {
            kn_print_str(p, "Traceback (most recent call last):\n");
            for (size_t i = tb->len; i >= 3; i -= 3) {
                kn_printf(p, "  File \"%S\", line %S, in %S\n", tb->items[i - 3], tb->items[i - 2], tb->items[i - 1]);
            }
        }
    }
    const kn_type_t *t = kn_typeof(exc);
    kn_tuple_t *a = KN_PTR(e->args);
    if (kn_is_subtype(t, &kn_type_SyntaxError) && a->len == 2 && kn_is_type(a->items[1], &kn_type_tuple) &&
        ((kn_tuple_t *)a->items[1])->len >= 2) {
        kn_tuple_t *info = KN_PTR(a->items[1]);
        kn_printf(p, "  File \"%S\", line %S\n%q: %S\n", info->items[0], info->items[1], t->name, a->items[0]);
        return;
    }
    kn_obj s = kn_str(exc);
    kn_obj mod = (t->flags & KN_TF_USER) && t->dict != KN_NULL ? kn_dict_get_q(t->dict, KN_Q(__module__)) : KN_NULL;
    if (mod != KN_NULL && KN_IS_STR(mod) && !kn_str_eq(mod, KN_Q(__main__)) && !kn_str_eq(mod, KN_Q(builtins))) {
        kn_printf(p, "%q.", mod);
    }
    if (kn_str_len(s) == 0) kn_printf(p, "%q\n", t->name);
    else kn_printf(p, "%q: %q\n", t->name, s);
}

void kn_print_exception(kn_print_t *p, kn_obj exc) {
    if (!(kn_typeof(exc)->flags & KN_TF_EXC)) {
        kn_printf(p, "%r\n", exc);
        return;
    }
    kn_exc_t *e = KN_PTR(exc);
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        if (e->cause != kn_none && e->cause != KN_NULL && (kn_typeof(e->cause)->flags & KN_TF_EXC)) {
            print_one(p, e->cause);
            kn_print_str(p, "\nThe above exception was the direct cause of the following exception:\n\n");
        } else if (e->context != kn_none && e->context != KN_NULL && (kn_typeof(e->context)->flags & KN_TF_EXC)) {
            print_one(p, e->context);
            kn_print_str(p, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
        print_one(p, exc);
        kn_nlr_pop(&h);
    } else {
        kn_printf(p, "%q: <exception str() failed>\n", kn_typeof(exc)->name);
    }
}
