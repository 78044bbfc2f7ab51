/* parse.h: the parse tree: small GC-allocated nodes built by parse.c and consumed by compile.c. */
#ifndef KILN_PARSE_H
#define KILN_PARSE_H

#include "lexer.h"

enum {
    /* expressions */
    KN_N_NAME, KN_N_CONST, KN_N_TUPLE, KN_N_LIST, KN_N_SET, KN_N_DICT, KN_N_BINOP, KN_N_UNARY, KN_N_BOOLOP,
    KN_N_COMPARE, KN_N_CALL, KN_N_KEYWORD, KN_N_ATTR, KN_N_SUBSCR, KN_N_SLICE, KN_N_IFEXP, KN_N_LAMBDA,
    KN_N_LISTCOMP, KN_N_SETCOMP, KN_N_GENEXP, KN_N_DICTCOMP, KN_N_COMPFOR, KN_N_YIELD, KN_N_YIELDFROM,
    KN_N_STARRED, KN_N_JOINEDSTR, KN_N_FORMATTED, KN_N_NAMEDEXPR, KN_N_AWAIT,
    /* statements */
    KN_N_EXPR, KN_N_ASSIGN, KN_N_AUGASSIGN, KN_N_ANNASSIGN, KN_N_DEL, KN_N_PASS, KN_N_BREAK, KN_N_CONTINUE,
    KN_N_RETURN, KN_N_RAISE, KN_N_GLOBAL, KN_N_NONLOCAL, KN_N_IF, KN_N_WHILE, KN_N_FOR, KN_N_TRY, KN_N_HANDLER,
    KN_N_WITH, KN_N_WITHITEM, KN_N_FUNCDEF, KN_N_CLASSDEF, KN_N_IMPORT, KN_N_IMPORTFROM, KN_N_ALIAS, KN_N_ASSERT,
    KN_N_ARGS, KN_N_MODULE
};

/* Comparison operators in compare nodes (beyond KN_OP_LT..KN_OP_GE). */
enum { KN_CMP_IN = 100, KN_CMP_NOT_IN, KN_CMP_IS, KN_CMP_IS_NOT };

typedef struct {
    kn_base_t base;
    uint16_t kind;
    uint16_t n;
    uint32_t line;
    kn_obj k[];
} kn_node_t;

#define KN_NODE(o) ((kn_node_t *)(o))
#define KN_IS_NODE(o) (!KN_IS_SMALL(o) && (o) != KN_NULL && ((kn_base_t *)(o))->type == &kn_type_node)

extern const kn_type_t kn_type_node;

kn_obj kn_parse(const char *src, size_t len, kn_obj filename, int mode);
kn_obj kn_node_new(int kind, uint32_t line, int n, ...);
/* async def/for/with and async comprehension clauses carry one extra trailing child, kn_true. */
#define KN_NODE_IS_ASYNC(nd, idx) ((nd)->n > (idx) && (nd)->k[idx] == kn_true)

#endif
