/* asm_rv32.c: the RV32IM backend of the native/viper assembler (base 32-bit encodings, valid on RV32IMC). */
#include <stddef.h>

#include "native.h"

#if KILN_NATIVE && defined(KN_NATIVE_ARCH_RV32)

enum { ZERO = 0, RA = 1, SP = 2, T0 = 5, T1 = 6, T2 = 7, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13,
       S2 = 18, S3 = 19, S4 = 20, T3 = 28, T4 = 29, T5 = 30 };
#define AT T4  /* assembler scratch */
#define AT2 T5
static const uint8_t regmap[KN_R_COUNT] = {
    [KN_R_T0] = T0, [KN_R_T1] = T1, [KN_R_T2] = T2, [KN_R_T3] = T3, [KN_R_A0] = A0, [KN_R_A1] = A1,
    [KN_R_A2] = A2, [KN_R_A3] = A3, [KN_R_RET] = A0, [KN_R_RF] = S1, [KN_R_RV] = S2, [KN_R_RR] = S3,
};
enum { FX_JAL };

static void ins(kn_asm_t *a, uint32_t v) {
    kn_asm_u32(a, v);
}

static uint32_t itype(int32_t imm, int rs1, int f3, int rd, int op) {
    return ((uint32_t)imm << 20) | ((uint32_t)rs1 << 15) | ((uint32_t)f3 << 12) | ((uint32_t)rd << 7) | (uint32_t)op;
}

static uint32_t stype(int32_t imm, int rs2, int rs1, int f3) {
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | ((uint32_t)rs2 << 20) | ((uint32_t)rs1 << 15) | ((uint32_t)f3 << 12) | ((u & 0x1f) << 7) | 0x23;
}

static uint32_t rtype(int f7, int rs2, int rs1, int f3, int rd) {
    return ((uint32_t)f7 << 25) | ((uint32_t)rs2 << 20) | ((uint32_t)rs1 << 15) | ((uint32_t)f3 << 12) | ((uint32_t)rd << 7) | 0x33;
}

static bool fits12(int32_t v) {
    return v >= -2048 && v < 2048;
}

static void li(kn_asm_t *a, int rd, uint32_t imm) {
    int32_t v = (int32_t)imm;
    if (fits12(v)) {
        ins(a, itype(v, ZERO, 0, rd, 0x13)); /* addi rd, zero, v */
        return;
    }
    uint32_t hi = (imm + 0x800) & 0xfffff000u;
    int32_t lo = (int32_t)(imm - hi);
    ins(a, hi | ((uint32_t)rd << 7) | 0x37); /* lui */
    if (lo != 0) ins(a, itype(lo, rd, 0, rd, 0x13));
}

void kn_asm_prologue(kn_asm_t *a, const void *helper) {
    ins(a, itype(-32, SP, 0, SP, 0x13));
    ins(a, stype(28, RA, SP, 2));
    ins(a, stype(24, S1, SP, 2));
    ins(a, stype(20, S2, SP, 2));
    ins(a, stype(16, S3, SP, 2));
    ins(a, stype(12, S4, SP, 2));
    kn_asm_mov(a, KN_R_RF, KN_R_A0);
    kn_asm_mov(a, KN_R_RR, KN_R_A1);
    kn_asm_addi(a, KN_R_RV, KN_R_RF, (int32_t)offsetof(kn_frame_t, values));
    li(a, S4, (uint32_t)(uintptr_t)helper);
    ins(a, itype(0, A2, 0, ZERO, 0x67)); /* jr a2 */
}

void kn_asm_epilogue(kn_asm_t *a) {
    ins(a, itype(28, SP, 2, RA, 0x03));
    ins(a, itype(24, SP, 2, S1, 0x03));
    ins(a, itype(20, SP, 2, S2, 0x03));
    ins(a, itype(16, SP, 2, S3, 0x03));
    ins(a, itype(12, SP, 2, S4, 0x03));
    ins(a, itype(32, SP, 0, SP, 0x13));
    ins(a, itype(0, RA, 0, ZERO, 0x67)); /* ret */
}

void kn_asm_mov_imm(kn_asm_t *a, int rd, uintptr_t imm) {
    li(a, regmap[rd], (uint32_t)imm);
}

void kn_asm_mov(kn_asm_t *a, int rd, int rs) {
    if (regmap[rd] != regmap[rs]) ins(a, itype(0, regmap[rs], 0, regmap[rd], 0x13));
}

void kn_asm_addi(kn_asm_t *a, int rd, int rs, int32_t imm) {
    if (fits12(imm)) {
        ins(a, itype(imm, regmap[rs], 0, regmap[rd], 0x13));
        return;
    }
    li(a, AT, (uint32_t)imm);
    ins(a, rtype(0, AT, regmap[rs], 0, regmap[rd]));
}

/* Base register and offset usable by a load/store (large offsets go through AT). */
static int address(kn_asm_t *a, int rb, int32_t *off) {
    if (fits12(*off)) return rb;
    li(a, AT, (uint32_t)*off);
    ins(a, rtype(0, rb, AT, 0, AT));
    *off = 0;
    return AT;
}

void kn_asm_ld(kn_asm_t *a, int rd, int rb, int32_t off, int size, bool sign) {
    int b = address(a, regmap[rb], &off);
    int f3 = size == 1 ? (sign ? 0 : 4) : size == 2 ? (sign ? 1 : 5) : 2;
    ins(a, itype(off, b, f3, regmap[rd], 0x03));
}

void kn_asm_st(kn_asm_t *a, int rs, int rb, int32_t off, int size) {
    int b = address(a, regmap[rb], &off);
    ins(a, stype(off, regmap[rs], b, size == 1 ? 0 : size == 2 ? 1 : 2));
}

void kn_asm_alu(kn_asm_t *a, int op, int rd, int rs, bool w32) {
    (void)w32;
    int d = regmap[rd], s = regmap[rs];
    static const uint8_t f3[] = {[KN_ALU_ADD] = 0, [KN_ALU_SUB] = 0, [KN_ALU_MUL] = 0, [KN_ALU_AND] = 7, [KN_ALU_OR] = 6,
                                 [KN_ALU_XOR] = 4, [KN_ALU_SHL] = 1, [KN_ALU_SAR] = 5, [KN_ALU_SHR] = 5};
    int f7 = op == KN_ALU_SUB || op == KN_ALU_SAR ? 0x20 : op == KN_ALU_MUL ? 1 : 0;
    ins(a, rtype(f7, s, d, f3[op], d));
}

void kn_asm_norm32(kn_asm_t *a, int rd, bool sign) {
    (void)a;
    (void)rd;
    (void)sign;
}

static void jal(kn_asm_t *a, uint32_t label) {
    kn_asm_fixup(a, label, FX_JAL);
    ins(a, 0x6F); /* jal zero, label */
}

/* Branch over the following jal when the condition (f3 on rs1, rs2) holds. */
static void bskip(kn_asm_t *a, int f3, int rs1, int rs2) {
    /* offset +8: imm[4:1] = 0b0100 in bits 11:8 */
    ins(a, (4u << 8) | ((uint32_t)rs2 << 20) | ((uint32_t)rs1 << 15) | ((uint32_t)f3 << 12) | 0x63);
}

void kn_asm_add_ov(kn_asm_t *a, int rd, int rs, bool sub, uint32_t label) {
    int d = regmap[rd], s = regmap[rs];
    ins(a, itype(0, d, 0, AT, 0x13)); /* AT = a */
    ins(a, rtype(sub ? 0x20 : 0, s, d, 0, d)); /* d = a +/- b */
    if (sub) {
        ins(a, rtype(0, s, AT, 4, AT2)); /* a ^ b */
        ins(a, rtype(0, d, AT, 4, AT));  /* a ^ r */
    } else {
        ins(a, rtype(0, d, s, 4, AT2));  /* b ^ r */
        ins(a, rtype(0, d, AT, 4, AT));  /* a ^ r */
    }
    ins(a, rtype(0, AT2, AT, 7, AT)); /* overflow iff the sign bit is set */
    bskip(a, 5, AT, ZERO);            /* bge AT, zero: no overflow */
    jal(a, label);
}

void kn_asm_bcc(kn_asm_t *a, int cc, int ra, int rb, uint32_t label) {
    int x = regmap[ra], y = regmap[rb];
    /* skip the jal when the condition is false */
    switch (cc) {
        case KN_CC_EQ: bskip(a, 1, x, y); break;
        case KN_CC_NE: bskip(a, 0, x, y); break;
        case KN_CC_LT: bskip(a, 5, x, y); break;
        case KN_CC_GE: bskip(a, 4, x, y); break;
        case KN_CC_LE: bskip(a, 4, y, x); break;  /* skip when y < x */
        case KN_CC_GT: bskip(a, 5, y, x); break;  /* skip when y >= x */
        case KN_CC_LTU: bskip(a, 7, x, y); break;
        case KN_CC_GEU: bskip(a, 6, x, y); break;
        case KN_CC_LEU: bskip(a, 6, y, x); break;
        default: bskip(a, 7, y, x); break;        /* GTU */
    }
    jal(a, label);
}

void kn_asm_jmp(kn_asm_t *a, uint32_t label) {
    jal(a, label);
}

void kn_asm_call(kn_asm_t *a, const void *fn) {
    li(a, AT, (uint32_t)(uintptr_t)fn);
    ins(a, itype(0, AT, 0, RA, 0x67)); /* jalr ra, AT */
}

void kn_asm_call_helper(kn_asm_t *a) {
    ins(a, itype(0, S4, 0, RA, 0x67)); /* jalr ra, s4 */
}

void kn_asm_patch(kn_asm_t *a, const kn_fixup_t *fx, int32_t target) {
    uint32_t off = (uint32_t)(target - (int32_t)fx->pos);
    uint32_t v = 0x6F | ((off >> 20 & 1) << 31) | ((off >> 1 & 0x3ff) << 21) | ((off >> 11 & 1) << 20) | ((off >> 12 & 0xff) << 12);
    uint8_t *p = a->buf + fx->pos;
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void kn_asm_finish(uint8_t *code, size_t len) {
    (void)code;
    (void)len;
    __asm__ volatile("fence" ::: "memory"); /* the stores reach SRAM before it is fetched as code */
}

/* ESP32-C3/C6: SRAM written through the data bus (DRAM window) executes through the instruction bus
 * (IRAM window) at a fixed offset (ESP32-C3 TRM, System and Memory). */
#if defined(KILN_PORT_ESP32)
#define DRAM_LO 0x3FC80000u
#define DRAM_HI 0x3FCE0000u
#define IRAM_OFFSET 0x700000u
#endif

const void *kn_asm_entry(const uint8_t *code) {
#if defined(KILN_PORT_ESP32)
    uintptr_t p = (uintptr_t)code;
    if (p >= DRAM_LO && p < DRAM_HI) return (const void *)(p + IRAM_OFFSET);
#endif
    return code;
}

#endif
