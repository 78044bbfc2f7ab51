/* lexer.h: tokens and the tokenizer state (indentation, brackets, literals). */
#ifndef KILN_LEXER_H
#define KILN_LEXER_H

#include "state.h"

enum {
    KN_TOK_EOF, KN_TOK_NEWLINE, KN_TOK_INDENT, KN_TOK_DEDENT, KN_TOK_NAME, KN_TOK_INT, KN_TOK_FLOAT,
    KN_TOK_IMAG, KN_TOK_STRING, KN_TOK_BYTES, KN_TOK_FSTRING, KN_TOK_OP
};

/* Operator codes for KN_TOK_OP. */
enum {
    KN_P_LPAR, KN_P_RPAR, KN_P_LSQB, KN_P_RSQB, KN_P_LBRACE, KN_P_RBRACE, KN_P_COMMA, KN_P_COLON, KN_P_SEMI,
    KN_P_DOT, KN_P_ELLIPSIS, KN_P_AT, KN_P_ASSIGN, KN_P_ARROW, KN_P_WALRUS, KN_P_TILDE,
    /* binary operators in KN_OP_* order, then their augmented forms */
    KN_P_PLUS, KN_P_MINUS, KN_P_STAR, KN_P_SLASH, KN_P_DSLASH, KN_P_PERCENT, KN_P_DSTAR, KN_P_MATMUL_UNUSED,
    KN_P_LSHIFT, KN_P_RSHIFT, KN_P_AMP, KN_P_PIPE, KN_P_CARET,
    KN_P_PLUS_EQ, KN_P_MINUS_EQ, KN_P_STAR_EQ, KN_P_SLASH_EQ, KN_P_DSLASH_EQ, KN_P_PERCENT_EQ, KN_P_DSTAR_EQ,
    KN_P_AT_EQ, KN_P_LSHIFT_EQ, KN_P_RSHIFT_EQ, KN_P_AMP_EQ, KN_P_PIPE_EQ, KN_P_CARET_EQ,
    KN_P_LT, KN_P_LE, KN_P_EQ, KN_P_NE, KN_P_GT, KN_P_GE
};

typedef struct {
    int kind;
    int op;
    kn_obj value;   /* name (interned), number, or string contents */
    int raw;        /* f-string: raw prefix given */
    uint32_t line;
    uint32_t col;
} kn_token_t;

typedef struct {
    const char *src;
    size_t len;
    size_t pos;
    uint32_t line;
    size_t line_start;
    int paren;
    int nindent;
    int pending_dedents;
    bool at_line_start;
    bool emitted_on_line;
    bool done_final_newline;
    kn_obj filename;
    uint16_t indents[KILN_MAX_INDENT];
} kn_lexer_t;

void kn_lexer_init(kn_lexer_t *lx, const char *src, size_t len, kn_obj filename, uint32_t first_line);
void kn_lexer_next(kn_lexer_t *lx, kn_token_t *tok);
void kn_syntax_error(kn_obj filename, uint32_t line, const char *msg) __attribute__((noreturn));
void kn_decode_escapes(kn_vstr_t *out, const char *s, size_t n, bool bytes, kn_obj filename, uint32_t line);

#endif
