/* mod_hashlib.c: hashlib.sha256 (FIPS 180-4) with update/digest/hexdigest/copy. */
#include <string.h>

#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

typedef struct {
    kn_base_t base;
    uint32_t h[8];
    uint8_t block[64];
    uint32_t used;
    uint64_t total;
} sha256_t;

extern const kn_type_t kn_type_sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t *h, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha_update(sha256_t *s, const uint8_t *d, size_t n) {
    s->total += n;
    while (n > 0) {
        size_t take = 64 - s->used;
        if (take > n) take = n;
        memcpy(s->block + s->used, d, take);
        s->used += (uint32_t)take;
        d += take;
        n -= take;
        if (s->used == 64) {
            compress(s->h, s->block);
            s->used = 0;
        }
    }
}

static kn_obj sha_update_m(kn_obj self, kn_obj data) {
    const uint8_t *d;
    size_t n;
    if (!kn_get_buffer(data, &d, &n) || KN_IS_STR(data)) kn_raise_type("Strings must be encoded before hashing");
    sha_update(KN_PTR(self), d, n);
    return kn_none;
}
static KN_FUN2(sha_update_obj, sha_update_m);

static void sha_final(const sha256_t *src, uint8_t out[32]) {
    sha256_t s = *src;
    uint64_t bits = s.total * 8;
    uint8_t pad = 0x80;
    sha_update(&s, &pad, 1);
    uint8_t zero = 0;
    while (s.used != 56) sha_update(&s, &zero, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_update(&s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s.h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s.h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s.h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s.h[i];
    }
}

static kn_obj sha_digest(kn_obj self) {
    uint8_t out[32];
    sha_final(KN_PTR(self), out);
    return kn_bytes_new((const char *)out, 32);
}
static KN_FUN1(sha_digest_obj, sha_digest);

static kn_obj sha_hexdigest(kn_obj self) {
    uint8_t out[32];
    char hex[64];
    sha_final(KN_PTR(self), out);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = "0123456789abcdef"[out[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[out[i] & 15];
    }
    return kn_str_new(hex, 64);
}
static KN_FUN1(sha_hexdigest_obj, sha_hexdigest);

static kn_obj sha_copy(kn_obj self) {
    sha256_t *s = KN_NEW(sha256_t);
    *s = *(sha256_t *)self;
    return KN_OBJ(s);
}
static KN_FUN1(sha_copy_obj, sha_copy);

static kn_obj sha_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 1, false);
    sha256_t *s = KN_NEW(sha256_t);
    s->base.type = &kn_type_sha256;
    static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, init, sizeof init);
    if (n == 1) sha_update_m(KN_OBJ(s), args[0]);
    return KN_OBJ(s);
}

static bool sha_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    (void)o;
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(digest_size)) *dest = KN_MKSMALL(32);
    else if (name == KN_Q(block_size)) *dest = KN_MKSMALL(64);
    else if (name == KN_Q(name)) *dest = KN_Q(sha256);
    else return false;
    return true;
}

KN_METHODS(sha_methods, KN_METHOD(update, sha_update_obj), KN_METHOD(digest, sha_digest_obj),
           KN_METHOD(hexdigest, sha_hexdigest_obj), KN_METHOD(copy, sha_copy_obj));

const kn_type_t kn_type_sha256 = {
    .base = {&kn_type_type},
    .name = KN_Q(sha256),
    .make_new = sha_new,
    .attr = sha_attr,
    .base_type = &kn_type_object,
    .methods = &sha_methods,
};

static const kn_method_t hashlib_table[] = {
    {KN_Q(sha256), KN_OBJ(&kn_type_sha256)},
};

kn_obj kn_mod_hashlib_init(void) {
    return kn_module_from_table(KN_Q(hashlib), hashlib_table, 1);
}
