/* parse.c: recursive-descent parser from tokens to a compact parse tree (including f-strings). */
#include <stdarg.h>
#include <string.h>

#include "parse.h"

const kn_type_t kn_type_node = {
    .base = {&kn_type_type},
    .name = KN_Q(node),
    .base_type = &kn_type_object,
};

typedef struct {
    kn_lexer_t lx;
    kn_token_t tok;
    kn_obj filename;
} parser_t;

kn_obj kn_node_new(int kind, uint32_t line, int n, ...) {
    kn_node_t *nd = kn_alloc(sizeof(kn_node_t) + (size_t)n * sizeof(kn_obj));
    nd->base.type = &kn_type_node;
    nd->kind = (uint16_t)kind;
    nd->n = (uint16_t)n;
    nd->line = line;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) nd->k[i] = va_arg(ap, kn_obj);
    va_end(ap);
    return KN_OBJ(nd);
}

#define NODE(kind, line, ...) kn_node_new(kind, line, (int)(sizeof((kn_obj[]){__VA_ARGS__}) / sizeof(kn_obj)), __VA_ARGS__)
#define LIST() kn_list_new(0, NULL)
#define APPEND(l, v) kn_list_append(l, v)

static void advance(parser_t *p) {
    kn_lexer_next(&p->lx, &p->tok);
}

static void error(parser_t *p, const char *msg) __attribute__((noreturn));
static void error(parser_t *p, const char *msg) {
    kn_syntax_error(p->filename, p->tok.line, msg);
}

static bool is_op(parser_t *p, int op) {
    return p->tok.kind == KN_TOK_OP && p->tok.op == op;
}

static bool is_kw(parser_t *p, kn_obj kw) {
    return p->tok.kind == KN_TOK_NAME && p->tok.value == kw;
}

static bool accept_op(parser_t *p, int op) {
    if (is_op(p, op)) {
        advance(p);
        return true;
    }
    return false;
}

static bool accept_kw(parser_t *p, kn_obj kw) {
    if (is_kw(p, kw)) {
        advance(p);
        return true;
    }
    return false;
}

static void expect_op(parser_t *p, int op) {
    if (!accept_op(p, op)) {
        if (p->tok.kind == KN_TOK_EOF || p->tok.kind == KN_TOK_NEWLINE) error(p, "unexpected EOF while parsing");
        error(p, "invalid syntax");
    }
}

static void expect_kw(parser_t *p, kn_obj kw) {
    if (!accept_kw(p, kw)) error(p, "invalid syntax");
}

static const kn_obj keywords[] = {
    KN_Q(False), KN_Q(None), KN_Q(True), KN_Q(and), KN_Q(as), KN_Q(assert), KN_Q(async), KN_Q(await),
    KN_Q(break), KN_Q(class), KN_Q(continue), KN_Q(def), KN_Q(del), KN_Q(elif), KN_Q(else), KN_Q(except),
    KN_Q(finally), KN_Q(for), KN_Q(from), KN_Q(global), KN_Q(if), KN_Q(import), KN_Q(in), KN_Q(is),
    KN_Q(lambda), KN_Q(nonlocal), KN_Q(not), KN_Q(or), KN_Q(pass), KN_Q(raise), KN_Q(return), KN_Q(try),
    KN_Q(while), KN_Q(with), KN_Q(yield)};

static bool is_keyword(kn_obj name) {
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (keywords[i] == name) return true;
    }
    return false;
}

static kn_obj expect_name(parser_t *p) {
    if (p->tok.kind != KN_TOK_NAME || is_keyword(p->tok.value)) error(p, "invalid syntax");
    kn_obj v = p->tok.value;
    advance(p);
    return v;
}

static kn_obj parse_test(parser_t *p);
static kn_obj parse_expr(parser_t *p);
static kn_obj parse_or_test(parser_t *p);
static kn_obj parse_namedexpr(parser_t *p);
static kn_obj parse_suite(parser_t *p);
static kn_obj parse_statement(parser_t *p, kn_obj out);
static kn_obj parse_factor(parser_t *p);
static kn_obj parse_testlist_star(parser_t *p, bool allow_yield);
static kn_obj parse_args(parser_t *p, int close, bool lambda);

/* ---- f-strings ---- */

static kn_obj parse_fstring(parser_t *p, kn_obj body, bool raw, uint32_t line);

static kn_obj parse_sub_expr(parser_t *p, const char *s, size_t n, uint32_t line) {
    /* Parenthesised so the expression may span lines and contain newlines. */
    char *buf = kn_alloc_atomic(n + 3);
    buf[0] = '(';
    memcpy(buf + 1, s, n);
    buf[n + 1] = ')';
    parser_t sub;
    sub.filename = p->filename;
    kn_lexer_init(&sub.lx, buf, n + 2, p->filename, line);
    advance(&sub);
    kn_obj e = parse_testlist_star(&sub, false);
    if (sub.tok.kind != KN_TOK_NEWLINE && sub.tok.kind != KN_TOK_EOF) error(&sub, "f-string: invalid syntax");
    return e;
}

static kn_obj parse_fstring(parser_t *p, kn_obj body, bool raw, uint32_t line) {
    const char *s = kn_str_data(body);
    size_t n = kn_str_len(body);
    kn_obj parts = LIST();
    kn_vstr_t lit;
    kn_vstr_init(&lit, n + 1);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '{' && i + 1 < n && s[i + 1] == '{') {
            kn_vstr_add(&lit, "{{", 2);
            i += 2;
            continue;
        }
        if (c == '}') {
            if (i + 1 < n && s[i + 1] == '}') {
                kn_vstr_add(&lit, "}}", 2);
                i += 2;
                continue;
            }
            kn_syntax_error(p->filename, line, "f-string: single '}' is not allowed");
        }
        if (c == '\\' && i + 1 < n) {
            kn_vstr_add(&lit, s + i, 2);
            i += 2;
            continue;
        }
        if (c != '{') {
            kn_vstr_addc(&lit, c);
            i++;
            continue;
        }
        /* Flush the literal part (decoding escapes and doubled braces). */
        if (lit.len) {
            kn_vstr_t dec;
            kn_vstr_init(&dec, lit.len + 1);
            kn_vstr_t undoubled;
            kn_vstr_init(&undoubled, lit.len + 1);
            for (size_t k = 0; k < lit.len; k++) {
                kn_vstr_addc(&undoubled, lit.buf[k]);
                if ((lit.buf[k] == '{' || lit.buf[k] == '}') && k + 1 < lit.len && lit.buf[k + 1] == lit.buf[k]) k++;
            }
            if (raw) kn_vstr_add(&dec, undoubled.buf, undoubled.len);
            else kn_decode_escapes(&dec, undoubled.buf, undoubled.len, false, p->filename, line);
            APPEND(parts, NODE(KN_N_CONST, line, kn_vstr_to_str(&dec)));
            lit.len = 0;
        }
        /* Find the end of the expression: depth-aware, skipping nested strings. */
        size_t start = ++i;
        int depth = 0;
        char quote = 0;
        size_t expr_end = 0;
        while (i < n) {
            char d = s[i];
            if (quote) {
                if (d == quote) quote = 0;
            } else if (d == '\'' || d == '"') {
                quote = d;
            } else if (d == '(' || d == '[' || d == '{') {
                depth++;
            } else if (d == ')' || d == ']' || (d == '}' && depth > 0)) {
                depth--;
            } else if (depth == 0 && (d == '}' || d == ':' || (d == '!' && i + 1 < n && s[i + 1] != '='))) {
                break;
            }
            i++;
        }
        if (i >= n) kn_syntax_error(p->filename, line, "f-string: expecting '}'");
        expr_end = i;
        bool self_doc = false;
        size_t ee = expr_end;
        while (ee > start && (s[ee - 1] == ' ')) ee--;
        if (ee > start && s[ee - 1] == '=' && !(ee > start + 1 && (s[ee - 2] == '=' || s[ee - 2] == '!' || s[ee - 2] == '<' || s[ee - 2] == '>'))) {
            self_doc = true;
            ee--;
        }
        if (ee == start) kn_syntax_error(p->filename, line, "f-string: empty expression not allowed");
        kn_obj expr = parse_sub_expr(p, s + start, ee - start, line);
        int conv = self_doc ? 'r' : -1;
        if (self_doc) {
            APPEND(parts, NODE(KN_N_CONST, line, kn_str_new(s + start, expr_end - start)));
        }
        if (s[i] == '!') {
            if (i + 1 >= n) kn_syntax_error(p->filename, line, "f-string: invalid conversion character");
            conv = s[i + 1];
            if (conv != 's' && conv != 'r' && conv != 'a') kn_syntax_error(p->filename, line, "f-string: invalid conversion character");
            i += 2;
        }
        kn_obj spec = kn_none;
        if (i < n && s[i] == ':') {
            size_t ss = ++i;
            int d2 = 0;
            while (i < n && (s[i] != '}' || d2 > 0)) {
                if (s[i] == '{') d2++;
                if (s[i] == '}') d2--;
                i++;
            }
            spec = parse_fstring(p, kn_str_new(s + ss, i - ss), raw, line);
            if (self_doc && conv == 'r') conv = -1;
        }
        if (i >= n || s[i] != '}') kn_syntax_error(p->filename, line, "f-string: expecting '}'");
        i++;
        APPEND(parts, NODE(KN_N_FORMATTED, line, expr, KN_MKSMALL(conv), spec));
    }
    if (lit.len) {
        kn_vstr_t dec;
        kn_vstr_init(&dec, lit.len + 1);
        kn_vstr_t undoubled;
        kn_vstr_init(&undoubled, lit.len + 1);
        for (size_t k = 0; k < lit.len; k++) {
            kn_vstr_addc(&undoubled, lit.buf[k]);
            if ((lit.buf[k] == '{' || lit.buf[k] == '}') && k + 1 < lit.len && lit.buf[k + 1] == lit.buf[k]) k++;
        }
        if (raw) kn_vstr_add(&dec, undoubled.buf, undoubled.len);
        else kn_decode_escapes(&dec, undoubled.buf, undoubled.len, false, p->filename, line);
        APPEND(parts, NODE(KN_N_CONST, line, kn_vstr_to_str(&dec)));
    }
    return NODE(KN_N_JOINEDSTR, line, parts);
}

/* ---- atoms ---- */

static kn_obj parse_strings(parser_t *p) {
    uint32_t line = p->tok.line;
    int kind = p->tok.kind;
    bool any_f = false;
    kn_obj parts = LIST();
    kn_vstr_t acc;
    kn_vstr_init(&acc, 16);
    bool have_acc = false;
    while (p->tok.kind == KN_TOK_STRING || p->tok.kind == KN_TOK_BYTES || p->tok.kind == KN_TOK_FSTRING) {
        if ((p->tok.kind == KN_TOK_BYTES) != (kind == KN_TOK_BYTES)) error(p, "cannot mix bytes and nonbytes literals");
        if (p->tok.kind == KN_TOK_FSTRING) {
            any_f = true;
            if (have_acc) {
                APPEND(parts, NODE(KN_N_CONST, line, kn_vstr_to_str(&acc)));
                kn_vstr_init(&acc, 16);
                have_acc = false;
            }
            kn_obj js = parse_fstring(p, p->tok.value, p->tok.raw, p->tok.line);
            kn_list_extend(parts, KN_NODE(js)->k[0]);
        } else {
            kn_vstr_add(&acc, kn_str_data(p->tok.value), kn_str_len(p->tok.value));
            have_acc = true;
        }
        advance(p);
    }
    if (!any_f) {
        return NODE(KN_N_CONST, line, kind == KN_TOK_BYTES ? kn_vstr_to_bytes(&acc) : kn_vstr_to_str(&acc));
    }
    if (have_acc) APPEND(parts, NODE(KN_N_CONST, line, kn_vstr_to_str(&acc)));
    return NODE(KN_N_JOINEDSTR, line, parts);
}

static kn_obj parse_comp_for(parser_t *p) {
    kn_obj gens = LIST();
    while (is_kw(p, KN_Q(for)) || is_kw(p, KN_Q(async))) {
        uint32_t line = p->tok.line;
        bool is_async = accept_kw(p, KN_Q(async));
        if (!is_kw(p, KN_Q(for))) error(p, "invalid syntax");
        advance(p);
        /* target list: expr (',' expr)* */
        kn_obj t = parse_expr(p);
        if (is_op(p, KN_P_COMMA)) {
            kn_obj elts = LIST();
            APPEND(elts, t);
            while (accept_op(p, KN_P_COMMA)) {
                if (is_kw(p, KN_Q(in))) break;
                APPEND(elts, parse_expr(p));
            }
            t = NODE(KN_N_TUPLE, line, elts);
        }
        expect_kw(p, KN_Q(in));
        kn_obj iter = parse_or_test(p);
        kn_obj ifs = LIST();
        while (is_kw(p, KN_Q(if))) {
            advance(p);
            /* The condition cannot contain a bare ternary without parentheses. */
            APPEND(ifs, parse_or_test(p));
        }
        APPEND(gens, is_async ? NODE(KN_N_COMPFOR, line, t, iter, ifs, kn_true) : NODE(KN_N_COMPFOR, line, t, iter, ifs));
    }
    return gens;
}

static kn_obj parse_star_or_named(parser_t *p) {
    if (is_op(p, KN_P_STAR)) {
        uint32_t line = p->tok.line;
        advance(p);
        return NODE(KN_N_STARRED, line, parse_expr(p));
    }
    return parse_namedexpr(p);
}

/* Parses a parenthesised or bracketed display after the opening token. */
static kn_obj parse_seq_display(parser_t *p, int close, int kind, uint32_t line) {
    kn_obj elts = LIST();
    if (accept_op(p, close)) {
        return NODE(kind, line, elts);
    }
    if (close == KN_P_RPAR && is_kw(p, KN_Q(yield))) {
        kn_obj y = parse_testlist_star(p, true);
        expect_op(p, close);
        return y;
    }
    kn_obj first = parse_star_or_named(p);
    if (is_kw(p, KN_Q(for)) || is_kw(p, KN_Q(async))) {
        kn_obj gens = parse_comp_for(p);
        expect_op(p, close);
        return NODE(close == KN_P_RPAR ? KN_N_GENEXP : KN_N_LISTCOMP, line, first, gens);
    }
    APPEND(elts, first);
    bool comma = false;
    while (accept_op(p, KN_P_COMMA)) {
        comma = true;
        if (is_op(p, close)) break;
        APPEND(elts, parse_star_or_named(p));
    }
    expect_op(p, close);
    if (close == KN_P_RPAR && !comma) {
        if (KN_NODE(first)->kind == KN_N_STARRED) kn_syntax_error(p->filename, line, "cannot use starred expression here");
        return first; /* parenthesised expression */
    }
    return NODE(kind, line, elts);
}

static kn_obj parse_dict_or_set(parser_t *p, uint32_t line) {
    kn_obj keys = LIST(), vals = LIST();
    if (accept_op(p, KN_P_RBRACE)) return NODE(KN_N_DICT, line, keys, vals);
    if (accept_op(p, KN_P_DSTAR)) {
        APPEND(keys, kn_none);
        APPEND(vals, parse_expr(p));
    } else {
        kn_obj first = parse_star_or_named(p);
        if (accept_op(p, KN_P_COLON)) {
            kn_obj v = parse_test(p);
            if (is_kw(p, KN_Q(for)) || is_kw(p, KN_Q(async))) {
                kn_obj gens = parse_comp_for(p);
                expect_op(p, KN_P_RBRACE);
                return NODE(KN_N_DICTCOMP, line, first, gens, v);
            }
            APPEND(keys, first);
            APPEND(vals, v);
        } else {
            /* set display or comprehension */
            if (is_kw(p, KN_Q(for)) || is_kw(p, KN_Q(async))) {
                kn_obj gens = parse_comp_for(p);
                expect_op(p, KN_P_RBRACE);
                return NODE(KN_N_SETCOMP, line, first, gens);
            }
            kn_obj elts = LIST();
            APPEND(elts, first);
            while (accept_op(p, KN_P_COMMA)) {
                if (is_op(p, KN_P_RBRACE)) break;
                APPEND(elts, parse_star_or_named(p));
            }
            expect_op(p, KN_P_RBRACE);
            return NODE(KN_N_SET, line, elts);
        }
    }
    while (accept_op(p, KN_P_COMMA)) {
        if (is_op(p, KN_P_RBRACE)) break;
        if (accept_op(p, KN_P_DSTAR)) {
            APPEND(keys, kn_none);
            APPEND(vals, parse_expr(p));
            continue;
        }
        APPEND(keys, parse_test(p));
        expect_op(p, KN_P_COLON);
        APPEND(vals, parse_test(p));
    }
    expect_op(p, KN_P_RBRACE);
    return NODE(KN_N_DICT, line, keys, vals);
}

static kn_obj parse_atom(parser_t *p) {
    uint32_t line = p->tok.line;
    switch (p->tok.kind) {
        case KN_TOK_NAME: {
            kn_obj v = p->tok.value;
            if (v == KN_Q(None)) { advance(p); return NODE(KN_N_CONST, line, kn_none); }
            if (v == KN_Q(True)) { advance(p); return NODE(KN_N_CONST, line, kn_true); }
            if (v == KN_Q(False)) { advance(p); return NODE(KN_N_CONST, line, kn_false); }
            if (is_keyword(v)) error(p, "invalid syntax");
            advance(p);
            return NODE(KN_N_NAME, line, v);
        }
        case KN_TOK_INT:
        case KN_TOK_FLOAT: {
            kn_obj v = p->tok.value;
            advance(p);
            return NODE(KN_N_CONST, line, v);
        }
        case KN_TOK_IMAG: {
            kn_obj v = kn_complex_new(0, KN_FLOAT(p->tok.value));
            advance(p);
            return NODE(KN_N_CONST, line, v);
        }
        case KN_TOK_STRING:
        case KN_TOK_BYTES:
        case KN_TOK_FSTRING:
            return parse_strings(p);
        case KN_TOK_OP:
            if (accept_op(p, KN_P_LPAR)) return parse_seq_display(p, KN_P_RPAR, KN_N_TUPLE, line);
            if (accept_op(p, KN_P_LSQB)) return parse_seq_display(p, KN_P_RSQB, KN_N_LIST, line);
            if (accept_op(p, KN_P_LBRACE)) return parse_dict_or_set(p, line);
            if (accept_op(p, KN_P_ELLIPSIS)) return NODE(KN_N_CONST, line, kn_ellipsis);
            break;
        default:
            break;
    }
    if (p->tok.kind == KN_TOK_EOF || p->tok.kind == KN_TOK_NEWLINE) error(p, "unexpected EOF while parsing");
    if (p->tok.kind == KN_TOK_INDENT) error(p, "unexpected indent");
    error(p, "invalid syntax");
}

static kn_obj parse_subscript_item(parser_t *p) {
    uint32_t line = p->tok.line;
    kn_obj lo = kn_none, hi = kn_none, step = kn_none;
    if (!is_op(p, KN_P_COLON)) {
        lo = parse_star_or_named(p);
        if (!is_op(p, KN_P_COLON)) return lo;
    }
    expect_op(p, KN_P_COLON);
    if (!is_op(p, KN_P_RSQB) && !is_op(p, KN_P_COLON) && !is_op(p, KN_P_COMMA)) hi = parse_test(p);
    if (accept_op(p, KN_P_COLON)) {
        if (!is_op(p, KN_P_RSQB) && !is_op(p, KN_P_COMMA)) step = parse_test(p);
    }
    return NODE(KN_N_SLICE, line, lo, hi, step);
}

/* Call arguments after '(' up to ')'. */
static kn_obj parse_call(parser_t *p, kn_obj func, uint32_t line) {
    kn_obj args = LIST(), kws = LIST();
    while (!is_op(p, KN_P_RPAR)) {
        uint32_t aline = p->tok.line;
        if (accept_op(p, KN_P_STAR)) {
            APPEND(args, NODE(KN_N_STARRED, aline, parse_test(p)));
        } else if (accept_op(p, KN_P_DSTAR)) {
            APPEND(kws, NODE(KN_N_KEYWORD, aline, kn_none, parse_test(p)));
        } else {
            kn_obj a = parse_namedexpr(p);
            if (is_op(p, KN_P_ASSIGN) && KN_NODE(a)->kind == KN_N_NAME) {
                advance(p);
                APPEND(kws, NODE(KN_N_KEYWORD, aline, KN_NODE(a)->k[0], parse_test(p)));
            } else if (is_kw(p, KN_Q(for)) || is_kw(p, KN_Q(async))) {
                kn_obj gens = parse_comp_for(p);
                APPEND(args, NODE(KN_N_GENEXP, aline, a, gens));
            } else {
                if (((kn_list_t *)kws)->len > 0) {
                    for (size_t i = 0; i < ((kn_list_t *)kws)->len; i++) {
                        if (KN_NODE(((kn_list_t *)kws)->items[i])->k[0] == kn_none) {
                            kn_syntax_error(p->filename, aline, "positional argument follows keyword argument unpacking");
                        }
                    }
                    kn_syntax_error(p->filename, aline, "positional argument follows keyword argument");
                }
                APPEND(args, a);
            }
        }
        if (!accept_op(p, KN_P_COMMA)) break;
    }
    expect_op(p, KN_P_RPAR);
    return NODE(KN_N_CALL, line, func, args, kws);
}

static kn_obj parse_primary(parser_t *p) {
    if (is_kw(p, KN_Q(await))) {
        uint32_t aline = p->tok.line;
        advance(p);
        return NODE(KN_N_AWAIT, aline, parse_primary(p));
    }
    kn_obj e = parse_atom(p);
    for (;;) {
        uint32_t line = p->tok.line;
        if (accept_op(p, KN_P_LPAR)) {
            e = parse_call(p, e, line);
        } else if (accept_op(p, KN_P_LSQB)) {
            kn_obj first = parse_subscript_item(p);
            if (is_op(p, KN_P_COMMA)) {
                kn_obj elts = LIST();
                APPEND(elts, first);
                while (accept_op(p, KN_P_COMMA)) {
                    if (is_op(p, KN_P_RSQB)) break;
                    APPEND(elts, parse_subscript_item(p));
                }
                first = NODE(KN_N_TUPLE, line, elts);
            }
            expect_op(p, KN_P_RSQB);
            e = NODE(KN_N_SUBSCR, line, e, first);
        } else if (accept_op(p, KN_P_DOT)) {
            kn_obj name = expect_name(p);
            e = NODE(KN_N_ATTR, line, e, name);
        } else {
            return e;
        }
    }
}

static kn_obj parse_power(parser_t *p) {
    kn_obj e = parse_primary(p);
    if (is_op(p, KN_P_DSTAR)) {
        uint32_t line = p->tok.line;
        advance(p);
        kn_obj r = parse_factor(p);
        return NODE(KN_N_BINOP, line, KN_MKSMALL(KN_OP_POW), e, r);
    }
    return e;
}

static kn_obj parse_factor(parser_t *p) {
    uint32_t line = p->tok.line;
    int op = -1;
    if (is_op(p, KN_P_MINUS)) op = KN_UOP_NEG;
    else if (is_op(p, KN_P_PLUS)) op = KN_UOP_POS;
    else if (is_op(p, KN_P_TILDE)) op = KN_UOP_INVERT;
    if (op < 0) return parse_power(p);
    advance(p);
    kn_obj x = parse_factor(p);
    /* Fold negative numeric literals so loops don't negate at run time. */
    if (op == KN_UOP_NEG && KN_NODE(x)->kind == KN_N_CONST) {
        kn_obj v = KN_NODE(x)->k[0];
        if (KN_IS_INT(v) || kn_is_type(v, &kn_type_float)) return NODE(KN_N_CONST, line, kn_unary_op(KN_UOP_NEG, v));
    }
    return NODE(KN_N_UNARY, line, KN_MKSMALL(op), x);
}

static kn_obj parse_binary_level(parser_t *p, int level);

static int binop_for(parser_t *p, int level) {
    if (p->tok.kind != KN_TOK_OP) return -1;
    int o = p->tok.op;
    switch (level) {
        case 0: return o == KN_P_PIPE ? KN_OP_OR : -1;
        case 1: return o == KN_P_CARET ? KN_OP_XOR : -1;
        case 2: return o == KN_P_AMP ? KN_OP_AND : -1;
        case 3: return o == KN_P_LSHIFT ? KN_OP_LSHIFT : o == KN_P_RSHIFT ? KN_OP_RSHIFT : -1;
        case 4: return o == KN_P_PLUS ? KN_OP_ADD : o == KN_P_MINUS ? KN_OP_SUB : -1;
        default:
            return o == KN_P_STAR ? KN_OP_MUL : o == KN_P_SLASH ? KN_OP_TRUEDIV : o == KN_P_DSLASH ? KN_OP_FLOORDIV
                 : o == KN_P_PERCENT ? KN_OP_MOD : o == KN_P_AT ? KN_OP_MATMUL : -1;
    }
}

static kn_obj parse_binary_level(parser_t *p, int level) {
    if (level > 5) return parse_factor(p);
    kn_obj e = parse_binary_level(p, level + 1);
    int op;
    while ((op = binop_for(p, level)) >= 0) {
        uint32_t line = p->tok.line;
        advance(p);
        kn_obj r = parse_binary_level(p, level + 1);
        e = NODE(KN_N_BINOP, line, KN_MKSMALL(op), e, r);
    }
    return e;
}

static kn_obj parse_expr(parser_t *p) {
    return parse_binary_level(p, 0);
}

static int comp_op(parser_t *p) {
    if (p->tok.kind == KN_TOK_OP) {
        switch (p->tok.op) {
            case KN_P_LT: advance(p); return KN_OP_LT;
            case KN_P_LE: advance(p); return KN_OP_LE;
            case KN_P_GT: advance(p); return KN_OP_GT;
            case KN_P_GE: advance(p); return KN_OP_GE;
            case KN_P_EQ: advance(p); return KN_OP_EQ;
            case KN_P_NE: advance(p); return KN_OP_NE;
            default: return -1;
        }
    }
    if (accept_kw(p, KN_Q(in))) return KN_CMP_IN;
    if (is_kw(p, KN_Q(not))) {
        /* 'not in' */
        kn_lexer_t save = p->lx;
        kn_token_t st = p->tok;
        advance(p);
        if (accept_kw(p, KN_Q(in))) return KN_CMP_NOT_IN;
        p->lx = save;
        p->tok = st;
        return -1;
    }
    if (accept_kw(p, KN_Q(is))) {
        if (accept_kw(p, KN_Q(not))) return KN_CMP_IS_NOT;
        return KN_CMP_IS;
    }
    return -1;
}

static kn_obj parse_comparison(parser_t *p) {
    uint32_t line = p->tok.line;
    kn_obj e = parse_expr(p);
    int op = comp_op(p);
    if (op < 0) return e;
    kn_obj ops = LIST(), rights = LIST();
    do {
        APPEND(ops, KN_MKSMALL(op));
        APPEND(rights, parse_expr(p));
    } while ((op = comp_op(p)) >= 0);
    return NODE(KN_N_COMPARE, line, e, ops, rights);
}

static kn_obj parse_not_test(parser_t *p) {
    if (is_kw(p, KN_Q(not))) {
        uint32_t line = p->tok.line;
        advance(p);
        return NODE(KN_N_UNARY, line, KN_MKSMALL(KN_UOP_NOT), parse_not_test(p));
    }
    return parse_comparison(p);
}

static kn_obj parse_and_test(parser_t *p) {
    uint32_t line = p->tok.line;
    kn_obj e = parse_not_test(p);
    if (!is_kw(p, KN_Q(and))) return e;
    kn_obj vals = LIST();
    APPEND(vals, e);
    while (accept_kw(p, KN_Q(and))) APPEND(vals, parse_not_test(p));
    return NODE(KN_N_BOOLOP, line, KN_MKSMALL(0), vals);
}

static kn_obj parse_or_test(parser_t *p) {
    uint32_t line = p->tok.line;
    kn_obj e = parse_and_test(p);
    if (!is_kw(p, KN_Q(or))) return e;
    kn_obj vals = LIST();
    APPEND(vals, e);
    while (accept_kw(p, KN_Q(or))) APPEND(vals, parse_and_test(p));
    return NODE(KN_N_BOOLOP, line, KN_MKSMALL(1), vals);
}

static kn_obj parse_lambda(parser_t *p) {
    uint32_t line = p->tok.line;
    advance(p);
    kn_obj args = parse_args(p, KN_P_COLON, true);
    expect_op(p, KN_P_COLON);
    kn_obj body = parse_test(p);
    return NODE(KN_N_LAMBDA, line, args, body);
}

static kn_obj parse_test(parser_t *p) {
    if (is_kw(p, KN_Q(lambda))) return parse_lambda(p);
    uint32_t line = p->tok.line;
    kn_obj e = parse_or_test(p);
    if (is_kw(p, KN_Q(if))) {
        advance(p);
        kn_obj cond = parse_or_test(p);
        expect_kw(p, KN_Q(else));
        kn_obj orelse = parse_test(p);
        return NODE(KN_N_IFEXP, line, cond, e, orelse);
    }
    return e;
}

static kn_obj parse_namedexpr(parser_t *p) {
    uint32_t line = p->tok.line;
    kn_obj e = parse_test(p);
    if (is_op(p, KN_P_WALRUS)) {
        if (KN_NODE(e)->kind != KN_N_NAME) error(p, "cannot use assignment expressions with this target");
        advance(p);
        kn_obj v = parse_test(p);
        return NODE(KN_N_NAMEDEXPR, line, e, v);
    }
    return e;
}

/* testlist_star_expr or yield expression; makes a tuple if there is a comma. */
static kn_obj parse_testlist_star(parser_t *p, bool allow_yield) {
    uint32_t line = p->tok.line;
    if (allow_yield && is_kw(p, KN_Q(yield))) {
        advance(p);
        if (accept_kw(p, KN_Q(from))) return NODE(KN_N_YIELDFROM, line, parse_test(p));
        if (p->tok.kind == KN_TOK_NEWLINE || p->tok.kind == KN_TOK_EOF || is_op(p, KN_P_RPAR) || is_op(p, KN_P_ASSIGN) ||
            is_op(p, KN_P_SEMI) || is_op(p, KN_P_RSQB) || is_op(p, KN_P_RBRACE)) {
            return NODE(KN_N_YIELD, line, kn_none);
        }
        return NODE(KN_N_YIELD, line, parse_testlist_star(p, false));
    }
    kn_obj first = parse_star_or_named(p);
    if (!is_op(p, KN_P_COMMA)) {
        if (KN_NODE(first)->kind == KN_N_STARRED) kn_syntax_error(p->filename, line, "can't use starred expression here");
        return first;
    }
    kn_obj elts = LIST();
    APPEND(elts, first);
    while (accept_op(p, KN_P_COMMA)) {
        if (p->tok.kind == KN_TOK_NEWLINE || p->tok.kind == KN_TOK_EOF || is_op(p, KN_P_ASSIGN) || is_op(p, KN_P_RPAR) ||
            is_op(p, KN_P_SEMI) || is_op(p, KN_P_COLON) || (p->tok.kind == KN_TOK_OP && p->tok.op >= KN_P_PLUS_EQ && p->tok.op <= KN_P_CARET_EQ)) {
            break;
        }
        APPEND(elts, parse_star_or_named(p));
    }
    return NODE(KN_N_TUPLE, line, elts);
}

/* ---- parameters ---- */

static kn_obj parse_args(parser_t *p, int close, bool lambda) {
    uint32_t line = p->tok.line;
    kn_obj names = LIST(), defaults = LIST(), kwonly = LIST(), kwdefaults = LIST();
    kn_obj vararg = kn_none, kwarg = kn_none;
    int nposonly = 0;
    bool star_seen = false;
    while (!is_op(p, close)) {
        if (accept_op(p, KN_P_SLASH)) {
            if (star_seen || nposonly) error(p, "invalid syntax");
            nposonly = (int)((kn_list_t *)names)->len;
        } else if (accept_op(p, KN_P_DSTAR)) {
            kwarg = expect_name(p);
            if (!lambda && accept_op(p, KN_P_COLON)) parse_test(p);
        } else if (accept_op(p, KN_P_STAR)) {
            if (star_seen) error(p, "* argument may appear only once");
            star_seen = true;
            if (p->tok.kind == KN_TOK_NAME) {
                vararg = expect_name(p);
                if (!lambda && accept_op(p, KN_P_COLON)) parse_test(p);
            }
        } else {
            kn_obj name = expect_name(p);
            if (!lambda && accept_op(p, KN_P_COLON)) parse_test(p);
            kn_obj def = KN_NULL;
            if (accept_op(p, KN_P_ASSIGN)) def = parse_test(p);
            /* Duplicate parameter names are a syntax error. */
            kn_obj all[2] = {names, kwonly};
            for (int li = 0; li < 2; li++) {
                kn_list_t *l = KN_PTR(all[li]);
                for (size_t i = 0; i < l->len; i++) {
                    if (l->items[i] == name) kn_syntax_error(p->filename, line, "duplicate argument in function definition");
                }
            }
            if (star_seen) {
                APPEND(kwonly, name);
                APPEND(kwdefaults, def == KN_NULL ? kn_none : def);
            } else {
                APPEND(names, name);
                if (def != KN_NULL) {
                    APPEND(defaults, def);
                } else if (((kn_list_t *)defaults)->len > 0) {
                    kn_syntax_error(p->filename, line, "non-default argument follows default argument");
                }
            }
        }
        if (!accept_op(p, KN_P_COMMA)) break;
    }
    return NODE(KN_N_ARGS, line, names, defaults, vararg, kwonly, kwdefaults, kwarg, KN_MKSMALL(nposonly));
}

/* ---- statements ---- */

static kn_obj parse_dotted_name(parser_t *p) {
    kn_vstr_t v;
    kn_vstr_init(&v, 16);
    kn_obj n = expect_name(p);
    kn_vstr_add(&v, kn_str_data(n), kn_str_len(n));
    while (accept_op(p, KN_P_DOT)) {
        n = expect_name(p);
        kn_vstr_addc(&v, '.');
        kn_vstr_add(&v, kn_str_data(n), kn_str_len(n));
    }
    return kn_intern(v.buf, v.len);
}

static kn_obj parse_small_stmt(parser_t *p) {
    uint32_t line = p->tok.line;
    if (p->tok.kind == KN_TOK_NAME) {
        kn_obj v = p->tok.value;
        if (v == KN_Q(pass)) { advance(p); return NODE(KN_N_PASS, line, kn_none); }
        if (v == KN_Q(break)) { advance(p); return NODE(KN_N_BREAK, line, kn_none); }
        if (v == KN_Q(continue)) { advance(p); return NODE(KN_N_CONTINUE, line, kn_none); }
        if (v == KN_Q(return)) {
            advance(p);
            kn_obj val = kn_none;
            if (p->tok.kind != KN_TOK_NEWLINE && p->tok.kind != KN_TOK_EOF && !is_op(p, KN_P_SEMI)) {
                val = parse_testlist_star(p, false);
            }
            return NODE(KN_N_RETURN, line, val);
        }
        if (v == KN_Q(raise)) {
            advance(p);
            kn_obj exc = kn_none, cause = kn_none;
            if (p->tok.kind != KN_TOK_NEWLINE && p->tok.kind != KN_TOK_EOF && !is_op(p, KN_P_SEMI)) {
                exc = parse_test(p);
                if (accept_kw(p, KN_Q(from))) cause = parse_test(p);
            }
            return NODE(KN_N_RAISE, line, exc, cause);
        }
        if (v == KN_Q(global) || v == KN_Q(nonlocal)) {
            advance(p);
            kn_obj names = LIST();
            do {
                APPEND(names, expect_name(p));
            } while (accept_op(p, KN_P_COMMA));
            return NODE(v == KN_Q(global) ? KN_N_GLOBAL : KN_N_NONLOCAL, line, names);
        }
        if (v == KN_Q(del)) {
            advance(p);
            kn_obj targets = LIST();
            do {
                if (p->tok.kind == KN_TOK_NEWLINE || is_op(p, KN_P_SEMI)) break;
                APPEND(targets, parse_expr(p));
            } while (accept_op(p, KN_P_COMMA));
            return NODE(KN_N_DEL, line, targets);
        }
        if (v == KN_Q(assert)) {
            advance(p);
            kn_obj test = parse_test(p), msg = kn_none;
            if (accept_op(p, KN_P_COMMA)) msg = parse_test(p);
            return NODE(KN_N_ASSERT, line, test, msg);
        }
        if (v == KN_Q(import)) {
            advance(p);
            kn_obj names = LIST();
            do {
                kn_obj name = parse_dotted_name(p), as = kn_none;
                if (accept_kw(p, KN_Q(as))) as = expect_name(p);
                APPEND(names, NODE(KN_N_ALIAS, line, name, as));
            } while (accept_op(p, KN_P_COMMA));
            return NODE(KN_N_IMPORT, line, names);
        }
        if (v == KN_Q(from)) {
            advance(p);
            int level = 0;
            for (;;) {
                if (accept_op(p, KN_P_DOT)) level++;
                else if (accept_op(p, KN_P_ELLIPSIS)) level += 3;
                else break;
            }
            kn_obj mod = kn_none;
            if (!is_kw(p, KN_Q(import))) mod = parse_dotted_name(p);
            expect_kw(p, KN_Q(import));
            kn_obj names = LIST();
            if (accept_op(p, KN_P_STAR)) {
                APPEND(names, NODE(KN_N_ALIAS, line, KN_Q(_star_), kn_none));
            } else {
                bool paren = accept_op(p, KN_P_LPAR);
                do {
                    if (paren && is_op(p, KN_P_RPAR)) break;
                    kn_obj name = expect_name(p), as = kn_none;
                    if (accept_kw(p, KN_Q(as))) as = expect_name(p);
                    APPEND(names, NODE(KN_N_ALIAS, line, name, as));
                } while (accept_op(p, KN_P_COMMA));
                if (paren) expect_op(p, KN_P_RPAR);
            }
            return NODE(KN_N_IMPORTFROM, line, mod, names, KN_MKSMALL(level));
        }
    }
    /* expression statement, assignment or augmented assignment */
    kn_obj e = parse_testlist_star(p, true);
    if (p->tok.kind == KN_TOK_OP && p->tok.op >= KN_P_PLUS_EQ && p->tok.op <= KN_P_CARET_EQ) {
        int op = p->tok.op - KN_P_PLUS_EQ;
        advance(p);
        kn_obj val = parse_testlist_star(p, true);
        return NODE(KN_N_AUGASSIGN, line, e, KN_MKSMALL(op), val);
    }
    if (is_op(p, KN_P_COLON)) {
        /* annotated assignment: the annotation is evaluated and discarded */
        advance(p);
        kn_obj ann = parse_test(p);
        kn_obj val = kn_none;
        if (accept_op(p, KN_P_ASSIGN)) val = parse_testlist_star(p, true);
        return NODE(KN_N_ANNASSIGN, line, e, ann, val);
    }
    if (is_op(p, KN_P_ASSIGN)) {
        kn_obj targets = LIST();
        kn_obj val = e;
        while (accept_op(p, KN_P_ASSIGN)) {
            APPEND(targets, val);
            val = parse_testlist_star(p, true);
        }
        return NODE(KN_N_ASSIGN, line, targets, val);
    }
    return NODE(KN_N_EXPR, line, e);
}

static void parse_simple_stmts(parser_t *p, kn_obj out) {
    for (;;) {
        APPEND(out, parse_small_stmt(p));
        if (!accept_op(p, KN_P_SEMI)) break;
        if (p->tok.kind == KN_TOK_NEWLINE || p->tok.kind == KN_TOK_EOF) break;
    }
    if (p->tok.kind == KN_TOK_NEWLINE) {
        advance(p);
    } else if (p->tok.kind != KN_TOK_EOF) {
        error(p, "invalid syntax");
    }
}

static kn_obj parse_suite(parser_t *p) {
    expect_op(p, KN_P_COLON);
    kn_obj body = LIST();
    if (p->tok.kind != KN_TOK_NEWLINE) {
        parse_simple_stmts(p, body);
        return body;
    }
    advance(p);
    if (p->tok.kind != KN_TOK_INDENT) {
        if (p->tok.kind == KN_TOK_EOF) error(p, "unexpected EOF while parsing");
        error(p, "expected an indented block");
    }
    advance(p);
    while (p->tok.kind != KN_TOK_DEDENT && p->tok.kind != KN_TOK_EOF) {
        parse_statement(p, body);
    }
    if (p->tok.kind == KN_TOK_DEDENT) advance(p);
    return body;
}

static kn_obj parse_funcdef(parser_t *p, kn_obj decorators) {
    uint32_t line = p->tok.line;
    advance(p); /* def */
    kn_obj name = expect_name(p);
    expect_op(p, KN_P_LPAR);
    kn_obj args = parse_args(p, KN_P_RPAR, false);
    expect_op(p, KN_P_RPAR);
    if (accept_op(p, KN_P_ARROW)) parse_test(p);
    kn_obj body = parse_suite(p);
    return NODE(KN_N_FUNCDEF, line, name, args, body, decorators);
}

static kn_obj parse_classdef(parser_t *p, kn_obj decorators) {
    uint32_t line = p->tok.line;
    advance(p); /* class */
    kn_obj name = expect_name(p);
    kn_obj call = kn_none;
    if (accept_op(p, KN_P_LPAR)) call = parse_call(p, kn_none, line);
    kn_obj body = parse_suite(p);
    return NODE(KN_N_CLASSDEF, line, name, call, body, decorators);
}

static kn_obj parse_if(parser_t *p) {
    uint32_t line = p->tok.line;
    advance(p); /* if / elif */
    kn_obj test = parse_namedexpr(p);
    kn_obj body = parse_suite(p);
    kn_obj orelse = LIST();
    if (is_kw(p, KN_Q(elif))) {
        APPEND(orelse, parse_if(p));
    } else if (accept_kw(p, KN_Q(else))) {
        orelse = parse_suite(p);
    }
    return NODE(KN_N_IF, line, test, body, orelse);
}

/* A copy of a def/for/with node with the trailing async marker child. */
static kn_obj mark_async(kn_obj node) {
    kn_node_t *o = KN_NODE(node);
    kn_node_t *nd = kn_alloc(sizeof(kn_node_t) + (size_t)(o->n + 1) * sizeof(kn_obj));
    memcpy(nd, o, sizeof(kn_node_t) + (size_t)o->n * sizeof(kn_obj));
    nd->k[nd->n++] = kn_true;
    return KN_OBJ(nd);
}

static kn_obj parse_statement(parser_t *p, kn_obj out) {
    uint32_t line = p->tok.line;
    if (p->tok.kind == KN_TOK_INDENT) error(p, "unexpected indent");
    if (p->tok.kind == KN_TOK_NAME) {
        kn_obj v = p->tok.value;
        if (v == KN_Q(if)) {
            APPEND(out, parse_if(p));
            return out;
        }
        if (v == KN_Q(while)) {
            advance(p);
            kn_obj test = parse_namedexpr(p);
            kn_obj body = parse_suite(p);
            kn_obj orelse = LIST();
            if (accept_kw(p, KN_Q(else))) orelse = parse_suite(p);
            APPEND(out, NODE(KN_N_WHILE, line, test, body, orelse));
            return out;
        }
        if (v == KN_Q(for)) {
            advance(p);
            kn_obj t = parse_expr(p);
            if (is_op(p, KN_P_COMMA)) {
                kn_obj elts = LIST();
                APPEND(elts, t);
                while (accept_op(p, KN_P_COMMA)) {
                    if (is_kw(p, KN_Q(in))) break;
                    APPEND(elts, is_op(p, KN_P_STAR) ? parse_star_or_named(p) : parse_expr(p));
                }
                t = NODE(KN_N_TUPLE, line, elts);
            }
            expect_kw(p, KN_Q(in));
            kn_obj iter = parse_testlist_star(p, false);
            kn_obj body = parse_suite(p);
            kn_obj orelse = LIST();
            if (accept_kw(p, KN_Q(else))) orelse = parse_suite(p);
            APPEND(out, NODE(KN_N_FOR, line, t, iter, body, orelse));
            return out;
        }
        if (v == KN_Q(try)) {
            advance(p);
            kn_obj body = parse_suite(p);
            kn_obj handlers = LIST(), orelse = LIST(), fin = LIST();
            while (is_kw(p, KN_Q(except))) {
                uint32_t hl = p->tok.line;
                advance(p);
                kn_obj type = kn_none, name = kn_none;
                if (!is_op(p, KN_P_COLON)) {
                    type = parse_test(p);
                    if (accept_op(p, KN_P_COMMA)) {
                        kn_obj elts = LIST();
                        APPEND(elts, type);
                        do {
                            APPEND(elts, parse_test(p));
                        } while (accept_op(p, KN_P_COMMA));
                        type = NODE(KN_N_TUPLE, hl, elts);
                    }
                    if (accept_kw(p, KN_Q(as))) name = expect_name(p);
                }
                kn_obj hbody = parse_suite(p);
                APPEND(handlers, NODE(KN_N_HANDLER, hl, type, name, hbody));
            }
            if (accept_kw(p, KN_Q(else))) orelse = parse_suite(p);
            if (accept_kw(p, KN_Q(finally))) fin = parse_suite(p);
            if (((kn_list_t *)handlers)->len == 0 && ((kn_list_t *)fin)->len == 0) error(p, "expected 'except' or 'finally' block");
            APPEND(out, NODE(KN_N_TRY, line, body, handlers, orelse, fin));
            return out;
        }
        if (v == KN_Q(with)) {
            advance(p);
            kn_obj items = LIST();
            bool paren = false;
            if (is_op(p, KN_P_LPAR)) {
                /* with (a as b, c as d): — detect by trying a parenthesised item list */
                kn_lexer_t save = p->lx;
                kn_token_t st = p->tok;
                advance(p);
                kn_obj e = parse_test(p);
                if (is_kw(p, KN_Q(as)) || (is_op(p, KN_P_COMMA))) {
                    paren = true;
                    kn_obj target = kn_none;
                    if (accept_kw(p, KN_Q(as))) target = parse_expr(p);
                    APPEND(items, NODE(KN_N_WITHITEM, line, e, target));
                    while (accept_op(p, KN_P_COMMA)) {
                        if (is_op(p, KN_P_RPAR)) break;
                        kn_obj ctx = parse_test(p);
                        kn_obj tg = kn_none;
                        if (accept_kw(p, KN_Q(as))) tg = parse_expr(p);
                        APPEND(items, NODE(KN_N_WITHITEM, line, ctx, tg));
                    }
                    expect_op(p, KN_P_RPAR);
                } else {
                    p->lx = save;
                    p->tok = st;
                }
            }
            if (!paren) {
                do {
                    kn_obj ctx = parse_test(p);
                    kn_obj target = kn_none;
                    if (accept_kw(p, KN_Q(as))) target = parse_expr(p);
                    APPEND(items, NODE(KN_N_WITHITEM, line, ctx, target));
                } while (accept_op(p, KN_P_COMMA));
            }
            kn_obj body = parse_suite(p);
            APPEND(out, NODE(KN_N_WITH, line, items, body));
            return out;
        }
        if (v == KN_Q(def)) {
            APPEND(out, parse_funcdef(p, LIST()));
            return out;
        }
        if (v == KN_Q(class)) {
            APPEND(out, parse_classdef(p, LIST()));
            return out;
        }
        if (v == KN_Q(async)) {
            advance(p);
            if (!is_kw(p, KN_Q(def)) && !is_kw(p, KN_Q(for)) && !is_kw(p, KN_Q(with))) error(p, "invalid syntax");
            parse_statement(p, out);
            kn_list_t *l = KN_PTR(out);
            l->items[l->len - 1] = mark_async(l->items[l->len - 1]);
            return out;
        }
    }
    if (is_op(p, KN_P_AT)) {
        kn_obj decs = LIST();
        while (accept_op(p, KN_P_AT)) {
            APPEND(decs, parse_namedexpr(p));
            if (p->tok.kind != KN_TOK_NEWLINE) error(p, "invalid syntax");
            advance(p);
        }
        if (is_kw(p, KN_Q(def))) {
            APPEND(out, parse_funcdef(p, decs));
        } else if (accept_kw(p, KN_Q(async))) {
            if (!is_kw(p, KN_Q(def))) error(p, "invalid syntax");
            APPEND(out, mark_async(parse_funcdef(p, decs)));
        } else if (is_kw(p, KN_Q(class))) {
            APPEND(out, parse_classdef(p, decs));
        } else {
            error(p, "invalid syntax");
        }
        return out;
    }
    parse_simple_stmts(p, out);
    return out;
}

kn_obj kn_parse(const char *src, size_t len, kn_obj filename, int mode) {
    parser_t p;
    p.filename = filename;
    kn_lexer_init(&p.lx, src, len, filename, 1);
    advance(&p);
    if (mode == KN_MODE_EVAL) {
        while (p.tok.kind == KN_TOK_NEWLINE) advance(&p);
        kn_obj e = parse_testlist_star(&p, false);
        while (p.tok.kind == KN_TOK_NEWLINE) advance(&p);
        if (p.tok.kind != KN_TOK_EOF) error(&p, "invalid syntax");
        return e;
    }
    kn_obj body = LIST();
    while (p.tok.kind != KN_TOK_EOF) {
        if (p.tok.kind == KN_TOK_NEWLINE) {
            advance(&p);
            continue;
        }
        if (p.tok.kind == KN_TOK_DEDENT) {
            advance(&p);
            continue;
        }
        parse_statement(&p, body);
    }
    return NODE(KN_N_MODULE, 1, body);
}
