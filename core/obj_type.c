/* obj_type.c: type and object, user classes (C3 MRO, special methods), attribute lookup, super, descriptors. */
#include <string.h>

#include "state.h"
#include "vm.h"

/* ---- attribute cache: (type, name) -> value found along the MRO ---- */

void kn_attr_cache_clear(void) {
    memset(kn_st.attr_cache, 0, sizeof kn_st.attr_cache);
}

static kn_obj methods_lookup(const kn_type_t *t, kn_obj name) {
    const kn_methods_t *m = t->methods;
    if (m == NULL) return KN_NULL;
    for (size_t i = 0; i < m->n; i++) {
        if (m->items[i].name == name) return m->items[i].value;
    }
    return KN_NULL;
}

/* name along t's MRO; *where (if given) is the class that holds it. */
static kn_obj lookup_in(const kn_type_t *t, kn_obj name, const kn_type_t **where) {
    if (t->mro != KN_NULL) {
        kn_tuple_t *mro = KN_PTR(t->mro);
        for (size_t i = 0; i < mro->len; i++) {
            const kn_type_t *c = (const kn_type_t *)mro->items[i];
            kn_obj v = c->dict != KN_NULL ? kn_dict_get_q(c->dict, name) : methods_lookup(c, name);
            if (v != KN_NULL) {
                if (where != NULL) *where = c;
                return v;
            }
        }
        return KN_NULL;
    }
    for (; t != NULL; t = t->base_type) {
        kn_obj v = methods_lookup(t, name);
        if (v != KN_NULL) {
            if (where != NULL) *where = t;
            return v;
        }
    }
    return KN_NULL;
}

static kn_obj lookup_uncached(const kn_type_t *t, kn_obj name) {
    return lookup_in(t, name, NULL);
}

kn_obj kn_type_lookup(const kn_type_t *t, kn_obj name) {
    size_t h = (((uintptr_t)t >> 4) ^ ((uintptr_t)name >> 3) ^ ((uintptr_t)name >> 9)) & (KILN_ATTR_CACHE_SIZE - 1);
    kn_attr_cache_entry_t *e = &kn_st.attr_cache[h];
    if (e->type == t && e->name == name) return e->value;
    kn_obj v = lookup_uncached(t, name);
    e->type = t;
    e->name = name;
    e->value = v;
    return v;
}

/* Binds a class attribute found for instance self. */
static void bind(kn_obj v, kn_obj self, kn_obj *dest) {
    const kn_type_t *vt = kn_typeof(v);
    if (vt == &kn_type_function || vt == &kn_type_natfun) {
        dest[0] = v;
        dest[1] = self;
    } else if (vt == &kn_type_classmethod) {
        dest[0] = ((kn_wrap_t *)v)->func;
        dest[1] = KN_OBJ(kn_typeof(self));
    } else if (vt == &kn_type_staticmethod) {
        dest[0] = ((kn_wrap_t *)v)->func;
        dest[1] = KN_NULL;
    } else if (vt == &kn_type_property) {
        kn_property_t *p = KN_PTR(v);
        if (p->fget == kn_none) kn_raise_msg(&kn_type_AttributeError, "unreadable attribute");
        dest[0] = kn_call1(p->fget, self);
        dest[1] = KN_NULL;
    } else if ((vt->flags & KN_TF_USER) && kn_type_lookup(vt, KN_Q(__get__)) != KN_NULL) {
        kn_obj args[3] = {self, KN_OBJ(kn_typeof(self))};
        dest[0] = kn_call_method(v, KN_Q(__get__), 2, args);
        dest[1] = KN_NULL;
    } else {
        dest[0] = v;
        dest[1] = KN_NULL;
    }
}

static bool is_native_sub(kn_obj o);
static kn_obj native_of(kn_obj o);

/* A built-in type's method taken from the type (`str.upper`): the native code reads its first argument as
   the type's object, so the call checks it is one first (and hands a subclass instance's native part on). */
typedef struct {
    kn_base_t base;
    const kn_type_t *owner;
    kn_obj fun;
    kn_obj name;
} unbound_t;

static kn_obj unbound_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    const unbound_t *u = KN_PTR(self);
    if (n == 0) {
        kn_raise_fmt(&kn_type_TypeError, "unbound method '%q.%q' needs an argument", u->owner->name, u->name);
    }
    if (!kn_isinstance(args[0], u->owner)) {
        kn_raise_fmt(&kn_type_TypeError, "descriptor '%q' for '%q' objects doesn't apply to a '%s' object", u->name,
                     u->owner->name, kn_type_cname(args[0]));
    }
    if (u->owner != &kn_type_object && is_native_sub(args[0])) {
        size_t total = n + 2 * nkw;
        kn_obj *all = kn_alloc(total * sizeof(kn_obj));
        memcpy(all, args, total * sizeof(kn_obj));
        all[0] = native_of(args[0]);
        return kn_call(u->fun, n, nkw, all);
    }
    return kn_call(u->fun, n, nkw, args);
}

static void unbound_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    const unbound_t *u = KN_PTR(o);
    kn_printf(p, "<method '%q' of '%q' objects>", u->name, u->owner->name);
}

static kn_obj unbound_binary(int op, kn_obj a, kn_obj b) {
    if (op != KN_OP_EQ || kn_typeof(b) != kn_typeof(a)) return KN_NULL;
    const unbound_t *x = KN_PTR(a), *y = KN_PTR(b);
    return KN_BOOL(x->owner == y->owner && x->fun == y->fun);
}

static kn_obj unbound_unary(int op, kn_obj a) {
    if (op != KN_UOP_HASH) return KN_NULL;
    return KN_MKSMALL((kn_int_t)(((uintptr_t)((const unbound_t *)KN_PTR(a))->fun >> 3) & 0xFFFFFFu));
}

static const kn_type_t unbound_type = {
    .base = {&kn_type_type},
    .name = KN_Q(method_descriptor),
    .print = unbound_print,
    .call = unbound_call,
    .binary_op = unbound_binary,
    .unary_op = unbound_unary,
    .base_type = &kn_type_object,
};

/* The built-in type (no class statement) whose method table holds `name` for t, or NULL. */
static const kn_type_t *native_owner(const kn_type_t *t, kn_obj name) {
    const kn_type_t *where = NULL;
    if (lookup_in(t, name, &where) == KN_NULL || where->dict != KN_NULL) return NULL;
    return where;
}

/* The self a built-in method of an immutable type gets for a subclass instance: its native value, as the
   method reads self as that type (S(str).upper() is a str method on the str inside). Mutable types' methods
   take the instance itself (they unwrap it with kn_native_self and must change it in place). */
static kn_obj value_self(const kn_type_t *t, kn_obj o, kn_obj name) {
    const kn_type_t *owner = native_owner(t, name);
    if (owner == &kn_type_str || owner == &kn_type_bytes || owner == &kn_type_int || owner == &kn_type_float ||
        owner == &kn_type_complex || owner == &kn_type_tuple || owner == &kn_type_frozenset) {
        return native_of(o);
    }
    return o;
}

static bool type_attr_lookup(kn_obj cls, kn_obj name, kn_obj *dest) {
    const kn_type_t *t = KN_PTR(cls);
    if (name == KN_Q(__name__) || name == KN_Q(__qualname__)) {
        dest[0] = t->name;
        return true;
    }
    if (name == KN_Q(__bases__)) {
        if (t->bases != KN_NULL) dest[0] = t->bases;
        else if (t->base_type != NULL) dest[0] = kn_tuple_new(1, (kn_obj *)&t->base_type);
        else dest[0] = kn_tuple_new(0, NULL);
        return true;
    }
    if (name == KN_Q(__mro__)) {
        if (t->mro != KN_NULL) {
            dest[0] = t->mro;
        } else {
            kn_obj l = kn_list_new(0, NULL);
            for (const kn_type_t *c = t; c != NULL; c = c->base_type) kn_list_append(l, KN_OBJ(c));
            dest[0] = kn_tuple_from_iter(l);
        }
        return true;
    }
    if (name == KN_Q(__class__)) {
        dest[0] = KN_OBJ(&kn_type_type);
        return true;
    }
    if (name == KN_Q(__dict__) && t->dict != KN_NULL) {
        dest[0] = t->dict;
        return true;
    }
    kn_obj v = kn_type_lookup(t, name);
    if (v == KN_NULL) {
        if (name == KN_Q(__module__)) {
            dest[0] = KN_Q(builtins);
            return true;
        }
        if (name == KN_Q(__doc__)) {
            dest[0] = kn_none;
            return true;
        }
        return false;
    }
    const kn_type_t *vt = kn_typeof(v);
    const kn_type_t *owner;
    if (vt == &kn_type_classmethod) {
        dest[0] = ((kn_wrap_t *)v)->func;
        dest[1] = cls;
    } else if (vt == &kn_type_staticmethod) {
        dest[0] = ((kn_wrap_t *)v)->func;
    } else if (vt == &kn_type_natfun && (owner = native_owner(t, name)) != NULL) {
        unbound_t *u = KN_NEW(unbound_t);
        u->base.type = &unbound_type;
        u->owner = owner;
        u->fun = v;
        u->name = name;
        dest[0] = KN_OBJ(u);
    } else {
        dest[0] = v;
    }
    return true;
}

bool kn_load_method_maybe(kn_obj o, kn_obj name, kn_obj *dest) {
    dest[0] = KN_NULL;
    dest[1] = KN_NULL;
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_type) {
        return type_attr_lookup(o, name, dest);
    }
    if (t->flags & KN_TF_HAS_DICT) {
        kn_obj v = kn_type_lookup(t, name);
        if (v != KN_NULL && kn_is_type(v, &kn_type_property)) {
            bind(v, o, dest);
            return true;
        }
        kn_obj d = ((kn_instance_t *)o)->dict;
        if (d != KN_NULL) {
            kn_obj r = kn_dict_get_q(d, name);
            if (r != KN_NULL) {
                dest[0] = r;
                return true;
            }
        }
        if (v != KN_NULL) {
            bind(v, o, dest);
            if (dest[1] == o && kn_is_type(v, &kn_type_natfun) && is_native_sub(o)) dest[1] = value_self(t, o, name);
            return true;
        }
        if (name == KN_Q(__class__)) {
            dest[0] = KN_OBJ(t);
            return true;
        }
        if (name == KN_Q(__dict__)) {
            if (d == KN_NULL) {
                d = kn_dict_new(4);
                ((kn_instance_t *)o)->dict = d;
            }
            dest[0] = d;
            return true;
        }
        /* Native parts: exception fields or a native sub-object's attributes. */
        const kn_type_t *nb = t->native_base;
        if (nb != NULL && nb->attr != NULL) {
            kn_obj target = (t->flags & KN_TF_NATIVE_SUB) ? ((kn_native_sub_t *)o)->native : o;
            if (nb->attr(target, name, dest, KN_ATTR_LOAD)) return true;
        }
        if (nb == NULL && t->attr != NULL && t->attr(o, name, dest, KN_ATTR_LOAD)) return true;
        kn_obj ga = kn_type_lookup(t, KN_Q(__getattr__));
        if (ga != KN_NULL) {
            kn_obj args[2] = {o, name};
            dest[0] = kn_call(ga, 2, 0, args);
            return true;
        }
        return false;
    }
    if (t->attr != NULL && t->attr(o, name, dest, KN_ATTR_LOAD)) {
        return true;
    }
    if (name == KN_Q(__class__)) {
        dest[0] = KN_OBJ(t);
        return true;
    }
    kn_obj v = kn_type_lookup(t, name);
    if (v != KN_NULL) {
        bind(v, o, dest);
        return true;
    }
    return false;
}

static void attr_error(kn_obj o, kn_obj name) {
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_module) {
        kn_raise_fmt(&kn_type_AttributeError, "module '%q' has no attribute '%q'", ((kn_module_t *)o)->name, name);
    }
    if (t == &kn_type_type) {
        kn_raise_fmt(&kn_type_AttributeError, "type object '%q' has no attribute '%q'", ((kn_type_t *)o)->name, name);
    }
    kn_raise_fmt(&kn_type_AttributeError, "'%s' object has no attribute '%q'", kn_type_cname(o), name);
}

void kn_load_method(kn_obj o, kn_obj name, kn_obj *dest) {
    if (!kn_load_method_maybe(o, name, dest)) attr_error(o, name);
}

kn_obj kn_bound_new(kn_obj self, kn_obj func) {
    kn_bound_t *b = KN_NEW(kn_bound_t);
    b->base.type = &kn_type_bound;
    b->self = self;
    b->func = func;
    return KN_OBJ(b);
}

kn_obj kn_load_attr_maybe(kn_obj o, kn_obj name) {
    kn_obj dest[2];
    if (!kn_load_method_maybe(o, name, dest)) return KN_NULL;
    return dest[1] == KN_NULL ? dest[0] : kn_bound_new(dest[1], dest[0]);
}

kn_obj kn_load_attr(kn_obj o, kn_obj name) {
    kn_obj dest[2];
    kn_load_method(o, name, dest);
    return dest[1] == KN_NULL ? dest[0] : kn_bound_new(dest[1], dest[0]);
}

static void generic_setattr(kn_obj o, kn_obj name, kn_obj value) {
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_type) {
        kn_type_t *c = KN_PTR(o);
        if (c->dict == KN_NULL) {
            kn_raise_fmt(&kn_type_TypeError, "cannot set '%q' attribute of immutable type '%q'", name, c->name);
        }
        if (value == KN_NULL) {
            if (!kn_dict_del(c->dict, name)) attr_error(o, name);
        } else {
            kn_dict_set(c->dict, name, value);
        }
        kn_attr_cache_clear();
        return;
    }
    if (t->flags & KN_TF_HAS_DICT) {
        kn_obj v = kn_type_lookup(t, name);
        if ((t->flags & KN_TF_EXC) && !(v != KN_NULL && kn_is_type(v, &kn_type_property))) {
            /* exception fields (args, __cause__...) live in the native part */
            const kn_type_t *nb = (t->flags & KN_TF_USER) ? t->native_base : t;
            kn_obj d[2] = {value, KN_NULL};
            if (nb != NULL && nb->attr != NULL && value != KN_NULL && nb->attr(o, name, d, KN_ATTR_STORE)) return;
        }
        if (v != KN_NULL && kn_is_type(v, &kn_type_property)) {
            kn_property_t *p = KN_PTR(v);
            kn_obj f = value == KN_NULL ? p->fdel : p->fset;
            if (f == kn_none) kn_raise_msg(&kn_type_AttributeError, value == KN_NULL ? "can't delete attribute" : "can't set attribute");
            if (value == KN_NULL) kn_call1(f, o);
            else kn_call2(f, o, value);
            return;
        }
        kn_instance_t *inst = KN_PTR(o);
        if (inst->dict == KN_NULL) inst->dict = kn_dict_new(4);
        if (value == KN_NULL) {
            if (!kn_dict_del(inst->dict, name)) attr_error(o, name);
        } else {
            kn_dict_set(inst->dict, name, value);
        }
        return;
    }
    if (t->attr != NULL) {
        kn_obj d[2] = {value, KN_NULL};
        if (t->attr(o, name, d, value == KN_NULL ? KN_ATTR_DELETE : KN_ATTR_STORE)) return;
    }
    kn_raise_fmt(&kn_type_AttributeError, "'%s' object has no attribute '%q'", kn_type_cname(o), name);
}

void kn_store_attr(kn_obj o, kn_obj name, kn_obj value) {
    const kn_type_t *t = kn_typeof(o);
    if (t->flags & KN_TF_USER) {
        kn_obj sa = kn_type_lookup(t, KN_Q(__setattr__));
        if (sa != KN_NULL && kn_is_type(sa, &kn_type_function)) {
            kn_obj args[3] = {o, name, value};
            kn_call(sa, 3, 0, args);
            return;
        }
    }
    generic_setattr(o, name, value);
}

void kn_delete_attr(kn_obj o, kn_obj name) {
    const kn_type_t *t = kn_typeof(o);
    if (t->flags & KN_TF_USER) {
        kn_obj da = kn_type_lookup(t, KN_Q(__delattr__));
        if (da != KN_NULL && kn_is_type(da, &kn_type_function)) {
            kn_call2(da, o, name);
            return;
        }
    }
    generic_setattr(o, name, KN_NULL);
}

/* ---- special-method slots for user classes ---- */

static kn_obj call_special(kn_obj o, kn_obj name, size_t n, const kn_obj *args, bool *found) {
    kn_obj v = kn_type_lookup(kn_typeof(o), name);
    if (v == KN_NULL) {
        *found = false;
        return KN_NULL;
    }
    *found = true;
    kn_obj dest[2];
    bind(v, o, dest);
    if (dest[1] == KN_NULL) return kn_call(dest[0], n, 0, args);
    kn_obj all[4];
    all[0] = dest[1];
    for (size_t i = 0; i < n; i++) all[i + 1] = args[i];
    return kn_call(dest[0], n + 1, 0, all);
}

static kn_obj native_of(kn_obj o) {
    return ((kn_native_sub_t *)o)->native;
}

static bool is_native_sub(kn_obj o) {
    return (kn_typeof(o)->flags & KN_TF_NATIVE_SUB) != 0;
}

/* Whether name resolves to a user-defined (Python) method rather than a native base's. */
static bool user_defines(const kn_type_t *t, kn_obj name) {
    kn_obj v = kn_type_lookup(t, name);
    return v != KN_NULL && !kn_is_type(v, &kn_type_natfun);
}

static void instance_print(kn_print_t *p, kn_obj o, int repr) {
    const kn_type_t *t = kn_typeof(o);
    bool found;
    kn_obj r = KN_NULL;
    if (!repr && user_defines(t, KN_Q(__str__))) r = call_special(o, KN_Q(__str__), 0, NULL, &found);
    if (r == KN_NULL && user_defines(t, KN_Q(__repr__))) r = call_special(o, KN_Q(__repr__), 0, NULL, &found);
    if (r != KN_NULL) {
        if (!KN_IS_STR(r)) kn_raise_type("__str__ returned non-string");
        p->write(p->ctx, kn_str_data(r), kn_str_len(r));
        return;
    }
    if (t->native_base != NULL && t->native_base->print != NULL) {
        t->native_base->print(p, is_native_sub(o) ? native_of(o) : o, repr);
        return;
    }
    kn_obj mod = t->dict != KN_NULL ? kn_dict_get_q(t->dict, KN_Q(__module__)) : KN_NULL;
    if (mod != KN_NULL && KN_IS_STR(mod)) kn_printf(p, "<%q.%q object at 0x", mod, t->name);
    else kn_printf(p, "<%q object at 0x", t->name);
    char buf[20];
    int k = 20;
    uintptr_t a = (uintptr_t)o;
    do {
        buf[--k] = "0123456789abcdef"[a & 15];
        a >>= 4;
    } while (a);
    p->write(p->ctx, buf + k, (size_t)(20 - k));
    p->write(p->ctx, ">", 1);
}

static const kn_obj binop_names[KN_OP_COUNT] = {
    KN_Q(__add__), KN_Q(__sub__), KN_Q(__mul__), KN_Q(__truediv__), KN_Q(__floordiv__), KN_Q(__mod__),
    KN_Q(__pow__), KN_Q(__matmul__), KN_Q(__lshift__), KN_Q(__rshift__), KN_Q(__and__), KN_Q(__or__),
    KN_Q(__xor__), KN_Q(__lt__), KN_Q(__le__), KN_Q(__eq__), KN_Q(__ne__), KN_Q(__gt__), KN_Q(__ge__),
    KN_Q(__contains__), KN_Q(__divmod__)};
static const kn_obj rbinop_names[KN_OP_NUM_ARITH] = {
    KN_Q(__radd__), KN_Q(__rsub__), KN_Q(__rmul__), KN_Q(__rtruediv__), KN_Q(__rfloordiv__), KN_Q(__rmod__),
    KN_Q(__rpow__), KN_Q(__rmatmul__), KN_Q(__rlshift__), KN_Q(__rrshift__), KN_Q(__rand__), KN_Q(__ror__),
    KN_Q(__rxor__)};
static const kn_obj ibinop_names[KN_OP_NUM_ARITH] = {
    KN_Q(__iadd__), KN_Q(__isub__), KN_Q(__imul__), KN_Q(__itruediv__), KN_Q(__ifloordiv__), KN_Q(__imod__),
    KN_Q(__ipow__), KN_Q(__imatmul__), KN_Q(__ilshift__), KN_Q(__irshift__), KN_Q(__iand__), KN_Q(__ior__),
    KN_Q(__ixor__)};

static kn_obj instance_binary(int op, kn_obj a, kn_obj b) {
    kn_obj name;
    if (op & KN_OP_REFLECT) {
        int base = op & ~KN_OP_REFLECT;
        if (base == KN_OP_DIVMOD) name = KN_Q(__rdivmod__);
        else if (base >= KN_OP_NUM_ARITH) return KN_NULL;
        else name = rbinop_names[base];
    } else if (op >= KN_OP_INPLACE) {
        name = ibinop_names[op - KN_OP_INPLACE];
    } else {
        name = binop_names[op];
    }
    const kn_type_t *t = kn_typeof(a);
    if (user_defines(t, name) || (t->native_base == NULL && kn_type_lookup(t, name) != KN_NULL)) {
        bool found;
        kn_obj r = call_special(a, name, 1, &b, &found);
        if (found) {
            if (op == KN_OP_CONTAINS) return KN_BOOL(kn_truthy(r));
            return r;
        }
    }
    if (op == KN_OP_NE && user_defines(t, KN_Q(__eq__))) {
        bool found;
        kn_obj r = call_special(a, KN_Q(__eq__), 1, &b, &found);
        if (r == kn_notimpl) return r;
        return KN_BOOL(!kn_truthy(r));
    }
    if (t->native_base != NULL && t->native_base->binary_op != NULL && is_native_sub(a)) {
        kn_obj bb = is_native_sub(b) ? native_of(b) : b;
        kn_obj r = t->native_base->binary_op(op, native_of(a), bb);
        if (op >= KN_OP_INPLACE && op < KN_OP_REFLECT && r == native_of(a)) return a;
        return r;
    }
    return KN_NULL;
}

static kn_obj instance_unary(int op, kn_obj a) {
    static const kn_obj names[] = {KN_Q(__pos__), KN_Q(__neg__), KN_Q(__invert__), KN_NULL,
                                   KN_Q(__bool__), KN_Q(__len__), KN_Q(__hash__), KN_Q(__abs__)};
    kn_obj name = names[op];
    const kn_type_t *t = kn_typeof(a);
    if (name != KN_NULL && user_defines(t, name)) {
        kn_obj v = kn_type_lookup(t, name);
        if (v == kn_none) return KN_NULL;
        bool found;
        kn_obj r = call_special(a, name, 0, NULL, &found);
        if (op == KN_UOP_BOOL && r != kn_true && r != kn_false) kn_raise_type("__bool__ should return bool");
        if (op == KN_UOP_LEN && !KN_IS_INT(r)) kn_raise_type("'__len__' should return an int");
        if (op == KN_UOP_LEN && kn_int_sign(r) < 0) kn_raise_value("__len__() should return >= 0");
        if (op == KN_UOP_HASH && (r == kn_true || r == kn_false)) r = KN_MKSMALL(r == kn_true);
        if (op == KN_UOP_HASH && !KN_IS_INT(r)) kn_raise_type("__hash__ method should return an integer");
        if (op == KN_UOP_HASH && !KN_IS_SMALL(r)) r = KN_MKSMALL((kn_int_t)(kn_int_hash(r) >> 2));
        return r;
    }
    if (op == KN_UOP_HASH && user_defines(t, KN_Q(__eq__)) && !user_defines(t, KN_Q(__hash__))) {
        kn_raise_fmt(&kn_type_TypeError, "unhashable type: '%s'", kn_type_cname(a));
    }
    if (t->native_base != NULL && t->native_base->unary_op != NULL && is_native_sub(a)) {
        return t->native_base->unary_op(op, native_of(a));
    }
    return KN_NULL;
}

static kn_obj instance_subscr(kn_obj o, kn_obj index, kn_obj value) {
    const kn_type_t *t = kn_typeof(o);
    kn_obj name = value == KN_LOAD ? KN_Q(__getitem__) : value == KN_NULL ? KN_Q(__delitem__) : KN_Q(__setitem__);
    if (user_defines(t, name)) {
        bool found;
        kn_obj args[2] = {index, value};
        kn_obj r = call_special(o, name, value == KN_LOAD || value == KN_NULL ? 1 : 2, args, &found);
        return value == KN_LOAD ? r : kn_none;
    }
    if (t->native_base != NULL && t->native_base->subscr != NULL && is_native_sub(o)) {
        if (value == KN_LOAD && t->native_base == &kn_type_dict) {
            kn_obj v = kn_dict_get(native_of(o), index);
            if (v != KN_NULL) return v;
            if (user_defines(t, KN_Q(__missing__))) {
                bool found;
                return call_special(o, KN_Q(__missing__), 1, &index, &found);
            }
        }
        return t->native_base->subscr(native_of(o), index, value);
    }
    if (value == KN_LOAD) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not subscriptable", kn_type_cname(o));
    kn_raise_fmt(&kn_type_TypeError, "'%s' object does not support item assignment", kn_type_cname(o));
}

static kn_obj instance_getiter(kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    if (user_defines(t, KN_Q(__iter__))) {
        bool found;
        return call_special(o, KN_Q(__iter__), 0, NULL, &found);
    }
    if (t->native_base != NULL && t->native_base->getiter != NULL && is_native_sub(o)) {
        return t->native_base->getiter(native_of(o));
    }
    return KN_NULL;
}

static kn_obj instance_iternext(kn_obj o) {
    bool found;
    kn_nlr_t h;
    kn_obj r;
    if (KN_TRY(&h)) {
        r = call_special(o, KN_Q(__next__), 0, NULL, &found);
        kn_nlr_pop(&h);
    } else {
        if (kn_exc_matches(h.exc, KN_OBJ(&kn_type_StopIteration))) return KN_STOP;
        kn_raise(h.exc);
    }
    if (!found) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not an iterator", kn_type_cname(o));
    return r;
}

static kn_obj instance_call(kn_obj o, size_t n, size_t nkw, const kn_obj *args) {
    kn_obj v = kn_type_lookup(kn_typeof(o), KN_Q(__call__));
    if (v == KN_NULL) kn_raise_fmt(&kn_type_TypeError, "'%s' object is not callable", kn_type_cname(o));
    kn_obj *all = kn_alloc((n + 2 * nkw + 1) * sizeof(kn_obj));
    all[0] = o;
    memcpy(all + 1, args, (n + 2 * nkw) * sizeof(kn_obj));
    return kn_call(v, n + 1, nkw, all);
}

static bool instance_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    (void)o;
    (void)name;
    (void)dest;
    (void)mode;
    return false;
}

kn_obj kn_native_self(kn_obj o, const kn_type_t *t) {
    if (is_native_sub(o)) return native_of(o);
    kn_raise_fmt(&kn_type_TypeError, "descriptor requires a '%q' object", t->name);
}

kn_obj kn_make_instance(const kn_type_t *t) {
    if (t->flags & KN_TF_EXC) {
        kn_exc_t *e = KN_NEW(kn_exc_t);
        e->base.type = t;
        e->args = kn_tuple_new(0, NULL);
        e->cause = kn_none;
        e->context = kn_none;
        return KN_OBJ(e);
    }
    if (t->flags & KN_TF_NATIVE_SUB) {
        kn_native_sub_t *s = KN_NEW(kn_native_sub_t);
        s->base.type = t;
        s->native = t->native_base->make_new(t->native_base, 0, 0, NULL);
        return KN_OBJ(s);
    }
    kn_instance_t *i = KN_NEW(kn_instance_t);
    i->base.type = t;
    return KN_OBJ(i);
}

/* ---- type type: calling a class makes an instance ---- */

static kn_obj type_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    const kn_type_t *t = KN_PTR(self);
    if (t == &kn_type_type && n == 1 && nkw == 0) {
        return KN_OBJ(kn_typeof(args[0]));
    }
    if (!(t->flags & KN_TF_USER)) {
        if (t->make_new == NULL) kn_raise_fmt(&kn_type_TypeError, "cannot create '%q' instances", t->name);
        return t->make_new(t, n, nkw, args);
    }
    kn_obj obj;
    kn_obj newf = kn_type_lookup(t, KN_Q(__new__));
    kn_obj *all = kn_alloc((n + 2 * nkw + 1) * sizeof(kn_obj));
    all[0] = self;
    memcpy(all + 1, args, (n + 2 * nkw) * sizeof(kn_obj));
    if (newf != KN_NULL && kn_is_type(newf, &kn_type_staticmethod) && kn_is_type(((kn_wrap_t *)newf)->func, &kn_type_function)) {
        obj = kn_call(((kn_wrap_t *)newf)->func, n + 1, nkw, all);
        if (!kn_isinstance(obj, t)) return obj;
    } else if (newf != KN_NULL && kn_is_type(newf, &kn_type_function)) {
        obj = kn_call(newf, n + 1, nkw, all);
        if (!kn_isinstance(obj, t)) return obj;
    } else {
        obj = kn_make_instance(t);
        if (t->flags & KN_TF_EXC) ((kn_exc_t *)obj)->args = kn_tuple_new(n, args);
        if ((t->flags & KN_TF_NATIVE_SUB) && (n > 0 || nkw > 0) && !user_defines(t, KN_Q(__init__))) {
            ((kn_native_sub_t *)obj)->native = t->native_base->make_new(t->native_base, n, nkw, args);
            return obj;
        }
    }
    kn_obj init = kn_type_lookup(t, KN_Q(__init__));
    if (init != KN_NULL) {
        all[0] = obj;
        kn_obj r = kn_call(init, n + 1, nkw, all);
        if (r != kn_none) kn_raise_type("__init__() should return None");
    }
    return obj;
}

static void type_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    const kn_type_t *t = KN_PTR(o);
    if (t->flags & KN_TF_USER) {
        kn_obj mod = t->dict != KN_NULL ? kn_dict_get_q(t->dict, KN_Q(__module__)) : KN_NULL;
        if (mod != KN_NULL && KN_IS_STR(mod)) {
            kn_printf(p, "<class '%q.%q'>", mod, t->name);
            return;
        }
    }
    kn_printf(p, "<class '%q'>", t->name);
}

static kn_obj type_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    (void)nkw;
    if (n == 1) return KN_OBJ(kn_typeof(args[0]));
    if (n == 3) {
        if (!KN_IS_STR(args[0])) kn_raise_fmt(&kn_type_TypeError, "type() argument 1 must be str, not %s", kn_type_cname(args[0]));
        if (!kn_is_type(args[1], &kn_type_tuple)) {
            kn_raise_fmt(&kn_type_TypeError, "type() argument 2 must be tuple, not %s", kn_type_cname(args[1]));
        }
        if (!kn_isinstance(args[2], &kn_type_dict)) {
            kn_raise_fmt(&kn_type_TypeError, "type() argument 3 must be dict, not %s", kn_type_cname(args[2]));
        }
        return kn_class_new(args[0], args[1], args[2]);
    }
    kn_raise_type("type() takes 1 or 3 arguments");
}

static kn_obj type_binary(int op, kn_obj a, kn_obj b) {
    if (op == KN_OP_OR || op == (KN_OP_OR | KN_OP_REFLECT)) {
        kn_obj pair[2] = {a, b};
        return kn_tuple_new(2, pair); /* int | str as an isinstance tuple */
    }
    return KN_NULL;
}

static kn_obj type_unary(int op, kn_obj a) {
    if (op == KN_UOP_HASH) return KN_MKSMALL((kn_int_t)((uintptr_t)a >> 3));
    return KN_NULL;
}

static bool type_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    (void)o; (void)name; (void)dest; (void)mode;
    return false;
}

static kn_obj type_mro_m(kn_obj self) {
    kn_obj d[2];
    type_attr_lookup(self, KN_Q(__mro__), d);
    return kn_list_from_iter(d[0]);
}
static KN_FUN1(type_mro_obj, type_mro_m);

static kn_obj type_subclasses(kn_obj self) {
    (void)self;
    return kn_list_new(0, NULL);
}
static KN_FUN1(type_subclasses_obj, type_subclasses);

KN_METHODS(type_methods, KN_METHOD(mro, type_mro_obj), KN_METHOD(__subclasses__, type_subclasses_obj));

const kn_type_t kn_type_type = {
    .base = {&kn_type_type},
    .name = KN_Q(type),
    .print = type_print,
    .make_new = type_new,
    .call = type_call,
    .unary_op = type_unary,
    .binary_op = type_binary,
    .attr = type_attr,
    .base_type = &kn_type_object,
    .methods = &type_methods,
};

/* ---- object ---- */

static kn_obj object_new_(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)args;
    kn_arg_check(n, nkw, 0, 0, false);
    kn_instance_t *i = KN_NEW(kn_instance_t);
    i->base.type = t;
    return KN_OBJ(i);
}

static kn_obj object_init(size_t n, const kn_obj *args, kn_obj kw) {
    (void)n;
    (void)args;
    (void)kw;
    return kn_none;
}
static KN_FUNK(object_init_obj, 1, object_init);

static kn_obj object_dunder_new(size_t n, const kn_obj *args, kn_obj kw) {
    (void)n;
    (void)kw;
    if (!kn_is_type(args[0], &kn_type_type)) kn_raise_type("object.__new__(X): X is not a type object");
    const kn_type_t *t = KN_PTR(args[0]);
    if (!(t->flags & KN_TF_USER) && t != &kn_type_object) {
        /* a native layout cannot be made from a bare instance */
        kn_raise_fmt(&kn_type_TypeError, "object.__new__(%q) is not safe, use %q.__new__()", t->name, t->name);
    }
    if (t == &kn_type_object) return object_new_(t, 0, 0, NULL);
    return kn_make_instance(t);
}
static KN_FUNK(object_dunder_new_fun, 1, object_dunder_new);
static KN_STATICMETHOD(object_dunder_new_obj, object_dunder_new_fun);

/* object.__setattr__ & co. are called by name, so name can be anything. */
static kn_obj attr_name(kn_obj name) {
    if (!KN_IS_STR(name)) kn_raise_fmt(&kn_type_TypeError, "attribute name must be string, not '%s'", kn_type_cname(name));
    return kn_intern_obj(name);
}

static kn_obj object_setattr(kn_obj self, kn_obj name, kn_obj value) {
    generic_setattr(self, attr_name(name), value);
    return kn_none;
}
static KN_FUN3(object_setattr_obj, object_setattr);

static kn_obj object_delattr(kn_obj self, kn_obj name) {
    generic_setattr(self, attr_name(name), KN_NULL);
    return kn_none;
}
static KN_FUN2(object_delattr_obj, object_delattr);

static kn_obj object_getattribute(kn_obj self, kn_obj name) {
    return kn_load_attr(self, attr_name(name));
}
static KN_FUN2(object_getattribute_obj, object_getattribute);

static kn_obj object_eq(kn_obj self, kn_obj other) {
    return self == other ? kn_true : kn_notimpl;
}
static KN_FUN2(object_eq_obj, object_eq);

static kn_obj object_ne(kn_obj self, kn_obj other) {
    kn_obj r = kn_binary_op(KN_OP_EQ, self, other);
    return KN_BOOL(!kn_truthy(r));
}
static KN_FUN2(object_ne_obj, object_ne);

static kn_obj object_hash(kn_obj self) {
    return KN_MKSMALL((kn_int_t)((uintptr_t)self >> 3));
}
static KN_FUN1(object_hash_obj, object_hash);

static kn_obj object_repr(kn_obj self) {
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 32);
    kn_vstr_printer(&v, &p);
    const kn_type_t *t = kn_typeof(self);
    if ((t->flags & KN_TF_NATIVE_SUB) && t->native_base->print != NULL) {
        /* dict.__repr__(self) on a dict subclass: the native part's repr */
        t->native_base->print(&p, native_of(self), 1);
        return kn_vstr_to_str(&v);
    }
    if (!(t->flags & KN_TF_USER)) return kn_repr(self);
    kn_printf(&p, "<%q object at 0x", t->name);
    char buf[20];
    int k = 20;
    uintptr_t a = (uintptr_t)self;
    do {
        buf[--k] = "0123456789abcdef"[a & 15];
        a >>= 4;
    } while (a);
    p.write(p.ctx, buf + k, (size_t)(20 - k));
    p.write(p.ctx, ">", 1);
    return kn_vstr_to_str(&v);
}
static KN_FUN1(object_repr_obj, object_repr);

static kn_obj object_str(kn_obj self) {
    return kn_repr(self);
}
static KN_FUN1(object_str_obj, object_str);

static kn_obj object_format(kn_obj self, kn_obj spec) {
    if (!KN_IS_STR(spec)) kn_raise_fmt(&kn_type_TypeError, "format spec must be str, not %s", kn_type_cname(spec));
    if (kn_str_len(spec) != 0) kn_raise_type("unsupported format string passed to object.__format__");
    return kn_str(self);
}
static KN_FUN2(object_format_obj, object_format);

static kn_obj object_init_subclass(kn_obj cls) {
    (void)cls;
    return kn_none;
}
static KN_FUN1(object_init_subclass_fun, object_init_subclass);
static KN_CLASSMETHOD(object_init_subclass_obj, object_init_subclass_fun);

KN_METHODS(object_methods, KN_METHOD(__init__, object_init_obj), KN_METHOD(__new__, object_dunder_new_obj),
           KN_METHOD(__setattr__, object_setattr_obj), KN_METHOD(__delattr__, object_delattr_obj),
           KN_METHOD(__getattribute__, object_getattribute_obj), KN_METHOD(__eq__, object_eq_obj),
           KN_METHOD(__ne__, object_ne_obj), KN_METHOD(__hash__, object_hash_obj),
           KN_METHOD(__repr__, object_repr_obj), KN_METHOD(__str__, object_str_obj),
           KN_METHOD(__format__, object_format_obj), KN_METHOD(__init_subclass__, object_init_subclass_obj));

const kn_type_t kn_type_object = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE | KN_TF_HAS_DICT,
    .name = KN_Q(object),
    .print = instance_print,
    .make_new = object_new_,
    .methods = &object_methods,
};

/* ---- class creation ---- */

static kn_obj linearize(const kn_type_t *t) {
    if (t->mro != KN_NULL) return kn_list_from_iter(t->mro);
    kn_obj l = kn_list_new(0, NULL);
    for (const kn_type_t *c = t; c != NULL; c = c->base_type) kn_list_append(l, KN_OBJ(c));
    if (t != &kn_type_object && ((kn_list_t *)l)->len > 0 &&
        ((kn_list_t *)l)->items[((kn_list_t *)l)->len - 1] != KN_OBJ(&kn_type_object)) {
        kn_list_append(l, KN_OBJ(&kn_type_object));
    }
    return l;
}

/* C3 linearisation of the bases' MROs. */
static kn_obj compute_mro(kn_obj cls, kn_obj bases) {
    kn_tuple_t *b = KN_PTR(bases);
    size_t nseq = b->len + 1;
    kn_obj *seqs = kn_alloc(nseq * sizeof(kn_obj));
    for (size_t i = 0; i < b->len; i++) seqs[i] = linearize(KN_PTR(b->items[i]));
    seqs[b->len] = kn_list_new(b->len, b->items);
    kn_obj out = kn_list_new(1, &cls);
    for (;;) {
        bool any = false;
        kn_obj cand = KN_NULL;
        for (size_t i = 0; i < nseq && cand == KN_NULL; i++) {
            kn_list_t *s = KN_PTR(seqs[i]);
            if (s->len == 0) continue;
            any = true;
            kn_obj head = s->items[0];
            bool in_tail = false;
            for (size_t j = 0; j < nseq && !in_tail; j++) {
                kn_list_t *o = KN_PTR(seqs[j]);
                for (size_t k = 1; k < o->len; k++) {
                    if (o->items[k] == head) {
                        in_tail = true;
                        break;
                    }
                }
            }
            if (!in_tail) cand = head;
        }
        if (!any) break;
        if (cand == KN_NULL) kn_raise_type("Cannot create a consistent method resolution order (MRO)");
        kn_list_append(out, cand);
        for (size_t i = 0; i < nseq; i++) {
            kn_list_t *s = KN_PTR(seqs[i]);
            if (s->len > 0 && s->items[0] == cand) kn_list_pop(seqs[i], 0);
        }
    }
    kn_list_t *ol = KN_PTR(out);
    return kn_tuple_new(ol->len, ol->items);
}

kn_obj kn_class_new(kn_obj name, kn_obj bases, kn_obj dict) {
    if (!KN_IS_STR(name)) kn_raise_type("type name must be a str");
    if (!kn_is_type(bases, &kn_type_tuple)) bases = kn_tuple_from_iter(bases);
    kn_tuple_t *b = KN_PTR(bases);
    if (b->len == 0) {
        kn_obj o = KN_OBJ(&kn_type_object);
        bases = kn_tuple_new(1, &o);
        b = KN_PTR(bases);
    }
    kn_type_t *t = kn_alloc(sizeof(kn_type_t));
    t->base.type = &kn_type_type;
    t->flags = KN_TF_USER | KN_TF_HAS_DICT | KN_TF_BASETYPE;
    t->name = kn_intern_obj(name);
    t->print = instance_print;
    t->call = instance_call;
    t->unary_op = instance_unary;
    t->binary_op = instance_binary;
    t->attr = instance_attr;
    t->subscr = instance_subscr;
    t->getiter = instance_getiter;
    t->iternext = instance_iternext;
    t->dict = dict;
    t->bases = bases;
    for (size_t i = 0; i < b->len; i++) {
        if (!kn_is_type(b->items[i], &kn_type_type)) kn_raise_type("bases must be types");
        const kn_type_t *bt = KN_PTR(b->items[i]);
        if (!(bt->flags & KN_TF_BASETYPE) && !(bt->flags & KN_TF_EXC)) {
            kn_raise_fmt(&kn_type_TypeError, "type '%q' is not an acceptable base type", bt->name);
        }
    }
    t->base_type = KN_PTR(b->items[0]);
    t->mro = compute_mro(KN_OBJ(t), bases);
    /* The native layout comes from the first non-object native class in the MRO. */
    kn_tuple_t *mro = KN_PTR(t->mro);
    for (size_t i = 1; i < mro->len; i++) {
        const kn_type_t *c = (const kn_type_t *)mro->items[i];
        if (c->flags & KN_TF_USER) {
            continue;
        }
        if (c == &kn_type_object) break;
        t->native_base = c;
        if (c->flags & KN_TF_EXC) {
            t->flags |= KN_TF_EXC;
        } else {
            t->flags |= KN_TF_NATIVE_SUB;
        }
        break;
    }
    if (t->native_base != NULL && t->native_base->flags & KN_TF_EXC) {
        t->native_base = t->native_base; /* exceptions keep their native printer via attr slot */
    }
    /* __new__ defined in a class body is implicitly a staticmethod. */
    kn_obj nf = kn_dict_get_q(dict, KN_Q(__new__));
    if (nf != KN_NULL && kn_is_type(nf, &kn_type_function)) {
        kn_wrap_t *w = KN_NEW(kn_wrap_t);
        w->base.type = &kn_type_staticmethod;
        w->func = nf;
        kn_dict_set(dict, KN_Q(__new__), KN_OBJ(w));
    }
    kn_obj isc = kn_dict_get_q(dict, KN_Q(__init_subclass__));
    if (isc != KN_NULL && kn_is_type(isc, &kn_type_function)) {
        kn_wrap_t *w = KN_NEW(kn_wrap_t);
        w->base.type = &kn_type_classmethod;
        w->func = isc;
        kn_dict_set(dict, KN_Q(__init_subclass__), KN_OBJ(w));
    }
    kn_attr_cache_clear();
    /* __set_name__ on descriptors, then the parent's __init_subclass__. */
    size_t pos = 0;
    kn_obj k, v;
    while (kn_dict_next(dict, &pos, &k, &v)) {
        if ((kn_typeof(v)->flags & KN_TF_USER) && kn_type_lookup(kn_typeof(v), KN_Q(__set_name__)) != KN_NULL) {
            kn_obj args[2] = {KN_OBJ(t), k};
            kn_call_method(v, KN_Q(__set_name__), 2, args);
        }
    }
    if (mro->len > 1) {
        const kn_type_t *parent = (const kn_type_t *)mro->items[1];
        kn_obj f = kn_type_lookup(parent, KN_Q(__init_subclass__));
        if (f != KN_NULL && kn_is_type(f, &kn_type_classmethod) && kn_is_type(((kn_wrap_t *)f)->func, &kn_type_function)) {
            kn_call1(((kn_wrap_t *)f)->func, KN_OBJ(t));
        }
    }
    return KN_OBJ(t);
}

/* ---- super ---- */

typedef struct { kn_base_t base; kn_obj cls; kn_obj obj; } super_t;

static kn_obj super_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 2, 2, false);
    if (!kn_is_type(args[0], &kn_type_type)) kn_raise_type("super() argument 1 must be a type");
    super_t *s = KN_NEW(super_t);
    s->base.type = &kn_type_super;
    s->cls = args[0];
    s->obj = args[1];
    return KN_OBJ(s);
}

static bool super_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    super_t *s = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    bool obj_is_type = kn_is_type(s->obj, &kn_type_type) && kn_is_subtype(KN_PTR(s->obj), KN_PTR(s->cls));
    const kn_type_t *start = obj_is_type ? KN_PTR(s->obj) : kn_typeof(s->obj);
    kn_obj mro = start->mro;
    kn_obj v = KN_NULL;
    if (mro == KN_NULL) {
        mro = kn_tuple_from_iter(linearize(start));
    }
    kn_tuple_t *m = KN_PTR(mro);
    size_t i = 0;
    while (i < m->len && m->items[i] != s->cls) i++;
    for (i++; i < m->len && v == KN_NULL; i++) {
        const kn_type_t *c = (const kn_type_t *)m->items[i];
        if (c->dict != KN_NULL) {
            v = kn_dict_get_q(c->dict, name);
        } else {
            for (; c != NULL && v == KN_NULL; c = c->base_type) {
                v = methods_lookup(c, name);
                if (c->mro == KN_NULL) break;
            }
        }
    }
    if (v == KN_NULL) return false;
    dest[1] = KN_NULL;
    if (obj_is_type) {
        if (kn_is_type(v, &kn_type_classmethod)) {
            dest[0] = ((kn_wrap_t *)v)->func;
            dest[1] = s->obj;
        } else if (kn_is_type(v, &kn_type_staticmethod)) {
            dest[0] = ((kn_wrap_t *)v)->func;
        } else {
            dest[0] = v;
        }
        return true;
    }
    kn_obj d[2];
    bind(v, s->obj, d);
    if (d[1] != KN_NULL) {
        dest[0] = kn_bound_new(d[1], d[0]);
    } else {
        dest[0] = d[0];
    }
    return true;
}

static void super_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    super_t *s = KN_PTR(o);
    kn_printf(p, "<super: <class '%q'>, <%s object>>", ((kn_type_t *)s->cls)->name, kn_type_cname(s->obj));
}

const kn_type_t kn_type_super = {
    .base = {&kn_type_type},
    .name = KN_Q(super),
    .print = super_print,
    .make_new = super_new,
    .attr = super_attr,
    .base_type = &kn_type_object,
};

/* ---- property, staticmethod, classmethod ---- */

static kn_obj property_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_property_t *p = KN_NEW(kn_property_t);
    p->base.type = &kn_type_property;
    p->fget = n > 0 ? args[0] : kn_none;
    p->fset = n > 1 ? args[1] : kn_none;
    p->fdel = n > 2 ? args[2] : kn_none;
    for (size_t i = 0; i < nkw; i++) {
        kn_obj k = args[n + 2 * i], v = args[n + 2 * i + 1];
        if (kn_str_eq(k, KN_Q(fget))) p->fget = v;
        else if (kn_str_eq(k, KN_Q(fset))) p->fset = v;
        else if (kn_str_eq(k, KN_Q(fdel))) p->fdel = v;
    }
    return KN_OBJ(p);
}

static kn_obj property_copy(kn_obj self, int which, kn_obj f) {
    kn_property_t *p = KN_NEW(kn_property_t);
    *p = *(kn_property_t *)self;
    if (which == 0) p->fget = f;
    else if (which == 1) p->fset = f;
    else p->fdel = f;
    return KN_OBJ(p);
}
static kn_obj property_getter(kn_obj s, kn_obj f) { return property_copy(s, 0, f); }
static kn_obj property_setter(kn_obj s, kn_obj f) { return property_copy(s, 1, f); }
static kn_obj property_deleter(kn_obj s, kn_obj f) { return property_copy(s, 2, f); }
static KN_FUN2(property_getter_obj, property_getter);
static KN_FUN2(property_setter_obj, property_setter);
static KN_FUN2(property_deleter_obj, property_deleter);

static bool property_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_property_t *p = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(fget)) *dest = p->fget;
    else if (name == KN_Q(fset)) *dest = p->fset;
    else if (name == KN_Q(fdel)) *dest = p->fdel;
    else if (name == KN_Q(__doc__)) *dest = kn_none;
    else return false;
    return true;
}

KN_METHODS(property_methods, KN_METHOD(getter, property_getter_obj), KN_METHOD(setter, property_setter_obj),
           KN_METHOD(deleter, property_deleter_obj));

const kn_type_t kn_type_property = {
    .base = {&kn_type_type},
    .name = KN_Q(property),
    .make_new = property_new,
    .attr = property_attr,
    .base_type = &kn_type_object,
    .methods = &property_methods,
};

static kn_obj wrap_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    kn_arg_check(n, nkw, 1, 1, false);
    kn_wrap_t *w = KN_NEW(kn_wrap_t);
    w->base.type = t;
    w->func = args[0];
    return KN_OBJ(w);
}

static bool wrap_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(__func__)) {
        *dest = ((kn_wrap_t *)o)->func;
        return true;
    }
    return false;
}

static kn_obj staticmethod_call(kn_obj self, size_t n, size_t nkw, const kn_obj *args) {
    return kn_call(((kn_wrap_t *)self)->func, n, nkw, args);
}

const kn_type_t kn_type_staticmethod = {
    .base = {&kn_type_type},
    .name = KN_Q(staticmethod),
    .make_new = wrap_new,
    .call = staticmethod_call,
    .attr = wrap_attr,
    .base_type = &kn_type_object,
};

const kn_type_t kn_type_classmethod = {
    .base = {&kn_type_type},
    .name = KN_Q(classmethod),
    .make_new = wrap_new,
    .attr = wrap_attr,
    .base_type = &kn_type_object,
};
