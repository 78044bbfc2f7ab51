/* mod_json.c: the json module (dumps/dump with indent, separators, sort_keys; loads/load). */
#include <stdio.h>
#include <string.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

typedef struct {
    kn_vstr_t out;
    kn_obj indent;   /* KN_NULL or str */
    kn_obj item_sep; /* ", " */
    kn_obj key_sep;  /* ": " */
    bool sort_keys;
    bool ensure_ascii;
    int depth;
} enc_t;

static void enc_str(enc_t *e, kn_obj s) {
    const char *d = kn_str_data(s);
    size_t n = kn_str_len(s);
    kn_vstr_addc(&e->out, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)d[i];
        char buf[16];
        switch (c) {
            case '"': kn_vstr_add(&e->out, "\\\"", 2); continue;
            case '\\': kn_vstr_add(&e->out, "\\\\", 2); continue;
            case '\n': kn_vstr_add(&e->out, "\\n", 2); continue;
            case '\r': kn_vstr_add(&e->out, "\\r", 2); continue;
            case '\t': kn_vstr_add(&e->out, "\\t", 2); continue;
            case '\b': kn_vstr_add(&e->out, "\\b", 2); continue;
            case '\f': kn_vstr_add(&e->out, "\\f", 2); continue;
            default: break;
        }
        if (c < 0x20) {
            int k = snprintf(buf, sizeof buf, "\\u%04x", c);
            kn_vstr_add(&e->out, buf, (size_t)k);
        } else if (c >= 0x80 && e->ensure_ascii) {
            size_t k = 1;
            while (i + k < n && ((uint8_t)d[i + k] & 0xc0) == 0x80) k++;
            uint32_t cp = kn_str_ord(kn_str_new(d + i, k));
            if (cp >= 0x10000) {
                cp -= 0x10000;
                int m = snprintf(buf, sizeof buf, "\\u%04x\\u%04x", (unsigned)(0xd800 + (cp >> 10)), (unsigned)(0xdc00 + (cp & 0x3ff)));
                kn_vstr_add(&e->out, buf, (size_t)m);
            } else {
                int m = snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp);
                kn_vstr_add(&e->out, buf, (size_t)m);
            }
            i += k - 1;
        } else {
            kn_vstr_addc(&e->out, (char)c);
        }
    }
    kn_vstr_addc(&e->out, '"');
}

static void newline_indent(enc_t *e) {
    if (e->indent == KN_NULL) return;
    kn_vstr_addc(&e->out, '\n');
    for (int i = 0; i < e->depth; i++) kn_vstr_add(&e->out, kn_str_data(e->indent), kn_str_len(e->indent));
}

static void add_obj_str(kn_vstr_t *v, kn_obj s) {
    kn_vstr_add(v, kn_str_data(s), kn_str_len(s));
}

static void enc(enc_t *e, kn_obj o) {
    kn_stack_check();
    if (o == kn_none) {
        kn_vstr_add(&e->out, "null", 4);
    } else if (o == kn_true) {
        kn_vstr_add(&e->out, "true", 4);
    } else if (o == kn_false) {
        kn_vstr_add(&e->out, "false", 5);
    } else if (KN_IS_INT(o)) {
        add_obj_str(&e->out, kn_str(o));
    } else if (kn_is_type(o, &kn_type_float)) {
        kn_float_t f = KN_FLOAT(o);
        if (f != f) kn_vstr_add(&e->out, "NaN", 3);
        else if (f - f != 0) kn_vstr_add(&e->out, f > 0 ? "Infinity" : "-Infinity", f > 0 ? 8 : 9);
        else add_obj_str(&e->out, kn_repr(o));
    } else if (KN_IS_STR(o)) {
        enc_str(e, o);
    } else if (kn_is_type(o, &kn_type_list) || kn_is_type(o, &kn_type_tuple)) {
        size_t n;
        kn_obj *items;
        kn_seq_get(o, &n, &items);
        kn_vstr_addc(&e->out, '[');
        if (n == 0) {
            kn_vstr_addc(&e->out, ']');
            return;
        }
        e->depth++;
        for (size_t i = 0; i < n; i++) {
            if (i) add_obj_str(&e->out, e->item_sep);
            newline_indent(e);
            enc(e, items[i]);
        }
        e->depth--;
        newline_indent(e);
        kn_vstr_addc(&e->out, ']');
    } else if (kn_isinstance(o, &kn_type_dict)) {
        kn_obj keys = kn_list_new(0, NULL);
        size_t pos = 0;
        kn_obj k, v;
        while (kn_dict_next(o, &pos, &k, &v)) kn_list_append(keys, k);
        if (e->sort_keys) kn_list_sort(keys, kn_none, false);
        kn_list_t *kl = KN_PTR(keys);
        kn_vstr_addc(&e->out, '{');
        if (kl->len == 0) {
            kn_vstr_addc(&e->out, '}');
            return;
        }
        e->depth++;
        for (size_t i = 0; i < kl->len; i++) {
            k = kl->items[i];
            if (i) add_obj_str(&e->out, e->item_sep);
            newline_indent(e);
            if (KN_IS_STR(k)) {
                enc_str(e, k);
            } else if (KN_IS_INT(k) || kn_is_type(k, &kn_type_float) || k == kn_true || k == kn_false || k == kn_none) {
                enc_t tmp = *e;
                kn_vstr_init(&tmp.out, 16);
                enc(&tmp, k);
                enc_str(e, kn_vstr_to_str(&tmp.out));
            } else {
                kn_raise_fmt(&kn_type_TypeError, "keys must be str, int, float, bool or None, not %s", kn_type_cname(k));
            }
            add_obj_str(&e->out, e->key_sep);
            enc(e, kn_dict_get(o, k));
        }
        e->depth--;
        newline_indent(e);
        kn_vstr_addc(&e->out, '}');
    } else {
        kn_raise_fmt(&kn_type_TypeError, "Object of type %s is not JSON serializable", kn_type_cname(o));
    }
}

static kn_obj json_dumps(size_t n, const kn_obj *args, kn_obj kw) {
    (void)n;
    enc_t e;
    kn_vstr_init(&e.out, 64);
    e.indent = KN_NULL;
    e.item_sep = kn_str_new_c(", ");
    e.key_sep = kn_str_new_c(": ");
    e.sort_keys = false;
    e.ensure_ascii = true;
    e.depth = 0;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(indent));
        if (v != KN_NULL && v != kn_none) {
            if (KN_IS_STR(v)) {
                e.indent = v;
            } else {
                kn_int_t k = kn_get_int(v);
                kn_vstr_t sp;
                kn_vstr_init(&sp, 8);
                for (kn_int_t i = 0; i < k; i++) kn_vstr_addc(&sp, ' ');
                e.indent = kn_vstr_to_str(&sp);
            }
            e.item_sep = kn_str_new_c(",");
        }
        v = kn_dict_get(kw, KN_Q(separators));
        if (v != KN_NULL && v != kn_none) {
            e.item_sep = kn_subscr(v, KN_MKSMALL(0), KN_LOAD);
            e.key_sep = kn_subscr(v, KN_MKSMALL(1), KN_LOAD);
        }
        v = kn_dict_get(kw, KN_Q(sort_keys));
        if (v != KN_NULL) e.sort_keys = kn_truthy(v);
        v = kn_dict_get(kw, KN_Q(ensure_ascii));
        if (v != KN_NULL) e.ensure_ascii = kn_truthy(v);
    }
    enc(&e, args[0]);
    return kn_vstr_to_str(&e.out);
}
static KN_FUNK(json_dumps_obj, 1, json_dumps);

static kn_obj json_dump(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj s = json_dumps(1, args, kw);
    if (n < 2) kn_raise_type("dump() missing stream");
    kn_call_method(args[1], KN_Q(write), 1, &s);
    return kn_none;
}
static KN_FUNK(json_dump_obj, 2, json_dump);

/* ---- decoding ---- */

typedef struct {
    const char *s;
    size_t n, i;
} dec_t;

static void dec_error(dec_t *d, const char *msg) {
    (void)d;
    kn_raise_value(msg);
}

static void skip_ws(dec_t *d) {
    while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' || d->s[d->i] == '\n' || d->s[d->i] == '\r')) d->i++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static uint32_t read_u4(dec_t *d) {
    if (d->i + 4 > d->n) dec_error(d, "invalid \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(d->s[d->i++]);
        if (h < 0) dec_error(d, "invalid \\u escape");
        v = v * 16 + (uint32_t)h;
    }
    return v;
}

static kn_obj dec_str(dec_t *d) {
    d->i++; /* opening quote */
    kn_vstr_t v;
    kn_vstr_init(&v, 16);
    for (;;) {
        if (d->i >= d->n) dec_error(d, "Unterminated string");
        char c = d->s[d->i++];
        if (c == '"') break;
        if (c != '\\') {
            kn_vstr_addc(&v, c);
            continue;
        }
        if (d->i >= d->n) dec_error(d, "Unterminated string");
        c = d->s[d->i++];
        switch (c) {
            case 'n': kn_vstr_addc(&v, '\n'); break;
            case 't': kn_vstr_addc(&v, '\t'); break;
            case 'r': kn_vstr_addc(&v, '\r'); break;
            case 'b': kn_vstr_addc(&v, '\b'); break;
            case 'f': kn_vstr_addc(&v, '\f'); break;
            case 'u': {
                uint32_t cp = read_u4(d);
                if (cp >= 0xd800 && cp < 0xdc00 && d->i + 1 < d->n && d->s[d->i] == '\\' && d->s[d->i + 1] == 'u') {
                    d->i += 2;
                    uint32_t lo = read_u4(d);
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                kn_obj ch = kn_chr(cp);
                kn_vstr_add(&v, kn_str_data(ch), kn_str_len(ch));
                break;
            }
            default: kn_vstr_addc(&v, c); break;
        }
    }
    return kn_vstr_to_str(&v);
}

static kn_obj dec_value(dec_t *d) {
    kn_stack_check();
    skip_ws(d);
    if (d->i >= d->n) dec_error(d, "Expecting value");
    char c = d->s[d->i];
    if (c == '{') {
        d->i++;
        kn_obj o = kn_dict_new(4);
        skip_ws(d);
        if (d->i < d->n && d->s[d->i] == '}') {
            d->i++;
            return o;
        }
        for (;;) {
            skip_ws(d);
            if (d->i >= d->n || d->s[d->i] != '"') dec_error(d, "Expecting property name enclosed in double quotes");
            kn_obj k = dec_str(d);
            skip_ws(d);
            if (d->i >= d->n || d->s[d->i] != ':') dec_error(d, "Expecting ':' delimiter");
            d->i++;
            kn_dict_set(o, k, dec_value(d));
            skip_ws(d);
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            if (d->i < d->n && d->s[d->i] == '}') {
                d->i++;
                return o;
            }
            dec_error(d, "Expecting ',' delimiter");
        }
    }
    if (c == '[') {
        d->i++;
        kn_obj l = kn_list_new(0, NULL);
        skip_ws(d);
        if (d->i < d->n && d->s[d->i] == ']') {
            d->i++;
            return l;
        }
        for (;;) {
            kn_list_append(l, dec_value(d));
            skip_ws(d);
            if (d->i < d->n && d->s[d->i] == ',') {
                d->i++;
                continue;
            }
            if (d->i < d->n && d->s[d->i] == ']') {
                d->i++;
                return l;
            }
            dec_error(d, "Expecting ',' delimiter");
        }
    }
    if (c == '"') return dec_str(d);
    static const struct { const char *w; size_t n; } lits[] = {{"true", 4}, {"false", 5}, {"null", 4}, {"NaN", 3}, {"Infinity", 8}, {"-Infinity", 9}};
    for (int k = 0; k < 6; k++) {
        if (d->i + lits[k].n <= d->n && memcmp(d->s + d->i, lits[k].w, lits[k].n) == 0) {
            d->i += lits[k].n;
            if (k == 0) return kn_true;
            if (k == 1) return kn_false;
            if (k == 2) return kn_none;
            return kn_float_parse(lits[k].w, lits[k].n);
        }
    }
    size_t st = d->i;
    bool is_float = false;
    if (d->i < d->n && d->s[d->i] == '-') d->i++;
    while (d->i < d->n) {
        char ch = d->s[d->i];
        if (ch >= '0' && ch <= '9') {
            d->i++;
        } else if (ch == '.' || ch == 'e' || ch == 'E' || ((ch == '+' || ch == '-') && is_float)) {
            is_float = true;
            d->i++;
        } else {
            break;
        }
    }
    if (d->i == st) dec_error(d, "Expecting value");
    kn_obj r = is_float ? kn_float_parse(d->s + st, d->i - st) : kn_int_parse(d->s + st, d->i - st, 10, false);
    if (r == KN_NULL) dec_error(d, "Expecting value");
    return r;
}

static kn_obj json_loads(kn_obj s) {
    const uint8_t *data;
    size_t len;
    if (!kn_get_buffer(s, &data, &len)) kn_raise_type("the JSON object must be str or bytes");
    dec_t d = {(const char *)data, len, 0};
    kn_obj v = dec_value(&d);
    skip_ws(&d);
    if (d.i != d.n) dec_error(&d, "Extra data");
    return v;
}
static KN_FUN1(json_loads_obj, json_loads);

static kn_obj json_load(kn_obj stream) {
    return json_loads(kn_call_method(stream, KN_Q(read), 0, NULL));
}
static KN_FUN1(json_load_obj, json_load);

static const kn_method_t json_table[] = {
    {KN_Q(dumps), KN_OBJ(&json_dumps_obj)}, {KN_Q(dump), KN_OBJ(&json_dump_obj)},
    {KN_Q(loads), KN_OBJ(&json_loads_obj)}, {KN_Q(load), KN_OBJ(&json_load_obj)},
};

kn_obj kn_mod_json_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(json), json_table, sizeof json_table / sizeof json_table[0]);
    kn_dict_set(((kn_module_t *)m)->globals, KN_Q(JSONDecodeError), KN_OBJ(&kn_type_ValueError));
    return m;
}
