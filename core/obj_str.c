/* obj_str.c: str (UTF-8, interned names) and bytes, which share most of their methods. */
#include <string.h>

#include "frozen.h"
#include "state.h"

uint32_t kn_hash_bytes(const char *s, size_t n) {
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 0x01000193u;
    }
    return h ? h : 1;
}

static bool is_ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if ((uint8_t)s[i] >= 0x80) return false;
    }
    return true;
}

kn_obj kn_strlike_init(kn_str_t *o, const kn_type_t *t, size_t n) {
    char *d = (char *)(o + 1);
    d[n] = 0;
    o->base.type = t;
    o->data = d;
    o->len_flags = (uint32_t)n | (t == &kn_type_str && is_ascii(d, n) ? KN_STR_ASCII : 0);
    o->hash = kn_hash_bytes(d, n);
    return KN_OBJ(o);
}

static kn_obj strlike_new(const kn_type_t *t, const char *s, size_t n) {
    kn_str_t *o = kn_alloc_atomic(sizeof(kn_str_t) + n + 1);
    if (s != NULL) memcpy(o + 1, s, n);
    return kn_strlike_init(o, t, n);
}

kn_obj kn_str_new(const char *s, size_t n) {
    if (n == 1 && (uint8_t)s[0] < 0x80) {
        return kn_intern(s, 1);
    }
    if (n == 0) return KN_Q(empty);
    return strlike_new(&kn_type_str, s, n);
}

kn_obj kn_str_new_c(const char *s) {
    return kn_str_new(s, strlen(s));
}

kn_obj kn_bytes_new(const char *s, size_t n) {
    return strlike_new(&kn_type_bytes, s, n);
}

/* ---- interning ---- */

static void intern_insert(kn_obj s) {
    size_t mask = kn_st.intern_cap - 1;
    size_t i = ((kn_str_t *)s)->hash & mask;
    while (kn_st.intern[i] != KN_NULL) i = (i + 1) & mask;
    kn_st.intern[i] = s;
    kn_st.intern_count++;
}

static void intern_grow(void) {
    kn_obj *old = kn_st.intern;
    size_t oc = kn_st.intern_cap;
    size_t cap = oc ? oc * 2 : 256;
    while (cap < (KN_QSTR_COUNT + kn_st.intern_count) * 2) cap *= 2;
    kn_st.intern_cap = cap;
    kn_st.intern = kn_alloc(kn_st.intern_cap * sizeof(kn_obj));
    kn_st.intern_count = 0;
    if (old == NULL) {
        for (size_t i = 0; i < KN_QSTR_COUNT; i++) intern_insert(KN_OBJ(&kn_qstr_table[i]));
    } else {
        for (size_t i = 0; i < oc; i++) if (old[i] != KN_NULL) intern_insert(old[i]);
        kn_free(old);
    }
}

/* The frozen modules' names (kn_extra_qstrs in flash, sorted by bytes by kiln/frozen.py) are found by binary
   search rather than copied into the heap's table: hundreds of names (asyncio's locals and attributes) would
   otherwise double a table that must stay at most half full. */
static kn_obj frozen_qstr(const char *s, size_t n) {
    const kn_str_t *t;
    size_t lo = 0, hi = kn_frozen_qstrs(&t);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t m = kn_str_len(KN_OBJ(&t[mid]));
        int c = memcmp(t[mid].data, s, m < n ? m : n);
        if (c == 0) c = (m > n) - (m < n);
        if (c == 0) return KN_OBJ(&t[mid]);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return KN_NULL;
}

kn_obj kn_intern(const char *s, size_t n) {
    if (kn_st.intern == NULL) intern_grow();
    uint32_t h = kn_hash_bytes(s, n);
    size_t mask = kn_st.intern_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        kn_obj o = kn_st.intern[i];
        if (o == KN_NULL) break;
        kn_str_t *t = KN_PTR(o);
        if (t->hash == h && kn_str_len(o) == n && memcmp(t->data, s, n) == 0) return o;
    }
    kn_obj f = frozen_qstr(s, n);
    if (f != KN_NULL) return f;
    if (kn_st.intern_count * 2 >= kn_st.intern_cap) intern_grow();
    kn_obj o = strlike_new(&kn_type_str, s, n);
    ((kn_str_t *)o)->len_flags |= KN_STR_INTERNED;
    intern_insert(o);
    return o;
}

kn_obj kn_intern_obj(kn_obj s) {
    if (((kn_str_t *)s)->len_flags & KN_STR_INTERNED) return s;
    return kn_intern(kn_str_data(s), kn_str_len(s));
}

bool kn_str_eq(kn_obj a, kn_obj b) {
    if (a == b) return true;
    kn_str_t *x = KN_PTR(a), *y = KN_PTR(b);
    if ((x->len_flags & y->len_flags & KN_STR_INTERNED) || x->hash != y->hash) return false;
    size_t n = kn_str_len(a);
    return n == kn_str_len(b) && memcmp(x->data, y->data, n) == 0;
}

bool kn_str_eq_c(kn_obj a, const char *s) {
    size_t n = strlen(s);
    return kn_str_len(a) == n && memcmp(kn_str_data(a), s, n) == 0;
}

const char *kn_str_cstr(kn_obj s) {
    return kn_str_data(s); /* every str/bytes keeps a NUL after its data */
}

bool kn_get_buffer(kn_obj o, const uint8_t **data, size_t *len) {
    const kn_type_t *t = kn_typeof(o);
    if (t == &kn_type_str || t == &kn_type_bytes) {
        *data = (const uint8_t *)kn_str_data(o);
        *len = kn_str_len(o);
        return true;
    }
    if (t == &kn_type_bytearray || t == &kn_type_memoryview || t == &kn_type_array) {
        kn_bytearray_t *b = KN_PTR(o);
        *data = b->data;
        *len = b->len;
        return true;
    }
    if (t->flags & KN_TF_NATIVE_SUB) {
        return kn_get_buffer(((kn_native_sub_t *)o)->native, data, len);
    }
    return false;
}

/* ---- UTF-8 ---- */

size_t kn_utf8_charlen(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((uint8_t)s[i] & 0xc0) != 0x80) c++;
    }
    return c;
}

static size_t str_charlen(kn_obj s) {
    if (((kn_str_t *)s)->len_flags & KN_STR_ASCII || !kn_is_type(s, &kn_type_str)) return kn_str_len(s);
    return kn_utf8_charlen(kn_str_data(s), kn_str_len(s));
}

/* Byte offset of character index ci. */
static size_t utf8_offset(const char *s, size_t n, size_t ci) {
    size_t i = 0;
    while (i < n && ci > 0) {
        i++;
        while (i < n && ((uint8_t)s[i] & 0xc0) == 0x80) i++;
        ci--;
    }
    return i;
}

/* Byte offset of the character `delta` characters away from the one at byte offset b (either way). */
static size_t utf8_move(const char *s, size_t n, size_t b, kn_int_t delta) {
    if (delta >= 0) return b + utf8_offset(s + b, n - b, (size_t)delta);
    for (; delta < 0 && b > 0; delta++) {
        b--;
        while (b > 0 && ((uint8_t)s[b] & 0xc0) == 0x80) b--;
    }
    return b;
}

static uint32_t utf8_decode(const char *s, size_t n, size_t *adv) {
    uint8_t c = (uint8_t)s[0];
    if (c < 0x80 || n < 2) {
        *adv = 1;
        return c;
    }
    if (c < 0xe0) {
        *adv = 2;
        return ((c & 0x1fu) << 6) | ((uint8_t)s[1] & 0x3fu);
    }
    if (c < 0xf0 || n < 4) {
        *adv = n < 3 ? n : 3;
        return ((c & 0x0fu) << 12) | (((uint8_t)s[1] & 0x3fu) << 6) | (n > 2 ? ((uint8_t)s[2] & 0x3fu) : 0);
    }
    *adv = 4;
    return ((c & 0x07u) << 18) | (((uint8_t)s[1] & 0x3fu) << 12) | (((uint8_t)s[2] & 0x3fu) << 6) | ((uint8_t)s[3] & 0x3fu);
}

static size_t utf8_encode(uint32_t c, char *out) {
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

kn_obj kn_chr(uint32_t c) {
    if (c > 0x10ffff) kn_raise_value("chr() arg not in range(0x110000)");
    char buf[4];
    size_t n = utf8_encode(c, buf);
    return n == 1 ? kn_intern(buf, 1) : kn_str_new(buf, n);
}

uint32_t kn_str_ord(kn_obj s) {
    size_t adv;
    if (kn_is_type(s, &kn_type_str) && str_charlen(s) == 1) return utf8_decode(kn_str_data(s), kn_str_len(s), &adv);
    if ((kn_is_type(s, &kn_type_bytes)) && kn_str_len(s) == 1) return (uint8_t)kn_str_data(s)[0];
    if (kn_is_type(s, &kn_type_bytearray) && ((kn_bytearray_t *)s)->len == 1) return ((kn_bytearray_t *)s)->data[0];
    kn_raise_type("ord() expected a character");
}

/* ---- repr ---- */

static void str_print(kn_print_t *p, kn_obj o, int repr) {
    const char *s = kn_str_data(o);
    size_t n = kn_str_len(o);
    bool is_bytes = !kn_is_type(o, &kn_type_str);
    if (!repr && !is_bytes) {
        p->write(p->ctx, s, n);
        return;
    }
    char q = '\'';
    if (memchr(s, '\'', n) && !memchr(s, '"', n)) q = '"';
    kn_vstr_t v;
    kn_vstr_init(&v, n + 3);
    if (is_bytes) kn_vstr_addc(&v, 'b');
    kn_vstr_addc(&v, q);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == (uint8_t)q || c == '\\') {
            kn_vstr_addc(&v, '\\');
            kn_vstr_addc(&v, (char)c);
        } else if (c == '\n') {
            kn_vstr_add(&v, "\\n", 2);
        } else if (c == '\r') {
            kn_vstr_add(&v, "\\r", 2);
        } else if (c == '\t') {
            kn_vstr_add(&v, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f || (is_bytes && c >= 0x80)) {
            char b[5];
            b[0] = '\\';
            b[1] = 'x';
            b[2] = "0123456789abcdef"[c >> 4];
            b[3] = "0123456789abcdef"[c & 15];
            kn_vstr_add(&v, b, 4);
        } else if (c >= 0x80 && !is_bytes) {
            size_t adv;
            uint32_t cp = utf8_decode(s + i, n - i, &adv);
            if (cp < 0xa0) {
                char b[5];
                b[0] = '\\';
                b[1] = 'x';
                b[2] = "0123456789abcdef"[cp >> 4];
                b[3] = "0123456789abcdef"[cp & 15];
                kn_vstr_add(&v, b, 4);
            } else {
                kn_vstr_add(&v, s + i, adv);
            }
            i += adv - 1;
        } else {
            kn_vstr_addc(&v, (char)c);
        }
    }
    kn_vstr_addc(&v, q);
    p->write(p->ctx, v.buf, v.len);
}

/* ---- construction ---- */

static kn_obj same_kind(kn_obj self, const char *s, size_t n) {
    return kn_is_type(self, &kn_type_str) ? kn_str_new(s, n) : kn_bytes_new(s, n);
}

static void check_same(kn_obj self, kn_obj arg) {
    const kn_type_t *t = kn_typeof(self);
    const kn_type_t *a = kn_typeof(arg);
    if (t == a) return;
    if (t != &kn_type_str && (a == &kn_type_bytes || a == &kn_type_bytearray)) return;
    if (t == &kn_type_str) {
        kn_raise_fmt(&kn_type_TypeError, "must be str, not %s", kn_type_cname(arg));
    }
    kn_raise_fmt(&kn_type_TypeError, "a bytes-like object is required, not '%s'", kn_type_cname(arg));
}

static const char *sdata(kn_obj o, size_t *n) {
    const uint8_t *d;
    if (!kn_get_buffer(o, &d, n)) kn_raise_type("expected str or bytes");
    return (const char *)d;
}

kn_obj kn_bytes_from_obj(kn_obj x, const kn_type_t *t) {
    kn_vstr_t v;
    const uint8_t *d;
    size_t n;
    if (KN_IS_INT(x)) {
        kn_int_t len = kn_get_int(x);
        if (len < 0) kn_raise_value("negative count");
        kn_vstr_init(&v, (size_t)len);
        memset(kn_vstr_extend(&v, (size_t)len), 0, (size_t)len);
    } else if (!KN_IS_STR(x) && kn_get_buffer(x, &d, &n)) {
        kn_vstr_init(&v, n);
        kn_vstr_add(&v, (const char *)d, n);
    } else if (KN_IS_STR(x)) {
        kn_raise_type("string argument without an encoding");
    } else {
        kn_vstr_init(&v, 16);
        kn_obj it = kn_getiter(x), item;
        while ((item = kn_iternext(it)) != KN_STOP) {
            kn_int_t b = kn_get_int(item);
            if (b < 0 || b > 255) kn_raise_value("bytes must be in range(0, 256)");
            kn_vstr_addc(&v, (char)b);
        }
    }
    if (t == &kn_type_bytearray) return kn_bytearray_new(v.len, (const uint8_t *)v.buf);
    return kn_vstr_to_bytes(&v);
}

static kn_obj str_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 3, true);
    if (n == 0) return KN_Q(empty);
    if (n >= 2 || nkw > 0) {
        const uint8_t *d;
        size_t len;
        if (!kn_get_buffer(args[0], &d, &len)) kn_raise_type("decoding to str: need a bytes-like object");
        return kn_str_new((const char *)d, len);
    }
    return kn_str(args[0]);
}

static kn_obj bytes_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 3, false);
    if (n == 0) return kn_bytes_new("", 0);
    if (KN_IS_STR(args[0])) {
        if (n < 2) kn_raise_type("string argument without an encoding");
        return kn_bytes_new(kn_str_data(args[0]), kn_str_len(args[0]));
    }
    return kn_bytes_from_obj(args[0], &kn_type_bytes);
}

/* ---- operators ---- */

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb) {
    size_t m = na < nb ? na : nb;
    int c = memcmp(a, b, m);
    if (c != 0) return c;
    return na < nb ? -1 : na > nb;
}

static kn_obj str_binary(int op, kn_obj a, kn_obj b) {
    const kn_type_t *ta = kn_typeof(a);
    if (op & KN_OP_REFLECT) {
        if ((op & ~KN_OP_REFLECT) == KN_OP_MUL && KN_IS_INT(b)) return str_binary(KN_OP_MUL, a, b);
        return KN_NULL;
    }
    if (op >= KN_OP_INPLACE) op -= KN_OP_INPLACE;
    switch (op) {
        case KN_OP_ADD: {
            const kn_type_t *tb = kn_typeof(b);
            if (tb != ta && !(ta == &kn_type_bytes && tb == &kn_type_bytearray)) {
                if (ta == &kn_type_str) {
                    kn_raise_fmt(&kn_type_TypeError, "can only concatenate str (not \"%s\") to str", kn_type_cname(b));
                }
                return KN_NULL;
            }
            size_t na, nb;
            const char *da = sdata(a, &na), *db = sdata(b, &nb);
            if (nb == 0) return a;
            if (na == 0 && ta == tb) return b;
            kn_obj r = strlike_new(ta, NULL, na + nb);
            char *d = (char *)(((kn_str_t *)r) + 1);
            memcpy(d, da, na);
            memcpy(d + na, db, nb);
            kn_str_t *s = KN_PTR(r);
            s->hash = kn_hash_bytes(d, na + nb);
            if (ta == &kn_type_str && is_ascii(d, na + nb)) s->len_flags |= KN_STR_ASCII;
            return r;
        }
        case KN_OP_MUL: {
            if (!KN_IS_INT(b) && b != kn_true && b != kn_false) return KN_NULL;
            kn_int_t k = kn_get_int(b);
            size_t n = kn_str_len(a);
            if (k <= 0 || n == 0) return ta == &kn_type_str ? KN_Q(empty) : kn_bytes_new("", 0);
            if ((size_t)k > ((size_t)1 << 30) / n) kn_raise(kn_st.memory_error);
            kn_vstr_t v;
            kn_vstr_init(&v, n * (size_t)k);
            for (kn_int_t i = 0; i < k; i++) kn_vstr_add(&v, kn_str_data(a), n);
            return ta == &kn_type_str ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
        }
        case KN_OP_MOD:
            if (ta == &kn_type_str) return kn_str_mod(a, b);
            return KN_NULL;
        case KN_OP_CONTAINS: {
            size_t na, nb;
            const char *da = kn_str_data(a);
            na = kn_str_len(a);
            if (ta != &kn_type_str && KN_IS_INT(b)) {
                kn_int_t c = kn_get_int(b);
                return KN_BOOL(memchr(da, (int)c, na) != NULL);
            }
            check_same(a, b);
            const char *db = sdata(b, &nb);
            if (nb == 0) return kn_true;
            for (size_t i = 0; i + nb <= na; i++) {
                if (da[i] == db[0] && memcmp(da + i, db, nb) == 0) return kn_true;
            }
            return kn_false;
        }
        case KN_OP_EQ:
        case KN_OP_NE: {
            const kn_type_t *tb = kn_typeof(b);
            bool eq;
            if (tb == ta) {
                eq = kn_str_eq(a, b);
            } else if (ta == &kn_type_bytes && tb == &kn_type_bytearray) {
                size_t nb;
                const char *db = sdata(b, &nb);
                eq = bytes_cmp(kn_str_data(a), kn_str_len(a), db, nb) == 0;
            } else {
                return KN_NULL;
            }
            return KN_BOOL(op == KN_OP_EQ ? eq : !eq);
        }
        case KN_OP_LT: case KN_OP_LE: case KN_OP_GT: case KN_OP_GE: {
            const kn_type_t *tb = kn_typeof(b);
            if (tb != ta && !(ta == &kn_type_bytes && tb == &kn_type_bytearray)) return KN_NULL;
            size_t nb;
            const char *db = sdata(b, &nb);
            int c = bytes_cmp(kn_str_data(a), kn_str_len(a), db, nb);
            return KN_BOOL(op == KN_OP_LT ? c < 0 : op == KN_OP_LE ? c <= 0 : op == KN_OP_GT ? c > 0 : c >= 0);
        }
        default:
            return KN_NULL;
    }
}

static kn_obj str_unary(int op, kn_obj a) {
    switch (op) {
        case KN_UOP_BOOL: return KN_BOOL(kn_str_len(a) != 0);
        case KN_UOP_LEN: return KN_MKSMALL((kn_int_t)str_charlen(a));
        case KN_UOP_HASH: return KN_MKSMALL((kn_int_t)((kn_str_t *)a)->hash);
        default: return KN_NULL;
    }
}

static kn_obj str_subscr(kn_obj o, kn_obj index, kn_obj value) {
    if (value != KN_LOAD) {
        kn_raise_fmt(&kn_type_TypeError, "'%s' object does not support item assignment", kn_type_cname(o));
    }
    const char *s = kn_str_data(o);
    size_t n = kn_str_len(o);
    bool is_str = kn_is_type(o, &kn_type_str);
    bool ascii = !is_str || (((kn_str_t *)o)->len_flags & KN_STR_ASCII);
    size_t clen = ascii ? n : kn_utf8_charlen(s, n);
    if (kn_is_type(index, &kn_type_slice)) {
        kn_int_t start, stop, step;
        kn_slice_indices(index, (kn_int_t)clen, &start, &stop, &step);
        if (step == 1) {
            if (stop < start) stop = start;
            if (ascii) return same_kind(o, s + start, (size_t)(stop - start));
            size_t b0 = utf8_offset(s, n, (size_t)start);
            size_t b1 = b0 + utf8_offset(s + b0, n - b0, (size_t)(stop - start));
            return kn_str_new(s + b0, b1 - b0);
        }
        kn_vstr_t v;
        kn_vstr_init(&v, 16);
        /* Non-ASCII: walk from one picked character to the next (finding each from the start was
           quadratic in the length). */
        size_t b = ascii || !(step > 0 ? start < stop : start > stop) ? 0 : utf8_offset(s, n, (size_t)start);
        for (kn_int_t i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (ascii) {
                kn_vstr_addc(&v, s[i]);
            } else {
                if (i != start) b = utf8_move(s, n, b, step);
                size_t adv;
                utf8_decode(s + b, n - b, &adv);
                kn_vstr_add(&v, s + b, adv);
            }
        }
        return is_str ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
    }
    size_t i = kn_seq_index_msg(index, clen, is_str ? "string index out of range" : "index out of range");
    if (!is_str) return KN_MKSMALL((uint8_t)s[i]);
    if (ascii) return kn_intern(s + i, 1);
    size_t b0 = utf8_offset(s, n, i), adv;
    utf8_decode(s + b0, n - b0, &adv);
    return kn_str_new(s + b0, adv);
}

/* ---- iteration ---- */

typedef struct { kn_base_t base; kn_obj str; size_t pos; } str_iter_t;

static kn_obj str_iternext(kn_obj it) {
    str_iter_t *si = KN_PTR(it);
    size_t n = kn_str_len(si->str);
    if (si->pos >= n) return KN_STOP;
    const char *s = kn_str_data(si->str);
    if (!kn_is_type(si->str, &kn_type_str)) return KN_MKSMALL((uint8_t)s[si->pos++]);
    size_t adv;
    utf8_decode(s + si->pos, n - si->pos, &adv);
    kn_obj r = adv == 1 ? kn_intern(s + si->pos, 1) : kn_str_new(s + si->pos, adv);
    si->pos += adv;
    return r;
}

static const kn_type_t str_iter_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(iterator),
    .iternext = str_iternext,
    .base_type = &kn_type_object,
};

static kn_obj str_getiter(kn_obj o) {
    str_iter_t *it = KN_NEW(str_iter_t);
    it->base.type = &str_iter_type;
    it->str = o;
    return KN_OBJ(it);
}

/* ---- methods ---- */

static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static kn_obj str_join_m(kn_obj sep, kn_obj iterable) {
    return kn_str_join(sep, iterable);
}

kn_obj kn_str_join(kn_obj sep, kn_obj iterable) {
    size_t ns;
    const char *ds = sdata(sep, &ns);
    kn_vstr_t v;
    kn_vstr_init(&v, 32);
    kn_obj it = kn_getiter(iterable), item;
    bool first = true;
    bool is_str = kn_is_type(sep, &kn_type_str);
    while ((item = kn_iternext(it)) != KN_STOP) {
        if (is_str ? !KN_IS_STR(item) : KN_IS_STR(item) || !(kn_is_type(item, &kn_type_bytes) || kn_is_type(item, &kn_type_bytearray))) {
            kn_raise_fmt(&kn_type_TypeError, "sequence item: expected %s instance, %s found", is_str ? "str" : "a bytes-like object",
                         kn_type_cname(item));
        }
        if (!first) kn_vstr_add(&v, ds, ns);
        first = false;
        size_t n;
        const char *d = sdata(item, &n);
        kn_vstr_add(&v, d, n);
    }
    return is_str ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
}
static KN_FUN2(str_join_obj, str_join_m);

static kn_obj str_split_impl(size_t n, const kn_obj *args, bool right) {
    kn_obj self = args[0];
    kn_obj sep = n > 1 ? args[1] : kn_none;
    kn_int_t maxsplit = n > 2 ? kn_get_int(args[2]) : -1;
    size_t len;
    const char *s = sdata(self, &len);
    kn_obj res = kn_list_new(0, NULL);
    if (sep == kn_none) {
        if (!right) {
            size_t i = 0;
            while (i < len) {
                while (i < len && is_space(s[i])) i++;
                if (i >= len) break;
                if (maxsplit == 0) {
                    kn_list_append(res, same_kind(self, s + i, len - i));
                    break;
                }
                size_t j = i;
                while (j < len && !is_space(s[j])) j++;
                kn_list_append(res, same_kind(self, s + i, j - i));
                if (maxsplit > 0) maxsplit--;
                i = j;
            }
            return res;
        }
        size_t e = len;
        while (e > 0) {
            while (e > 0 && is_space(s[e - 1])) e--;
            if (e == 0) break;
            if (maxsplit == 0) {
                kn_list_append(res, same_kind(self, s, e));
                break;
            }
            size_t j = e;
            while (j > 0 && !is_space(s[j - 1])) j--;
            kn_list_append(res, same_kind(self, s + j, e - j));
            if (maxsplit > 0) maxsplit--;
            e = j;
        }
        kn_list_t *l = KN_PTR(res);
        for (size_t i = 0; i < l->len / 2; i++) {
            kn_obj t = l->items[i];
            l->items[i] = l->items[l->len - 1 - i];
            l->items[l->len - 1 - i] = t;
        }
        return res;
    }
    check_same(self, sep);
    size_t sl;
    const char *sp = sdata(sep, &sl);
    if (sl == 0) kn_raise_value("empty separator");
    if (!right) {
        size_t start = 0;
        for (size_t i = 0; i + sl <= len;) {
            if (maxsplit != 0 && memcmp(s + i, sp, sl) == 0) {
                kn_list_append(res, same_kind(self, s + start, i - start));
                i += sl;
                start = i;
                if (maxsplit > 0) maxsplit--;
            } else {
                i++;
            }
        }
        kn_list_append(res, same_kind(self, s + start, len - start));
        return res;
    }
    size_t end = len;
    kn_obj parts = kn_list_new(0, NULL);
    for (size_t i = len; i >= sl;) {
        if (maxsplit != 0 && memcmp(s + i - sl, sp, sl) == 0) {
            kn_list_append(parts, same_kind(self, s + i, end - i));
            i -= sl;
            end = i;
            if (maxsplit > 0) maxsplit--;
        } else {
            i--;
        }
    }
    kn_list_append(parts, same_kind(self, s, end));
    kn_list_t *l = KN_PTR(parts);
    for (size_t i = l->len; i-- > 0;) kn_list_append(res, l->items[i]);
    return res;
}

static kn_obj str_split(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj a[3] = {args[0], n > 1 ? args[1] : kn_none, n > 2 ? args[2] : KN_MKSMALL(-1)};
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(sep));
        if (v != KN_NULL) a[1] = v;
        v = kn_dict_get(kw, KN_Q(maxsplit));
        if (v != KN_NULL) a[2] = v;
    }
    return str_split_impl(3, a, false);
}
static KN_FUNK(str_split_obj, 1, str_split);

static kn_obj str_rsplit(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj a[3] = {args[0], n > 1 ? args[1] : kn_none, n > 2 ? args[2] : KN_MKSMALL(-1)};
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(sep));
        if (v != KN_NULL) a[1] = v;
        v = kn_dict_get(kw, KN_Q(maxsplit));
        if (v != KN_NULL) a[2] = v;
    }
    return str_split_impl(3, a, true);
}
static KN_FUNK(str_rsplit_obj, 1, str_rsplit);

static kn_obj str_splitlines(size_t n, const kn_obj *args) {
    bool keep = n > 1 && kn_truthy(args[1]);
    size_t len;
    const char *s = sdata(args[0], &len);
    kn_obj res = kn_list_new(0, NULL);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            size_t e = i;
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
            kn_list_append(res, same_kind(args[0], s + start, (keep ? i + 1 : e) - start));
            start = i + 1;
        }
    }
    if (start < len) kn_list_append(res, same_kind(args[0], s + start, len - start));
    return res;
}
static KN_FUNV(str_splitlines_obj, 1, 2, str_splitlines);

static kn_obj strip_impl(size_t n, const kn_obj *args, int mode) {
    size_t len, cl = 0;
    const char *s = sdata(args[0], &len);
    const char *chars = NULL;
    if (n > 1 && args[1] != kn_none) {
        check_same(args[0], args[1]);
        chars = sdata(args[1], &cl);
    }
    size_t b = 0, e = len;
    if (mode & 1) {
        while (b < e && (chars ? memchr(chars, s[b], cl) != NULL : is_space(s[b]))) b++;
    }
    if (mode & 2) {
        while (e > b && (chars ? memchr(chars, s[e - 1], cl) != NULL : is_space(s[e - 1]))) e--;
    }
    if (b == 0 && e == len) return args[0];
    return same_kind(args[0], s + b, e - b);
}
static kn_obj str_strip(size_t n, const kn_obj *a) { return strip_impl(n, a, 3); }
static kn_obj str_lstrip(size_t n, const kn_obj *a) { return strip_impl(n, a, 1); }
static kn_obj str_rstrip(size_t n, const kn_obj *a) { return strip_impl(n, a, 2); }
static KN_FUNV(str_strip_obj, 1, 2, str_strip);
static KN_FUNV(str_lstrip_obj, 1, 2, str_lstrip);
static KN_FUNV(str_rstrip_obj, 1, 2, str_rstrip);

/* Finds needle in self[start:end] (character indices). Returns char index or -1. */
static kn_int_t find_impl(size_t n, const kn_obj *args, bool right) {
    size_t len, nl;
    const char *s = sdata(args[0], &len);
    const char *needle;
    char one;
    if (!kn_is_type(args[0], &kn_type_str) && KN_IS_INT(args[1])) {
        one = (char)kn_get_int(args[1]);
        needle = &one;
        nl = 1;
    } else {
        check_same(args[0], args[1]);
        needle = sdata(args[1], &nl);
    }
    bool ascii = !kn_is_type(args[0], &kn_type_str) || (((kn_str_t *)args[0])->len_flags & KN_STR_ASCII);
    kn_int_t clen = (kn_int_t)(ascii ? len : kn_utf8_charlen(s, len));
    kn_int_t start = 0, end = clen;
    if (n > 2 && args[2] != kn_none) {
        start = kn_get_int(args[2]);
        if (start < 0) start += clen;
        if (start < 0) start = 0;
    }
    if (n > 3 && args[3] != kn_none) {
        end = kn_get_int(args[3]);
        if (end < 0) end += clen;
        if (end > clen) end = clen;
    }
    if (start > clen || end < start) return -1;
    size_t bs = ascii ? (size_t)start : utf8_offset(s, len, (size_t)start);
    size_t be = ascii ? (size_t)end : utf8_offset(s, len, (size_t)end);
    if (be - bs < nl) return -1;
    size_t found = SIZE_MAX;
    if (!right) {
        for (size_t i = bs; i + nl <= be; i++) {
            if (memcmp(s + i, needle, nl) == 0) {
                found = i;
                break;
            }
        }
    } else {
        for (size_t i = be - nl + 1; i-- > bs;) {
            if (memcmp(s + i, needle, nl) == 0) {
                found = i;
                break;
            }
        }
    }
    if (found == SIZE_MAX) return -1;
    return (kn_int_t)(ascii ? found : kn_utf8_charlen(s, found));
}
static kn_obj str_find(size_t n, const kn_obj *a) { return KN_MKSMALL(find_impl(n, a, false)); }
static kn_obj str_rfind(size_t n, const kn_obj *a) { return KN_MKSMALL(find_impl(n, a, true)); }
static kn_obj str_index(size_t n, const kn_obj *a) {
    kn_int_t r = find_impl(n, a, false);
    if (r < 0) kn_raise_value("substring not found");
    return KN_MKSMALL(r);
}
static kn_obj str_rindex(size_t n, const kn_obj *a) {
    kn_int_t r = find_impl(n, a, true);
    if (r < 0) kn_raise_value("substring not found");
    return KN_MKSMALL(r);
}
static KN_FUNV(str_find_obj, 2, 4, str_find);
static KN_FUNV(str_rfind_obj, 2, 4, str_rfind);
static KN_FUNV(str_index_obj, 2, 4, str_index);
static KN_FUNV(str_rindex_obj, 2, 4, str_rindex);

static kn_obj str_count(size_t n, const kn_obj *args) {
    size_t len, nl;
    const char *s = sdata(args[0], &len);
    check_same(args[0], args[1]);
    const char *needle = sdata(args[1], &nl);
    kn_int_t start = n > 2 ? kn_get_int(args[2]) : 0, end = n > 3 ? kn_get_int(args[3]) : (kn_int_t)len;
    if (start < 0) start += (kn_int_t)len;
    if (end < 0) end += (kn_int_t)len;
    if (start < 0) start = 0;
    if (end > (kn_int_t)len) end = (kn_int_t)len;
    if (nl == 0) {
        if (start > end) return KN_MKSMALL(0);
        kn_obj sub = same_kind(args[0], s + start, (size_t)(end - start));
        return KN_MKSMALL((kn_int_t)str_charlen(sub) + 1);
    }
    kn_int_t c = 0;
    for (kn_int_t i = start; i + (kn_int_t)nl <= end;) {
        if (memcmp(s + i, needle, nl) == 0) {
            c++;
            i += (kn_int_t)nl;
        } else {
            i++;
        }
    }
    return KN_MKSMALL(c);
}
static KN_FUNV(str_count_obj, 2, 4, str_count);

static kn_obj str_replace(size_t n, const kn_obj *args) {
    size_t len, ol, nl;
    const char *s = sdata(args[0], &len);
    check_same(args[0], args[1]);
    check_same(args[0], args[2]);
    const char *old = sdata(args[1], &ol);
    const char *new_ = sdata(args[2], &nl);
    kn_int_t count = n > 3 ? kn_get_int(args[3]) : -1;
    kn_vstr_t v;
    kn_vstr_init(&v, len + 8);
    size_t i = 0;
    if (ol == 0) {
        /* Insert between every character. */
        while (count != 0 && i <= len) {
            kn_vstr_add(&v, new_, nl);
            if (count > 0) count--;
            if (i == len) {
                i++;
                break;
            }
            size_t adv = 1;
            while (i + adv < len && ((uint8_t)s[i + adv] & 0xc0) == 0x80) adv++;
            kn_vstr_add(&v, s + i, adv);
            i += adv;
        }
        if (i < len) kn_vstr_add(&v, s + i, len - i);
    } else {
        while (i < len) {
            if (count != 0 && i + ol <= len && memcmp(s + i, old, ol) == 0) {
                kn_vstr_add(&v, new_, nl);
                i += ol;
                if (count > 0) count--;
            } else {
                kn_vstr_addc(&v, s[i++]);
            }
        }
    }
    return kn_is_type(args[0], &kn_type_str) ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
}
static KN_FUNV(str_replace_obj, 3, 4, str_replace);

static kn_obj starts_ends(size_t n, const kn_obj *args, bool ends) {
    size_t len;
    const char *s = sdata(args[0], &len);
    kn_int_t start = n > 2 ? kn_get_int(args[2]) : 0, end = n > 3 ? kn_get_int(args[3]) : (kn_int_t)len;
    if (start < 0) start += (kn_int_t)len;
    if (end < 0) end += (kn_int_t)len;
    if (start < 0) start = 0;
    if (end > (kn_int_t)len) end = (kn_int_t)len;
    kn_obj pre = args[1];
    size_t np = 1;
    kn_obj *items = &pre;
    if (kn_is_type(pre, &kn_type_tuple)) kn_seq_get(pre, &np, &items);
    for (size_t k = 0; k < np; k++) {
        check_same(args[0], items[k]);
        size_t pl;
        const char *p = sdata(items[k], &pl);
        if (end - start < (kn_int_t)pl) continue;
        if (memcmp(ends ? s + end - pl : s + start, p, pl) == 0) return kn_true;
    }
    return kn_false;
}
static kn_obj str_startswith(size_t n, const kn_obj *a) { return starts_ends(n, a, false); }
static kn_obj str_endswith(size_t n, const kn_obj *a) { return starts_ends(n, a, true); }
static KN_FUNV(str_startswith_obj, 2, 4, str_startswith);
static KN_FUNV(str_endswith_obj, 2, 4, str_endswith);

/* Simple case mapping beyond ASCII: Latin-1, Latin Extended-A, Greek and Cyrillic. */
static uint32_t to_upper_cp(uint32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if ((c >= 0xe0 && c <= 0xfe && c != 0xf7)) return c - 32;
    if (c == 0xff) return 0x178;
    if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f) {
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
        if (odd_lower ? (c & 1) == 0 : (c & 1) == 1) return c - 1;
        return c;
    }
    if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) return c - 32;
    if (c >= 0x430 && c <= 0x44f) return c - 32;
    if (c >= 0x450 && c <= 0x45f) return c - 80;
    return c;
}

static uint32_t to_lower_cp(uint32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) return c + 32;
    if (c == 0x178) return 0xff;
    if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f) {
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
        if (odd_lower ? (c & 1) == 1 : (c & 1) == 0) return c + 1;
        return c;
    }
    if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return c + 32;
    if (c >= 0x410 && c <= 0x42f) return c + 32;
    if (c >= 0x400 && c <= 0x40f) return c + 80;
    return c;
}

static bool cp_is_upper(uint32_t c) { return to_lower_cp(c) != c; }
static bool cp_is_lower(uint32_t c) { return to_upper_cp(c) != c || c == 0xdf; }

static kn_obj map_chars(kn_obj self, int mode) {
    size_t len;
    const char *s = sdata(self, &len);
    bool is_str = kn_is_type(self, &kn_type_str);
    kn_vstr_t v;
    kn_vstr_init(&v, len);
    bool word_start = true;
    for (size_t i = 0; i < len;) {
        size_t adv = 1;
        uint32_t c = is_str ? utf8_decode(s + i, len - i, &adv) : (uint8_t)s[i];
        if (!is_str && c >= 0x80) {
            kn_vstr_addc(&v, (char)c);
            i++;
            continue;
        }
        bool up = cp_is_upper(c), lo = cp_is_lower(c);
        uint32_t r = c;
        switch (mode) {
            case 0: r = to_upper_cp(c); break;
            case 1: r = to_lower_cp(c); break;
            case 2: r = up ? to_lower_cp(c) : to_upper_cp(c); break;
            case 3:
                r = word_start ? to_upper_cp(c) : to_lower_cp(c);
                word_start = !(lo || up);
                break;
            case 4: r = i == 0 ? to_upper_cp(c) : to_lower_cp(c); break;
            default: break;
        }
        if (c == 0xdf && (mode == 0 || (mode == 2))) {
            kn_vstr_add(&v, "SS", 2);
        } else {
            char b[4];
            size_t n = utf8_encode(r, b);
            kn_vstr_add(&v, b, n);
        }
        i += adv;
    }
    return is_str ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
}
static kn_obj str_upper(kn_obj s) { return map_chars(s, 0); }
static kn_obj str_lower(kn_obj s) { return map_chars(s, 1); }
static kn_obj str_swapcase(kn_obj s) { return map_chars(s, 2); }
static kn_obj str_title(kn_obj s) { return map_chars(s, 3); }
static kn_obj str_capitalize(kn_obj s) { return map_chars(s, 4); }
static KN_FUN1(str_upper_obj, str_upper);
static KN_FUN1(str_lower_obj, str_lower);
static KN_FUN1(str_swapcase_obj, str_swapcase);
static KN_FUN1(str_title_obj, str_title);
static KN_FUN1(str_capitalize_obj, str_capitalize);

static kn_obj classify(kn_obj self, int mode) {
    size_t len;
    const char *s = sdata(self, &len);
    if (len == 0) return kn_false;
    bool any_cased = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool d = c >= '0' && c <= '9', lo = c >= 'a' && c <= 'z', up = c >= 'A' && c <= 'Z';
        switch (mode) {
            case 0: if (!d) return kn_false; break;
            case 1: if (!(lo || up)) return kn_false; break;
            case 2: if (!is_space(c)) return kn_false; break;
            case 3: if (!(lo || up || d)) return kn_false; break;
            case 4: if (lo) return kn_false; if (up) any_cased = true; break;
            case 5: if (up) return kn_false; if (lo) any_cased = true; break;
            case 6: if (!(lo || up || d || c == '_') || (i == 0 && d)) return kn_false; break;
            default: break;
        }
    }
    if (mode >= 4 && mode <= 5) return KN_BOOL(any_cased);
    return kn_true;
}
static kn_obj str_isdigit(kn_obj s) { return classify(s, 0); }
static kn_obj str_isalpha(kn_obj s) { return classify(s, 1); }
static kn_obj str_isspace(kn_obj s) { return classify(s, 2); }
static kn_obj str_isalnum(kn_obj s) { return classify(s, 3); }
static kn_obj str_isupper(kn_obj s) { return classify(s, 4); }
static kn_obj str_islower(kn_obj s) { return classify(s, 5); }
static kn_obj str_isidentifier(kn_obj s) { return classify(s, 6); }
static kn_obj str_istitle(kn_obj self) {
    size_t len;
    const char *s = sdata(self, &len);
    bool prev_cased = false, any = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
        if (up) {
            if (prev_cased) return kn_false;
            prev_cased = any = true;
        } else if (lo) {
            if (!prev_cased) return kn_false;
            prev_cased = true;
        } else {
            prev_cased = false;
        }
    }
    return KN_BOOL(any);
}
static KN_FUN1(str_istitle_obj, str_istitle);
static KN_FUN1(str_isdigit_obj, str_isdigit);
static KN_FUN1(str_isalpha_obj, str_isalpha);
static KN_FUN1(str_isspace_obj, str_isspace);
static KN_FUN1(str_isalnum_obj, str_isalnum);
static KN_FUN1(str_isupper_obj, str_isupper);
static KN_FUN1(str_islower_obj, str_islower);
static KN_FUN1(str_isidentifier_obj, str_isidentifier);

static kn_obj justify(size_t n, const kn_obj *args, int mode) {
    kn_obj self = args[0];
    kn_int_t width = kn_get_int(args[1]);
    char fill = ' ';
    if (n > 2) {
        size_t fl;
        const char *f = sdata(args[2], &fl);
        if (fl != 1) kn_raise_type("The fill character must be exactly one character long");
        fill = f[0];
    }
    size_t len;
    const char *s = sdata(self, &len);
    kn_int_t cl = (kn_int_t)str_charlen(self);
    if (width <= cl) return self;
    size_t pad = (size_t)(width - cl), left = 0;
    if (mode == 0) left = 0;
    else if (mode == 1) left = pad;
    else left = pad / 2 + (pad & (size_t)width & 1);
    kn_vstr_t v;
    kn_vstr_init(&v, len + pad);
    memset(kn_vstr_extend(&v, left), fill, left);
    kn_vstr_add(&v, s, len);
    memset(kn_vstr_extend(&v, pad - left), fill, pad - left);
    return kn_is_type(self, &kn_type_str) ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
}
static kn_obj str_ljust(size_t n, const kn_obj *a) { return justify(n, a, 0); }
static kn_obj str_rjust(size_t n, const kn_obj *a) { return justify(n, a, 1); }
static kn_obj str_center(size_t n, const kn_obj *a) { return justify(n, a, 2); }
static KN_FUNV(str_ljust_obj, 2, 3, str_ljust);
static KN_FUNV(str_rjust_obj, 2, 3, str_rjust);
static KN_FUNV(str_center_obj, 2, 3, str_center);

static kn_obj str_zfill(kn_obj self, kn_obj w) {
    size_t len;
    const char *s = sdata(self, &len);
    kn_int_t width = kn_get_int(w);
    if (width <= (kn_int_t)len) return self;
    size_t pad = (size_t)width - len;
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)width);
    size_t i = 0;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) kn_vstr_addc(&v, s[i++]);
    memset(kn_vstr_extend(&v, pad), '0', pad);
    kn_vstr_add(&v, s + i, len - i);
    return same_kind(self, v.buf, v.len);
}
static KN_FUN2(str_zfill_obj, str_zfill);

static kn_obj partition_impl(kn_obj self, kn_obj sep, bool right) {
    size_t len, sl;
    check_same(self, sep);
    const char *s = sdata(self, &len), *p = sdata(sep, &sl);
    if (sl == 0) kn_raise_value("empty separator");
    kn_obj empty = same_kind(self, "", 0);
    if (len >= sl) {
        for (size_t k = 0; k + sl <= len; k++) {
            size_t i = right ? len - sl - k : k;
            if (memcmp(s + i, p, sl) == 0) {
                kn_obj r[3] = {same_kind(self, s, i), sep, same_kind(self, s + i + sl, len - i - sl)};
                return kn_tuple_new(3, r);
            }
        }
    }
    kn_obj r[3] = {right ? empty : self, empty, right ? self : empty};
    return kn_tuple_new(3, r);
}
static kn_obj str_partition(kn_obj s, kn_obj sep) { return partition_impl(s, sep, false); }
static kn_obj str_rpartition(kn_obj s, kn_obj sep) { return partition_impl(s, sep, true); }
static KN_FUN2(str_partition_obj, str_partition);
static KN_FUN2(str_rpartition_obj, str_rpartition);

static kn_obj str_encode(size_t n, const kn_obj *args) {
    (void)n;
    return kn_bytes_new(kn_str_data(args[0]), kn_str_len(args[0]));
}
static KN_FUNV(str_encode_obj, 1, 3, str_encode);

static kn_obj bytes_decode(size_t n, const kn_obj *args) {
    (void)n;
    size_t len;
    const char *s = sdata(args[0], &len);
    /* Validate UTF-8 so bad input raises rather than producing a broken str. */
    for (size_t i = 0; i < len;) {
        uint8_t c = (uint8_t)s[i];
        size_t need = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (need == 9) kn_raise_msg(&kn_type_UnicodeError, "invalid utf-8");
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || ((uint8_t)s[i + k] & 0xc0) != 0x80) kn_raise_msg(&kn_type_UnicodeError, "invalid utf-8");
        }
        i += need + 1;
    }
    return kn_str_new(s, len);
}
static KN_FUNV(bytes_decode_obj, 1, 3, bytes_decode);

kn_obj kn_str_format_method(size_t n, const kn_obj *args, kn_obj kw) {
    return kn_str_format(n, args, kw);
}
static KN_FUNK(str_format_obj, 1, kn_str_format_method);

static kn_obj bytes_hex(size_t n, const kn_obj *args) {
    (void)n;
    const uint8_t *d;
    size_t len;
    kn_get_buffer(args[0], &d, &len);
    kn_vstr_t v;
    kn_vstr_init(&v, len * 2);
    for (size_t i = 0; i < len; i++) {
        kn_vstr_addc(&v, "0123456789abcdef"[d[i] >> 4]);
        kn_vstr_addc(&v, "0123456789abcdef"[d[i] & 15]);
    }
    return kn_vstr_to_str(&v);
}
KN_FUNV(kn_bytes_hex_obj, 1, 2, bytes_hex);

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static kn_obj bytes_fromhex(kn_obj cls, kn_obj s) {
    size_t len;
    const char *d = sdata(s, &len);
    kn_vstr_t v;
    kn_vstr_init(&v, len / 2);
    for (size_t i = 0; i < len;) {
        if (d[i] == ' ') {
            i++;
            continue;
        }
        int hi = hexval(d[i]), lo = i + 1 < len ? hexval(d[i + 1]) : -1;
        if (hi < 0 || lo < 0) kn_raise_value("non-hexadecimal number found in fromhex() arg");
        kn_vstr_addc(&v, (char)(hi * 16 + lo));
        i += 2;
    }
    if ((const kn_type_t *)cls == &kn_type_bytearray) return kn_bytearray_new(v.len, (const uint8_t *)v.buf);
    return kn_vstr_to_bytes(&v);
}
static KN_FUN2(bytes_fromhex_fun, bytes_fromhex);
KN_CLASSMETHOD(kn_bytes_fromhex_obj, bytes_fromhex_fun);

static kn_obj str_expandtabs(size_t n, const kn_obj *args) {
    kn_int_t ts = n > 1 ? kn_get_int(args[1]) : 8;
    size_t len;
    const char *s = sdata(args[0], &len);
    kn_vstr_t v;
    kn_vstr_init(&v, len);
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\t') {
            if (ts > 0) {
                size_t sp = (size_t)ts - col % (size_t)ts;
                memset(kn_vstr_extend(&v, sp), ' ', sp);
                col += sp;
            }
        } else {
            kn_vstr_addc(&v, s[i]);
            col = (s[i] == '\n' || s[i] == '\r') ? 0 : col + 1;
        }
    }
    return kn_vstr_to_str(&v);
}
static KN_FUNV(str_expandtabs_obj, 1, 2, str_expandtabs);

#define STR_COMMON                                                                                           \
    KN_METHOD(count, str_count_obj), KN_METHOD(endswith, str_endswith_obj), KN_METHOD(find, str_find_obj),   \
        KN_METHOD(index, str_index_obj), KN_METHOD(isalnum, str_isalnum_obj),                                \
        KN_METHOD(isalpha, str_isalpha_obj), KN_METHOD(isdigit, str_isdigit_obj),                            \
        KN_METHOD(islower, str_islower_obj), KN_METHOD(isspace, str_isspace_obj),                            \
        KN_METHOD(isupper, str_isupper_obj), KN_METHOD(join, str_join_obj), KN_METHOD(ljust, str_ljust_obj), \
        KN_METHOD(lower, str_lower_obj), KN_METHOD(lstrip, str_lstrip_obj),                                  \
        KN_METHOD(partition, str_partition_obj), KN_METHOD(replace, str_replace_obj),                        \
        KN_METHOD(rfind, str_rfind_obj), KN_METHOD(rindex, str_rindex_obj), KN_METHOD(rjust, str_rjust_obj), \
        KN_METHOD(rpartition, str_rpartition_obj), KN_METHOD(rsplit, str_rsplit_obj),                        \
        KN_METHOD(rstrip, str_rstrip_obj), KN_METHOD(split, str_split_obj),                                  \
        KN_METHOD(splitlines, str_splitlines_obj), KN_METHOD(startswith, str_startswith_obj),                \
        KN_METHOD(strip, str_strip_obj), KN_METHOD(upper, str_upper_obj), KN_METHOD(center, str_center_obj), \
        KN_METHOD(zfill, str_zfill_obj), KN_METHOD(title, str_title_obj),                                    \
        KN_METHOD(capitalize, str_capitalize_obj), KN_METHOD(swapcase, str_swapcase_obj)

KN_METHODS(str_methods, STR_COMMON, KN_METHOD(encode, str_encode_obj), KN_METHOD(format, str_format_obj),
           KN_METHOD(isidentifier, str_isidentifier_obj), KN_METHOD(istitle, str_istitle_obj), KN_METHOD(expandtabs, str_expandtabs_obj));
KN_METHODS(bytes_methods, STR_COMMON, KN_METHOD(decode, bytes_decode_obj), KN_METHOD(hex, kn_bytes_hex_obj),
           KN_METHOD(fromhex, kn_bytes_fromhex_obj));

const kn_type_t kn_type_str = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ | KN_TF_BASETYPE,
    .name = KN_Q(str),
    .print = str_print,
    .make_new = str_new,
    .unary_op = str_unary,
    .binary_op = str_binary,
    .subscr = str_subscr,
    .getiter = str_getiter,
    .base_type = &kn_type_object,
    .methods = &str_methods,
};

const kn_type_t kn_type_bytes = {
    .base = {&kn_type_type},
    .flags = KN_TF_SEQ | KN_TF_BASETYPE,
    .name = KN_Q(bytes),
    .print = str_print,
    .make_new = bytes_new,
    .unary_op = str_unary,
    .binary_op = str_binary,
    .subscr = str_subscr,
    .getiter = str_getiter,
    .base_type = &kn_type_object,
    .methods = &bytes_methods,
};
