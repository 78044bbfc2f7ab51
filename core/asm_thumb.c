/* asm_thumb.c: the Thumb backend of the native/viper assembler: Thumb-1 (ARMv6-M, Cortex-M0+) and Thumb-2 (ARMv7-M). */
#include <stddef.h>

#include "native.h"

#if KILN_NATIVE && (defined(KN_NATIVE_ARCH_THUMB2) || defined(KN_NATIVE_ARCH_THUMB1))

/* All abstract registers are low registers, so the 16-bit encodings (common to v6-M and v7-M) do
 * most of the work; r7 is the assembler's own scratch (saved by the prologue). Thumb-2 adds
 * MOVW/MOVT constants and 32-bit branches; Thumb-1 builds constants with shifts and branches with BL
 * (the prologue saved LR, so BL works as a long jump). r8 holds the generic helper (kn_nrt_op). */
#define AT 7
static const uint8_t regmap[KN_R_COUNT] = {
    [KN_R_T0] = 0, [KN_R_T1] = 1, [KN_R_T2] = 2, [KN_R_T3] = 3, [KN_R_A0] = 0, [KN_R_A1] = 1,
    [KN_R_A2] = 2, [KN_R_A3] = 3, [KN_R_RET] = 0, [KN_R_RF] = 4, [KN_R_RV] = 5, [KN_R_RR] = 6,
};
enum { FX_BL, FX_BW, FX_BCCW };

static void h(kn_asm_t *a, uint32_t v) {
    kn_asm_u16(a, (uint16_t)v);
}

static void imm_to(kn_asm_t *a, int r, uint32_t imm) {
#if defined(KN_NATIVE_ARCH_THUMB2)
    uint32_t lo = imm & 0xffff, hi = imm >> 16;
    h(a, 0xF240 | ((lo >> 1) & 0x400) | (lo >> 12)); /* MOVW */
    h(a, ((lo << 4) & 0x7000) | ((uint32_t)r << 8) | (lo & 0xff));
    if (hi != 0) {
        h(a, 0xF2C0 | ((hi >> 1) & 0x400) | (hi >> 12)); /* MOVT */
        h(a, ((hi << 4) & 0x7000) | ((uint32_t)r << 8) | (hi & 0xff));
    }
#else
    /* MOVS r, #byte then (LSLS #8; ADDS #byte) for the remaining non-zero tail */
    int top = 3;
    while (top > 0 && ((imm >> (8 * top)) & 0xff) == 0) top--;
    h(a, 0x2000 | ((uint32_t)r << 8) | ((imm >> (8 * top)) & 0xff));
    for (int i = top - 1; i >= 0; i--) {
        h(a, 0x0000 | (8u << 6) | ((uint32_t)r << 3) | (uint32_t)r); /* LSLS r, r, #8 */
        uint32_t b = (imm >> (8 * i)) & 0xff;
        if (b) h(a, 0x3000 | ((uint32_t)r << 8) | b); /* ADDS r, #b */
    }
#endif
}

void kn_asm_prologue(kn_asm_t *a, const void *helper) {
    h(a, 0xB5F0); /* PUSH {r4-r7, lr} */
    h(a, 0x4643); /* MOV r3, r8 */
    h(a, 0xB408); /* PUSH {r3}: six words keep sp 8-byte aligned */
    kn_asm_mov(a, KN_R_RF, KN_R_A0);
    kn_asm_mov(a, KN_R_RR, KN_R_A1);
    kn_asm_mov(a, KN_R_RV, KN_R_RF);
    h(a, 0x3000 | (5u << 8) | (uint32_t)offsetof(kn_frame_t, values)); /* ADDS r5, #values */
    imm_to(a, AT, (uint32_t)(uintptr_t)helper);
    h(a, 0x46B8); /* MOV r8, r7: the helper stays in r8 */
    h(a, 0x4700 | (2u << 3)); /* BX r2 */
}

void kn_asm_epilogue(kn_asm_t *a) {
    h(a, 0xBC08); /* POP {r3} */
    h(a, 0x4698); /* MOV r8, r3 */
    h(a, 0xBDF0); /* POP {r4-r7, pc} */
}

void kn_asm_call_helper(kn_asm_t *a) {
    h(a, 0x47C0); /* BLX r8 */
}

void kn_asm_mov_imm(kn_asm_t *a, int rd, uintptr_t imm) {
    imm_to(a, regmap[rd], (uint32_t)imm);
}

void kn_asm_mov(kn_asm_t *a, int rd, int rs) {
    int d = regmap[rd], s = regmap[rs];
    if (d == s) return;
    h(a, 0x4600 | ((uint32_t)(d & 8) << 4) | ((uint32_t)s << 3) | (uint32_t)(d & 7));
}

void kn_asm_addi(kn_asm_t *a, int rd, int rs, int32_t imm) {
    int d = regmap[rd], s = regmap[rs];
    if (imm >= 0 && imm < 8) {
        h(a, 0x1C00 | ((uint32_t)imm << 6) | ((uint32_t)s << 3) | (uint32_t)d); /* ADDS d, s, #imm3 */
    } else if (imm < 0 && imm > -8) {
        h(a, 0x1E00 | ((uint32_t)-imm << 6) | ((uint32_t)s << 3) | (uint32_t)d); /* SUBS d, s, #imm3 */
    } else {
        imm_to(a, AT, (uint32_t)imm);
        h(a, 0x1800 | ((uint32_t)AT << 6) | ((uint32_t)s << 3) | (uint32_t)d); /* ADDS d, s, r7 */
    }
}

/* One load/store: immediate offset when it fits the 5-bit scaled field, else through r7. */
static void mem(kn_asm_t *a, int rt, int rb, int32_t off, int size, bool load, bool sign) {
    int scale = size == 1 ? 1 : size == 2 ? 2 : 4;
    if (!sign && off >= 0 && off % scale == 0 && off / scale < 32) {
        uint32_t base = load ? (size == 1 ? 0x7800 : size == 2 ? 0x8800 : 0x6800) : (size == 1 ? 0x7000 : size == 2 ? 0x8000 : 0x6000);
        h(a, base | ((uint32_t)(off / scale) << 6) | ((uint32_t)rb << 3) | (uint32_t)rt);
        return;
    }
    imm_to(a, AT, (uint32_t)off);
    uint32_t op;
    if (load) op = size == 1 ? (sign ? 0x5600 : 0x5C00) : size == 2 ? (sign ? 0x5E00 : 0x5A00) : 0x5800;
    else op = size == 1 ? 0x5400 : size == 2 ? 0x5200 : 0x5000;
    h(a, op | ((uint32_t)AT << 6) | ((uint32_t)rb << 3) | (uint32_t)rt);
}

void kn_asm_ld(kn_asm_t *a, int rd, int rb, int32_t off, int size, bool sign) {
    mem(a, regmap[rd], regmap[rb], off, size == 0 ? 4 : size, true, sign && size != 4 && size != 0);
}

void kn_asm_st(kn_asm_t *a, int rs, int rb, int32_t off, int size) {
    mem(a, regmap[rs], regmap[rb], off, size == 0 ? 4 : size, false, false);
}

void kn_asm_alu(kn_asm_t *a, int op, int rd, int rs, bool w32) {
    (void)w32; /* every operation is 32-bit here */
    uint32_t d = regmap[rd], s = regmap[rs];
    switch (op) {
        case KN_ALU_ADD: h(a, 0x1800 | (s << 6) | (d << 3) | d); return;
        case KN_ALU_SUB: h(a, 0x1A00 | (s << 6) | (d << 3) | d); return;
        case KN_ALU_MUL: h(a, 0x4340 | (s << 3) | d); return;
        case KN_ALU_AND: h(a, 0x4000 | (s << 3) | d); return;
        case KN_ALU_OR: h(a, 0x4300 | (s << 3) | d); return;
        case KN_ALU_XOR: h(a, 0x4040 | (s << 3) | d); return;
        case KN_ALU_SHL: h(a, 0x4080 | (s << 3) | d); return;
        case KN_ALU_SHR: h(a, 0x40C0 | (s << 3) | d); return;
        default: h(a, 0x4100 | (s << 3) | d); return; /* ASRS */
    }
}

void kn_asm_norm32(kn_asm_t *a, int rd, bool sign) {
    (void)a;
    (void)rd;
    (void)sign;
}

static const uint8_t conds[] = {[KN_CC_EQ] = 0x0, [KN_CC_NE] = 0x1, [KN_CC_LT] = 0xB, [KN_CC_GE] = 0xA, [KN_CC_LE] = 0xD,
                                [KN_CC_GT] = 0xC, [KN_CC_LTU] = 0x3, [KN_CC_GEU] = 0x2, [KN_CC_LEU] = 0x9, [KN_CC_GTU] = 0x8};

/* Branch to label when cond (ARM condition code) holds; 0xE = always. */
static void branch(kn_asm_t *a, uint32_t cond, uint32_t label) {
#if defined(KN_NATIVE_ARCH_THUMB2)
    kn_asm_fixup(a, label, cond == 0xE ? FX_BW : FX_BCCW);
    h(a, cond == 0xE ? 0xF000 : 0xF000 | (cond << 6));
    h(a, cond == 0xE ? 0x9000 : 0x8000);
#else
    if (cond != 0xE) h(a, 0xD000 | ((cond ^ 1) << 8) | 1); /* B<!cond> over the BL */
    kn_asm_fixup(a, label, FX_BL);
    h(a, 0xF000);
    h(a, 0xD000);
#endif
}

void kn_asm_add_ov(kn_asm_t *a, int rd, int rs, bool sub, uint32_t label) {
    kn_asm_alu(a, sub ? KN_ALU_SUB : KN_ALU_ADD, rd, rs, false);
    branch(a, 0x6, label); /* VS */
}

void kn_asm_bcc(kn_asm_t *a, int cc, int ra, int rb, uint32_t label) {
    h(a, 0x4280 | ((uint32_t)regmap[rb] << 3) | (uint32_t)regmap[ra]); /* CMP ra, rb */
    branch(a, conds[cc], label);
}

void kn_asm_jmp(kn_asm_t *a, uint32_t label) {
    branch(a, 0xE, label);
}

void kn_asm_call(kn_asm_t *a, const void *fn) {
    imm_to(a, AT, (uint32_t)(uintptr_t)fn);
    h(a, 0x4780 | ((uint32_t)AT << 3)); /* BLX r7 */
}

void kn_asm_patch(kn_asm_t *a, const kn_fixup_t *fx, int32_t target) {
    uint8_t *p = a->buf + fx->pos;
    uint32_t hw1 = (uint32_t)p[0] | ((uint32_t)p[1] << 8), hw2 = (uint32_t)p[2] | ((uint32_t)p[3] << 8);
    int32_t off = target - (int32_t)(fx->pos + 4);
    uint32_t s = off < 0;
    if (fx->kind == FX_BCCW) { /* B<c>.W: S:J2:J1:imm6:imm11 */
        uint32_t j1 = ((uint32_t)off >> 18) & 1, j2 = ((uint32_t)off >> 19) & 1;
        hw1 = (hw1 & 0xFBC0) | (s << 10) | (((uint32_t)off >> 12) & 0x3F);
        hw2 = (hw2 & 0xD000) | (j1 << 13) | (j2 << 11) | (((uint32_t)off >> 1) & 0x7FF);
    } else { /* B.W / BL: S:I1:I2:imm10:imm11, J = NOT(I XOR S) */
        uint32_t i1 = ((uint32_t)off >> 23) & 1, i2 = ((uint32_t)off >> 22) & 1;
        uint32_t j1 = (~(i1 ^ s)) & 1, j2 = (~(i2 ^ s)) & 1;
        hw1 = (hw1 & 0xF800) | (s << 10) | (((uint32_t)off >> 12) & 0x3FF);
        hw2 = (hw2 & 0xD000) | (j1 << 13) | (j2 << 11) | (((uint32_t)off >> 1) & 0x7FF);
    }
    p[0] = (uint8_t)hw1;
    p[1] = (uint8_t)(hw1 >> 8);
    p[2] = (uint8_t)hw2;
    p[3] = (uint8_t)(hw2 >> 8);
}

void kn_asm_finish(uint8_t *code, size_t len) {
    (void)code;
    (void)len;
    __asm__ volatile("dsb\n\tisb" ::: "memory"); /* the stores are complete before fetching the new code */
}

const void *kn_asm_entry(const uint8_t *code) {
    return code + 1; /* Thumb state */
}

#endif
