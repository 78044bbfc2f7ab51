/* obj_float.c: float (double on the host, single precision on MCUs) and its formatting and parsing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libm.h"
#include "state.h"

#if KILN_FLOAT_SINGLE
#define KN_FLOAT_DIGITS 9
#define kn_strtof strtof
#else
#define KN_FLOAT_DIGITS 17
#define kn_strtof strtod
#endif

kn_obj kn_float_new(kn_float_t v) {
    kn_float_obj_t *f = kn_alloc_atomic(sizeof(kn_float_obj_t));
    f->base.type = &kn_type_float;
    f->value = v;
    return KN_OBJ(f);
}

bool kn_try_float(kn_obj o, kn_float_t *out) {
    if (KN_IS_SMALL(o)) {
        *out = (kn_float_t)KN_SMALL(o);
        return true;
    }
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_float) {
        *out = KN_FLOAT(o);
        return true;
    }
    if (t == &kn_type_int) {
        *out = kn_int_to_float(o);
        return true;
    }
    if (t == &kn_type_bool) {
        *out = o == kn_true;
        return true;
    }
    return false;
}

kn_float_t kn_get_float(kn_obj o) {
    kn_float_t f;
    if (kn_try_float(o, &f)) {
        return f;
    }
    kn_obj m = kn_load_attr_maybe(o, KN_Q(__float__));
    if (m != KN_NULL) {
        kn_obj r = kn_call0(m);
        if (kn_try_float(r, &f)) {
            return f;
        }
    }
    kn_raise_fmt(&kn_type_TypeError, "must be real number, not %s", kn_type_cname(o));
}

/* Shortest digit string that reads back as v: returns digits (no dot) and the decimal exponent. */
static int shortest_digits(kn_float_t v, char *digits, int *exp10) {
    char buf[40];
    for (int prec = 1; prec <= KN_FLOAT_DIGITS; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, (double)v);
        if ((kn_float_t)kn_strtof(buf, NULL) == v || prec == KN_FLOAT_DIGITS) {
            break;
        }
    }
    /* buf looks like "d.ddde[+-]XX" */
    int n = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++) {
        if (*p >= '0' && *p <= '9') {
            digits[n++] = *p;
        }
    }
    *exp10 = atoi(p + 1);
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    digits[n] = 0;
    return n;
}

/* Python's repr rules: fixed notation for 1e-4 <= |v| < 1e16, else scientific. */
static void float_repr(kn_vstr_t *out, kn_float_t v) {
    if (isnan(v)) {
        kn_vstr_add(out, "nan", 3);
        return;
    }
    if (isinf(v)) {
        if (v < 0) kn_vstr_addc(out, '-');
        kn_vstr_add(out, "inf", 3);
        return;
    }
    if (signbit(v)) {
        kn_vstr_addc(out, '-');
        v = -v;
    }
    if (v == 0) {
        kn_vstr_add(out, "0.0", 3);
        return;
    }
    char digits[32];
    int e;
    int n = shortest_digits(v, digits, &e);
    int decpt = e + 1;
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            kn_vstr_add(out, "0.", 2);
            for (int i = 0; i < -decpt; i++) kn_vstr_addc(out, '0');
            kn_vstr_add(out, digits, (size_t)n);
        } else if (decpt >= n) {
            kn_vstr_add(out, digits, (size_t)n);
            for (int i = n; i < decpt; i++) kn_vstr_addc(out, '0');
            kn_vstr_add(out, ".0", 2);
        } else {
            kn_vstr_add(out, digits, (size_t)decpt);
            kn_vstr_addc(out, '.');
            kn_vstr_add(out, digits + decpt, (size_t)(n - decpt));
        }
        return;
    }
    kn_vstr_addc(out, digits[0]);
    if (n > 1) {
        kn_vstr_addc(out, '.');
        kn_vstr_add(out, digits + 1, (size_t)(n - 1));
    }
    char eb[12];
    int el = snprintf(eb, sizeof eb, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    kn_vstr_add(out, eb, (size_t)el);
}

void kn_float_format(kn_vstr_t *out, kn_float_t v, char fmt, int prec, bool alt) {
    if (fmt == 'r' || (fmt == 0 && prec < 0)) {
        float_repr(out, v);
        return;
    }
    if (isnan(v) || isinf(v)) {
        if (isinf(v) && v < 0) kn_vstr_addc(out, '-');
        const char *s = isnan(v) ? "nan" : "inf";
        if (fmt == 'E' || fmt == 'F' || fmt == 'G') s = isnan(v) ? "NAN" : "INF";
        kn_vstr_add(out, s, 3);
        return;
    }
    if (fmt == 0) {
        /* Like 'g' but always shows a decimal point or exponent (str.format with only a precision). */
        char f[16];
        snprintf(f, sizeof f, "%%.%dg", prec < 0 ? 12 : (prec == 0 ? 1 : prec));
        char buf[64];
        int n = snprintf(buf, sizeof buf, f, (double)v);
        kn_vstr_add(out, buf, (size_t)n);
        if (!strpbrk(buf, ".eni")) kn_vstr_add(out, ".0", 2);
        return;
    }
    if (prec < 0) prec = 6;
    if (fmt == '%') {
        v *= 100;
        fmt = 'f';
    }
    char f[16];
    snprintf(f, sizeof f, "%%%s.%d%c", alt ? "#" : "", prec, fmt);
    int n = snprintf(NULL, 0, f, (double)v);
    char *p = kn_vstr_extend(out, (size_t)n + 1);
    snprintf(p, (size_t)n + 1, f, (double)v);
    out->len--;
}

void kn_float_print(kn_print_t *p, kn_float_t v) {
    kn_vstr_t s;
    kn_vstr_init(&s, 24);
    float_repr(&s, v);
    p->write(p->ctx, s.buf, s.len);
}

kn_obj kn_float_parse(const char *s, size_t n) {
    char buf[64];
    size_t j = 0;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    if (i == n) return KN_NULL;
    char *big = NULL;
    char *dst = buf;
    if (n - i >= sizeof buf) {
        big = kn_alloc_atomic(n - i + 1);
        dst = big;
    }
    char prev = 0;
    for (; i < n; i++) {
        if (s[i] == '_') {
            if (!(prev >= '0' && prev <= '9') || i + 1 >= n || !(s[i + 1] >= '0' && s[i + 1] <= '9')) return KN_NULL;
            continue;
        }
        prev = s[i];
        dst[j++] = s[i];
    }
    dst[j] = 0;
    /* Accept Python's spellings of the special values. */
    const char *q = dst;
    int sign = 1;
    if (*q == '+' || *q == '-') {
        sign = *q == '-' ? -1 : 1;
        q++;
    }
    char low[16];
    size_t k = 0;
    for (; q[k] && k < sizeof low - 1; k++) low[k] = (char)(q[k] | 0x20);
    low[k] = 0;
    if (strcmp(low, "inf") == 0 || strcmp(low, "infinity") == 0) return kn_float_new((kn_float_t)(sign * INFINITY));
    if (strcmp(low, "nan") == 0) return kn_float_new((kn_float_t)NAN);
    for (const char *c = q; *c; c++) {
        if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '+' || *c == '-')) {
            return KN_NULL;
        }
    }
    char *end;
    double v = strtod(dst, &end);
    if (*end != 0 || end == dst) return KN_NULL;
    return kn_float_new((kn_float_t)v);
}

static kn_float_t fmod_py(kn_float_t a, kn_float_t b) {
    kn_float_t m = (kn_float_t)KN_M(fmod)((kn_real_t)a, (kn_real_t)b);
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    if (m == 0) m = (kn_float_t)copysign(0.0, (double)b);
    return m;
}

kn_obj kn_float_binop(int op, kn_float_t a, kn_float_t b) {
    if (op >= KN_OP_INPLACE) op -= KN_OP_INPLACE;
    switch (op) {
        case KN_OP_ADD: return kn_float_new(a + b);
        case KN_OP_SUB: return kn_float_new(a - b);
        case KN_OP_MUL: return kn_float_new(a * b);
        case KN_OP_TRUEDIV:
            if (b == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "float division by zero");
            return kn_float_new(a / b);
        case KN_OP_FLOORDIV:
            if (b == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "float floor division by zero");
            return kn_float_new((kn_float_t)floor((double)((a - fmod_py(a, b)) / b) + 0.5));
        case KN_OP_MOD:
            if (b == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "float modulo");
            return kn_float_new(fmod_py(a, b));
        case KN_OP_DIVMOD: {
            if (b == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "float divmod()");
            kn_obj pair[2] = {kn_float_new((kn_float_t)floor((double)(a / b))), kn_float_new(fmod_py(a, b))};
            return kn_tuple_new(2, pair);
        }
        case KN_OP_POW:
            if (a == 0 && b < 0) kn_raise_msg(&kn_type_ZeroDivisionError, "0.0 cannot be raised to a negative power");
            if (a < 0 && b != floor((double)b)) {
                return kn_complex_binop(KN_OP_POW, kn_complex_new(a, 0), kn_complex_new(b, 0));
            }
            return kn_float_new((kn_float_t)KN_M(pow)((kn_real_t)a, (kn_real_t)b));
        case KN_OP_LT: return KN_BOOL(a < b);
        case KN_OP_LE: return KN_BOOL(a <= b);
        case KN_OP_GT: return KN_BOOL(a > b);
        case KN_OP_GE: return KN_BOOL(a >= b);
        case KN_OP_EQ: return KN_BOOL(a == b);
        case KN_OP_NE: return KN_BOOL(a != b);
        default: return KN_NULL;
    }
}

static void float_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_float_print(p, KN_FLOAT(o));
}

static kn_obj float_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    if (n == 0) return kn_float_new(0);
    kn_obj x = args[0];
    kn_float_t f;
    if (kn_is_type(x, &kn_type_float)) return x;
    if (kn_try_float(x, &f)) return kn_float_new(f);
    if (KN_IS_STR(x) || kn_is_type(x, &kn_type_bytes)) {
        kn_obj r = kn_float_parse(kn_str_data(x), kn_str_len(x));
        if (r == KN_NULL) kn_raise_fmt(&kn_type_ValueError, "could not convert string to float: %r", x);
        return r;
    }
    return kn_float_new(kn_get_float(x));
}

static kn_obj float_binary(int op, kn_obj a, kn_obj b) {
    kn_float_t fb;
    if (kn_is_type(b, &kn_type_complex)) {
        if (op & KN_OP_REFLECT) return KN_NULL;
        return kn_complex_binop(op, a, b);
    }
    if (!kn_try_float(b, &fb)) return KN_NULL;
    if (op & KN_OP_REFLECT) {
        return kn_float_binop(op & ~KN_OP_REFLECT, fb, KN_FLOAT(a));
    }
    if (!KN_IS_SMALL(b) && kn_is_type(b, &kn_type_int) && op >= KN_OP_LT && op <= KN_OP_GE) {
        /* Exact comparison against big ints: compare as ints when the float is integral. */
        kn_float_t fa = KN_FLOAT(a);
        if (fa == floor((double)fa) && !isinf(fa)) return kn_int_binop(op, kn_int_from_float(fa), b);
    }
    return kn_float_binop(op, KN_FLOAT(a), fb);
}

static kn_obj float_unary(int op, kn_obj a) {
    kn_float_t v = KN_FLOAT(a);
    switch (op) {
        case KN_UOP_POS: return a;
        case KN_UOP_NEG: return kn_float_new(-v);
        case KN_UOP_ABS: return kn_float_new((kn_float_t)fabs((double)v));
        case KN_UOP_BOOL: return KN_BOOL(v != 0);
        case KN_UOP_HASH: {
            if (v == floor((double)v) && fabs((double)v) < 1e15) return kn_int_unop(KN_UOP_HASH, kn_int_from_float(v));
            union { double d; uint64_t u; } u;
            u.d = (double)v;
            return KN_MKSMALL((kn_int_t)((u.u ^ (u.u >> 31)) & 0x3fffffff));
        }
        default: return KN_NULL;
    }
}

static kn_obj float_is_integer(kn_obj self) {
    kn_float_t v = KN_FLOAT(self);
    return KN_BOOL(!isinf(v) && v == floor((double)v));
}
static KN_FUN1(float_is_integer_obj, float_is_integer);

static kn_obj float_as_integer_ratio(kn_obj self) {
    kn_float_t v = KN_FLOAT(self);
    int e;
    double m = frexp((double)v, &e);
    for (int i = 0; i < 300 && m != floor(m); i++) {
        m *= 2;
        e--;
    }
    kn_obj num = kn_int_from_float((kn_float_t)m);
    kn_obj den = KN_MKSMALL(1);
    if (e > 0) num = kn_int_binop(KN_OP_LSHIFT, num, KN_MKSMALL(e));
    else den = kn_int_binop(KN_OP_LSHIFT, den, KN_MKSMALL(-e));
    kn_obj pair[2] = {num, den};
    return kn_tuple_new(2, pair);
}
static KN_FUN1(float_as_integer_ratio_obj, float_as_integer_ratio);

static bool float_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(real)) {
        *dest = o;
        return true;
    }
    if (name == KN_Q(imag)) {
        *dest = kn_float_new(0);
        return true;
    }
    return false;
}

KN_METHODS(float_methods, KN_METHOD(is_integer, float_is_integer_obj),
           KN_METHOD(as_integer_ratio, float_as_integer_ratio_obj));

const kn_type_t kn_type_float = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE,
    .name = KN_Q(float),
    .print = float_print,
    .make_new = float_new,
    .unary_op = float_unary,
    .binary_op = float_binary,
    .attr = float_attr,
    .base_type = &kn_type_object,
    .methods = &float_methods,
};
