/* native.h: @micropython.native / @micropython.viper: the shared emitter, the per-architecture assembler interface and the runtime. */
#ifndef KILN_NATIVE_H
#define KILN_NATIVE_H

#include "vm.h"

/* Which machine code this build emits (0 = none: the decorators raise a clear error). */
#if defined(__x86_64__)
#define KN_NATIVE_ARCH_X64 1
#elif defined(__thumb2__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
#define KN_NATIVE_ARCH_THUMB2 1
#elif defined(__thumb__) && defined(__ARM_ARCH_6M__)
#define KN_NATIVE_ARCH_THUMB1 1
#elif defined(__riscv) && __riscv_xlen == 32
#define KN_NATIVE_ARCH_RV32 1
#endif
/* KILN_NATIVE_EMIT (config knob, default 1): a board may leave the emitters out (~13 KB of flash on
 * Cortex-M); the decorators then raise SyntaxError. */
#ifndef KILN_NATIVE_EMIT
#define KILN_NATIVE_EMIT 1
#endif
#if KILN_NATIVE_EMIT && (defined(KN_NATIVE_ARCH_X64) || defined(KN_NATIVE_ARCH_THUMB2) || defined(KN_NATIVE_ARCH_THUMB1) || defined(KN_NATIVE_ARCH_RV32))
#define KILN_NATIVE 1
#else
#define KILN_NATIVE 0
#endif

enum { KN_EMIT_NATIVE = 1, KN_EMIT_VIPER = 2 };

/* Viper value types (also the annotation codes). */
enum {
    KN_VT_OBJ, KN_VT_INT, KN_VT_UINT, KN_VT_BOOL, KN_VT_PTR8, KN_VT_PTR16, KN_VT_PTR32,
    KN_VT_NONE_CONST, /* a literal None on the stack (still an object) */
    /* markers on the abstract stack: the global name of a cast waiting for its argument */
    KN_VT_CAST_INT, KN_VT_CAST_UINT, KN_VT_CAST_BOOL, KN_VT_CAST_PTR8, KN_VT_CAST_PTR16, KN_VT_CAST_PTR32,
    KN_VT_CAST_RANGE,
    KN_VT_COUNT,
    /* range(...) of viper ints and its iterator: start/current in the slot, stop and step in scratch pair k */
    KN_VT_RANGE = 32,      /* + k */
    KN_VT_RANGE_ITER = 48, /* + k */
    KN_VT_RANGE_PAIRS = 16
};

/* Machine code attached to a code object (kn_code_t.native). */
typedef struct {
    uint8_t *code;      /* entry point: int fn(kn_frame_t *f, kn_obj *result, const void *resume) */
    int32_t *offsets;   /* bytecode offset -> machine-code offset (resume points), -1 if none */
    uint32_t code_len;
    uint8_t kind;       /* KN_EMIT_NATIVE or KN_EMIT_VIPER */
} kn_native_t;

/* Compiles code (already bytecode) to machine code and attaches it; raises SyntaxError naming the
 * construct and line when something cannot be compiled. argtypes: one KN_VT_* per positional
 * parameter (viper), rettype the return annotation. */
void kn_native_compile(kn_code_t *code, int kind, const uint8_t *argtypes, int rettype);
/* Maps an annotation name (int, uint, ptr8, ...) to KN_VT_*, or -1. */
int kn_native_type_of_name(kn_obj name);
/* Runs a frame whose code has machine code (called by kn_vm_run). */
int kn_native_run(kn_frame_t *f, kn_obj *result, void *prev_frame);

/* ---- assembler interface (one implementation per architecture) ---- */

/* Abstract registers. RF/RV/RR are callee-saved: the frame, &frame->values[0], the result pointer.
 * T0..T3 are scratch; A0..A3 the argument registers (may alias T0..T3); RET the return register. */
enum { KN_R_T0, KN_R_T1, KN_R_T2, KN_R_T3, KN_R_A0, KN_R_A1, KN_R_A2, KN_R_A3, KN_R_RET, KN_R_RF, KN_R_RV, KN_R_RR, KN_R_COUNT };

/* ALU operations (rd = rd op rs). W32 forms wrap at 32 bits on every target (viper ints). */
enum { KN_ALU_ADD, KN_ALU_SUB, KN_ALU_MUL, KN_ALU_AND, KN_ALU_OR, KN_ALU_XOR, KN_ALU_SHL, KN_ALU_SAR, KN_ALU_SHR };
/* Branch conditions. */
enum { KN_CC_EQ, KN_CC_NE, KN_CC_LT, KN_CC_GE, KN_CC_LE, KN_CC_GT, KN_CC_LTU, KN_CC_GEU, KN_CC_LEU, KN_CC_GTU };

typedef struct {
    uint32_t pos;
    uint32_t label;
    uint8_t kind;
} kn_fixup_t;

typedef struct {
    uint8_t *buf;
    uint32_t len, cap;
    int32_t *labels; /* machine-code offset of each label, -1 until bound */
    uint32_t nlabels;
    kn_fixup_t *fix;
    uint32_t nfix, capfix;
    int nsaved;      /* architecture-specific prologue bookkeeping */
} kn_asm_t;

/* buffer and labels (emit_native.c) */
void kn_asm_byte(kn_asm_t *a, uint8_t b);
void kn_asm_u16(kn_asm_t *a, uint16_t v);
void kn_asm_u32(kn_asm_t *a, uint32_t v);
void kn_asm_fixup(kn_asm_t *a, uint32_t label, uint8_t kind);
void kn_asm_label(kn_asm_t *a, uint32_t label);

/* per architecture (asm_x64.c, asm_thumb.c, asm_rv32.c) */
void kn_asm_prologue(kn_asm_t *a, const void *helper);    /* RF=A0, RR=A1, RV=&RF->values, helper in a register, jump to A2 */
void kn_asm_call_helper(kn_asm_t *a);                     /* calls the prologue's helper (short encoding) */
void kn_asm_epilogue(kn_asm_t *a);                        /* return RET */
void kn_asm_mov_imm(kn_asm_t *a, int rd, uintptr_t imm);
void kn_asm_mov(kn_asm_t *a, int rd, int rs);
void kn_asm_addi(kn_asm_t *a, int rd, int rs, int32_t imm); /* word-size add */
void kn_asm_ld(kn_asm_t *a, int rd, int rb, int32_t off, int size, bool sign); /* size 1, 2, 4 or 0 = word */
void kn_asm_st(kn_asm_t *a, int rs, int rb, int32_t off, int size);
void kn_asm_alu(kn_asm_t *a, int op, int rd, int rs, bool w32);
void kn_asm_norm32(kn_asm_t *a, int rd, bool sign);       /* make a W32 result a proper word (x64: sign/zero extend) */
void kn_asm_add_ov(kn_asm_t *a, int rd, int rs, bool sub, uint32_t label); /* word add/sub, branch on signed overflow */
void kn_asm_bcc(kn_asm_t *a, int cc, int ra, int rb, uint32_t label);     /* word compare and branch */
void kn_asm_jmp(kn_asm_t *a, uint32_t label);
void kn_asm_call(kn_asm_t *a, const void *fn);           /* clobbers T*, A*, RET */
void kn_asm_patch(kn_asm_t *a, const kn_fixup_t *fx, int32_t target);
void kn_asm_finish(uint8_t *code, size_t len);           /* caches and barriers after writing code */
const void *kn_asm_entry(const uint8_t *code);           /* callable address (Thumb bit) */

#endif
