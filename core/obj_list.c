/* obj_list.c: list, a growable array of values, with a stable merge sort. */
#include <string.h>

#include "state.h"

kn_obj kn_list_new(size_t n, const kn_obj *items) {
    kn_list_t *l = KN_NEW(kn_list_t);
    l->base.type = &kn_type_list;
    l->cap = n < 4 ? 4 : n;
    l->items = kn_alloc(l->cap * sizeof(kn_obj));
    l->len = n;
    if (items != NULL && n > 0) memcpy(l->items, items, n * sizeof(kn_obj));
    return KN_OBJ(l);
}

static kn_list_t *as_list(kn_obj o) {
    if (!kn_is_type(o, &kn_type_list)) o = kn_native_self(o, &kn_type_list);
    return KN_PTR(o);
}

static void list_reserve(kn_list_t *l, size_t n) {
    if (n <= l->cap) return;
    size_t nc = l->cap * 2;
    if (nc < n) nc = n;
    l->items = kn_realloc(l->items, l->cap * sizeof(kn_obj), nc * sizeof(kn_obj));
    l->cap = nc;
}

void kn_list_append(kn_obj list, kn_obj v) {
    kn_list_t *l = as_list(list);
    if (l->len >= l->cap) list_reserve(l, l->len + 1);
    l->items[l->len++] = v;
}

void kn_list_extend(kn_obj list, kn_obj iterable) {
    kn_list_t *l = as_list(list);
    const kn_type_t *t = kn_typeof(iterable);
    if (t == &kn_type_list || t == &kn_type_tuple) {
        size_t n;
        kn_obj *items;
        kn_seq_get(iterable, &n, &items);
        list_reserve(l, l->len + n);
        memmove(l->items + l->len, items, n * sizeof(kn_obj));
        l->len += n;
        return;
    }
    kn_obj it = kn_getiter(iterable), v;
    while ((v = kn_iternext(it)) != KN_STOP) kn_list_append(list, v);
}

kn_obj kn_list_from_iter(kn_obj it) {
    kn_obj l = kn_list_new(0, NULL);
    kn_list_extend(l, it);
    return l;
}

kn_obj kn_list_pop(kn_obj list, kn_int_t i) {
    kn_list_t *l = as_list(list);
    if (l->len == 0) kn_raise_msg(&kn_type_IndexError, "pop from empty list");
    if (i < 0) i += (kn_int_t)l->len;
    if (i < 0 || i >= (kn_int_t)l->len) kn_raise_msg(&kn_type_IndexError, "pop index out of range");
    kn_obj v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(kn_obj));
    l->items[--l->len] = KN_NULL;
    if (l->cap > 16 && l->len < l->cap / 4) {
        l->items = kn_realloc(l->items, l->cap * sizeof(kn_obj), l->cap / 2 * sizeof(kn_obj));
        l->cap /= 2;
    }
    return v;
}

/* ---- sorting: merge sort on (key, value) pairs; stable, O(n log n) ---- */

static bool less_than(kn_obj a, kn_obj b) {
    if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) return KN_SMALL(a) < KN_SMALL(b);
    return kn_truthy(kn_binary_op(KN_OP_LT, a, b));
}

static void merge_sort(kn_obj *keys, kn_obj *vals, kn_obj *tk, kn_obj *tv, size_t n, bool reverse) {
    if (n < 2) return;
    if (n <= 8) {
        /* Insertion sort for short runs. */
        for (size_t i = 1; i < n; i++) {
            kn_obj k = keys[i], v = vals[i];
            size_t j = i;
            while (j > 0 && (reverse ? less_than(keys[j - 1], k) : less_than(k, keys[j - 1]))) {
                keys[j] = keys[j - 1];
                vals[j] = vals[j - 1];
                j--;
            }
            keys[j] = k;
            vals[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(keys, vals, tk, tv, h, reverse);
    merge_sort(keys + h, vals + h, tk, tv, n - h, reverse);
    memcpy(tk, keys, h * sizeof(kn_obj));
    memcpy(tv, vals, h * sizeof(kn_obj));
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        bool take_right = reverse ? less_than(tk[i], keys[j]) : less_than(keys[j], tk[i]);
        if (take_right) {
            keys[k] = keys[j];
            vals[k++] = vals[j++];
        } else {
            keys[k] = tk[i];
            vals[k++] = tv[i++];
        }
    }
    while (i < h) {
        keys[k] = tk[i];
        vals[k++] = tv[i++];
    }
}

void kn_list_sort(kn_obj list, kn_obj key, bool reverse) {
    kn_list_t *l = as_list(list);
    size_t n = l->len;
    if (n < 2) return;
    kn_obj *vals = kn_alloc(n * sizeof(kn_obj));
    memcpy(vals, l->items, n * sizeof(kn_obj));
    kn_obj *keys = vals;
    if (key != kn_none && key != KN_NULL) {
        keys = kn_alloc(n * sizeof(kn_obj));
        for (size_t i = 0; i < n; i++) keys[i] = kn_call1(key, vals[i]);
    }
    kn_obj *tk = kn_alloc((n / 2 + 1) * sizeof(kn_obj));
    kn_obj *tv = keys == vals ? tk : kn_alloc((n / 2 + 1) * sizeof(kn_obj));
    if (keys == vals) {
        /* Same array: sort the keys only. */
        kn_obj *dummy = kn_alloc(n * sizeof(kn_obj));
        kn_obj *td = kn_alloc((n / 2 + 1) * sizeof(kn_obj));
        merge_sort(keys, dummy, tk, td, n, reverse);
    } else {
        merge_sort(keys, vals, tk, tv, n, reverse);
    }
    memcpy(l->items, vals, n * sizeof(kn_obj));
}

kn_obj kn_sorted_list(kn_obj iterable, kn_obj key, bool reverse) {
    kn_obj l = kn_list_from_iter(iterable);
    kn_list_sort(l, key, reverse);
    return l;
}

/* ---- list type ---- */

static void list_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_list_t *l = as_list(o);
    kn_seq_print(p, l->len, l->items, "[", "]", false);
}

static kn_obj list_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    kn_obj l = kn_list_new(0, NULL);
    if (n == 1) kn_list_extend(l, args[0]);
    return l;
}

static kn_obj list_unary(int op, kn_obj o) {
    kn_list_t *l = as_list(o);
    switch (op) {
        case KN_UOP_BOOL: return KN_BOOL(l->len != 0);
        case KN_UOP_LEN: return KN_MKSMALL((kn_int_t)l->len);
        default: return KN_NULL;
    }
}

static kn_obj list_binary(int op, kn_obj a, kn_obj b) {
    kn_list_t *l = as_list(a);
    if (op & KN_OP_REFLECT) {
        if ((op & ~KN_OP_REFLECT) == KN_OP_MUL) return list_binary(KN_OP_MUL, a, b);
        return KN_NULL;
    }
    switch (op) {
        case KN_OP_ADD: {
            if (!kn_is_type(b, &kn_type_list)) {
                kn_raise_fmt(&kn_type_TypeError, "can only concatenate list (not \"%s\") to list", kn_type_cname(b));
            }
            kn_list_t *m = KN_PTR(b);
            kn_obj r = kn_list_new(l->len + m->len, NULL);
            kn_list_t *rl = KN_PTR(r);
            memcpy(rl->items, l->items, l->len * sizeof(kn_obj));
            memcpy(rl->items + l->len, m->items, m->len * sizeof(kn_obj));
            return r;
        }
        case KN_OP_INPLACE + KN_OP_ADD:
            kn_list_extend(a, b);
            return a;
        case KN_OP_MUL:
        case KN_OP_INPLACE + KN_OP_MUL: {
            if (!KN_IS_INT(b)) return KN_NULL;
            kn_int_t k = kn_get_int(b);
            if (k < 0) k = 0;
            size_t len = l->len;
            if (len != 0 && (size_t)k > ((size_t)1 << 28) / len) kn_raise(kn_st.memory_error); /* > 1 GiB of items */
            kn_obj r = kn_list_new(len * (size_t)k, NULL);
            kn_list_t *rl = KN_PTR(r);
            for (kn_int_t i = 0; i < k; i++) memcpy(rl->items + (size_t)i * len, l->items, len * sizeof(kn_obj));
            if (op == KN_OP_MUL) return r;
            list_reserve(l, rl->len);
            memcpy(l->items, rl->items, rl->len * sizeof(kn_obj));
            l->len = rl->len;
            return a;
        }
        case KN_OP_CONTAINS:
            for (size_t i = 0; i < l->len; i++) {
                if (l->items[i] == b || kn_equal(l->items[i], b)) return kn_true;
            }
            return kn_false;
        case KN_OP_EQ: case KN_OP_NE: case KN_OP_LT: case KN_OP_LE: case KN_OP_GT: case KN_OP_GE: {
            if (!kn_is_type(b, &kn_type_list)) return KN_NULL;
            kn_list_t *m = KN_PTR(b);
            return kn_seq_compare(op, l->len, l->items, m->len, m->items);
        }
        default:
            return KN_NULL;
    }
}

static void list_set_slice(kn_list_t *l, kn_obj slice, kn_obj value) {
    kn_int_t start, stop, step;
    kn_slice_indices(slice, (kn_int_t)l->len, &start, &stop, &step);
    if (value == KN_NULL) {
        if (step == 1) {
            if (stop > start) {
                memmove(l->items + start, l->items + stop, (l->len - (size_t)stop) * sizeof(kn_obj));
                l->len -= (size_t)(stop - start);
            }
            return;
        }
        /* Extended slice delete: compact keeping the unselected items. */
        size_t w = 0;
        for (size_t i = 0; i < l->len; i++) {
            kn_int_t ii = (kn_int_t)i;
            bool sel = step > 0 ? (ii >= start && ii < stop && (ii - start) % step == 0)
                                : (ii <= start && ii > stop && (start - ii) % (-step) == 0);
            if (!sel) l->items[w++] = l->items[i];
        }
        l->len = w;
        return;
    }
    kn_obj src = kn_list_from_iter(value);
    kn_list_t *s = KN_PTR(src);
    if (step == 1) {
        if (stop < start) stop = start;
        size_t old = (size_t)(stop - start);
        size_t newlen = l->len - old + s->len;
        list_reserve(l, newlen);
        memmove(l->items + start + s->len, l->items + stop, (l->len - (size_t)stop) * sizeof(kn_obj));
        memcpy(l->items + start, s->items, s->len * sizeof(kn_obj));
        l->len = newlen;
        return;
    }
    size_t count = 0;
    for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) count++;
    if (count != s->len) {
        kn_raise_fmt(&kn_type_ValueError, "attempt to assign sequence of size %u to extended slice of size %u",
                     (unsigned)s->len, (unsigned)count);
    }
    size_t k = 0;
    for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) l->items[i] = s->items[k++];
}

static kn_obj list_subscr(kn_obj o, kn_obj index, kn_obj value) {
    kn_list_t *l = as_list(o);
    if (KN_IS_SMALL(index)) {
        kn_int_t i = KN_SMALL(index);
        if (i < 0) i += (kn_int_t)l->len;
        if (i < 0 || i >= (kn_int_t)l->len) {
            kn_raise_msg(&kn_type_IndexError, value == KN_LOAD ? "list index out of range" : "list assignment index out of range");
        }
        if (value == KN_LOAD) return l->items[i];
        if (value == KN_NULL) {
            kn_list_pop(o, i);
            return kn_none;
        }
        l->items[i] = value;
        return kn_none;
    }
    if (kn_is_type(index, &kn_type_slice)) {
        if (value == KN_LOAD) return kn_seq_slice(l->len, l->items, index, false);
        list_set_slice(l, index, value);
        return kn_none;
    }
    size_t i = kn_seq_index_msg(index, l->len, value == KN_LOAD ? "list index out of range" : "list assignment index out of range");
    if (value == KN_LOAD) return l->items[i];
    if (value == KN_NULL) {
        kn_list_pop(o, (kn_int_t)i);
        return kn_none;
    }
    l->items[i] = value;
    return kn_none;
}

static kn_obj list_getiter(kn_obj o) {
    return kn_seq_iter_new(KN_OBJ(as_list(o)));
}

static kn_obj list_append_m(kn_obj self, kn_obj v) {
    kn_list_append(self, v);
    return kn_none;
}
static KN_FUN2(list_append_obj, list_append_m);

static kn_obj list_extend_m(kn_obj self, kn_obj v) {
    kn_list_extend(self, v);
    return kn_none;
}
static KN_FUN2(list_extend_obj, list_extend_m);

static kn_obj list_pop_m(size_t n, const kn_obj *args) {
    return kn_list_pop(args[0], n > 1 ? kn_get_int(args[1]) : -1);
}
static KN_FUNV(list_pop_obj, 1, 2, list_pop_m);

static kn_obj list_insert(kn_obj self, kn_obj idx, kn_obj v) {
    kn_list_t *l = as_list(self);
    kn_int_t i = kn_get_int(idx);
    if (i < 0) i += (kn_int_t)l->len;
    if (i < 0) i = 0;
    if (i > (kn_int_t)l->len) i = (kn_int_t)l->len;
    list_reserve(l, l->len + 1);
    memmove(l->items + i + 1, l->items + i, (l->len - (size_t)i) * sizeof(kn_obj));
    l->items[i] = v;
    l->len++;
    return kn_none;
}
static KN_FUN3(list_insert_obj, list_insert);

static kn_obj list_remove(kn_obj self, kn_obj v) {
    kn_list_t *l = as_list(self);
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i] == v || kn_equal(l->items[i], v)) {
            kn_list_pop(self, (kn_int_t)i);
            return kn_none;
        }
    }
    kn_raise_value("list.remove(x): x not in list");
}
static KN_FUN2(list_remove_obj, list_remove);

static kn_obj list_index(size_t n, const kn_obj *args) {
    kn_list_t *l = as_list(args[0]);
    return kn_seq_index_of(l->len, l->items, n, args);
}
static KN_FUNV(list_index_obj, 2, 4, list_index);

static kn_obj list_count(kn_obj self, kn_obj v) {
    kn_list_t *l = as_list(self);
    return kn_seq_count(l->len, l->items, v);
}
static KN_FUN2(list_count_obj, list_count);

static kn_obj list_clear(kn_obj self) {
    kn_list_t *l = as_list(self);
    l->len = 0;
    memset(l->items, 0, l->cap * sizeof(kn_obj));
    return kn_none;
}
static KN_FUN1(list_clear_obj, list_clear);

static kn_obj list_copy(kn_obj self) {
    kn_list_t *l = as_list(self);
    return kn_list_new(l->len, l->items);
}
static KN_FUN1(list_copy_obj, list_copy);

static kn_obj list_reverse(kn_obj self) {
    kn_list_t *l = as_list(self);
    for (size_t i = 0; i < l->len / 2; i++) {
        kn_obj t = l->items[i];
        l->items[i] = l->items[l->len - 1 - i];
        l->items[l->len - 1 - i] = t;
    }
    return kn_none;
}
static KN_FUN1(list_reverse_obj, list_reverse);

static kn_obj list_sort_m(size_t n, const kn_obj *args, kn_obj kw) {
    if (n > 1) kn_raise_type("sort() takes no positional arguments");
    kn_obj key = kn_none, rev = kn_false;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(key));
        if (v != KN_NULL) key = v;
        v = kn_dict_get(kw, KN_Q(reverse));
        if (v != KN_NULL) rev = v;
    }
    kn_list_sort(args[0], key, kn_truthy(rev));
    return kn_none;
}
static KN_FUNK(list_sort_obj, 1, list_sort_m);

KN_METHODS(list_methods, KN_METHOD(append, list_append_obj), KN_METHOD(clear, list_clear_obj),
           KN_METHOD(copy, list_copy_obj), KN_METHOD(count, list_count_obj), KN_METHOD(extend, list_extend_obj),
           KN_METHOD(index, list_index_obj), KN_METHOD(insert, list_insert_obj), KN_METHOD(pop, list_pop_obj),
           KN_METHOD(remove, list_remove_obj), KN_METHOD(reverse, list_reverse_obj), KN_METHOD(sort, list_sort_obj));

const kn_type_t kn_type_list = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ | KN_TF_BASETYPE,
    .name = KN_Q(list),
    .print = list_print,
    .make_new = list_new,
    .unary_op = list_unary,
    .binary_op = list_binary,
    .subscr = list_subscr,
    .getiter = list_getiter,
    .base_type = &kn_type_object,
    .methods = &list_methods,
};
