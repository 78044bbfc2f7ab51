/* emit_native.c: translates a code object's bytecode to machine code for @micropython.native and @micropython.viper. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lexer.h"
#include "native.h"

#if KILN_NATIVE

uint8_t *kn_native_code_alloc(size_t n);
kn_obj kn_nrt_box(uintptr_t v, uintptr_t type);
uintptr_t kn_nrt_unbox(kn_obj o, uintptr_t type);
uintptr_t kn_nrt_divmod(uintptr_t a, uintptr_t b, uintptr_t op);
uintptr_t kn_nrt_truthy(kn_obj o);
kn_obj kn_nrt_box_range(kn_frame_t *f, uintptr_t where, uintptr_t iter);
uintptr_t kn_nrt_op(kn_frame_t *f, uintptr_t opword, uintptr_t where);

/* ---- code buffer and labels (shared by every backend) ---- */

static void grow(kn_asm_t *a, uint32_t n) {
    if (a->len + n <= a->cap) return;
    uint32_t cap = a->cap * 2 + n + 64;
    a->buf = kn_realloc(a->buf, a->cap, cap);
    a->cap = cap;
}

void kn_asm_byte(kn_asm_t *a, uint8_t b) {
    grow(a, 1);
    a->buf[a->len++] = b;
}

void kn_asm_u16(kn_asm_t *a, uint16_t v) {
    kn_asm_byte(a, (uint8_t)v);
    kn_asm_byte(a, (uint8_t)(v >> 8));
}

void kn_asm_u32(kn_asm_t *a, uint32_t v) {
    kn_asm_u16(a, (uint16_t)v);
    kn_asm_u16(a, (uint16_t)(v >> 16));
}

void kn_asm_fixup(kn_asm_t *a, uint32_t label, uint8_t kind) {
    if (a->nfix == a->capfix) {
        uint32_t cap = a->capfix * 2 + 16;
        a->fix = kn_realloc(a->fix, a->capfix * sizeof(kn_fixup_t), cap * sizeof(kn_fixup_t));
        a->capfix = cap;
    }
    a->fix[a->nfix++] = (kn_fixup_t){a->len, label, kind};
}

void kn_asm_label(kn_asm_t *a, uint32_t label) {
    a->labels[label] = (int32_t)a->len;
}

/* ---- the emitter ---- */

#define W ((int32_t)sizeof(kn_obj))
#define UNKNOWN 0xff

typedef struct {
    kn_asm_t as;
    kn_code_t *code;
    bool viper;
    int rettype;
    uint32_t nbc;
    uint32_t base;        /* word index of the operand stack in frame->values */
    int16_t *depth;       /* stack depth on entry of each bytecode offset, -1 unknown */
    uint8_t **tstate;     /* viper: stack types on entry of jump targets */
    uint8_t *ltype;       /* viper: type of each local (UNKNOWN until first store) */
    uint8_t *bound;       /* locals that always hold a value (parameters never deleted) */
    uint8_t *st;          /* current stack types */
    int d;                /* current depth, -1 unreachable */
    uint32_t off;         /* offset of the instruction being emitted */
    uint32_t nextlabel;
    uint16_t stack0;      /* the bytecode's own stack size: scratch slots for range loops follow it */
    int npairs;           /* scratch pairs handed out */
} em_t;

static void em_error(em_t *e, const char *fmt, ...) __attribute__((noreturn));
static void em_error(em_t *e, const char *fmt, ...) {
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kn_syntax_error(kn_code_filename(e->code), (uint32_t)kn_code_line(e->code, e->code->bc + e->off), msg);
}

static const char *const vt_names[KN_VT_COUNT] = {"object", "int", "uint", "bool", "ptr8", "ptr16", "ptr32", "object",
                                                   "int",    "uint", "bool", "ptr8", "ptr16", "ptr32", "range"};

static const char *vt_name(int t) {
    return t < KN_VT_COUNT ? vt_names[t] : "range";
}

static int32_t slot(em_t *e, int i) {
    return (int32_t)((e->base + (uint32_t)i) * (uint32_t)W);
}

static uint32_t new_label(em_t *e) {
    if (e->nextlabel >= e->as.nlabels) em_error(e, "native: function too large");
    return e->nextlabel++;
}

static bool is_raw(int t) {
    return t >= KN_VT_INT && t <= KN_VT_PTR32;
}

static bool is_intlike(int t) {
    return t == KN_VT_INT || t == KN_VT_UINT || t == KN_VT_BOOL;
}

static int ptr_size(int t) {
    return t == KN_VT_PTR8 ? 1 : t == KN_VT_PTR16 ? 2 : 4;
}

/* Records f->ip so tracebacks and handlers see this instruction. */
static void set_ip(em_t *e) {
    kn_asm_mov_imm(&e->as, KN_R_T0, (uintptr_t)(e->code->bc + e->off));
    kn_asm_st(&e->as, KN_R_T0, KN_R_RF, (int32_t)offsetof(kn_frame_t, ip), 0);
}

/* Calls kn_nrt_op for one bytecode operation at stack depth d (it records f->ip itself). */
static void call_op(em_t *e, unsigned op, unsigned arg, int d) {
    kn_asm_mov(&e->as, KN_R_A0, KN_R_RF);
    kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)op | ((uintptr_t)arg << 8));
    kn_asm_mov_imm(&e->as, KN_R_A2, (uintptr_t)d | ((uintptr_t)e->off << 16));
    kn_asm_call_helper(&e->as);
}

/* Viper: turns stack slot i into an object. */
static void box(em_t *e, int i) {
    int t = e->st[i];
    if (t == KN_VT_OBJ || t == KN_VT_NONE_CONST) {
        e->st[i] = KN_VT_OBJ;
        return;
    }
    if (t >= KN_VT_RANGE) { /* a real range (or range iterator) from the raw start, stop, step */
        int k = t >= KN_VT_RANGE_ITER ? t - KN_VT_RANGE_ITER : t - KN_VT_RANGE;
        kn_asm_mov(&e->as, KN_R_A0, KN_R_RF);
        kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)i | ((uintptr_t)(e->stack0 + 2 * k) << 16));
        kn_asm_mov_imm(&e->as, KN_R_A2, t >= KN_VT_RANGE_ITER);
        kn_asm_call(&e->as, (const void *)kn_nrt_box_range);
        kn_asm_st(&e->as, KN_R_RET, KN_R_RV, slot(e, i), 0);
        e->st[i] = KN_VT_OBJ;
        return;
    }
    if (t == KN_VT_CAST_RANGE) {
        kn_asm_mov_imm(&e->as, KN_R_T0, KN_OBJ(&kn_type_range));
        kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0);
        e->st[i] = KN_VT_OBJ;
        return;
    }
    if (t >= KN_VT_CAST_INT) {
        if (t == KN_VT_CAST_INT || t == KN_VT_CAST_BOOL) { /* the builtin itself, used as a value */
            kn_asm_mov_imm(&e->as, KN_R_T0, t == KN_VT_CAST_INT ? KN_OBJ(&kn_type_int) : KN_OBJ(&kn_type_bool));
            kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0);
            e->st[i] = KN_VT_OBJ;
            return;
        }
        em_error(e, "viper: '%s' can only be called", vt_name(t));
    }
    set_ip(e);
    kn_asm_ld(&e->as, KN_R_A0, KN_R_RV, slot(e, i), 0, false);
    kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)t);
    kn_asm_call(&e->as, (const void *)kn_nrt_box);
    kn_asm_st(&e->as, KN_R_RET, KN_R_RV, slot(e, i), 0);
    e->st[i] = KN_VT_OBJ;
}

static void box_top(em_t *e, int n) {
    for (int i = e->d - n; i < e->d; i++) box(e, i);
}

/* Before a jump that carries values: raw ints and markers become objects; range loops stay raw. */
static void box_joins(em_t *e, int d) {
    for (int i = 0; i < d; i++) {
        if (e->st[i] < KN_VT_RANGE_ITER) box(e, i);
    }
}

/* Viper: converts the raw or object value in slot i to type t (raw), in place. */
static void convert(em_t *e, int i, int t) {
    int s = e->st[i];
    if (s == t) return;
    if (is_raw(s)) {
        if (t == KN_VT_BOOL) {
            uint32_t l = new_label(e);
            kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0, false);
            kn_asm_mov_imm(&e->as, KN_R_T1, 0);
            kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T0, KN_R_T1, l);
            kn_asm_mov_imm(&e->as, KN_R_T0, 1);
            kn_asm_label(&e->as, l);
            kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0);
        } else if (t == KN_VT_INT || t == KN_VT_UINT) {
            kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0, false);
            kn_asm_norm32(&e->as, KN_R_T0, t == KN_VT_INT);
            kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0);
        }
        e->st[i] = (uint8_t)t;
        return;
    }
    if (s >= KN_VT_CAST_INT) box(e, i);
    set_ip(e);
    kn_asm_ld(&e->as, KN_R_A0, KN_R_RV, slot(e, i), 0, false);
    kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)t);
    kn_asm_call(&e->as, (const void *)kn_nrt_unbox);
    kn_asm_st(&e->as, KN_R_RET, KN_R_RV, slot(e, i), 0);
    e->st[i] = (uint8_t)t;
}

/* Stack effect of an instruction on the fall-through path; *jd the depth change when it jumps. */
static int stack_effect(unsigned op, unsigned arg, int *jd) {
    *jd = 0;
    switch (op) {
        case KN_BC_NOP: case KN_BC_ROT_TWO: case KN_BC_ROT_THREE: case KN_BC_ROT_FOUR: case KN_BC_GET_ITER:
        case KN_BC_YIELD_VALUE: case KN_BC_GET_YIELD_FROM_ITER: case KN_BC_POP_BLOCK: case KN_BC_NOT:
        case KN_BC_LIST_TO_TUPLE: case KN_BC_SETUP_ANNOTATIONS: case KN_BC_WITH_ARG: case KN_BC_DELETE_FAST:
        case KN_BC_DELETE_DEREF: case KN_BC_DELETE_GLOBAL: case KN_BC_DELETE_NAME: case KN_BC_LOAD_ATTR:
        case KN_BC_UNARY_OP: case KN_BC_JUMP: case KN_BC_LOAD_FAST_LOAD_ATTR: case KN_BC_STORE_LOCALS_DICT:
            return 0;
        case KN_BC_POP_TOP: case KN_BC_BINARY_SUBSCR: case KN_BC_RETURN_VALUE: case KN_BC_YIELD_FROM:
        case KN_BC_WITH_EXIT: case KN_BC_PRINT_EXPR: case KN_BC_EXC_MATCH: case KN_BC_IMPORT_STAR: case KN_BC_ADD:
        case KN_BC_SUB: case KN_BC_MUL: case KN_BC_LT: case KN_BC_LE: case KN_BC_GT: case KN_BC_GE: case KN_BC_EQ:
        case KN_BC_NE: case KN_BC_IS: case KN_BC_IS_NOT: case KN_BC_IN: case KN_BC_NOT_IN: case KN_BC_STORE_FAST:
        case KN_BC_STORE_DEREF: case KN_BC_STORE_GLOBAL: case KN_BC_STORE_NAME: case KN_BC_DELETE_ATTR:
        case KN_BC_BINARY_OP: case KN_BC_LIST_APPEND: case KN_BC_SET_ADD: case KN_BC_LIST_EXTEND:
        case KN_BC_SET_UPDATE: case KN_BC_DICT_UPDATE: case KN_BC_DICT_MERGE: case KN_BC_IMPORT_NAME:
            return -1;
        case KN_BC_POP_JUMP_IF_FALSE: case KN_BC_POP_JUMP_IF_TRUE:
            *jd = -1;
            return -1;
        case KN_BC_JUMP_IF_FALSE_OR_POP: case KN_BC_JUMP_IF_TRUE_OR_POP:
            return -1;
        case KN_BC_FOR_ITER:
            *jd = -1;
            return 1;
        case KN_BC_SETUP_EXCEPT:
            *jd = 2;
            return 0;
        case KN_BC_SETUP_WITH:
            *jd = 2;
            return 1;
        case KN_BC_DUP_TOP: case KN_BC_LOAD_NONE: case KN_BC_LOAD_TRUE: case KN_BC_LOAD_FALSE:
        case KN_BC_LOAD_BUILD_CLASS: case KN_BC_LOAD_EXC: case KN_BC_LOAD_CONST: case KN_BC_LOAD_SMALL:
        case KN_BC_LOAD_FAST: case KN_BC_LOAD_DEREF: case KN_BC_LOAD_CLOSURE: case KN_BC_LOAD_GLOBAL:
        case KN_BC_LOAD_NAME: case KN_BC_LOAD_METHOD: case KN_BC_IMPORT_FROM:
            return 1;
        case KN_BC_DUP_TOP_TWO: return 2;
        case KN_BC_DELETE_SUBSCR: case KN_BC_POP_EXCEPT: case KN_BC_RERAISE: case KN_BC_STORE_ATTR:
        case KN_BC_MAP_ADD:
            return -2;
        case KN_BC_STORE_SUBSCR: case KN_BC_WITH_EXIT_EXC: case KN_BC_END_ASYNC_FOR: return -3;
        case KN_BC_ASYNC_WITH_EXC_END: return -4;
        case KN_BC_BEFORE_ASYNC_WITH: case KN_BC_ASYNC_WITH_EXC_CALL: return 1;
        case KN_BC_CALL_METHOD: return -(int)((arg & 0xff) + 2 * (arg >> 8) + 1);
        case KN_BC_CALL: return -(int)((arg & 0xff) + 2 * (arg >> 8));
        case KN_BC_CALL_EX: return -1 - (int)(arg & 1);
        case KN_BC_BUILD_TUPLE: case KN_BC_BUILD_LIST: case KN_BC_BUILD_SET: case KN_BC_BUILD_SLICE:
        case KN_BC_BUILD_STRING:
            return 1 - (int)arg;
        case KN_BC_BUILD_MAP: return 1 - 2 * (int)arg;
        case KN_BC_UNPACK_SEQUENCE: return (int)arg - 1;
        case KN_BC_UNPACK_EX: return (int)((arg & 0xff) + (arg >> 8));
        case KN_BC_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
        case KN_BC_RAISE: return -(int)arg;
        case KN_BC_MAKE_FUNCTION: return -(int)((arg & 1) + ((arg >> 1) & 1) + ((arg >> 2) & 1));
        default: return 0;
    }
}

/* Values an operation consumes from the top of the stack (all must be objects for the generic path). */
static int op_inputs(unsigned op, unsigned arg) {
    switch (op) {
        case KN_BC_CALL: return (int)((arg & 0xff) + 2 * (arg >> 8) + 1);
        case KN_BC_CALL_METHOD: return (int)((arg & 0xff) + 2 * (arg >> 8) + 2);
        case KN_BC_CALL_EX: return 2 + (int)(arg & 1);
        case KN_BC_BUILD_TUPLE: case KN_BC_BUILD_LIST: case KN_BC_BUILD_SET: case KN_BC_BUILD_SLICE:
        case KN_BC_BUILD_STRING: return (int)arg;
        case KN_BC_BUILD_MAP: return 2 * (int)arg;
        case KN_BC_STORE_SUBSCR: case KN_BC_WITH_EXIT_EXC: case KN_BC_ASYNC_WITH_EXC_CALL: return 3;
        case KN_BC_RAISE: return (int)arg;
        case KN_BC_MAKE_FUNCTION: return 1 + (int)((arg & 1) + ((arg >> 1) & 1) + ((arg >> 2) & 1));
        case KN_BC_FORMAT_VALUE: return (arg & 4) ? 2 : 1;
        case KN_BC_MAP_ADD: case KN_BC_STORE_ATTR: case KN_BC_DELETE_SUBSCR: case KN_BC_POP_EXCEPT: case KN_BC_RERAISE:
        case KN_BC_BINARY_SUBSCR: case KN_BC_ADD: case KN_BC_SUB: case KN_BC_MUL: case KN_BC_LT: case KN_BC_LE:
        case KN_BC_GT: case KN_BC_GE: case KN_BC_EQ: case KN_BC_NE: case KN_BC_IS: case KN_BC_IS_NOT: case KN_BC_IN:
        case KN_BC_NOT_IN: case KN_BC_BINARY_OP: case KN_BC_EXC_MATCH: case KN_BC_IMPORT_NAME: case KN_BC_YIELD_FROM:
            return 2;
        case KN_BC_DUP_TOP_TWO: return 2;
        default: { /* ops that pop n values read n; those that work on the top in place read one */
            int jd, eff = stack_effect(op, arg, &jd);
            (void)jd;
            return eff < 0 ? -eff : (op == KN_BC_LOAD_ATTR || op == KN_BC_UNARY_OP || op == KN_BC_GET_ITER ||
                                     op == KN_BC_NOT || op == KN_BC_LOAD_METHOD || op == KN_BC_GET_YIELD_FROM_ITER ||
                                     op == KN_BC_LIST_TO_TUPLE || op == KN_BC_UNPACK_SEQUENCE || op == KN_BC_UNPACK_EX ||
                                     op == KN_BC_IMPORT_FROM || op == KN_BC_SETUP_WITH || op == KN_BC_DUP_TOP ||
                                     op == KN_BC_FOR_ITER || op == KN_BC_GET_AWAITABLE || op == KN_BC_GET_AITER ||
                                     op == KN_BC_GET_ANEXT || op == KN_BC_ASYNC_GEN_WRAP ||
                                     op == KN_BC_BEFORE_ASYNC_WITH) ? 1 : 0;
        }
    }
}

/* Records the abstract state for a jump to target with depth d (and the current types). */
static void note_target(em_t *e, uint32_t target, int d) {
    if (target >= e->nbc) em_error(e, "native: bad jump target");
    if (e->depth[target] < 0) {
        e->depth[target] = (int16_t)d;
        if (e->viper && d > 0) {
            e->tstate[target] = kn_alloc_atomic((size_t)d);
            memcpy(e->tstate[target], e->st, (size_t)d);
        }
        return;
    }
    if (e->depth[target] != d) em_error(e, "native: inconsistent stack depth");
    if (e->viper && d > 0) {
        for (int i = 0; i < d; i++) {
            int a = e->tstate[target][i], b = e->st[i];
            if (a == KN_VT_NONE_CONST) a = KN_VT_OBJ;
            if (b == KN_VT_NONE_CONST) b = KN_VT_OBJ;
            if (a != b) em_error(e, "viper: a value is '%s' on one path and '%s' on another", vt_name(a), vt_name(b));
        }
    }
}

static void poll(em_t *e) {
    uint32_t skip = new_label(e);
    kn_asm_mov_imm(&e->as, KN_R_T1, (uintptr_t)&kn_st.poll_count);
    kn_asm_ld(&e->as, KN_R_T0, KN_R_T1, 0, 4, false);
    kn_asm_addi(&e->as, KN_R_T0, KN_R_T0, 1);
    kn_asm_st(&e->as, KN_R_T0, KN_R_T1, 0, 4);
    kn_asm_mov_imm(&e->as, KN_R_T2, KILN_POLL_INTERVAL - 1);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T0, KN_R_T2, false);
    kn_asm_mov_imm(&e->as, KN_R_T2, 0);
    kn_asm_bcc(&e->as, KN_CC_NE, KN_R_T0, KN_R_T2, skip);
    set_ip(e);
    kn_asm_call(&e->as, (const void *)kn_check_interrupt);
    kn_asm_label(&e->as, skip);
}

static void emit_jump(em_t *e, uint32_t target) {
    if (target <= e->off) poll(e);
    kn_asm_jmp(&e->as, target);
}

static int cmp_cc(unsigned op, bool unsig) {
    switch (op) {
        case KN_BC_LT: return unsig ? KN_CC_LTU : KN_CC_LT;
        case KN_BC_LE: return unsig ? KN_CC_LEU : KN_CC_LE;
        case KN_BC_GT: return unsig ? KN_CC_GTU : KN_CC_GT;
        case KN_BC_GE: return unsig ? KN_CC_GEU : KN_CC_GE;
        case KN_BC_EQ: return KN_CC_EQ;
        default: return KN_CC_NE;
    }
}

static int cc_not(int cc) {
    static const uint8_t inv[] = {[KN_CC_EQ] = KN_CC_NE, [KN_CC_NE] = KN_CC_EQ, [KN_CC_LT] = KN_CC_GE, [KN_CC_GE] = KN_CC_LT,
                                  [KN_CC_LE] = KN_CC_GT, [KN_CC_GT] = KN_CC_LE, [KN_CC_LTU] = KN_CC_GEU, [KN_CC_GEU] = KN_CC_LTU,
                                  [KN_CC_LEU] = KN_CC_GTU, [KN_CC_GTU] = KN_CC_LEU};
    return inv[cc];
}

static unsigned arg_at(const uint8_t *bc, uint32_t off) {
    return (unsigned)bc[off + 1] | ((unsigned)bc[off + 2] << 8);
}

/* A compare followed by a conditional jump can branch directly (fused) when nothing else jumps in between. */
static bool fusable(em_t *e, uint32_t next, unsigned *jop, uint32_t *target) {
    if (next >= e->nbc) return false;
    unsigned op = e->code->bc[next];
    if (op != KN_BC_POP_JUMP_IF_FALSE && op != KN_BC_POP_JUMP_IF_TRUE) return false;
    if (e->depth[next] >= 0) return false; /* a jump target itself */
    *jop = op;
    *target = arg_at(e->code->bc, next);
    return true;
}

/* Emits a generic (object) operation through kn_nrt_op. */
static void generic(em_t *e, unsigned op, unsigned arg) {
    if (e->viper) box_top(e, op_inputs(op, arg));
    call_op(e, op, arg, e->d);
}

/* Native small-int fast path for ADD/SUB; falls back to the generic operation. */
static void fast_addsub(em_t *e, unsigned op, unsigned arg, bool sub) {
    uint32_t slow = new_label(e), done = new_label(e);
    int d = e->d;
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, slot(e, d - 1), 0, false);
    kn_asm_mov(&e->as, KN_R_T2, KN_R_T0);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T1, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 1);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T3, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 0);
    kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T2, KN_R_T3, slow);
    if (sub) {
        kn_asm_add_ov(&e->as, KN_R_T0, KN_R_T1, true, slow);
        kn_asm_addi(&e->as, KN_R_T0, KN_R_T0, 1);
    } else {
        kn_asm_addi(&e->as, KN_R_T0, KN_R_T0, -1);
        kn_asm_add_ov(&e->as, KN_R_T0, KN_R_T1, false, slow);
    }
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
    kn_asm_jmp(&e->as, done);
    kn_asm_label(&e->as, slow);
    call_op(e, op, arg, d);
    kn_asm_label(&e->as, done);
}

/* Native small-int fast path for &, |, ^: on tagged words (2a+1) op (2b+1) is 2(a op b)+1 for & and |,
 * and 2(a ^ b) for ^ (the tag is put back). */
static void fast_bitop(em_t *e, unsigned op, unsigned arg, int binop) {
    uint32_t slow = new_label(e), done = new_label(e);
    int d = e->d;
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, slot(e, d - 1), 0, false);
    kn_asm_mov(&e->as, KN_R_T2, KN_R_T0);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T1, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 1);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T3, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 0);
    kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T2, KN_R_T3, slow);
    kn_asm_alu(&e->as, binop == KN_OP_AND ? KN_ALU_AND : binop == KN_OP_OR ? KN_ALU_OR : KN_ALU_XOR, KN_R_T0, KN_R_T1, false);
    if (binop == KN_OP_XOR) {
        kn_asm_mov_imm(&e->as, KN_R_T3, 1);
        kn_asm_alu(&e->as, KN_ALU_OR, KN_R_T0, KN_R_T3, false);
    }
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
    kn_asm_jmp(&e->as, done);
    kn_asm_label(&e->as, slow);
    call_op(e, op, arg, d);
    kn_asm_label(&e->as, done);
}

/* Jumps to target when the object in stack slot i is false (want_true: when true). */
static void branch_truth(em_t *e, uint32_t target, bool want_true, int i) {
    uint32_t next = new_label(e);
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0, false);
    kn_asm_mov_imm(&e->as, KN_R_T1, want_true ? kn_true : kn_false);
    kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T0, KN_R_T1, target);
    kn_asm_mov_imm(&e->as, KN_R_T1, want_true ? kn_false : kn_true);
    kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T0, KN_R_T1, next);
    set_ip(e);
    kn_asm_ld(&e->as, KN_R_A0, KN_R_RV, slot(e, i), 0, false);
    kn_asm_call(&e->as, (const void *)kn_nrt_truthy);
    kn_asm_mov_imm(&e->as, KN_R_T1, 0);
    kn_asm_bcc(&e->as, want_true ? KN_CC_NE : KN_CC_EQ, KN_R_RET, KN_R_T1, target);
    kn_asm_label(&e->as, next);
}

/* Native compare of two objects with a small-int fast path; fused with a following conditional jump when possible. */
static uint32_t emit_compare(em_t *e, unsigned op, uint32_t next) {
    int d = e->d;
    unsigned jop;
    uint32_t target;
    bool fuse = fusable(e, next, &jop, &target);
    int cc = cmp_cc(op, false);
    uint32_t slow = new_label(e), done = new_label(e);
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, slot(e, d - 1), 0, false);
    kn_asm_mov(&e->as, KN_R_T2, KN_R_T0);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T1, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 1);
    kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T2, KN_R_T3, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 0);
    kn_asm_bcc(&e->as, KN_CC_EQ, KN_R_T2, KN_R_T3, slow);
    if (fuse) {
        e->d = d - 2;
        note_target(e, target, d - 2);
        /* POP_JUMP_IF_FALSE jumps when the comparison fails */
        kn_asm_bcc(&e->as, jop == KN_BC_POP_JUMP_IF_FALSE ? cc_not(cc) : cc, KN_R_T0, KN_R_T1, target);
        kn_asm_jmp(&e->as, done);
        kn_asm_label(&e->as, slow);
        call_op(e, op, 0, d);
        e->off = next; /* the jump's own truth test */
        branch_truth(e, target, jop == KN_BC_POP_JUMP_IF_TRUE, d - 2);
        kn_asm_label(&e->as, done);
        return next + 3;
    }
    uint32_t t = new_label(e);
    kn_asm_bcc(&e->as, cc, KN_R_T0, KN_R_T1, t);
    kn_asm_mov_imm(&e->as, KN_R_T0, kn_false);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
    kn_asm_jmp(&e->as, done);
    kn_asm_label(&e->as, t);
    kn_asm_mov_imm(&e->as, KN_R_T0, kn_true);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
    kn_asm_jmp(&e->as, done);
    kn_asm_label(&e->as, slow);
    call_op(e, op, 0, d);
    kn_asm_label(&e->as, done);
    e->d = d - 1;
    return next;
}

/* Viper integer binary operation on slots d-2, d-1 (both int-like); returns the next offset. */
static uint32_t viper_intop(em_t *e, unsigned op, int binop, uint32_t next) {
    int d = e->d;
    bool unsig = e->st[d - 2] == KN_VT_UINT || e->st[d - 1] == KN_VT_UINT;
    int rt = unsig ? KN_VT_UINT : KN_VT_INT;
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, slot(e, d - 1), 0, false);
    if (op >= KN_BC_LT && op <= KN_BC_NE) {
        int cc = cmp_cc(op, unsig);
        unsigned jop;
        uint32_t target;
        if (fusable(e, next, &jop, &target)) {
            e->d = d - 2;
            note_target(e, target, d - 2);
            kn_asm_bcc(&e->as, jop == KN_BC_POP_JUMP_IF_FALSE ? cc_not(cc) : cc, KN_R_T0, KN_R_T1, target);
            return next + 3;
        }
        uint32_t l = new_label(e);
        kn_asm_mov_imm(&e->as, KN_R_T2, 1);
        kn_asm_bcc(&e->as, cc, KN_R_T0, KN_R_T1, l);
        kn_asm_mov_imm(&e->as, KN_R_T2, 0);
        kn_asm_label(&e->as, l);
        kn_asm_st(&e->as, KN_R_T2, KN_R_RV, slot(e, d - 2), 0);
        e->st[d - 2] = KN_VT_BOOL;
        e->d = d - 1;
        return next;
    }
    int alu;
    switch (binop) {
        case KN_OP_ADD: alu = KN_ALU_ADD; break;
        case KN_OP_SUB: alu = KN_ALU_SUB; break;
        case KN_OP_MUL: alu = KN_ALU_MUL; break;
        case KN_OP_AND: alu = KN_ALU_AND; break;
        case KN_OP_OR: alu = KN_ALU_OR; break;
        case KN_OP_XOR: alu = KN_ALU_XOR; break;
        case KN_OP_LSHIFT: alu = KN_ALU_SHL; break;
        case KN_OP_RSHIFT: alu = unsig ? KN_ALU_SHR : KN_ALU_SAR; break;
        case KN_OP_FLOORDIV:
        case KN_OP_MOD:
            set_ip(e);
            kn_asm_ld(&e->as, KN_R_A0, KN_R_RV, slot(e, d - 2), 0, false);
            kn_asm_ld(&e->as, KN_R_A1, KN_R_RV, slot(e, d - 1), 0, false);
            kn_asm_mov_imm(&e->as, KN_R_A2, (uintptr_t)binop | (unsig ? 0x100u : 0u));
            kn_asm_call(&e->as, (const void *)kn_nrt_divmod);
            kn_asm_st(&e->as, KN_R_RET, KN_R_RV, slot(e, d - 2), 0);
            e->st[d - 2] = (uint8_t)rt;
            e->d = d - 1;
            return next;
        default: return 0; /* not an integer operation: the caller boxes */
    }
    if (alu == KN_ALU_SHL || alu == KN_ALU_SAR || alu == KN_ALU_SHR) {
        /* shift counts wrap at 32 */
        kn_asm_mov_imm(&e->as, KN_R_T2, 31);
        kn_asm_alu(&e->as, KN_ALU_AND, KN_R_T1, KN_R_T2, false);
    }
    if (alu == KN_ALU_SAR || alu == KN_ALU_SHR) kn_asm_norm32(&e->as, KN_R_T0, alu == KN_ALU_SAR);
    kn_asm_alu(&e->as, alu, KN_R_T0, KN_R_T1, true);
    kn_asm_norm32(&e->as, KN_R_T0, rt == KN_VT_INT);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
    e->st[d - 2] = (uint8_t)rt;
    e->d = d - 1;
    return next;
}

/* Address of ptr[index] in T0 for the pointer in slot p and the integer index in slot i. */
static void ptr_addr(em_t *e, int p, int i, int size) {
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, p), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, slot(e, i), 0, false);
    if (size > 1) {
        kn_asm_mov_imm(&e->as, KN_R_T2, size == 2 ? 1 : 2);
        kn_asm_alu(&e->as, KN_ALU_SHL, KN_R_T1, KN_R_T2, false);
    }
    kn_asm_alu(&e->as, KN_ALU_ADD, KN_R_T0, KN_R_T1, false);
}

static void emit_return(em_t *e, int i) {
    if (e->viper) { /* an annotated return type converts; raw values return as objects of their own type */
        if (e->rettype != KN_VT_OBJ) convert(e, i, e->rettype);
        box(e, i);
    }
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, i), 0, false);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RR, 0, 0);
    kn_asm_mov_imm(&e->as, KN_R_RET, KN_GEN_RETURN);
    kn_asm_epilogue(&e->as);
}

/* Returns from the code with KN_GEN_YIELD, resuming at bytecode offset resume with stack depth d_resume. */
static void emit_yield(em_t *e, int value_slot, uint32_t resume, int sp_depth) {
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, value_slot), 0, false);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RR, 0, 0);
    kn_asm_mov_imm(&e->as, KN_R_T0, (uintptr_t)(e->code->bc + resume));
    kn_asm_st(&e->as, KN_R_T0, KN_R_RF, (int32_t)offsetof(kn_frame_t, ip), 0);
    kn_asm_addi(&e->as, KN_R_T0, KN_R_RV, slot(e, sp_depth));
    kn_asm_st(&e->as, KN_R_T0, KN_R_RF, (int32_t)offsetof(kn_frame_t, sp), 0);
    kn_asm_mov_imm(&e->as, KN_R_RET, KN_GEN_YIELD);
    kn_asm_epilogue(&e->as);
}

static int cast_of(kn_obj name) {
    if (name == KN_Q(int)) return KN_VT_CAST_INT;
    if (name == KN_Q(uint)) return KN_VT_CAST_UINT;
    if (name == KN_Q(bool)) return KN_VT_CAST_BOOL;
    if (name == KN_Q(ptr8)) return KN_VT_CAST_PTR8;
    if (name == KN_Q(ptr16)) return KN_VT_CAST_PTR16;
    if (name == KN_Q(ptr32)) return KN_VT_CAST_PTR32;
    if (name == KN_Q(range)) return KN_VT_CAST_RANGE;
    return -1;
}

int kn_native_type_of_name(kn_obj name) {
    if (name == KN_Q(object)) return KN_VT_OBJ;
    int c = cast_of(name);
    return c < 0 || c == KN_VT_CAST_RANGE ? -1 : c - KN_VT_CAST_INT + KN_VT_INT;
}

/* Viper range(stop) / range(start, stop[, step]) of ints: start in the callee's slot, stop and step in
 * a scratch pair after the bytecode's stack; nothing is allocated. */
static void emit_range(em_t *e, int n) {
    int d = e->d, base = d - n - 1, k = e->npairs++;
    int32_t stop = slot(e, e->stack0 + 2 * k), step = stop + W;
    for (int i = d - n; i < d; i++) {
        if (!is_intlike(e->st[i])) convert(e, i, KN_VT_INT);
    }
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, n == 1 ? d - 1 : d - n + 1), 0, false);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, stop, 0);
    if (n == 3) {
        uint32_t ok = new_label(e);
        kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
        kn_asm_st(&e->as, KN_R_T0, KN_R_RV, step, 0);
        kn_asm_mov_imm(&e->as, KN_R_T1, 0);
        kn_asm_bcc(&e->as, KN_CC_NE, KN_R_T0, KN_R_T1, ok);
        set_ip(e);
        kn_asm_mov(&e->as, KN_R_A0, KN_R_RF);
        kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)(d - 1) | ((uintptr_t)(e->stack0 + 2 * k) << 16));
        kn_asm_mov_imm(&e->as, KN_R_A2, 0);
        kn_asm_call(&e->as, (const void *)kn_nrt_box_range); /* raises ValueError for the zero step */
        kn_asm_label(&e->as, ok);
    } else {
        kn_asm_mov_imm(&e->as, KN_R_T0, 1);
        kn_asm_st(&e->as, KN_R_T0, KN_R_RV, step, 0);
    }
    if (n == 1) kn_asm_mov_imm(&e->as, KN_R_T0, 0);
    else kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - n), 0, false);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, base), 0);
    e->st[base] = (uint8_t)(KN_VT_RANGE + k);
    e->d = base + 1;
}

/* FOR_ITER over a viper range: pushes the current int and advances, or leaves the loop. */
static void emit_range_next(em_t *e, uint32_t target) {
    int d = e->d, k = e->st[d - 1] - KN_VT_RANGE_ITER;
    int32_t stop = slot(e, e->stack0 + 2 * k), step = stop + W;
    uint32_t neg = new_label(e), go = new_label(e);
    note_target(e, target, d - 1);
    kn_asm_ld(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
    kn_asm_ld(&e->as, KN_R_T1, KN_R_RV, stop, 0, false);
    kn_asm_ld(&e->as, KN_R_T2, KN_R_RV, step, 0, false);
    kn_asm_mov_imm(&e->as, KN_R_T3, 0);
    kn_asm_bcc(&e->as, KN_CC_LT, KN_R_T2, KN_R_T3, neg);
    kn_asm_bcc(&e->as, KN_CC_GE, KN_R_T0, KN_R_T1, target);
    kn_asm_jmp(&e->as, go);
    kn_asm_label(&e->as, neg);
    kn_asm_bcc(&e->as, KN_CC_LE, KN_R_T0, KN_R_T1, target);
    kn_asm_label(&e->as, go);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d), 0);
    kn_asm_alu(&e->as, KN_ALU_ADD, KN_R_T0, KN_R_T2, true);
    kn_asm_norm32(&e->as, KN_R_T0, true);
    kn_asm_st(&e->as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0);
    e->st[d] = KN_VT_INT;
    e->d = d + 1;
}

/* Emits one instruction; returns the offset of the next one to emit. */
static uint32_t emit_insn(em_t *e, uint32_t off) {
    kn_asm_t *as = &e->as;
    const uint8_t *bc = e->code->bc;
    unsigned op = bc[off];
    unsigned arg = op >= KN_BC_WITH_ARG ? arg_at(bc, off) : 0;
    uint32_t next = off + (op >= KN_BC_WITH_ARG ? 3 : 1);
    int d = e->d;
    int jd, eff = stack_effect(op, arg, &jd);
    e->off = off;
    if (d + (eff > 0 ? eff : 0) > (int)e->code->stacksize) em_error(e, "native: stack overflow in compilation");
    switch (op) {
        case KN_BC_NOP: case KN_BC_SETUP_ANNOTATIONS: case KN_BC_WITH_ARG: case KN_BC_LOAD_FAST_LOAD_ATTR:
        case KN_BC_STORE_LOCALS_DICT:
            return next;
        case KN_BC_POP_TOP: e->d--; return next;
        case KN_BC_ROT_TWO: case KN_BC_ROT_THREE: case KN_BC_ROT_FOUR: {
            int n = op == KN_BC_ROT_TWO ? 2 : op == KN_BC_ROT_THREE ? 3 : 4;
            /* top moves down n-1 places */
            kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
            uint8_t tt = e->st[d - 1];
            for (int i = d - 1; i > d - n; i--) {
                kn_asm_ld(as, KN_R_T1, KN_R_RV, slot(e, i - 1), 0, false);
                kn_asm_st(as, KN_R_T1, KN_R_RV, slot(e, i), 0);
                e->st[i] = e->st[i - 1];
            }
            kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d - n), 0);
            e->st[d - n] = tt;
            return next;
        }
        case KN_BC_DUP_TOP:
            kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
            kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d), 0);
            e->st[d] = e->st[d - 1];
            e->d++;
            return next;
        case KN_BC_DUP_TOP_TWO:
            for (int i = 0; i < 2; i++) {
                kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 2 + i), 0, false);
                kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d + i), 0);
                e->st[d + i] = e->st[d - 2 + i];
            }
            e->d += 2;
            return next;
        case KN_BC_LOAD_NONE: case KN_BC_LOAD_TRUE: case KN_BC_LOAD_FALSE: case KN_BC_LOAD_CONST:
        case KN_BC_LOAD_SMALL: {
            kn_obj v = op == KN_BC_LOAD_NONE ? kn_none : op == KN_BC_LOAD_TRUE ? kn_true : op == KN_BC_LOAD_FALSE ? kn_false
                : op == KN_BC_LOAD_SMALL ? KN_MKSMALL((kn_int_t)arg - 32768) : ((kn_tuple_t *)e->code->consts)->items[arg];
            uint8_t t = KN_VT_OBJ;
            uintptr_t raw = v;
            if (e->viper) {
                long long iv;
                if (v == kn_none) t = KN_VT_NONE_CONST;
                else if (v == kn_true || v == kn_false) {
                    t = KN_VT_BOOL;
                    raw = v == kn_true;
                } else if (KN_IS_INT(v) && kn_int_fits_ll(v, &iv) && iv >= INT32_MIN && iv <= (long long)UINT32_MAX) {
                    /* literals of up to 32 bits are viper ints (32-bit targets hold the larger ones as big ints) */
                    t = iv > INT32_MAX ? KN_VT_UINT : KN_VT_INT;
                    raw = t == KN_VT_UINT ? (uintptr_t)(uint32_t)iv : (uintptr_t)(intptr_t)(int32_t)iv;
                }
            }
            kn_asm_mov_imm(as, KN_R_T0, raw);
            kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d), 0);
            e->st[d] = t;
            e->d++;
            return next;
        }
        case KN_BC_LOAD_FAST: {
            uint8_t t = KN_VT_OBJ;
            if (e->viper) {
                if (e->ltype[arg] == UNKNOWN) e->ltype[arg] = KN_VT_OBJ;
                t = e->ltype[arg];
            }
            kn_asm_ld(as, KN_R_T0, KN_R_RV, (int32_t)(arg * (unsigned)W), 0, false);
            if (t == KN_VT_OBJ && !e->bound[arg]) {
                uint32_t ok = new_label(e);
                kn_asm_mov_imm(as, KN_R_T1, 0);
                kn_asm_bcc(as, KN_CC_NE, KN_R_T0, KN_R_T1, ok);
                call_op(e, KN_BC_DELETE_FAST, arg, d); /* raises UnboundLocalError */
                kn_asm_label(as, ok);
            }
            kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d), 0);
            e->st[d] = t;
            e->d++;
            return next;
        }
        case KN_BC_STORE_FAST: {
            if (e->viper) {
                int s = e->st[d - 1];
                if (s == KN_VT_NONE_CONST) s = KN_VT_OBJ;
                if (s >= KN_VT_CAST_INT) {
                    box(e, d - 1);
                    s = KN_VT_OBJ;
                }
                if (e->ltype[arg] == UNKNOWN) e->ltype[arg] = (uint8_t)s;
                int l = e->ltype[arg];
                if (l == KN_VT_OBJ) {
                    box(e, d - 1);
                } else if (s == KN_VT_OBJ || (is_raw(s) && !(is_intlike(l) && is_intlike(s)) && s != l)) {
                    em_error(e, "viper: local '%s' has type '%s' but source is '%s'",
                             kn_str_cstr(((kn_tuple_t *)e->code->varnames)->items[arg]), vt_name(l), vt_name(s));
                } else {
                    convert(e, d - 1, l);
                }
            }
            kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
            kn_asm_st(as, KN_R_T0, KN_R_RV, (int32_t)(arg * (unsigned)W), 0);
            e->d--;
            return next;
        }
        case KN_BC_LOAD_GLOBAL:
            if (e->viper && ((kn_tuple_t *)e->code->names)->items[arg] == KN_Q(locals)) {
                em_error(e, "viper: locals() is not supported (locals may hold raw machine values)");
            }
            if (e->viper && cast_of(((kn_tuple_t *)e->code->names)->items[arg]) >= 0) {
                e->st[d] = (uint8_t)cast_of(((kn_tuple_t *)e->code->names)->items[arg]);
                e->d++;
                return next;
            }
            generic(e, op, arg);
            e->st[d] = KN_VT_OBJ;
            e->d++;
            return next;
        case KN_BC_CALL:
            if (e->viper && arg >= 1 && arg <= 3 && e->st[d - 1 - (int)arg] == KN_VT_CAST_RANGE && e->npairs < KN_VT_RANGE_PAIRS) {
                emit_range(e, (int)arg);
                return next;
            }
            if (e->viper && arg == 1 && e->st[d - 2] >= KN_VT_CAST_INT && e->st[d - 2] < KN_VT_CAST_RANGE) {
                int t = e->st[d - 2] - KN_VT_CAST_INT + KN_VT_INT;
                int s = e->st[d - 1];
                if (s == KN_VT_NONE_CONST || s >= KN_VT_CAST_INT) box(e, d - 1);
                if (is_raw(e->st[d - 1]) && t != KN_VT_BOOL && t != KN_VT_INT && t != KN_VT_UINT) {
                    e->st[d - 1] = (uint8_t)t; /* int -> pointer: same bits */
                } else {
                    convert(e, d - 1, t);
                }
                kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
                kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
                e->st[d - 2] = (uint8_t)t;
                e->d--;
                return next;
            }
            break;
        case KN_BC_ADD: case KN_BC_SUB: case KN_BC_MUL: case KN_BC_BINARY_OP:
        case KN_BC_LT: case KN_BC_LE: case KN_BC_GT: case KN_BC_GE: case KN_BC_EQ: case KN_BC_NE: {
            int binop = op == KN_BC_ADD ? KN_OP_ADD : op == KN_BC_SUB ? KN_OP_SUB : op == KN_BC_MUL ? KN_OP_MUL
                      : op == KN_BC_BINARY_OP ? (int)(arg & (KN_OP_INPLACE - 1)) : -1;
            if (e->viper && is_intlike(e->st[d - 2]) && is_intlike(e->st[d - 1])) {
                uint32_t n = viper_intop(e, op, binop, next);
                if (n != 0) return n;
            }
            if (e->viper) box_top(e, 2);
            if (binop == KN_OP_ADD || binop == KN_OP_SUB) {
                fast_addsub(e, op, arg, binop == KN_OP_SUB);
                e->d--;
                e->st[d - 2] = KN_VT_OBJ;
                return next;
            }
            if (binop == KN_OP_AND || binop == KN_OP_OR || binop == KN_OP_XOR) {
                fast_bitop(e, op, arg, binop);
                e->d--;
                e->st[d - 2] = KN_VT_OBJ;
                return next;
            }
            if (op >= KN_BC_LT && op <= KN_BC_NE) {
                uint32_t n = emit_compare(e, op, next);
                if (n == next) e->st[d - 2] = KN_VT_OBJ;
                return n;
            }
            break;
        }
        case KN_BC_BINARY_SUBSCR:
            if (e->viper && e->st[d - 2] >= KN_VT_PTR8 && e->st[d - 2] <= KN_VT_PTR32 && is_intlike(e->st[d - 1])) {
                int size = ptr_size(e->st[d - 2]);
                ptr_addr(e, d - 2, d - 1, size);
                kn_asm_ld(as, KN_R_T0, KN_R_T0, 0, size, size == 4);
                kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d - 2), 0);
                e->st[d - 2] = KN_VT_INT;
                e->d--;
                return next;
            }
            break;
        case KN_BC_STORE_SUBSCR:
            if (e->viper && e->st[d - 2] >= KN_VT_PTR8 && e->st[d - 2] <= KN_VT_PTR32 && is_intlike(e->st[d - 1])) {
                int size = ptr_size(e->st[d - 2]);
                if (!is_raw(e->st[d - 3])) convert(e, d - 3, KN_VT_INT);
                ptr_addr(e, d - 2, d - 1, size);
                kn_asm_ld(as, KN_R_T1, KN_R_RV, slot(e, d - 3), 0, false);
                kn_asm_st(as, KN_R_T1, KN_R_T0, 0, size);
                e->d -= 3;
                return next;
            }
            break;
        case KN_BC_UNARY_OP:
            if (e->viper && is_intlike(e->st[d - 1]) && (arg == KN_UOP_NEG || arg == KN_UOP_INVERT || arg == KN_UOP_POS)) {
                int t = e->st[d - 1] == KN_VT_UINT ? KN_VT_UINT : KN_VT_INT;
                kn_asm_ld(as, KN_R_T1, KN_R_RV, slot(e, d - 1), 0, false);
                if (arg == KN_UOP_NEG) {
                    kn_asm_mov_imm(as, KN_R_T0, 0);
                    kn_asm_alu(as, KN_ALU_SUB, KN_R_T0, KN_R_T1, true);
                } else if (arg == KN_UOP_INVERT) {
                    kn_asm_mov_imm(as, KN_R_T0, (uintptr_t)-1);
                    kn_asm_alu(as, KN_ALU_XOR, KN_R_T0, KN_R_T1, true);
                } else {
                    kn_asm_mov(as, KN_R_T0, KN_R_T1);
                }
                kn_asm_norm32(as, KN_R_T0, t == KN_VT_INT);
                kn_asm_st(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0);
                e->st[d - 1] = (uint8_t)t;
                return next;
            }
            break;
        case KN_BC_NOT:
            if (e->viper && is_raw(e->st[d - 1])) {
                uint32_t l = new_label(e);
                kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
                kn_asm_mov_imm(as, KN_R_T1, 0);
                kn_asm_mov_imm(as, KN_R_T2, 1);
                kn_asm_bcc(as, KN_CC_EQ, KN_R_T0, KN_R_T1, l);
                kn_asm_mov_imm(as, KN_R_T2, 0);
                kn_asm_label(as, l);
                kn_asm_st(as, KN_R_T2, KN_R_RV, slot(e, d - 1), 0);
                e->st[d - 1] = KN_VT_BOOL;
                return next;
            }
            break;
        case KN_BC_RETURN_VALUE:
            emit_return(e, d - 1);
            e->d = -1;
            return next;
        case KN_BC_YIELD_VALUE:
            if (e->viper) box(e, d - 1);
            emit_yield(e, d - 1, next, d - 1);
            e->st[d - 1] = KN_VT_OBJ; /* the sent value */
            return next;
        case KN_BC_YIELD_FROM: {
            uint32_t cont = new_label(e);
            generic(e, op, arg);
            kn_asm_mov_imm(as, KN_R_T1, 0);
            kn_asm_bcc(as, KN_CC_EQ, KN_R_RET, KN_R_T1, cont);
            emit_yield(e, d - 1, off, d - 1); /* resume at this instruction with the sent value pushed */
            kn_asm_label(as, cont);
            e->d--;
            e->st[d - 2] = KN_VT_OBJ;
            return next;
        }
        case KN_BC_JUMP:
            if (e->viper) box_joins(e, d); /* values carried to a join are objects (see the join in kn_native_compile) */
            note_target(e, arg, d);
            emit_jump(e, arg);
            e->d = -1;
            return next;
        case KN_BC_POP_JUMP_IF_FALSE: case KN_BC_POP_JUMP_IF_TRUE: {
            bool want = op == KN_BC_POP_JUMP_IF_TRUE;
            int t = e->viper ? e->st[d - 1] : KN_VT_OBJ;
            e->d = d - 1;
            note_target(e, arg, d - 1);
            kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
            if (is_raw(t)) {
                kn_asm_mov_imm(as, KN_R_T1, 0);
                kn_asm_bcc(as, want ? KN_CC_NE : KN_CC_EQ, KN_R_T0, KN_R_T1, arg);
            } else if (t == KN_VT_NONE_CONST) {
                if (!want) kn_asm_jmp(as, arg);
            } else {
                if (t >= KN_VT_CAST_INT) box(e, d - 1);
                branch_truth(e, arg, want, d - 1);
            }
            return next;
        }
        case KN_BC_JUMP_IF_FALSE_OR_POP: case KN_BC_JUMP_IF_TRUE_OR_POP: {
            bool want = op == KN_BC_JUMP_IF_TRUE_OR_POP;
            if (e->viper) box(e, d - 1);
            note_target(e, arg, d);
            kn_asm_ld(as, KN_R_T0, KN_R_RV, slot(e, d - 1), 0, false);
            branch_truth(e, arg, want, d - 1);
            e->d = d - 1;
            return next;
        }
        case KN_BC_GET_ITER:
            if (e->viper && e->st[d - 1] >= KN_VT_RANGE && e->st[d - 1] < KN_VT_RANGE_ITER) {
                e->st[d - 1] = (uint8_t)(e->st[d - 1] - KN_VT_RANGE + KN_VT_RANGE_ITER);
                return next;
            }
            break;
        case KN_BC_FOR_ITER: {
            if (e->viper && e->st[d - 1] >= KN_VT_RANGE_ITER) {
                emit_range_next(e, arg);
                return next;
            }
            if (e->viper) box(e, d - 1);
            e->st[d] = KN_VT_OBJ;
            note_target(e, arg, d - 1);
            call_op(e, op, arg, d);
            kn_asm_mov_imm(as, KN_R_T1, 0);
            kn_asm_bcc(as, KN_CC_NE, KN_R_RET, KN_R_T1, arg);
            e->d = d + 1;
            return next;
        }
        case KN_BC_SETUP_EXCEPT: case KN_BC_SETUP_WITH:
            e->st[d] = e->st[d + 1] = KN_VT_OBJ;
            note_target(e, arg, d + 2); /* the handler runs with (previous exception, exception) pushed */
            call_op(e, op, arg, d);
            e->d = d + eff;
            return next;
        case KN_BC_RERAISE: case KN_BC_RAISE:
            generic(e, op, arg);
            e->d = -1;
            return next;
        default: break;
    }
    /* everything else: the generic helper on objects */
    generic(e, op, arg);
    int first = d - op_inputs(op, arg);
    e->d = d + eff;
    for (int i = first < 0 ? 0 : first; i < e->d; i++) e->st[i] = KN_VT_OBJ;
    return next;
}

/* Viper: unboxes annotated parameters on entry. */
static void emit_params(em_t *e, const uint8_t *argtypes) {
    for (unsigned i = 0; i < e->code->nargs; i++) {
        int t = argtypes ? argtypes[i] : KN_VT_OBJ;
        e->ltype[i] = (uint8_t)t;
        if (t == KN_VT_OBJ) continue;
        e->off = 0;
        set_ip(e);
        kn_asm_ld(&e->as, KN_R_A0, KN_R_RV, (int32_t)(i * (unsigned)W), 0, false);
        kn_asm_mov_imm(&e->as, KN_R_A1, (uintptr_t)t);
        kn_asm_call(&e->as, (const void *)kn_nrt_unbox);
        kn_asm_st(&e->as, KN_R_RET, KN_R_RV, (int32_t)(i * (unsigned)W), 0);
    }
}

void kn_native_compile(kn_code_t *code, int kind, const uint8_t *argtypes, int rettype) {
    em_t *e = kn_alloc(sizeof(em_t));
    e->code = code;
    e->viper = kind == KN_EMIT_VIPER;
    e->rettype = rettype;
    e->nbc = code->bc_len;
    e->base = (uint32_t)code->nlocals + code->ncells + code->nfree;
    e->depth = kn_alloc_atomic((e->nbc + 1) * sizeof(int16_t));
    for (uint32_t i = 0; i <= e->nbc; i++) e->depth[i] = -1;
    e->tstate = kn_alloc((e->nbc + 1) * sizeof(uint8_t *));
    e->ltype = kn_alloc_atomic(code->nlocals + 1u);
    memset(e->ltype, UNKNOWN, code->nlocals + 1u);
    for (unsigned i = code->nargs; i < code->nlocals; i++) {
        if (i < (unsigned)code->nargs + code->nkwonly + ((code->flags & KN_CODE_VARARGS) ? 1 : 0) + ((code->flags & KN_CODE_VARKW) ? 1 : 0)) {
            e->ltype[i] = KN_VT_OBJ;
        }
    }
    if (code->ncells || code->nfree) {
        /* cell variables stay objects (they live in cells) */
    }
    e->bound = kn_alloc_atomic(code->nlocals + 1u);
    unsigned nparams = (unsigned)code->nargs + code->nkwonly + ((code->flags & KN_CODE_VARARGS) ? 1 : 0) + ((code->flags & KN_CODE_VARKW) ? 1 : 0);
    for (unsigned i = 0; i < nparams && i < code->nlocals; i++) e->bound[i] = 1;
    for (uint32_t off = 0; off < e->nbc; off += code->bc[off] >= KN_BC_WITH_ARG ? 3 : 1) {
        if (code->bc[off] == KN_BC_DELETE_FAST) e->bound[arg_at(code->bc, off)] = 0;
    }
    e->st = kn_alloc_atomic((size_t)code->stacksize + 4);
    e->stack0 = code->stacksize;
    e->as.nlabels = e->nbc * 4 + 64;
    e->as.labels = kn_alloc_atomic(e->as.nlabels * sizeof(int32_t));
    for (uint32_t i = 0; i < e->as.nlabels; i++) e->as.labels[i] = -1;
    e->nextlabel = e->nbc + 1;

    if (e->nbc > 0xffff) em_error(e, "native: function too large");
    kn_asm_prologue(&e->as, (const void *)kn_nrt_op);
    uint32_t entry0 = e->as.len;
    if (e->viper) emit_params(e, argtypes);
    e->d = 0;
    e->depth[0] = 0;
    for (uint32_t off = 0; off < e->nbc;) {
        if (e->depth[off] >= 0) {
            if (e->d >= 0 && e->d != e->depth[off]) {
                e->off = off;
                em_error(e, "native: inconsistent stack depth");
            }
            if (e->d >= 0 && e->viper && e->tstate[off] != NULL) {
                e->off = off;
                for (int i = 0; i < e->d; i++) { /* a raw value meeting an object at a join is boxed */
                    if (e->tstate[off][i] == KN_VT_OBJ && e->st[i] != KN_VT_OBJ) box(e, i);
                }
                note_target(e, off, e->d); /* checks the fall-through types agree */
            }
            e->d = e->depth[off];
            if (e->viper && e->tstate[off] != NULL) memcpy(e->st, e->tstate[off], (size_t)e->d);
        } else if (e->d >= 0) {
            e->depth[off] = (int16_t)e->d;
            if (e->viper && e->d > 0) {
                e->tstate[off] = kn_alloc_atomic((size_t)e->d);
                memcpy(e->tstate[off], e->st, (size_t)e->d);
            }
        }
        kn_asm_label(&e->as, off);
        unsigned op = code->bc[off];
        uint32_t next = off + (op >= KN_BC_WITH_ARG ? 3 : 1);
        if (e->d < 0) { /* unreachable */
            off = next;
            continue;
        }
        off = emit_insn(e, off);
    }
    kn_asm_label(&e->as, e->nbc);
    for (uint32_t i = 0; i < e->as.nfix; i++) {
        int32_t t = e->as.labels[e->as.fix[i].label];
        if (t < 0) {
            e->off = 0;
            em_error(e, "native: internal error (unbound label)");
        }
        kn_asm_patch(&e->as, &e->as.fix[i], t);
    }
    code->stacksize = (uint16_t)(code->stacksize + 2 * e->npairs); /* frames get the range loops' scratch slots */
    kn_native_t *n = KN_NEW(kn_native_t);
    n->code_len = e->as.len;
    n->code = kn_native_code_alloc(e->as.len);
    memcpy(n->code, e->as.buf, e->as.len);
    kn_asm_finish(n->code, e->as.len);
    n->offsets = kn_alloc_atomic((e->nbc + 1) * sizeof(int32_t));
    for (uint32_t i = 0; i <= e->nbc; i++) n->offsets[i] = e->as.labels[i];
    n->offsets[0] = (int32_t)entry0;
    n->kind = (uint8_t)kind;
    ((kn_native_code_t *)code)->native = n; /* the compiler made it one (KN_CODE_NATIVE) */
}

#else

void kn_native_compile(kn_code_t *code, int kind, const uint8_t *argtypes, int rettype) {
    (void)argtypes;
    (void)rettype;
    kn_syntax_error(kn_code_filename(code), code->firstline,
                    kind == KN_EMIT_VIPER ? "@micropython.viper is not supported by this build (architecture or KILN_NATIVE_EMIT)"
                                          : "@micropython.native is not supported by this build (architecture or KILN_NATIVE_EMIT)");
}

int kn_native_type_of_name(kn_obj name) {
    (void)name;
    return KN_VT_OBJ; /* accepted here: kn_native_compile then reports that the build has no emitter */
}

#endif
