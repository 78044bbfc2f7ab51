/* obj_bytearray.c: bytearray (mutable bytes) and memoryview (a window on a buffer). */
#include <string.h>

#include "state.h"

typedef struct { kn_base_t base; size_t len, cap; uint8_t *data; kn_obj obj; bool readonly; } memview_t;

kn_obj kn_bytearray_new(size_t n, const uint8_t *data) {
    kn_bytearray_t *b = KN_NEW(kn_bytearray_t);
    b->base.type = &kn_type_bytearray;
    b->cap = n < 8 ? 8 : n;
    b->data = kn_alloc_atomic(b->cap);
    b->len = n;
    if (data != NULL) memcpy(b->data, data, n);
    return KN_OBJ(b);
}

static void ba_reserve(kn_bytearray_t *b, size_t n) {
    if (n <= b->cap) return;
    size_t nc = b->cap * 2 > n ? b->cap * 2 : n;
    b->data = kn_realloc(b->data, b->cap, nc);
    b->cap = nc;
}

static void ba_print(kn_print_t *p, kn_obj o, int repr) {
    kn_bytearray_t *b = KN_PTR(o);
    bool mv = kn_is_type(o, &kn_type_memoryview);
    if (mv) {
        kn_printf(p, "<memory at 0x%u>", (unsigned)(uintptr_t)o);
        return;
    }
    kn_print_str(p, "bytearray(");
    kn_print_obj(p, kn_bytes_new((const char *)b->data, b->len), repr);
    kn_print_str(p, ")");
}

static kn_obj ba_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 3, false);
    if (n == 0) return kn_bytearray_new(0, NULL);
    if (KN_IS_STR(args[0])) return kn_bytearray_new(kn_str_len(args[0]), (const uint8_t *)kn_str_data(args[0]));
    return kn_bytes_from_obj(args[0], &kn_type_bytearray);
}

static kn_obj mv_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 1, 1, false);
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(args[0], &d, &len)) kn_raise_type("memoryview: a bytes-like object is required");
    memview_t *m = KN_NEW(memview_t);
    m->base.type = &kn_type_memoryview;
    m->data = (uint8_t *)d;
    m->len = len;
    m->obj = args[0];
    m->readonly = !kn_is_type(args[0], &kn_type_bytearray);
    return KN_OBJ(m);
}

static kn_obj ba_unary(int op, kn_obj o) {
    kn_bytearray_t *b = KN_PTR(o);
    if (op == KN_UOP_LEN) return KN_MKSMALL((kn_int_t)b->len);
    if (op == KN_UOP_BOOL) return KN_BOOL(b->len != 0);
    return KN_NULL;
}

static kn_obj ba_binary(int op, kn_obj a, kn_obj b) {
    kn_bytearray_t *x = KN_PTR(a);
    const uint8_t *d;
    size_t n;
    if (op & KN_OP_REFLECT) return (op & ~KN_OP_REFLECT) == KN_OP_MUL ? ba_binary(KN_OP_MUL, a, b) : KN_NULL;
    switch (op) {
        case KN_OP_MUL:
        case KN_OP_INPLACE + KN_OP_MUL: {
            if (kn_is_type(a, &kn_type_memoryview) || !(KN_IS_INT(b) || b == kn_true || b == kn_false)) return KN_NULL;
            kn_int_t k = b == kn_true ? 1 : b == kn_false ? 0 : kn_get_int(b);
            size_t len = x->len;
            if (k < 0) k = 0;
            if (len != 0 && (size_t)k > ((size_t)1 << 30) / len) kn_raise(kn_st.memory_error);
            size_t total = len * (size_t)k;
            kn_obj r = op == KN_OP_MUL ? kn_bytearray_new(total, NULL) : a;
            kn_bytearray_t *rb = KN_PTR(r);
            if (op != KN_OP_MUL) ba_reserve(x, total);
            for (kn_int_t i = 1; i < k; i++) memcpy(rb->data + (size_t)i * len, x->data, len);
            if (k > 0) memmove(rb->data, x->data, len);
            rb->len = total;
            return r;
        }
        case KN_OP_ADD:
        case KN_OP_INPLACE + KN_OP_ADD: {
            if (!kn_get_buffer(b, &d, &n) || KN_IS_STR(b)) return KN_NULL;
            if (op == KN_OP_ADD) {
                kn_obj r = kn_bytearray_new(x->len + n, NULL);
                kn_bytearray_t *rb = KN_PTR(r);
                memcpy(rb->data, x->data, x->len);
                memcpy(rb->data + x->len, d, n);
                return r;
            }
            ba_reserve(x, x->len + n);
            memmove(x->data + x->len, d, n);
            x->len += n;
            return a;
        }
        case KN_OP_EQ:
        case KN_OP_NE: {
            if (!kn_get_buffer(b, &d, &n) || KN_IS_STR(b)) return KN_NULL;
            bool eq = n == x->len && memcmp(d, x->data, n) == 0;
            return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
        }
        case KN_OP_CONTAINS:
            if (KN_IS_INT(b)) return KN_BOOL(memchr(x->data, (int)kn_get_int(b), x->len) != NULL);
            if (!kn_get_buffer(b, &d, &n)) return KN_NULL;
            for (size_t i = 0; i + n <= x->len; i++) {
                if (memcmp(x->data + i, d, n) == 0) return kn_true;
            }
            return kn_false;
        default:
            return KN_NULL;
    }
}

static kn_obj ba_subscr(kn_obj o, kn_obj index, kn_obj value) {
    kn_bytearray_t *b = KN_PTR(o);
    bool mv = kn_is_type(o, &kn_type_memoryview);
    if (kn_is_type(index, &kn_type_slice)) {
        kn_int_t start, stop, step;
        kn_slice_indices(index, (kn_int_t)b->len, &start, &stop, &step);
        if (stop < start) stop = start;
        if (value == KN_LOAD) {
            if (step != 1) {
                kn_vstr_t v;
                kn_vstr_init(&v, 16);
                for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) kn_vstr_addc(&v, (char)b->data[i]);
                return kn_bytearray_new(v.len, (const uint8_t *)v.buf);
            }
            if (mv) {
                memview_t *m = KN_NEW(memview_t);
                *m = *(memview_t *)o;
                m->data = b->data + start;
                m->len = (size_t)(stop - start);
                return KN_OBJ(m);
            }
            return kn_bytearray_new((size_t)(stop - start), b->data + start);
        }
        if (step != 1) kn_raise_msg(&kn_type_NotImplementedError, "extended slice assignment");
        const uint8_t *d = NULL;
        size_t n = 0;
        kn_obj src = value;
        if (value != KN_NULL && !kn_get_buffer(value, &d, &n)) {
            src = kn_bytes_from_obj(value, &kn_type_bytes);
            kn_get_buffer(src, &d, &n);
        }
        size_t old = (size_t)(stop - start);
        if (mv) {
            if (n != old) kn_raise_value("memoryview assignment: lvalue and rvalue have different structures");
            memmove(b->data + start, d, n);
            return kn_none;
        }
        /* Copy the source first: it may alias this bytearray. */
        uint8_t *tmp = kn_alloc_atomic(n + 1);
        if (n) memcpy(tmp, d, n);
        size_t newlen = b->len - old + n;
        ba_reserve(b, newlen);
        memmove(b->data + start + n, b->data + stop, b->len - (size_t)stop);
        memcpy(b->data + start, tmp, n);
        b->len = newlen;
        return kn_none;
    }
    size_t i = kn_seq_index(index, b->len, true);
    if (value == KN_LOAD) return KN_MKSMALL(b->data[i]);
    if (value == KN_NULL) {
        if (mv) kn_raise_type("cannot delete memory");
        memmove(b->data + i, b->data + i + 1, b->len - i - 1);
        b->len--;
        return kn_none;
    }
    if (mv && ((memview_t *)o)->readonly) kn_raise_type("cannot modify read-only memory");
    kn_int_t v = kn_get_int(value);
    if (v < 0 || v > 255) kn_raise_value("byte must be in range(0, 256)");
    b->data[i] = (uint8_t)v;
    return kn_none;
}

typedef struct { kn_base_t base; kn_obj ba; size_t pos; } ba_iter_t;

static kn_obj ba_iternext(kn_obj it) {
    ba_iter_t *s = KN_PTR(it);
    kn_bytearray_t *b = KN_PTR(s->ba);
    if (s->pos >= b->len) return KN_STOP;
    return KN_MKSMALL(b->data[s->pos++]);
}

static const kn_type_t ba_iter_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = ba_iternext,
    .base_type = &kn_type_object,
};

static kn_obj ba_getiter(kn_obj o) {
    ba_iter_t *it = KN_NEW(ba_iter_t);
    it->base.type = &ba_iter_type;
    it->ba = o;
    return KN_OBJ(it);
}

static kn_obj ba_append(kn_obj self, kn_obj v) {
    kn_bytearray_t *b = KN_PTR(self);
    kn_int_t x = kn_get_int(v);
    if (x < 0 || x > 255) kn_raise_value("byte must be in range(0, 256)");
    ba_reserve(b, b->len + 1);
    b->data[b->len++] = (uint8_t)x;
    return kn_none;
}
static KN_FUN2(ba_append_obj, ba_append);

static kn_obj ba_extend(kn_obj self, kn_obj v) {
    ba_binary(KN_OP_INPLACE + KN_OP_ADD, self, kn_is_type(v, &kn_type_bytes) || kn_is_type(v, &kn_type_bytearray) ? v : kn_bytes_from_obj(v, &kn_type_bytes));
    return kn_none;
}
static KN_FUN2(ba_extend_obj, ba_extend);

static kn_obj ba_decode(size_t n, const kn_obj *args) {
    (void)n;
    kn_bytearray_t *b = KN_PTR(args[0]);
    return kn_str_new((const char *)b->data, b->len);
}
static KN_FUNV(ba_decode_obj, 1, 3, ba_decode);

static kn_obj ba_pop(size_t n, const kn_obj *args) {
    kn_bytearray_t *b = KN_PTR(args[0]);
    kn_int_t i = n > 1 ? kn_get_int(args[1]) : -1;
    if (b->len == 0) kn_raise_msg(&kn_type_IndexError, "pop from empty bytearray");
    size_t k = kn_seq_index(KN_MKSMALL(i), b->len, true);
    uint8_t v = b->data[k];
    memmove(b->data + k, b->data + k + 1, b->len - k - 1);
    b->len--;
    return KN_MKSMALL(v);
}
static KN_FUNV(ba_pop_obj, 1, 2, ba_pop);

static kn_obj mv_tobytes(kn_obj self) {
    kn_bytearray_t *b = KN_PTR(self);
    return kn_bytes_new((const char *)b->data, b->len);
}
static KN_FUN1(mv_tobytes_obj, mv_tobytes);

extern const kn_natfun_t kn_bytes_hex_obj;
extern const kn_wrap_t kn_bytes_fromhex_obj;

KN_METHODS(ba_methods, KN_METHOD(append, ba_append_obj), KN_METHOD(extend, ba_extend_obj),
           KN_METHOD(decode, ba_decode_obj), KN_METHOD(hex, kn_bytes_hex_obj), KN_METHOD(pop, ba_pop_obj),
           KN_METHOD(fromhex, kn_bytes_fromhex_obj));
KN_METHODS(mv_methods, KN_METHOD(tobytes, mv_tobytes_obj), KN_METHOD(hex, kn_bytes_hex_obj));

const kn_type_t kn_type_bytearray = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ,
    .name = KN_Q(bytearray),
    .print = ba_print,
    .make_new = ba_new,
    .unary_op = ba_unary,
    .binary_op = ba_binary,
    .subscr = ba_subscr,
    .getiter = ba_getiter,
    .base_type = &kn_type_object,
    .methods = &ba_methods,
};

const kn_type_t kn_type_memoryview = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ,
    .name = KN_Q(memoryview),
    .print = ba_print,
    .make_new = mv_new,
    .unary_op = ba_unary,
    .binary_op = ba_binary,
    .subscr = ba_subscr,
    .getiter = ba_getiter,
    .base_type = &kn_type_object,
    .methods = &mv_methods,
};
