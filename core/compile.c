/* compile.c: scope analysis and bytecode generation from the parse tree. */
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "native.h"
#include "vm.h"

/* ---------------- scopes ---------------- */

enum { SC_MODULE, SC_CLASS, SC_FUNCTION };
#define S_ASSIGNED 0x01
#define S_PARAM 0x02
#define S_GLOBAL 0x04
#define S_NONLOCAL 0x08
#define S_USED 0x10
#define S_CELL 0x20
#define S_FREE 0x40
#define S_IMPLICIT_GLOBAL 0x80

typedef struct scope {
    kn_base_t base;
    struct scope *parent;
    kn_obj syms;     /* name -> flags */
    kn_obj varnames; /* fast locals, parameters first */
    kn_obj cellvars;
    kn_obj freevars;
    kn_obj children; /* node -> scope */
    kn_obj name;
    int kind;
    int nargs, nkwonly, nposonly, flags;
    bool generator;
    bool is_comp;
    bool coroutine; /* async def, or a comprehension that awaits */
} scope_t;

static const kn_type_t scope_type = {
    .base = {&kn_type_type},
    .name = KN_Q(scope),
    .base_type = &kn_type_object,
};

typedef struct {
    kn_obj filename;
    kn_obj scopes; /* node -> scope */
    kn_obj consts; /* list: the constants of every code object of this source; [0] is the file name */
    kn_obj names;  /* list: the names of every code object of this source */
    kn_obj codes;  /* list: the code objects made so far (they get the tuples of consts and names at the end) */
    kn_obj str_consts, int_consts; /* dicts: str / int constant -> its index in consts (equal ones share one) */
    kn_obj name_indices;           /* dict: name -> its index in names */
} analysis_t;

static void cerror(kn_obj filename, uint32_t line, const char *msg) __attribute__((noreturn));
static void cerror(kn_obj filename, uint32_t line, const char *msg) {
    kn_syntax_error(filename, line, msg);
}

static scope_t *scope_new(int kind, scope_t *parent, kn_obj name) {
    scope_t *s = kn_alloc(sizeof(scope_t));
    s->base.type = &scope_type;
    s->kind = kind;
    s->parent = parent;
    s->syms = kn_dict_new(8);
    s->varnames = kn_list_new(0, NULL);
    s->cellvars = kn_list_new(0, NULL);
    s->freevars = kn_list_new(0, NULL);
    s->name = name;
    return s;
}

static int sym_get(scope_t *s, kn_obj name) {
    kn_obj v = kn_dict_get_q(s->syms, name);
    return v == KN_NULL ? 0 : (int)KN_SMALL(v);
}

static void sym_add(scope_t *s, kn_obj name, int flags) {
    kn_dict_set(s->syms, name, KN_MKSMALL(sym_get(s, name) | flags));
}

static bool list_has(kn_obj list, kn_obj v) {
    kn_list_t *l = KN_PTR(list);
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i] == v) return true;
    }
    return false;
}

static int list_index(kn_obj list, kn_obj v) {
    kn_list_t *l = KN_PTR(list);
    for (size_t i = 0; i < l->len; i++) {
        if (l->items[i] == v) return (int)i;
    }
    return -1;
}

#define LLEN(l) (((kn_list_t *)KN_PTR(l))->len)
#define LITEM(l, i) (((kn_list_t *)KN_PTR(l))->items[i])
#define NK(n) (KN_NODE(n)->kind)
#define NC(n, i) (KN_NODE(n)->k[i])
#define NLINE(n) (KN_NODE(n)->line)

static void an_expr(analysis_t *a, scope_t *s, kn_obj e);
static void an_stmts(analysis_t *a, scope_t *s, kn_obj list);

static void an_target(analysis_t *a, scope_t *s, kn_obj t) {
    switch (NK(t)) {
        case KN_N_NAME: sym_add(s, NC(t, 0), S_ASSIGNED); break;
        case KN_N_TUPLE:
        case KN_N_LIST:
            for (size_t i = 0; i < LLEN(NC(t, 0)); i++) an_target(a, s, LITEM(NC(t, 0), i));
            break;
        case KN_N_STARRED: an_target(a, s, NC(t, 0)); break;
        case KN_N_ATTR: an_expr(a, s, NC(t, 0)); break;
        case KN_N_SUBSCR: an_expr(a, s, NC(t, 0)); an_expr(a, s, NC(t, 1)); break;
        default: an_expr(a, s, t); break;
    }
}

static void an_list(analysis_t *a, scope_t *s, kn_obj list) {
    for (size_t i = 0; i < LLEN(list); i++) {
        kn_obj e = LITEM(list, i);
        if (e != kn_none && KN_IS_NODE(e)) an_expr(a, s, e);
    }
}

static void an_args_defaults(analysis_t *a, scope_t *s, kn_obj args) {
    an_list(a, s, NC(args, 1));
    an_list(a, s, NC(args, 4));
}

static scope_t *an_function(analysis_t *a, scope_t *s, kn_obj node, kn_obj name, kn_obj args, bool lambda_body, kn_obj body) {
    scope_t *c = scope_new(SC_FUNCTION, s, name);
    kn_dict_set(a->scopes, node, KN_OBJ(c));
    kn_obj names = NC(args, 0), kwonly = NC(args, 3);
    for (size_t i = 0; i < LLEN(names); i++) {
        sym_add(c, LITEM(names, i), S_PARAM | S_ASSIGNED);
        kn_list_append(c->varnames, LITEM(names, i));
    }
    for (size_t i = 0; i < LLEN(kwonly); i++) {
        sym_add(c, LITEM(kwonly, i), S_PARAM | S_ASSIGNED);
        kn_list_append(c->varnames, LITEM(kwonly, i));
    }
    c->nargs = (int)LLEN(names);
    c->nkwonly = (int)LLEN(kwonly);
    c->nposonly = (int)KN_SMALL(NC(args, 6));
    if (NC(args, 2) != kn_none) {
        sym_add(c, NC(args, 2), S_PARAM | S_ASSIGNED);
        kn_list_append(c->varnames, NC(args, 2));
        c->flags |= KN_CODE_VARARGS;
    }
    if (NC(args, 5) != kn_none) {
        sym_add(c, NC(args, 5), S_PARAM | S_ASSIGNED);
        kn_list_append(c->varnames, NC(args, 5));
        c->flags |= KN_CODE_VARKW;
    }
    if (NK(node) == KN_N_FUNCDEF && KN_NODE_IS_ASYNC(KN_NODE(node), 5)) c->coroutine = true;
    if (lambda_body) an_expr(a, c, body);
    else an_stmts(a, c, body);
    return c;
}

/* await / async for / async with / async comprehension in scope s: s (through any enclosing
   comprehensions) must be an async function; the comprehensions in between become coroutines.
   A generator expression on the way becomes an async generator, which needs no async caller. */
static void an_async_use(analysis_t *a, scope_t *s, uint32_t line, const char *msg) {
    scope_t *t = s;
    bool in_comp = false;
    while (t->is_comp && t->parent != NULL) {
        in_comp = true;
        t->coroutine = true;
        if (t->generator) return;
        t = t->parent;
    }
    if (!t->coroutine) {
        if (in_comp) cerror(a->filename, line, "asynchronous comprehension outside of an asynchronous function");
        cerror(a->filename, line, msg != NULL ? msg : t->kind == SC_FUNCTION ? "'await' outside async function" : "'await' outside function");
    }
}

static void an_comprehension(analysis_t *a, scope_t *s, kn_obj node) {
    kn_obj gens = NC(node, 1);
    kn_obj first = LITEM(gens, 0);
    an_expr(a, s, NC(first, 1)); /* first iterable: evaluated in the enclosing scope */
    scope_t *c = scope_new(SC_FUNCTION, s, NK(node) == KN_N_GENEXP ? KN_Q(lt_genexpr) : NK(node) == KN_N_LISTCOMP ? KN_Q(lt_listcomp) : NK(node) == KN_N_SETCOMP ? KN_Q(lt_setcomp) : KN_Q(lt_dictcomp));
    c->is_comp = true;
    kn_dict_set(a->scopes, node, KN_OBJ(c));
    sym_add(c, KN_Q(dot0), S_PARAM | S_ASSIGNED);
    kn_list_append(c->varnames, KN_Q(dot0));
    c->nargs = 1;
    if (NK(node) == KN_N_GENEXP) c->generator = true;
    for (size_t i = 0; i < LLEN(gens); i++) {
        kn_obj g = LITEM(gens, i);
        if (KN_NODE_IS_ASYNC(KN_NODE(g), 3)) an_async_use(a, c, NLINE(g), NULL);
        if (i > 0) an_expr(a, c, NC(g, 1));
        an_target(a, c, NC(g, 0));
        an_list(a, c, NC(g, 2));
    }
    an_expr(a, c, NC(node, 0));
    if (NK(node) == KN_N_DICTCOMP) an_expr(a, c, NC(node, 2));
}

static void an_expr(analysis_t *a, scope_t *s, kn_obj e) {
    if (e == kn_none || !KN_IS_NODE(e)) return;
    kn_node_t *n = KN_NODE(e);
    switch (n->kind) {
        case KN_N_NAME:
            sym_add(s, n->k[0], S_USED);
            if (n->k[0] == KN_Q(super) && s->kind == SC_FUNCTION) sym_add(s, KN_Q(__class__), S_USED);
            break;
        case KN_N_CONST: break;
        case KN_N_TUPLE: case KN_N_LIST: case KN_N_SET: case KN_N_JOINEDSTR:
            an_list(a, s, n->k[0]);
            break;
        case KN_N_DICT:
            an_list(a, s, n->k[0]);
            an_list(a, s, n->k[1]);
            break;
        case KN_N_BINOP: an_expr(a, s, n->k[1]); an_expr(a, s, n->k[2]); break;
        case KN_N_UNARY: an_expr(a, s, n->k[1]); break;
        case KN_N_BOOLOP: an_list(a, s, n->k[1]); break;
        case KN_N_COMPARE: an_expr(a, s, n->k[0]); an_list(a, s, n->k[2]); break;
        case KN_N_CALL:
            an_expr(a, s, n->k[0]);
            an_list(a, s, n->k[1]);
            for (size_t i = 0; i < LLEN(n->k[2]); i++) an_expr(a, s, NC(LITEM(n->k[2], i), 1));
            break;
        case KN_N_ATTR: an_expr(a, s, n->k[0]); break;
        case KN_N_SUBSCR: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[1]); break;
        case KN_N_SLICE: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[1]); an_expr(a, s, n->k[2]); break;
        case KN_N_IFEXP: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[1]); an_expr(a, s, n->k[2]); break;
        case KN_N_LAMBDA:
            an_args_defaults(a, s, n->k[0]);
            an_function(a, s, e, KN_Q(lt_lambda), n->k[0], true, n->k[1]);
            break;
        case KN_N_LISTCOMP: case KN_N_SETCOMP: case KN_N_GENEXP: case KN_N_DICTCOMP:
            an_comprehension(a, s, e);
            break;
        case KN_N_YIELD: case KN_N_YIELDFROM:
            if (s->kind != SC_FUNCTION) cerror(a->filename, n->line, "'yield' outside function");
            if (n->kind == KN_N_YIELDFROM && s->coroutine) cerror(a->filename, n->line, "'yield from' inside async function");
            s->generator = true;
            an_expr(a, s, n->k[0]);
            break;
        case KN_N_STARRED: an_expr(a, s, n->k[0]); break;
        case KN_N_AWAIT:
            an_async_use(a, s, n->line, NULL);
            an_expr(a, s, n->k[0]);
            break;
        case KN_N_FORMATTED: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[2]); break;
        case KN_N_NAMEDEXPR: {
            /* The target binds in the nearest non-comprehension scope. */
            scope_t *t = s;
            while (t->is_comp && t->parent != NULL) t = t->parent;
            sym_add(t, NC(n->k[0], 0), S_ASSIGNED);
            if (t != s) sym_add(s, NC(n->k[0], 0), S_USED);
            an_expr(a, s, n->k[1]);
            break;
        }
        default: break;
    }
}

static void an_stmt(analysis_t *a, scope_t *s, kn_obj st) {
    kn_node_t *n = KN_NODE(st);
    switch (n->kind) {
        case KN_N_EXPR: an_expr(a, s, n->k[0]); break;
        case KN_N_ASSIGN:
            an_expr(a, s, n->k[1]);
            for (size_t i = 0; i < LLEN(n->k[0]); i++) an_target(a, s, LITEM(n->k[0], i));
            break;
        case KN_N_AUGASSIGN:
            an_expr(a, s, n->k[2]);
            if (NK(n->k[0]) == KN_N_NAME) sym_add(s, NC(n->k[0], 0), S_USED | S_ASSIGNED);
            else an_target(a, s, n->k[0]);
            break;
        case KN_N_ANNASSIGN:
            an_expr(a, s, n->k[1]);
            if (n->k[2] != kn_none) {
                an_expr(a, s, n->k[2]);
                an_target(a, s, n->k[0]);
            } else if (NK(n->k[0]) == KN_N_NAME) {
                sym_add(s, NC(n->k[0], 0), S_ASSIGNED);
            }
            break;
        case KN_N_DEL:
            for (size_t i = 0; i < LLEN(n->k[0]); i++) an_target(a, s, LITEM(n->k[0], i));
            break;
        case KN_N_RETURN:
            if (s->kind != SC_FUNCTION) cerror(a->filename, n->line, "'return' outside function");
            an_expr(a, s, n->k[0]);
            break;
        case KN_N_RAISE: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[1]); break;
        case KN_N_GLOBAL:
        case KN_N_NONLOCAL:
            for (size_t i = 0; i < LLEN(n->k[0]); i++) {
                kn_obj name = LITEM(n->k[0], i);
                int f = sym_get(s, name);
                if (f & (S_ASSIGNED | S_USED)) {
                    cerror(a->filename, n->line, n->kind == KN_N_GLOBAL ? "name is used prior to global declaration"
                                                                        : "name is used prior to nonlocal declaration");
                }
                if (n->kind == KN_N_NONLOCAL && s->kind != SC_FUNCTION) {
                    cerror(a->filename, n->line, "nonlocal declaration not allowed at module level");
                }
                sym_add(s, name, n->kind == KN_N_GLOBAL ? S_GLOBAL : S_NONLOCAL);
            }
            break;
        case KN_N_IF:
        case KN_N_WHILE:
            an_expr(a, s, n->k[0]);
            an_stmts(a, s, n->k[1]);
            an_stmts(a, s, n->k[2]);
            break;
        case KN_N_FOR:
            if (KN_NODE_IS_ASYNC(n, 4)) an_async_use(a, s, n->line, "'async for' outside async function");
            an_expr(a, s, n->k[1]);
            an_target(a, s, n->k[0]);
            an_stmts(a, s, n->k[2]);
            an_stmts(a, s, n->k[3]);
            break;
        case KN_N_TRY:
            an_stmts(a, s, n->k[0]);
            for (size_t i = 0; i < LLEN(n->k[1]); i++) {
                kn_obj h = LITEM(n->k[1], i);
                an_expr(a, s, NC(h, 0));
                if (NC(h, 1) != kn_none) sym_add(s, NC(h, 1), S_ASSIGNED);
                an_stmts(a, s, NC(h, 2));
            }
            an_stmts(a, s, n->k[2]);
            an_stmts(a, s, n->k[3]);
            break;
        case KN_N_WITH:
            if (KN_NODE_IS_ASYNC(n, 2)) an_async_use(a, s, n->line, "'async with' outside async function");
            for (size_t i = 0; i < LLEN(n->k[0]); i++) {
                kn_obj it = LITEM(n->k[0], i);
                an_expr(a, s, NC(it, 0));
                if (NC(it, 1) != kn_none) an_target(a, s, NC(it, 1));
            }
            an_stmts(a, s, n->k[1]);
            break;
        case KN_N_FUNCDEF:
            an_list(a, s, n->k[3]);
            an_args_defaults(a, s, n->k[1]);
            sym_add(s, n->k[0], S_ASSIGNED);
            an_function(a, s, st, n->k[0], n->k[1], false, n->k[2]);
            break;
        case KN_N_CLASSDEF: {
            an_list(a, s, n->k[3]);
            if (n->k[1] != kn_none) {
                an_list(a, s, NC(n->k[1], 1));
                for (size_t i = 0; i < LLEN(NC(n->k[1], 2)); i++) an_expr(a, s, NC(LITEM(NC(n->k[1], 2), i), 1));
            }
            sym_add(s, n->k[0], S_ASSIGNED);
            scope_t *c = scope_new(SC_CLASS, s, n->k[0]);
            kn_dict_set(a->scopes, st, KN_OBJ(c));
            an_stmts(a, c, n->k[2]);
            break;
        }
        case KN_N_IMPORT:
            for (size_t i = 0; i < LLEN(n->k[0]); i++) {
                kn_obj al = LITEM(n->k[0], i);
                kn_obj name = NC(al, 1);
                if (name == kn_none) {
                    const char *d = kn_str_data(NC(al, 0));
                    const char *dot = strchr(d, '.');
                    name = dot ? kn_intern(d, (size_t)(dot - d)) : NC(al, 0);
                }
                sym_add(s, name, S_ASSIGNED);
            }
            break;
        case KN_N_IMPORTFROM:
            for (size_t i = 0; i < LLEN(n->k[1]); i++) {
                kn_obj al = LITEM(n->k[1], i);
                if (NC(al, 0) == KN_Q(_star_)) continue;
                sym_add(s, NC(al, 1) != kn_none ? NC(al, 1) : NC(al, 0), S_ASSIGNED);
            }
            break;
        case KN_N_ASSERT: an_expr(a, s, n->k[0]); an_expr(a, s, n->k[1]); break;
        default: break;
    }
}

static void an_stmts(analysis_t *a, scope_t *s, kn_obj list) {
    for (size_t i = 0; i < LLEN(list); i++) an_stmt(a, s, LITEM(list, i));
}

/* Marks name as a cell in the scope that binds it and free in every scope between. */
static bool resolve_free(scope_t *s, kn_obj name) {
    for (scope_t *p = s->parent; p != NULL; p = p->parent) {
        if (p->kind == SC_MODULE) return false;
        if (p->kind == SC_CLASS && name != KN_Q(__class__)) continue;
        int f = sym_get(p, name);
        if (p->kind == SC_CLASS) {
            /* the implicit __class__ cell of a class body */
            sym_add(p, name, S_CELL);
            if (!list_has(p->cellvars, name)) kn_list_append(p->cellvars, name);
        } else if (f & S_GLOBAL) {
            return false;
        } else if ((f & (S_ASSIGNED | S_PARAM)) && !(f & S_NONLOCAL)) {
            sym_add(p, name, S_CELL);
            if (!list_has(p->cellvars, name)) kn_list_append(p->cellvars, name);
        } else {
            continue;
        }
        /* pass-through frees between */
        for (scope_t *q = s; q != p; q = q->parent) {
            sym_add(q, name, S_FREE);
            if (!list_has(q->freevars, name)) kn_list_append(q->freevars, name);
        }
        return true;
    }
    return false;
}

static void resolve(analysis_t *a, scope_t *s) {
    kn_dict_t *d = KN_PTR(s->syms);
    for (uint32_t i = 0; i < d->used; i++) {
        kn_obj name = d->entries[i].key;
        if (name == KN_NULL) continue;
        int f = (int)KN_SMALL(d->entries[i].value);
        if (f & S_GLOBAL) continue;
        if (s->kind == SC_MODULE) continue;
        if (f & S_NONLOCAL) {
            if (!resolve_free(s, name)) cerror(a->filename, 0, "no binding for nonlocal found");
            continue;
        }
        if (f & (S_ASSIGNED | S_PARAM)) {
            if (s->kind == SC_FUNCTION && !list_has(s->varnames, name)) kn_list_append(s->varnames, name);
            continue;
        }
        if (f & S_FREE) continue;
        if (!resolve_free(s, name)) sym_add(s, name, S_IMPLICIT_GLOBAL);
    }
}

static void resolve_all(analysis_t *a) {
    /* Parents before children: scopes were registered in source order, parents first. */
    kn_dict_t *d = KN_PTR(a->scopes);
    for (uint32_t i = 0; i < d->used; i++) {
        if (d->entries[i].key != KN_NULL) resolve(a, KN_PTR(d->entries[i].value));
    }
}

/* ---------------- code generation ---------------- */

enum { FB_LOOP, FB_FOR, FB_TRY_EXCEPT, FB_FINALLY_TRY, FB_HANDLER, FB_WITH, FB_POPVALUE, FB_ASYNC_WITH };

typedef struct {
    int kind;
    size_t continue_target;
    kn_obj breaks;    /* list of patch positions */
    kn_obj finalbody; /* statements for FB_FINALLY_TRY */
} fblock_t;

#define MAX_FBLOCKS 24

typedef struct comp {
    analysis_t *a;
    scope_t *sc;
    int mode;
    kn_vstr_t code;
    kn_vstr_t lines;
    uint32_t last_line;
    size_t last_line_off;
    uint32_t first_line;
    kn_obj consts;
    kn_obj names;
    int depth, maxdepth;
    int nblocks, maxblocks;
    int nfb;
    kn_obj class_name; /* innermost enclosing class, for __private name mangling */
    fblock_t fb[MAX_FBLOCKS];
} comp_t;

static void c_stmts(comp_t *c, kn_obj list);
static void c_expr(comp_t *c, kn_obj e);
static kn_obj c_code_for(comp_t *parent, scope_t *s, kn_obj node, kn_obj body, bool lambda_body);

static void adjust(comp_t *c, int delta) {
    c->depth += delta;
    if (c->depth > c->maxdepth) c->maxdepth = c->depth;
}

static void set_line(comp_t *c, uint32_t line) {
    if (line == 0 || line == c->last_line) return;
    size_t off = c->code.len - c->last_line_off;
    int32_t dl = (int32_t)line - (int32_t)c->last_line;
    while (off > 255) {
        kn_vstr_addc(&c->lines, (char)255);
        kn_vstr_addc(&c->lines, 0);
        off -= 255;
    }
    while (dl > 127 || dl < -127) {
        int step = dl > 0 ? 127 : -127;
        kn_vstr_addc(&c->lines, (char)off);
        kn_vstr_addc(&c->lines, (char)(int8_t)step);
        off = 0;
        dl -= step;
    }
    kn_vstr_addc(&c->lines, (char)off);
    kn_vstr_addc(&c->lines, (char)(int8_t)dl);
    c->last_line = line;
    c->last_line_off = c->code.len;
}

static void emit(comp_t *c, int op, int delta) {
    kn_vstr_addc(&c->code, (char)op);
    adjust(c, delta);
}

static void emit_arg(comp_t *c, int op, unsigned arg, int delta) {
    if (arg > 0xffff) cerror(c->a->filename, c->last_line, "too many constants, names or items in one module");
    kn_vstr_addc(&c->code, (char)op);
    kn_vstr_addc(&c->code, (char)(arg & 0xff));
    kn_vstr_addc(&c->code, (char)(arg >> 8));
    adjust(c, delta);
}

static size_t emit_jump(comp_t *c, int op, int delta) {
    emit_arg(c, op, 0, delta);
    return c->code.len - 2;
}

static void patch_to(comp_t *c, size_t pos, size_t target) {
    if (target > 0xffff) cerror(c->a->filename, c->last_line, "function too large");
    c->code.buf[pos] = (char)(target & 0xff);
    c->code.buf[pos + 1] = (char)(target >> 8);
}

static void patch_here(comp_t *c, size_t pos) {
    patch_to(c, pos, c->code.len);
}

/* Constants are numbered for the whole source, so the lookup is a dict, not a scan: equal strs and
   equal ints share an index (ints apart from bools and floats: 1, True and 1.0 stay three constants);
   other objects are each a constant of their own, except the singletons. */
static unsigned const_index(comp_t *c, kn_obj v) {
    kn_list_t *l = KN_PTR(c->consts);
    const kn_type_t *t = kn_typeof(v);
    kn_obj index = t == &kn_type_str ? c->a->str_consts : t == &kn_type_int ? c->a->int_consts : KN_NULL;
    if (index != KN_NULL) {
        kn_obj i = kn_dict_get(index, v);
        if (i != KN_NULL) return (unsigned)KN_SMALL(i);
        kn_dict_set(index, v, KN_MKSMALL((kn_int_t)l->len));
    } else if (v == kn_none || v == kn_true || v == kn_false || v == kn_ellipsis) {
        for (size_t i = 0; i < l->len; i++) {
            if (l->items[i] == v) return (unsigned)i;
        }
    }
    kn_list_append(c->consts, v);
    return (unsigned)(l->len - 1);
}

/* __name inside a class body becomes _Class__name (not dunder names). */
static kn_obj mangle(comp_t *c, kn_obj name) {
    if (c->class_name == KN_NULL) return name;
    const char *s = kn_str_data(name);
    size_t n = kn_str_len(name);
    if (n < 3 || s[0] != '_' || s[1] != '_' || (s[n - 1] == '_' && s[n - 2] == '_') || memchr(s, '.', n)) return name;
    const char *cn = kn_str_data(c->class_name);
    size_t cl = kn_str_len(c->class_name);
    while (cl > 0 && *cn == '_') {
        cn++;
        cl--;
    }
    if (cl == 0) return name;
    kn_vstr_t v;
    kn_vstr_init(&v, n + cl + 2);
    kn_vstr_addc(&v, '_');
    kn_vstr_add(&v, cn, cl);
    kn_vstr_add(&v, s, n);
    return kn_intern(v.buf, v.len);
}

static unsigned name_index(comp_t *c, kn_obj name) {
    name = mangle(c, name);
    kn_obj i = kn_dict_get_q(c->a->name_indices, name);
    if (i != KN_NULL) return (unsigned)KN_SMALL(i);
    kn_dict_set(c->a->name_indices, name, KN_MKSMALL((kn_int_t)LLEN(c->names)));
    kn_list_append(c->names, name);
    return (unsigned)(LLEN(c->names) - 1);
}

static void load_const(comp_t *c, kn_obj v) {
    if (v == kn_none) emit(c, KN_BC_LOAD_NONE, 1);
    else if (v == kn_true) emit(c, KN_BC_LOAD_TRUE, 1);
    else if (v == kn_false) emit(c, KN_BC_LOAD_FALSE, 1);
    else if (KN_IS_SMALL(v) && KN_SMALL(v) >= -32768 && KN_SMALL(v) <= 32767) emit_arg(c, KN_BC_LOAD_SMALL, (unsigned)(KN_SMALL(v) + 32768), 1);
    else emit_arg(c, KN_BC_LOAD_CONST, const_index(c, v), 1);
}

/* ---- names ---- */

enum { NAME_LOAD, NAME_STORE, NAME_DELETE };

static int deref_index(comp_t *c, kn_obj name) {
    int i = list_index(c->sc->cellvars, name);
    if (i >= 0) return i;
    i = list_index(c->sc->freevars, name);
    if (i >= 0) return (int)LLEN(c->sc->cellvars) + i;
    return -1;
}

static void c_name(comp_t *c, kn_obj name, int mode) {
    scope_t *s = c->sc;
    int f = sym_get(s, name);
    static const int fast_ops[] = {KN_BC_LOAD_FAST, KN_BC_STORE_FAST, KN_BC_DELETE_FAST};
    static const int deref_ops[] = {KN_BC_LOAD_DEREF, KN_BC_STORE_DEREF, KN_BC_DELETE_DEREF};
    static const int global_ops[] = {KN_BC_LOAD_GLOBAL, KN_BC_STORE_GLOBAL, KN_BC_DELETE_GLOBAL};
    static const int name_ops[] = {KN_BC_LOAD_NAME, KN_BC_STORE_NAME, KN_BC_DELETE_NAME};
    int delta = mode == NAME_LOAD ? 1 : mode == NAME_STORE ? -1 : 0;
    if (f & S_GLOBAL) {
        emit_arg(c, global_ops[mode], name_index(c, name), delta);
        return;
    }
    if (s->kind == SC_FUNCTION) {
        if (f & (S_CELL | S_FREE)) {
            emit_arg(c, deref_ops[mode], (unsigned)deref_index(c, name), delta);
            return;
        }
        if ((f & (S_ASSIGNED | S_PARAM)) && !(f & S_NONLOCAL)) {
            emit_arg(c, fast_ops[mode], (unsigned)list_index(s->varnames, name), delta);
            return;
        }
        emit_arg(c, global_ops[mode], name_index(c, name), delta);
        return;
    }
    if (s->kind == SC_CLASS && (f & S_FREE) && !(f & S_ASSIGNED) && mode == NAME_LOAD) {
        emit_arg(c, KN_BC_LOAD_DEREF, (unsigned)deref_index(c, name), delta);
        return;
    }
    emit_arg(c, name_ops[mode], name_index(c, name), delta);
}

/* ---- expressions ---- */

static int cmp_opcode(int op) {
    switch (op) {
        case KN_OP_LT: return KN_BC_LT;
        case KN_OP_LE: return KN_BC_LE;
        case KN_OP_GT: return KN_BC_GT;
        case KN_OP_GE: return KN_BC_GE;
        case KN_OP_EQ: return KN_BC_EQ;
        case KN_OP_NE: return KN_BC_NE;
        case KN_CMP_IN: return KN_BC_IN;
        case KN_CMP_NOT_IN: return KN_BC_NOT_IN;
        case KN_CMP_IS: return KN_BC_IS;
        default: return KN_BC_IS_NOT;
    }
}

static bool has_starred(kn_obj list) {
    for (size_t i = 0; i < LLEN(list); i++) {
        if (NK(LITEM(list, i)) == KN_N_STARRED) return true;
    }
    return false;
}

/* Builds a list from elements that may contain *starred parts. */
static void c_starred_list(comp_t *c, kn_obj elts) {
    emit_arg(c, KN_BC_BUILD_LIST, 0, 1);
    for (size_t i = 0; i < LLEN(elts); i++) {
        kn_obj e = LITEM(elts, i);
        if (NK(e) == KN_N_STARRED) {
            c_expr(c, NC(e, 0));
            emit_arg(c, KN_BC_LIST_EXTEND, 1, -1);
        } else {
            c_expr(c, e);
            emit_arg(c, KN_BC_LIST_APPEND, 1, -1);
        }
    }
}

static void c_call(comp_t *c, kn_obj node) {
    kn_obj func = NC(node, 0), args = NC(node, 1), kws = NC(node, 2);
    bool stars = has_starred(args);
    for (size_t i = 0; i < LLEN(kws); i++) {
        if (NC(LITEM(kws, i), 0) == kn_none) stars = true;
    }
    size_t na = LLEN(args), nk = LLEN(kws);
    /* super() with no arguments inside a method: super(__class__, first_arg) */
    if (NK(func) == KN_N_NAME && NC(func, 0) == KN_Q(super) && na == 0 && nk == 0 && c->sc->kind == SC_FUNCTION &&
        deref_index(c, KN_Q(__class__)) >= 0 && LLEN(c->sc->varnames) > 0 && c->sc->nargs + ((c->sc->flags & KN_CODE_VARARGS) ? 1 : 0) > 0) {
        c_name(c, KN_Q(super), NAME_LOAD);
        emit_arg(c, KN_BC_LOAD_DEREF, (unsigned)deref_index(c, KN_Q(__class__)), 1);
        kn_obj first = LITEM(c->sc->varnames, 0);
        c_name(c, first, NAME_LOAD);
        emit_arg(c, KN_BC_CALL, 2, -2);
        return;
    }
    if (!stars && NK(func) == KN_N_ATTR && na + nk < 256) {
        c_expr(c, NC(func, 0));
        set_line(c, NLINE(node));
        emit_arg(c, KN_BC_LOAD_METHOD, name_index(c, NC(func, 1)), 1);
        for (size_t i = 0; i < na; i++) c_expr(c, LITEM(args, i));
        for (size_t i = 0; i < nk; i++) {
            kn_obj kw = LITEM(kws, i);
            load_const(c, NC(kw, 0));
            c_expr(c, NC(kw, 1));
        }
        set_line(c, NLINE(node));
        emit_arg(c, KN_BC_CALL_METHOD, (unsigned)(na | (nk << 8)), -(int)(na + 2 * nk + 1));
        return;
    }
    c_expr(c, func);
    if (!stars && na < 256 && nk < 256) {
        for (size_t i = 0; i < na; i++) c_expr(c, LITEM(args, i));
        for (size_t i = 0; i < nk; i++) {
            kn_obj kw = LITEM(kws, i);
            load_const(c, NC(kw, 0));
            c_expr(c, NC(kw, 1));
        }
        set_line(c, NLINE(node));
        emit_arg(c, KN_BC_CALL, (unsigned)(na | (nk << 8)), -(int)(na + 2 * nk));
        return;
    }
    c_starred_list(c, args);
    emit(c, KN_BC_LIST_TO_TUPLE, 0);
    unsigned flags = 0;
    if (nk > 0) {
        flags = 1;
        emit_arg(c, KN_BC_BUILD_MAP, 0, 1);
        for (size_t i = 0; i < nk; i++) {
            kn_obj kw = LITEM(kws, i);
            if (NC(kw, 0) == kn_none) {
                c_expr(c, NC(kw, 1));
                emit_arg(c, KN_BC_DICT_MERGE, 1, -1);
            } else {
                load_const(c, NC(kw, 0));
                c_expr(c, NC(kw, 1));
                emit_arg(c, KN_BC_MAP_ADD, 1, -2);
            }
        }
    }
    set_line(c, NLINE(node));
    emit_arg(c, KN_BC_CALL_EX, flags, flags ? -2 : -1);
}

/* Pushes a new function object for code (with defaults and closure). */
static void c_make_function(comp_t *c, kn_obj code, scope_t *child, kn_obj args) {
    unsigned flags = 0;
    if (args != KN_NULL) {
        kn_obj defaults = NC(args, 1);
        if (LLEN(defaults) > 0) {
            for (size_t i = 0; i < LLEN(defaults); i++) c_expr(c, LITEM(defaults, i));
            emit_arg(c, KN_BC_BUILD_TUPLE, (unsigned)LLEN(defaults), 1 - (int)LLEN(defaults));
            flags |= 1;
        }
        kn_obj kwonly = NC(args, 3), kwd = NC(args, 4);
        size_t nkd = 0;
        for (size_t i = 0; i < LLEN(kwd); i++) {
            if (LITEM(kwd, i) != kn_none) {
                load_const(c, LITEM(kwonly, i));
                c_expr(c, LITEM(kwd, i));
                nkd++;
            }
        }
        if (nkd > 0) {
            emit_arg(c, KN_BC_BUILD_MAP, (unsigned)nkd, 1 - 2 * (int)nkd);
            flags |= 2;
        }
    }
    size_t nfree = LLEN(child->freevars);
    if (nfree > 0) {
        for (size_t i = 0; i < nfree; i++) {
            kn_obj name = LITEM(child->freevars, i);
            int di = deref_index(c, name);
            if (di < 0) cerror(c->a->filename, c->last_line, "internal error: closure variable not found");
            emit_arg(c, KN_BC_LOAD_CLOSURE, (unsigned)di, 1);
        }
        emit_arg(c, KN_BC_BUILD_TUPLE, (unsigned)nfree, 1 - (int)nfree);
        flags |= 4;
    }
    emit_arg(c, KN_BC_LOAD_CONST, const_index(c, code), 1);
    emit_arg(c, KN_BC_MAKE_FUNCTION, flags, -(int)(((flags & 1) != 0) + ((flags & 2) != 0) + ((flags & 4) != 0)));
}

static void use_block(comp_t *c);

/* TOS = the awaited object; leaves the await result. */
static void c_await(comp_t *c) {
    emit(c, KN_BC_GET_AWAITABLE, 0);
    emit(c, KN_BC_LOAD_NONE, 1);
    emit(c, KN_BC_YIELD_FROM, -1);
}

/* TOS = __aexit__: calls it with three Nones and awaits the result, leaving nothing. */
static void c_async_exit_none(comp_t *c) {
    emit(c, KN_BC_LOAD_NONE, 1);
    emit(c, KN_BC_DUP_TOP, 1);
    emit(c, KN_BC_DUP_TOP, 1);
    emit_arg(c, KN_BC_CALL, 3, -3);
    c_await(c);
    emit(c, KN_BC_POP_TOP, -1);
}

/* Head of an async for loop over the iterator at TOS: pushes the next item. Returns the
   SETUP_EXCEPT position whose handler (c_async_for_end) ends the loop on StopAsyncIteration. */
static size_t c_async_for_next(comp_t *c) {
    size_t setup = emit_jump(c, KN_BC_SETUP_EXCEPT, 0);
    use_block(c);
    emit(c, KN_BC_DUP_TOP, 1);
    emit(c, KN_BC_GET_ANEXT, 0);
    c_await(c);
    emit(c, KN_BC_POP_BLOCK, 0);
    c->nblocks--;
    return setup;
}

/* Exit of an async for loop: the handler sees [iterator, prev_exc, exc]; depth is the loop's depth
   with the item consumed (iterator on the stack). */
static void c_async_for_end(comp_t *c, size_t setup, int depth) {
    patch_here(c, setup);
    c->depth = depth;
    adjust(c, 2);
    emit(c, KN_BC_END_ASYNC_FOR, -3);
}

static void c_comprehension(comp_t *c, kn_obj node) {
    scope_t *child = KN_PTR(kn_dict_get(c->a->scopes, node));
    kn_obj code = c_code_for(c, child, node, KN_NULL, false);
    c_make_function(c, code, child, KN_NULL);
    c_expr(c, NC(LITEM(NC(node, 1), 0), 1));
    emit(c, KN_BC_GET_ITER, 0);
    if (KN_NODE_IS_ASYNC(KN_NODE(LITEM(NC(node, 1), 0)), 3)) c->code.buf[c->code.len - 1] = KN_BC_GET_AITER;
    emit_arg(c, KN_BC_CALL, 1, -1);
    if (child->coroutine && NK(node) != KN_N_GENEXP) c_await(c); /* an async genexp is an async generator */
}

static void c_assign_target(comp_t *c, kn_obj t);

static void c_unpack(comp_t *c, kn_obj elts) {
    size_t n = LLEN(elts);
    int star = -1;
    for (size_t i = 0; i < n; i++) {
        if (NK(LITEM(elts, i)) == KN_N_STARRED) {
            if (star >= 0) cerror(c->a->filename, NLINE(LITEM(elts, i)), "multiple starred expressions in assignment");
            star = (int)i;
        }
    }
    if (star < 0) {
        emit_arg(c, KN_BC_UNPACK_SEQUENCE, (unsigned)n, (int)n - 1);
    } else {
        unsigned before = (unsigned)star, after = (unsigned)(n - (size_t)star - 1);
        emit_arg(c, KN_BC_UNPACK_EX, before | (after << 8), (int)n - 1);
    }
    for (size_t i = 0; i < n; i++) {
        kn_obj t = LITEM(elts, i);
        c_assign_target(c, NK(t) == KN_N_STARRED ? NC(t, 0) : t);
    }
}

/* Stores TOS into target. */
static void c_assign_target(comp_t *c, kn_obj t) {
    switch (NK(t)) {
        case KN_N_NAME:
            c_name(c, NC(t, 0), NAME_STORE);
            break;
        case KN_N_ATTR:
            c_expr(c, NC(t, 0));
            emit_arg(c, KN_BC_STORE_ATTR, name_index(c, NC(t, 1)), -2);
            break;
        case KN_N_SUBSCR:
            c_expr(c, NC(t, 0));
            c_expr(c, NC(t, 1));
            emit(c, KN_BC_STORE_SUBSCR, -3);
            break;
        case KN_N_TUPLE:
        case KN_N_LIST:
            c_unpack(c, NC(t, 0));
            break;
        case KN_N_STARRED:
            cerror(c->a->filename, NLINE(t), "starred assignment target must be in a list or tuple");
        default:
            cerror(c->a->filename, NLINE(t), NK(t) == KN_N_CONST ? "cannot assign to literal" : NK(t) == KN_N_CALL ? "cannot assign to function call" : "cannot assign to expression");
    }
}

static void c_delete_target(comp_t *c, kn_obj t) {
    switch (NK(t)) {
        case KN_N_NAME: c_name(c, NC(t, 0), NAME_DELETE); break;
        case KN_N_ATTR:
            c_expr(c, NC(t, 0));
            emit_arg(c, KN_BC_DELETE_ATTR, name_index(c, NC(t, 1)), -1);
            break;
        case KN_N_SUBSCR:
            c_expr(c, NC(t, 0));
            c_expr(c, NC(t, 1));
            emit(c, KN_BC_DELETE_SUBSCR, -2);
            break;
        case KN_N_TUPLE:
        case KN_N_LIST:
            for (size_t i = 0; i < LLEN(NC(t, 0)); i++) c_delete_target(c, LITEM(NC(t, 0), i));
            break;
        default: cerror(c->a->filename, NLINE(t), "cannot delete expression");
    }
}

/* Jumps to a patch list when the condition has the given truth. */
static void c_cond_jump(comp_t *c, kn_obj e, bool when, kn_obj patches) {
    if (NK(e) == KN_N_UNARY && KN_SMALL(NC(e, 0)) == KN_UOP_NOT) {
        c_cond_jump(c, NC(e, 1), !when, patches);
        return;
    }
    if (NK(e) == KN_N_BOOLOP) {
        bool is_or = KN_SMALL(NC(e, 0)) == 1;
        kn_obj vals = NC(e, 1);
        size_t n = LLEN(vals);
        if (is_or == when) {
            /* or-jump-if-true / and-jump-if-false: any operand decides */
            for (size_t i = 0; i < n; i++) c_cond_jump(c, LITEM(vals, i), when, patches);
        } else {
            kn_obj skip = kn_list_new(0, NULL);
            for (size_t i = 0; i + 1 < n; i++) c_cond_jump(c, LITEM(vals, i), !when, skip);
            c_cond_jump(c, LITEM(vals, n - 1), when, patches);
            for (size_t i = 0; i < LLEN(skip); i++) patch_here(c, (size_t)KN_SMALL(LITEM(skip, i)));
        }
        return;
    }
    c_expr(c, e);
    size_t j = emit_jump(c, when ? KN_BC_POP_JUMP_IF_TRUE : KN_BC_POP_JUMP_IF_FALSE, -1);
    kn_list_append(patches, KN_MKSMALL((kn_int_t)j));
}

static void patch_all(comp_t *c, kn_obj patches) {
    for (size_t i = 0; i < LLEN(patches); i++) patch_here(c, (size_t)KN_SMALL(LITEM(patches, i)));
}

static void c_joined(comp_t *c, kn_obj node) {
    kn_obj parts = NC(node, 0);
    size_t n = LLEN(parts);
    for (size_t i = 0; i < n; i++) {
        kn_obj p = LITEM(parts, i);
        if (NK(p) == KN_N_CONST) {
            load_const(c, NC(p, 0));
            continue;
        }
        c_expr(c, NC(p, 0));
        int conv = (int)KN_SMALL(NC(p, 1));
        unsigned flags = conv == 's' ? 1 : conv == 'r' ? 2 : conv == 'a' ? 3 : 0;
        if (NC(p, 2) != kn_none) {
            c_joined(c, NC(p, 2));
            flags |= 4;
        }
        emit_arg(c, KN_BC_FORMAT_VALUE, flags, (flags & 4) ? -1 : 0);
    }
    if (n == 0) load_const(c, KN_Q(empty));
    else if (n > 1) emit_arg(c, KN_BC_BUILD_STRING, (unsigned)n, 1 - (int)n);
    else if (NK(LITEM(parts, 0)) == KN_N_CONST) { /* already a str */ }
}

static void c_expr(comp_t *c, kn_obj e) {
    if (!KN_IS_NODE(e)) cerror(c->a->filename, c->last_line, "invalid syntax");
    kn_node_t *n = KN_NODE(e);
    set_line(c, n->line);
    switch (n->kind) {
        case KN_N_NAME: c_name(c, n->k[0], NAME_LOAD); break;
        case KN_N_CONST: load_const(c, n->k[0]); break;
        case KN_N_TUPLE: {
            kn_obj elts = n->k[0];
            if (has_starred(elts)) {
                c_starred_list(c, elts);
                emit(c, KN_BC_LIST_TO_TUPLE, 0);
            } else {
                for (size_t i = 0; i < LLEN(elts); i++) c_expr(c, LITEM(elts, i));
                emit_arg(c, KN_BC_BUILD_TUPLE, (unsigned)LLEN(elts), 1 - (int)LLEN(elts));
            }
            break;
        }
        case KN_N_LIST: {
            kn_obj elts = n->k[0];
            if (has_starred(elts)) {
                c_starred_list(c, elts);
            } else {
                for (size_t i = 0; i < LLEN(elts); i++) c_expr(c, LITEM(elts, i));
                emit_arg(c, KN_BC_BUILD_LIST, (unsigned)LLEN(elts), 1 - (int)LLEN(elts));
            }
            break;
        }
        case KN_N_SET: {
            kn_obj elts = n->k[0];
            emit_arg(c, KN_BC_BUILD_SET, 0, 1);
            for (size_t i = 0; i < LLEN(elts); i++) {
                kn_obj x = LITEM(elts, i);
                if (NK(x) == KN_N_STARRED) {
                    c_expr(c, NC(x, 0));
                    emit_arg(c, KN_BC_SET_UPDATE, 1, -1);
                } else {
                    c_expr(c, x);
                    emit_arg(c, KN_BC_SET_ADD, 1, -1);
                }
            }
            break;
        }
        case KN_N_DICT: {
            kn_obj keys = n->k[0], vals = n->k[1];
            emit_arg(c, KN_BC_BUILD_MAP, 0, 1);
            for (size_t i = 0; i < LLEN(keys); i++) {
                if (LITEM(keys, i) == kn_none) {
                    c_expr(c, LITEM(vals, i));
                    emit_arg(c, KN_BC_DICT_UPDATE, 1, -1);
                } else {
                    c_expr(c, LITEM(keys, i));
                    c_expr(c, LITEM(vals, i));
                    emit_arg(c, KN_BC_MAP_ADD, 1, -2);
                }
            }
            break;
        }
        case KN_N_BINOP: {
            int op = (int)KN_SMALL(n->k[0]);
            c_expr(c, n->k[1]);
            c_expr(c, n->k[2]);
            set_line(c, n->line);
            if (op == KN_OP_ADD) emit(c, KN_BC_ADD, -1);
            else if (op == KN_OP_SUB) emit(c, KN_BC_SUB, -1);
            else if (op == KN_OP_MUL) emit(c, KN_BC_MUL, -1);
            else emit_arg(c, KN_BC_BINARY_OP, (unsigned)op, -1);
            break;
        }
        case KN_N_UNARY: {
            int op = (int)KN_SMALL(n->k[0]);
            c_expr(c, n->k[1]);
            if (op == KN_UOP_NOT) emit(c, KN_BC_NOT, 0);
            else emit_arg(c, KN_BC_UNARY_OP, (unsigned)op, 0);
            break;
        }
        case KN_N_BOOLOP: {
            bool is_or = KN_SMALL(n->k[0]) == 1;
            kn_obj vals = n->k[1];
            kn_obj patches = kn_list_new(0, NULL);
            for (size_t i = 0; i < LLEN(vals); i++) {
                c_expr(c, LITEM(vals, i));
                if (i + 1 < LLEN(vals)) {
                    size_t j = emit_jump(c, is_or ? KN_BC_JUMP_IF_TRUE_OR_POP : KN_BC_JUMP_IF_FALSE_OR_POP, -1);
                    kn_list_append(patches, KN_MKSMALL((kn_int_t)j));
                }
            }
            patch_all(c, patches);
            break;
        }
        case KN_N_COMPARE: {
            kn_obj ops = n->k[1], rights = n->k[2];
            size_t m = LLEN(ops);
            c_expr(c, n->k[0]);
            if (m == 1) {
                c_expr(c, LITEM(rights, 0));
                set_line(c, n->line);
                emit(c, cmp_opcode((int)KN_SMALL(LITEM(ops, 0))), -1);
                break;
            }
            kn_obj cleanup = kn_list_new(0, NULL);
            for (size_t i = 0; i < m; i++) {
                c_expr(c, LITEM(rights, i));
                if (i + 1 < m) {
                    emit(c, KN_BC_DUP_TOP, 1);
                    emit(c, KN_BC_ROT_THREE, 0);
                    emit(c, cmp_opcode((int)KN_SMALL(LITEM(ops, i))), -1);
                    size_t j = emit_jump(c, KN_BC_JUMP_IF_FALSE_OR_POP, -1);
                    kn_list_append(cleanup, KN_MKSMALL((kn_int_t)j));
                } else {
                    emit(c, cmp_opcode((int)KN_SMALL(LITEM(ops, i))), -1);
                }
            }
            size_t jend = emit_jump(c, KN_BC_JUMP, 0);
            patch_all(c, cleanup);
            adjust(c, 1);
            emit(c, KN_BC_ROT_TWO, 0);
            emit(c, KN_BC_POP_TOP, -1);
            patch_here(c, jend);
            break;
        }
        case KN_N_CALL: c_call(c, e); break;
        case KN_N_ATTR:
            c_expr(c, n->k[0]);
            set_line(c, n->line);
            emit_arg(c, KN_BC_LOAD_ATTR, name_index(c, n->k[1]), 0);
            break;
        case KN_N_SUBSCR:
            c_expr(c, n->k[0]);
            c_expr(c, n->k[1]);
            set_line(c, n->line);
            emit(c, KN_BC_BINARY_SUBSCR, -1);
            break;
        case KN_N_SLICE: {
            if (n->k[0] == kn_none) emit(c, KN_BC_LOAD_NONE, 1);
            else c_expr(c, n->k[0]);
            if (n->k[1] == kn_none) emit(c, KN_BC_LOAD_NONE, 1);
            else c_expr(c, n->k[1]);
            if (n->k[2] != kn_none) {
                c_expr(c, n->k[2]);
                emit_arg(c, KN_BC_BUILD_SLICE, 3, -2);
            } else {
                emit_arg(c, KN_BC_BUILD_SLICE, 2, -1);
            }
            break;
        }
        case KN_N_IFEXP: {
            kn_obj pf = kn_list_new(0, NULL);
            c_cond_jump(c, n->k[0], false, pf);
            c_expr(c, n->k[1]);
            size_t jend = emit_jump(c, KN_BC_JUMP, 0);
            patch_all(c, pf);
            adjust(c, -1);
            c_expr(c, n->k[2]);
            patch_here(c, jend);
            break;
        }
        case KN_N_LAMBDA: {
            scope_t *child = KN_PTR(kn_dict_get(c->a->scopes, e));
            kn_obj code = c_code_for(c, child, e, n->k[1], true);
            c_make_function(c, code, child, n->k[0]);
            break;
        }
        case KN_N_LISTCOMP: case KN_N_SETCOMP: case KN_N_GENEXP: case KN_N_DICTCOMP:
            c_comprehension(c, e);
            break;
        case KN_N_YIELD:
            if (n->k[0] == kn_none) emit(c, KN_BC_LOAD_NONE, 1);
            else c_expr(c, n->k[0]);
            if (c->sc->coroutine) emit(c, KN_BC_ASYNC_GEN_WRAP, 0); /* tells a value from an awaited yield */
            emit(c, KN_BC_YIELD_VALUE, 0);
            break;
        case KN_N_AWAIT:
            c_expr(c, n->k[0]);
            c_await(c);
            break;
        case KN_N_YIELDFROM:
            c_expr(c, n->k[0]);
            emit(c, KN_BC_GET_YIELD_FROM_ITER, 0);
            emit(c, KN_BC_LOAD_NONE, 1);
            emit(c, KN_BC_YIELD_FROM, -1);
            break;
        case KN_N_STARRED:
            cerror(c->a->filename, n->line, "can't use starred expression here");
        case KN_N_JOINEDSTR:
            c_joined(c, e);
            break;
        case KN_N_NAMEDEXPR: {
            c_expr(c, n->k[1]);
            emit(c, KN_BC_DUP_TOP, 1);
            kn_obj name = NC(n->k[0], 0);
            /* In a comprehension the target lives in the enclosing function. */
            if (c->sc->is_comp && (sym_get(c->sc, name) & (S_FREE | S_CELL))) {
                emit_arg(c, KN_BC_STORE_DEREF, (unsigned)deref_index(c, name), -1);
            } else if (c->sc->is_comp) {
                scope_t *t = c->sc;
                while (t->is_comp && t->parent) t = t->parent;
                emit_arg(c, t->kind == SC_FUNCTION ? KN_BC_STORE_GLOBAL : KN_BC_STORE_NAME, name_index(c, name), -1);
            } else {
                c_name(c, name, NAME_STORE);
            }
            break;
        }
        default:
            cerror(c->a->filename, n->line, "invalid syntax");
    }
}

/* ---- statements ---- */

static void push_fb(comp_t *c, int kind, size_t cont, kn_obj finalbody) {
    if (c->nfb >= MAX_FBLOCKS) cerror(c->a->filename, c->last_line, "too many statically nested blocks");
    fblock_t *f = &c->fb[c->nfb++];
    f->kind = kind;
    f->continue_target = cont;
    f->breaks = kn_list_new(0, NULL);
    f->finalbody = finalbody;
}

static void use_block(comp_t *c) {
    c->nblocks++;
    if (c->nblocks > c->maxblocks) c->maxblocks = c->nblocks;
}

/* Emits the cleanup for leaving fblock i early. with_value: a return value sits on TOS. */
static void unwind_fb(comp_t *c, int i, bool with_value) {
    fblock_t *f = &c->fb[i];
    switch (f->kind) {
        case FB_TRY_EXCEPT:
            emit(c, KN_BC_POP_BLOCK, 0);
            break;
        case FB_FINALLY_TRY: {
            emit(c, KN_BC_POP_BLOCK, 0);
            /* Compile the finally body with the enclosing blocks only. */
            int saved = c->nfb;
            fblock_t copy[MAX_FBLOCKS];
            memcpy(copy, c->fb, sizeof copy);
            kn_obj body = f->finalbody;
            c->nfb = i;
            /* a break/continue/return inside this finally body drops the pending return value */
            if (with_value) push_fb(c, FB_POPVALUE, 0, KN_NULL);
            c_stmts(c, body);
            memcpy(c->fb, copy, sizeof copy);
            c->nfb = saved;
            break;
        }
        case FB_HANDLER:
            if (with_value) emit(c, KN_BC_ROT_THREE, 0);
            emit(c, KN_BC_POP_EXCEPT, -2);
            break;
        case FB_WITH:
            emit(c, KN_BC_POP_BLOCK, 0);
            if (with_value) emit(c, KN_BC_ROT_TWO, 0);
            emit(c, KN_BC_WITH_EXIT, -1);
            break;
        case FB_FOR:
            if (with_value) {
                emit(c, KN_BC_ROT_TWO, 0);
            }
            emit(c, KN_BC_POP_TOP, -1);
            break;
        case FB_POPVALUE:
            if (with_value) emit(c, KN_BC_ROT_TWO, 0);
            emit(c, KN_BC_POP_TOP, -1);
            break;
        case FB_ASYNC_WITH:
            emit(c, KN_BC_POP_BLOCK, 0);
            if (with_value) emit(c, KN_BC_ROT_TWO, 0);
            c_async_exit_none(c);
            break;
        default:
            break;
    }
}

static void c_break_continue(comp_t *c, bool is_break, uint32_t line) {
    int i = c->nfb - 1;
    while (i >= 0 && c->fb[i].kind != FB_LOOP && c->fb[i].kind != FB_FOR) i--;
    if (i < 0) cerror(c->a->filename, line, is_break ? "'break' outside loop" : "'continue' not properly in loop");
    int depth = c->depth;
    for (int k = c->nfb - 1; k > i; k--) unwind_fb(c, k, false);
    if (is_break) {
        if (c->fb[i].kind == FB_FOR) emit(c, KN_BC_POP_TOP, -1);
        size_t j = emit_jump(c, KN_BC_JUMP, 0);
        kn_list_append(c->fb[i].breaks, KN_MKSMALL((kn_int_t)j));
    } else {
        emit_arg(c, KN_BC_JUMP, (unsigned)c->fb[i].continue_target, 0);
    }
    c->depth = depth;
}

static void c_return(comp_t *c, kn_obj value) {
    if (value != kn_none && c->sc->coroutine && c->sc->generator) {
        cerror(c->a->filename, c->last_line, "'return' with value in async generator");
    }
    if (value == kn_none) emit(c, KN_BC_LOAD_NONE, 1);
    else c_expr(c, value);
    int depth = c->depth;
    for (int k = c->nfb - 1; k >= 0; k--) {
        if (c->fb[k].kind == FB_FOR) continue; /* the frame's stack is discarded anyway */
        unwind_fb(c, k, true);
    }
    emit(c, KN_BC_RETURN_VALUE, -1);
    c->depth = depth - 1;
}

static void c_try(comp_t *c, kn_obj node) {
    kn_obj body = NC(node, 0), handlers = NC(node, 1), orelse = NC(node, 2), fin = NC(node, 3);
    int base = c->depth;
    size_t setup_fin = 0;
    bool has_fin = LLEN(fin) > 0;
    if (has_fin) {
        setup_fin = emit_jump(c, KN_BC_SETUP_EXCEPT, 0);
        use_block(c);
        push_fb(c, FB_FINALLY_TRY, 0, fin);
    }
    if (LLEN(handlers) > 0) {
        size_t setup = emit_jump(c, KN_BC_SETUP_EXCEPT, 0);
        use_block(c);
        push_fb(c, FB_TRY_EXCEPT, 0, KN_NULL);
        c_stmts(c, body);
        c->nfb--;
        emit(c, KN_BC_POP_BLOCK, 0);
        c->nblocks--;
        c_stmts(c, orelse);
        size_t jend = emit_jump(c, KN_BC_JUMP, 0);
        kn_obj ends = kn_list_new(1, (kn_obj[]){KN_MKSMALL((kn_int_t)jend)});
        patch_here(c, setup);
        c->depth = base;
        adjust(c, 2); /* [prev_exc, exc] */
        for (size_t i = 0; i < LLEN(handlers); i++) {
            kn_obj h = LITEM(handlers, i);
            set_line(c, NLINE(h));
            size_t jnext = 0;
            bool typed = NC(h, 0) != kn_none;
            if (typed) {
                emit(c, KN_BC_DUP_TOP, 1);
                c_expr(c, NC(h, 0));
                emit(c, KN_BC_EXC_MATCH, -1);
                jnext = emit_jump(c, KN_BC_POP_JUMP_IF_FALSE, -1);
            } else if (i + 1 < LLEN(handlers)) {
                cerror(c->a->filename, NLINE(h), "default 'except:' must be last");
            }
            kn_obj name = NC(h, 1);
            if (name != kn_none) {
                emit(c, KN_BC_DUP_TOP, 1);
                c_name(c, name, NAME_STORE);
            }
            push_fb(c, FB_HANDLER, 0, KN_NULL);
            c_stmts(c, NC(h, 2));
            c->nfb--;
            if (name != kn_none) {
                emit(c, KN_BC_LOAD_NONE, 1);
                c_name(c, name, NAME_STORE);
                c_name(c, name, NAME_DELETE);
            }
            emit(c, KN_BC_POP_EXCEPT, -2);
            size_t j = emit_jump(c, KN_BC_JUMP, 0);
            kn_list_append(ends, KN_MKSMALL((kn_int_t)j));
            c->depth = base + 2;
            if (typed) patch_here(c, jnext);
        }
        emit(c, KN_BC_RERAISE, -2);
        c->depth = base;
        patch_all(c, ends);
    } else {
        c_stmts(c, body);
        c_stmts(c, orelse);
    }
    if (has_fin) {
        c->nfb--;
        emit(c, KN_BC_POP_BLOCK, 0);
        c->nblocks--;
        c_stmts(c, fin);
        size_t jend = emit_jump(c, KN_BC_JUMP, 0);
        patch_here(c, setup_fin);
        c->depth = base;
        adjust(c, 2);
        push_fb(c, FB_HANDLER, 0, KN_NULL);
        c_stmts(c, fin);
        c->nfb--;
        emit(c, KN_BC_RERAISE, -2);
        c->depth = base;
        patch_here(c, jend);
    }
}

static void c_with(comp_t *c, kn_obj items, size_t idx, kn_obj body) {
    kn_obj item = LITEM(items, idx);
    int base = c->depth;
    c_expr(c, NC(item, 0));
    size_t setup = emit_jump(c, KN_BC_SETUP_WITH, 1); /* ctx -> exit, enter() result */
    use_block(c);
    if (NC(item, 1) != kn_none) c_assign_target(c, NC(item, 1));
    else emit(c, KN_BC_POP_TOP, -1);
    push_fb(c, FB_WITH, 0, KN_NULL);
    if (idx + 1 < LLEN(items)) c_with(c, items, idx + 1, body);
    else c_stmts(c, body);
    c->nfb--;
    emit(c, KN_BC_POP_BLOCK, 0);
    c->nblocks--;
    emit(c, KN_BC_WITH_EXIT, -1);
    size_t jend = emit_jump(c, KN_BC_JUMP, 0);
    patch_here(c, setup);
    c->depth = base;
    adjust(c, 3); /* [exit, prev_exc, exc] */
    emit(c, KN_BC_WITH_EXIT_EXC, -3);
    c->depth = base;
    patch_here(c, jend);
}

/* async with: __aenter__ is awaited, the target bound, then the body runs under a handler that
   awaits __aexit__(type, exc, tb) and re-raises unless it returned true. */
static void c_async_with(comp_t *c, kn_obj items, size_t idx, kn_obj body) {
    kn_obj item = LITEM(items, idx);
    c_expr(c, NC(item, 0));
    emit(c, KN_BC_BEFORE_ASYNC_WITH, 1); /* ctx -> aexit, aenter() */
    c_await(c);
    if (NC(item, 1) != kn_none) c_assign_target(c, NC(item, 1));
    else emit(c, KN_BC_POP_TOP, -1);
    int base = c->depth; /* aexit on the stack */
    size_t setup = emit_jump(c, KN_BC_SETUP_EXCEPT, 0);
    use_block(c);
    push_fb(c, FB_ASYNC_WITH, 0, KN_NULL);
    if (idx + 1 < LLEN(items)) c_async_with(c, items, idx + 1, body);
    else c_stmts(c, body);
    c->nfb--;
    emit(c, KN_BC_POP_BLOCK, 0);
    c->nblocks--;
    c_async_exit_none(c);
    size_t jend = emit_jump(c, KN_BC_JUMP, 0);
    patch_here(c, setup);
    c->depth = base;
    adjust(c, 2); /* [aexit, prev_exc, exc] */
    emit(c, KN_BC_ASYNC_WITH_EXC_CALL, 1);
    c_await(c);
    emit(c, KN_BC_ASYNC_WITH_EXC_END, -4);
    c->depth = base - 1;
    patch_here(c, jend);
}

static void c_async_for(comp_t *c, kn_obj st) {
    kn_node_t *n = KN_NODE(st);
    c_expr(c, n->k[1]);
    emit(c, KN_BC_GET_AITER, 0);
    int depth = c->depth;
    size_t top = c->code.len;
    size_t setup = c_async_for_next(c);
    c_assign_target(c, n->k[0]);
    push_fb(c, FB_FOR, top, KN_NULL);
    c_stmts(c, n->k[2]);
    kn_obj breaks = c->fb[c->nfb - 1].breaks;
    c->nfb--;
    set_line(c, n->line);
    emit_arg(c, KN_BC_JUMP, (unsigned)top, 0);
    c_async_for_end(c, setup, depth);
    c_stmts(c, n->k[3]);
    patch_all(c, breaks);
}

/* @micropython.native / @micropython.viper: the code emitter to use (0 = an ordinary decorator). */
static int native_decorator(kn_obj dec) {
    if (NK(dec) != KN_N_ATTR || NK(NC(dec, 0)) != KN_N_NAME || NC(NC(dec, 0), 0) != KN_Q(micropython)) return 0;
    if (NC(dec, 1) == KN_Q(native)) return KN_EMIT_NATIVE;
    if (NC(dec, 1) == KN_Q(viper)) return KN_EMIT_VIPER;
    return 0;
}

/* Viper type of an annotation node (object when absent). */
static int native_annot(comp_t *c, kn_obj node) {
    if (node == kn_none) return KN_VT_OBJ;
    int t = NK(node) == KN_N_NAME ? kn_native_type_of_name(NC(node, 0)) : -1;
    if (t < 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "viper: unknown type annotation '%s' (int, uint, bool, ptr8, ptr16, ptr32, object)",
                 NK(node) == KN_N_NAME ? kn_str_cstr(NC(node, 0)) : "...");
        cerror(c->a->filename, NLINE(node), msg);
    }
    return t;
}

static void c_funcdef(comp_t *c, kn_obj node) {
    kn_obj decs = NC(node, 3);
    int emitter = 0;
    size_t ndec = 0;
    for (size_t i = 0; i < LLEN(decs); i++) {
        int k = native_decorator(LITEM(decs, i));
        if (k != 0) emitter = k; /* applied at compile time, not called */
        else {
            c_expr(c, LITEM(decs, i));
            ndec++;
        }
    }
    scope_t *child = KN_PTR(kn_dict_get(c->a->scopes, node));
    kn_obj code = c_code_for(c, child, node, NC(node, 2), false);
    if (emitter != 0) {
        kn_obj annots = NC(NC(node, 1), 7); /* None when no positional parameter is annotated */
        size_t na = annots == kn_none ? 0 : LLEN(annots);
        uint8_t *types = kn_alloc_atomic(LLEN(NC(NC(node, 1), 0)) + 1); /* zero: object */
        for (size_t i = 0; i < na; i++) types[i] = (uint8_t)native_annot(c, LITEM(annots, i));
        /* The emitter reads the constants and names now: the body's are all known (the source's shared
           tuples, with the same indices, replace these at the end of kn_compile_src). */
        kn_native_code_t *ncode = kn_alloc(sizeof(kn_native_code_t)); /* the code object plus its machine code */
        ncode->code = *(kn_code_t *)KN_PTR(code);
        ncode->code.flags |= KN_CODE_NATIVE;
        kn_list_t *codes = KN_PTR(c->a->codes);
        codes->items[codes->len - 1] = KN_OBJ(ncode); /* c_code_for made `code` last */
        code = KN_OBJ(ncode);
        kn_code_t *nc = &ncode->code;
        kn_list_t *cl = KN_PTR(c->a->consts), *nl = KN_PTR(c->a->names);
        nc->consts = kn_tuple_new(cl->len, cl->items);
        nc->names = kn_tuple_new(nl->len, nl->items);
        kn_native_compile(nc, emitter, types, native_annot(c, NC(node, 4)));
    }
    set_line(c, NLINE(node));
    c_make_function(c, code, child, NC(node, 1));
    for (size_t i = 0; i < ndec; i++) emit_arg(c, KN_BC_CALL, 1, -1);
    c_name(c, NC(node, 0), NAME_STORE);
}

static void c_classdef(comp_t *c, kn_obj node) {
    kn_obj decs = NC(node, 3);
    for (size_t i = 0; i < LLEN(decs); i++) c_expr(c, LITEM(decs, i));
    scope_t *child = KN_PTR(kn_dict_get(c->a->scopes, node));
    set_line(c, NLINE(node));
    emit(c, KN_BC_LOAD_BUILD_CLASS, 1);
    kn_obj code = c_code_for(c, child, node, NC(node, 2), false);
    c_make_function(c, code, child, KN_NULL);
    load_const(c, NC(node, 0));
    kn_obj call = NC(node, 1);
    kn_obj args = call == kn_none ? kn_list_new(0, NULL) : NC(call, 1);
    kn_obj kws = call == kn_none ? kn_list_new(0, NULL) : NC(call, 2);
    size_t na = LLEN(args), nk = LLEN(kws);
    bool stars = has_starred(args);
    for (size_t i = 0; i < nk; i++) {
        if (NC(LITEM(kws, i), 0) == kn_none) stars = true;
    }
    if (!stars) {
        for (size_t i = 0; i < na; i++) c_expr(c, LITEM(args, i));
        for (size_t i = 0; i < nk; i++) {
            load_const(c, NC(LITEM(kws, i), 0));
            c_expr(c, NC(LITEM(kws, i), 1));
        }
        emit_arg(c, KN_BC_CALL, (unsigned)((na + 2) | (nk << 8)), -(int)(na + 2 + 2 * nk));
    } else {
        /* __build_class__(func, name, *bases, **kw) */
        emit_arg(c, KN_BC_BUILD_LIST, 2, -1);
        for (size_t i = 0; i < na; i++) {
            kn_obj x = LITEM(args, i);
            if (NK(x) == KN_N_STARRED) {
                c_expr(c, NC(x, 0));
                emit_arg(c, KN_BC_LIST_EXTEND, 1, -1);
            } else {
                c_expr(c, x);
                emit_arg(c, KN_BC_LIST_APPEND, 1, -1);
            }
        }
        emit(c, KN_BC_LIST_TO_TUPLE, 0);
        emit_arg(c, KN_BC_BUILD_MAP, 0, 1);
        for (size_t i = 0; i < nk; i++) {
            kn_obj kw = LITEM(kws, i);
            if (NC(kw, 0) == kn_none) {
                c_expr(c, NC(kw, 1));
                emit_arg(c, KN_BC_DICT_MERGE, 1, -1);
            } else {
                load_const(c, NC(kw, 0));
                c_expr(c, NC(kw, 1));
                emit_arg(c, KN_BC_MAP_ADD, 1, -2);
            }
        }
        emit_arg(c, KN_BC_CALL_EX, 1, -2);
    }
    for (size_t i = 0; i < LLEN(decs); i++) emit_arg(c, KN_BC_CALL, 1, -1);
    c_name(c, NC(node, 0), NAME_STORE);
}

static void c_import(comp_t *c, kn_obj node) {
    kn_obj names = NC(node, 0);
    for (size_t i = 0; i < LLEN(names); i++) {
        kn_obj al = LITEM(names, i);
        kn_obj full = NC(al, 0), as = NC(al, 1);
        load_const(c, KN_MKSMALL(0));
        if (as != kn_none && strchr(kn_str_data(full), '.')) {
            /* import a.b as c: bind the leaf module */
            load_const(c, kn_tuple_new(1, (kn_obj[]){KN_Q(_star_)}));
            emit_arg(c, KN_BC_IMPORT_NAME, name_index(c, full), -1);
            emit_arg(c, KN_BC_IMPORT_FROM, 0xffff, 1);
            emit(c, KN_BC_ROT_TWO, 0);
            emit(c, KN_BC_POP_TOP, -1);
            c_name(c, as, NAME_STORE);
            continue;
        }
        emit(c, KN_BC_LOAD_NONE, 1);
        emit_arg(c, KN_BC_IMPORT_NAME, name_index(c, full), -1);
        if (as != kn_none) {
            c_name(c, as, NAME_STORE);
        } else {
            const char *d = kn_str_data(full);
            const char *dot = strchr(d, '.');
            c_name(c, dot ? kn_intern(d, (size_t)(dot - d)) : full, NAME_STORE);
        }
    }
}

static void c_importfrom(comp_t *c, kn_obj node) {
    kn_obj mod = NC(node, 0), names = NC(node, 1);
    load_const(c, NC(node, 2));
    size_t n = LLEN(names);
    kn_obj fl = kn_tuple_new(n, NULL);
    for (size_t i = 0; i < n; i++) ((kn_tuple_t *)fl)->items[i] = NC(LITEM(names, i), 0);
    load_const(c, fl);
    emit_arg(c, KN_BC_IMPORT_NAME, name_index(c, mod == kn_none ? KN_Q(empty) : mod), -1);
    if (n == 1 && NC(LITEM(names, 0), 0) == KN_Q(_star_)) {
        emit(c, KN_BC_IMPORT_STAR, -1);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        kn_obj al = LITEM(names, i);
        emit_arg(c, KN_BC_IMPORT_FROM, name_index(c, NC(al, 0)), 1);
        c_name(c, NC(al, 1) != kn_none ? NC(al, 1) : NC(al, 0), NAME_STORE);
    }
    emit(c, KN_BC_POP_TOP, -1);
}

static void c_stmt(comp_t *c, kn_obj st) {
    kn_node_t *n = KN_NODE(st);
    set_line(c, n->line);
    switch (n->kind) {
        case KN_N_EXPR:
            if (NK(n->k[0]) == KN_N_CONST && c->mode != KN_MODE_SINGLE) break; /* docstrings */
            c_expr(c, n->k[0]);
            if (c->mode == KN_MODE_SINGLE && c->sc->kind == SC_MODULE && c->nfb == 0) emit(c, KN_BC_PRINT_EXPR, -1);
            else emit(c, KN_BC_POP_TOP, -1);
            break;
        case KN_N_ASSIGN: {
            kn_obj targets = n->k[0];
            c_expr(c, n->k[1]);
            for (size_t i = 0; i < LLEN(targets); i++) {
                if (i + 1 < LLEN(targets)) emit(c, KN_BC_DUP_TOP, 1);
                c_assign_target(c, LITEM(targets, i));
            }
            break;
        }
        case KN_N_AUGASSIGN: {
            kn_obj t = n->k[0];
            unsigned op = (unsigned)(KN_OP_INPLACE + KN_SMALL(n->k[1]));
            switch (NK(t)) {
                case KN_N_NAME:
                    c_name(c, NC(t, 0), NAME_LOAD);
                    c_expr(c, n->k[2]);
                    emit_arg(c, KN_BC_BINARY_OP, op, -1);
                    c_name(c, NC(t, 0), NAME_STORE);
                    break;
                case KN_N_ATTR:
                    c_expr(c, NC(t, 0));
                    emit(c, KN_BC_DUP_TOP, 1);
                    emit_arg(c, KN_BC_LOAD_ATTR, name_index(c, NC(t, 1)), 0);
                    c_expr(c, n->k[2]);
                    emit_arg(c, KN_BC_BINARY_OP, op, -1);
                    emit(c, KN_BC_ROT_TWO, 0);
                    emit_arg(c, KN_BC_STORE_ATTR, name_index(c, NC(t, 1)), -2);
                    break;
                case KN_N_SUBSCR:
                    c_expr(c, NC(t, 0));
                    c_expr(c, NC(t, 1));
                    emit(c, KN_BC_DUP_TOP_TWO, 2);
                    emit(c, KN_BC_BINARY_SUBSCR, -1);
                    c_expr(c, n->k[2]);
                    emit_arg(c, KN_BC_BINARY_OP, op, -1);
                    emit(c, KN_BC_ROT_THREE, 0);
                    emit(c, KN_BC_STORE_SUBSCR, -3);
                    break;
                default:
                    cerror(c->a->filename, n->line, "'expression' is an illegal expression for augmented assignment");
            }
            break;
        }
        case KN_N_ANNASSIGN:
            if (n->k[2] != kn_none) {
                c_expr(c, n->k[2]);
                c_assign_target(c, n->k[0]);
            }
            break;
        case KN_N_DEL:
            for (size_t i = 0; i < LLEN(n->k[0]); i++) c_delete_target(c, LITEM(n->k[0], i));
            break;
        case KN_N_PASS: break;
        case KN_N_BREAK: c_break_continue(c, true, n->line); break;
        case KN_N_CONTINUE: c_break_continue(c, false, n->line); break;
        case KN_N_RETURN:
            if (c->sc->generator && n->k[0] != kn_none) { /* return value in generator: allowed */ }
            c_return(c, n->k[0]);
            break;
        case KN_N_RAISE:
            if (n->k[0] == kn_none) {
                emit_arg(c, KN_BC_RAISE, 0, 0);
            } else if (n->k[1] == kn_none) {
                c_expr(c, n->k[0]);
                emit_arg(c, KN_BC_RAISE, 1, -1);
            } else {
                c_expr(c, n->k[0]);
                c_expr(c, n->k[1]);
                emit_arg(c, KN_BC_RAISE, 2, -2);
            }
            break;
        case KN_N_GLOBAL:
        case KN_N_NONLOCAL:
            break;
        case KN_N_IF: {
            kn_obj pf = kn_list_new(0, NULL);
            int base = c->depth;
            c_cond_jump(c, n->k[0], false, pf);
            c_stmts(c, n->k[1]);
            if (LLEN(n->k[2]) > 0) {
                size_t jend = emit_jump(c, KN_BC_JUMP, 0);
                patch_all(c, pf);
                c->depth = base;
                c_stmts(c, n->k[2]);
                patch_here(c, jend);
            } else {
                patch_all(c, pf);
            }
            c->depth = base;
            break;
        }
        case KN_N_WHILE: {
            size_t top = c->code.len;
            kn_obj pf = kn_list_new(0, NULL);
            bool forever = NK(n->k[0]) == KN_N_CONST && kn_truthy(NC(n->k[0], 0));
            if (!forever) c_cond_jump(c, n->k[0], false, pf);
            push_fb(c, FB_LOOP, top, KN_NULL);
            c_stmts(c, n->k[1]);
            kn_obj breaks = c->fb[c->nfb - 1].breaks;
            c->nfb--;
            emit_arg(c, KN_BC_JUMP, (unsigned)top, 0);
            patch_all(c, pf);
            c_stmts(c, n->k[2]);
            patch_all(c, breaks);
            break;
        }
        case KN_N_FOR: {
            if (KN_NODE_IS_ASYNC(n, 4)) {
                c_async_for(c, st);
                break;
            }
            c_expr(c, n->k[1]);
            emit(c, KN_BC_GET_ITER, 0);
            size_t top = c->code.len;
            size_t jexit = emit_jump(c, KN_BC_FOR_ITER, 1);
            c_assign_target(c, n->k[0]);
            push_fb(c, FB_FOR, top, KN_NULL);
            c_stmts(c, n->k[2]);
            kn_obj breaks = c->fb[c->nfb - 1].breaks;
            c->nfb--;
            set_line(c, n->line);
            emit_arg(c, KN_BC_JUMP, (unsigned)top, 0);
            patch_here(c, jexit);
            adjust(c, -1);
            c_stmts(c, n->k[3]);
            patch_all(c, breaks);
            break;
        }
        case KN_N_TRY: c_try(c, st); break;
        case KN_N_WITH:
            if (KN_NODE_IS_ASYNC(n, 2)) c_async_with(c, n->k[0], 0, n->k[1]);
            else c_with(c, n->k[0], 0, n->k[1]);
            break;
        case KN_N_FUNCDEF: c_funcdef(c, st); break;
        case KN_N_CLASSDEF: c_classdef(c, st); break;
        case KN_N_IMPORT: c_import(c, st); break;
        case KN_N_IMPORTFROM: c_importfrom(c, st); break;
        case KN_N_ASSERT: {
            kn_obj pt = kn_list_new(0, NULL);
            c_cond_jump(c, n->k[0], true, pt);
            load_const(c, KN_OBJ(&kn_type_AssertionError));
            if (n->k[1] != kn_none) {
                c_expr(c, n->k[1]);
                emit_arg(c, KN_BC_CALL, 1, -1);
            }
            emit_arg(c, KN_BC_RAISE, 1, -1);
            patch_all(c, pt);
            break;
        }
        default:
            cerror(c->a->filename, n->line, "invalid syntax");
    }
}

static void c_stmts(comp_t *c, kn_obj list) {
    for (size_t i = 0; i < LLEN(list); i++) c_stmt(c, LITEM(list, i));
}

/* Comprehension body: nested loops, filters, then the element action. */
static void c_comp_loops(comp_t *c, kn_obj node, size_t gi, int kind) {
    kn_obj gens = NC(node, 1);
    kn_obj g = LITEM(gens, gi);
    if (gi == 0) {
        emit_arg(c, KN_BC_LOAD_FAST, 0, 1);
    } else {
        c_expr(c, NC(g, 1));
        emit(c, KN_NODE_IS_ASYNC(KN_NODE(g), 3) ? KN_BC_GET_AITER : KN_BC_GET_ITER, 0);
    }
    size_t top = c->code.len;
    bool as = KN_NODE_IS_ASYNC(KN_NODE(g), 3);
    int depth = c->depth;
    size_t jexit = as ? c_async_for_next(c) : emit_jump(c, KN_BC_FOR_ITER, 1);
    c_assign_target(c, NC(g, 0));
    kn_obj ifs = NC(g, 2);
    kn_obj skips = kn_list_new(0, NULL);
    for (size_t i = 0; i < LLEN(ifs); i++) c_cond_jump(c, LITEM(ifs, i), false, skips);
    if (gi + 1 < LLEN(gens)) {
        c_comp_loops(c, node, gi + 1, kind);
    } else {
        unsigned depth = (unsigned)LLEN(gens) + 1;
        switch (kind) {
            case KN_N_LISTCOMP:
                c_expr(c, NC(node, 0));
                emit_arg(c, KN_BC_LIST_APPEND, depth, -1);
                break;
            case KN_N_SETCOMP:
                c_expr(c, NC(node, 0));
                emit_arg(c, KN_BC_SET_ADD, depth, -1);
                break;
            case KN_N_DICTCOMP:
                c_expr(c, NC(node, 0));
                c_expr(c, NC(node, 2));
                emit_arg(c, KN_BC_MAP_ADD, depth, -2);
                break;
            default:
                c_expr(c, NC(node, 0));
                if (c->sc->coroutine) emit(c, KN_BC_ASYNC_GEN_WRAP, 0);
                emit(c, KN_BC_YIELD_VALUE, 0);
                emit(c, KN_BC_POP_TOP, -1);
                break;
        }
    }
    for (size_t i = 0; i < LLEN(skips); i++) patch_to(c, (size_t)KN_SMALL(LITEM(skips, i)), top);
    emit_arg(c, KN_BC_JUMP, (unsigned)top, 0);
    if (as) {
        c_async_for_end(c, jexit, depth);
        return;
    }
    patch_here(c, jexit);
    adjust(c, -1);
}

static kn_obj finish_code(comp_t *c, kn_obj name, int flags) {
    scope_t *s = c->sc;
    kn_list_t *vl = KN_PTR(s->varnames);
    if (c->code.len > KN_CODE_MAX_LEN || c->lines.len > KN_CODE_MAX_LEN || vl->len > KN_CODE_MAX_LEN ||
        LLEN(s->cellvars) > KN_CODE_MAX_LEN || LLEN(s->freevars) > KN_CODE_MAX_LEN ||
        c->maxdepth + 2 > (int)KN_CODE_MAX_LEN || c->maxblocks > 0xff) {
        cerror(c->a->filename, c->first_line, "function too large");
    }
    kn_code_t *code = kn_alloc(sizeof(kn_code_t));
    code->base.type = &kn_type_code;
    uint8_t *bc = kn_alloc_atomic(c->code.len + c->lines.len + 1);
    memcpy(bc, c->code.buf, c->code.len);
    memcpy(bc + c->code.len, c->lines.buf, c->lines.len);
    code->bc = bc;
    code->bc_len = (uint16_t)c->code.len;
    code->lines_len = (uint16_t)c->lines.len;
    code->firstline = c->first_line;
    code->consts = KN_NULL; /* the source's shared tuples, set by kn_compile_src once all are known */
    code->names = KN_NULL;
    code->varnames = kn_tuple_new(vl->len, vl->items);
    code->name = name;
    code->nargs = (uint16_t)s->nargs;
    code->nkwonly = (uint16_t)s->nkwonly;
    code->nposonly = (uint16_t)s->nposonly;
    code->nlocals = (uint16_t)vl->len;
    code->ncells = (uint16_t)LLEN(s->cellvars);
    code->nfree = (uint16_t)LLEN(s->freevars);
    code->stacksize = (uint16_t)(c->maxdepth + 2);
    code->nblocks = (uint8_t)c->maxblocks;
    code->flags = (uint8_t)flags;
    kn_list_append(c->a->codes, KN_OBJ(code));
    return KN_OBJ(code);
}

static void comp_init(comp_t *c, analysis_t *a, scope_t *s, int mode, uint32_t line) {
    memset(c, 0, sizeof *c);
    c->a = a;
    c->sc = s;
    c->mode = mode;
    kn_vstr_init(&c->code, 64);
    kn_vstr_init(&c->lines, 16);
    c->consts = a->consts;
    c->names = a->names;
    c->first_line = line;
    c->last_line = line;
}

/* Emits STORE_DEREF for parameters captured by inner functions. */
static void c_cell_params(comp_t *c) {
    scope_t *s = c->sc;
    for (size_t i = 0; i < LLEN(s->cellvars); i++) {
        kn_obj name = LITEM(s->cellvars, i);
        if (sym_get(s, name) & S_PARAM) {
            emit_arg(c, KN_BC_LOAD_FAST, (unsigned)list_index(s->varnames, name), 1);
            emit_arg(c, KN_BC_STORE_DEREF, (unsigned)i, -1);
        }
    }
}

static kn_obj c_code_for(comp_t *parent, scope_t *s, kn_obj node, kn_obj body, bool lambda_body) {
    comp_t *c = kn_alloc(sizeof(comp_t));
    kn_stack_check();
    comp_init(c, parent->a, s, KN_MODE_FILE, NLINE(node));
    c->class_name = s->kind == SC_CLASS ? s->name : parent->class_name;
    int flags = 0;
    if (s->kind == SC_FUNCTION) {
        flags = KN_CODE_NEWLOCALS | s->flags | (s->generator ? KN_CODE_GENERATOR : 0);
        if (s->coroutine) flags |= KN_CODE_GENERATOR | (s->generator ? KN_CODE_ASYNCGEN : KN_CODE_COROUTINE);
        c_cell_params(c);
    }
    int nk = NK(node);
    if (s->kind == SC_CLASS) {
        /* __module__ and __qualname__ first, like CPython */
        c_name(c, KN_Q(__name__), NAME_LOAD);
        c_name(c, KN_Q(__module__), NAME_STORE);
        load_const(c, s->name);
        c_name(c, KN_Q(__qualname__), NAME_STORE);
        c_stmts(c, body);
        int ci = list_index(s->cellvars, KN_Q(__class__));
        if (ci >= 0) {
            emit_arg(c, KN_BC_LOAD_CLOSURE, (unsigned)ci, 1);
        } else {
            emit(c, KN_BC_LOAD_NONE, 1);
        }
        emit(c, KN_BC_RETURN_VALUE, -1);
    } else if (nk == KN_N_LISTCOMP || nk == KN_N_SETCOMP || nk == KN_N_DICTCOMP || nk == KN_N_GENEXP) {
        if (nk == KN_N_LISTCOMP) emit_arg(c, KN_BC_BUILD_LIST, 0, 1);
        else if (nk == KN_N_SETCOMP) emit_arg(c, KN_BC_BUILD_SET, 0, 1);
        else if (nk == KN_N_DICTCOMP) emit_arg(c, KN_BC_BUILD_MAP, 0, 1);
        c_comp_loops(c, node, 0, nk);
        if (nk == KN_N_GENEXP) emit(c, KN_BC_LOAD_NONE, 1);
        emit(c, KN_BC_RETURN_VALUE, -1);
    } else if (lambda_body) {
        c_expr(c, body);
        emit(c, KN_BC_RETURN_VALUE, -1);
    } else {
        c_stmts(c, body);
        emit(c, KN_BC_LOAD_NONE, 1);
        emit(c, KN_BC_RETURN_VALUE, -1);
    }
    return finish_code(c, s->name, flags);
}

kn_obj kn_compile_src(const char *src, size_t len, kn_obj filename, int mode) {
    kn_obj tree = kn_parse(src, len, filename, mode);
    analysis_t a;
    a.filename = filename;
    a.scopes = kn_dict_new(8);
    a.consts = kn_list_new(1, &filename);
    a.names = kn_list_new(0, NULL);
    a.codes = kn_list_new(0, NULL);
    a.str_consts = kn_dict_new(8);
    a.int_consts = kn_dict_new(8);
    a.name_indices = kn_dict_new(8);
    if (kn_typeof(filename) == &kn_type_str) kn_dict_set(a.str_consts, filename, KN_MKSMALL(0));
    scope_t *top = scope_new(SC_MODULE, NULL, KN_Q(lt_module));
    if (mode == KN_MODE_EVAL) an_expr(&a, top, tree);
    else an_stmts(&a, top, NC(tree, 0));
    resolve_all(&a);
    comp_t *c = kn_alloc(sizeof(comp_t));
    comp_init(c, &a, top, mode, 1);
    if (mode == KN_MODE_EVAL) {
        c_expr(c, tree);
        emit(c, KN_BC_RETURN_VALUE, -1);
    } else {
        c_stmts(c, NC(tree, 0));
        emit(c, KN_BC_LOAD_NONE, 1);
        emit(c, KN_BC_RETURN_VALUE, -1);
    }
    kn_obj module = finish_code(c, KN_Q(lt_module), 0);
    kn_list_t *cl = KN_PTR(a.consts), *nl = KN_PTR(a.names), *codes = KN_PTR(a.codes);
    kn_obj consts = kn_tuple_new(cl->len, cl->items);
    kn_obj names = kn_tuple_new(nl->len, nl->items);
    for (size_t i = 0; i < codes->len; i++) {
        ((kn_code_t *)KN_PTR(codes->items[i]))->consts = consts;
        ((kn_code_t *)KN_PTR(codes->items[i]))->names = names;
    }
    return module;
}
