/* mod_array.c: array.array: typed, packed numeric arrays (b B h H i I l L q Q f d) over a growable buffer. */
#include <string.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

/* Starts like kn_bytearray_t (len/cap in bytes) so the buffer protocol can read it. */
typedef struct {
    kn_base_t base;
    size_t len, cap;
    uint8_t *data;
    char typecode;
} array_t;

extern const kn_type_t kn_type_array;

static size_t itemsize(char tc) {
    switch (tc) {
        case 'b': case 'B': return 1;
        case 'h': case 'H': return 2;
        case 'i': case 'I': case 'l': case 'L': case 'f': return 4;
        case 'q': case 'Q': case 'd': return 8;
        default: kn_raise_value("bad typecode (must be b, B, h, H, i, I, l, L, q, Q, f or d)");
    }
}

static kn_obj get_item(const array_t *a, size_t i) {
    const uint8_t *p = a->data + i * itemsize(a->typecode);
    switch (a->typecode) {
        case 'f': {
            float f;
            memcpy(&f, p, 4);
            return kn_float_new((kn_float_t)f);
        }
        case 'd': {
            double d;
            memcpy(&d, p, 8);
            return kn_float_new((kn_float_t)d);
        }
        default: {
            char tc = a->typecode;
            bool is_signed = tc == 'b' || tc == 'h' || tc == 'i' || tc == 'l' || tc == 'q';
            return kn_int_from_bytes(p, itemsize(tc), true, is_signed);
        }
    }
}

static void set_item(array_t *a, size_t i, kn_obj v) {
    uint8_t *p = a->data + i * itemsize(a->typecode);
    char tc = a->typecode;
    if (tc == 'f') {
        float f = (float)kn_get_float(v);
        memcpy(p, &f, 4);
        return;
    }
    if (tc == 'd') {
        double d = (double)kn_get_float(v);
        memcpy(p, &d, 8);
        return;
    }
    if (!KN_IS_INT(v) && v != kn_true && v != kn_false) kn_raise_type("an integer is required");
    size_t sz = itemsize(tc);
    bool is_signed = tc == 'b' || tc == 'h' || tc == 'i' || tc == 'l' || tc == 'q';
    if (sz < 8) {
        long long x = kn_get_ll(v);
        long long lo = is_signed ? -(1ll << (sz * 8 - 1)) : 0;
        long long hi = is_signed ? (1ll << (sz * 8 - 1)) - 1 : (1ll << (sz * 8)) - 1;
        if (x < lo || x > hi) kn_raise_msg(&kn_type_OverflowError, "value out of range for array typecode");
    }
    kn_int_to_bytes(v, p, sz, true);
}

static void reserve(array_t *a, size_t bytes) {
    if (bytes <= a->cap) return;
    size_t nc = a->cap * 2 > bytes ? a->cap * 2 : bytes;
    a->data = kn_realloc(a->data, a->cap, nc);
    a->cap = nc;
}

static void append(array_t *a, kn_obj v) {
    size_t sz = itemsize(a->typecode);
    reserve(a, a->len + sz);
    a->len += sz;
    set_item(a, a->len / sz - 1, v);
}

static void extend(array_t *a, kn_obj it) {
    if (kn_is_type(it, &kn_type_array) && ((array_t *)it)->typecode == a->typecode) {
        array_t *b = KN_PTR(it);
        reserve(a, a->len + b->len);
        memmove(a->data + a->len, b->data, b->len);
        a->len += b->len;
        return;
    }
    kn_obj iter = kn_getiter(it), v;
    while ((v = kn_iternext(iter)) != KN_STOP) append(a, v);
}

static array_t *new_array(char tc) {
    itemsize(tc);
    array_t *a = KN_NEW(array_t);
    a->base.type = &kn_type_array;
    a->typecode = tc;
    a->cap = 16;
    a->data = kn_alloc_atomic(a->cap);
    return a;
}

static kn_obj array_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 2, false);
    if (!KN_IS_STR(args[0]) || kn_str_len(args[0]) != 1) kn_raise_type("array() argument 1 must be a unicode character");
    array_t *a = new_array(kn_str_data(args[0])[0]);
    if (n == 2) {
        const uint8_t *d;
        size_t len;
        if ((kn_is_type(args[1], &kn_type_bytes) || kn_is_type(args[1], &kn_type_bytearray)) && kn_get_buffer(args[1], &d, &len)) {
            if (len % itemsize(a->typecode)) kn_raise_value("bytes length not a multiple of item size");
            reserve(a, len);
            memcpy(a->data, d, len);
            a->len = len;
        } else {
            extend(a, args[1]);
        }
    }
    return KN_OBJ(a);
}

static size_t count(const array_t *a) {
    return a->len / itemsize(a->typecode);
}

static void array_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    array_t *a = KN_PTR(o);
    kn_printf(p, "array('%c'", a->typecode);
    size_t n = count(a);
    if (n > 0) {
        kn_print_str(p, ", [");
        for (size_t i = 0; i < n; i++) {
            if (i) kn_print_str(p, ", ");
            kn_print_obj(p, get_item(a, i), 1);
        }
        kn_print_str(p, "]");
    }
    kn_print_str(p, ")");
}

static kn_obj array_unary(int op, kn_obj o) {
    array_t *a = KN_PTR(o);
    if (op == KN_UOP_LEN) return KN_MKSMALL((kn_int_t)count(a));
    if (op == KN_UOP_BOOL) return KN_BOOL(a->len != 0);
    return KN_NULL;
}

static kn_obj array_subscr(kn_obj o, kn_obj index, kn_obj value) {
    array_t *a = KN_PTR(o);
    size_t n = count(a);
    if (kn_is_type(index, &kn_type_slice)) {
        if (value != KN_LOAD) kn_raise_msg(&kn_type_NotImplementedError, "array slice assignment");
        kn_int_t start, stop, step;
        kn_slice_indices(index, (kn_int_t)n, &start, &stop, &step);
        array_t *r = new_array(a->typecode);
        for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) append(r, get_item(a, (size_t)i));
        return KN_OBJ(r);
    }
    size_t i = kn_seq_index_msg(index, n, "array index out of range");
    if (value == KN_LOAD) return get_item(a, i);
    if (value == KN_NULL) {
        size_t sz = itemsize(a->typecode);
        memmove(a->data + i * sz, a->data + (i + 1) * sz, a->len - (i + 1) * sz);
        a->len -= sz;
        return kn_none;
    }
    set_item(a, i, value);
    return kn_none;
}

static kn_obj array_binary(int op, kn_obj x, kn_obj y) {
    array_t *a = KN_PTR(x);
    if (op == KN_OP_ADD || op == KN_OP_INPLACE + KN_OP_ADD) {
        if (!kn_is_type(y, &kn_type_array)) return KN_NULL;
        array_t *r = op == KN_OP_ADD ? new_array(a->typecode) : a;
        if (op == KN_OP_ADD) extend(r, x);
        extend(r, y);
        return KN_OBJ(r);
    }
    if (op == KN_OP_EQ || op == KN_OP_NE) {
        bool eq;
        if (kn_is_type(y, &kn_type_array)) {
            array_t *b = KN_PTR(y);
            eq = count(a) == count(b);
            for (size_t i = 0; eq && i < count(a); i++) eq = kn_equal(get_item(a, i), get_item(b, i));
        } else {
            return KN_NULL;
        }
        return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
    }
    if (op == KN_OP_CONTAINS) {
        for (size_t i = 0; i < count(a); i++) {
            if (kn_equal(get_item(a, i), y)) return kn_true;
        }
        return kn_false;
    }
    return KN_NULL;
}

typedef struct { kn_base_t base; kn_obj arr; size_t pos; } array_iter_t;

static kn_obj array_iternext(kn_obj it) {
    array_iter_t *ai = KN_PTR(it);
    array_t *a = KN_PTR(ai->arr);
    if (ai->pos >= count(a)) return KN_STOP;
    return get_item(a, ai->pos++);
}

static const kn_type_t array_iter_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = array_iternext,
    .base_type = &kn_type_object,
};

static kn_obj array_getiter(kn_obj o) {
    array_iter_t *it = KN_NEW(array_iter_t);
    it->base.type = &array_iter_type;
    it->arr = o;
    return KN_OBJ(it);
}

static kn_obj array_append_m(kn_obj self, kn_obj v) {
    append(KN_PTR(self), v);
    return kn_none;
}
static KN_FUN2(array_append_obj, array_append_m);

static kn_obj array_extend_m(kn_obj self, kn_obj v) {
    extend(KN_PTR(self), v);
    return kn_none;
}
static KN_FUN2(array_extend_obj, array_extend_m);

static kn_obj array_tobytes(kn_obj self) {
    array_t *a = KN_PTR(self);
    return kn_bytes_new((const char *)a->data, a->len);
}
static KN_FUN1(array_tobytes_obj, array_tobytes);

static kn_obj array_tolist(kn_obj self) {
    array_t *a = KN_PTR(self);
    kn_obj l = kn_list_new(0, NULL);
    for (size_t i = 0; i < count(a); i++) kn_list_append(l, get_item(a, i));
    return l;
}
static KN_FUN1(array_tolist_obj, array_tolist);

static kn_obj array_frombytes(kn_obj self, kn_obj b) {
    array_t *a = KN_PTR(self);
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(b, &d, &len)) kn_raise_type("a bytes-like object is required");
    if (len % itemsize(a->typecode)) kn_raise_value("bytes length not a multiple of item size");
    reserve(a, a->len + len);
    memcpy(a->data + a->len, d, len);
    a->len += len;
    return kn_none;
}
static KN_FUN2(array_frombytes_obj, array_frombytes);

static kn_obj array_pop(size_t n, const kn_obj *args) {
    array_t *a = KN_PTR(args[0]);
    if (a->len == 0) kn_raise_msg(&kn_type_IndexError, "pop from empty array");
    kn_int_t i = n > 1 ? kn_get_int(args[1]) : -1;
    size_t k = kn_seq_index_msg(KN_MKSMALL(i), count(a), "pop index out of range");
    kn_obj v = get_item(a, k);
    array_subscr(args[0], KN_MKSMALL((kn_int_t)k), KN_NULL);
    return v;
}
static KN_FUNV(array_pop_obj, 1, 2, array_pop);

static bool array_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    array_t *a = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(typecode)) {
        char tc = a->typecode;
        *dest = kn_str_new(&tc, 1);
        return true;
    }
    if (name == KN_Q(itemsize)) {
        *dest = KN_MKSMALL((kn_int_t)itemsize(a->typecode));
        return true;
    }
    return false;
}

KN_METHODS(array_methods, KN_METHOD(append, array_append_obj), KN_METHOD(extend, array_extend_obj),
           KN_METHOD(tobytes, array_tobytes_obj), KN_METHOD(tolist, array_tolist_obj),
           KN_METHOD(frombytes, array_frombytes_obj), KN_METHOD(pop, array_pop_obj));

const kn_type_t kn_type_array = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ,
    .name = KN_Q(array),
    .print = array_print,
    .make_new = array_new,
    .unary_op = array_unary,
    .binary_op = array_binary,
    .attr = array_attr,
    .subscr = array_subscr,
    .getiter = array_getiter,
    .base_type = &kn_type_object,
    .methods = &array_methods,
};

static const kn_method_t array_table[] = {
    {KN_Q(array), KN_OBJ(&kn_type_array)},
};

kn_obj kn_mod_array_init(void) {
    return kn_module_from_table(KN_Q(array), array_table, 1);
}
