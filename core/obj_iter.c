/* obj_iter.c: the lazy iterator builtins: enumerate, zip, map, filter, reversed, and iter(callable, sentinel). */
#include "state.h"

typedef struct { kn_base_t base; kn_obj it; kn_obj count; } enumerate_t;

static kn_obj enumerate_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_obj start = kn_kw_get(n, nkw, args, KN_Q(start));
    kn_obj it = kn_kw_get(n, nkw, args, KN_Q(iterable));
    if (n >= 1) it = args[0];
    if (n >= 2) start = args[1];
    if (it == KN_NULL) kn_raise_type("enumerate() missing required argument 'iterable'");
    enumerate_t *e = KN_NEW(enumerate_t);
    e->base.type = &kn_type_enumerate;
    e->it = kn_getiter(it);
    e->count = start == KN_NULL ? KN_MKSMALL(0) : start;
    return KN_OBJ(e);
}

static kn_obj enumerate_next(kn_obj o) {
    enumerate_t *e = KN_PTR(o);
    kn_obj v = kn_iternext(e->it);
    if (v == KN_STOP) return KN_STOP;
    kn_obj pair[2] = {e->count, v};
    e->count = kn_binary_op(KN_OP_ADD, e->count, KN_MKSMALL(1));
    return kn_tuple_new(2, pair);
}

const kn_type_t kn_type_enumerate = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(enumerate),
    .make_new = enumerate_new,
    .iternext = enumerate_next,
    .base_type = &kn_type_object,
};

typedef struct { kn_base_t base; size_t n; bool strict; kn_obj its[]; } zip_t;

static kn_obj zip_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    zip_t *z = kn_alloc(sizeof(zip_t) + n * sizeof(kn_obj));
    z->base.type = &kn_type_zip;
    z->n = n;
    kn_obj strict = kn_kw_get(n, nkw, args, KN_Q(strict));
    z->strict = strict != KN_NULL && kn_truthy(strict);
    for (size_t i = 0; i < n; i++) z->its[i] = kn_getiter(args[i]);
    return KN_OBJ(z);
}

static kn_obj zip_next(kn_obj o) {
    zip_t *z = KN_PTR(o);
    if (z->n == 0) return KN_STOP;
    kn_obj t = kn_tuple_new(z->n, NULL);
    for (size_t i = 0; i < z->n; i++) {
        kn_obj v = kn_iternext(z->its[i]);
        if (v == KN_STOP) {
            if (z->strict && i > 0) kn_raise_value("zip() argument 2 is shorter than argument 1");
            return KN_STOP;
        }
        ((kn_tuple_t *)t)->items[i] = v;
    }
    return t;
}

const kn_type_t kn_type_zip = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(zip),
    .make_new = zip_new,
    .iternext = zip_next,
    .base_type = &kn_type_object,
};

typedef struct { kn_base_t base; kn_obj fn; size_t n; kn_obj its[]; } map_t;

static kn_obj map_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 2, 0xffff, false);
    map_t *m = kn_alloc(sizeof(map_t) + (n - 1) * sizeof(kn_obj));
    m->base.type = &kn_type_map;
    m->fn = args[0];
    m->n = n - 1;
    for (size_t i = 1; i < n; i++) m->its[i - 1] = kn_getiter(args[i]);
    return KN_OBJ(m);
}

static kn_obj map_next(kn_obj o) {
    map_t *m = KN_PTR(o);
    kn_obj buf[4];
    kn_obj *vals = m->n <= 4 ? buf : kn_alloc(m->n * sizeof(kn_obj));
    for (size_t i = 0; i < m->n; i++) {
        vals[i] = kn_iternext(m->its[i]);
        if (vals[i] == KN_STOP) return KN_STOP;
    }
    return kn_call(m->fn, m->n, 0, vals);
}

const kn_type_t kn_type_map = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(map),
    .make_new = map_new,
    .iternext = map_next,
    .base_type = &kn_type_object,
};

typedef struct { kn_base_t base; kn_obj fn; kn_obj it; } filter_t;

static kn_obj filter_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 2, 2, false);
    filter_t *f = KN_NEW(filter_t);
    f->base.type = &kn_type_filter;
    f->fn = args[0];
    f->it = kn_getiter(args[1]);
    return KN_OBJ(f);
}

static kn_obj filter_next(kn_obj o) {
    filter_t *f = KN_PTR(o);
    for (;;) {
        kn_obj v = kn_iternext(f->it);
        if (v == KN_STOP) return KN_STOP;
        bool keep = f->fn == kn_none ? kn_truthy(v) : kn_truthy(kn_call1(f->fn, v));
        if (keep) return v;
    }
}

const kn_type_t kn_type_filter = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(filter),
    .make_new = filter_new,
    .iternext = filter_next,
    .base_type = &kn_type_object,
};

typedef struct { kn_base_t base; kn_obj seq; kn_int_t pos; } reversed_t;

static kn_obj reversed_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 1, false);
    kn_obj seq = args[0];
    kn_obj rev[2];
    if ((kn_typeof(seq)->flags & KN_TF_USER) && kn_load_method_maybe(seq, KN_Q(__reversed__), rev)) {
        return rev[1] == KN_NULL ? kn_call0(rev[0]) : kn_call1(rev[0], rev[1]);
    }
    if (kn_is_type(seq, &kn_type_dict) || kn_is_type(seq, &kn_type_dict_view)) {
        seq = kn_list_from_iter(seq);
    } else if (kn_is_type(seq, &kn_type_set) || kn_is_type(seq, &kn_type_frozenset)) {
        kn_raise_fmt(&kn_type_TypeError, "'%s' object is not reversible", kn_type_cname(seq));
    }
    reversed_t *r = KN_NEW(reversed_t);
    r->base.type = &kn_type_reversed;
    r->seq = seq;
    r->pos = (kn_int_t)kn_len(seq);
    return KN_OBJ(r);
}

static kn_obj reversed_next(kn_obj o) {
    reversed_t *r = KN_PTR(o);
    if (r->pos <= 0) return KN_STOP;
    r->pos--;
    return kn_subscr(r->seq, KN_MKSMALL(r->pos), KN_LOAD);
}

const kn_type_t kn_type_reversed = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(reversed),
    .make_new = reversed_new,
    .iternext = reversed_next,
    .base_type = &kn_type_object,
};

/* iter(callable, sentinel) */
typedef struct { kn_base_t base; kn_obj fn; kn_obj sentinel; } calliter_t;

static kn_obj calliter_next(kn_obj o) {
    calliter_t *c = KN_PTR(o);
    kn_obj v = kn_call0(c->fn);
    if (kn_equal(v, c->sentinel)) return KN_STOP;
    return v;
}

static const kn_type_t calliter_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(callable_iterator),
    .iternext = calliter_next,
    .base_type = &kn_type_object,
};

kn_obj kn_calliter_new(kn_obj fn, kn_obj sentinel) {
    calliter_t *c = KN_NEW(calliter_t);
    c->base.type = &calliter_type;
    c->fn = fn;
    c->sentinel = sentinel;
    return KN_OBJ(c);
}
