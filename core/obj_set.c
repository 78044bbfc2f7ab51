/* obj_set.c: set and frozenset, stored as dicts whose values are unused. */
#include "state.h"

kn_obj kn_dict_new_typed(const kn_type_t *t, size_t cap);

kn_obj kn_set_new(const kn_type_t *t) {
    return kn_dict_new_typed(t, 4);
}

static bool is_setlike(kn_obj o) {
    return kn_is_type(o, &kn_type_set) || kn_is_type(o, &kn_type_frozenset);
}

void kn_set_add(kn_obj s, kn_obj v) {
    kn_dict_set(s, v, kn_true);
}

bool kn_set_contains(kn_obj s, kn_obj v) {
    return kn_dict_get(s, v) != KN_NULL;
}

static size_t set_len(kn_obj s) {
    return ((kn_dict_t *)s)->count;
}

static kn_obj set_from(const kn_type_t *t, kn_obj iterable) {
    kn_obj s = kn_set_new(t);
    if (iterable != KN_NULL) {
        if (is_setlike(iterable)) {
            size_t pos = 0;
            kn_obj k;
            while (kn_dict_next(iterable, &pos, &k, NULL)) kn_set_add(s, k);
        } else {
            kn_obj it = kn_getiter(iterable), v;
            while ((v = kn_iternext(it)) != KN_STOP) kn_set_add(s, v);
        }
    }
    return s;
}

static void set_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    bool frozen = kn_is_type(o, &kn_type_frozenset);
    if (set_len(o) == 0) {
        kn_print_str(p, frozen ? "frozenset()" : "set()");
        return;
    }
    if (frozen) kn_print_str(p, "frozenset(");
    p->write(p->ctx, "{", 1);
    size_t pos = 0;
    kn_obj k;
    bool first = true;
    while (kn_dict_next(o, &pos, &k, NULL)) {
        if (!first) p->write(p->ctx, ", ", 2);
        first = false;
        kn_print_obj(p, k, 1);
    }
    p->write(p->ctx, "}", 1);
    if (frozen) p->write(p->ctx, ")", 1);
}

static kn_obj set_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    kn_arg_check(n, nkw, 0, 1, false);
    if (t != &kn_type_set && t != &kn_type_frozenset) t = &kn_type_set;
    return set_from(t, n ? args[0] : KN_NULL);
}

static bool subset(kn_obj a, kn_obj b) {
    size_t pos = 0;
    kn_obj k;
    while (kn_dict_next(a, &pos, &k, NULL)) {
        if (!kn_set_contains(b, k)) return false;
    }
    return true;
}

static kn_obj set_op(int op, kn_obj a, kn_obj b, const kn_type_t *rt) {
    kn_obj r = kn_set_new(rt);
    size_t pos = 0;
    kn_obj k;
    switch (op) {
        case KN_OP_OR:
            while (kn_dict_next(a, &pos, &k, NULL)) kn_set_add(r, k);
            pos = 0;
            while (kn_dict_next(b, &pos, &k, NULL)) kn_set_add(r, k);
            break;
        case KN_OP_AND:
            while (kn_dict_next(a, &pos, &k, NULL)) if (kn_set_contains(b, k)) kn_set_add(r, k);
            break;
        case KN_OP_SUB:
            while (kn_dict_next(a, &pos, &k, NULL)) if (!kn_set_contains(b, k)) kn_set_add(r, k);
            break;
        default: /* XOR */
            while (kn_dict_next(a, &pos, &k, NULL)) if (!kn_set_contains(b, k)) kn_set_add(r, k);
            pos = 0;
            while (kn_dict_next(b, &pos, &k, NULL)) if (!kn_set_contains(a, k)) kn_set_add(r, k);
            break;
    }
    return r;
}

static void set_replace(kn_obj dst, kn_obj src) {
    kn_dict_t *d = KN_PTR(dst), *s = KN_PTR(src);
    d->used = s->used;
    d->count = s->count;
    d->cap = s->cap;
    d->isize = s->isize;
    d->entries = s->entries;
    d->index = s->index;
}

static kn_obj set_binary(int op, kn_obj a, kn_obj b) {
    if (op & KN_OP_REFLECT) return KN_NULL;
    if (op == KN_OP_CONTAINS) return KN_BOOL(kn_set_contains(a, b));
    bool inplace = op >= KN_OP_INPLACE;
    if (inplace) op -= KN_OP_INPLACE;
    if (!is_setlike(b)) return KN_NULL;
    switch (op) {
        case KN_OP_OR:
        case KN_OP_AND:
        case KN_OP_SUB:
        case KN_OP_XOR: {
            kn_obj r = set_op(op, a, b, kn_typeof(a));
            if (inplace && kn_is_type(a, &kn_type_set)) {
                set_replace(a, r);
                return a;
            }
            return r;
        }
        case KN_OP_EQ: return KN_BOOL(set_len(a) == set_len(b) && subset(a, b));
        case KN_OP_NE: return KN_BOOL(!(set_len(a) == set_len(b) && subset(a, b)));
        case KN_OP_LE: return KN_BOOL(subset(a, b));
        case KN_OP_LT: return KN_BOOL(set_len(a) < set_len(b) && subset(a, b));
        case KN_OP_GE: return KN_BOOL(subset(b, a));
        case KN_OP_GT: return KN_BOOL(set_len(a) > set_len(b) && subset(b, a));
        default: return KN_NULL;
    }
}

static kn_obj set_unary(int op, kn_obj o) {
    switch (op) {
        case KN_UOP_BOOL: return KN_BOOL(set_len(o) != 0);
        case KN_UOP_LEN: return KN_MKSMALL((kn_int_t)set_len(o));
        case KN_UOP_HASH: {
            if (!kn_is_type(o, &kn_type_frozenset)) return KN_NULL;
            kn_uint_t h = 0x1234567u;
            size_t pos = 0;
            kn_obj k;
            while (kn_dict_next(o, &pos, &k, NULL)) h ^= kn_hash(k) * 2654435761u;
            return KN_MKSMALL((kn_int_t)(h >> 2));
        }
        default: return KN_NULL;
    }
}

typedef struct { kn_base_t base; kn_obj set; size_t pos; } set_iter_t;

static kn_obj set_iternext(kn_obj it) {
    set_iter_t *s = KN_PTR(it);
    kn_obj k;
    if (!kn_dict_next(s->set, &s->pos, &k, NULL)) return KN_STOP;
    return k;
}

static const kn_type_t set_iter_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = set_iternext,
    .base_type = &kn_type_object,
};

static kn_obj set_getiter(kn_obj o) {
    set_iter_t *s = KN_NEW(set_iter_t);
    s->base.type = &set_iter_type;
    s->set = o;
    return KN_OBJ(s);
}

static kn_obj as_set_arg(kn_obj o) {
    return is_setlike(o) ? o : set_from(&kn_type_set, o);
}

static kn_obj set_add_m(kn_obj self, kn_obj v) {
    kn_set_add(self, v);
    return kn_none;
}
static KN_FUN2(set_add_obj, set_add_m);

static kn_obj set_remove(kn_obj self, kn_obj v) {
    if (!kn_dict_del(self, v)) kn_raise(kn_exc_new(&kn_type_KeyError, 1, &v));
    return kn_none;
}
static KN_FUN2(set_remove_obj, set_remove);

static kn_obj set_discard(kn_obj self, kn_obj v) {
    kn_dict_del(self, v);
    return kn_none;
}
static KN_FUN2(set_discard_obj, set_discard);

static kn_obj set_pop(kn_obj self) {
    size_t pos = 0;
    kn_obj k;
    if (!kn_dict_next(self, &pos, &k, NULL)) kn_raise_msg(&kn_type_KeyError, "pop from an empty set");
    kn_dict_del(self, k);
    return k;
}
static KN_FUN1(set_pop_obj, set_pop);

static kn_obj set_clear(kn_obj self) {
    set_replace(self, kn_set_new(&kn_type_set));
    return kn_none;
}
static KN_FUN1(set_clear_obj, set_clear);

static kn_obj set_copy(kn_obj self) {
    return set_from(kn_typeof(self), self);
}
static KN_FUN1(set_copy_obj, set_copy);

static kn_obj multi(size_t n, const kn_obj *args, int op, bool update) {
    kn_obj r = update ? args[0] : set_from(kn_typeof(args[0]), args[0]);
    for (size_t i = 1; i < n; i++) {
        kn_obj x = set_op(op, r, as_set_arg(args[i]), kn_typeof(args[0]));
        if (update) set_replace(r, x);
        else r = x;
    }
    return update ? kn_none : r;
}
static kn_obj set_union(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_OR, false); }
static kn_obj set_intersection(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_AND, false); }
static kn_obj set_difference(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_SUB, false); }
static kn_obj set_symdiff(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_XOR, false); }
static kn_obj set_update(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_OR, true); }
static kn_obj set_intersection_update(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_AND, true); }
static kn_obj set_difference_update(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_SUB, true); }
static kn_obj set_symdiff_update(size_t n, const kn_obj *a) { return multi(n, a, KN_OP_XOR, true); }
static KN_FUNV(set_union_obj, 1, 0xffff, set_union);
static KN_FUNV(set_intersection_obj, 1, 0xffff, set_intersection);
static KN_FUNV(set_difference_obj, 1, 0xffff, set_difference);
static KN_FUNV(set_symdiff_obj, 2, 2, set_symdiff);
static KN_FUNV(set_update_obj, 1, 0xffff, set_update);
static KN_FUNV(set_intersection_update_obj, 1, 0xffff, set_intersection_update);
static KN_FUNV(set_difference_update_obj, 1, 0xffff, set_difference_update);
static KN_FUNV(set_symdiff_update_obj, 2, 2, set_symdiff_update);

static kn_obj set_issubset(kn_obj a, kn_obj b) { return KN_BOOL(subset(a, as_set_arg(b))); }
static kn_obj set_issuperset(kn_obj a, kn_obj b) { return KN_BOOL(subset(as_set_arg(b), a)); }
static kn_obj set_isdisjoint(kn_obj a, kn_obj b) {
    return KN_BOOL(set_len(set_op(KN_OP_AND, a, as_set_arg(b), &kn_type_set)) == 0);
}
static KN_FUN2(set_issubset_obj, set_issubset);
static KN_FUN2(set_issuperset_obj, set_issuperset);
static KN_FUN2(set_isdisjoint_obj, set_isdisjoint);

KN_METHODS(set_methods, KN_METHOD(add, set_add_obj), KN_METHOD(clear, set_clear_obj), KN_METHOD(copy, set_copy_obj),
           KN_METHOD(difference, set_difference_obj), KN_METHOD(difference_update, set_difference_update_obj),
           KN_METHOD(discard, set_discard_obj), KN_METHOD(intersection, set_intersection_obj),
           KN_METHOD(intersection_update, set_intersection_update_obj), KN_METHOD(isdisjoint, set_isdisjoint_obj),
           KN_METHOD(issubset, set_issubset_obj), KN_METHOD(issuperset, set_issuperset_obj),
           KN_METHOD(pop, set_pop_obj), KN_METHOD(remove, set_remove_obj),
           KN_METHOD(symmetric_difference, set_symdiff_obj),
           KN_METHOD(symmetric_difference_update, set_symdiff_update_obj), KN_METHOD(union, set_union_obj),
           KN_METHOD(update, set_update_obj));

KN_METHODS(frozenset_methods, KN_METHOD(copy, set_copy_obj), KN_METHOD(difference, set_difference_obj),
           KN_METHOD(intersection, set_intersection_obj), KN_METHOD(isdisjoint, set_isdisjoint_obj),
           KN_METHOD(issubset, set_issubset_obj), KN_METHOD(issuperset, set_issuperset_obj),
           KN_METHOD(symmetric_difference, set_symdiff_obj), KN_METHOD(union, set_union_obj));

const kn_type_t kn_type_set = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE,
    .name = KN_Q(set),
    .print = set_print,
    .make_new = set_new,
    .unary_op = set_unary,
    .binary_op = set_binary,
    .getiter = set_getiter,
    .base_type = &kn_type_object,
    .methods = &set_methods,
};

const kn_type_t kn_type_frozenset = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE,
    .name = KN_Q(frozenset),
    .print = set_print,
    .make_new = set_new,
    .unary_op = set_unary,
    .binary_op = set_binary,
    .getiter = set_getiter,
    .base_type = &kn_type_object,
    .methods = &frozenset_methods,
};
