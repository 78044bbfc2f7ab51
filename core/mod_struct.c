/* mod_struct.c: the struct module (pack, unpack, unpack_from, pack_into, calcsize) with @ < > ! = byte orders. */
#include <string.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

typedef struct {
    const char *p, *end;
    bool little;
    bool native; /* '@': native alignment */
} fmt_t;

static void fmt_init(fmt_t *f, kn_obj fmt) {
    if (!KN_IS_STR(fmt) && !kn_is_type(fmt, &kn_type_bytes)) kn_raise_type("struct format must be str");
    f->p = kn_str_data(fmt);
    f->end = f->p + kn_str_len(fmt);
    f->little = true;
    f->native = true;
    if (f->p < f->end) {
        switch (*f->p) {
            case '<': f->little = true; f->native = false; f->p++; break;
            case '>': case '!': f->little = false; f->native = false; f->p++; break;
            case '=': f->native = false; f->p++; break;
            case '@': f->p++; break;
            default: break;
        }
    }
}

static size_t item_size(char c) {
    switch (c) {
        case 'b': case 'B': case 'c': case 's': case 'x': case '?': case 'p': return 1;
        case 'h': case 'H': case 'e': return 2;
        case 'i': case 'I': case 'l': case 'L': case 'f': return 4;
        case 'q': case 'Q': case 'd': return 8;
        case 'P': return sizeof(void *);
        default: kn_raise_value("bad char in struct format");
    }
}

/* Next item: returns false at the end; count is the repeat (or the length for 's'). */
static bool fmt_next(fmt_t *f, char *code, size_t *count) {
    while (f->p < f->end && (*f->p == ' ')) f->p++;
    if (f->p >= f->end) return false;
    size_t n = 0;
    bool has_n = false;
    while (f->p < f->end && *f->p >= '0' && *f->p <= '9') {
        n = n * 10 + (size_t)(*f->p++ - '0');
        has_n = true;
    }
    if (f->p >= f->end) kn_raise_value("repeat count given without format specifier");
    *code = *f->p++;
    *count = has_n ? n : 1;
    item_size(*code);
    return true;
}

static size_t align_to(size_t off, char c, const fmt_t *f) {
    if (!f->native || c == 's' || c == 'x' || c == 'c' || c == 'p') return off;
    size_t a = item_size(c);
    return (off + a - 1) / a * a;
}

static size_t calcsize(kn_obj fmt) {
    fmt_t f;
    fmt_init(&f, fmt);
    size_t size = 0, count;
    char c;
    while (fmt_next(&f, &c, &count)) {
        size = align_to(size, c, &f);
        size += (c == 's' || c == 'p') ? count : item_size(c) * count;
    }
    return size;
}

static kn_obj st_calcsize(kn_obj fmt) {
    return KN_MKSMALL((kn_int_t)calcsize(fmt));
}
static KN_FUN1(st_calcsize_obj, st_calcsize);

static void put_uint(uint8_t *d, size_t n, unsigned long long v, bool little) {
    for (size_t i = 0; i < n; i++) d[little ? i : n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static unsigned long long get_uint(const uint8_t *d, size_t n, bool little) {
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) v |= (unsigned long long)d[little ? i : n - 1 - i] << (8 * i);
    return v;
}

static void pack_into_buf(kn_obj fmt, uint8_t *buf, size_t n, const kn_obj *args) {
    fmt_t f;
    fmt_init(&f, fmt);
    size_t off = 0, ai = 0, count;
    char c;
    while (fmt_next(&f, &c, &count)) {
        off = align_to(off, c, &f);
        if (c == 's' || c == 'p') {
            if (ai >= n) kn_raise_msg(&kn_type_ValueError, "not enough arguments for struct.pack");
            const uint8_t *d;
            size_t len;
            if (!kn_get_buffer(args[ai++], &d, &len)) kn_raise_type("argument for 's' must be a bytes object");
            memset(buf + off, 0, count);
            memcpy(buf + off, d, len < count ? len : count);
            off += count;
            continue;
        }
        for (size_t k = 0; k < count; k++) {
            size_t sz = item_size(c);
            if (c == 'x') {
                buf[off++] = 0;
                continue;
            }
            if (ai >= n) kn_raise_msg(&kn_type_ValueError, "not enough arguments for struct.pack");
            kn_obj v = args[ai++];
            if (c == 'f' || c == 'd' || c == 'e') {
                double x = (double)kn_get_float(v);
                if (c == 'f') {
                    float fv = (float)x;
                    uint32_t u;
                    memcpy(&u, &fv, 4);
                    put_uint(buf + off, 4, u, f.little);
                } else if (c == 'd') {
                    uint64_t u;
                    memcpy(&u, &x, 8);
                    put_uint(buf + off, 8, u, f.little);
                } else {
                    kn_raise_msg(&kn_type_NotImplementedError, "half floats");
                }
            } else if (c == 'c') {
                const uint8_t *d;
                size_t len;
                if (!kn_get_buffer(v, &d, &len) || len != 1) kn_raise_type("char format requires a bytes object of length 1");
                buf[off] = d[0];
            } else if (c == '?') {
                buf[off] = kn_truthy(v) ? 1 : 0;
            } else {
                if (!KN_IS_INT(v) && v != kn_true && v != kn_false) kn_raise_type("required argument is not an integer");
                kn_int_to_bytes(v, buf + off, sz, f.little);
            }
            off += sz;
        }
    }
    if (ai != n) kn_raise_msg(&kn_type_ValueError, "too many arguments for struct.pack");
}

static kn_obj st_pack(size_t n, const kn_obj *args) {
    size_t size = calcsize(args[0]);
    kn_vstr_t v;
    kn_vstr_init(&v, size + 1);
    uint8_t *buf = (uint8_t *)kn_vstr_extend(&v, size);
    memset(buf, 0, size);
    pack_into_buf(args[0], buf, n - 1, args + 1);
    return kn_vstr_to_bytes(&v);
}
static KN_FUNV(st_pack_obj, 1, 0xffff, st_pack);

static kn_obj st_pack_into(size_t n, const kn_obj *args) {
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(args[1], &d, &len)) kn_raise_type("pack_into needs a writable buffer");
    kn_int_t off = kn_get_int(args[2]);
    if (off < 0) off += (kn_int_t)len;
    size_t size = calcsize(args[0]);
    if (off < 0 || (size_t)off + size > len) kn_raise_value("buffer too small");
    pack_into_buf(args[0], (uint8_t *)d + off, n - 3, args + 3);
    return kn_none;
}
static KN_FUNV(st_pack_into_obj, 3, 0xffff, st_pack_into);

static kn_obj unpack_buf(kn_obj fmt, const uint8_t *buf, size_t len, bool exact) {
    size_t size = calcsize(fmt);
    if (exact ? len != size : len < size) {
        kn_raise_fmt(&kn_type_ValueError, "unpack requires a buffer of %d bytes", (int)size);
    }
    fmt_t f;
    fmt_init(&f, fmt);
    kn_obj out = kn_list_new(0, NULL);
    size_t off = 0, count;
    char c;
    while (fmt_next(&f, &c, &count)) {
        off = align_to(off, c, &f);
        if (c == 's' || c == 'p') {
            kn_list_append(out, kn_bytes_new((const char *)buf + off, count));
            off += count;
            continue;
        }
        for (size_t k = 0; k < count; k++) {
            size_t sz = item_size(c);
            const uint8_t *d = buf + off;
            off += sz;
            switch (c) {
                case 'x': break;
                case 'c': kn_list_append(out, kn_bytes_new((const char *)d, 1)); break;
                case '?': kn_list_append(out, KN_BOOL(d[0] != 0)); break;
                case 'f': {
                    uint32_t u = (uint32_t)get_uint(d, 4, f.little);
                    float fv;
                    memcpy(&fv, &u, 4);
                    kn_list_append(out, kn_float_new((kn_float_t)fv));
                    break;
                }
                case 'd': {
                    uint64_t u = get_uint(d, 8, f.little);
                    double dv;
                    memcpy(&dv, &u, 8);
                    kn_list_append(out, kn_float_new((kn_float_t)dv));
                    break;
                }
                case 'e': kn_raise_msg(&kn_type_NotImplementedError, "half floats");
                default: {
                    bool is_signed = c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q';
                    kn_list_append(out, kn_int_from_bytes(d, sz, f.little, is_signed));
                    break;
                }
            }
        }
    }
    return kn_tuple_from_iter(out);
}

static kn_obj st_unpack(kn_obj fmt, kn_obj data) {
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(data, &d, &len)) kn_raise_type("a bytes-like object is required");
    return unpack_buf(fmt, d, len, true);
}
static KN_FUN2(st_unpack_obj, st_unpack);

static kn_obj st_unpack_from(size_t n, const kn_obj *args) {
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(args[1], &d, &len)) kn_raise_type("a bytes-like object is required");
    kn_int_t off = n > 2 ? kn_get_int(args[2]) : 0;
    if (off < 0) off += (kn_int_t)len;
    if (off < 0 || (size_t)off > len) kn_raise_value("offset out of range");
    return unpack_buf(args[0], d + off, len - (size_t)off, false);
}
static KN_FUNV(st_unpack_from_obj, 2, 3, st_unpack_from);

static const kn_method_t struct_table[] = {
    {KN_Q(calcsize), KN_OBJ(&st_calcsize_obj)},   {KN_Q(pack), KN_OBJ(&st_pack_obj)},
    {KN_Q(pack_into), KN_OBJ(&st_pack_into_obj)}, {KN_Q(unpack), KN_OBJ(&st_unpack_obj)},
    {KN_Q(unpack_from), KN_OBJ(&st_unpack_from_obj)},
};

kn_obj kn_mod_struct_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(struct), struct_table, sizeof struct_table / sizeof struct_table[0]);
    kn_dict_set(((kn_module_t *)m)->globals, KN_Q(error), KN_OBJ(&kn_type_ValueError));
    return m;
}
