/* cexample.c: an example user C module: cexample.add_ints(a, b) and a small Accumulator class. */
#include "cexample.h"
#include "usermod.h"

/* add_ints(a, b): the sum of two ints (big ints included), TypeError for anything else. */
static kn_obj add_ints(kn_obj a, kn_obj b) {
    if (!KN_IS_INT(a) || !KN_IS_INT(b)) kn_raise_type("add_ints() takes two ints");
    return kn_int_binop(KN_OP_ADD, a, b);
}
static KN_FUN2(add_ints_obj, add_ints);

/* Accumulator(start=0): .add(step) adds and returns the running total; .total reads it. */
typedef struct {
    kn_base_t base;
    kn_int_t total;
} accumulator_t;

extern const kn_type_t cexample_type_accumulator;

static kn_obj acc_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    accumulator_t *a = KN_NEW(accumulator_t);
    a->base.type = &cexample_type_accumulator;
    a->total = n == 1 ? kn_get_int(args[0]) : 0;
    return KN_OBJ(a);
}

static kn_obj acc_add(kn_obj self, kn_obj step) {
    accumulator_t *a = KN_PTR(self);
    kn_int_t s = kn_get_int(step);
    if (s > CEXAMPLE_MAX_STEP || s < -CEXAMPLE_MAX_STEP) kn_raise_value("step must be within +-1000000");
    a->total += s;
    return kn_int_from(a->total);
}
static KN_FUN2(acc_add_obj, acc_add);

static bool acc_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD || name != KN_Q(total)) return false;
    *dest = kn_int_from(((accumulator_t *)KN_PTR(o))->total);
    return true;
}

static void acc_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_printf(p, "Accumulator(%d)", (int)((accumulator_t *)KN_PTR(o))->total);
}

KN_METHODS(acc_methods, KN_METHOD(add, acc_add_obj));

const kn_type_t cexample_type_accumulator = {
    .base = {&kn_type_type},
    .name = KN_Q(Accumulator),
    .print = acc_print,
    .make_new = acc_new,
    .attr = acc_attr,
    .base_type = &kn_type_object,
    .methods = &acc_methods,
};

static const kn_method_t cexample_table[] = {
    {KN_Q(add_ints), KN_OBJ(&add_ints_obj)},
    {KN_Q(Accumulator), KN_OBJ(&cexample_type_accumulator)},
};

kn_obj cexample_init(void) {
    return kn_module_from_table(KN_Q(cexample), cexample_table, sizeof cexample_table / sizeof cexample_table[0]);
}
