/* mod_re.c: the re module: a compact backtracking regex engine (groups, classes, counted and lazy repeats). */
#include <string.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#define RE_I 2
#define RE_M 8
#define RE_S 16

/* Instructions: one word opcode + operands, jumps relative to the instruction start. */
enum { I_CHAR, I_ANY, I_CLASS, I_BOL, I_EOL, I_WORDB, I_NWORDB, I_SPLIT, I_JMP, I_SAVE, I_MARK, I_CHECK, I_MATCH, I_BACKREF, I_STRBEG, I_STREND };

typedef struct {
    int32_t *code;
    size_t len, cap;
    int32_t *classes; /* [neg, n, lo0, hi0, ...] blocks */
    size_t clen, ccap;
    int ngroups;
    int nregs;
    int flags;
    kn_obj names; /* dict name -> group index */
    const char *p, *end;
} recomp_t;

typedef struct {
    kn_base_t base;
    kn_obj pattern;
    kn_obj names;
    int32_t *code;
    int32_t *classes;
    int ngroups, nregs, flags;
} pattern_t;

typedef struct {
    kn_base_t base;
    kn_obj pattern;
    kn_obj string;
    int ngroups;
    kn_int_t pos, endpos;
    kn_int_t slots[]; /* 2 per group, byte offsets, -1 if unset */
} match_t;

extern const kn_type_t kn_type_re_pattern, kn_type_re_match;

static void emit(recomp_t *c, int32_t v) {
    if (c->len == c->cap) {
        size_t nc = c->cap * 2 + 16;
        c->code = kn_realloc(c->code, c->cap * sizeof(int32_t), nc * sizeof(int32_t));
        c->cap = nc;
    }
    c->code[c->len++] = v;
}

static void cls_push(recomp_t *c, int32_t v) {
    if (c->clen == c->ccap) {
        size_t nc = c->ccap * 2 + 16;
        c->classes = kn_realloc(c->classes, c->ccap * sizeof(int32_t), nc * sizeof(int32_t));
        c->ccap = nc;
    }
    c->classes[c->clen++] = v;
}

static void re_error(const char *msg) {
    kn_raise_msg(&kn_type_ValueError, msg);
}

static uint32_t next_cp(recomp_t *c) {
    uint8_t b = (uint8_t)*c->p++;
    if (b < 0x80) return b;
    int extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    uint32_t cp = b & (0x3fu >> extra);
    while (extra-- > 0 && c->p < c->end) cp = (cp << 6) | ((uint8_t)*c->p++ & 0x3fu);
    return cp;
}

/* Special class markers inside class blocks. */
#define CL_DIGIT -1
#define CL_NDIGIT -2
#define CL_WORD -3
#define CL_NWORD -4
#define CL_SPACE -5
#define CL_NSPACE -6

static int32_t escape_class(char e) {
    switch (e) {
        case 'd': return CL_DIGIT;
        case 'D': return CL_NDIGIT;
        case 'w': return CL_WORD;
        case 'W': return CL_NWORD;
        case 's': return CL_SPACE;
        case 'S': return CL_NSPACE;
        default: return 0;
    }
}

static uint32_t escape_char(recomp_t *c, char e) {
    switch (e) {
        case 'n': return '\n';
        case 't': return '\t';
        case 'r': return '\r';
        case 'f': return '\f';
        case 'v': return '\v';
        case '0': return 0;
        case 'x': {
            uint32_t v = 0;
            for (int k = 0; k < 2 && c->p < c->end; k++) {
                char h = *c->p++;
                v = v * 16 + (uint32_t)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
            }
            return v;
        }
        default: return (uint8_t)e;
    }
}

static void emit_class_single(recomp_t *c, int32_t marker) {
    emit(c, I_CLASS);
    emit(c, (int32_t)c->clen);
    cls_push(c, 0);
    cls_push(c, 1);
    cls_push(c, marker);
    cls_push(c, marker);
}

static void parse_class(recomp_t *c) {
    emit(c, I_CLASS);
    emit(c, (int32_t)c->clen);
    size_t hdr = c->clen;
    cls_push(c, 0);
    cls_push(c, 0);
    if (c->p < c->end && *c->p == '^') {
        c->classes[hdr] = 1;
        c->p++;
    }
    bool first = true;
    while (c->p < c->end && (*c->p != ']' || first)) {
        first = false;
        int32_t lo, hi;
        if (*c->p == '\\' && c->p + 1 < c->end) {
            char e = c->p[1];
            c->p += 2;
            int32_t m = escape_class(e);
            if (m) {
                cls_push(c, m);
                cls_push(c, m);
                c->classes[hdr + 1]++;
                continue;
            }
            lo = (int32_t)escape_char(c, e);
        } else {
            lo = (int32_t)next_cp(c);
        }
        hi = lo;
        if (c->p + 1 < c->end && *c->p == '-' && c->p[1] != ']') {
            c->p++;
            if (*c->p == '\\' && c->p + 1 < c->end) {
                char e = c->p[1];
                c->p += 2;
                hi = (int32_t)escape_char(c, e);
            } else {
                hi = (int32_t)next_cp(c);
            }
            if (hi < lo) re_error("bad character range");
        }
        cls_push(c, lo);
        cls_push(c, hi);
        c->classes[hdr + 1]++;
    }
    if (c->p >= c->end) re_error("unterminated character set");
    c->p++;
}

static void parse_alt(recomp_t *c, int depth);

static void parse_atom(recomp_t *c, int depth) {
    char ch = *c->p;
    if (ch == '(') {
        c->p++;
        int group = -1;
        if (c->p < c->end && *c->p == '?') {
            c->p++;
            if (c->p < c->end && *c->p == ':') {
                c->p++;
            } else if (c->p < c->end && *c->p == 'P' && c->p + 1 < c->end && c->p[1] == '<') {
                c->p += 2;
                const char *ns = c->p;
                while (c->p < c->end && *c->p != '>') c->p++;
                if (c->p >= c->end) re_error("missing >, unterminated name");
                group = ++c->ngroups;
                kn_dict_set(c->names, kn_str_new(ns, (size_t)(c->p - ns)), KN_MKSMALL(group));
                c->p++;
            } else {
                re_error("unsupported group extension");
            }
        } else {
            group = ++c->ngroups;
        }
        if (group >= 0) {
            emit(c, I_SAVE);
            emit(c, 2 * group);
        }
        parse_alt(c, depth + 1);
        if (c->p >= c->end || *c->p != ')') re_error("missing ), unterminated subpattern");
        c->p++;
        if (group >= 0) {
            emit(c, I_SAVE);
            emit(c, 2 * group + 1);
        }
        return;
    }
    c->p++;
    switch (ch) {
        case '.': emit(c, I_ANY); return;
        case '^': emit(c, I_BOL); return;
        case '$': emit(c, I_EOL); return;
        case '[': parse_class(c); return;
        case '\\': {
            if (c->p >= c->end) re_error("bad escape (end of pattern)");
            char e = *c->p++;
            int32_t m = escape_class(e);
            if (m) {
                emit_class_single(c, m);
                return;
            }
            if (e == 'b') { emit(c, I_WORDB); return; }
            if (e == 'B') { emit(c, I_NWORDB); return; }
            if (e == 'A') { emit(c, I_STRBEG); return; }
            if (e == 'Z') { emit(c, I_STREND); return; }
            if (e >= '1' && e <= '9') {
                emit(c, I_BACKREF);
                emit(c, e - '0');
                return;
            }
            emit(c, I_CHAR);
            emit(c, (int32_t)escape_char(c, e));
            return;
        }
        default:
            c->p--;
            emit(c, I_CHAR);
            emit(c, (int32_t)next_cp(c));
            return;
    }
}

/* Copies code [from, to) to the end (relative jumps make it position independent). */
static void dup_code(recomp_t *c, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) emit(c, c->code[i]);
}

static void parse_repeat(recomp_t *c, int depth) {
    size_t start = c->len;
    char ch = *c->p;
    if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
        if (ch != '{' || (c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9')) re_error("nothing to repeat");
    }
    parse_atom(c, depth);
    size_t end = c->len;
    for (;;) {
        if (c->p >= c->end) return;
        ch = *c->p;
        int min, max;
        if (ch == '*') {
            min = 0;
            max = -1;
            c->p++;
        } else if (ch == '+') {
            min = 1;
            max = -1;
            c->p++;
        } else if (ch == '?') {
            min = 0;
            max = 1;
            c->p++;
        } else if (ch == '{' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9') {
            c->p++;
            min = 0;
            while (c->p < c->end && *c->p >= '0' && *c->p <= '9') min = min * 10 + (*c->p++ - '0');
            max = min;
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                if (c->p < c->end && *c->p == '}') {
                    max = -1;
                } else {
                    max = 0;
                    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') max = max * 10 + (*c->p++ - '0');
                }
            }
            if (c->p >= c->end || *c->p != '}') re_error("bad repeat");
            c->p++;
            if (max >= 0 && max < min) re_error("min repeat greater than max repeat");
        } else {
            return;
        }
        bool lazy = false;
        if (c->p < c->end && *c->p == '?') {
            lazy = true;
            c->p++;
        }
        /* Move the atom out, then rebuild: min copies, then optional/looping part. */
        size_t alen = end - start;
        int32_t *atom = kn_alloc_atomic((alen + 1) * sizeof(int32_t));
        memcpy(atom, c->code + start, alen * sizeof(int32_t));
        c->len = start;
        for (int k = 0; k < min; k++) {
            for (size_t i = 0; i < alen; i++) emit(c, atom[i]);
        }
        if (max < 0) {
            /* L: SPLIT body, out; body: MARK r; atom; CHECK r; JMP L */
            int reg = c->nregs++;
            size_t l = c->len;
            emit(c, I_SPLIT);
            emit(c, 0);
            emit(c, 0);
            size_t body = c->len;
            emit(c, I_MARK);
            emit(c, reg);
            for (size_t i = 0; i < alen; i++) emit(c, atom[i]);
            emit(c, I_CHECK);
            emit(c, reg);
            size_t j = c->len;
            emit(c, I_JMP);
            emit(c, (int32_t)l - (int32_t)j);
            size_t out = c->len;
            c->code[l + 1] = (int32_t)(lazy ? out : body) - (int32_t)l;
            c->code[l + 2] = (int32_t)(lazy ? body : out) - (int32_t)l;
        } else {
            size_t patches[64];
            int np = 0;
            for (int k = min; k < max; k++) {
                size_t s = c->len;
                emit(c, I_SPLIT);
                emit(c, 0);
                emit(c, 0);
                if (np < 64) patches[np++] = s;
                for (size_t i = 0; i < alen; i++) emit(c, atom[i]);
            }
            size_t out = c->len;
            for (int k = 0; k < np; k++) {
                size_t s = patches[k];
                int32_t body = (int32_t)(s + 3) - (int32_t)s, skip = (int32_t)out - (int32_t)s;
                c->code[s + 1] = lazy ? skip : body;
                c->code[s + 2] = lazy ? body : skip;
            }
        }
        end = c->len;
        (void)dup_code;
    }
}

static void parse_concat(recomp_t *c, int depth) {
    while (c->p < c->end && *c->p != '|' && *c->p != ')') parse_repeat(c, depth);
}

static void parse_alt(recomp_t *c, int depth) {
    if (depth > 64) re_error("pattern too deeply nested");
    size_t start = c->len;
    parse_concat(c, depth);
    if (c->p >= c->end || *c->p != '|') return;
    /* SPLIT first, second; first: ...; JMP end; second: ... */
    size_t flen = c->len - start;
    int32_t *first = kn_alloc_atomic((flen + 1) * sizeof(int32_t));
    memcpy(first, c->code + start, flen * sizeof(int32_t));
    c->len = start;
    emit(c, I_SPLIT);
    emit(c, 3);
    emit(c, 0);
    for (size_t i = 0; i < flen; i++) emit(c, first[i]);
    size_t j = c->len;
    emit(c, I_JMP);
    emit(c, 0);
    c->code[start + 2] = (int32_t)c->len - (int32_t)start;
    c->p++;
    parse_alt(c, depth);
    c->code[j + 1] = (int32_t)c->len - (int32_t)j;
}

static kn_obj re_compile_obj(kn_obj pattern, int flags) {
    if (kn_is_type(pattern, &kn_type_re_pattern)) return pattern;
    if (!KN_IS_STR(pattern)) kn_raise_type("first argument must be string or compiled pattern");
    recomp_t c;
    memset(&c, 0, sizeof c);
    c.p = kn_str_data(pattern);
    c.end = c.p + kn_str_len(pattern);
    c.flags = flags;
    c.names = kn_dict_new(4);
    emit(&c, I_SAVE);
    emit(&c, 0);
    parse_alt(&c, 0);
    if (c.p < c.end) re_error("unbalanced parenthesis");
    emit(&c, I_SAVE);
    emit(&c, 1);
    emit(&c, I_MATCH);
    pattern_t *pt = KN_NEW(pattern_t);
    pt->base.type = &kn_type_re_pattern;
    pt->pattern = pattern;
    pt->names = c.names;
    pt->code = c.code;
    pt->classes = c.classes;
    pt->ngroups = c.ngroups;
    pt->nregs = c.nregs;
    pt->flags = flags;
    return KN_OBJ(pt);
}

/* ---- matching ---- */

static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *adv) {
    uint8_t b = (uint8_t)s[i];
    if (b < 0x80) {
        *adv = 1;
        return b;
    }
    int extra = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    uint32_t cp = b & (0x3fu >> extra);
    size_t k = 1;
    while (extra-- > 0 && i + k < n) cp = (cp << 6) | ((uint8_t)s[i + k++] & 0x3fu);
    *adv = k;
    return cp;
}

static bool is_word(uint32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static uint32_t fold(uint32_t c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool class_match(const int32_t *cls, uint32_t c, bool icase) {
    bool neg = cls[0] != 0;
    int32_t n = cls[1];
    bool hit = false;
    for (int32_t i = 0; i < n && !hit; i++) {
        int32_t lo = cls[2 + 2 * i], hi = cls[3 + 2 * i];
        if (lo < 0) {
            bool d = c >= '0' && c <= '9', w = is_word(c), sp = c == ' ' || (c >= 9 && c <= 13);
            switch (lo) {
                case CL_DIGIT: hit = d; break;
                case CL_NDIGIT: hit = !d; break;
                case CL_WORD: hit = w; break;
                case CL_NWORD: hit = !w; break;
                case CL_SPACE: hit = sp; break;
                default: hit = !sp; break;
            }
        } else {
            hit = (int32_t)c >= lo && (int32_t)c <= hi;
            if (!hit && icase) {
                uint32_t f = fold(c), u = c >= 'a' && c <= 'z' ? c - 32 : c;
                hit = ((int32_t)f >= lo && (int32_t)f <= hi) || ((int32_t)u >= lo && (int32_t)u <= hi);
            }
        }
    }
    return hit != neg;
}

typedef struct { int32_t pc; int32_t kind; kn_int_t a, b; } bt_t; /* kind 0: alternative (pc, sp=a); 1: restore slot a to b; 2: restore reg */

/* Tries a match anchored at start; fills slots on success. */
static bool run(pattern_t *pt, const char *s, size_t n, size_t start, kn_int_t *slots, bool full) {
    size_t nslots = 2 * ((size_t)pt->ngroups + 1);
    for (size_t i = 0; i < nslots; i++) slots[i] = -1;
    kn_int_t regs_small[16];
    kn_int_t *regs = pt->nregs <= 16 ? regs_small : kn_alloc_atomic((size_t)pt->nregs * sizeof(kn_int_t));
    for (int i = 0; i < pt->nregs; i++) regs[i] = -1;
    size_t cap = 64, top = 0;
    bt_t *stack = kn_alloc_atomic(cap * sizeof(bt_t));
    const int32_t *code = pt->code;
    bool icase = (pt->flags & RE_I) != 0;
    int32_t pc = 0;
    size_t sp = start;
    uint32_t steps = 0;
    for (;;) {
        if ((++steps & 0xffff) == 0) kn_check_interrupt();
        bool fail = false;
        switch (code[pc]) {
            case I_CHAR: {
                size_t adv;
                if (sp >= n) { fail = true; break; }
                uint32_t c = cp_at(s, n, sp, &adv);
                if (c == (uint32_t)code[pc + 1] || (icase && fold(c) == fold((uint32_t)code[pc + 1]))) {
                    sp += adv;
                    pc += 2;
                } else {
                    fail = true;
                }
                break;
            }
            case I_ANY: {
                size_t adv;
                if (sp >= n) { fail = true; break; }
                uint32_t c = cp_at(s, n, sp, &adv);
                if (c == '\n' && !(pt->flags & RE_S)) { fail = true; break; }
                sp += adv;
                pc += 1;
                break;
            }
            case I_CLASS: {
                size_t adv;
                if (sp >= n) { fail = true; break; }
                uint32_t c = cp_at(s, n, sp, &adv);
                if (!class_match(pt->classes + code[pc + 1], c, icase)) { fail = true; break; }
                sp += adv;
                pc += 2;
                break;
            }
            case I_BOL:
                if (sp == 0 || ((pt->flags & RE_M) && s[sp - 1] == '\n')) pc++;
                else fail = true;
                break;
            case I_EOL:
                if (sp == n || (sp == n - 1 && s[sp] == '\n') || ((pt->flags & RE_M) && s[sp] == '\n')) pc++;
                else fail = true;
                break;
            case I_STRBEG:
                if (sp == 0) pc++;
                else fail = true;
                break;
            case I_STREND:
                if (sp == n) pc++;
                else fail = true;
                break;
            case I_WORDB:
            case I_NWORDB: {
                bool a = sp > 0 && is_word((uint8_t)s[sp - 1]), b = sp < n && is_word((uint8_t)s[sp]);
                if ((a != b) == (code[pc] == I_WORDB)) pc++;
                else fail = true;
                break;
            }
            case I_BACKREF: {
                int g = code[pc + 1];
                if (g > pt->ngroups || slots[2 * g] < 0 || slots[2 * g + 1] < 0) { fail = true; break; }
                size_t len = (size_t)(slots[2 * g + 1] - slots[2 * g]);
                if (sp + len > n || memcmp(s + sp, s + slots[2 * g], len) != 0) { fail = true; break; }
                sp += len;
                pc += 2;
                break;
            }
            case I_SPLIT:
            case I_SAVE:
            case I_MARK: {
                if (top + 1 >= cap) {
                    if (cap >= (1u << 22)) kn_raise_msg(&kn_type_RuntimeError, "maximum recursion limit exceeded");
                    stack = kn_realloc(stack, cap * sizeof(bt_t), cap * 2 * sizeof(bt_t));
                    cap *= 2;
                }
                bt_t *e = &stack[top++];
                if (code[pc] == I_SPLIT) {
                    e->kind = 0;
                    e->pc = pc + code[pc + 2];
                    e->a = (kn_int_t)sp;
                    pc += code[pc + 1];
                } else if (code[pc] == I_SAVE) {
                    int32_t k = code[pc + 1];
                    e->kind = 1;
                    e->a = k;
                    e->b = slots[k];
                    slots[k] = (kn_int_t)sp;
                    pc += 2;
                } else {
                    int32_t r = code[pc + 1];
                    e->kind = 2;
                    e->a = r;
                    e->b = regs[r];
                    regs[r] = (kn_int_t)sp;
                    pc += 2;
                }
                break;
            }
            case I_CHECK:
                /* a loop body that matched nothing must not loop again */
                if (regs[code[pc + 1]] == (kn_int_t)sp) fail = true;
                else pc += 2;
                break;
            case I_JMP:
                pc += code[pc + 1];
                break;
            default: /* I_MATCH */
                if (!full || sp == n) return true;
                fail = true;
                break;
        }
        if (!fail) continue;
        for (;;) {
            if (top == 0) return false;
            bt_t *e = &stack[--top];
            if (e->kind == 1) {
                slots[e->a] = e->b;
            } else if (e->kind == 2) {
                regs[e->a] = e->b;
            } else {
                pc = e->pc;
                sp = (size_t)e->a;
                break;
            }
        }
    }
}

static kn_obj make_match(pattern_t *pt, kn_obj string, const kn_int_t *slots, kn_int_t pos, kn_int_t endpos) {
    size_t ns = 2 * ((size_t)pt->ngroups + 1);
    match_t *m = kn_alloc(sizeof(match_t) + ns * sizeof(kn_int_t));
    m->base.type = &kn_type_re_match;
    m->pattern = KN_OBJ(pt);
    m->string = string;
    m->ngroups = pt->ngroups;
    m->pos = pos;
    m->endpos = endpos;
    memcpy(m->slots, slots, ns * sizeof(kn_int_t));
    return KN_OBJ(m);
}

enum { MODE_MATCH, MODE_SEARCH, MODE_FULL };

/* What the matcher reads as text: a str or bytes (checked before anything reads its length). */
static kn_obj subject(kn_obj string) {
    if (!KN_IS_STR(string) && !kn_is_type(string, &kn_type_bytes)) kn_raise_type("expected string or bytes-like object");
    return string;
}

static kn_obj do_match(pattern_t *pt, kn_obj string, size_t pos, int mode) {
    subject(string);
    const char *s = kn_str_data(string);
    size_t n = kn_str_len(string);
    kn_int_t *slots = kn_alloc_atomic(2 * ((size_t)pt->ngroups + 1) * sizeof(kn_int_t));
    for (size_t start = pos; start <= n; start++) {
        if (start > pos && start < n && ((uint8_t)s[start] & 0xc0) == 0x80) continue;
        if (run(pt, s, n, start, slots, mode == MODE_FULL)) return make_match(pt, string, slots, (kn_int_t)pos, (kn_int_t)n);
        if (mode != MODE_SEARCH) break;
    }
    return kn_none;
}

/* Byte offset -> character index for str results. */
static kn_int_t char_index(kn_obj string, kn_int_t byte_off) {
    if (byte_off < 0 || !KN_IS_STR(string) || (((kn_str_t *)string)->len_flags & KN_STR_ASCII)) return byte_off;
    return (kn_int_t)kn_utf8_charlen(kn_str_data(string), (size_t)byte_off);
}

static kn_obj sub_str(kn_obj string, kn_int_t a, kn_int_t b) {
    const char *s = kn_str_data(string);
    return KN_IS_STR(string) ? kn_str_new(s + a, (size_t)(b - a)) : kn_bytes_new(s + a, (size_t)(b - a));
}

static int group_index(match_t *m, kn_obj g) {
    if (KN_IS_STR(g)) {
        kn_obj i = kn_dict_get(((pattern_t *)m->pattern)->names, g);
        if (i == KN_NULL) kn_raise_msg(&kn_type_IndexError, "no such group");
        return (int)KN_SMALL(i);
    }
    kn_int_t i = kn_get_int(g);
    if (i < 0 || i > m->ngroups) kn_raise_msg(&kn_type_IndexError, "no such group");
    return (int)i;
}

static kn_obj group_value(match_t *m, int g, kn_obj dflt) {
    kn_int_t a = m->slots[2 * g], b = m->slots[2 * g + 1];
    if (a < 0 || b < 0) return dflt;
    return sub_str(m->string, a, b);
}

static kn_obj m_group(size_t n, const kn_obj *args) {
    match_t *m = KN_PTR(args[0]);
    if (n <= 2) return group_value(m, n == 2 ? group_index(m, args[1]) : 0, kn_none);
    kn_obj t = kn_tuple_new(n - 1, NULL);
    for (size_t i = 1; i < n; i++) ((kn_tuple_t *)t)->items[i - 1] = group_value(m, group_index(m, args[i]), kn_none);
    return t;
}
static KN_FUNV(m_group_obj, 1, 0xffff, m_group);

static kn_obj m_groups(size_t n, const kn_obj *args) {
    match_t *m = KN_PTR(args[0]);
    kn_obj dflt = n > 1 ? args[1] : kn_none;
    kn_obj t = kn_tuple_new((size_t)m->ngroups, NULL);
    for (int g = 1; g <= m->ngroups; g++) ((kn_tuple_t *)t)->items[g - 1] = group_value(m, g, dflt);
    return t;
}
static KN_FUNV(m_groups_obj, 1, 2, m_groups);

static kn_obj m_groupdict(size_t n, const kn_obj *args) {
    match_t *m = KN_PTR(args[0]);
    kn_obj d = kn_dict_new(4);
    size_t pos = 0;
    kn_obj k, v;
    while (kn_dict_next(((pattern_t *)m->pattern)->names, &pos, &k, &v)) {
        kn_dict_set(d, k, group_value(m, (int)KN_SMALL(v), n > 1 ? args[1] : kn_none));
    }
    return d;
}
static KN_FUNV(m_groupdict_obj, 1, 2, m_groupdict);

static kn_obj m_start(size_t n, const kn_obj *args) {
    match_t *m = KN_PTR(args[0]);
    int g = n > 1 ? group_index(m, args[1]) : 0;
    return KN_MKSMALL(char_index(m->string, m->slots[2 * g]));
}
static KN_FUNV(m_start_obj, 1, 2, m_start);

static kn_obj m_end(size_t n, const kn_obj *args) {
    match_t *m = KN_PTR(args[0]);
    int g = n > 1 ? group_index(m, args[1]) : 0;
    return KN_MKSMALL(char_index(m->string, m->slots[2 * g + 1]));
}
static KN_FUNV(m_end_obj, 1, 2, m_end);

static kn_obj m_span(size_t n, const kn_obj *args) {
    kn_obj t[2] = {m_start(n, args), m_end(n, args)};
    return kn_tuple_new(2, t);
}
static KN_FUNV(m_span_obj, 1, 2, m_span);

static kn_obj m_subscr(kn_obj o, kn_obj index, kn_obj value) {
    if (value != KN_LOAD) kn_raise_type("'re.Match' object does not support item assignment");
    match_t *m = KN_PTR(o);
    return group_value(m, group_index(m, index), kn_none);
}

static bool m_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    match_t *m = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(string)) *dest = m->string;
    else if (name == KN_Q(re)) *dest = m->pattern;
    else if (name == KN_Q(pos)) *dest = KN_MKSMALL(m->pos);
    else if (name == KN_Q(endpos)) *dest = KN_MKSMALL(m->endpos);
    else if (name == KN_Q(lastindex)) {
        *dest = kn_none;
        for (int g = m->ngroups; g >= 1; g--) {
            if (m->slots[2 * g + 1] >= 0) {
                *dest = KN_MKSMALL(g);
                break;
            }
        }
    } else return false;
    return true;
}

static void m_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    match_t *m = KN_PTR(o);
    kn_printf(p, "<re.Match object; span=(%d, %d), match=%r>", (int)char_index(m->string, m->slots[0]),
              (int)char_index(m->string, m->slots[1]), group_value(m, 0, kn_none));
}

KN_METHODS(match_methods, KN_METHOD(group, m_group_obj), KN_METHOD(groups, m_groups_obj),
           KN_METHOD(groupdict, m_groupdict_obj), KN_METHOD(start, m_start_obj), KN_METHOD(end, m_end_obj),
           KN_METHOD(span, m_span_obj));

const kn_type_t kn_type_re_match = {
    .base = {&kn_type_type},
    .name = KN_Q(Match),
    .print = m_print,
    .attr = m_attr,
    .subscr = m_subscr,
    .base_type = &kn_type_object,
    .methods = &match_methods,
};

/* ---- pattern methods ---- */

static size_t pos_arg(kn_obj string, size_t n, const kn_obj *args, size_t at) {
    subject(string);
    if (n <= at) return 0;
    kn_int_t p = kn_get_int(args[at]);
    if (p < 0) p = 0;
    size_t len = kn_str_len(string);
    if (KN_IS_STR(string) && !(((kn_str_t *)string)->len_flags & KN_STR_ASCII)) {
        /* character index -> byte offset */
        const char *s = kn_str_data(string);
        size_t b = 0;
        while (b < len && p > 0) {
            b++;
            while (b < len && ((uint8_t)s[b] & 0xc0) == 0x80) b++;
            p--;
        }
        return b;
    }
    return (size_t)p > len ? len : (size_t)p;
}

static kn_obj p_match(size_t n, const kn_obj *a) { return do_match(KN_PTR(a[0]), a[1], pos_arg(a[1], n, a, 2), MODE_MATCH); }
static kn_obj p_search(size_t n, const kn_obj *a) { return do_match(KN_PTR(a[0]), a[1], pos_arg(a[1], n, a, 2), MODE_SEARCH); }
static kn_obj p_fullmatch(size_t n, const kn_obj *a) { return do_match(KN_PTR(a[0]), a[1], pos_arg(a[1], n, a, 2), MODE_FULL); }
static KN_FUNV(p_match_obj, 2, 3, p_match);
static KN_FUNV(p_search_obj, 2, 3, p_search);
static KN_FUNV(p_fullmatch_obj, 2, 3, p_fullmatch);

/* Calls fn(match) for each non-overlapping match; returns the list of matches. */
static kn_obj all_matches(pattern_t *pt, kn_obj string, size_t limit) {
    subject(string);
    kn_obj out = kn_list_new(0, NULL);
    size_t n = kn_str_len(string);
    size_t pos = 0;
    while (pos <= n && (limit == 0 || ((kn_list_t *)out)->len < limit)) {
        kn_obj m = do_match(pt, string, pos, MODE_SEARCH);
        if (m == kn_none) break;
        match_t *mm = KN_PTR(m);
        kn_list_append(out, m);
        size_t e = (size_t)mm->slots[1];
        if (e == (size_t)mm->slots[0]) {
            /* empty match: step one character */
            e++;
            while (e < n && ((uint8_t)kn_str_data(string)[e] & 0xc0) == 0x80) e++;
        }
        pos = e;
    }
    return out;
}

static kn_obj p_findall(size_t n, const kn_obj *a) {
    (void)n;
    pattern_t *pt = KN_PTR(a[0]);
    kn_obj ms = all_matches(pt, a[1], 0);
    kn_list_t *l = KN_PTR(ms);
    kn_obj out = kn_list_new(0, NULL);
    for (size_t i = 0; i < l->len; i++) {
        match_t *m = KN_PTR(l->items[i]);
        if (pt->ngroups == 0) kn_list_append(out, group_value(m, 0, kn_none));
        else if (pt->ngroups == 1) kn_list_append(out, group_value(m, 1, KN_IS_STR(a[1]) ? KN_Q(empty) : kn_bytes_new("", 0)));
        else kn_list_append(out, m_groups(2, (kn_obj[]){l->items[i], KN_IS_STR(a[1]) ? KN_Q(empty) : kn_bytes_new("", 0)}));
    }
    return out;
}
static KN_FUNV(p_findall_obj, 2, 3, p_findall);

static kn_obj p_finditer(size_t n, const kn_obj *a) {
    (void)n;
    return kn_getiter(all_matches(KN_PTR(a[0]), a[1], 0));
}
static KN_FUNV(p_finditer_obj, 2, 3, p_finditer);

static void expand_template(kn_vstr_t *out, kn_obj repl, match_t *m) {
    const char *r = kn_str_data(repl);
    size_t n = kn_str_len(repl);
    for (size_t i = 0; i < n; i++) {
        if (r[i] != '\\' || i + 1 >= n) {
            kn_vstr_addc(out, r[i]);
            continue;
        }
        char e = r[++i];
        kn_obj g = KN_NULL;
        if (e >= '0' && e <= '9') {
            int idx = e - '0';
            if (i + 1 < n && r[i + 1] >= '0' && r[i + 1] <= '9' && idx * 10 + (r[i + 1] - '0') <= m->ngroups) idx = idx * 10 + (r[++i] - '0');
            g = KN_MKSMALL(idx);
        } else if (e == 'g' && i + 1 < n && r[i + 1] == '<') {
            size_t s = i + 2, k = s;
            while (k < n && r[k] != '>') k++;
            kn_obj name = kn_str_new(r + s, k - s);
            kn_obj num = kn_int_parse(r + s, k - s, 10, false);
            g = num != KN_NULL ? num : name;
            i = k;
        } else {
            char c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '\\' ? '\\' : 0;
            if (c) {
                kn_vstr_addc(out, c);
            } else {
                kn_vstr_addc(out, '\\');
                kn_vstr_addc(out, e);
            }
            continue;
        }
        kn_obj v = group_value(m, group_index(m, g), KN_NULL);
        if (v != KN_NULL) kn_vstr_add(out, kn_str_data(v), kn_str_len(v));
    }
}

static kn_obj do_sub(pattern_t *pt, kn_obj repl, kn_obj string, size_t count, bool return_n) {
    kn_obj ms = all_matches(pt, string, count);
    kn_list_t *l = KN_PTR(ms);
    kn_vstr_t out;
    kn_vstr_init(&out, kn_str_len(string) + 16);
    const char *s = kn_str_data(string);
    size_t last = 0;
    for (size_t i = 0; i < l->len; i++) {
        match_t *m = KN_PTR(l->items[i]);
        kn_vstr_add(&out, s + last, (size_t)m->slots[0] - last);
        if (KN_IS_STR(repl) || kn_is_type(repl, &kn_type_bytes)) {
            expand_template(&out, repl, m);
        } else {
            kn_obj r = kn_call1(repl, l->items[i]);
            if (kn_typeof(r) != kn_typeof(string)) {
                kn_raise_fmt(&kn_type_TypeError, "expected %s instance, %s found", kn_type_cname(string), kn_type_cname(r));
            }
            kn_vstr_add(&out, kn_str_data(r), kn_str_len(r));
        }
        last = (size_t)m->slots[1];
    }
    kn_vstr_add(&out, s + last, kn_str_len(string) - last);
    kn_obj res = KN_IS_STR(string) ? kn_vstr_to_str(&out) : kn_vstr_to_bytes(&out);
    if (!return_n) return res;
    kn_obj t[2] = {res, KN_MKSMALL((kn_int_t)l->len)};
    return kn_tuple_new(2, t);
}

static size_t count_arg(size_t n, const kn_obj *a, size_t at, kn_obj kw) {
    kn_obj c = n > at ? a[at] : KN_NULL;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(count));
        if (v != KN_NULL) c = v;
    }
    return c == KN_NULL ? 0 : (size_t)kn_get_int(c);
}

static kn_obj p_sub(size_t n, const kn_obj *a, kn_obj kw) {
    return do_sub(KN_PTR(a[0]), a[1], a[2], count_arg(n, a, 3, kw), false);
}
static KN_FUNK(p_sub_obj, 3, p_sub);

static kn_obj p_subn(size_t n, const kn_obj *a, kn_obj kw) {
    return do_sub(KN_PTR(a[0]), a[1], a[2], count_arg(n, a, 3, kw), true);
}
static KN_FUNK(p_subn_obj, 3, p_subn);

static kn_obj p_split(size_t n, const kn_obj *a, kn_obj kw) {
    pattern_t *pt = KN_PTR(a[0]);
    kn_obj string = a[1];
    size_t maxsplit = 0;
    if (n > 2) maxsplit = (size_t)kn_get_int(a[2]);
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(maxsplit));
        if (v != KN_NULL) maxsplit = (size_t)kn_get_int(v);
    }
    kn_obj ms = all_matches(pt, string, maxsplit);
    kn_list_t *l = KN_PTR(ms);
    kn_obj out = kn_list_new(0, NULL);
    kn_int_t last = 0;
    for (size_t i = 0; i < l->len; i++) {
        match_t *m = KN_PTR(l->items[i]);
        kn_list_append(out, sub_str(string, last, m->slots[0]));
        for (int g = 1; g <= m->ngroups; g++) kn_list_append(out, group_value(m, g, kn_none));
        last = m->slots[1];
    }
    kn_list_append(out, sub_str(string, last, (kn_int_t)kn_str_len(string)));
    return out;
}
static KN_FUNK(p_split_obj, 2, p_split);

static bool p_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    pattern_t *pt = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(pattern)) *dest = pt->pattern;
    else if (name == KN_Q(flags)) *dest = KN_MKSMALL(pt->flags | 32);
    else if (name == KN_Q(groups)) *dest = KN_MKSMALL(pt->ngroups);
    else if (name == KN_Q(groupindex)) *dest = pt->names;
    else return false;
    return true;
}

static void p_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_printf(p, "re.compile(%r)", ((pattern_t *)o)->pattern);
}

KN_METHODS(pattern_methods, KN_METHOD(match, p_match_obj), KN_METHOD(search, p_search_obj),
           KN_METHOD(fullmatch, p_fullmatch_obj), KN_METHOD(findall, p_findall_obj),
           KN_METHOD(finditer, p_finditer_obj), KN_METHOD(sub, p_sub_obj), KN_METHOD(subn, p_subn_obj),
           KN_METHOD(split, p_split_obj));

const kn_type_t kn_type_re_pattern = {
    .base = {&kn_type_type},
    .name = KN_Q(Pattern),
    .print = p_print,
    .attr = p_attr,
    .base_type = &kn_type_object,
    .methods = &pattern_methods,
};

/* ---- module functions: compile then delegate ---- */

static int flags_arg(size_t n, const kn_obj *a, size_t at, kn_obj kw) {
    kn_obj f = n > at ? a[at] : KN_NULL;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(flags));
        if (v != KN_NULL) f = v;
    }
    return f == KN_NULL ? 0 : (int)kn_get_int(f);
}

static kn_obj re_compile(size_t n, const kn_obj *a, kn_obj kw) {
    return re_compile_obj(a[0], flags_arg(n, a, 1, kw));
}
static KN_FUNK(re_compile_fn, 1, re_compile);

#define RE_WRAP(name, fn, nargs)                                                   \
    static kn_obj re_##name(size_t n, const kn_obj *a, kn_obj kw) {                \
        kn_obj args[4] = {re_compile_obj(a[0], flags_arg(n, a, nargs, kw))};       \
        for (size_t i = 1; i < nargs && i < n; i++) args[i] = a[i];                \
        return fn(n < nargs ? n : nargs, args);                                    \
    }                                                                              \
    static KN_FUNK(re_##name##_fn, nargs, re_##name)

RE_WRAP(match, p_match, 2);
RE_WRAP(search, p_search, 2);
RE_WRAP(fullmatch, p_fullmatch, 2);
RE_WRAP(findall, p_findall, 2);
RE_WRAP(finditer, p_finditer, 2);

static kn_obj re_sub(size_t n, const kn_obj *a, kn_obj kw) {
    kn_obj args[3] = {re_compile_obj(a[0], flags_arg(n, a, 4, kw)), a[1], a[2]};
    return do_sub(KN_PTR(args[0]), args[1], args[2], count_arg(n, a, 3, kw), false);
}
static KN_FUNK(re_sub_fn, 3, re_sub);

static kn_obj re_subn(size_t n, const kn_obj *a, kn_obj kw) {
    kn_obj p = re_compile_obj(a[0], flags_arg(n, a, 4, kw));
    return do_sub(KN_PTR(p), a[1], a[2], count_arg(n, a, 3, kw), true);
}
static KN_FUNK(re_subn_fn, 3, re_subn);

static kn_obj re_split(size_t n, const kn_obj *a, kn_obj kw) {
    kn_obj args[3] = {re_compile_obj(a[0], flags_arg(n, a, 3, kw)), a[1], n > 2 ? a[2] : KN_MKSMALL(0)};
    return p_split(3, args, kw);
}
static KN_FUNK(re_split_fn, 2, re_split);

static kn_obj re_escape(kn_obj s) {
    subject(s);
    kn_vstr_t v;
    kn_vstr_init(&v, kn_str_len(s) * 2);
    const char *d = kn_str_data(s);
    for (size_t i = 0; i < kn_str_len(s); i++) {
        char c = d[i];
        if (c != '\0' && strchr(".^$*+?{}[]\\|()-&~# \t\n\r\v\f", c)) kn_vstr_addc(&v, '\\');
        kn_vstr_addc(&v, c);
    }
    return KN_IS_STR(s) ? kn_vstr_to_str(&v) : kn_vstr_to_bytes(&v);
}
static KN_FUN1(re_escape_fn, re_escape);

static const kn_method_t re_table[] = {
    {KN_Q(compile), KN_OBJ(&re_compile_fn)},   {KN_Q(match), KN_OBJ(&re_match_fn)},
    {KN_Q(search), KN_OBJ(&re_search_fn)},     {KN_Q(fullmatch), KN_OBJ(&re_fullmatch_fn)},
    {KN_Q(findall), KN_OBJ(&re_findall_fn)},   {KN_Q(finditer), KN_OBJ(&re_finditer_fn)},
    {KN_Q(sub), KN_OBJ(&re_sub_fn)},           {KN_Q(subn), KN_OBJ(&re_subn_fn)},
    {KN_Q(split), KN_OBJ(&re_split_fn)},       {KN_Q(escape), KN_OBJ(&re_escape_fn)},
    {KN_Q(IGNORECASE), KN_MKSMALL(RE_I)},      {KN_Q(I), KN_MKSMALL(RE_I)},
    {KN_Q(MULTILINE), KN_MKSMALL(RE_M)},       {KN_Q(M), KN_MKSMALL(RE_M)},
    {KN_Q(DOTALL), KN_MKSMALL(RE_S)},          {KN_Q(S), KN_MKSMALL(RE_S)},
    {KN_Q(error), KN_OBJ(&kn_type_ValueError)},
};

kn_obj kn_mod_re_init(void) {
    return kn_module_from_table(KN_Q(re), re_table, sizeof re_table / sizeof re_table[0]);
}
