/* lexer.c: turns source text into tokens, tracking indentation, brackets and line numbers. */
#include <string.h>

#include "lexer.h"

void kn_syntax_error(kn_obj filename, uint32_t line, const char *msg) {
    kn_obj info[4] = {filename, KN_MKSMALL((kn_int_t)line), kn_none, kn_none};
    kn_obj args[2] = {kn_str_new_c(msg), kn_tuple_new(4, info)};
    bool indent = strstr(msg, "indent") != NULL;
    kn_raise(kn_exc_new(indent ? &kn_type_IndentationError : &kn_type_SyntaxError, 2, args));
}

void kn_lexer_init(kn_lexer_t *lx, const char *src, size_t len, kn_obj filename, uint32_t first_line) {
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = first_line;
    lx->at_line_start = true;
    lx->filename = filename;
    lx->nindent = 1;
    lx->indents[0] = 0;
}

static inline int peek(kn_lexer_t *lx, size_t ahead) {
    return lx->pos + ahead < lx->len ? (uint8_t)lx->src[lx->pos + ahead] : -1;
}

static void error(kn_lexer_t *lx, const char *msg) {
    kn_syntax_error(lx->filename, lx->line, msg);
}

static bool is_id_start(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_id_char(int c) {
    return is_id_start(c) || (c >= '0' && c <= '9');
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void add_utf8(kn_vstr_t *out, uint32_t c) {
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xc0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xe0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (c >> 18));
        b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    kn_vstr_add(out, b, n);
}

void kn_decode_escapes(kn_vstr_t *out, const char *s, size_t n, bool bytes, kn_obj filename, uint32_t line) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n') line++;
        if (c != '\\' || i + 1 >= n) {
            kn_vstr_addc(out, c);
            continue;
        }
        c = s[++i];
        switch (c) {
            case '\n': line++; break; /* line continuation inside a string */
            case '\\': kn_vstr_addc(out, '\\'); break;
            case '\'': kn_vstr_addc(out, '\''); break;
            case '"': kn_vstr_addc(out, '"'); break;
            case 'a': kn_vstr_addc(out, '\a'); break;
            case 'b': kn_vstr_addc(out, '\b'); break;
            case 'f': kn_vstr_addc(out, '\f'); break;
            case 'n': kn_vstr_addc(out, '\n'); break;
            case 'r': kn_vstr_addc(out, '\r'); break;
            case 't': kn_vstr_addc(out, '\t'); break;
            case 'v': kn_vstr_addc(out, '\v'); break;
            case 'x': {
                int h1 = i + 1 < n ? hexval((uint8_t)s[i + 1]) : -1, h2 = i + 2 < n ? hexval((uint8_t)s[i + 2]) : -1;
                if (h1 < 0 || h2 < 0) kn_syntax_error(filename, line, "invalid \\x escape");
                if (bytes) kn_vstr_addc(out, (char)(h1 * 16 + h2));
                else add_utf8(out, (uint32_t)(h1 * 16 + h2));
                i += 2;
                break;
            }
            case 'u':
            case 'U': {
                if (bytes) {
                    kn_vstr_addc(out, '\\');
                    kn_vstr_addc(out, c);
                    break;
                }
                int nd = c == 'u' ? 4 : 8;
                uint32_t v = 0;
                for (int k = 0; k < nd; k++) {
                    int h = i + 1 < n ? hexval((uint8_t)s[i + 1]) : -1;
                    if (h < 0) kn_syntax_error(filename, line, "truncated \\uXXXX escape");
                    v = v * 16 + (uint32_t)h;
                    i++;
                }
                add_utf8(out, v);
                break;
            }
            case 'N':
                kn_syntax_error(filename, line, "\\N escapes not supported");
            default:
                if (c >= '0' && c <= '7') {
                    uint32_t v = 0;
                    int k = 0;
                    while (k < 3 && i < n && s[i] >= '0' && s[i] <= '7') {
                        v = v * 8 + (uint32_t)(s[i] - '0');
                        i++;
                        k++;
                    }
                    i--;
                    if (bytes) kn_vstr_addc(out, (char)v);
                    else add_utf8(out, v);
                } else {
                    kn_vstr_addc(out, '\\');
                    kn_vstr_addc(out, c);
                }
                break;
        }
    }
}

static void lex_number(kn_lexer_t *lx, kn_token_t *tok) {
    size_t start = lx->pos;
    bool is_float = false;
    int c = peek(lx, 0);
    if (c == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'X' || peek(lx, 1) == 'o' || peek(lx, 1) == 'O' ||
                     peek(lx, 1) == 'b' || peek(lx, 1) == 'B')) {
        lx->pos += 2;
        while (is_id_char(peek(lx, 0))) lx->pos++;
        kn_obj v = kn_int_parse(lx->src + start, lx->pos - start, 0, true);
        if (v == KN_NULL) error(lx, "invalid syntax");
        tok->kind = KN_TOK_INT;
        tok->value = v;
        return;
    }
    while ((c = peek(lx, 0)) >= 0) {
        if ((c >= '0' && c <= '9') || c == '_') {
            lx->pos++;
        } else if (c == '.' && !is_float) {
            is_float = true;
            lx->pos++;
        } else if ((c == 'e' || c == 'E') &&
                   ((peek(lx, 1) >= '0' && peek(lx, 1) <= '9') ||
                    ((peek(lx, 1) == '+' || peek(lx, 1) == '-') && peek(lx, 2) >= '0' && peek(lx, 2) <= '9'))) {
            is_float = true;
            lx->pos += 2;
            while ((c = peek(lx, 0)) >= 0 && ((c >= '0' && c <= '9') || c == '_')) lx->pos++;
            break;
        } else {
            break;
        }
    }
    size_t end = lx->pos;
    bool imag = false;
    if (peek(lx, 0) == 'j' || peek(lx, 0) == 'J') {
        imag = true;
        lx->pos++;
    }
    if (is_id_char(peek(lx, 0))) error(lx, "invalid decimal literal");
    if (is_float || imag) {
        kn_obj v = kn_float_parse(lx->src + start, end - start);
        if (v == KN_NULL) error(lx, "invalid float literal");
        tok->kind = imag ? KN_TOK_IMAG : KN_TOK_FLOAT;
        tok->value = v;
        return;
    }
    kn_obj v = kn_int_parse(lx->src + start, end - start, 0, true);
    if (v == KN_NULL) error(lx, "invalid decimal literal");
    tok->kind = KN_TOK_INT;
    tok->value = v;
}

static void lex_string(kn_lexer_t *lx, kn_token_t *tok, bool raw, bool bytes, bool fstr) {
    char q = (char)peek(lx, 0);
    bool triple = peek(lx, 1) == q && peek(lx, 2) == q;
    uint32_t start_line = lx->line;
    lx->pos += triple ? 3 : 1;
    size_t start = lx->pos;
    for (;;) {
        int c = peek(lx, 0);
        if (c < 0) {
            lx->line = start_line;
            error(lx, triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
        }
        if (c == '\\') {
            if (peek(lx, 1) == '\n') lx->line++;
            lx->pos += 2;
            continue;
        }
        if (c == '\n') {
            if (!triple) error(lx, "unterminated string literal");
            lx->line++;
        }
        if (c == q && (!triple || (peek(lx, 1) == q && peek(lx, 2) == q))) break;
        lx->pos++;
    }
    size_t end = lx->pos;
    lx->pos += triple ? 3 : 1;
    const char *s = lx->src + start;
    size_t n = end - start;
    if (fstr) {
        tok->kind = KN_TOK_FSTRING;
        tok->value = kn_str_new(s, n);
        tok->raw = raw;
        tok->line = start_line;
        return;
    }
    kn_vstr_t v;
    kn_vstr_init(&v, n + 1);
    if (raw) kn_vstr_add(&v, s, n);
    else kn_decode_escapes(&v, s, n, bytes, lx->filename, start_line);
    if (bytes) {
        for (size_t i = 0; i < n; i++) {
            if ((uint8_t)s[i] >= 0x80) error(lx, "bytes can only contain ASCII literal characters");
        }
        tok->kind = KN_TOK_BYTES;
        tok->value = kn_vstr_to_bytes(&v);
    } else {
        tok->kind = KN_TOK_STRING;
        tok->value = kn_vstr_to_str(&v);
    }
    tok->line = start_line;
}

/* Operators, longest first. */
static const struct { const char *text; uint8_t code; } ops[] = {
    {"**=", KN_P_DSTAR_EQ}, {"//=", KN_P_DSLASH_EQ}, {">>=", KN_P_RSHIFT_EQ}, {"<<=", KN_P_LSHIFT_EQ},
    {"...", KN_P_ELLIPSIS}, {"->", KN_P_ARROW},      {":=", KN_P_WALRUS},     {"**", KN_P_DSTAR},
    {"//", KN_P_DSLASH},    {"<<", KN_P_LSHIFT},     {">>", KN_P_RSHIFT},     {"<=", KN_P_LE},
    {">=", KN_P_GE},        {"==", KN_P_EQ},         {"!=", KN_P_NE},         {"+=", KN_P_PLUS_EQ},
    {"-=", KN_P_MINUS_EQ},  {"*=", KN_P_STAR_EQ},    {"/=", KN_P_SLASH_EQ},   {"%=", KN_P_PERCENT_EQ},
    {"&=", KN_P_AMP_EQ},    {"|=", KN_P_PIPE_EQ},    {"^=", KN_P_CARET_EQ},   {"@=", KN_P_AT_EQ},
    {"(", KN_P_LPAR},       {")", KN_P_RPAR},        {"[", KN_P_LSQB},        {"]", KN_P_RSQB},
    {"{", KN_P_LBRACE},     {"}", KN_P_RBRACE},      {",", KN_P_COMMA},       {":", KN_P_COLON},
    {";", KN_P_SEMI},       {".", KN_P_DOT},         {"@", KN_P_AT},          {"=", KN_P_ASSIGN},
    {"~", KN_P_TILDE},      {"+", KN_P_PLUS},        {"-", KN_P_MINUS},       {"*", KN_P_STAR},
    {"/", KN_P_SLASH},      {"%", KN_P_PERCENT},     {"&", KN_P_AMP},         {"|", KN_P_PIPE},
    {"^", KN_P_CARET},      {"<", KN_P_LT},          {">", KN_P_GT},
};

void kn_lexer_next(kn_lexer_t *lx, kn_token_t *tok) {
    tok->value = KN_NULL;
    tok->raw = 0;
    if (lx->pending_dedents > 0) {
        lx->pending_dedents--;
        tok->kind = KN_TOK_DEDENT;
        tok->line = lx->line;
        return;
    }
    for (;;) {
        if (lx->at_line_start && lx->paren == 0) {
            /* Measure indentation; skip blank and comment-only lines. */
            unsigned col = 0;
            size_t p = lx->pos;
            while (p < lx->len && (lx->src[p] == ' ' || lx->src[p] == '\t' || lx->src[p] == '\f')) {
                col = lx->src[p] == '\t' ? (col / 8 + 1) * 8 : lx->src[p] == ' ' ? col + 1 : 0;
                p++;
            }
            if (p < lx->len && (lx->src[p] == '\n' || lx->src[p] == '#' || lx->src[p] == '\r')) {
                while (p < lx->len && lx->src[p] != '\n') p++;
                if (p < lx->len) {
                    lx->pos = p + 1;
                    lx->line++;
                    continue;
                }
                lx->pos = p;
            } else if (p < lx->len && lx->src[p] == '\\' && p + 1 < lx->len && lx->src[p + 1] == '\n') {
                lx->pos = p;
            } else if (p >= lx->len) {
                lx->pos = p;
            } else {
                lx->pos = p;
                lx->at_line_start = false;
                unsigned top = lx->indents[lx->nindent - 1];
                if (col > top) {
                    if (lx->nindent >= KILN_MAX_INDENT) error(lx, "too many levels of indentation");
                    lx->indents[lx->nindent++] = (uint16_t)col;
                    tok->kind = KN_TOK_INDENT;
                    tok->line = lx->line;
                    return;
                }
                if (col < top) {
                    int n = 0;
                    while (lx->nindent > 1 && lx->indents[lx->nindent - 1] > col) {
                        lx->nindent--;
                        n++;
                    }
                    if (lx->indents[lx->nindent - 1] != col) {
                        error(lx, "unindent does not match any outer indentation level");
                    }
                    lx->pending_dedents = n - 1;
                    tok->kind = KN_TOK_DEDENT;
                    tok->line = lx->line;
                    return;
                }
            }
        }
        int c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            lx->pos++;
            continue;
        }
        if (c == '#') {
            while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n') lx->pos++;
            continue;
        }
        if (c == '\\') {
            if (peek(lx, 1) == '\n') {
                lx->pos += 2;
                lx->line++;
                continue;
            }
            if (peek(lx, 1) == '\r' && peek(lx, 2) == '\n') {
                lx->pos += 3;
                lx->line++;
                continue;
            }
            error(lx, "unexpected character after line continuation character");
        }
        tok->line = lx->line;
        tok->col = (uint32_t)(lx->pos - lx->line_start);
        if (c == '\n') {
            lx->pos++;
            lx->line++;
            lx->line_start = lx->pos;
            if (lx->paren > 0) continue;
            lx->at_line_start = true;
            if (!lx->emitted_on_line) continue;
            lx->emitted_on_line = false;
            tok->kind = KN_TOK_NEWLINE;
            return;
        }
        if (c < 0) {
            if (lx->emitted_on_line) {
                lx->emitted_on_line = false;
                tok->kind = KN_TOK_NEWLINE;
                return;
            }
            if (lx->nindent > 1) {
                lx->nindent--;
                tok->kind = KN_TOK_DEDENT;
                return;
            }
            tok->kind = KN_TOK_EOF;
            return;
        }
        lx->emitted_on_line = true;
        if (c >= '0' && c <= '9') {
            lex_number(lx, tok);
            return;
        }
        if (c == '.' && peek(lx, 1) >= '0' && peek(lx, 1) <= '9') {
            lex_number(lx, tok);
            return;
        }
        if (is_id_start(c)) {
            /* String prefixes: r b f u and pairs. */
            size_t p = lx->pos;
            bool raw = false, bytes = false, fstr = false;
            int k = 0;
            while (k < 2 && p < lx->len) {
                char ch = (char)(lx->src[p] | 0x20);
                if (ch == 'r' && !raw) raw = true;
                else if (ch == 'b' && !bytes && !fstr) bytes = true;
                else if (ch == 'f' && !fstr && !bytes) fstr = true;
                else if (ch == 'u' && k == 0) { /* u'' is plain */ }
                else break;
                p++;
                k++;
                if (p < lx->len && (lx->src[p] == '\'' || lx->src[p] == '"')) {
                    lx->pos = p;
                    lex_string(lx, tok, raw, bytes, fstr);
                    return;
                }
            }
            size_t start = lx->pos;
            while (is_id_char(peek(lx, 0))) lx->pos++;
            tok->kind = KN_TOK_NAME;
            tok->value = kn_intern(lx->src + start, lx->pos - start);
            return;
        }
        if (c == '\'' || c == '"') {
            lex_string(lx, tok, false, false, false);
            return;
        }
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
            size_t n = strlen(ops[i].text);
            if (lx->pos + n <= lx->len && memcmp(lx->src + lx->pos, ops[i].text, n) == 0) {
                lx->pos += n;
                tok->kind = KN_TOK_OP;
                tok->op = ops[i].code;
                if (tok->op == KN_P_LPAR || tok->op == KN_P_LSQB || tok->op == KN_P_LBRACE) lx->paren++;
                if ((tok->op == KN_P_RPAR || tok->op == KN_P_RSQB || tok->op == KN_P_RBRACE) && lx->paren > 0) lx->paren--;
                return;
            }
        }
        error(lx, "invalid character in identifier");
    }
}
