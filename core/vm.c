/* vm.c: the bytecode interpreter loop (computed-goto dispatch where available). */
#include <string.h>

#include "native.h"
#include "vm.h"

#define tb_skip_frame kn_st.tb_skip_frame /* a re-raise in this frame adds no second traceback entry */

int kn_code_line(const kn_code_t *code, const uint8_t *ip) {
    size_t target = (size_t)(ip - code->bc);
    size_t off = 0;
    int line = (int)code->firstline;
    const uint8_t *lines = kn_code_lines(code);
    for (uint32_t i = 0; i + 1 < code->lines_len; i += 2) {
        size_t next = off + lines[i];
        if (next > target) break;
        off = next;
        line += (int8_t)lines[i + 1];
    }
    return line;
}

static void name_error(kn_obj name) {
    kn_raise_fmt(&kn_type_NameError, "name '%q' is not defined", name);
}

static kn_obj load_global(kn_obj globals, kn_obj name) {
    kn_obj v = kn_dict_get_q(globals, name);
    if (v == KN_NULL) {
        v = kn_dict_get_q(kn_st.builtins, name);
        if (v == KN_NULL) name_error(name);
    }
    return v;
}

static void unpack(kn_obj seq, size_t n, kn_obj *out) {
    size_t len;
    kn_obj *items;
    const kn_type_t *t = kn_typeof(seq);
    if (t == &kn_type_tuple || t == &kn_type_list) {
        kn_seq_get(seq, &len, &items);
        if (len != n) {
            if (len < n) kn_raise_fmt(&kn_type_ValueError, "not enough values to unpack (expected %d, got %d)", (int)n, (int)len);
            kn_raise_fmt(&kn_type_ValueError, "too many values to unpack (expected %d)", (int)n);
        }
        for (size_t i = 0; i < n; i++) out[n - 1 - i] = items[i];
        return;
    }
    kn_obj it = kn_getiter(seq);
    for (size_t i = 0; i < n; i++) {
        kn_obj v = kn_iternext(it);
        if (v == KN_STOP) kn_raise_fmt(&kn_type_ValueError, "not enough values to unpack (expected %d, got %d)", (int)n, (int)i);
        out[n - 1 - i] = v;
    }
    if (kn_iternext(it) != KN_STOP) kn_raise_fmt(&kn_type_ValueError, "too many values to unpack (expected %d)", (int)n);
}

static void unpack_ex(kn_obj seq, size_t before, size_t after, kn_obj *out) {
    kn_obj l = kn_list_from_iter(seq);
    kn_list_t *lp = KN_PTR(l);
    if (lp->len < before + after) {
        kn_raise_fmt(&kn_type_ValueError, "not enough values to unpack (expected at least %d, got %d)", (int)(before + after),
                     (int)lp->len);
    }
    size_t total = before + after + 1;
    size_t k = 0;
    for (size_t i = 0; i < after; i++) out[k++] = lp->items[lp->len - 1 - i];
    out[k++] = kn_list_new(lp->len - before - after, lp->items + before);
    for (size_t i = 0; i < before; i++) out[k++] = lp->items[before - 1 - i];
    (void)total;
}

static kn_obj format_value(kn_obj v, unsigned flags, kn_obj spec) {
    switch (flags & 3) {
        case 1: v = kn_str(v); break;
        case 2: v = kn_repr(v); break;
        case 3: v = kn_ascii(v); break;
        default: break;
    }
    if (spec == KN_NULL && KN_IS_STR(v)) return v;
    kn_vstr_t out;
    kn_vstr_init(&out, 16);
    kn_str_format_spec(&out, v, spec);
    return kn_vstr_to_str(&out);
}

static kn_obj build_string(kn_obj *items, size_t n) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += kn_str_len(items[i]);
    kn_vstr_t v;
    kn_vstr_init(&v, total + 1);
    for (size_t i = 0; i < n; i++) kn_vstr_add(&v, kn_str_data(items[i]), kn_str_len(items[i]));
    return kn_vstr_to_str(&v);
}

static void print_expr(kn_obj v) {
    if (v == kn_none) return;
    kn_dict_set(kn_st.builtins, KN_Q(_), v);
    kn_print_obj(&kn_stdout_print, v, 1);
    kn_stdout("\n", 1);
}

static kn_obj make_exception(kn_obj e) {
    if (kn_is_type(e, &kn_type_type)) {
        if (!kn_is_subtype(KN_PTR(e), &kn_type_BaseException)) kn_raise_type("exceptions must derive from BaseException");
        return kn_call0(e);
    }
    if (!(kn_typeof(e)->flags & KN_TF_EXC)) kn_raise_type("exceptions must derive from BaseException");
    return e;
}

static void do_raise(kn_frame_t *f, unsigned n, kn_obj *sp) {
    if (n == 0) {
        if (kn_st.last_exc == KN_NULL || kn_st.last_exc == kn_none) kn_raise_msg(&kn_type_RuntimeError, "No active exception to reraise");
        tb_skip_frame = f;
        kn_raise(kn_st.last_exc);
    }
    kn_obj exc = make_exception(n == 2 ? sp[-2] : sp[-1]);
    kn_exc_t *e = KN_PTR(exc);
    if (n == 2) {
        kn_obj cause = sp[-1];
        if (cause != kn_none) cause = make_exception(cause);
        e->cause = cause;
        e->context = kn_none;
    } else if (kn_st.last_exc != KN_NULL && kn_st.last_exc != exc && e->context == kn_none) {
        e->context = kn_st.last_exc;
    }
    kn_raise(exc);
}

/* Wraps send() on a non-generator delegate, turning StopIteration into a return value. */
static kn_obj delegate_send(kn_obj iter, kn_obj value, int *status) {
    if (KN_IS_GEN_LIKE(iter)) return kn_gen_send(iter, value, KN_NULL, status);
    kn_nlr_t h;
    kn_obj r;
    if (KN_TRY(&h)) {
        if (value == kn_none) {
            r = kn_iternext(iter);
        } else {
            r = kn_call_method(iter, KN_Q(send), 1, &value);
        }
        kn_nlr_pop(&h);
    } else {
        if (kn_isinstance(h.exc, &kn_type_StopIteration)) {
            *status = KN_GEN_RETURN;
            return kn_exc_value(h.exc);
        }
        kn_raise(h.exc);
    }
    if (r == KN_STOP) {
        *status = KN_GEN_RETURN;
        return kn_none;
    }
    *status = KN_GEN_YIELD;
    return r;
}

/* Calls a delegate's bound throw(exc): KN_GEN_YIELD with what it yielded, or KN_GEN_RETURN with the
   value of the StopIteration that ended it. */
static int __attribute__((noinline)) delegate_throw(const kn_obj *m, kn_obj exc, kn_obj *out) {
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        *out = m[1] == KN_NULL ? kn_call1(m[0], exc) : kn_call(m[0], 2, 0, (kn_obj[]){m[1], exc});
        kn_nlr_pop(&h);
        return KN_GEN_YIELD;
    }
    if (!kn_isinstance(h.exc, &kn_type_StopIteration)) kn_raise(h.exc);
    *out = kn_exc_value(h.exc);
    return KN_GEN_RETURN;
}

/* A .throw() into a frame suspended at YIELD_FROM, whose delegate is sp[-1]: true when the delegate
   yielded (*result); false when it finished (its value replaces sp[-1]: go on after the YIELD_FROM).
   Raises exc when the delegate cannot take it. Shared by the VM and native code (native_rt.c). */
bool kn_vm_throw_into_delegate(kn_obj *sp, kn_obj exc, kn_obj *result) {
    kn_obj dthrow[2];
    kn_obj r;
    if (KN_IS_GEN_LIKE(sp[-1])) {
        /* Forward the throw to the delegate generator. */
        int st;
        if (kn_isinstance(exc, &kn_type_GeneratorExit)) {
            kn_gen_resume_method(sp[-1], kn_none, kn_exc_new(&kn_type_GeneratorExit, 0, NULL));
            kn_raise(exc);
        }
        r = kn_gen_send(sp[-1], kn_none, exc, &st);
        if (st == KN_GEN_YIELD) {
            *result = r;
            return true;
        }
    } else if (!kn_isinstance(exc, &kn_type_GeneratorExit) && kn_load_method_maybe(sp[-1], KN_Q(throw), dthrow)) {
        /* A delegate with a throw() method (an awaitable's iterator) sees the exception first. */
        if (delegate_throw(dthrow, exc, &r) == KN_GEN_YIELD) {
            *result = r;
            return true;
        }
    } else {
        kn_raise(exc);
    }
    sp[-1] = r;
    return false;
}

static kn_obj with_enter(kn_obj *sp) {
    kn_obj ctx = sp[-1];
    kn_obj exit_fn = kn_load_attr_maybe(ctx, KN_Q(__exit__));
    kn_obj enter[2];
    if (exit_fn == KN_NULL || !kn_load_method_maybe(ctx, KN_Q(__enter__), enter)) {
        kn_raise_fmt(&kn_type_TypeError, "'%s' object does not support the context manager protocol", kn_type_cname(ctx));
    }
    sp[-1] = exit_fn;
    return enter[1] == KN_NULL ? kn_call0(enter[0]) : kn_call1(enter[0], enter[1]);
}

static bool with_exit_exc(kn_obj exit_fn, kn_obj exc) {
    kn_obj args[3] = {KN_OBJ(kn_typeof(exc)), exc, kn_none};
    return kn_truthy(kn_call(exit_fn, 3, 0, args));
}

static void import_star(kn_frame_t *f, kn_obj mod) {
    kn_obj dest = f->locals != KN_NULL ? f->locals : f->globals;
    kn_obj g = kn_is_type(mod, &kn_type_module) ? ((kn_module_t *)mod)->globals : kn_load_attr(mod, KN_Q(__dict__));
    kn_obj all = kn_dict_get_q(g, KN_Q(__all__));
    if (all != KN_NULL) {
        kn_obj it = kn_getiter(all), k;
        while ((k = kn_iternext(it)) != KN_STOP) kn_dict_set(dest, kn_intern_obj(k), kn_dict_get(g, k));
        return;
    }
    size_t pos = 0;
    kn_obj k, v;
    while (kn_dict_next(g, &pos, &k, &v)) {
        if (KN_IS_STR(k) && kn_str_len(k) > 0 && kn_str_data(k)[0] != '_') kn_dict_set(dest, k, v);
    }
}

static kn_obj import_from(kn_obj mod, kn_obj name) {
    kn_obj v = kn_load_attr_maybe(mod, name);
    if (v != KN_NULL) return v;
    /* A submodule not yet imported: try "pkg.name". */
    if (kn_is_type(mod, &kn_type_module)) {
        kn_obj mname = ((kn_module_t *)mod)->name;
        kn_vstr_t full;
        kn_vstr_init(&full, 32);
        kn_vstr_add(&full, kn_str_data(mname), kn_str_len(mname));
        kn_vstr_addc(&full, '.');
        kn_vstr_add(&full, kn_str_data(name), kn_str_len(name));
        kn_obj fq = kn_intern(full.buf, full.len);
        kn_obj m = kn_dict_get(kn_st.modules, fq);
        if (m != KN_NULL) return m;
        kn_raise_fmt(&kn_type_ImportError, "cannot import name '%q' from '%q'", name, mname);
    }
    kn_raise_fmt(&kn_type_ImportError, "cannot import name '%q'", name);
}

static kn_obj make_function(kn_frame_t *f, unsigned flags, kn_obj *sp, int *popped) {
    int k = 0;
    kn_code_t *code = KN_PTR(sp[-1 - k++]);
    kn_obj closure = (flags & 4) ? sp[-1 - k++] : KN_NULL;
    kn_obj kwd = (flags & 2) ? sp[-1 - k++] : KN_NULL;
    kn_obj defs = (flags & 1) ? sp[-1 - k++] : KN_NULL;
    *popped = k;
    return kn_make_function(code, f->globals, defs, kwd, closure);
}

#define ARG() (ip += 2, (unsigned)ip[-2] | ((unsigned)ip[-1] << 8))
#define IS_FLOAT(o) (!KN_IS_SMALL(o) && ((const kn_base_t *)(o))->type == &kn_type_float)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])

#if KILN_COMPUTED_GOTO
#define TARGET(op) T_##op:
#define NEXT()                  \
    do {                        \
        f->ip = ip;             \
        goto *dispatch[*ip++];  \
    } while (0)
#else
#define TARGET(op) case KN_BC_##op:
#define NEXT() goto next_insn
#endif

static int vm_loop(kn_frame_t *f, kn_obj *result) {
#if KILN_COMPUTED_GOTO
    static const void *const dispatch[256] = {
#define KN_OPX(name) [KN_BC_##name] = &&T_##name,
        KN_OPCODES(KN_OPX)
#undef KN_OPX
    };
#endif
    kn_code_t *code = f->code;
    const uint8_t *const bc = code->bc;
    kn_obj *const fast = f->values;
    kn_obj *const cells = f->values + code->nlocals;
    kn_obj *const consts = ((kn_tuple_t *)code->consts)->items;
    kn_obj *const names = ((kn_tuple_t *)code->names)->items;
    kn_obj const globals = f->globals;
    const uint8_t *ip = f->ip;
    kn_obj *sp = f->sp;

    if (f->throw_exc != KN_NULL) {
        kn_obj exc = f->throw_exc;
        f->throw_exc = KN_NULL;
        if (*ip != KN_BC_YIELD_FROM) kn_raise(exc);
        if (kn_vm_throw_into_delegate(sp, exc, result)) return KN_GEN_YIELD;
        ip++;
    }

#if KILN_COMPUTED_GOTO
    NEXT();
#else
    for (;;) {
    next_insn:
        f->ip = ip;
        switch (*ip++) {
#endif

    TARGET(NOP) NEXT();
    TARGET(POP_TOP) sp--; NEXT();
    TARGET(ROT_TWO) {
        kn_obj t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = t;
        NEXT();
    }
    TARGET(ROT_THREE) {
        kn_obj t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = t;
        NEXT();
    }
    TARGET(ROT_FOUR) {
        kn_obj t = sp[-1];
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = sp[-4];
        sp[-4] = t;
        NEXT();
    }
    TARGET(DUP_TOP) {
        kn_obj t = sp[-1];
        PUSH(t);
        NEXT();
    }
    TARGET(DUP_TOP_TWO) {
        sp[0] = sp[-2];
        sp[1] = sp[-1];
        sp += 2;
        NEXT();
    }
    TARGET(LOAD_NONE) PUSH(kn_none); NEXT();
    TARGET(LOAD_TRUE) PUSH(kn_true); NEXT();
    TARGET(LOAD_FALSE) PUSH(kn_false); NEXT();
    TARGET(BINARY_SUBSCR) {
        kn_obj idx = POP();
        kn_obj o = TOP();
        if (KN_IS_SMALL(idx) && kn_is_type(o, &kn_type_list)) {
            kn_list_t *l = KN_PTR(o);
            kn_int_t i = KN_SMALL(idx);
            if (i < 0) i += (kn_int_t)l->len;
            if (i >= 0 && i < (kn_int_t)l->len) {
                TOP() = l->items[i];
                NEXT();
            }
        }
        TOP() = kn_subscr(o, idx, KN_LOAD);
        NEXT();
    }
    TARGET(STORE_SUBSCR) {
        kn_obj idx = sp[-1], o = sp[-2], v = sp[-3];
        sp -= 3;
        if (KN_IS_SMALL(idx) && kn_is_type(o, &kn_type_list)) {
            kn_list_t *l = KN_PTR(o);
            kn_int_t i = KN_SMALL(idx);
            if (i < 0) i += (kn_int_t)l->len;
            if (i >= 0 && i < (kn_int_t)l->len) {
                l->items[i] = v;
                NEXT();
            }
        }
        kn_subscr(o, idx, v);
        NEXT();
    }
    TARGET(DELETE_SUBSCR) {
        kn_obj idx = sp[-1], o = sp[-2];
        sp -= 2;
        kn_subscr(o, idx, KN_NULL);
        NEXT();
    }
    TARGET(GET_ITER) TOP() = kn_getiter(TOP()); NEXT();
    TARGET(RETURN_VALUE) {
        *result = POP();
        f->sp = sp;
        return KN_GEN_RETURN;
    }
    TARGET(YIELD_VALUE) {
        *result = POP();
        f->ip = ip;
        f->sp = sp;
        return KN_GEN_YIELD;
    }
    TARGET(YIELD_FROM) {
        kn_obj v = POP();
        int st;
        kn_obj r = delegate_send(TOP(), v, &st);
        if (st == KN_GEN_YIELD) {
            *result = r;
            f->ip = ip - 1; /* resume here with the sent value */
            f->sp = sp;
            return KN_GEN_YIELD;
        }
        TOP() = r;
        NEXT();
    }
    TARGET(GET_YIELD_FROM_ITER) {
        if (!kn_is_type(TOP(), &kn_type_generator)) TOP() = kn_getiter(TOP());
        NEXT();
    }
    TARGET(POP_BLOCK) f->nblock--; NEXT();
    TARGET(POP_EXCEPT) {
        kn_st.last_exc = sp[-2];
        sp -= 2;
        NEXT();
    }
    TARGET(RERAISE) {
        kn_obj exc = sp[-1];
        kn_st.last_exc = sp[-2];
        sp -= 2;
        tb_skip_frame = f;
        kn_raise(exc);
    }
    TARGET(WITH_EXIT) {
        kn_obj fn = POP();
        kn_obj args[3] = {kn_none, kn_none, kn_none};
        kn_call(fn, 3, 0, args);
        NEXT();
    }
    TARGET(WITH_EXIT_EXC) {
        kn_obj fn = sp[-3], prev = sp[-2], exc = sp[-1];
        bool suppress = with_exit_exc(fn, exc);
        sp -= 3;
        kn_st.last_exc = prev;
        if (!suppress) {
            tb_skip_frame = f;
            kn_raise(exc);
        }
        NEXT();
    }
    TARGET(LOAD_BUILD_CLASS) {
        extern const kn_natfun_t kn_build_class_obj;
        PUSH(KN_OBJ(&kn_build_class_obj));
        NEXT();
    }
    TARGET(PRINT_EXPR) print_expr(POP()); NEXT();
    TARGET(EXC_MATCH) {
        kn_obj t = POP();
        TOP() = KN_BOOL(kn_exc_matches(TOP(), t));
        NEXT();
    }
    TARGET(IMPORT_STAR) import_star(f, POP()); NEXT();
    TARGET(ADD) {
        kn_obj b = POP(), a = TOP();
        if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
            kn_int_t r = KN_SMALL(a) + KN_SMALL(b);
            if (KN_FITS_SMALL(r)) {
                TOP() = KN_MKSMALL(r);
                NEXT();
            }
        }
        if (IS_FLOAT(a) && IS_FLOAT(b)) {
            TOP() = kn_float_new(KN_FLOAT(a) + KN_FLOAT(b));
            NEXT();
        }
        TOP() = kn_binary_op(KN_OP_ADD, a, b);
        NEXT();
    }
    TARGET(SUB) {
        kn_obj b = POP(), a = TOP();
        if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
            kn_int_t r = KN_SMALL(a) - KN_SMALL(b);
            if (KN_FITS_SMALL(r)) {
                TOP() = KN_MKSMALL(r);
                NEXT();
            }
        }
        if (IS_FLOAT(a) && IS_FLOAT(b)) {
            TOP() = kn_float_new(KN_FLOAT(a) - KN_FLOAT(b));
            NEXT();
        }
        TOP() = kn_binary_op(KN_OP_SUB, a, b);
        NEXT();
    }
    TARGET(MUL) {
        kn_obj b = POP(), a = TOP();
        if (IS_FLOAT(a) && IS_FLOAT(b)) {
            TOP() = kn_float_new(KN_FLOAT(a) * KN_FLOAT(b));
            NEXT();
        }
        TOP() = kn_binary_op(KN_OP_MUL, a, b);
        NEXT();
    }
#define CMP(opname, cop, kop)                                             \
    TARGET(opname) {                                                      \
        kn_obj b = POP(), a = TOP();                                      \
        if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {                           \
            TOP() = KN_BOOL((kn_int_t)a cop (kn_int_t)b);                 \
            NEXT();                                                       \
        }                                                                 \
        if (IS_FLOAT(a) && IS_FLOAT(b)) {                                 \
            TOP() = KN_BOOL(KN_FLOAT(a) cop KN_FLOAT(b));                 \
            NEXT();                                                       \
        }                                                                 \
        TOP() = kn_binary_op(kop, a, b);                                  \
        NEXT();                                                           \
    }
    CMP(LT, <, KN_OP_LT)
    CMP(LE, <=, KN_OP_LE)
    CMP(GT, >, KN_OP_GT)
    CMP(GE, >=, KN_OP_GE)
    TARGET(EQ) {
        kn_obj b = POP(), a = TOP();
        if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
            TOP() = KN_BOOL(a == b);
            NEXT();
        }
        TOP() = kn_binary_op(KN_OP_EQ, a, b);
        NEXT();
    }
    TARGET(NE) {
        kn_obj b = POP(), a = TOP();
        if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
            TOP() = KN_BOOL(a != b);
            NEXT();
        }
        TOP() = kn_binary_op(KN_OP_NE, a, b);
        NEXT();
    }
    TARGET(IS) {
        kn_obj b = POP();
        TOP() = KN_BOOL(TOP() == b);
        NEXT();
    }
    TARGET(IS_NOT) {
        kn_obj b = POP();
        TOP() = KN_BOOL(TOP() != b);
        NEXT();
    }
    TARGET(IN) {
        kn_obj b = POP();
        TOP() = KN_BOOL(kn_contains(b, TOP()));
        NEXT();
    }
    TARGET(NOT_IN) {
        kn_obj b = POP();
        TOP() = KN_BOOL(!kn_contains(b, TOP()));
        NEXT();
    }
    TARGET(NOT) TOP() = KN_BOOL(!kn_truthy(TOP())); NEXT();
    TARGET(LIST_TO_TUPLE) {
        kn_list_t *l = KN_PTR(TOP());
        TOP() = kn_tuple_new(l->len, l->items);
        NEXT();
    }
    TARGET(SETUP_ANNOTATIONS) NEXT();
    TARGET(LOAD_EXC) PUSH(kn_st.last_exc == KN_NULL ? kn_none : kn_st.last_exc); NEXT();
    TARGET(WITH_ARG) NEXT();
    TARGET(GET_AWAITABLE) TOP() = kn_get_awaitable(TOP()); NEXT();
    TARGET(GET_AITER) TOP() = kn_get_aiter(TOP()); NEXT();
    TARGET(GET_ANEXT) TOP() = kn_get_anext(TOP()); NEXT();
    TARGET(END_ASYNC_FOR) {
        /* [iterator, prev_exc, exc]: StopAsyncIteration ends the loop, anything else propagates */
        kn_obj exc = sp[-1];
        kn_st.last_exc = sp[-2];
        sp -= 3;
        if (!kn_isinstance(exc, &kn_type_StopAsyncIteration)) {
            tb_skip_frame = f;
            kn_raise(exc);
        }
        NEXT();
    }
    TARGET(BEFORE_ASYNC_WITH) {
        kn_obj r = kn_before_async_with(sp);
        PUSH(r);
        NEXT();
    }
    TARGET(ASYNC_WITH_EXC_CALL) {
        kn_obj exc = sp[-1];
        kn_obj args[3] = {KN_OBJ(kn_typeof(exc)), exc, kn_none};
        kn_obj r = kn_call(sp[-3], 3, 0, args);
        PUSH(r);
        NEXT();
    }
    TARGET(ASYNC_WITH_EXC_END) {
        /* [aexit, prev_exc, exc, awaited __aexit__ result] */
        bool suppress = kn_truthy(sp[-1]);
        kn_obj exc = sp[-2];
        kn_st.last_exc = sp[-3];
        sp -= 4;
        if (!suppress) {
            tb_skip_frame = f;
            kn_raise(exc);
        }
        NEXT();
    }
    TARGET(ASYNC_GEN_WRAP) TOP() = kn_asyncgen_wrap(TOP()); NEXT();

    TARGET(LOAD_CONST) PUSH(consts[ARG()]); NEXT();
    TARGET(LOAD_SMALL) PUSH(KN_MKSMALL((kn_int_t)ARG() - 32768)); NEXT();
    TARGET(LOAD_FAST) {
        unsigned i = ARG();
        kn_obj v = fast[i];
        if (v == KN_NULL) {
            kn_raise_fmt(&kn_type_UnboundLocalError, "cannot access local variable '%q' where it is not associated with a value",
                         ((kn_tuple_t *)code->varnames)->items[i]);
        }
        PUSH(v);
        NEXT();
    }
    TARGET(STORE_FAST) fast[ARG()] = POP(); NEXT();
    TARGET(DELETE_FAST) {
        unsigned i = ARG();
        if (fast[i] == KN_NULL) {
            kn_raise_fmt(&kn_type_UnboundLocalError, "cannot access local variable '%q' where it is not associated with a value",
                         ((kn_tuple_t *)code->varnames)->items[i]);
        }
        fast[i] = KN_NULL;
        NEXT();
    }
    TARGET(LOAD_DEREF) {
        kn_obj v = ((kn_cell_t *)cells[ARG()])->value;
        if (v == KN_NULL) kn_raise_msg(&kn_type_NameError, "cannot access free variable where it is not associated with a value");
        PUSH(v);
        NEXT();
    }
    TARGET(STORE_DEREF) ((kn_cell_t *)cells[ARG()])->value = POP(); NEXT();
    TARGET(DELETE_DEREF) ((kn_cell_t *)cells[ARG()])->value = KN_NULL; NEXT();
    TARGET(LOAD_CLOSURE) PUSH(cells[ARG()]); NEXT();
    TARGET(LOAD_GLOBAL) PUSH(load_global(globals, names[ARG()])); NEXT();
    TARGET(STORE_GLOBAL) kn_dict_set(globals, names[ARG()], POP()); NEXT();
    TARGET(DELETE_GLOBAL) {
        kn_obj name = names[ARG()];
        if (!kn_dict_del(globals, name)) name_error(name);
        NEXT();
    }
    TARGET(LOAD_NAME) {
        kn_obj name = names[ARG()];
        kn_obj v = KN_NULL;
        if (f->locals != globals && f->locals != KN_NULL) v = kn_dict_get_q(f->locals, name);
        if (v == KN_NULL) v = load_global(globals, name);
        PUSH(v);
        NEXT();
    }
    TARGET(STORE_NAME) kn_dict_set(f->locals != KN_NULL ? f->locals : globals, names[ARG()], POP()); NEXT();
    TARGET(DELETE_NAME) {
        kn_obj name = names[ARG()];
        if (!kn_dict_del(f->locals != KN_NULL ? f->locals : globals, name)) name_error(name);
        NEXT();
    }
    TARGET(LOAD_ATTR) {
        kn_obj name = names[ARG()];
        kn_obj o = TOP();
        if (!KN_IS_SMALL(o) && (((kn_base_t *)o)->type->flags & KN_TF_USER)) {
            /* Instance attribute fast path (no data descriptor of that name on the class). */
            kn_obj d = ((kn_instance_t *)o)->dict;
            if (d != KN_NULL) {
                kn_obj v = kn_dict_get_q(d, name);
                if (v != KN_NULL) {
                    kn_obj cv = kn_type_lookup(((kn_base_t *)o)->type, name);
                    if (cv == KN_NULL || !kn_is_type(cv, &kn_type_property)) {
                        TOP() = v;
                        NEXT();
                    }
                }
            }
        }
        TOP() = kn_load_attr(o, name);
        NEXT();
    }
    TARGET(STORE_ATTR) {
        kn_obj o = sp[-1], v = sp[-2];
        sp -= 2;
        kn_store_attr(o, names[ARG()], v);
        NEXT();
    }
    TARGET(DELETE_ATTR) kn_delete_attr(POP(), names[ARG()]); NEXT();
    TARGET(LOAD_METHOD) {
        kn_obj name = names[ARG()];
        kn_load_method(TOP(), name, sp - 1);
        sp++;
        NEXT();
    }
    TARGET(CALL_METHOD) {
        unsigned a = ARG();
        size_t npos = a & 0xff, nkw = a >> 8;
        kn_obj *base = sp - npos - 2 * nkw - 2;
        kn_obj r;
        if (base[1] != KN_NULL) r = kn_call(base[0], npos + 1, nkw, base + 1);
        else r = kn_call(base[0], npos, nkw, base + 2);
        sp = base;
        PUSH(r);
        NEXT();
    }
    TARGET(CALL) {
        unsigned a = ARG();
        size_t npos = a & 0xff, nkw = a >> 8;
        kn_obj *base = sp - npos - 2 * nkw - 1;
        kn_obj r = kn_call(base[0], npos, nkw, base + 1);
        sp = base;
        PUSH(r);
        NEXT();
    }
    TARGET(CALL_EX) {
        unsigned a = ARG();
        kn_obj kw = (a & 1) ? POP() : KN_NULL;
        kn_obj args = POP();
        TOP() = kn_call_ex(TOP(), args, kw);
        NEXT();
    }
    TARGET(BINARY_OP) {
        unsigned op = ARG();
        kn_obj b = POP();
        TOP() = kn_binary_op((int)op, TOP(), b);
        NEXT();
    }
    TARGET(UNARY_OP) {
        unsigned op = ARG();
        kn_obj a = TOP();
        if (op == KN_UOP_NEG && KN_IS_SMALL(a) && KN_SMALL(a) != KN_SMALL_MIN) {
            TOP() = KN_MKSMALL(-KN_SMALL(a));
            NEXT();
        }
        TOP() = kn_unary_op((int)op, a);
        NEXT();
    }
    TARGET(BUILD_TUPLE) {
        unsigned n = ARG();
        sp -= n;
        kn_obj t = kn_tuple_new(n, sp);
        PUSH(t);
        NEXT();
    }
    TARGET(BUILD_LIST) {
        unsigned n = ARG();
        sp -= n;
        kn_obj l = kn_list_new(n, sp);
        PUSH(l);
        NEXT();
    }
    TARGET(BUILD_SET) {
        unsigned n = ARG();
        sp -= n;
        kn_obj s = kn_set_new(&kn_type_set);
        for (unsigned i = 0; i < n; i++) kn_set_add(s, sp[i]);
        PUSH(s);
        NEXT();
    }
    TARGET(BUILD_MAP) {
        unsigned n = ARG();
        sp -= 2 * n;
        kn_obj d = kn_dict_new(n + 4);
        for (unsigned i = 0; i < n; i++) kn_dict_set(d, sp[2 * i], sp[2 * i + 1]);
        PUSH(d);
        NEXT();
    }
    TARGET(BUILD_SLICE) {
        unsigned n = ARG();
        kn_obj step = n == 3 ? POP() : kn_none;
        kn_obj stop = POP();
        TOP() = kn_slice_new(TOP(), stop, step);
        NEXT();
    }
    TARGET(BUILD_STRING) {
        unsigned n = ARG();
        sp -= n;
        kn_obj s = build_string(sp, n);
        PUSH(s);
        NEXT();
    }
    TARGET(LIST_APPEND) {
        unsigned d = ARG();
        kn_obj v = POP();
        kn_list_append(sp[-(int)d], v);
        NEXT();
    }
    TARGET(SET_ADD) {
        unsigned d = ARG();
        kn_obj v = POP();
        kn_set_add(sp[-(int)d], v);
        NEXT();
    }
    TARGET(MAP_ADD) {
        unsigned d = ARG();
        kn_obj v = POP(), k = POP();
        kn_dict_set(sp[-(int)d], k, v);
        NEXT();
    }
    TARGET(LIST_EXTEND) {
        unsigned d = ARG();
        kn_obj v = POP();
        kn_list_extend(sp[-(int)d], v);
        NEXT();
    }
    TARGET(SET_UPDATE) {
        unsigned d = ARG();
        kn_obj v = POP();
        kn_obj it = kn_getiter(v), x;
        while ((x = kn_iternext(it)) != KN_STOP) kn_set_add(sp[-(int)d], x);
        NEXT();
    }
    TARGET(DICT_UPDATE) {
        unsigned d = ARG();
        kn_obj v = POP();
        kn_dict_update(sp[-(int)d], v);
        NEXT();
    }
    TARGET(DICT_MERGE) {
        unsigned d = ARG();
        kn_obj v = POP();
        if (!kn_isinstance(v, &kn_type_dict) && kn_load_attr_maybe(v, KN_Q(keys)) == KN_NULL) {
            kn_raise_fmt(&kn_type_TypeError, "argument after ** must be a mapping, not %s", kn_type_cname(v));
        }
        kn_dict_update(sp[-(int)d], v);
        NEXT();
    }
    TARGET(UNPACK_SEQUENCE) {
        unsigned n = ARG();
        kn_obj seq = POP();
        unpack(seq, n, sp);
        sp += n;
        NEXT();
    }
    TARGET(UNPACK_EX) {
        unsigned a = ARG();
        kn_obj seq = POP();
        unpack_ex(seq, a & 0xff, a >> 8, sp);
        sp += (a & 0xff) + (a >> 8) + 1;
        NEXT();
    }
    TARGET(FORMAT_VALUE) {
        unsigned flags = ARG();
        kn_obj spec = (flags & 4) ? POP() : KN_NULL;
        TOP() = format_value(TOP(), flags, spec);
        NEXT();
    }
    TARGET(JUMP) {
        const uint8_t *target = bc + ARG();
        if (target < ip) {
            if (kn_st.pending_interrupt || ((++kn_st.poll_count & (KILN_POLL_INTERVAL - 1)) == 0)) kn_check_interrupt();
        }
        ip = target;
        NEXT();
    }
    TARGET(POP_JUMP_IF_FALSE) {
        unsigned t = ARG();
        kn_obj v = POP();
        if (v == kn_false || (v != kn_true && !kn_truthy(v))) ip = bc + t;
        NEXT();
    }
    TARGET(POP_JUMP_IF_TRUE) {
        unsigned t = ARG();
        kn_obj v = POP();
        if (v == kn_true || (v != kn_false && kn_truthy(v))) ip = bc + t;
        NEXT();
    }
    TARGET(JUMP_IF_FALSE_OR_POP) {
        unsigned t = ARG();
        if (!kn_truthy(TOP())) ip = bc + t;
        else sp--;
        NEXT();
    }
    TARGET(JUMP_IF_TRUE_OR_POP) {
        unsigned t = ARG();
        if (kn_truthy(TOP())) ip = bc + t;
        else sp--;
        NEXT();
    }
    TARGET(FOR_ITER) {
        unsigned t = ARG();
        kn_obj it = TOP();
        kn_obj v;
        const kn_type_t *itype = kn_typeof(it);
        if (itype == &kn_type_range_iter) {
            kn_int_t *r = (kn_int_t *)(void *)((kn_base_t *)it + 1); /* cur, stop, step */
            if (r[2] > 0 ? r[0] < r[1] : r[0] > r[1]) {
                v = KN_MKSMALL(r[0]);
                r[0] += r[2];
                PUSH(v);
                NEXT();
            }
            sp--;
            ip = bc + t;
            NEXT();
        }
        v = itype->iternext != NULL ? itype->iternext(it) : kn_iternext(it);
        if (v == KN_STOP) {
            sp--;
            ip = bc + t;
        } else {
            PUSH(v);
        }
        NEXT();
    }
    TARGET(SETUP_EXCEPT) {
        unsigned t = ARG();
        kn_block_t *b = &f->blocks[f->nblock++];
        b->handler = bc + t;
        b->sp_level = (uint32_t)(sp - f->stack);
        NEXT();
    }
    TARGET(SETUP_WITH) {
        unsigned t = ARG();
        kn_obj r = with_enter(sp);
        kn_block_t *b = &f->blocks[f->nblock++];
        b->handler = bc + t;
        b->sp_level = (uint32_t)(sp - f->stack);
        PUSH(r);
        NEXT();
    }
    TARGET(RAISE) {
        unsigned n = ARG();
        do_raise(f, n, sp);
        NEXT();
    }
    TARGET(MAKE_FUNCTION) {
        unsigned flags = ARG();
        int popped;
        kn_obj fn = make_function(f, flags, sp, &popped);
        sp -= popped;
        PUSH(fn);
        NEXT();
    }
    TARGET(IMPORT_NAME) {
        kn_obj name = names[ARG()];
        kn_obj fromlist = POP();
        TOP() = kn_import(name, fromlist, (int)KN_SMALL(TOP()));
        NEXT();
    }
    TARGET(IMPORT_FROM) {
        unsigned n = ARG();
        kn_obj v = n == 0xffff ? TOP() : import_from(TOP(), names[n]);
        PUSH(v);
        NEXT();
    }
    TARGET(LOAD_FAST_LOAD_ATTR) NEXT();
    TARGET(STORE_LOCALS_DICT) NEXT();

#if !KILN_COMPUTED_GOTO
            default:
                kn_raise_msg(&kn_type_RuntimeError, "bad opcode");
        }
    }
#endif
}

/* Adds a traceback entry for every frame from the innermost running one out to stop_frame (exclusive). */
void kn_tb_unwind(kn_obj exc, void *stop_frame) {
    for (kn_frame_t *x = kn_st.cur_frame; x != NULL && x != stop_frame; x = x->back) {
        if (x == tb_skip_frame) {
            tb_skip_frame = NULL;
            continue;
        }
        kn_exc_add_tb(exc, kn_code_filename(x->code), kn_code_line(x->code, x->ip), x->code->name);
    }
}

/* Frames with try/with blocks catch exceptions here and resume at the handler. */
static int __attribute__((noinline)) vm_run_blocks(kn_frame_t *f, kn_obj *result, void *prev_frame) {
    for (;;) {
        kn_nlr_t h;
        if (KN_TRY(&h)) {
            int st = vm_loop(f, result);
            kn_nlr_pop(&h);
            kn_st.depth--;
            kn_st.cur_frame = prev_frame;
            return st;
        }
        kn_obj exc = h.exc;
        if (tb_skip_frame == f) {
            tb_skip_frame = NULL;
        } else {
            kn_exc_add_tb(exc, kn_code_filename(f->code), kn_code_line(f->code, f->ip), f->code->name);
        }
        if (f->nblock == 0) {
            /* this frame's line is recorded: the walk in kn_raise must not add it again */
            tb_skip_frame = f;
            kn_raise(exc);
        }
        kn_block_t *b = &f->blocks[--f->nblock];
        kn_obj *sp = f->stack + b->sp_level;
        *sp++ = kn_st.last_exc == KN_NULL ? kn_none : kn_st.last_exc;
        *sp++ = exc;
        kn_st.last_exc = exc;
        f->sp = sp;
        f->ip = b->handler;
    }
}

int kn_vm_run(kn_frame_t *f, kn_obj *result) {
    if (++kn_st.depth > KILN_MAX_DEPTH) {
        kn_st.depth--;
        kn_raise_msg(&kn_type_RecursionError, "maximum recursion depth exceeded");
    }
    kn_stack_check();
    void *prev_frame = kn_st.cur_frame;
    f->back = prev_frame;
    kn_st.cur_frame = f;
#if KILN_NATIVE
    if (f->code->flags & KN_CODE_NATIVE) return kn_native_run(f, result, prev_frame); /* @micropython.native/viper */
#endif
    if (f->code->nblocks != 0) return vm_run_blocks(f, result, prev_frame);
    /* No try/with in this code: exceptions unwind straight through (no setjmp per call). */
    int st = vm_loop(f, result);
    kn_st.depth--;
    kn_st.cur_frame = prev_frame;
    return st;
}

/* Runs a module, exec or class body with a locals dict. */
kn_obj kn_run_frame_locals(kn_obj fun_or_code, kn_obj globals, kn_obj locals) {
    kn_code_t *code;
    kn_obj closure = KN_NULL;
    if (kn_is_type(fun_or_code, &kn_type_function)) {
        kn_fun_t *fn = KN_PTR(fun_or_code);
        code = fn->code;
        closure = fn->closure;
        globals = fn->globals;
    } else {
        code = KN_PTR(fun_or_code);
    }
    kn_obj *saved = kn_st.vstack_top;
    kn_frame_t *f = kn_frame_new(code, globals, locals, false);
    kn_obj *cells = f->values + code->nlocals;
    for (size_t i = 0; i < code->ncells; i++) cells[i] = kn_cell_new(KN_NULL);
    if (code->nfree && closure != KN_NULL) memcpy(cells + code->ncells, ((kn_tuple_t *)closure)->items, code->nfree * sizeof(kn_obj));
    kn_obj result;
    kn_vm_run(f, &result);
    kn_st.vstack_top = saved;
    return result;
}

kn_obj kn_exec_code(kn_obj code, kn_obj globals, kn_obj locals) {
    if (kn_dict_get_q(globals, KN_Q(__builtins__)) == KN_NULL) {
        kn_dict_set(globals, KN_Q(__builtins__), kn_dict_get(kn_st.modules, KN_Q(builtins)));
    }
    return kn_run_frame_locals(code, globals, locals == KN_NULL ? globals : locals);
}

static kn_obj build_class(size_t n, const kn_obj *args, kn_obj kw) {
    if (n < 2) kn_raise_type("__build_class__: not enough arguments");
    kn_obj func = args[0], name = args[1];
    kn_obj bases = kn_tuple_new(n - 2, args + 2);
    kn_obj meta = kw != KN_NULL ? kn_dict_get(kw, KN_Q(metaclass)) : KN_NULL;
    if (meta == KN_NULL && n > 2) {
        const kn_type_t *bt = kn_typeof(args[2]);
        if (bt != &kn_type_type) meta = KN_OBJ(bt); /* derived metaclass */
    }
    kn_obj ns = kn_dict_new(8);
    kn_obj cell = kn_run_frame_locals(func, KN_NULL, ns);
    kn_obj cls;
    if (meta != KN_NULL && meta != KN_OBJ(&kn_type_type)) {
        kn_obj margs[3] = {name, bases, ns};
        cls = kn_call(meta, 3, 0, margs);
    } else {
        cls = kn_class_new(name, bases, ns);
    }
    if (cell != kn_none && kn_is_type(cell, &kn_type_cell)) ((kn_cell_t *)cell)->value = cls;
    return cls;
}
KN_FUNK(kn_build_class_obj, 2, build_class);

/* ---- the VM's helpers for machine code from @micropython.native/viper (native_rt.c) ---- */
kn_obj kn_vm_load_global(kn_obj globals, kn_obj name) { return load_global(globals, name); }
void kn_vm_unpack(kn_obj seq, size_t n, kn_obj *out) { unpack(seq, n, out); }
void kn_vm_unpack_ex(kn_obj seq, size_t before, size_t after, kn_obj *out) { unpack_ex(seq, before, after, out); }
kn_obj kn_vm_format_value(kn_obj v, unsigned flags, kn_obj spec) { return format_value(v, flags, spec); }
kn_obj kn_vm_build_string(kn_obj *items, size_t n) { return build_string(items, n); }
void kn_vm_print_expr(kn_obj v) { print_expr(v); }
void kn_vm_do_raise(kn_frame_t *f, unsigned n, kn_obj *sp) { do_raise(f, n, sp); }
kn_obj kn_vm_delegate_send(kn_obj iter, kn_obj value, int *status) { return delegate_send(iter, value, status); }
kn_obj kn_vm_with_enter(kn_obj *sp) { return with_enter(sp); }
bool kn_vm_with_exit_exc(kn_obj exit_fn, kn_obj exc) { return with_exit_exc(exit_fn, exc); }
void kn_vm_import_star(kn_frame_t *f, kn_obj mod) { import_star(f, mod); }
kn_obj kn_vm_import_from(kn_obj mod, kn_obj name) { return import_from(mod, name); }
kn_obj kn_vm_make_function(kn_frame_t *f, unsigned flags, kn_obj *sp, int *popped) { return make_function(f, flags, sp, popped); }
