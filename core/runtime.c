/* runtime.c: the generic object protocol: operators, truth, hashing, iteration, subscripts and calls. */
#include <string.h>

#include "hal.h"
#include "state.h"
#include "vm.h"

/* ---- non-local return ---- */

void kn_nlr_link(kn_nlr_t *h) {
    h->prev = kn_st.nlr_top;
    h->exc = KN_NULL;
    h->vtop = kn_st.vstack_top;
    h->depth = kn_st.depth;
    h->frame = kn_st.cur_frame;
    kn_st.nlr_top = h;
}

void kn_nlr_pop(kn_nlr_t *h) {
    kn_st.nlr_top = h->prev;
}

void kn_raise(kn_obj exc) {
    kn_nlr_t *h = kn_st.nlr_top;
    if (h == NULL) {
        /* Nothing can catch it: a bug in a port's use of the core. */
        kn_stderr("FATAL: uncaught exception\r\n", 27);
        hal_exit(3);
    }
    if (kn_is_type(exc, &kn_type_type)) exc = kn_call0(exc);
    /* traceback lines for the Python frames this exception leaves */
    kn_tb_unwind(exc, h->frame);
    kn_st.nlr_top = h->prev;
    kn_st.vstack_top = h->vtop;
    kn_st.depth = h->depth;
    kn_st.cur_frame = h->frame;
    h->exc = exc;
    longjmp(h->jb, 1);
}

void kn_stack_check(void) {
    char probe;
    if ((size_t)(kn_st.stack_base - &probe) > KILN_STACK_LIMIT) {
        kn_raise_msg(&kn_type_RecursionError, "maximum recursion depth exceeded");
    }
}

/* ---- operator names for messages and special methods ---- */

static const char *const op_symbols[] = {"+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^",
                                         "<", "<=", "==", "!=", ">", ">=", "in", "divmod()"};

static void binop_error(int op, kn_obj a, kn_obj b) {
    bool inplace = op >= KN_OP_INPLACE && op < KN_OP_REFLECT;
    int base = inplace ? op - KN_OP_INPLACE : op;
    if (base >= KN_OP_LT && base <= KN_OP_GE) {
        kn_raise_fmt(&kn_type_TypeError, "'%s' not supported between instances of '%s' and '%s'", op_symbols[base],
                     kn_type_cname(a), kn_type_cname(b));
    }
    if (base == KN_OP_DIVMOD) {
        kn_raise_fmt(&kn_type_TypeError, "unsupported operand type(s) for divmod(): '%s' and '%s'", kn_type_cname(a),
                     kn_type_cname(b));
    }
    kn_raise_fmt(&kn_type_TypeError, "unsupported operand type(s) for %s%s: '%s' and '%s'", op_symbols[base],
                 inplace ? "=" : "", kn_type_cname(a), kn_type_cname(b));
}

static int reflect_op(int op) {
    switch (op) {
        case KN_OP_LT: return KN_OP_GT;
        case KN_OP_LE: return KN_OP_GE;
        case KN_OP_GT: return KN_OP_LT;
        case KN_OP_GE: return KN_OP_LE;
        case KN_OP_EQ:
        case KN_OP_NE: return op;
        default: return (op >= KN_OP_INPLACE ? op - KN_OP_INPLACE : op) | KN_OP_REFLECT;
    }
}

kn_obj kn_binary_op(int op, kn_obj a, kn_obj b) {
    if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
        kn_obj r = kn_int_binop(op, a, b);
        if (r != KN_NULL && r != kn_notimpl) return r;
        /* an operator int lacks (@, @=): the generic path below raises the TypeError */
    }
    if (op == KN_OP_CONTAINS) {
        return KN_BOOL(kn_contains(a, b));
    }
    const kn_type_t *ta = kn_typeof(a), *tb = kn_typeof(b);
    kn_obj r = KN_NULL;
    /* A subclass's reflected method wins over the base's normal one. */
    bool sub_first = tb != ta && (tb->flags & KN_TF_USER) && kn_is_subtype(tb, ta);
    if (sub_first && tb->binary_op != NULL) {
        r = tb->binary_op(reflect_op(op), b, a);
        if (r != KN_NULL && r != kn_notimpl) return r;
    }
    if (ta->binary_op != NULL) {
        r = ta->binary_op(op, a, b);
        if (r != KN_NULL && r != kn_notimpl) return r;
    }
    if (!sub_first && (tb != ta || (ta->flags & KN_TF_USER)) && tb->binary_op != NULL) {
        r = tb->binary_op(reflect_op(op), b, a);
        if (r != KN_NULL && r != kn_notimpl) return r;
    }
    if (op >= KN_OP_INPLACE && op < KN_OP_REFLECT) {
        kn_obj r2 = KN_NULL;
        int base = op - KN_OP_INPLACE;
        if (ta->binary_op != NULL) r2 = ta->binary_op(base, a, b);
        if (r2 != KN_NULL && r2 != kn_notimpl) return r2;
        if (tb->binary_op != NULL) r2 = tb->binary_op(reflect_op(base), b, a);
        if (r2 != KN_NULL && r2 != kn_notimpl) return r2;
    }
    if (op == KN_OP_EQ) return KN_BOOL(a == b);
    if (op == KN_OP_NE) return KN_BOOL(a != b);
    binop_error(op, a, b);
    return KN_NULL;
}

kn_obj kn_unary_op(int op, kn_obj a) {
    if (op == KN_UOP_NOT) return KN_BOOL(!kn_truthy(a));
    const kn_type_t *t = kn_typeof(a);
    kn_obj r = t->unary_op ? t->unary_op(op, a) : KN_NULL;
    if (r != KN_NULL) return r;
    static const char *const names[] = {"unary +", "unary -", "unary ~"};
    if (op <= KN_UOP_INVERT) {
        kn_raise_fmt(&kn_type_TypeError, "bad operand type for %s: '%s'", names[op], kn_type_cname(a));
    }
    if (op == KN_UOP_ABS) kn_raise_fmt(&kn_type_TypeError, "bad operand type for abs(): '%s'", kn_type_cname(a));
    kn_raise_fmt(&kn_type_TypeError, "unsupported operand type for '%s'", kn_type_cname(a));
}

bool kn_truthy(kn_obj o) {
    if (o == kn_true) return true;
    if (o == kn_false || o == kn_none) return false;
    if (KN_IS_SMALL(o)) return KN_SMALL(o) != 0;
    const kn_type_t *t = kn_typeof(o);
    if (t->unary_op != NULL) {
        kn_obj r = t->unary_op(KN_UOP_BOOL, o);
        if (r != KN_NULL) return r == kn_true;
        r = t->unary_op(KN_UOP_LEN, o);
        if (r != KN_NULL) return r != KN_MKSMALL(0);
    }
    return true;
}

bool kn_equal(kn_obj a, kn_obj b) {
    if (a == b) return true;
    if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) return false;
    if (KN_IS_STR(a) && KN_IS_STR(b)) return kn_str_eq(a, b);
    return kn_truthy(kn_binary_op(KN_OP_EQ, a, b));
}

kn_uint_t kn_hash(kn_obj o) {
    if (KN_IS_SMALL(o)) return (kn_uint_t)KN_SMALL(o);
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_str) return ((kn_str_t *)o)->hash;
    if (t->unary_op != NULL) {
        kn_obj r = t->unary_op(KN_UOP_HASH, o);
        if (r != KN_NULL) return KN_IS_SMALL(r) ? (kn_uint_t)KN_SMALL(r) : kn_int_hash(r);
    }
    if (t == &kn_type_list || t == &kn_type_dict || t == &kn_type_set || t == &kn_type_bytearray ||
        ((t->flags & KN_TF_USER) && kn_type_lookup(t, KN_Q(__hash__)) == kn_none)) {
        kn_raise_fmt(&kn_type_TypeError, "unhashable type: '%s'", kn_type_cname(o));
    }
    return (kn_uint_t)o >> 3;
}

kn_obj kn_len_obj(kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    kn_obj r = t->unary_op ? t->unary_op(KN_UOP_LEN, o) : KN_NULL;
    if (r == KN_NULL) kn_raise_fmt(&kn_type_TypeError, "object of type '%s' has no len()", kn_type_cname(o));
    return r;
}

size_t kn_len(kn_obj o) {
    return (size_t)kn_get_int(kn_len_obj(o));
}

/* Iterator over any object with __getitem__ (old sequence protocol). */
typedef struct { kn_base_t base; kn_obj seq; kn_int_t i; } getitem_iter_t;

static kn_obj getitem_iternext(kn_obj it) {
    getitem_iter_t *g = KN_PTR(it);
    kn_nlr_t h;
    kn_obj r;
    if (KN_TRY(&h)) {
        r = kn_subscr(g->seq, KN_MKSMALL(g->i), KN_LOAD);
        kn_nlr_pop(&h);
    } else {
        if (kn_exc_matches(h.exc, KN_OBJ(&kn_type_IndexError)) || kn_exc_matches(h.exc, KN_OBJ(&kn_type_StopIteration))) {
            return KN_STOP;
        }
        kn_raise(h.exc);
    }
    g->i++;
    return r;
}

const kn_type_t kn_type_iter_generic = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = getitem_iternext,
    .base_type = &kn_type_object,
};

kn_obj kn_getiter(kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    if (t->flags & KN_TF_ITER_SELF) return o;
    if (t->getiter != NULL) {
        kn_obj r = t->getiter(o);
        if (r != KN_NULL) return r;
    }
    if (t->subscr != NULL && !(t->flags & KN_TF_USER)) {
        getitem_iter_t *g = KN_NEW(getitem_iter_t);
        g->base.type = &kn_type_iter_generic;
        g->seq = o;
        return KN_OBJ(g);
    }
    if ((t->flags & KN_TF_USER) && kn_type_lookup(t, KN_Q(__getitem__)) != KN_NULL) {
        getitem_iter_t *g = KN_NEW(getitem_iter_t);
        g->base.type = &kn_type_iter_generic;
        g->seq = o;
        return KN_OBJ(g);
    }
    kn_raise_fmt(&kn_type_TypeError, "'%s' object is not iterable", kn_type_cname(o));
}

kn_obj kn_iternext(kn_obj it) {
    const kn_type_t *t = kn_typeof(it);
    if (t->iternext == NULL) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not an iterator", kn_type_cname(it));
    return t->iternext(it);
}

kn_obj kn_subscr(kn_obj o, kn_obj index, kn_obj value) {
    const kn_type_t *t = kn_typeof(o);
    if (t->subscr != NULL) return t->subscr(o, index, value);
    if (t == &kn_type_type) {
        /* list[int] and friends: generic aliases are accepted and ignored. */
        kn_obj cg[2];
        if (kn_load_method_maybe(o, KN_Q(__class_getitem__), cg)) {
            return cg[1] == KN_NULL ? kn_call1(cg[0], index) : kn_call2(cg[0], cg[1], index);
        }
        if (value == KN_LOAD) return o;
    }
    if (value == KN_LOAD) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not subscriptable", kn_type_cname(o));
    if (value == KN_NULL) kn_raise_fmt(&kn_type_TypeError, "'%s' object doesn't support item deletion", kn_type_cname(o));
    kn_raise_fmt(&kn_type_TypeError, "'%s' object does not support item assignment", kn_type_cname(o));
}

bool kn_contains(kn_obj container, kn_obj item) {
    const kn_type_t *t = kn_typeof(container);
    if (t->binary_op != NULL) {
        kn_obj r = t->binary_op(KN_OP_CONTAINS, container, item);
        if (r != KN_NULL && r != kn_notimpl) return kn_truthy(r);
    }
    if (t->getiter == NULL && !(t->flags & KN_TF_ITER_SELF) && t->subscr == NULL && !(t->flags & KN_TF_USER)) {
        kn_raise_fmt(&kn_type_TypeError, "argument of type '%s' is not iterable", kn_type_cname(container));
    }
    kn_obj it = kn_getiter(container), v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        if (v == item || kn_equal(v, item)) return true;
    }
    return false;
}

kn_obj kn_call(kn_obj f, size_t n, size_t nkw, const kn_obj *args) {
    const kn_type_t *t = kn_typeof(f);
    if (t->call == NULL) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not callable", kn_type_cname(f));
    return t->call(f, n, nkw, args);
}

kn_obj kn_call0(kn_obj f) {
    return kn_call(f, 0, 0, NULL);
}

kn_obj kn_call1(kn_obj f, kn_obj a) {
    return kn_call(f, 1, 0, &a);
}

kn_obj kn_call2(kn_obj f, kn_obj a, kn_obj b) {
    kn_obj args[2] = {a, b};
    return kn_call(f, 2, 0, args);
}

/* f(*args, **kwargs) with args any iterable and kwargs a mapping (either may be KN_NULL). */
kn_obj kn_call_ex(kn_obj f, kn_obj args, kn_obj kwargs) {
    size_t n = 0;
    kn_obj *items = NULL;
    if (args != KN_NULL) {
        if (!kn_is_type(args, &kn_type_tuple) && !kn_is_type(args, &kn_type_list)) args = kn_tuple_from_iter(args);
        kn_seq_get(args, &n, &items);
    }
    size_t nkw = 0;
    if (kwargs != KN_NULL && kwargs != kn_none) {
        if (!kn_is_type(kwargs, &kn_type_dict)) {
            kn_obj d = kn_dict_new(8);
            kn_dict_update(d, kwargs);
            kwargs = d;
        }
        nkw = ((kn_dict_t *)kwargs)->count;
    }
    kn_obj *all = kn_alloc((n + 2 * nkw + 1) * sizeof(kn_obj));
    if (n) memcpy(all, items, n * sizeof(kn_obj));
    if (nkw) {
        size_t pos = 0, i = n;
        kn_obj k, v;
        while (kn_dict_next(kwargs, &pos, &k, &v)) {
            if (!KN_IS_STR(k)) kn_raise_type("keywords must be strings");
            all[i++] = kn_intern_obj(k);
            all[i++] = v;
        }
    }
    return kn_call(f, n, nkw, all);
}

kn_obj kn_call_method(kn_obj o, kn_obj name, size_t n, const kn_obj *args) {
    kn_obj m[2];
    kn_load_method(o, name, m);
    if (m[1] == KN_NULL) return kn_call(m[0], n, 0, args);
    kn_obj *all = kn_alloc((n + 1) * sizeof(kn_obj));
    all[0] = m[1];
    if (n) memcpy(all + 1, args, n * sizeof(kn_obj));
    return kn_call(m[0], n + 1, 0, all);
}

/* ---- argument helpers for natives ---- */

void kn_arg_check(size_t n, size_t nkw, size_t lo, size_t hi, bool kw_ok) {
    if (nkw > 0 && !kw_ok) kn_raise_type("function doesn't take keyword arguments");
    if (n < lo || n > hi) {
        if (lo == hi) {
            kn_raise_fmt(&kn_type_TypeError, "function takes %d positional arguments but %d were given", (int)lo, (int)n);
        }
        if (n < lo) kn_raise_fmt(&kn_type_TypeError, "function missing %d required positional arguments", (int)(lo - n));
        kn_raise_fmt(&kn_type_TypeError, "function expected at most %d arguments, got %d", (int)hi, (int)n);
    }
}

kn_obj kn_kw_get(size_t n, size_t nkw, const kn_obj *args, kn_obj name) {
    for (size_t i = 0; i < nkw; i++) {
        if (kn_str_eq(args[n + 2 * i], name)) return args[n + 2 * i + 1];
    }
    return KN_NULL;
}

kn_obj kn_kwdict(size_t nkw, const kn_obj *pairs) {
    kn_obj d = kn_dict_new(nkw + 1);
    for (size_t i = 0; i < nkw; i++) kn_dict_set(d, pairs[2 * i], pairs[2 * i + 1]);
    return d;
}

/* ---- type queries ---- */

bool kn_is_subtype(const kn_type_t *t, const kn_type_t *base) {
    if (t == base || base == &kn_type_object) return true;
    if (t->mro != KN_NULL) {
        kn_tuple_t *m = KN_PTR(t->mro);
        for (size_t i = 0; i < m->len; i++) {
            if ((const kn_type_t *)m->items[i] == base) return true;
        }
        return false;
    }
    for (t = t->base_type; t != NULL; t = t->base_type) {
        if (t == base) return true;
    }
    return false;
}

bool kn_isinstance(kn_obj o, const kn_type_t *t) {
    return kn_is_subtype(kn_typeof(o), t);
}

kn_obj kn_type_name(const kn_type_t *t) {
    return t->name;
}

const char *kn_type_cname(kn_obj o) {
    return kn_str_cstr(kn_typeof(o)->name);
}
