/* obj_range.c: range and slice objects and sequence index normalisation. */
#include "state.h"

kn_obj kn_range_new(kn_int_t a, kn_int_t b, kn_int_t c) {
    kn_range_t *r = KN_NEW(kn_range_t);
    r->base.type = &kn_type_range;
    r->start = a;
    r->stop = b;
    r->step = c;
    return KN_OBJ(r);
}

static kn_int_t range_len(const kn_range_t *r) {
    if (r->step > 0 && r->start < r->stop) return (r->stop - r->start + r->step - 1) / r->step;
    if (r->step < 0 && r->start > r->stop) return (r->start - r->stop - r->step - 1) / (-r->step);
    return 0;
}

static kn_obj range_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 3, false);
    kn_int_t a = 0, b, c = 1;
    if (n == 1) {
        b = kn_get_int(args[0]);
    } else {
        a = kn_get_int(args[0]);
        b = kn_get_int(args[1]);
        if (n == 3) c = kn_get_int(args[2]);
    }
    if (c == 0) kn_raise_value("range() arg 3 must not be zero");
    return kn_range_new(a, b, c);
}

static void range_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_range_t *r = KN_PTR(o);
    if (r->step == 1) kn_printf(p, "range(%r, %r)", KN_MKSMALL(r->start), KN_MKSMALL(r->stop));
    else kn_printf(p, "range(%r, %r, %r)", KN_MKSMALL(r->start), KN_MKSMALL(r->stop), KN_MKSMALL(r->step));
}

static kn_obj range_unary(int op, kn_obj o) {
    kn_range_t *r = KN_PTR(o);
    if (op == KN_UOP_LEN) return KN_MKSMALL(range_len(r));
    if (op == KN_UOP_BOOL) return KN_BOOL(range_len(r) != 0);
    return KN_NULL;
}

static kn_obj range_binary(int op, kn_obj a, kn_obj b) {
    kn_range_t *r = KN_PTR(a);
    if (op == KN_OP_CONTAINS) {
        if (!KN_IS_SMALL(b)) return KN_NULL;
        kn_int_t v = KN_SMALL(b);
        if (r->step > 0 ? (v < r->start || v >= r->stop) : (v > r->start || v <= r->stop)) return kn_false;
        return KN_BOOL((v - r->start) % r->step == 0);
    }
    if (op == KN_OP_EQ || op == KN_OP_NE) {
        if (!kn_is_type(b, &kn_type_range)) return KN_NULL;
        kn_range_t *s = KN_PTR(b);
        kn_int_t la = range_len(r), lb = range_len(s);
        bool eq = la == lb && (la == 0 || (r->start == s->start && (la == 1 || r->step == s->step)));
        return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
    }
    return KN_NULL;
}

static kn_obj range_subscr(kn_obj o, kn_obj index, kn_obj value) {
    kn_range_t *r = KN_PTR(o);
    if (value != KN_LOAD) kn_raise_type("'range' object does not support item assignment");
    kn_int_t len = range_len(r);
    if (kn_is_type(index, &kn_type_slice)) {
        kn_int_t start, stop, step;
        kn_slice_indices(index, len, &start, &stop, &step);
        return kn_range_new(r->start + start * r->step, r->start + stop * r->step, r->step * step);
    }
    size_t i = kn_seq_index_msg(index, (size_t)len, "range object index out of range");
    return kn_int_from(r->start + (kn_int_t)i * r->step);
}

typedef struct { kn_base_t base; kn_int_t cur, stop, step; } range_iter_t;

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

static kn_obj range_getiter(kn_obj o) {
    kn_range_t *r = KN_PTR(o);
    range_iter_t *it = KN_NEW(range_iter_t);
    it->base.type = &kn_type_range_iter;
    it->cur = r->start;
    it->stop = r->stop;
    it->step = r->step;
    return KN_OBJ(it);
}

static bool range_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_range_t *r = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(start)) *dest = KN_MKSMALL(r->start);
    else if (name == KN_Q(stop)) *dest = KN_MKSMALL(r->stop);
    else if (name == KN_Q(step)) *dest = KN_MKSMALL(r->step);
    else return false;
    return true;
}

static kn_obj range_index(kn_obj self, kn_obj v) {
    kn_range_t *r = KN_PTR(self);
    if (kn_truthy(range_binary(KN_OP_CONTAINS, self, v))) return KN_MKSMALL((KN_SMALL(v) - r->start) / r->step);
    kn_raise_value("value not in range");
}
static KN_FUN2(range_index_obj, range_index);

static kn_obj range_count(kn_obj self, kn_obj v) {
    return KN_MKSMALL(kn_truthy(range_binary(KN_OP_CONTAINS, self, v)) ? 1 : 0);
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
