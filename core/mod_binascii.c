/* mod_binascii.c: binascii (hexlify, unhexlify, b2a_base64, a2b_base64, crc32). */
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static const uint8_t *buf_of(kn_obj o, size_t *n) {
    const uint8_t *d;
    if (!kn_get_buffer(o, &d, n)) kn_raise_type("a bytes-like object is required");
    return d;
}

static kn_obj ba_hexlify(size_t n, const kn_obj *args) {
    size_t len;
    const uint8_t *d = buf_of(args[0], &len);
    const char *sep = NULL;
    size_t sl = 0;
    if (n > 1) {
        sep = (const char *)buf_of(args[1], &sl);
    }
    kn_vstr_t v;
    kn_vstr_init(&v, len * 3);
    for (size_t i = 0; i < len; i++) {
        if (i && sep) kn_vstr_add(&v, sep, sl);
        kn_vstr_addc(&v, "0123456789abcdef"[d[i] >> 4]);
        kn_vstr_addc(&v, "0123456789abcdef"[d[i] & 15]);
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUNV(ba_hexlify_obj, 1, 2, ba_hexlify);

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static kn_obj ba_unhexlify(kn_obj o) {
    size_t len;
    const uint8_t *d = buf_of(o, &len);
    if (len % 2) kn_raise_value("Odd-length string");
    kn_vstr_t v;
    kn_vstr_init(&v, len / 2);
    for (size_t i = 0; i < len; i += 2) {
        int a = hexval(d[i]), b = hexval(d[i + 1]);
        if (a < 0 || b < 0) kn_raise_value("Non-hexadecimal digit found");
        kn_vstr_addc(&v, (char)(a * 16 + b));
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUN1(ba_unhexlify_obj, ba_unhexlify);

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static kn_obj ba_b2a_base64(size_t n, const kn_obj *args, kn_obj kw) {
    (void)n;
    size_t len;
    const uint8_t *d = buf_of(args[0], &len);
    bool newline = true;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(newline));
        if (v != KN_NULL) newline = kn_truthy(v);
    }
    kn_vstr_t v;
    kn_vstr_init(&v, len * 4 / 3 + 4);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t x = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < len ? d[i + 2] : 0);
        kn_vstr_addc(&v, b64[(x >> 18) & 63]);
        kn_vstr_addc(&v, b64[(x >> 12) & 63]);
        kn_vstr_addc(&v, i + 1 < len ? b64[(x >> 6) & 63] : '=');
        kn_vstr_addc(&v, i + 2 < len ? b64[x & 63] : '=');
    }
    if (newline) kn_vstr_addc(&v, '\n');
    return kn_vstr_to_bytes(&v);
}
static KN_FUNK(ba_b2a_base64_obj, 1, ba_b2a_base64);

static int b64val(uint8_t c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static kn_obj ba_a2b_base64(kn_obj o) {
    size_t len;
    const uint8_t *d = buf_of(o, &len);
    kn_vstr_t v;
    kn_vstr_init(&v, len * 3 / 4 + 1);
    uint32_t acc = 0;
    int bits = 0, pads = 0, count = 0;
    for (size_t i = 0; i < len; i++) {
        if (d[i] == '=') {
            pads++;
            continue;
        }
        int x = b64val(d[i]);
        if (x < 0) continue;
        if (pads) kn_raise_value("Incorrect padding");
        acc = acc << 6 | (uint32_t)x;
        bits += 6;
        count++;
        if (bits >= 8) {
            bits -= 8;
            kn_vstr_addc(&v, (char)(acc >> bits));
        }
    }
    if (count % 4 == 1 || (count % 4 && (count % 4) + pads < 4)) kn_raise_value("Incorrect padding");
    return kn_vstr_to_bytes(&v);
}
static KN_FUN1(ba_a2b_base64_obj, ba_a2b_base64);

uint32_t kn_crc32(uint32_t crc, const uint8_t *d, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= d[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static kn_obj ba_crc32(size_t n, const kn_obj *args) {
    size_t len;
    const uint8_t *d = buf_of(args[0], &len);
    uint32_t crc = n > 1 ? (uint32_t)kn_get_ll(args[1]) : 0;
    return kn_int_from_ull(kn_crc32(crc, d, len));
}
static KN_FUNV(ba_crc32_obj, 1, 2, ba_crc32);

static const kn_method_t binascii_table[] = {
    {KN_Q(hexlify), KN_OBJ(&ba_hexlify_obj)},         {KN_Q(unhexlify), KN_OBJ(&ba_unhexlify_obj)},
    {KN_Q(b2a_base64), KN_OBJ(&ba_b2a_base64_obj)},   {KN_Q(a2b_base64), KN_OBJ(&ba_a2b_base64_obj)},
    {KN_Q(crc32), KN_OBJ(&ba_crc32_obj)},
};

kn_obj kn_mod_binascii_init(void) {
    return kn_module_from_table(KN_Q(binascii), binascii_table, sizeof binascii_table / sizeof binascii_table[0]);
}
