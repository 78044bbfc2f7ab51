/* bl_md5.c: MD5 (RFC 1321), written from the RFC, for the partition table checksum entry. */
#include "bootloader.h"

static uint32_t rotl(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32u - n));
}

static uint32_t load_le(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Per-round shift amounts (RFC 1321 §3.4). */
static const uint8_t shifts[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

/* T[i] = floor(2^32 * |sin(i + 1)|), the RFC's table. */
static const uint32_t sines[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static void md5_block(uint32_t state[4], const uint8_t block[64]) {
    uint32_t m[16];
    for (unsigned i = 0; i < 16u; i++) {
        m[i] = load_le(block + 4u * i);
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    for (unsigned i = 0; i < 64u; i++) {
        unsigned round = i / 16u;
        uint32_t f;
        unsigned g;
        if (round == 0u) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (round == 1u) {
            f = (d & b) | (~d & c);
            g = (5u * i + 1u) % 16u;
        } else if (round == 2u) {
            f = b ^ c ^ d;
            g = (3u * i + 5u) % 16u;
        } else {
            f = c ^ (b | ~d);
            g = (7u * i) % 16u;
        }
        uint32_t next = b + rotl(a + f + sines[i] + m[g], shifts[round][i % 4u]);
        a = d;
        d = c;
        c = b;
        b = next;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
}

void bl_md5(const uint8_t *data, size_t len, uint8_t digest[16]) {
    uint32_t state[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
    size_t full = len / 64u * 64u;
    for (size_t off = 0; off < full; off += 64u) {
        md5_block(state, data + off);
    }
    /* Tail: the rest, 0x80, zeros, then the bit length little-endian in the last 8 bytes. */
    uint8_t tail[128] = {0};
    size_t rest = len - full;
    for (size_t i = 0; i < rest; i++) {
        tail[i] = data[full + i];
    }
    tail[rest] = 0x80u;
    size_t tail_len = rest < 56u ? 64u : 128u;
    uint64_t bits = (uint64_t)len * 8u;
    for (unsigned i = 0; i < 8u; i++) {
        tail[tail_len - 8u + i] = (uint8_t)(bits >> (8u * i));
    }
    for (size_t off = 0; off < tail_len; off += 64u) {
        md5_block(state, tail + off);
    }
    for (unsigned i = 0; i < 16u; i++) {
        digest[i] = (uint8_t)(state[i / 4u] >> (8u * (i % 4u)));
    }
}
