/* obj_misc.c: the singletons (None, True/False, Ellipsis, NotImplemented) and module objects. */
#include "state.h"

static void none_print(kn_print_t *p, kn_obj o, int repr) {
    (void)o;
    (void)repr;
    kn_print_str(p, "None");
}

static kn_obj none_unary(int op, kn_obj o) {
    (void)o;
    if (op == KN_UOP_BOOL) return kn_false;
    if (op == KN_UOP_HASH) return KN_MKSMALL(0x5a5a);
    return KN_NULL;
}

const kn_type_t kn_type_none = {
    .base = {&kn_type_type},
    .name = KN_Q(NoneType),
    .print = none_print,
    .unary_op = none_unary,
    .base_type = &kn_type_object,
};

const kn_base_t kn_none_obj = {&kn_type_none};

static void bool_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_print_str(p, o == kn_true ? "True" : "False");
}

static kn_obj bool_new_(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    return n == 0 ? kn_false : KN_BOOL(kn_truthy(args[0]));
}

kn_obj kn_bool_new(kn_obj o) {
    return KN_BOOL(kn_truthy(o));
}

static kn_obj bool_unary(int op, kn_obj o) {
    if (op == KN_UOP_BOOL) return o;
    return kn_int_unop(op, KN_MKSMALL(o == kn_true));
}

static kn_obj bool_binary(int op, kn_obj a, kn_obj b) {
    if (op & KN_OP_REFLECT) return KN_NULL;
    int base = op >= KN_OP_INPLACE ? op - KN_OP_INPLACE : op;
    if ((base == KN_OP_AND || base == KN_OP_OR || base == KN_OP_XOR) && (b == kn_true || b == kn_false)) {
        bool x = a == kn_true, y = b == kn_true;
        return KN_BOOL(base == KN_OP_AND ? (x && y) : base == KN_OP_OR ? (x || y) : (x != y));
    }
    return kn_int_binop(op, KN_MKSMALL(a == kn_true), b);
}

const kn_type_t kn_type_bool = {
    .base = {&kn_type_type},
    .name = KN_Q(bool),
    .print = bool_print,
    .make_new = bool_new_,
    .unary_op = bool_unary,
    .binary_op = bool_binary,
    .base_type = &kn_type_int,
};

const kn_base_t kn_true_obj = {&kn_type_bool};
const kn_base_t kn_false_obj = {&kn_type_bool};

static void ellipsis_print(kn_print_t *p, kn_obj o, int repr) {
    (void)o;
    (void)repr;
    kn_print_str(p, "Ellipsis");
}

const kn_type_t kn_type_ellipsis = {
    .base = {&kn_type_type},
    .name = KN_Q(ellipsis),
    .print = ellipsis_print,
    .base_type = &kn_type_object,
};
const kn_base_t kn_ellipsis_obj = {&kn_type_ellipsis};

static void notimpl_print(kn_print_t *p, kn_obj o, int repr) {
    (void)o;
    (void)repr;
    kn_print_str(p, "NotImplemented");
}

const kn_type_t kn_type_notimpl = {
    .base = {&kn_type_type},
    .name = KN_Q(NotImplementedType),
    .print = notimpl_print,
    .base_type = &kn_type_object,
};
const kn_base_t kn_notimpl_obj = {&kn_type_notimpl};

/* Internal markers: end of iteration and "load" in subscript calls. */
const kn_type_t kn_type_internal = {
    .base = {&kn_type_type},
    .name = KN_Q(internal),
    .base_type = &kn_type_object,
};
const kn_base_t kn_stop_obj = {&kn_type_internal};
const kn_base_t kn_load_sentinel_obj = {&kn_type_internal};

/* ---- modules ---- */

kn_obj kn_module_new(kn_obj name) {
    kn_module_t *m = KN_NEW(kn_module_t);
    m->base.type = &kn_type_module;
    m->name = name;
    m->globals = kn_dict_new(16);
    kn_dict_set(m->globals, KN_Q(__name__), name);
    return KN_OBJ(m);
}

static void module_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_module_t *m = KN_PTR(o);
    kn_obj file = kn_dict_get_q(m->globals, KN_Q(__file__));
    if (file != KN_NULL) kn_printf(p, "<module '%q' from '%S'>", m->name, file);
    else kn_printf(p, "<module '%q'>", m->name);
}

static bool module_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_module_t *m = KN_PTR(o);
    if (mode == KN_ATTR_LOAD) {
        kn_obj v = kn_dict_get_q(m->globals, name);
        if (v == KN_NULL) {
            if (name == KN_Q(__dict__)) {
                *dest = m->globals;
                return true;
            }
            kn_obj ga = kn_dict_get_q(m->globals, KN_Q(__getattr__));
            if (ga == KN_NULL) return false;
            v = kn_call1(ga, name);
        }
        *dest = v;
        return true;
    }
    if (mode == KN_ATTR_STORE) {
        kn_dict_set(m->globals, name, dest[0]);
        return true;
    }
    return kn_dict_del(m->globals, name);
}

const kn_type_t kn_type_module = {
    .base = {&kn_type_type},
    .name = KN_Q(module),
    .print = module_print,
    .attr = module_attr,
    .base_type = &kn_type_object,
};
