/* obj_fun.c: native functions, Python functions (argument binding into frames), bound methods, cells, code. */
#include <string.h>

#include "state.h"
#include "vm.h"

/* ---- native functions ---- */

static kn_obj natfun_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    const kn_natfun_t *f = KN_PTR(self);
    if (f->kind == KN_NF_KW) {
        if (n < f->min) kn_raise_fmt(&kn_type_TypeError, "function missing %d required positional arguments", (int)(f->min - n));
        return f->fn.fk(n, args, nkw ? kn_kwdict(nkw, args + n) : KN_NULL);
    }
    if (nkw > 0) kn_raise_type("function doesn't take keyword arguments");
    if (n < f->min || n > f->max) {
        if (f->min == f->max) {
            kn_raise_fmt(&kn_type_TypeError, "function takes %d positional arguments but %d were given", (int)f->min, (int)n);
        }
        kn_raise_fmt(&kn_type_TypeError, "function expected %d to %d arguments, got %d", (int)f->min, (int)f->max, (int)n);
    }
    switch (f->kind) {
        case KN_NF_0: return f->fn.f0();
        case KN_NF_1: return f->fn.f1(args[0]);
        case KN_NF_2: return f->fn.f2(args[0], args[1]);
        case KN_NF_3: return f->fn.f3(args[0], args[1], args[2]);
        default: return f->fn.fv(n, args);
    }
}

static void natfun_print(kn_print_t *p, kn_obj o, int repr) {
    (void)o;
    (void)repr;
    kn_print_str(p, "<built-in function>");
}

const kn_type_t kn_type_natfun = {
    .base = {&kn_type_type},
    .name = KN_Q(builtin_function_or_method),
    .print = natfun_print,
    .call = natfun_call,
    .base_type = &kn_type_object,
};

/* ---- Python functions ---- */

kn_obj kn_make_function(kn_code_t *code, kn_obj globals, kn_obj defaults, kn_obj kwdefaults, kn_obj closure) {
    kn_fun_t *f = KN_NEW(kn_fun_t);
    f->base.type = &kn_type_function;
    f->code = code;
    f->globals = globals;
    f->defaults = defaults;
    f->kwdefaults = kwdefaults;
    f->closure = closure;
    f->name = code->name;
    return KN_OBJ(f);
}

kn_frame_t *kn_frame_new(kn_code_t *code, kn_obj globals, kn_obj locals, bool on_heap) {
    size_t nvals = (size_t)code->nlocals + code->ncells + code->nfree + code->stacksize;
    size_t bytes = sizeof(kn_frame_t) + nvals * sizeof(kn_obj) + code->nblocks * sizeof(kn_block_t);
    kn_frame_t *f;
    if (on_heap) {
        f = kn_alloc(bytes);
    } else {
        size_t words = (bytes + sizeof(kn_obj) - 1) / sizeof(kn_obj);
        if (kn_st.vstack_top + words > kn_st.vstack_end) {
            kn_raise_msg(&kn_type_RecursionError, "maximum recursion depth exceeded");
        }
        f = (kn_frame_t *)(void *)kn_st.vstack_top;
        kn_st.vstack_top += words;
        memset(f, 0, words * sizeof(kn_obj));
    }
    f->code = code;
    f->globals = globals;
    f->locals = locals;
    f->ip = code->bc;
    f->stack = f->values + code->nlocals + code->ncells + code->nfree;
    f->sp = f->stack;
    f->blocks = (kn_block_t *)(void *)(f->values + nvals);
    f->on_heap = on_heap;
    return f;
}

void kn_frame_release(kn_frame_t *f) {
    if (!f->on_heap) kn_st.vstack_top = (kn_obj *)(void *)f;
}

static void arg_error_missing(kn_fun_t *fn, kn_obj name, bool kwonly) {
    kn_raise_fmt(&kn_type_TypeError, "%q() missing 1 required %s argument: '%q'", fn->name,
                 kwonly ? "keyword-only" : "positional", name);
}

/* Binds arguments into the frame's locals following Python's rules. */
static void bind_args(kn_fun_t *fn, kn_frame_t *f, size_t n, size_t nkw, const kn_obj *args) {
    kn_code_t *c = fn->code;
    kn_obj *loc = f->values;
    kn_obj *names = ((kn_tuple_t *)c->varnames)->items;
    size_t np = c->nargs;
    size_t slot = np + c->nkwonly;
    kn_obj varkw = KN_NULL;
    if (n > np) {
        if (!(c->flags & KN_CODE_VARARGS)) {
            kn_raise_fmt(&kn_type_TypeError, "%q() takes %d positional arguments but %d were given", fn->name, (int)np, (int)n);
        }
        loc[slot] = kn_tuple_new(n - np, args + np);
    } else if (c->flags & KN_CODE_VARARGS) {
        loc[slot] = kn_tuple_new(0, NULL);
    }
    if (c->flags & KN_CODE_VARARGS) slot++;
    if (c->flags & KN_CODE_VARKW) {
        varkw = kn_dict_new(nkw + 1);
        loc[slot] = varkw;
    }
    size_t m = n < np ? n : np;
    for (size_t i = 0; i < m; i++) loc[i] = args[i];
    for (size_t k = 0; k < nkw; k++) {
        kn_obj key = args[n + 2 * k], val = args[n + 2 * k + 1];
        size_t i;
        for (i = c->nposonly; i < np + c->nkwonly; i++) {
            if (names[i] == key || kn_str_eq(names[i], key)) break;
        }
        if (i < np + c->nkwonly) {
            if (loc[i] != KN_NULL) {
                kn_raise_fmt(&kn_type_TypeError, "%q() got multiple values for argument '%q'", fn->name, key);
            }
            loc[i] = val;
        } else if (varkw != KN_NULL) {
            kn_dict_set(varkw, key, val);
        } else {
            kn_raise_fmt(&kn_type_TypeError, "%q() got an unexpected keyword argument '%q'", fn->name, key);
        }
    }
    if (n < np || nkw > 0) {
        size_t nd = 0;
        kn_obj *defs = NULL;
        if (fn->defaults != KN_NULL) kn_seq_get(fn->defaults, &nd, &defs);
        for (size_t i = 0; i < np; i++) {
            if (loc[i] != KN_NULL) continue;
            if (i + nd >= np) loc[i] = defs[i + nd - np];
            else arg_error_missing(fn, names[i], false);
        }
    }
    for (size_t i = np; i < np + c->nkwonly; i++) {
        if (loc[i] != KN_NULL) continue;
        kn_obj d = fn->kwdefaults != KN_NULL ? kn_dict_get(fn->kwdefaults, names[i]) : KN_NULL;
        if (d == KN_NULL) arg_error_missing(fn, names[i], true);
        loc[i] = d;
    }
}

static void setup_cells(kn_fun_t *fn, kn_frame_t *f) {
    kn_code_t *c = fn->code;
    kn_obj *cells = f->values + c->nlocals;
    for (size_t i = 0; i < c->ncells; i++) cells[i] = kn_cell_new(KN_NULL);
    if (c->nfree) {
        kn_tuple_t *cl = KN_PTR(fn->closure);
        memcpy(cells + c->ncells, cl->items, c->nfree * sizeof(kn_obj));
    }
}

kn_obj kn_fun_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    kn_fun_t *fn = KN_PTR(self);
    kn_code_t *c = fn->code;
    if (c->flags & KN_CODE_GENERATOR) {
        kn_frame_t *f = kn_frame_new(c, fn->globals, KN_NULL, true);
        f->fun = self;
        bind_args(fn, f, n, nkw, args);
        setup_cells(fn, f);
        kn_obj g = kn_gen_new(f, fn->name);
        if (c->flags & KN_CODE_COROUTINE) ((kn_base_t *)g)->type = &kn_type_coroutine;
        else if (c->flags & KN_CODE_ASYNCGEN) ((kn_base_t *)g)->type = &kn_type_async_generator;
        return g;
    }
    kn_obj *saved_top = kn_st.vstack_top;
    kn_frame_t *f = kn_frame_new(c, fn->globals, KN_NULL, false);
    f->fun = self;
    kn_obj result;
    /* Fast path: exact positional call. An exception unwinds vstack_top through the nlr handler. */
    if (nkw == 0 && n == c->nargs && c->nkwonly == 0 && !(c->flags & (KN_CODE_VARARGS | KN_CODE_VARKW))) {
        if (n != 0) memcpy(f->values, args, n * sizeof(kn_obj)); /* args may be NULL when n == 0 */
    } else {
        bind_args(fn, f, n, nkw, args);
    }
    if (c->ncells || c->nfree) setup_cells(fn, f);
    kn_vm_run(f, &result);
    kn_st.vstack_top = saved_top;
    return result;
}

static void fun_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_fun_t *f = KN_PTR(o);
    kn_printf(p, "<function %q at 0x%u>", f->name, (unsigned)((uintptr_t)o & 0xffffffu));
}

static bool fun_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_fun_t *f = KN_PTR(o);
    if (mode == KN_ATTR_LOAD) {
        if (name == KN_Q(__name__) || name == KN_Q(__qualname__)) {
            *dest = f->name;
            return true;
        }
        if (name == KN_Q(__code__)) {
            *dest = KN_OBJ(f->code);
            return true;
        }
        if (name == KN_Q(__globals__)) {
            *dest = f->globals;
            return true;
        }
        if (name == KN_Q(__defaults__)) {
            *dest = f->defaults == KN_NULL ? kn_none : f->defaults;
            return true;
        }
        if (name == KN_Q(__module__)) {
            kn_obj m = kn_dict_get_q(f->globals, KN_Q(__name__));
            *dest = m == KN_NULL ? kn_none : m;
            return true;
        }
        if (f->dict != KN_NULL) {
            kn_obj v = kn_dict_get_q(f->dict, name);
            if (v != KN_NULL) {
                *dest = v;
                return true;
            }
        }
        if (name == KN_Q(__doc__)) {
            *dest = kn_none;
            return true;
        }
        if (name == KN_Q(__dict__)) {
            if (f->dict == KN_NULL) f->dict = kn_dict_new(4);
            *dest = f->dict;
            return true;
        }
        return false;
    }
    if (name == KN_Q(__name__) && mode == KN_ATTR_STORE) {
        f->name = dest[0];
        return true;
    }
    if (f->dict == KN_NULL) f->dict = kn_dict_new(4);
    if (mode == KN_ATTR_STORE) kn_dict_set(f->dict, name, dest[0]);
    else if (!kn_dict_del(f->dict, name)) return false;
    return true;
}

const kn_type_t kn_type_function = {
    .base = {&kn_type_type},
    .name = KN_Q(function),
    .print = fun_print,
    .call = kn_fun_call,
    .attr = fun_attr,
    .base_type = &kn_type_object,
};

/* ---- bound methods ---- */

static kn_obj bound_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    kn_bound_t *b = KN_PTR(self);
    size_t total = n + 2 * nkw;
    kn_obj local[8];
    kn_obj *all = total + 1 <= 8 ? local : kn_alloc((total + 1) * sizeof(kn_obj));
    all[0] = b->self;
    if (total > 0) memcpy(all + 1, args, total * sizeof(kn_obj)); /* args may be NULL when there are none */
    return kn_call(b->func, n + 1, nkw, all);
}

static void bound_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_bound_t *b = KN_PTR(o);
    kn_obj name = kn_load_attr_maybe(b->func, KN_Q(__name__));
    kn_printf(p, "<bound method %S of %r>", name == KN_NULL ? KN_Q(empty) : name, b->self);
}

static bool bound_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_bound_t *b = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(__self__)) {
        *dest = b->self;
        return true;
    }
    if (name == KN_Q(__func__)) {
        *dest = b->func;
        return true;
    }
    kn_obj v = kn_load_attr_maybe(b->func, name);
    if (v != KN_NULL) {
        *dest = v;
        return true;
    }
    return false;
}

static kn_obj bound_binary(int op, kn_obj a, kn_obj b) {
    if ((op == KN_OP_EQ || op == KN_OP_NE) && kn_is_type(b, &kn_type_bound)) {
        kn_bound_t *x = KN_PTR(a), *y = KN_PTR(b);
        bool eq = x->self == y->self && x->func == y->func;
        return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
    }
    return KN_NULL;
}

const kn_type_t kn_type_bound = {
    .base = {&kn_type_type},
    .name = KN_Q(bound_method),
    .print = bound_print,
    .call = bound_call,
    .binary_op = bound_binary,
    .attr = bound_attr,
    .base_type = &kn_type_object,
};

/* ---- cells and code ---- */

kn_obj kn_cell_new(kn_obj v) {
    kn_cell_t *c = KN_NEW(kn_cell_t);
    c->base.type = &kn_type_cell;
    c->value = v;
    return KN_OBJ(c);
}

const kn_type_t kn_type_cell = {
    .base = {&kn_type_type},
    .name = KN_Q(cell),
    .base_type = &kn_type_object,
};

static void code_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_code_t *c = KN_PTR(o);
    kn_printf(p, "<code object %q>", c->name);
}

static bool code_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_code_t *c = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(co_name)) *dest = c->name;
    else if (name == KN_Q(co_filename)) *dest = kn_code_filename(c);
    else if (name == KN_Q(co_argcount)) *dest = KN_MKSMALL(c->nargs);
    else if (name == KN_Q(co_varnames)) *dest = c->varnames;
    else return false;
    return true;
}

const kn_type_t kn_type_code = {
    .base = {&kn_type_type},
    .name = KN_Q(code),
    .print = code_print,
    .attr = code_attr,
    .base_type = &kn_type_object,
};
