/* str_format.c: the format-spec mini-language, str.format() and printf-style % formatting. */
#include <limits.h>
#include <string.h>

#include "state.h"

typedef struct {
    char fill, align, sign, type, grouping;
    bool alt, zero;
    int width, prec;
} spec_t;

static int parse_num(const char **p, const char *e) {
    int v = -1;
    while (*p < e && **p >= '0' && **p <= '9') {
        if (v > (INT_MAX - 9) / 10) kn_raise_value("Too many decimal digits in format string");
        v = (v < 0 ? 0 : v * 10) + (**p - '0');
        (*p)++;
    }
    return v;
}

static void parse_spec(const char *s, size_t n, spec_t *sp) {
    const char *p = s, *e = s + n;
    memset(sp, 0, sizeof *sp);
    sp->fill = ' ';
    sp->width = -1;
    sp->prec = -1;
    if (e - p >= 2 && (p[1] == '<' || p[1] == '>' || p[1] == '^' || p[1] == '=')) {
        sp->fill = p[0];
        sp->align = p[1];
        p += 2;
    } else if (p < e && (*p == '<' || *p == '>' || *p == '^' || *p == '=')) {
        sp->align = *p++;
    }
    if (p < e && (*p == '+' || *p == '-' || *p == ' ')) sp->sign = *p++;
    if (p < e && *p == '#') {
        sp->alt = true;
        p++;
    }
    if (p < e && *p == '0') {
        sp->zero = true;
        p++;
    }
    sp->width = parse_num(&p, e);
    if (p < e && (*p == ',' || *p == '_')) sp->grouping = *p++;
    if (p < e && *p == '.') {
        p++;
        sp->prec = parse_num(&p, e);
        if (sp->prec < 0) kn_raise_value("Format specifier missing precision");
    }
    if (p < e) sp->type = *p++;
    if (p != e) kn_raise_value("Invalid format specifier");
}

/* Pads body (which may start with a sign) according to fill/align/width. */
static void emit_padded(kn_vstr_t *out, const char *body, size_t n, const spec_t *sp, char default_align, bool numeric) {
    size_t cl = kn_utf8_charlen(body, n);
    char align = sp->align ? sp->align : default_align;
    char fill = sp->fill;
    if (sp->zero && !sp->align && numeric) {
        align = '=';
        fill = '0';
    }
    if (sp->width < 0 || (size_t)sp->width <= cl) {
        kn_vstr_add(out, body, n);
        return;
    }
    size_t pad = (size_t)sp->width - cl;
    size_t left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
    if (align == '=') {
        size_t pre = 0;
        if (n > 0 && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) pre = 1;
        if (n > pre + 1 && body[pre] == '0' && (body[pre + 1] == 'x' || body[pre + 1] == 'X' || body[pre + 1] == 'o' || body[pre + 1] == 'b')) pre += 2;
        kn_vstr_add(out, body, pre);
        memset(kn_vstr_extend(out, pad), fill, pad);
        kn_vstr_add(out, body + pre, n - pre);
        return;
    }
    memset(kn_vstr_extend(out, left), fill, left);
    kn_vstr_add(out, body, n);
    memset(kn_vstr_extend(out, pad - left), fill, pad - left);
}

/* Inserts grouping separators into the integer part of digits. */
static void group_digits(kn_vstr_t *out, const char *d, size_t n, char sep, int every) {
    size_t intlen = 0;
    while (intlen < n && d[intlen] >= '0' && d[intlen] <= '9') intlen++;
    for (size_t i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % (size_t)every == 0) kn_vstr_addc(out, sep);
        kn_vstr_addc(out, d[i]);
    }
    kn_vstr_add(out, d + intlen, n - intlen);
}

static void format_int(kn_vstr_t *out, kn_obj v, const spec_t *sp) {
    char t = sp->type ? sp->type : 'd';
    if (t == 'c') {
        kn_obj ch = kn_chr((uint32_t)kn_get_int(v));
        emit_padded(out, kn_str_data(ch), kn_str_len(ch), sp, '<', false);
        return;
    }
    if (strchr("eEfFgG%", t)) {
        kn_vstr_t b;
        kn_vstr_init(&b, 32);
        kn_float_t f = kn_int_to_float(v);
        if (f >= 0 && sp->sign && sp->sign != '-') kn_vstr_addc(&b, sp->sign);
        kn_float_format(&b, f, t, sp->prec, sp->alt);
        if (t == '%') kn_vstr_addc(&b, '%');
        emit_padded(out, b.buf, b.len, sp, '>', true);
        kn_vstr_free(&b);
        return;
    }
    int base = t == 'x' || t == 'X' ? 16 : t == 'o' ? 8 : t == 'b' ? 2 : 10;
    if (!strchr("dxXobn", t)) kn_raise_fmt(&kn_type_ValueError, "Unknown format code '%c' for object of type 'int'", t);
    kn_vstr_t b;
    kn_vstr_init(&b, 32);
    bool neg = kn_int_sign(v) < 0;
    if (neg) {
        kn_vstr_addc(&b, '-');
        v = kn_int_unop(KN_UOP_NEG, v);
    } else if (sp->sign == '+' || sp->sign == ' ') {
        kn_vstr_addc(&b, sp->sign);
    }
    if (sp->alt && base != 10) {
        kn_vstr_addc(&b, '0');
        kn_vstr_addc(&b, t);
    }
    if (sp->grouping) {
        kn_obj digits = kn_int_to_str_base(v, base);
        group_digits(&b, kn_str_data(digits), kn_str_len(digits), sp->grouping, base == 10 ? 3 : 4);
    } else {
        kn_print_t p;
        kn_vstr_printer(&b, &p);
        kn_int_print(&p, v, base, false);
    }
    if (t == 'X') {
        for (size_t i = 0; i < b.len; i++) {
            if (b.buf[i] >= 'a' && b.buf[i] <= 'z') b.buf[i] = (char)(b.buf[i] - 32);
        }
    }
    emit_padded(out, b.buf, b.len, sp, '>', true);
    kn_vstr_free(&b);
}

static void format_float(kn_vstr_t *out, kn_float_t f, const spec_t *sp) {
    char t = sp->type;
    if (t && !strchr("eEfFgG%n", t)) kn_raise_fmt(&kn_type_ValueError, "Unknown format code '%c' for object of type 'float'", t);
    kn_vstr_t b;
    kn_vstr_init(&b, 32);
    if (!(f < 0 || (f == 0 && 1.0 / (double)f < 0)) && sp->sign && sp->sign != '-') kn_vstr_addc(&b, sp->sign);
    kn_vstr_t num;
    kn_vstr_init(&num, 32);
    if (t == 'n') t = 'g';
    kn_float_format(&num, f, t == 0 && sp->prec < 0 ? 'r' : t, sp->prec, sp->alt);
    if (sp->grouping) {
        size_t pre = num.len > 0 && num.buf[0] == '-' ? 1 : 0;
        kn_vstr_add(&b, num.buf, pre);
        group_digits(&b, num.buf + pre, num.len - pre, sp->grouping, 3);
    } else {
        kn_vstr_add(&b, num.buf, num.len);
    }
    kn_vstr_free(&num);
    if (t == '%') kn_vstr_addc(&b, '%');
    emit_padded(out, b.buf, b.len, sp, '>', true);
    kn_vstr_free(&b);
}

void kn_str_format_spec(kn_vstr_t *out, kn_obj value, kn_obj spec) {
    size_t sn = spec == KN_NULL ? 0 : kn_str_len(spec);
    const kn_type_t *t = kn_typeof(value);
    if (t->flags & KN_TF_USER) {
        kn_obj m = kn_load_attr_maybe(value, KN_Q(__format__));
        if (m != KN_NULL && !kn_is_type(m, &kn_type_natfun)) {
            kn_obj r = kn_call1(m, spec == KN_NULL ? KN_Q(empty) : spec);
            kn_vstr_add(out, kn_str_data(r), kn_str_len(r));
            return;
        }
    }
    if (sn == 0) {
        kn_obj s = kn_str(value);
        kn_vstr_add(out, kn_str_data(s), kn_str_len(s));
        return;
    }
    spec_t sp;
    parse_spec(kn_str_data(spec), sn, &sp);
    if (value == kn_true || value == kn_false) {
        if (sp.type == 0) {
            kn_obj s = kn_str(value);
            emit_padded(out, kn_str_data(s), kn_str_len(s), &sp, '<', false);
            return;
        }
        value = KN_MKSMALL(value == kn_true);
        t = &kn_type_int;
    }
    if (t == &kn_type_int) {
        format_int(out, value, &sp);
        return;
    }
    if (t == &kn_type_float) {
        format_float(out, KN_FLOAT(value), &sp);
        return;
    }
    if (sp.type && sp.type != 's') {
        kn_raise_fmt(&kn_type_ValueError, "Unknown format code '%c' for object of type '%s'", sp.type, kn_type_cname(value));
    }
    kn_obj s = kn_str(value);
    size_t n = kn_str_len(s);
    const char *d = kn_str_data(s);
    if (sp.prec >= 0) {
        size_t off = 0;
        for (int i = 0; i < sp.prec && off < n; i++) {
            off++;
            while (off < n && ((uint8_t)d[off] & 0xc0) == 0x80) off++;
        }
        n = off;
    }
    emit_padded(out, d, n, &sp, '<', false);
}

/* ---- str.format ---- */

static kn_obj lookup_field(const char *f, size_t n, size_t npos, const kn_obj *pos, kn_obj kw, size_t *auto_idx) {
    size_t i = 0;
    while (i < n && f[i] != '.' && f[i] != '[') i++;
    kn_obj v;
    if (i == 0) {
        if (*auto_idx == SIZE_MAX) kn_raise_value("cannot switch from manual field specification to automatic field numbering");
        if (*auto_idx >= npos) kn_raise_msg(&kn_type_IndexError, "Replacement index out of range for positional args tuple");
        v = pos[(*auto_idx)++];
    } else if (f[0] >= '0' && f[0] <= '9') {
        size_t idx = 0;
        for (size_t k = 0; k < i; k++) idx = idx * 10 + (size_t)(f[k] - '0');
        if (*auto_idx != 0 && *auto_idx != SIZE_MAX) kn_raise_value("cannot switch from automatic field numbering to manual field specification");
        *auto_idx = SIZE_MAX;
        if (idx >= npos) kn_raise_msg(&kn_type_IndexError, "Replacement index out of range for positional args tuple");
        v = pos[idx];
    } else {
        kn_obj key = kn_str_new(f, i);
        v = kw == KN_NULL ? KN_NULL : kn_dict_get(kw, key);
        if (v == KN_NULL) kn_raise(kn_exc_new(&kn_type_KeyError, 1, &key));
    }
    while (i < n) {
        if (f[i] == '.') {
            size_t s = ++i;
            while (i < n && f[i] != '.' && f[i] != '[') i++;
            v = kn_load_attr(v, kn_intern(f + s, i - s));
        } else {
            size_t s = ++i;
            while (i < n && f[i] != ']') i++;
            kn_obj key = kn_int_parse(f + s, i - s, 10, false);
            if (key == KN_NULL) key = kn_str_new(f + s, i - s);
            v = kn_subscr(v, key, KN_LOAD);
            i++;
        }
    }
    return v;
}

static void format_into(kn_vstr_t *out, const char *s, size_t n, size_t npos, const kn_obj *pos, kn_obj kw, size_t *auto_idx, int depth) {
    if (depth > 2) kn_raise_value("Max string recursion exceeded");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '}') {
            if (i + 1 < n && s[i + 1] == '}') i++;
            else kn_raise_value("Single '}' encountered in format string");
            kn_vstr_addc(out, '}');
            continue;
        }
        if (c != '{') {
            kn_vstr_addc(out, c);
            continue;
        }
        if (i + 1 < n && s[i + 1] == '{') {
            kn_vstr_addc(out, '{');
            i++;
            continue;
        }
        size_t start = ++i;
        int nest = 0;
        while (i < n && (s[i] != '}' || nest > 0)) {
            if (s[i] == '{') nest++;
            if (s[i] == '}') nest--;
            i++;
        }
        if (i >= n) kn_raise_value("expected '}' before end of string");
        const char *f = s + start;
        size_t fl = i - start;
        size_t name_end = 0;
        while (name_end < fl && f[name_end] != '!' && f[name_end] != ':') name_end++;
        kn_obj v = lookup_field(f, name_end, npos, pos, kw, auto_idx);
        size_t k = name_end;
        if (k < fl && f[k] == '!') {
            if (k + 1 >= fl) kn_raise_value("end of string while looking for conversion specifier");
            char conv = f[k + 1];
            v = conv == 'a' ? kn_ascii(v) : conv == 'r' ? kn_repr(v) : conv == 's' ? kn_str(v) : (kn_raise_value("Unknown conversion specifier"), v);
            k += 2;
        }
        kn_obj spec = KN_NULL;
        if (k < fl && f[k] == ':') {
            kn_vstr_t sv;
            kn_vstr_init(&sv, 16);
            format_into(&sv, f + k + 1, fl - k - 1, npos, pos, kw, auto_idx, depth + 1);
            spec = kn_vstr_to_str(&sv);
        }
        kn_str_format_spec(out, v, spec);
    }
}

kn_obj kn_str_format(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj self = args[0];
    if (!KN_IS_STR(self)) kn_raise_type("format requires a str");
    kn_vstr_t v;
    kn_vstr_init(&v, kn_str_len(self) + 16);
    size_t auto_idx = 0;
    format_into(&v, kn_str_data(self), kn_str_len(self), n - 1, args + 1, kw, &auto_idx, 0);
    return kn_vstr_to_str(&v);
}

/* ---- printf-style ---- */

kn_obj kn_str_mod(kn_obj fmt, kn_obj args) {
    const char *s = kn_str_data(fmt);
    size_t n = kn_str_len(fmt);
    size_t na = 1, ai = 0;
    kn_obj *items = &args;
    kn_obj mapping = KN_NULL;
    if (kn_is_type(args, &kn_type_tuple)) {
        kn_seq_get(args, &na, &items);
    } else if (kn_is_type(args, &kn_type_dict) || ((kn_typeof(args)->flags & KN_TF_USER) && !KN_IS_STR(args) &&
                                                   kn_load_attr_maybe(args, KN_Q(__getitem__)) != KN_NULL)) {
        mapping = args;
    }
    kn_vstr_t out;
    kn_vstr_init(&out, n + 16);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            kn_vstr_addc(&out, s[i]);
            continue;
        }
        if (++i >= n) kn_raise_value("incomplete format");
        if (s[i] == '%') {
            kn_vstr_addc(&out, '%');
            continue;
        }
        kn_obj v = KN_NULL;
        if (s[i] == '(') {
            size_t st = ++i;
            while (i < n && s[i] != ')') i++;
            if (mapping == KN_NULL) kn_raise_type("format requires a mapping");
            v = kn_subscr(mapping, kn_str_new(s + st, i - st), KN_LOAD);
            i++;
        }
        spec_t sp;
        memset(&sp, 0, sizeof sp);
        sp.fill = ' ';
        sp.width = -1;
        sp.prec = -1;
        for (; i < n && strchr("-+ #0", s[i]); i++) {
            if (s[i] == '-') sp.align = '<';
            else if (s[i] == '+') sp.sign = '+';
            else if (s[i] == ' ') sp.sign = sp.sign ? sp.sign : ' ';
            else if (s[i] == '#') sp.alt = true;
            else sp.zero = true;
        }
        if (i < n && s[i] == '*') {
            if (ai >= na) kn_raise_type("not enough arguments for format string");
            sp.width = (int)kn_get_int(items[ai++]);
            i++;
        } else {
            const char *p = s + i;
            sp.width = parse_num(&p, s + n);
            i = (size_t)(p - s);
        }
        if (i < n && s[i] == '.') {
            i++;
            if (i < n && s[i] == '*') {
                sp.prec = (int)kn_get_int(items[ai++]);
                i++;
            } else {
                const char *p = s + i;
                sp.prec = parse_num(&p, s + n);
                if (sp.prec < 0) sp.prec = 0;
                i = (size_t)(p - s);
            }
        }
        if (i >= n) kn_raise_value("incomplete format");
        char conv = s[i];
        if (v == KN_NULL) {
            if (ai >= na) kn_raise_type("not enough arguments for format string");
            v = items[ai++];
        }
        if (sp.align == '<') sp.zero = false;
        switch (conv) {
            case 's':
            case 'r':
            case 'a': {
                kn_obj str = conv == 's' ? kn_str(v) : conv == 'r' ? kn_repr(v) : kn_ascii(v);
                size_t len = kn_str_len(str);
                if (sp.prec >= 0 && (size_t)sp.prec < len) len = (size_t)sp.prec;
                sp.zero = false;
                emit_padded(&out, kn_str_data(str), len, &sp, '>', false);
                break;
            }
            case 'd':
            case 'i':
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                kn_float_t f;
                if (!KN_IS_INT(v) && v != kn_true && v != kn_false) {
                    if (kn_try_float(v, &f)) v = kn_int_from_float(f);
                    else kn_raise_fmt(&kn_type_TypeError, "%%%c format: a number is required, not %s", conv, kn_type_cname(v));
                }
                sp.type = conv == 'i' || conv == 'u' ? 'd' : conv;
                if (sp.prec >= 0) {
                    /* precision = minimum digits */
                    kn_obj digits = kn_int_to_str_base(kn_int_unop(KN_UOP_ABS, v), conv == 'o' ? 8 : conv == 'd' || conv == 'i' || conv == 'u' ? 10 : 16);
                    kn_vstr_t b;
                    kn_vstr_init(&b, 16);
                    if (kn_int_sign(v) < 0) kn_vstr_addc(&b, '-');
                    else if (sp.sign) kn_vstr_addc(&b, sp.sign);
                    for (int k = (int)kn_str_len(digits); k < sp.prec; k++) kn_vstr_addc(&b, '0');
                    kn_vstr_add(&b, kn_str_data(digits), kn_str_len(digits));
                    emit_padded(&out, b.buf, b.len, &sp, '>', true);
                    kn_vstr_free(&b);
                } else {
                    format_int(&out, v, &sp);
                }
                break;
            }
            case 'c': {
                kn_obj ch = KN_IS_STR(v) ? v : kn_chr((uint32_t)kn_get_int(v));
                emit_padded(&out, kn_str_data(ch), kn_str_len(ch), &sp, '>', false);
                break;
            }
            case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
                sp.type = conv;
                if (sp.prec < 0) sp.prec = 6;
                format_float(&out, kn_get_float(v), &sp);
                break;
            }
            default:
                kn_raise_fmt(&kn_type_ValueError, "unsupported format character '%c'", conv);
        }
    }
    if (ai < na && mapping == KN_NULL) kn_raise_type("not all arguments converted during string formatting");
    return kn_vstr_to_str(&out);
}
