/* obj_range.c: range and slice objects and sequence index normalisation. */
#include "state.h"

kn_obj kn_range_new(long long a, long long b, long long c) {
    kn_range_t *r = KN_NEW(kn_range_t);
    r->base.type = &kn_type_range;
    r->start = a;
    r->stop = b;
    r->step = c;
    return KN_OBJ(r);
}

static long long range_len(const kn_range_t *r) {
    /* Unsigned differences: stop - start may exceed LLONG_MAX. */
    if (r->step > 0 && r->start < r->stop) {
        unsigned long long d = (unsigned long long)r->stop - (unsigned long long)r->start;
        return (long long)((d - 1) / (unsigned long long)r->step + 1);
    }
    if (r->step < 0 && r->start > r->stop) {
        unsigned long long d = (unsigned long long)r->start - (unsigned long long)r->stop;
        return (long long)((d - 1) / (0ull - (unsigned long long)r->step) + 1);
    }
    return 0;
}

static long long range_arg(kn_obj o) {
    if (KN_IS_INT(o) || o == kn_true || o == kn_false) return kn_get_ll(o);
    return kn_get_int(o);
}

static kn_obj range_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 3, false);
    long long a = 0, b, c = 1;
    if (n == 1) {
        b = range_arg(args[0]);
    } else {
        a = range_arg(args[0]);
        b = range_arg(args[1]);
        if (n == 3) c = range_arg(args[2]);
    }
    if (c == 0) kn_raise_value("range() arg 3 must not be zero");
    return kn_range_new(a, b, c);
}

static void range_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_range_t *r = KN_PTR(o);
    kn_obj a = kn_int_from_ll(r->start), b = kn_int_from_ll(r->stop);
    if (r->step == 1) kn_printf(p, "range(%r, %r)", a, b);
    else kn_printf(p, "range(%r, %r, %r)", a, b, kn_int_from_ll(r->step));
}

static kn_int_t range_len_word(const kn_range_t *r) {
    long long n = range_len(r);
    if (n > (long long)KN_SMALL_MAX) kn_raise_msg(&kn_type_OverflowError, "range too large");
    return (kn_int_t)n;
}

static kn_obj range_unary(int op, kn_obj o) {
    kn_range_t *r = KN_PTR(o);
    if (op == KN_UOP_LEN) return KN_MKSMALL(range_len_word(r));
    if (op == KN_UOP_BOOL) return KN_BOOL(range_len(r) != 0);
    return KN_NULL;
}

/* Whether v is in r (v an int that fits in a long long). */
static bool range_has(const kn_range_t *r, long long v) {
    if (r->step > 0 ? (v < r->start || v >= r->stop) : (v > r->start || v <= r->stop)) return false;
    unsigned long long d = r->step > 0 ? (unsigned long long)v - (unsigned long long)r->start
                                       : (unsigned long long)r->start - (unsigned long long)v;
    unsigned long long s = r->step > 0 ? (unsigned long long)r->step : 0ull - (unsigned long long)r->step;
    return d % s == 0;
}

static bool range_int_value(kn_obj b, long long *v) {
    if (!KN_IS_INT(b) && b != kn_true && b != kn_false) return false;
    return kn_int_fits_ll(b, v);
}

static kn_obj range_binary(int op, kn_obj a, kn_obj b) {
    kn_range_t *r = KN_PTR(a);
    if (op == KN_OP_CONTAINS) {
        long long v;
        if (KN_IS_INT(b) || b == kn_true || b == kn_false) {
            return KN_BOOL(range_int_value(b, &v) && range_has(r, v));
        }
        return KN_NULL;
    }
    if (op == KN_OP_EQ || op == KN_OP_NE) {
        if (!kn_is_type(b, &kn_type_range)) return KN_NULL;
        kn_range_t *s = KN_PTR(b);
        long long la = range_len(r), lb = range_len(s);
        bool eq = la == lb && (la == 0 || (r->start == s->start && (la == 1 || r->step == s->step)));
        return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
    }
    return KN_NULL;
}

static kn_obj range_subscr(kn_obj o, kn_obj index, kn_obj value) {
    kn_range_t *r = KN_PTR(o);
    if (value != KN_LOAD) kn_raise_type("'range' object does not support item assignment");
    kn_int_t len = range_len_word(r);
    if (kn_is_type(index, &kn_type_slice)) {
        kn_int_t start, stop, step;
        kn_slice_indices(index, len, &start, &stop, &step);
        return kn_range_new(r->start + (long long)start * r->step, r->start + (long long)stop * r->step,
                            r->step * (long long)step);
    }
    size_t i = kn_seq_index_msg(index, (size_t)len, "range object index out of range");
    return kn_int_from_ll(r->start + (long long)i * r->step);
}

/* Ranges whose bounds are small ints iterate with machine words (the VM's FOR_ITER fast path reads
 * cur, stop, step straight from this layout); others use the 64-bit iterator below. */
typedef struct { kn_base_t base; kn_int_t cur, stop, step; } range_iter_t;
typedef struct { kn_base_t base; long long cur, stop, step; } range_iter_big_t;

static kn_obj range_iternext(kn_obj it) {
    range_iter_t *r = KN_PTR(it);
    if (r->step > 0 ? r->cur >= r->stop : r->cur <= r->stop) return KN_STOP;
    kn_int_t v = r->cur;
    r->cur += r->step;
    return KN_MKSMALL(v);
}

const kn_type_t kn_type_range_iter = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = range_iternext,
    .base_type = &kn_type_object,
};

static kn_obj range_big_iternext(kn_obj it) {
    range_iter_big_t *r = KN_PTR(it);
    if (r->step > 0 ? r->cur >= r->stop : r->cur <= r->stop) return KN_STOP;
    long long v = r->cur;
    if (__builtin_add_overflow(r->cur, r->step, &r->cur)) r->cur = r->stop;
    return kn_int_from_ll(v);
}

static const kn_type_t kn_type_range_iter_big = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = range_big_iternext,
    .base_type = &kn_type_object,
};

static bool ll_fits_small(long long v) {
    return v >= (long long)KN_SMALL_MIN && v <= (long long)KN_SMALL_MAX;
}

static kn_obj range_getiter(kn_obj o) {
    kn_range_t *r = KN_PTR(o);
    if (ll_fits_small(r->start) && ll_fits_small(r->stop) && ll_fits_small(r->step)) {
        range_iter_t *it = KN_NEW(range_iter_t);
        it->base.type = &kn_type_range_iter;
        it->cur = (kn_int_t)r->start;
        it->stop = (kn_int_t)r->stop;
        it->step = (kn_int_t)r->step;
        return KN_OBJ(it);
    }
    range_iter_big_t *it = KN_NEW(range_iter_big_t);
    it->base.type = &kn_type_range_iter_big;
    it->cur = r->start;
    it->stop = r->stop;
    it->step = r->step;
    return KN_OBJ(it);
}

static bool range_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_range_t *r = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(start)) *dest = kn_int_from_ll(r->start);
    else if (name == KN_Q(stop)) *dest = kn_int_from_ll(r->stop);
    else if (name == KN_Q(step)) *dest = kn_int_from_ll(r->step);
    else return false;
    return true;
}

static kn_obj range_index(kn_obj self, kn_obj v) {
    kn_range_t *r = KN_PTR(self);
    long long x;
    if (range_int_value(v, &x)) {
        if (range_has(r, x)) return kn_int_from_ll((x - r->start) / r->step);
    } else { /* another type that may compare equal (1.0): search, as CPython does */
        kn_obj it = range_getiter(self), item;
        for (kn_int_t i = 0; (item = kn_iternext(it)) != KN_STOP; i++) {
            if (kn_equal(item, v)) return KN_MKSMALL(i);
        }
    }
    kn_raise_value("value not in range");
}
static KN_FUN2(range_index_obj, range_index);

static kn_obj range_count(kn_obj self, kn_obj v) {
    return KN_MKSMALL(kn_contains(self, v) ? 1 : 0);
}
static KN_FUN2(range_count_obj, range_count);

KN_METHODS(range_methods, KN_METHOD(count, range_count_obj), KN_METHOD(index, range_index_obj));

const kn_type_t kn_type_range = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ,
    .name = KN_Q(range),
    .print = range_print,
    .make_new = range_new,
    .unary_op = range_unary,
    .binary_op = range_binary,
    .attr = range_attr,
    .subscr = range_subscr,
    .getiter = range_getiter,
    .base_type = &kn_type_object,
    .methods = &range_methods,
};

/* ---- slice ---- */

kn_obj kn_slice_new(kn_obj a, kn_obj b, kn_obj c) {
    kn_slice_t *s = KN_NEW(kn_slice_t);
    s->base.type = &kn_type_slice;
    s->start = a;
    s->stop = b;
    s->step = c;
    return KN_OBJ(s);
}

static kn_int_t slice_int(kn_obj o) {
    kn_int_t v;
    if (KN_IS_INT(o) || o == kn_true || o == kn_false) {
        if (!kn_int_fits(o, &v)) return kn_int_sign(o) < 0 ? KN_SMALL_MIN : KN_SMALL_MAX;
        return v;
    }
    return kn_get_int(o);
}

bool kn_slice_indices(kn_obj slice, kn_int_t len, kn_int_t *start, kn_int_t *stop, kn_int_t *step) {
    kn_slice_t *s = KN_PTR(slice);
    kn_int_t st = s->step == kn_none ? 1 : slice_int(s->step);
    if (st == 0) kn_raise_value("slice step cannot be zero");
    kn_int_t a, b;
    if (st > 0) {
        a = s->start == kn_none ? 0 : slice_int(s->start);
        b = s->stop == kn_none ? len : slice_int(s->stop);
        if (a < 0) { a += len; if (a < 0) a = 0; }
        if (a > len) a = len;
        if (b < 0) { b += len; if (b < 0) b = 0; }
        if (b > len) b = len;
    } else {
        a = s->start == kn_none ? len - 1 : slice_int(s->start);
        b = s->stop == kn_none ? -1 : slice_int(s->stop);
        if (a < 0) { a += len; if (a < -1) a = -1; }
        if (a >= len) a = len - 1;
        if (s->stop != kn_none && b < 0) { b += len; if (b < -1) b = -1; }
        if (b >= len) b = len - 1;
    }
    *start = a;
    *stop = b;
    *step = st;
    return true;
}

size_t kn_seq_index_msg(kn_obj index, size_t len, const char *msg) {
    kn_int_t i;
    if (KN_IS_SMALL(index)) {
        i = KN_SMALL(index);
    } else if (index == kn_true || index == kn_false) {
        i = index == kn_true;
    } else if (KN_IS_INT(index)) {
        kn_raise_msg(&kn_type_IndexError, "index out of range");
    } else if (kn_load_attr_maybe(index, KN_Q(__index__)) != KN_NULL) {
        i = kn_get_int(index);
    } else {
        kn_raise_fmt(&kn_type_TypeError, "indices must be integers or slices, not %s", kn_type_cname(index));
    }
    if (i < 0) i += (kn_int_t)len;
    if (i < 0 || i >= (kn_int_t)len) {
        if (msg != NULL) kn_raise_msg(&kn_type_IndexError, msg);
        return SIZE_MAX;
    }
    return (size_t)i;
}

static void slice_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_slice_t *s = KN_PTR(o);
    kn_printf(p, "slice(%r, %r, %r)", s->start, s->stop, s->step);
}

static kn_obj slice_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 3, false);
    if (n == 1) return kn_slice_new(kn_none, args[0], kn_none);
    return kn_slice_new(args[0], args[1], n == 3 ? args[2] : kn_none);
}

static bool slice_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_slice_t *s = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(start)) *dest = s->start;
    else if (name == KN_Q(stop)) *dest = s->stop;
    else if (name == KN_Q(step)) *dest = s->step;
    else return false;
    return true;
}

static kn_obj slice_indices_m(kn_obj self, kn_obj len) {
    kn_int_t a, b, c;
    kn_slice_indices(self, kn_get_int(len), &a, &b, &c);
    kn_obj t[3] = {KN_MKSMALL(a), KN_MKSMALL(b), KN_MKSMALL(c)};
    return kn_tuple_new(3, t);
}
static KN_FUN2(slice_indices_obj, slice_indices_m);
KN_METHODS(slice_methods, KN_METHOD(indices, slice_indices_obj));

static kn_obj slice_binary(int op, kn_obj a, kn_obj b) {
    if ((op == KN_OP_EQ || op == KN_OP_NE) && kn_is_type(b, &kn_type_slice)) {
        kn_slice_t *x = KN_PTR(a), *y = KN_PTR(b);
        bool eq = kn_equal(x->start, y->start) && kn_equal(x->stop, y->stop) && kn_equal(x->step, y->step);
        return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
    }
    return KN_NULL;
}

const kn_type_t kn_type_slice = {
    .base = {&kn_type_type},
    .name = KN_Q(slice),
    .print = slice_print,
    .make_new = slice_new,
    .binary_op = slice_binary,
    .attr = slice_attr,
    .base_type = &kn_type_object,
    .methods = &slice_methods,
};

size_t kn_seq_index(kn_obj index, size_t len, bool raise) {
    return kn_seq_index_msg(index, len, raise ? "index out of range" : NULL);
}
