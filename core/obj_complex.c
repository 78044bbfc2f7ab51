/* obj_complex.c: complex numbers. */

#include "libm.h"
#include "state.h"

kn_obj kn_complex_new(kn_float_t re, kn_float_t im) {
    kn_complex_t *c = kn_alloc_atomic(sizeof(kn_complex_t));
    c->base.type = &kn_type_complex;
    c->re = re;
    c->im = im;
    return KN_OBJ(c);
}

static bool as_complex(kn_obj o, kn_float_t *re, kn_float_t *im) {
    if (kn_is_type(o, &kn_type_complex)) {
        *re = ((kn_complex_t *)o)->re;
        *im = ((kn_complex_t *)o)->im;
        return true;
    }
    *im = 0;
    return kn_try_float(o, re);
}

kn_obj kn_complex_binop(int op, kn_obj a, kn_obj b) {
    kn_float_t ar, ai, br, bi;
    if (op & KN_OP_REFLECT) {
        kn_obj t = a;
        a = b;
        b = t;
        op &= ~KN_OP_REFLECT;
    }
    if (!as_complex(a, &ar, &ai) || !as_complex(b, &br, &bi)) return KN_NULL;
    if (op >= KN_OP_INPLACE) op -= KN_OP_INPLACE;
    switch (op) {
        case KN_OP_ADD: return kn_complex_new(ar + br, ai + bi);
        case KN_OP_SUB: return kn_complex_new(ar - br, ai - bi);
        case KN_OP_MUL: return kn_complex_new(ar * br - ai * bi, ar * bi + ai * br);
        case KN_OP_TRUEDIV: {
            if (br == 0 && bi == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "complex division by zero");
            /* scale by the larger divisor part to keep precision (Smith's method) */
            if (KN_M(fabs)((kn_real_t)br) >= KN_M(fabs)((kn_real_t)bi)) {
                kn_float_t ratio = bi / br, denom = br + bi * ratio;
                return kn_complex_new((ar + ai * ratio) / denom, (ai - ar * ratio) / denom);
            }
            kn_float_t ratio = br / bi, denom = br * ratio + bi;
            return kn_complex_new((ar * ratio + ai) / denom, (ai * ratio - ar) / denom);
        }
        case KN_OP_POW: {
            if (br == 0 && bi == 0) return kn_complex_new(1, 0);
            if (bi == 0 && br == KN_M(floor)((kn_real_t)br) && KN_M(fabs)((kn_real_t)br) <= 100) {
                /* small integer powers by repeated squaring: exact like CPython */
                long n = (long)br;
                kn_float_t rr = 1, ri = 0, xr = ar, xi = ai;
                for (long k = n < 0 ? -n : n; k > 0; k >>= 1) {
                    if (k & 1) {
                        kn_float_t t = rr * xr - ri * xi;
                        ri = rr * xi + ri * xr;
                        rr = t;
                    }
                    kn_float_t t = xr * xr - xi * xi;
                    xi = 2 * xr * xi;
                    xr = t;
                }
                kn_obj r = kn_complex_new(rr, ri);
                return n < 0 ? kn_complex_binop(KN_OP_TRUEDIV, kn_complex_new(1, 0), r) : r;
            }
            if (ar == 0 && ai == 0) {
                if (bi != 0 || br < 0) kn_raise_msg(&kn_type_ZeroDivisionError, "0.0 to a negative or complex power");
                return kn_complex_new(0, 0);
            }
            kn_real_t logr = KN_M(log)(KN_M(hypot)((kn_real_t)ar, (kn_real_t)ai)), th = KN_M(atan2)((kn_real_t)ai, (kn_real_t)ar);
            kn_real_t mag = KN_M(exp)(logr * (kn_real_t)br - th * (kn_real_t)bi);
            kn_real_t ang = th * (kn_real_t)br + logr * (kn_real_t)bi;
            return kn_complex_new((kn_float_t)(mag * KN_M(cos)(ang)), (kn_float_t)(mag * KN_M(sin)(ang)));
        }
        case KN_OP_EQ: return KN_BOOL(ar == br && ai == bi);
        case KN_OP_NE: return KN_BOOL(ar != br || ai != bi);
        default: return KN_NULL;
    }
}

static void complex_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_complex_t *c = KN_PTR(o);
    kn_vstr_t v;
    kn_vstr_init(&v, 32);
    if (c->re == 0 && !signbit(c->re)) {
        kn_float_format(&v, c->im, 'r', -1, false);
    } else {
        kn_vstr_addc(&v, '(');
        kn_float_format(&v, c->re, 'r', -1, false);
        if (!signbit(c->im) || isnan(c->im)) kn_vstr_addc(&v, '+');
        kn_float_format(&v, c->im, 'r', -1, false);
    }
    /* Integral parts print without ".0" in complex reprs. */
    kn_vstr_t w;
    kn_vstr_init(&w, v.len + 2);
    for (size_t i = 0; i < v.len; i++) {
        if (v.buf[i] == '.' && i + 1 < v.len && v.buf[i + 1] == '0' && (i + 2 == v.len || v.buf[i + 2] == '+' || v.buf[i + 2] == '-')) {
            i++;
            continue;
        }
        kn_vstr_addc(&w, v.buf[i]);
    }
    kn_vstr_addc(&w, 'j');
    if (!(c->re == 0 && !signbit(c->re))) kn_vstr_addc(&w, ')');
    p->write(p->ctx, w.buf, w.len);
}

static kn_obj complex_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 2, false);
    kn_float_t r = 0, i = 0, r2 = 0, i2 = 0;
    if (n >= 1) {
        if (KN_IS_STR(args[0])) {
            kn_raise_value("complex() from str not supported");
        }
        if (!as_complex(args[0], &r, &i)) kn_raise_type("complex() argument must be a number");
    }
    if (n == 2) {
        if (!as_complex(args[1], &r2, &i2)) kn_raise_type("complex() argument must be a number");
    }
    return kn_complex_new(r - i2, i + r2);
}

static kn_obj complex_binary(int op, kn_obj a, kn_obj b) {
    return kn_complex_binop(op, a, b);
}

static kn_obj complex_unary(int op, kn_obj a) {
    kn_complex_t *c = KN_PTR(a);
    switch (op) {
        case KN_UOP_POS: return a;
        case KN_UOP_NEG: return kn_complex_new(-c->re, -c->im);
        case KN_UOP_ABS: return kn_float_new((kn_float_t)KN_M(hypot)((kn_real_t)c->re, (kn_real_t)c->im));
        case KN_UOP_BOOL: return KN_BOOL(c->re != 0 || c->im != 0);
        case KN_UOP_HASH: return KN_MKSMALL((kn_int_t)(c->re * 1000003 + c->im) & 0xffffff);
        default: return KN_NULL;
    }
}

static bool complex_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_complex_t *c = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(real)) {
        *dest = kn_float_new(c->re);
        return true;
    }
    if (name == KN_Q(imag)) {
        *dest = kn_float_new(c->im);
        return true;
    }
    return false;
}

static kn_obj complex_conjugate(kn_obj self) {
    kn_complex_t *c = KN_PTR(self);
    return kn_complex_new(c->re, -c->im);
}
static KN_FUN1(complex_conjugate_obj, complex_conjugate);

KN_METHODS(complex_methods, KN_METHOD(conjugate, complex_conjugate_obj));

const kn_type_t kn_type_complex = {
    .base = {&kn_type_type},
    .name = KN_Q(complex),
    .print = complex_print,
    .make_new = complex_new,
    .unary_op = complex_unary,
    .binary_op = complex_binary,
    .attr = complex_attr,
    .base_type = &kn_type_object,
    .methods = &complex_methods,
};
