/* asm_x64.c: the x86-64 (System V) backend of the native/viper assembler interface. */
#include <stddef.h>

#include "native.h"

#if KILN_NATIVE && defined(KN_NATIVE_ARCH_X64)

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
static const uint8_t regmap[KN_R_COUNT] = {
    [KN_R_T0] = RAX, [KN_R_T1] = R10, [KN_R_T2] = R11, [KN_R_T3] = R8, [KN_R_A0] = RDI, [KN_R_A1] = RSI,
    [KN_R_A2] = RDX, [KN_R_A3] = RCX, [KN_R_RET] = RAX, [KN_R_RF] = RBX, [KN_R_RV] = R12, [KN_R_RR] = R13,
};
enum { FX_REL32 };

static void rex(kn_asm_t *a, bool w, int reg, int base, bool force) {
    uint8_t b = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((base & 8) ? 1 : 0));
    if (b != 0x40 || force) kn_asm_byte(a, b);
}

/* ModRM for [base + disp32] (SIB for rsp/r12). */
static void mem(kn_asm_t *a, int reg, int base, int32_t off) {
    kn_asm_byte(a, (uint8_t)(0x80 | ((reg & 7) << 3) | (base & 7)));
    if ((base & 7) == RSP) kn_asm_byte(a, 0x24);
    kn_asm_u32(a, (uint32_t)off);
}

static void rr(kn_asm_t *a, int reg, int rm) {
    kn_asm_byte(a, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

static void push(kn_asm_t *a, int r) {
    rex(a, false, 0, r, false);
    kn_asm_byte(a, (uint8_t)(0x50 + (r & 7)));
}

static void pop(kn_asm_t *a, int r) {
    rex(a, false, 0, r, false);
    kn_asm_byte(a, (uint8_t)(0x58 + (r & 7)));
}

void kn_asm_prologue(kn_asm_t *a, const void *helper) {
    push(a, RBP);
    push(a, RBX);
    push(a, R12);
    push(a, R13);
    push(a, R14); /* five pushes keep rsp 16-byte aligned at calls */
    kn_asm_mov(a, KN_R_RF, KN_R_A0);
    kn_asm_mov(a, KN_R_RR, KN_R_A1);
    kn_asm_addi(a, KN_R_RV, KN_R_RF, (int32_t)offsetof(kn_frame_t, values));
    kn_asm_byte(a, 0x49); /* mov r14, imm64 */
    kn_asm_byte(a, 0xbe);
    kn_asm_u32(a, (uint32_t)(uintptr_t)helper);
    kn_asm_u32(a, (uint32_t)((uintptr_t)helper >> 32));
    rex(a, false, 0, RDX, false); /* jmp rdx */
    kn_asm_byte(a, 0xff);
    rr(a, 4, RDX);
}

void kn_asm_epilogue(kn_asm_t *a) {
    pop(a, R14);
    pop(a, R13);
    pop(a, R12);
    pop(a, RBX);
    pop(a, RBP);
    kn_asm_byte(a, 0xc3);
}

void kn_asm_mov_imm(kn_asm_t *a, int rd, uintptr_t imm) {
    int r = regmap[rd];
    if (imm <= 0xffffffffu) { /* mov r32, imm32 zero-extends */
        rex(a, false, 0, r, false);
        kn_asm_byte(a, (uint8_t)(0xb8 + (r & 7)));
        kn_asm_u32(a, (uint32_t)imm);
        return;
    }
    rex(a, true, 0, r, false);
    kn_asm_byte(a, (uint8_t)(0xb8 + (r & 7)));
    kn_asm_u32(a, (uint32_t)imm);
    kn_asm_u32(a, (uint32_t)((uint64_t)imm >> 32));
}

void kn_asm_mov(kn_asm_t *a, int rd, int rs) {
    int d = regmap[rd], s = regmap[rs];
    if (d == s) return;
    rex(a, true, s, d, false);
    kn_asm_byte(a, 0x89);
    rr(a, s, d);
}

void kn_asm_addi(kn_asm_t *a, int rd, int rs, int32_t imm) {
    int d = regmap[rd], s = regmap[rs];
    rex(a, true, d, s, false); /* lea d, [s + imm] */
    kn_asm_byte(a, 0x8d);
    mem(a, d, s, imm);
}

void kn_asm_ld(kn_asm_t *a, int rd, int rb, int32_t off, int size, bool sign) {
    int d = regmap[rd], b = regmap[rb];
    switch (size) {
        case 1:
        case 2:
            rex(a, false, d, b, false);
            kn_asm_byte(a, 0x0f);
            kn_asm_byte(a, (uint8_t)((sign ? 0xbe : 0xb6) + (size == 2)));
            break;
        case 4:
            rex(a, sign, d, b, false);
            kn_asm_byte(a, sign ? 0x63 : 0x8b);
            break;
        default:
            rex(a, true, d, b, false);
            kn_asm_byte(a, 0x8b);
            break;
    }
    mem(a, d, b, off);
}

void kn_asm_st(kn_asm_t *a, int rs, int rb, int32_t off, int size) {
    int s = regmap[rs], b = regmap[rb];
    switch (size) {
        case 1:
            rex(a, false, s, b, true);
            kn_asm_byte(a, 0x88);
            break;
        case 2:
            kn_asm_byte(a, 0x66);
            rex(a, false, s, b, false);
            kn_asm_byte(a, 0x89);
            break;
        case 4:
            rex(a, false, s, b, false);
            kn_asm_byte(a, 0x89);
            break;
        default:
            rex(a, true, s, b, false);
            kn_asm_byte(a, 0x89);
            break;
    }
    mem(a, s, b, off);
}

void kn_asm_alu(kn_asm_t *a, int op, int rd, int rs, bool w32) {
    int d = regmap[rd], s = regmap[rs];
    bool w = !w32;
    switch (op) {
        case KN_ALU_MUL:
            rex(a, w, d, s, false);
            kn_asm_byte(a, 0x0f);
            kn_asm_byte(a, 0xaf);
            rr(a, d, s);
            return;
        case KN_ALU_SHL:
        case KN_ALU_SAR:
        case KN_ALU_SHR:
            if (s != RCX) {
                rex(a, true, s, RCX, false);
                kn_asm_byte(a, 0x89);
                rr(a, s, RCX);
            }
            rex(a, w, 0, d, false);
            kn_asm_byte(a, 0xd3);
            rr(a, op == KN_ALU_SHL ? 4 : op == KN_ALU_SHR ? 5 : 7, d);
            return;
        default: {
            static const uint8_t opc[] = {[KN_ALU_ADD] = 0x01, [KN_ALU_SUB] = 0x29, [KN_ALU_AND] = 0x21, [KN_ALU_OR] = 0x09, [KN_ALU_XOR] = 0x31};
            rex(a, w, s, d, false);
            kn_asm_byte(a, opc[op]);
            rr(a, s, d);
            return;
        }
    }
}

void kn_asm_norm32(kn_asm_t *a, int rd, bool sign) {
    int d = regmap[rd];
    if (sign) { /* movsxd d, d32 */
        rex(a, true, d, d, false);
        kn_asm_byte(a, 0x63);
    } else { /* mov d32, d32 zero-extends */
        rex(a, false, d, d, false);
        kn_asm_byte(a, 0x8b);
    }
    rr(a, d, d);
}

static void jcc(kn_asm_t *a, uint8_t cc, uint32_t label) {
    kn_asm_byte(a, 0x0f);
    kn_asm_byte(a, (uint8_t)(0x80 | cc));
    kn_asm_fixup(a, label, FX_REL32);
    kn_asm_u32(a, 0);
}

void kn_asm_add_ov(kn_asm_t *a, int rd, int rs, bool sub, uint32_t label) {
    kn_asm_alu(a, sub ? KN_ALU_SUB : KN_ALU_ADD, rd, rs, false);
    jcc(a, 0x0, label); /* jo */
}

void kn_asm_bcc(kn_asm_t *a, int cc, int ra, int rb, uint32_t label) {
    static const uint8_t ccs[] = {[KN_CC_EQ] = 0x4, [KN_CC_NE] = 0x5, [KN_CC_LT] = 0xc, [KN_CC_GE] = 0xd, [KN_CC_LE] = 0xe,
                                  [KN_CC_GT] = 0xf, [KN_CC_LTU] = 0x2, [KN_CC_GEU] = 0x3, [KN_CC_LEU] = 0x6, [KN_CC_GTU] = 0x7};
    int x = regmap[ra], y = regmap[rb];
    rex(a, true, y, x, false); /* cmp x, y */
    kn_asm_byte(a, 0x39);
    rr(a, y, x);
    jcc(a, ccs[cc], label);
}

void kn_asm_jmp(kn_asm_t *a, uint32_t label) {
    kn_asm_byte(a, 0xe9);
    kn_asm_fixup(a, label, FX_REL32);
    kn_asm_u32(a, 0);
}

void kn_asm_call(kn_asm_t *a, const void *fn) {
    kn_asm_mov_imm(a, KN_R_T0, (uintptr_t)fn);
    kn_asm_byte(a, 0xff); /* call rax */
    rr(a, 2, RAX);
}

void kn_asm_call_helper(kn_asm_t *a) {
    kn_asm_byte(a, 0x41); /* call r14 */
    kn_asm_byte(a, 0xff);
    rr(a, 2, R14);
}

void kn_asm_patch(kn_asm_t *a, const kn_fixup_t *fx, int32_t target) {
    int32_t rel = target - (int32_t)(fx->pos + 4);
    uint8_t *p = a->buf + fx->pos;
    p[0] = (uint8_t)rel;
    p[1] = (uint8_t)(rel >> 8);
    p[2] = (uint8_t)(rel >> 16);
    p[3] = (uint8_t)(rel >> 24);
}

void kn_asm_finish(uint8_t *code, size_t len) {
    (void)code; /* x86 keeps instruction fetch coherent with stores */
    (void)len;
}

const void *kn_asm_entry(const uint8_t *code) {
    return code;
}

#endif
