/* mod_math.c: the math module. */

#include "libm.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#ifndef M_E
#define M_E 2.71828182845904523536
#endif

static kn_real_t gamma_fn(kn_real_t x);

static kn_float_t arg_f(kn_obj o) {
    return kn_get_float(o);
}

static kn_obj check(kn_real_t r, kn_real_t x) {
    if (isnan(r) && !isnan(x)) kn_raise_value("math domain error");
    if (isinf(r) && !isinf(x)) kn_raise_msg(&kn_type_OverflowError, "math range error");
    return kn_float_new((kn_float_t)r);
}

#define MATH_FUN1(name, expr)                          \
    static kn_obj math_##name(kn_obj a) {              \
        kn_real_t x = (kn_real_t)arg_f(a);                   \
        return check(expr, x);                         \
    }                                                  \
    static KN_FUN1(math_##name##_obj, math_##name)

MATH_FUN1(sin, KN_M(sin)(x));
MATH_FUN1(cos, KN_M(cos)(x));
MATH_FUN1(tan, KN_M(tan)(x));
MATH_FUN1(asin, KN_M(asin)(x));
MATH_FUN1(acos, KN_M(acos)(x));
MATH_FUN1(atan, KN_M(atan)(x));
MATH_FUN1(sinh, KN_M(sinh)(x));
MATH_FUN1(cosh, KN_M(cosh)(x));
MATH_FUN1(tanh, KN_M(tanh)(x));
MATH_FUN1(asinh, KN_M(asinh)(x));
MATH_FUN1(acosh, KN_M(acosh)(x));
MATH_FUN1(atanh, KN_M(atanh)(x));
MATH_FUN1(exp, KN_M(exp)(x));
MATH_FUN1(expm1, KN_M(expm1)(x));
MATH_FUN1(log2, x <= 0 ? NAN : KN_M(log2)(x));
MATH_FUN1(log10, x <= 0 ? NAN : KN_M(log10)(x));
MATH_FUN1(log1p, x <= -1 ? NAN : KN_M(log1p)(x));
MATH_FUN1(fabs, KN_M(fabs)(x));
MATH_FUN1(erf, KN_M(erf)(x));
MATH_FUN1(erfc, KN_M(erfc)(x));
MATH_FUN1(gamma, gamma_fn(x));
MATH_FUN1(lgamma, KN_M(lgamma)(x));
MATH_FUN1(degrees, x * 180.0 / M_PI);
MATH_FUN1(radians, x * M_PI / 180.0);

static kn_real_t gamma_fn(kn_real_t x) {
    if (x <= 0 && x == KN_M(floor)(x)) return NAN;
    return KN_M(tgamma)(x);
}

static kn_obj math_sqrt(kn_obj a) {
    kn_real_t x = (kn_real_t)arg_f(a);
    if (x < 0) kn_raise_value("math domain error");
    return kn_float_new((kn_float_t)KN_M(sqrt)(x));
}
static KN_FUN1(math_sqrt_obj, math_sqrt);

static kn_obj math_log(size_t n, const kn_obj *args) {
    kn_real_t x;
    if (KN_IS_INT(args[0]) && !KN_IS_SMALL(args[0]) && kn_int_sign(args[0]) > 0) {
        /* big ints: KN_M(log)(m * 2**e) */
        size_t bits = kn_int_bit_length(args[0]);
        size_t shift = bits > 60 ? bits - 60 : 0;
        kn_obj top = kn_int_binop(KN_OP_RSHIFT, args[0], KN_MKSMALL((kn_int_t)shift));
        x = KN_M(log)((kn_real_t)kn_int_to_float(top)) + (kn_real_t)shift * KN_M(log)(2.0);
    } else {
        kn_real_t v = (kn_real_t)arg_f(args[0]);
        if (v <= 0) kn_raise_value("math domain error");
        x = KN_M(log)(v);
    }
    if (n == 2) {
        kn_real_t b = (kn_real_t)arg_f(args[1]);
        if (b <= 0 || b == 1) kn_raise_value("math domain error");
        x /= KN_M(log)(b);
    }
    return kn_float_new((kn_float_t)x);
}
static KN_FUNV(math_log_obj, 1, 2, math_log);

static kn_obj math_pow(kn_obj a, kn_obj b) {
    kn_real_t x = (kn_real_t)arg_f(a), y = (kn_real_t)arg_f(b);
    if (x == 0 && y < 0) kn_raise_value("math domain error");
    return check(KN_M(pow)(x, y), x);
}
static KN_FUN2(math_pow_obj, math_pow);

static kn_obj math_atan2(kn_obj a, kn_obj b) {
    return kn_float_new((kn_float_t)KN_M(atan2)((kn_real_t)arg_f(a), (kn_real_t)arg_f(b)));
}
static KN_FUN2(math_atan2_obj, math_atan2);

static kn_obj math_hypot(size_t n, const kn_obj *args) {
    kn_real_t acc = 0;
    for (size_t i = 0; i < n; i++) acc = KN_M(hypot)(acc, (kn_real_t)arg_f(args[i]));
    return kn_float_new((kn_float_t)acc);
}
static KN_FUNV(math_hypot_obj, 0, 0xffff, math_hypot);

static kn_obj math_copysign(kn_obj a, kn_obj b) {
    return kn_float_new((kn_float_t)KN_M(copysign)((kn_real_t)arg_f(a), (kn_real_t)arg_f(b)));
}
static KN_FUN2(math_copysign_obj, math_copysign);

static kn_obj math_fmod(kn_obj a, kn_obj b) {
    kn_real_t y = (kn_real_t)arg_f(b);
    if (y == 0) kn_raise_value("math domain error");
    return kn_float_new((kn_float_t)KN_M(fmod)((kn_real_t)arg_f(a), y));
}
static KN_FUN2(math_fmod_obj, math_fmod);

static kn_obj to_int_result(kn_real_t r) {
    if (isinf(r)) kn_raise_msg(&kn_type_OverflowError, "cannot convert float infinity to integer");
    if (isnan(r)) kn_raise_value("cannot convert float NaN to integer");
    return kn_int_from_float((kn_float_t)r);
}

static kn_obj math_floor(kn_obj a) {
    if (KN_IS_INT(a)) return a;
    if ((kn_typeof(a)->flags & KN_TF_USER)) return kn_call_method(a, KN_Q(__floor__), 0, NULL);
    return to_int_result(KN_M(floor)((kn_real_t)arg_f(a)));
}
static KN_FUN1(math_floor_obj, math_floor);

static kn_obj math_ceil(kn_obj a) {
    if (KN_IS_INT(a)) return a;
    if ((kn_typeof(a)->flags & KN_TF_USER)) return kn_call_method(a, KN_Q(__ceil__), 0, NULL);
    return to_int_result(KN_M(ceil)((kn_real_t)arg_f(a)));
}
static KN_FUN1(math_ceil_obj, math_ceil);

static kn_obj math_trunc(kn_obj a) {
    if (KN_IS_INT(a)) return a;
    return to_int_result(KN_M(trunc)((kn_real_t)arg_f(a)));
}
static KN_FUN1(math_trunc_obj, math_trunc);

static kn_obj math_isnan(kn_obj a) { return KN_BOOL(isnan(arg_f(a))); }
static kn_obj math_isinf(kn_obj a) { return KN_BOOL(isinf(arg_f(a))); }
static kn_obj math_isfinite(kn_obj a) { return KN_BOOL(isfinite(arg_f(a))); }
static KN_FUN1(math_isnan_obj, math_isnan);
static KN_FUN1(math_isinf_obj, math_isinf);
static KN_FUN1(math_isfinite_obj, math_isfinite);

static kn_obj math_modf(kn_obj a) {
    kn_real_t ip;
    kn_real_t fp = KN_M(modf)((kn_real_t)arg_f(a), &ip);
    kn_obj t[2] = {kn_float_new((kn_float_t)fp), kn_float_new((kn_float_t)ip)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(math_modf_obj, math_modf);

static kn_obj math_frexp(kn_obj a) {
    int e;
    kn_real_t m = KN_M(frexp)((kn_real_t)arg_f(a), &e);
    kn_obj t[2] = {kn_float_new((kn_float_t)m), KN_MKSMALL(e)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(math_frexp_obj, math_frexp);

static kn_obj math_ldexp(kn_obj a, kn_obj b) {
    return check(KN_M(ldexp)((kn_real_t)arg_f(a), (int)kn_get_int(b)), (kn_real_t)arg_f(a));
}
static KN_FUN2(math_ldexp_obj, math_ldexp);

/* gcd/isqrt read their arguments as ints (bool counts as one, as in CPython). */
static kn_obj int_arg(kn_obj o) {
    if (o == kn_true || o == kn_false) return KN_MKSMALL(o == kn_true);
    if (!KN_IS_INT(o)) kn_raise_fmt(&kn_type_TypeError, "'%s' object cannot be interpreted as an integer", kn_type_cname(o));
    return o;
}

static kn_obj math_gcd(size_t n, const kn_obj *args) {
    kn_obj g = KN_MKSMALL(0);
    for (size_t i = 0; i < n; i++) {
        kn_obj b = kn_int_unop(KN_UOP_ABS, int_arg(args[i]));
        kn_obj a = kn_int_unop(KN_UOP_ABS, g);
        while (kn_int_sign(b) != 0) {
            kn_obj t = kn_int_binop(KN_OP_MOD, a, b);
            a = b;
            b = t;
        }
        g = a;
    }
    return g;
}
static KN_FUNV(math_gcd_obj, 0, 0xffff, math_gcd);

static kn_obj math_factorial(kn_obj a) {
    kn_int_t n = kn_get_int(a);
    if (n < 0) kn_raise_value("factorial() not defined for negative values");
    kn_obj r = KN_MKSMALL(1);
    for (kn_int_t i = 2; i <= n; i++) r = kn_int_binop(KN_OP_MUL, r, KN_MKSMALL(i));
    return r;
}
static KN_FUN1(math_factorial_obj, math_factorial);

static kn_obj math_isclose(size_t n, const kn_obj *args, kn_obj kw) {
    if (n != 2) kn_raise_type("isclose expects 2 positional arguments");
    kn_real_t a = (kn_real_t)arg_f(args[0]), b = (kn_real_t)arg_f(args[1]);
    kn_real_t rel = 1e-9, abs_ = 0;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(rel_tol));
        if (v != KN_NULL) rel = (kn_real_t)arg_f(v);
        v = kn_dict_get(kw, KN_Q(abs_tol));
        if (v != KN_NULL) abs_ = (kn_real_t)arg_f(v);
    }
    if (a == b) return kn_true;
    if (isinf(a) || isinf(b)) return kn_false;
    kn_real_t d = KN_M(fabs)(a - b);
    return KN_BOOL(d <= KN_M(fabs)(rel * b) || d <= KN_M(fabs)(rel * a) || d <= abs_);
}
static KN_FUNK(math_isclose_obj, 2, math_isclose);

static kn_obj math_comb(kn_obj nn, kn_obj kk) {
    kn_int_t n = kn_get_int(nn), k = kn_get_int(kk);
    if (n < 0 || k < 0) kn_raise_value("must be non-negative integer");
    if (k > n) return KN_MKSMALL(0);
    if (k > n - k) k = n - k;
    kn_obj r = KN_MKSMALL(1);
    for (kn_int_t i = 1; i <= k; i++) {
        r = kn_int_binop(KN_OP_MUL, r, KN_MKSMALL(n - k + i));
        r = kn_int_binop(KN_OP_FLOORDIV, r, KN_MKSMALL(i));
    }
    return r;
}
static KN_FUN2(math_comb_obj, math_comb);

static kn_obj math_isqrt(kn_obj a) {
    a = int_arg(a);
    if (kn_int_sign(a) < 0) kn_raise_value("isqrt() argument must be nonnegative");
    if (kn_int_sign(a) == 0) return KN_MKSMALL(0);
    /* Newton's method on ints */
    kn_obj x = kn_int_binop(KN_OP_LSHIFT, KN_MKSMALL(1), KN_MKSMALL((kn_int_t)(kn_int_bit_length(a) + 1) / 2));
    for (;;) {
        kn_obj y = kn_int_binop(KN_OP_RSHIFT, kn_int_binop(KN_OP_ADD, x, kn_int_binop(KN_OP_FLOORDIV, a, x)), KN_MKSMALL(1));
        if (kn_int_binop(KN_OP_GE, y, x) == kn_true) return x;
        x = y;
    }
}
static KN_FUN1(math_isqrt_obj, math_isqrt);

static kn_obj math_prod(size_t n, const kn_obj *args, kn_obj kw) {
    (void)n;
    kn_obj acc = KN_MKSMALL(1);
    if (kw != KN_NULL) {
        kn_obj s = kn_dict_get(kw, KN_Q(start));
        if (s != KN_NULL) acc = s;
    }
    kn_obj it = kn_getiter(args[0]), v;
    while ((v = kn_iternext(it)) != KN_STOP) acc = kn_binary_op(KN_OP_MUL, acc, v);
    return acc;
}
static KN_FUNK(math_prod_obj, 1, math_prod);

static kn_obj math_fsum(kn_obj it0) {
    /* Neumaier summation: close to exact for typical inputs. */
    kn_real_t sum = 0, c = 0;
    kn_obj it = kn_getiter(it0), v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        kn_real_t x = (kn_real_t)arg_f(v);
        kn_real_t t = sum + x;
        if (KN_M(fabs)(sum) >= KN_M(fabs)(x)) c += (sum - t) + x;
        else c += (x - t) + sum;
        sum = t;
    }
    return kn_float_new((kn_float_t)(sum + c));
}
static KN_FUN1(math_fsum_obj, math_fsum);

#define M(name) {KN_Q(name), KN_OBJ(&math_##name##_obj)}
static const kn_method_t math_table[] = {
    M(sin), M(cos), M(tan), M(asin), M(acos), M(atan), M(sinh), M(cosh), M(tanh), M(asinh), M(acosh), M(atanh),
    M(exp), M(expm1), M(log2), M(log10), M(log1p), M(fabs), M(erf), M(erfc), M(gamma), M(lgamma), M(degrees),
    M(radians), M(sqrt), M(log), M(pow), M(atan2), M(hypot), M(copysign), M(fmod), M(floor), M(ceil), M(trunc),
    M(isnan), M(isinf), M(isfinite), M(modf), M(frexp), M(ldexp), M(gcd), M(factorial), M(isclose), M(comb),
    M(isqrt), M(prod), M(fsum),
};

kn_obj kn_mod_math_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(math), math_table, sizeof math_table / sizeof math_table[0]);
    kn_obj g = ((kn_module_t *)m)->globals;
    kn_dict_set(g, KN_Q(pi), kn_float_new((kn_float_t)M_PI));
    kn_dict_set(g, KN_Q(e), kn_float_new((kn_float_t)M_E));
    kn_dict_set(g, KN_Q(tau), kn_float_new((kn_float_t)(2 * M_PI)));
    kn_dict_set(g, KN_Q(inf), kn_float_new((kn_float_t)INFINITY));
    kn_dict_set(g, KN_Q(nan), kn_float_new((kn_float_t)NAN));
    return m;
}
