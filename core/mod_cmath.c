/* mod_cmath.c: cmath (sqrt, exp, log, log10, phase, polar, rect, sin, cos, pi, e). */
#include <math.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static void get(kn_obj o, double *re, double *im) {
    if (kn_is_type(o, &kn_type_complex)) {
        *re = (double)((kn_complex_t *)o)->re;
        *im = (double)((kn_complex_t *)o)->im;
    } else {
        *re = (double)kn_get_float(o);
        *im = 0;
    }
}

static kn_obj mk(double re, double im) {
    return kn_complex_new((kn_float_t)re, (kn_float_t)im);
}

static kn_obj c_sqrt(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    double r = hypot(a, b);
    if (r == 0) return mk(0, b);
    double s = sqrt((r + fabs(a)) / 2);
    if (a >= 0) return mk(s, b / (2 * s));
    return mk(fabs(b) / (2 * s), copysign(s, b));
}
static KN_FUN1(c_sqrt_obj, c_sqrt);

static kn_obj c_exp(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    double m = exp(a);
    return mk(m * cos(b), m * sin(b));
}
static KN_FUN1(c_exp_obj, c_exp);

static kn_obj c_log(size_t n, const kn_obj *args) {
    double a, b;
    get(args[0], &a, &b);
    double lr = log(hypot(a, b)), th = atan2(b, a);
    if (n == 2) {
        double c, d;
        get(args[1], &c, &d);
        double br = log(hypot(c, d)), bt = atan2(d, c);
        double den = br * br + bt * bt;
        return mk((lr * br + th * bt) / den, (th * br - lr * bt) / den);
    }
    return mk(lr, th);
}
static KN_FUNV(c_log_obj, 1, 2, c_log);

static kn_obj c_log10(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    return mk(log10(hypot(a, b)), atan2(b, a) / log(10.0));
}
static KN_FUN1(c_log10_obj, c_log10);

static kn_obj c_phase(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    return kn_float_new((kn_float_t)atan2(b, a));
}
static KN_FUN1(c_phase_obj, c_phase);

static kn_obj c_polar(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    kn_obj t[2] = {kn_float_new((kn_float_t)hypot(a, b)), kn_float_new((kn_float_t)atan2(b, a))};
    return kn_tuple_new(2, t);
}
static KN_FUN1(c_polar_obj, c_polar);

static kn_obj c_rect(kn_obj r, kn_obj phi) {
    double m = (double)kn_get_float(r), p = (double)kn_get_float(phi);
    return mk(m * cos(p), m * sin(p));
}
static KN_FUN2(c_rect_obj, c_rect);

static kn_obj c_sin(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    return mk(sin(a) * cosh(b), cos(a) * sinh(b));
}
static KN_FUN1(c_sin_obj, c_sin);

static kn_obj c_cos(kn_obj o) {
    double a, b;
    get(o, &a, &b);
    return mk(cos(a) * cosh(b), -sin(a) * sinh(b));
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
