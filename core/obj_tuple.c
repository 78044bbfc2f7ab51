/* obj_tuple.c: tuple, plus helpers shared by tuple and list (printing, comparison, iteration). */
#include <string.h>

#include "state.h"

static const kn_tuple_t empty_tuple = {{&kn_type_tuple}, 0};

kn_obj kn_tuple_new(size_t n, const kn_obj *items) {
    if (n == 0) return KN_OBJ(&empty_tuple);
    kn_tuple_t *t = kn_alloc(sizeof(kn_tuple_t) + n * sizeof(kn_obj));
    t->base.type = &kn_type_tuple;
    t->len = n;
    if (items != NULL) memcpy(t->items, items, n * sizeof(kn_obj));
    return KN_OBJ(t);
}

void kn_seq_get(kn_obj o, size_t *n, kn_obj **items) {
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_tuple) {
        kn_tuple_t *tu = KN_PTR(o);
        *n = tu->len;
        *items = tu->items;
    } else if (t == &kn_type_list) {
        kn_list_t *l = KN_PTR(o);
        *n = l->len;
        *items = l->items;
    } else if (t->flags & KN_TF_NATIVE_SUB) {
        kn_seq_get(((kn_native_sub_t *)o)->native, n, items);
    } else {
        *n = 0;
        *items = NULL;
    }
}

kn_obj kn_tuple_from_iter(kn_obj it) {
    if (kn_is_type(it, &kn_type_tuple)) return it;
    kn_obj l = kn_list_from_iter(it);
    kn_list_t *lp = KN_PTR(l);
    return kn_tuple_new(lp->len, lp->items);
}

void kn_seq_print(kn_print_t *p, size_t n, const kn_obj *items, const char *open, const char *close, bool tuple) {
    kn_print_str(p, open);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) p->write(p->ctx, ", ", 2);
        kn_print_obj(p, items[i], 1);
    }
    if (tuple && n == 1) p->write(p->ctx, ",", 1);
    kn_print_str(p, close);
}

/* Lexicographic comparison of two item arrays. */
kn_obj kn_seq_compare(int op, size_t na, const kn_obj *a, size_t nb, const kn_obj *b) {
    if ((op == KN_OP_EQ || op == KN_OP_NE) && na != nb) return KN_BOOL(op == KN_OP_NE);
    size_t m = na < nb ? na : nb;
    for (size_t i = 0; i < m; i++) {
        if (a[i] == b[i] || kn_equal(a[i], b[i])) continue;
        if (op == KN_OP_EQ) return kn_false;
        if (op == KN_OP_NE) return kn_true;
        return kn_binary_op(op, a[i], b[i]);
    }
    switch (op) {
        case KN_OP_EQ: return kn_true;
        case KN_OP_NE: return kn_false;
        case KN_OP_LT: return KN_BOOL(na < nb);
        case KN_OP_LE: return KN_BOOL(na <= nb);
        case KN_OP_GT: return KN_BOOL(na > nb);
        default: return KN_BOOL(na >= nb);
    }
}

kn_obj kn_seq_slice(size_t n, const kn_obj *items, kn_obj slice, bool as_tuple) {
    kn_int_t start, stop, step;
    kn_slice_indices(slice, (kn_int_t)n, &start, &stop, &step);
    if (step == 1) {
        size_t len = stop > start ? (size_t)(stop - start) : 0;
        return as_tuple ? kn_tuple_new(len, items + start) : kn_list_new(len, items + start);
    }
    kn_obj out = kn_list_new(0, NULL);
    for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) kn_list_append(out, items[i]);
    if (as_tuple) {
        kn_list_t *l = KN_PTR(out);
        return kn_tuple_new(l->len, l->items);
    }
    return out;
}

kn_uint_t kn_seq_hash(size_t n, const kn_obj *items) {
    kn_uint_t h = 0x345678u;
    for (size_t i = 0; i < n; i++) h = (h ^ kn_hash(items[i])) * 1000003u;
    return h;
}

/* Iterator over a tuple or list, re-reading the length so list mutation is safe. */
typedef struct { kn_base_t base; kn_obj seq; size_t pos; } seq_iter_t;

static kn_obj seq_iternext(kn_obj it) {
    seq_iter_t *s = KN_PTR(it);
    size_t n;
    kn_obj *items;
    kn_seq_get(s->seq, &n, &items);
    if (s->pos >= n) return KN_STOP;
    return items[s->pos++];
}

static kn_obj seq_iter_length_hint(kn_obj it) {
    seq_iter_t *s = KN_PTR(it);
    size_t n;
    kn_obj *items;
    kn_seq_get(s->seq, &n, &items);
    return KN_MKSMALL(n > s->pos ? (kn_int_t)(n - s->pos) : 0);
}
static KN_FUN1(seq_iter_length_hint_obj, seq_iter_length_hint);
KN_METHODS(seq_iter_methods, KN_METHOD(__length_hint__, seq_iter_length_hint_obj));

const kn_type_t kn_type_seq_iter = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = seq_iternext,
    .base_type = &kn_type_object,
    .methods = &seq_iter_methods,
};

kn_obj kn_seq_iter_new(kn_obj seq) {
    seq_iter_t *s = KN_NEW(seq_iter_t);
    s->base.type = &kn_type_seq_iter;
    s->seq = seq;
    return KN_OBJ(s);
}

kn_obj kn_seq_index_of(size_t n, const kn_obj *items, size_t nargs, const kn_obj *args) {
    kn_int_t start = nargs > 2 ? kn_get_int(args[2]) : 0, stop = nargs > 3 ? kn_get_int(args[3]) : (kn_int_t)n;
    if (start < 0) start += (kn_int_t)n;
    if (stop < 0) stop += (kn_int_t)n;
    if (start < 0) start = 0;
    if (stop > (kn_int_t)n) stop = (kn_int_t)n;
    for (kn_int_t i = start; i < stop; i++) {
        if (items[i] == args[1] || kn_equal(items[i], args[1])) return KN_MKSMALL(i);
    }
    kn_raise_fmt(&kn_type_ValueError, "%r is not in list", args[1]);
}

kn_obj kn_seq_count(size_t n, const kn_obj *items, kn_obj v) {
    kn_int_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i] == v || kn_equal(items[i], v)) c++;
    }
    return KN_MKSMALL(c);
}

/* ---- tuple type ---- */

static void tuple_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_tuple_t *t = KN_PTR(o);
    kn_seq_print(p, t->len, t->items, "(", ")", true);
}

static kn_obj tuple_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    if (n == 0) return KN_OBJ(&empty_tuple);
    return kn_tuple_from_iter(args[0]);
}

static kn_obj tuple_unary(int op, kn_obj o) {
    kn_tuple_t *t = KN_PTR(o);
    switch (op) {
        case KN_UOP_BOOL: return KN_BOOL(t->len != 0);
        case KN_UOP_LEN: return KN_MKSMALL((kn_int_t)t->len);
        case KN_UOP_HASH: return KN_MKSMALL((kn_int_t)(kn_seq_hash(t->len, t->items) >> 2));
        default: return KN_NULL;
    }
}

static kn_obj tuple_binary(int op, kn_obj a, kn_obj b) {
    kn_tuple_t *t = KN_PTR(a);
    if (op & KN_OP_REFLECT) {
        if ((op & ~KN_OP_REFLECT) == KN_OP_MUL) return tuple_binary(KN_OP_MUL, a, b);
        return KN_NULL;
    }
    if (op >= KN_OP_INPLACE) op -= KN_OP_INPLACE;
    switch (op) {
        case KN_OP_ADD: {
            if (!kn_is_type(b, &kn_type_tuple)) {
                kn_raise_fmt(&kn_type_TypeError, "can only concatenate tuple (not \"%s\") to tuple", kn_type_cname(b));
            }
            kn_tuple_t *u = KN_PTR(b);
            kn_tuple_t *r = KN_PTR(kn_tuple_new(t->len + u->len, NULL));
            if (r->len == 0) return KN_OBJ(r);
            memcpy(r->items, t->items, t->len * sizeof(kn_obj));
            memcpy(r->items + t->len, u->items, u->len * sizeof(kn_obj));
            return KN_OBJ(r);
        }
        case KN_OP_MUL: {
            if (!KN_IS_INT(b)) return KN_NULL;
            kn_int_t k = kn_get_int(b);
            if (k <= 0 || t->len == 0) return KN_OBJ(&empty_tuple);
            if ((size_t)k > ((size_t)1 << 28) / t->len) kn_raise(kn_st.memory_error); /* > 1 GiB of items */
            kn_tuple_t *r = KN_PTR(kn_tuple_new(t->len * (size_t)k, NULL));
            for (kn_int_t i = 0; i < k; i++) memcpy(r->items + (size_t)i * t->len, t->items, t->len * sizeof(kn_obj));
            return KN_OBJ(r);
        }
        case KN_OP_CONTAINS:
            for (size_t i = 0; i < t->len; i++) {
                if (t->items[i] == b || kn_equal(t->items[i], b)) return kn_true;
            }
            return kn_false;
        case KN_OP_EQ: case KN_OP_NE: case KN_OP_LT: case KN_OP_LE: case KN_OP_GT: case KN_OP_GE: {
            if (!kn_is_type(b, &kn_type_tuple)) return KN_NULL;
            kn_tuple_t *u = KN_PTR(b);
            return kn_seq_compare(op, t->len, t->items, u->len, u->items);
        }
        default:
            return KN_NULL;
    }
}

static kn_obj tuple_subscr(kn_obj o, kn_obj index, kn_obj value) {
    kn_tuple_t *t = KN_PTR(o);
    if (value != KN_LOAD) kn_raise_type("'tuple' object does not support item assignment");
    if (KN_IS_SMALL(index)) {
        kn_int_t i = KN_SMALL(index);
        if (i < 0) i += (kn_int_t)t->len;
        if (i < 0 || i >= (kn_int_t)t->len) kn_raise_msg(&kn_type_IndexError, "tuple index out of range");
        return t->items[i];
    }
    if (kn_is_type(index, &kn_type_slice)) return kn_seq_slice(t->len, t->items, index, true);
    return t->items[kn_seq_index_msg(index, t->len, "tuple index out of range")];
}

static kn_obj tuple_getiter(kn_obj o) {
    return kn_seq_iter_new(o);
}

static kn_obj tuple_index(size_t n, const kn_obj *args) {
    kn_tuple_t *t = KN_PTR(args[0]);
    for (size_t i = 0; i < t->len; i++) {
        if (t->items[i] == args[1] || kn_equal(t->items[i], args[1])) return kn_seq_index_of(t->len, t->items, n, args);
    }
    kn_raise_value("tuple.index(x): x not in tuple");
}
static KN_FUNV(tuple_index_obj, 2, 4, tuple_index);

static kn_obj tuple_count(kn_obj self, kn_obj v) {
    kn_tuple_t *t = KN_PTR(self);
    return kn_seq_count(t->len, t->items, v);
}
static KN_FUN2(tuple_count_obj, tuple_count);

KN_METHODS(tuple_methods, KN_METHOD(count, tuple_count_obj), KN_METHOD(index, tuple_index_obj));

const kn_type_t kn_type_tuple = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ | KN_TF_BASETYPE,
    .name = KN_Q(tuple),
    .print = tuple_print,
    .make_new = tuple_new,
    .unary_op = tuple_unary,
    .binary_op = tuple_binary,
    .subscr = tuple_subscr,
    .getiter = tuple_getiter,
    .base_type = &kn_type_object,
    .methods = &tuple_methods,
};
