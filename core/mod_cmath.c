/* mod_cmath.c: cmath (sqrt, exp, log, log10, phase, polar, rect, sin, cos, pi, e). */

#include "libm.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static void get(kn_obj o, kn_real_t *re, kn_real_t *im) {
    if (kn_is_type(o, &kn_type_complex)) {
        *re = (kn_real_t)((kn_complex_t *)o)->re;
        *im = (kn_real_t)((kn_complex_t *)o)->im;
    } else {
        *re = (kn_real_t)kn_get_float(o);
        *im = 0;
    }
}

static kn_obj mk(kn_real_t re, kn_real_t im) {
    return kn_complex_new((kn_float_t)re, (kn_float_t)im);
}

static kn_obj c_sqrt(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    kn_real_t r = KN_M(hypot)(a, b);
    if (r == 0) return mk(0, b);
    kn_real_t s = KN_M(sqrt)((r + KN_M(fabs)(a)) / 2);
    if (a >= 0) return mk(s, b / (2 * s));
    return mk(KN_M(fabs)(b) / (2 * s), KN_M(copysign)(s, b));
}
static KN_FUN1(c_sqrt_obj, c_sqrt);

static kn_obj c_exp(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    kn_real_t m = KN_M(exp)(a);
    return mk(m * KN_M(cos)(b), m * KN_M(sin)(b));
}
static KN_FUN1(c_exp_obj, c_exp);

static kn_obj c_log(size_t n, const kn_obj *args) {
    kn_real_t a, b;
    get(args[0], &a, &b);
    kn_real_t lr = KN_M(log)(KN_M(hypot)(a, b)), th = KN_M(atan2)(b, a);
    if (n == 2) {
        kn_real_t c, d;
        get(args[1], &c, &d);
        kn_real_t br = KN_M(log)(KN_M(hypot)(c, d)), bt = KN_M(atan2)(d, c);
        kn_real_t den = br * br + bt * bt;
        return mk((lr * br + th * bt) / den, (th * br - lr * bt) / den);
    }
    return mk(lr, th);
}
static KN_FUNV(c_log_obj, 1, 2, c_log);

static kn_obj c_log10(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    return mk(KN_M(log10)(KN_M(hypot)(a, b)), KN_M(atan2)(b, a) / KN_M(log)(10.0));
}
static KN_FUN1(c_log10_obj, c_log10);

static kn_obj c_phase(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    return kn_float_new((kn_float_t)KN_M(atan2)(b, a));
}
static KN_FUN1(c_phase_obj, c_phase);

static kn_obj c_polar(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    kn_obj t[2] = {kn_float_new((kn_float_t)KN_M(hypot)(a, b)), kn_float_new((kn_float_t)KN_M(atan2)(b, a))};
    return kn_tuple_new(2, t);
}
static KN_FUN1(c_polar_obj, c_polar);

static kn_obj c_rect(kn_obj r, kn_obj phi) {
    kn_real_t m = (kn_real_t)kn_get_float(r), p = (kn_real_t)kn_get_float(phi);
    return mk(m * KN_M(cos)(p), m * KN_M(sin)(p));
}
static KN_FUN2(c_rect_obj, c_rect);

static kn_obj c_sin(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    return mk(KN_M(sin)(a) * KN_M(cosh)(b), KN_M(cos)(a) * KN_M(sinh)(b));
}
static KN_FUN1(c_sin_obj, c_sin);

static kn_obj c_cos(kn_obj o) {
    kn_real_t a, b;
    get(o, &a, &b);
    return mk(KN_M(cos)(a) * KN_M(cosh)(b), -KN_M(sin)(a) * KN_M(sinh)(b));
}
static KN_FUN1(c_cos_obj, c_cos);

static const kn_method_t cmath_table[] = {
    {KN_Q(sqrt), KN_OBJ(&c_sqrt_obj)},   {KN_Q(exp), KN_OBJ(&c_exp_obj)},     {KN_Q(log), KN_OBJ(&c_log_obj)},
    {KN_Q(log10), KN_OBJ(&c_log10_obj)}, {KN_Q(phase), KN_OBJ(&c_phase_obj)}, {KN_Q(polar), KN_OBJ(&c_polar_obj)},
    {KN_Q(rect), KN_OBJ(&c_rect_obj)},   {KN_Q(sin), KN_OBJ(&c_sin_obj)},     {KN_Q(cos), KN_OBJ(&c_cos_obj)},
};

kn_obj kn_mod_cmath_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(cmath), cmath_table, sizeof cmath_table / sizeof cmath_table[0]);
    kn_dict_set(((kn_module_t *)m)->globals, KN_Q(pi), kn_float_new((kn_float_t)3.14159265358979323846));
    kn_dict_set(((kn_module_t *)m)->globals, KN_Q(e), kn_float_new((kn_float_t)2.71828182845904523536));
    return m;
}
