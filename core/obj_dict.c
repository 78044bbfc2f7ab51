/* obj_dict.c: dict: insertion-ordered entries plus an open-addressing index once it outgrows a linear scan. */
#include <string.h>

#include "state.h"

#define LINEAR_MAX 8

/* Index slots hold entry numbers; 16-bit slots (0xffff = empty) while the entry table is below
 * 0xffff entries halve the index of every dict a small board can hold. */
#define WIDE(d) ((d)->cap >= 0xffffu)

static inline int32_t ix_get(const kn_dict_t *d, uint32_t j) {
    if (WIDE(d)) return d->index[j];
    uint16_t v = ((const uint16_t *)d->index)[j];
    return v == 0xffffu ? -1 : (int32_t)v;
}

static inline void ix_set(kn_dict_t *d, uint32_t j, uint32_t e) {
    if (WIDE(d)) d->index[j] = (int32_t)e;
    else ((uint16_t *)d->index)[j] = (uint16_t)e;
}

kn_obj kn_dict_new_typed(const kn_type_t *t, size_t cap) {
    kn_dict_t *d = KN_NEW(kn_dict_t);
    d->base.type = t;
    if (cap < 4) cap = 4;
    d->cap = (uint32_t)cap;
    d->entries = kn_alloc(cap * sizeof(kn_dict_entry_t));
    return KN_OBJ(d);
}

kn_obj kn_dict_new(size_t cap) {
    return kn_dict_new_typed(&kn_type_dict, cap);
}

static kn_dict_t *as_dict(kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    if (t->flags & KN_TF_NATIVE_SUB) o = ((kn_native_sub_t *)o)->native;
    return KN_PTR(o);
}

static void build_index(kn_dict_t *d) {
    if (d->cap <= LINEAR_MAX) {
        d->index = NULL;
        d->isize = 0;
        return;
    }
    uint32_t is = 16;
    while (is < d->cap * 2) is *= 2;
    d->index = NULL; /* stays linear (valid) if the allocation raises */
    d->isize = 0;
    size_t bytes = is * (WIDE(d) ? sizeof(int32_t) : sizeof(uint16_t));
    d->index = kn_alloc_atomic(bytes);
    memset(d->index, 0xff, bytes);
    d->isize = is;
    for (uint32_t i = 0; i < d->used; i++) {
        if (d->entries[i].key == KN_NULL) continue;
        uint32_t m = is - 1, j = (uint32_t)d->entries[i].hash & m;
        while (ix_get(d, j) >= 0) j = (j + 1) & m;
        ix_set(d, j, i);
    }
}

/* Compacts out deleted entries and grows when needed. */
static void resize(kn_dict_t *d, uint32_t need) {
    /* Grow by 1.5x rather than to the next power of two: on a small board the entry table is the
     * largest single allocation a dict makes and must find one free run. */
    uint32_t cap = d->cap;
    if (cap < need * 3 / 2 + 1) cap = (need * 3 / 2 + 4) & ~3u;
    /* Drop the index first: its blocks may be what lets the entry table grow in place. Without an
     * index the dict is a valid (linear) dict, also if growing raises MemoryError below. */
    if (d->index != NULL) kn_free(d->index);
    d->index = NULL;
    d->isize = 0;
    kn_dict_entry_t *e = d->entries;
    uint32_t w = 0;
    for (uint32_t i = 0; i < d->used; i++) {
        if (e[i].key != KN_NULL) e[w++] = e[i];
    }
    memset(&e[w], 0, (d->used - w) * sizeof(kn_dict_entry_t));
    d->used = w;
    if (cap != d->cap) {
        /* In place when the neighbouring blocks are free (kn_realloc), so a growing table does not
         * need a second free run of its new size next to the old one. */
        d->entries = kn_realloc(e, d->cap * sizeof(kn_dict_entry_t), cap * sizeof(kn_dict_entry_t));
        d->cap = cap;
    }
    build_index(d);
}

static inline bool key_match(const kn_dict_entry_t *e, kn_obj key, kn_uint_t h) {
    if (e->key == key) return true;
    if (e->hash != h || e->key == KN_NULL) return false;
    if (KN_IS_STR(key) && KN_IS_STR(e->key)) return kn_str_eq(key, e->key);
    return kn_equal(e->key, key);
}

/* Entry index of key, or -1; *slot gets the index slot to use for insertion when hashed. */
static int32_t find(kn_dict_t *d, kn_obj key, kn_uint_t h, uint32_t *slot) {
    if (d->index == NULL) {
        for (uint32_t i = 0; i < d->used; i++) {
            if (key_match(&d->entries[i], key, h)) return (int32_t)i;
        }
        return -1;
    }
    uint32_t m = d->isize - 1, j = (uint32_t)h & m;
    for (;;) {
        int32_t ix = ix_get(d, j);
        if (ix < 0) {
            if (slot) *slot = j;
            return -1;
        }
        if (key_match(&d->entries[ix], key, h)) return ix;
        j = (j + 1) & m;
    }
}

static kn_uint_t key_hash(kn_obj key) {
    if (KN_IS_STR(key)) return ((kn_str_t *)key)->hash;
    return kn_hash(key);
}

kn_obj kn_dict_get(kn_obj o, kn_obj key) {
    kn_dict_t *d = as_dict(o);
    int32_t i = find(d, key, key_hash(key), NULL);
    return i < 0 ? KN_NULL : d->entries[i].value;
}

kn_obj kn_dict_get_q(kn_obj o, kn_obj key) {
    kn_dict_t *d = KN_PTR(o);
    kn_str_t *k = KN_PTR(key);
    if (d->index == NULL) {
        kn_dict_entry_t *e = d->entries;
        for (uint32_t i = 0; i < d->used; i++) {
            if (e[i].key == key) return e[i].value;
        }
        for (uint32_t i = 0; i < d->used; i++) {
            if (e[i].hash == k->hash && e[i].key != KN_NULL && KN_IS_STR(e[i].key) && kn_str_eq(e[i].key, key)) {
                return e[i].value;
            }
        }
        return KN_NULL;
    }
    uint32_t m = d->isize - 1, j = k->hash & m;
    for (;;) {
        int32_t ix = ix_get(d, j);
        if (ix < 0) return KN_NULL;
        kn_dict_entry_t *e = &d->entries[ix];
        if (e->key == key) return e->value;
        if (e->hash == k->hash && e->key != KN_NULL && KN_IS_STR(e->key) && kn_str_eq(e->key, key)) return e->value;
        j = (j + 1) & m;
    }
}

void kn_dict_set(kn_obj o, kn_obj key, kn_obj value) {
    kn_dict_t *d = as_dict(o);
    kn_uint_t h = key_hash(key);
    uint32_t slot = 0;
    int32_t i = find(d, key, h, &slot);
    if (i >= 0) {
        d->entries[i].value = value;
        return;
    }
    if (d->used >= d->cap) {
        resize(d, d->count + 1);
        find(d, key, h, &slot);
    }
    uint32_t e = d->used++;
    d->entries[e].hash = h;
    d->entries[e].key = key;
    d->entries[e].value = value;
    d->count++;
    if (d->index != NULL) ix_set(d, slot, e);
}

bool kn_dict_del(kn_obj o, kn_obj key) {
    kn_dict_t *d = as_dict(o);
    int32_t i = find(d, key, key_hash(key), NULL);
    if (i < 0) return false;
    d->entries[i].key = KN_NULL;
    d->entries[i].value = KN_NULL;
    d->count--;
    if (d->index == NULL) {
        /* Linear dicts compact at once so lookups stay short. */
        memmove(&d->entries[i], &d->entries[i + 1], (d->used - (uint32_t)i - 1) * sizeof(kn_dict_entry_t));
        d->used--;
        memset(&d->entries[d->used], 0, sizeof(kn_dict_entry_t));
    }
    return true;
}

bool kn_dict_next(kn_obj o, size_t *pos, kn_obj *key, kn_obj *value) {
    kn_dict_t *d = as_dict(o);
    while (*pos < d->used) {
        kn_dict_entry_t *e = &d->entries[(*pos)++];
        if (e->key != KN_NULL) {
            *key = e->key;
            if (value) *value = e->value;
            return true;
        }
    }
    return false;
}

void kn_dict_update(kn_obj d, kn_obj other) {
    if (kn_isinstance(other, &kn_type_dict)) {
        size_t pos = 0;
        kn_obj k, v;
        while (kn_dict_next(other, &pos, &k, &v)) kn_dict_set(d, k, v);
        return;
    }
    kn_obj keys = kn_load_attr_maybe(other, KN_Q(keys));
    if (keys != KN_NULL) {
        kn_obj it = kn_getiter(kn_call0(keys)), k;
        while ((k = kn_iternext(it)) != KN_STOP) kn_dict_set(d, k, kn_subscr(other, k, KN_LOAD));
        return;
    }
    kn_obj it = kn_getiter(other), item;
    while ((item = kn_iternext(it)) != KN_STOP) {
        kn_obj pit = kn_getiter(item);
        kn_obj k = kn_iternext(pit), v = k == KN_STOP ? KN_STOP : kn_iternext(pit);
        if (v == KN_STOP || kn_iternext(pit) != KN_STOP) {
            kn_raise_value("dictionary update sequence element has wrong length");
        }
        kn_dict_set(d, k, v);
    }
}

/* ---- dict type ---- */

static void dict_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    size_t pos = 0;
    kn_obj k, v;
    bool first = true;
    p->write(p->ctx, "{", 1);
    while (kn_dict_next(o, &pos, &k, &v)) {
        if (!first) p->write(p->ctx, ", ", 2);
        first = false;
        kn_print_obj(p, k, 1);
        p->write(p->ctx, ": ", 2);
        kn_print_obj(p, v, 1);
    }
    p->write(p->ctx, "}", 1);
}

static kn_obj dict_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    if (n > 1) kn_raise_type("dict expected at most 1 argument");
    kn_obj d = kn_dict_new(nkw + 4);
    if (n == 1) kn_dict_update(d, args[0]);
    for (size_t i = 0; i < nkw; i++) kn_dict_set(d, args[n + 2 * i], args[n + 2 * i + 1]);
    return d;
}

static kn_obj dict_unary(int op, kn_obj o) {
    kn_dict_t *d = as_dict(o);
    switch (op) {
        case KN_UOP_BOOL: return KN_BOOL(d->count != 0);
        case KN_UOP_LEN: return KN_MKSMALL((kn_int_t)d->count);
        default: return KN_NULL;
    }
}

static kn_obj dict_binary(int op, kn_obj a, kn_obj b) {
    if (op & KN_OP_REFLECT) return KN_NULL;
    switch (op) {
        case KN_OP_CONTAINS:
            return KN_BOOL(kn_dict_get(a, b) != KN_NULL);
        case KN_OP_EQ:
        case KN_OP_NE: {
            if (!kn_isinstance(b, &kn_type_dict)) return KN_NULL;
            kn_dict_t *x = as_dict(a), *y = as_dict(b);
            bool eq = x->count == y->count;
            size_t pos = 0;
            kn_obj k, v;
            while (eq && kn_dict_next(a, &pos, &k, &v)) {
                kn_obj w = kn_dict_get(b, k);
                eq = w != KN_NULL && (w == v || kn_equal(v, w));
            }
            return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
        }
        case KN_OP_OR:
        case KN_OP_INPLACE + KN_OP_OR: {
            if (!kn_isinstance(b, &kn_type_dict)) return KN_NULL;
            kn_obj r = a;
            if (op == KN_OP_OR) {
                r = kn_dict_new(as_dict(a)->count + 4);
                kn_dict_update(r, a);
            }
            kn_dict_update(r, b);
            return r;
        }
        default:
            return KN_NULL;
    }
}

static kn_obj dict_subscr(kn_obj o, kn_obj key, kn_obj value) {
    if (value == KN_LOAD) {
        kn_obj v = kn_dict_get(o, key);
        if (v == KN_NULL) {
            if (!kn_is_type(o, &kn_type_dict)) {
                kn_obj miss[2];
                if (kn_load_method_maybe(o, KN_Q(__missing__), miss)) {
                    kn_obj args[2] = {miss[1], key};
                    return miss[1] == KN_NULL ? kn_call(miss[0], 1, 0, &key) : kn_call(miss[0], 2, 0, args);
                }
            }
            kn_raise(kn_exc_new(&kn_type_KeyError, 1, &key));
        }
        return v;
    }
    if (value == KN_NULL) {
        if (!kn_dict_del(o, key)) kn_raise(kn_exc_new(&kn_type_KeyError, 1, &key));
        return kn_none;
    }
    kn_dict_set(o, key, value);
    return kn_none;
}

/* Views and their iterators. */
enum { VIEW_KEYS, VIEW_VALUES, VIEW_ITEMS };
typedef struct { kn_base_t base; kn_obj dict; int kind; size_t pos; } dict_view_t;
extern const kn_type_t kn_type_dict_view, kn_type_dict_iter;

static kn_obj dict_iter_next(kn_obj it) {
    dict_view_t *v = KN_PTR(it);
    kn_obj k, val;
    if (!kn_dict_next(v->dict, &v->pos, &k, &val)) return KN_STOP;
    if (v->kind == VIEW_KEYS) return k;
    if (v->kind == VIEW_VALUES) return val;
    kn_obj pair[2] = {k, val};
    return kn_tuple_new(2, pair);
}

const kn_type_t kn_type_dict_iter = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = dict_iter_next,
    .base_type = &kn_type_object,
};

static kn_obj make_view(const kn_type_t *t, kn_obj d, int kind) {
    dict_view_t *v = KN_NEW(dict_view_t);
    v->base.type = t;
    v->dict = d;
    v->kind = kind;
    return KN_OBJ(v);
}

static kn_obj dict_getiter(kn_obj o) {
    return make_view(&kn_type_dict_iter, o, VIEW_KEYS);
}

static kn_obj view_getiter(kn_obj o) {
    dict_view_t *v = KN_PTR(o);
    return make_view(&kn_type_dict_iter, v->dict, v->kind);
}

static void view_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    dict_view_t *v = KN_PTR(o);
    static const char *const names[] = {"dict_keys([", "dict_values([", "dict_items(["};
    kn_print_str(p, names[v->kind]);
    kn_obj it = view_getiter(o), x;
    bool first = true;
    while ((x = kn_iternext(it)) != KN_STOP) {
        if (!first) p->write(p->ctx, ", ", 2);
        first = false;
        kn_print_obj(p, x, 1);
    }
    kn_print_str(p, "])");
}

static kn_obj view_unary(int op, kn_obj o) {
    dict_view_t *v = KN_PTR(o);
    if (op == KN_UOP_LEN) return KN_MKSMALL((kn_int_t)as_dict(v->dict)->count);
    if (op == KN_UOP_BOOL) return KN_BOOL(as_dict(v->dict)->count != 0);
    return KN_NULL;
}

static kn_obj view_binary(int op, kn_obj a, kn_obj b) {
    dict_view_t *v = KN_PTR(a);
    if (op == KN_OP_CONTAINS) {
        if (v->kind == VIEW_KEYS) return KN_BOOL(kn_dict_get(v->dict, b) != KN_NULL);
        kn_obj it = view_getiter(a), x;
        while ((x = kn_iternext(it)) != KN_STOP) {
            if (kn_equal(x, b)) return kn_true;
        }
        return kn_false;
    }
    if (v->kind != VIEW_VALUES && (op == KN_OP_AND || op == KN_OP_OR || op == KN_OP_SUB || op == KN_OP_XOR ||
                                   op == KN_OP_EQ || op == KN_OP_NE)) {
        kn_obj s = kn_set_new(&kn_type_set);
        kn_obj it = view_getiter(a), x;
        while ((x = kn_iternext(it)) != KN_STOP) kn_set_add(s, x);
        if (kn_is_type(b, &kn_type_dict_view)) {
            kn_obj t = kn_set_new(&kn_type_set);
            kn_obj it2 = view_getiter(b);
            while ((x = kn_iternext(it2)) != KN_STOP) kn_set_add(t, x);
            b = t;
        }
        return kn_binary_op(op, s, b);
    }
    return KN_NULL;
}

const kn_type_t kn_type_dict_view = {
    .base = {&kn_type_type},
    .name = KN_Q(dict_view),
    .print = view_print,
    .unary_op = view_unary,
    .binary_op = view_binary,
    .getiter = view_getiter,
    .base_type = &kn_type_object,
};

static kn_obj dict_keys(kn_obj self) { return make_view(&kn_type_dict_view, self, VIEW_KEYS); }
static kn_obj dict_values(kn_obj self) { return make_view(&kn_type_dict_view, self, VIEW_VALUES); }
static kn_obj dict_items(kn_obj self) { return make_view(&kn_type_dict_view, self, VIEW_ITEMS); }
static KN_FUN1(dict_keys_obj, dict_keys);
static KN_FUN1(dict_values_obj, dict_values);
static KN_FUN1(dict_items_obj, dict_items);

static kn_obj dict_get_m(size_t n, const kn_obj *args) {
    kn_obj v = kn_dict_get(args[0], args[1]);
    return v == KN_NULL ? (n > 2 ? args[2] : kn_none) : v;
}
static KN_FUNV(dict_get_obj, 2, 3, dict_get_m);

static kn_obj dict_setdefault(size_t n, const kn_obj *args) {
    kn_obj v = kn_dict_get(args[0], args[1]);
    if (v == KN_NULL) {
        v = n > 2 ? args[2] : kn_none;
        kn_dict_set(args[0], args[1], v);
    }
    return v;
}
static KN_FUNV(dict_setdefault_obj, 2, 3, dict_setdefault);

static kn_obj dict_pop(size_t n, const kn_obj *args) {
    kn_obj v = kn_dict_get(args[0], args[1]);
    if (v == KN_NULL) {
        if (n > 2) return args[2];
        kn_raise(kn_exc_new(&kn_type_KeyError, 1, &args[1]));
    }
    kn_dict_del(args[0], args[1]);
    return v;
}
static KN_FUNV(dict_pop_obj, 2, 3, dict_pop);

static kn_obj dict_popitem(kn_obj self) {
    kn_dict_t *d = as_dict(self);
    for (uint32_t i = d->used; i-- > 0;) {
        if (d->entries[i].key != KN_NULL) {
            kn_obj pair[2] = {d->entries[i].key, d->entries[i].value};
            kn_dict_del(self, pair[0]);
            return kn_tuple_new(2, pair);
        }
    }
    kn_raise_msg(&kn_type_KeyError, "popitem(): dictionary is empty");
}
static KN_FUN1(dict_popitem_obj, dict_popitem);

static kn_obj dict_update_m(size_t n, const kn_obj *args, kn_obj kw) {
    if (n > 2) kn_raise_type("update expected at most 1 argument");
    if (n == 2) kn_dict_update(args[0], args[1]);
    if (kw != KN_NULL) kn_dict_update(args[0], kw);
    return kn_none;
}
static KN_FUNK(dict_update_obj, 1, dict_update_m);

static kn_obj dict_clear(kn_obj self) {
    kn_dict_t *d = as_dict(self);
    memset(d->entries, 0, d->cap * sizeof(kn_dict_entry_t));
    d->used = d->count = 0;
    build_index(d);
    return kn_none;
}
static KN_FUN1(dict_clear_obj, dict_clear);

static kn_obj dict_copy(kn_obj self) {
    kn_obj r = kn_dict_new(as_dict(self)->count + 4);
    kn_dict_update(r, self);
    return r;
}
static KN_FUN1(dict_copy_obj, dict_copy);

static kn_obj dict_fromkeys(size_t n, const kn_obj *args) {
    kn_obj d = kn_call0(args[0]);
    kn_obj v = n > 2 ? args[2] : kn_none;
    kn_obj it = kn_getiter(args[1]), k;
    while ((k = kn_iternext(it)) != KN_STOP) kn_subscr(d, k, v);
    return d;
}
static KN_FUNV(dict_fromkeys_fun, 2, 3, dict_fromkeys);
static KN_CLASSMETHOD(dict_fromkeys_obj, dict_fromkeys_fun);

KN_METHODS(dict_methods, KN_METHOD(clear, dict_clear_obj), KN_METHOD(copy, dict_copy_obj),
           KN_METHOD(fromkeys, dict_fromkeys_obj), KN_METHOD(get, dict_get_obj), KN_METHOD(items, dict_items_obj),
           KN_METHOD(keys, dict_keys_obj), KN_METHOD(pop, dict_pop_obj), KN_METHOD(popitem, dict_popitem_obj),
           KN_METHOD(setdefault, dict_setdefault_obj), KN_METHOD(update, dict_update_obj),
           KN_METHOD(values, dict_values_obj));

const kn_type_t kn_type_dict = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE,
    .name = KN_Q(dict),
    .print = dict_print,
    .make_new = dict_new,
    .unary_op = dict_unary,
    .binary_op = dict_binary,
    .subscr = dict_subscr,
    .getiter = dict_getiter,
    .base_type = &kn_type_object,
    .methods = &dict_methods,
};
