/* obj_int.c: int: tagged small ints that promote to arbitrary precision (16-bit digits) on overflow. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "libm.h"
#include "state.h"

typedef uint16_t dig_t;
typedef uint32_t ddig_t;
#define DIG_BITS 16
#define DIG_MASK 0xffffu

/* A magnitude view of any int: small ints are unpacked into buf. */
typedef struct {
    int neg;
    size_t n;
    const dig_t *d;
    dig_t buf[(sizeof(kn_uint_t) * 8 + 15) / 16 + 1];
} mag_t;

static void mag_of(kn_obj o, mag_t *m) {
    if (o == kn_true || o == kn_false) {
        o = KN_MKSMALL(o == kn_true);
    }
    if (KN_IS_SMALL(o)) {
        kn_int_t v = KN_SMALL(o);
        kn_uint_t u = v < 0 ? (kn_uint_t)0 - (kn_uint_t)v : (kn_uint_t)v;
        m->neg = v < 0;
        m->n = 0;
        while (u) {
            m->buf[m->n++] = (dig_t)(u & DIG_MASK);
            u >>= DIG_BITS;
        }
        m->d = m->buf;
    } else {
        const kn_bigint_t *b = KN_PTR(o);
        m->neg = b->sign_len < 0;
        m->n = (size_t)(b->sign_len < 0 ? -b->sign_len : b->sign_len);
        m->d = b->digits;
    }
}

static size_t mag_norm(const dig_t *d, size_t n) {
    while (n > 0 && d[n - 1] == 0) {
        n--;
    }
    return n;
}

/* Makes an int object from a magnitude (copied), choosing the small form when it fits. */
static kn_obj mag_to_int(int neg, const dig_t *d, size_t n) {
    n = mag_norm(d, n);
    if (n * DIG_BITS <= sizeof(kn_uint_t) * 8) {
        kn_uint_t u = 0;
        for (size_t i = n; i-- > 0;) {
            u = (u << DIG_BITS) | d[i];
        }
        if (!neg && u <= (kn_uint_t)KN_SMALL_MAX) {
            return KN_MKSMALL((kn_int_t)u);
        }
        if (neg && u <= (kn_uint_t)KN_SMALL_MAX + 1u) {
            return KN_MKSMALL(-(kn_int_t)(u - 1) - 1);
        }
    }
    if (n > 0x7fffffff / 2) {
        kn_raise_msg(&kn_type_OverflowError, "int too big");
    }
    kn_bigint_t *b = kn_alloc_atomic(sizeof(kn_bigint_t) + n * sizeof(dig_t));
    b->base.type = &kn_type_int;
    b->sign_len = neg ? -(int32_t)n : (int32_t)n;
    memcpy(b->digits, d, n * sizeof(dig_t));
    return KN_OBJ(b);
}

static dig_t *tmp_digits(size_t n) {
    return kn_alloc_atomic((n + 1) * sizeof(dig_t));
}

static int mag_cmp(const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    if (na != nb) {
        return na < nb ? -1 : 1;
    }
    for (size_t i = na; i-- > 0;) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

static size_t mag_add(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    if (na < nb) {
        const dig_t *t = a; a = b; b = t;
        size_t tn = na; na = nb; nb = tn;
    }
    ddig_t carry = 0;
    size_t i = 0;
    for (; i < na; i++) {
        carry += (ddig_t)a[i] + (i < nb ? b[i] : 0u);
        out[i] = (dig_t)carry;
        carry >>= DIG_BITS;
    }
    out[i++] = (dig_t)carry;
    return i;
}

/* a >= b required. */
static size_t mag_sub(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    int32_t borrow = 0;
    for (size_t i = 0; i < na; i++) {
        int32_t v = (int32_t)a[i] - (i < nb ? (int32_t)b[i] : 0) - borrow;
        borrow = v < 0;
        out[i] = (dig_t)(v + (borrow << DIG_BITS));
    }
    return mag_norm(out, na);
}

/* out (na + nb digits) = a * b, digit by digit. */
static void mag_mul_school(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    memset(out, 0, (na + nb) * sizeof(dig_t));
    for (size_t i = 0; i < na; i++) {
        ddig_t carry = 0;
        ddig_t ai = a[i];
        if (ai == 0) {
            continue;
        }
        for (size_t j = 0; j < nb; j++) {
            carry += ai * b[j] + out[i + j];
            out[i + j] = (dig_t)carry;
            carry >>= DIG_BITS;
        }
        out[i + nb] = (dig_t)carry;
    }
}

/* Karatsuba below this many digits of the shorter operand costs more than it saves. */
#define KARATSUBA_MIN 40u

/* out = a + b over max(na, nb) + 1 digits; returns that count. */
static size_t mag_add_raw(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    size_t n = na > nb ? na : nb;
    ddig_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        carry += (ddig_t)(i < na ? a[i] : 0u) + (i < nb ? b[i] : 0u);
        out[i] = (dig_t)carry;
        carry >>= DIG_BITS;
    }
    out[n] = (dig_t)carry;
    return n + 1;
}

/* a -= b in place (as numbers, a >= b). */
static void mag_sub_in_place(dig_t *a, size_t na, const dig_t *b, size_t nb) {
    int32_t borrow = 0;
    for (size_t i = 0; i < na && (i < nb || borrow); i++) {
        int32_t v = (int32_t)a[i] - (i < nb ? (int32_t)b[i] : 0) - borrow;
        borrow = v < 0;
        a[i] = (dig_t)(v + (borrow << DIG_BITS));
    }
}

/* out[off, total) += t (nt digits; the sum fits in total digits, so t's digits past it are zero). */
static void mag_add_at(dig_t *out, size_t total, size_t off, const dig_t *t, size_t nt) {
    ddig_t carry = 0;
    size_t k = off;
    for (size_t i = 0; i < nt && k < total; i++, k++) {
        carry += (ddig_t)out[k] + t[i];
        out[k] = (dig_t)carry;
        carry >>= DIG_BITS;
    }
    for (; carry != 0 && k < total; k++) {
        carry += out[k];
        out[k] = (dig_t)carry;
        carry >>= DIG_BITS;
    }
}

/* out (na + nb digits, apart from a and b) = a * b: Karatsuba for large operands (3 ** 620050 took seconds
   digit by digit), long ones cut into pieces the size of the short one. */
static void mag_mul_into(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    if (na < nb) {
        const dig_t *t = a; a = b; b = t;
        size_t tn = na; na = nb; nb = tn;
    }
    if (nb < KARATSUBA_MIN) {
        mag_mul_school(out, a, na, b, nb);
        return;
    }
    if (na >= 2 * nb) {
        memset(out, 0, (na + nb) * sizeof(dig_t));
        dig_t *piece = kn_alloc_atomic(2 * nb * sizeof(dig_t));
        for (size_t off = 0; off < na; off += nb) {
            size_t len = na - off < nb ? na - off : nb;
            mag_mul_into(piece, a + off, len, b, nb);
            mag_add_at(out, na + nb, off, piece, len + nb);
        }
        kn_free(piece);
        return;
    }
    /* a = a1 B^m + a0, b = b1 B^m + b0 (nb > m): a b = z2 B^2m + z1 B^m + z0 with
       z1 = (a0 + a1)(b0 + b1) - z0 - z2. */
    size_t m = na / 2, na1 = na - m, nb1 = nb - m, room = na1 + 1;
    mag_mul_into(out, a, m, b, m);                  /* z0 in out[0, 2m) */
    mag_mul_into(out + 2 * m, a + m, na1, b + m, nb1); /* z2 in out[2m, na + nb) */
    dig_t *sa = kn_alloc_atomic(4 * room * sizeof(dig_t));
    dig_t *sb = sa + room, *z1 = sa + 2 * room;
    size_t lsa = mag_add_raw(sa, a, m, a + m, na1);
    size_t lsb = mag_add_raw(sb, b, m, b + m, nb1);
    mag_mul_into(z1, sa, lsa, sb, lsb);
    mag_sub_in_place(z1, lsa + lsb, out, 2 * m);
    mag_sub_in_place(z1, lsa + lsb, out + 2 * m, na1 + nb1);
    mag_add_at(out, na + nb, m, z1, lsa + lsb);
    kn_free(sa);
}

static size_t mag_mul(dig_t *out, const dig_t *a, size_t na, const dig_t *b, size_t nb) {
    if (na == 0 || nb == 0) {
        memset(out, 0, (na + nb) * sizeof(dig_t));
        return 0;
    }
    mag_mul_into(out, a, na, b, nb);
    return mag_norm(out, na + nb);
}

/* In place: d = d * m + add. Returns new length (d must have room for one more digit). */
static size_t mag_muladd_small(dig_t *d, size_t n, ddig_t m, ddig_t add) {
    ddig_t carry = add;
    for (size_t i = 0; i < n; i++) {
        carry += d[i] * m;
        d[i] = (dig_t)carry;
        carry >>= DIG_BITS;
    }
    if (carry) {
        d[n++] = (dig_t)carry;
    }
    return n;
}

/* q = a / d (q may alias a); returns the remainder. */
static ddig_t mag_divmod_small(dig_t *q, const dig_t *a, size_t n, ddig_t d) {
    ddig_t r = 0;
    for (size_t i = n; i-- > 0;) {
        ddig_t cur = (r << DIG_BITS) | a[i];
        q[i] = (dig_t)(cur / d);
        r = cur % d;
    }
    return r;
}

/* Schoolbook long division (Knuth's algorithm D): q = a / b, r = a % b, nb >= 2, a >= b. */
static void mag_divmod(const dig_t *a, size_t na, const dig_t *b, size_t nb, dig_t *q, size_t *nq, dig_t *r,
                       size_t *nr) {
    if (nb == 1) {
        ddig_t rem = mag_divmod_small(q, a, na, b[0]);
        *nq = mag_norm(q, na);
        r[0] = (dig_t)rem;
        *nr = mag_norm(r, 1);
        return;
    }
    int shift = 0;
    while (((b[nb - 1] << shift) & 0x8000u) == 0) {
        shift++;
    }
    dig_t *u = tmp_digits(na + 1);
    dig_t *v = tmp_digits(nb);
    /* Normalise so the divisor's top bit is set. */
    ddig_t c = 0;
    for (size_t i = 0; i < nb; i++) {
        ddig_t x = ((ddig_t)b[i] << shift) | c;
        v[i] = (dig_t)x;
        c = x >> DIG_BITS;
    }
    c = 0;
    for (size_t i = 0; i < na; i++) {
        ddig_t x = ((ddig_t)a[i] << shift) | c;
        u[i] = (dig_t)x;
        c = x >> DIG_BITS;
    }
    u[na] = (dig_t)c;
    size_t m = na - nb;
    memset(q, 0, (m + 1) * sizeof(dig_t));
    for (size_t j = m + 1; j-- > 0;) {
        uint64_t num = ((uint64_t)u[j + nb] << DIG_BITS) | u[j + nb - 1];
        uint64_t qhat = num / v[nb - 1];
        uint64_t rhat = num % v[nb - 1];
        while (qhat > DIG_MASK || qhat * v[nb - 2] > ((rhat << DIG_BITS) | u[j + nb - 2])) {
            qhat--;
            rhat += v[nb - 1];
            if (rhat > DIG_MASK) {
                break;
            }
        }
        /* Multiply and subtract. */
        int64_t borrow = 0;
        uint64_t carry = 0;
        for (size_t i = 0; i < nb; i++) {
            carry += qhat * v[i];
            int64_t t = (int64_t)u[i + j] - (int64_t)(carry & DIG_MASK) - borrow;
            carry >>= DIG_BITS;
            borrow = t < 0;
            u[i + j] = (dig_t)(t + (borrow << DIG_BITS));
        }
        int64_t t = (int64_t)u[j + nb] - (int64_t)carry - borrow;
        borrow = t < 0;
        u[j + nb] = (dig_t)(t + (borrow << DIG_BITS));
        if (borrow) {
            /* Added back: qhat was one too large. */
            qhat--;
            ddig_t cc = 0;
            for (size_t i = 0; i < nb; i++) {
                cc += (ddig_t)u[i + j] + v[i];
                u[i + j] = (dig_t)cc;
                cc >>= DIG_BITS;
            }
            u[j + nb] = (dig_t)(u[j + nb] + cc);
        }
        q[j] = (dig_t)qhat;
    }
    *nq = mag_norm(q, m + 1);
    /* Unnormalise the remainder. */
    for (size_t i = 0; i < nb; i++) {
        ddig_t x = ((ddig_t)u[i] >> shift) | (i + 1 < nb + 1 ? ((ddig_t)u[i + 1] << (DIG_BITS - shift)) & DIG_MASK : 0);
        r[i] = (dig_t)x;
    }
    *nr = mag_norm(r, nb);
}

kn_obj kn_int_from(kn_int_t v) {
    if (KN_FITS_SMALL(v)) {
        return KN_MKSMALL(v);
    }
    return kn_int_from_ll((long long)v);
}

kn_obj kn_int_from_ull(unsigned long long u) {
    dig_t d[5];
    size_t n = 0;
    while (u) {
        d[n++] = (dig_t)(u & DIG_MASK);
        u >>= DIG_BITS;
    }
    return mag_to_int(0, d, n);
}

kn_obj kn_int_from_ll(long long v) {
    if (v >= KN_SMALL_MIN && v <= KN_SMALL_MAX) {
        return KN_MKSMALL((kn_int_t)v);
    }
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    dig_t d[5];
    size_t n = 0;
    while (u) {
        d[n++] = (dig_t)(u & DIG_MASK);
        u >>= DIG_BITS;
    }
    return mag_to_int(v < 0, d, n);
}

int kn_int_sign(kn_obj o) {
    if (KN_IS_SMALL(o)) {
        kn_int_t v = KN_SMALL(o);
        return v < 0 ? -1 : v > 0;
    }
    if (o == kn_true) {
        return 1;
    }
    if (o == kn_false) {
        return 0;
    }
    return ((kn_bigint_t *)o)->sign_len < 0 ? -1 : 1;
}

bool kn_int_fits(kn_obj o, kn_int_t *out) {
    if (KN_IS_SMALL(o)) {
        *out = KN_SMALL(o);
        return true;
    }
    if (o == kn_true || o == kn_false) {
        *out = o == kn_true;
        return true;
    }
    mag_t m;
    mag_of(o, &m);
    if (m.n * DIG_BITS > sizeof(kn_uint_t) * 8) {
        return false;
    }
    kn_uint_t u = 0;
    for (size_t i = m.n; i-- > 0;) {
        u = (u << DIG_BITS) | m.d[i];
    }
    if (!m.neg && u <= (kn_uint_t)INTPTR_MAX) {
        *out = (kn_int_t)u;
        return true;
    }
    if (m.neg && u <= (kn_uint_t)INTPTR_MAX + 1u) {
        *out = -(kn_int_t)(u - 1) - 1;
        return true;
    }
    return false;
}

kn_int_t kn_get_int(kn_obj o) {
    kn_int_t v;
    if (KN_IS_SMALL(o)) {
        return KN_SMALL(o);
    }
    if (!KN_IS_INT(o) && o != kn_true && o != kn_false) {
        if (kn_isinstance(o, &kn_type_int)) {
            o = kn_native_self(o, &kn_type_int);
        } else {
            kn_obj idx = kn_load_attr_maybe(o, KN_Q(__index__));
            if (idx == KN_NULL) {
                kn_raise_fmt(&kn_type_TypeError, "'%s' object cannot be interpreted as an integer", kn_type_cname(o));
            }
            o = kn_call0(idx);
        }
    }
    if (!kn_int_fits(o, &v)) {
        kn_raise_msg(&kn_type_OverflowError, "overflow converting long int to machine word");
    }
    return v;
}

bool kn_int_fits_ll(kn_obj o, long long *out) {
    if (KN_IS_SMALL(o)) {
        *out = KN_SMALL(o);
        return true;
    }
    mag_t m;
    mag_of(o, &m);
    if (m.n > 4) {
        return false;
    }
    unsigned long long u = 0;
    for (size_t i = m.n; i-- > 0;) {
        u = (u << DIG_BITS) | m.d[i];
    }
    if (!m.neg && u <= (unsigned long long)LLONG_MAX) {
        *out = (long long)u;
        return true;
    }
    if (m.neg && u <= (unsigned long long)LLONG_MAX + 1u) {
        *out = -(long long)(u - 1) - 1;
        return true;
    }
    return false;
}

long long kn_get_ll(kn_obj o) {
    long long v;
    if (!kn_int_fits_ll(o, &v)) {
        kn_raise_msg(&kn_type_OverflowError, "overflow converting long int to machine word");
    }
    return v;
}

kn_float_t kn_int_to_float(kn_obj o) {
    if (KN_IS_SMALL(o)) {
        return (kn_float_t)KN_SMALL(o);
    }
    mag_t m;
    mag_of(o, &m);
    double f = 0;
    for (size_t i = m.n; i-- > 0;) {
        f = f * 65536.0 + m.d[i];
    }
    if (isinf(f) || (KILN_FLOAT_SINGLE && f > 3.4e38)) {
        kn_raise_msg(&kn_type_OverflowError, "int too large to convert to float");
    }
    return (kn_float_t)(m.neg ? -f : f);
}

kn_obj kn_int_from_float(kn_float_t f) {
    if (isnan(f)) {
        kn_raise_value("cannot convert float NaN to integer");
    }
    if (isinf(f)) {
        kn_raise_msg(&kn_type_OverflowError, "cannot convert float infinity to integer");
    }
    double x = trunc((double)f);
    if (x >= -4e18 && x <= 4e18) {
        return kn_int_from_ll((long long)x);
    }
    int neg = x < 0;
    if (neg) {
        x = -x;
    }
    int e;
    double mant = frexp(x, &e); /* x = mant * 2^e */
    size_t n = (size_t)(e / DIG_BITS + 1);
    dig_t *d = tmp_digits(n);
    for (size_t i = n; i-- > 0;) {
        double scaled = ldexp(mant, e - (int)(i * DIG_BITS));
        double dv = floor(scaled);
        d[i] = (dig_t)dv;
        mant = ldexp(scaled - dv, (int)(i * DIG_BITS) - e);
    }
    return mag_to_int(neg, d, n);
}

/* Two's complement helpers for bitwise ops on negative values: n digits + sign extension. */
static void to_twos(const mag_t *m, dig_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        out[i] = i < m->n ? m->d[i] : 0;
    }
    if (m->neg) {
        ddig_t carry = 1;
        for (size_t i = 0; i < n; i++) {
            carry += (dig_t)~out[i];
            out[i] = (dig_t)carry;
            carry >>= DIG_BITS;
        }
    }
}

static kn_obj from_twos(dig_t *d, size_t n) {
    int neg = (d[n - 1] & 0x8000u) != 0;
    if (neg) {
        ddig_t carry = 1;
        for (size_t i = 0; i < n; i++) {
            carry += (dig_t)~d[i];
            d[i] = (dig_t)carry;
            carry >>= DIG_BITS;
        }
    }
    return mag_to_int(neg, d, n);
}

static kn_obj big_pow(kn_obj base, kn_obj exp, kn_obj mod) {
    kn_obj result = KN_MKSMALL(1);
    kn_int_t e;
    if (mod != KN_NULL) {
        base = kn_int_binop(KN_OP_MOD, base, mod);
    }
    if (mod == KN_NULL) {
        /* |base| >= 2: the result has at least (bits(base) - 1) * exp bits. When that cannot fit in
         * the whole heap, fail now instead of squaring ever larger numbers until the heap runs out. */
        size_t bl = kn_int_bit_length(base);
        size_t heap_bits = kn_st.gc_blocks * 4u * sizeof(void *) * 8u;
        if (bl >= 2 && (!KN_IS_SMALL(exp) || (kn_uint_t)KN_SMALL(exp) > heap_bits / (bl - 1))) {
            kn_raise(kn_st.memory_error);
        }
    }
    /* Exponent as magnitude, scanned from the least significant bit. */
    mag_t em;
    mag_of(exp, &em);
    for (size_t i = 0; i < em.n; i++) {
        dig_t dv = em.d[i];
        for (int bit = 0; bit < DIG_BITS; bit++) {
            if (dv & 1u) {
                result = kn_int_binop(KN_OP_MUL, result, base);
                if (mod != KN_NULL) {
                    result = kn_int_binop(KN_OP_MOD, result, mod);
                }
            }
            dv >>= 1;
            if (dv == 0 && i + 1 == em.n) {
                break;
            }
            base = kn_int_binop(KN_OP_MUL, base, base);
            if (mod != KN_NULL) {
                base = kn_int_binop(KN_OP_MOD, base, mod);
            }
        }
    }
    (void)e;
    return result;
}

kn_obj kn_int_pow3(kn_obj a, kn_obj b, kn_obj m) {
    if (kn_int_sign(b) < 0) {
        kn_raise_value("pow() negative exponent with modulus not supported");
    }
    if (kn_int_sign(m) == 0) {
        kn_raise_value("pow() 3rd argument cannot be 0");
    }
    return big_pow(a, b, m);
}

static kn_obj int_divmod(kn_obj a, kn_obj b, int want) {
    mag_t x, y;
    mag_of(a, &x);
    mag_of(b, &y);
    if (y.n == 0) {
        kn_raise_msg(&kn_type_ZeroDivisionError, want == KN_OP_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
    }
    dig_t *q = tmp_digits(x.n + 1);
    dig_t *r = tmp_digits(y.n + 1);
    size_t nq = 0, nr = 0;
    if (mag_cmp(x.d, x.n, y.d, y.n) < 0) {
        memcpy(r, x.d, x.n * sizeof(dig_t));
        nr = x.n;
    } else {
        mag_divmod(x.d, x.n, y.d, y.n, q, &nq, r, &nr);
    }
    int qneg = x.neg != y.neg;
    if (qneg && nr > 0) {
        /* Floor: q += 1 (in magnitude), r = |b| - r. */
        dig_t one = 1;
        nq = mag_add(q, q, nq, &one, 1);
        nr = mag_sub(r, y.d, y.n, r, nr);
    }
    kn_obj qo = mag_to_int(qneg, q, nq);
    kn_obj ro = mag_to_int(y.neg, r, nr);
    if (want == KN_OP_FLOORDIV) {
        return qo;
    }
    if (want == KN_OP_MOD) {
        return ro;
    }
    kn_obj pair[2] = {qo, ro};
    return kn_tuple_new(2, pair);
}

static kn_obj int_shift(kn_obj a, kn_int_t s, bool left) {
    mag_t x;
    mag_of(a, &x);
    if (s < 0) {
        kn_raise_value("negative shift count");
    }
    if (x.n == 0) {
        return KN_MKSMALL(0);
    }
    if (left) {
        size_t words = (size_t)s / DIG_BITS;
        int bits = (int)((size_t)s % DIG_BITS);
        if (words > 1000000) {
            kn_raise_msg(&kn_type_OverflowError, "int too big");
        }
        size_t n = x.n + words + 1;
        dig_t *d = tmp_digits(n);
        ddig_t carry = 0;
        for (size_t i = 0; i < x.n; i++) {
            ddig_t v = ((ddig_t)x.d[i] << bits) | carry;
            d[i + words] = (dig_t)v;
            carry = v >> DIG_BITS;
        }
        d[x.n + words] = (dig_t)carry;
        return mag_to_int(x.neg, d, n);
    }
    if (x.neg) {
        /* Floor semantics: -((|a| - 1) >> s) - 1. */
        kn_obj t = kn_int_binop(KN_OP_SUB, kn_int_unop(KN_UOP_NEG, a), KN_MKSMALL(1));
        t = int_shift(t, s, false);
        return kn_int_binop(KN_OP_SUB, kn_int_unop(KN_UOP_NEG, t), KN_MKSMALL(1));
    }
    size_t words = (size_t)s / DIG_BITS;
    int bits = (int)((size_t)s % DIG_BITS);
    if (words >= x.n) {
        return KN_MKSMALL(0);
    }
    size_t n = x.n - words;
    dig_t *d = tmp_digits(n);
    for (size_t i = 0; i < n; i++) {
        ddig_t v = x.d[i + words];
        if (i + words + 1 < x.n) {
            v |= (ddig_t)x.d[i + words + 1] << DIG_BITS;
        }
        d[i] = (dig_t)(v >> bits);
    }
    return mag_to_int(0, d, n);
}

kn_obj kn_int_binop(int op, kn_obj a, kn_obj b) {
    if (a == kn_true || a == kn_false) {
        a = KN_MKSMALL(a == kn_true);
    }
    if (b == kn_true || b == kn_false) {
        b = KN_MKSMALL(b == kn_true);
    }
    if (!KN_IS_INT(b)) {
        if (kn_is_type(b, &kn_type_float)) {
            kn_float_t f = KN_FLOAT(b);
            if (op >= KN_OP_LT && op <= KN_OP_GE && !isnan(f) && !isinf(f) &&
                (!KN_IS_SMALL(a) || KN_SMALL(a) > ((kn_int_t)1 << 24) || KN_SMALL(a) < -((kn_int_t)1 << 24))) {
                /* exact comparison of a big int with a float */
                kn_float_t fl = (kn_float_t)floor((double)f);
                int c = kn_int_sign(kn_int_binop(KN_OP_SUB, a, kn_int_from_float(fl)));
                if (f != fl && c == 0) c = -1; /* a == floor(f) < f */
                switch (op) {
                    case KN_OP_LT: return KN_BOOL(c < 0);
                    case KN_OP_LE: return KN_BOOL(c <= 0);
                    case KN_OP_GT: return KN_BOOL(c > 0);
                    case KN_OP_GE: return KN_BOOL(c >= 0);
                    case KN_OP_EQ: return KN_BOOL(c == 0 && f == fl);
                    default: return KN_BOOL(!(c == 0 && f == fl));
                }
            }
            return kn_float_binop(op, kn_int_to_float(a), f);
        }
        if (kn_is_type(b, &kn_type_complex)) {
            return kn_complex_binop(op, a, b);
        }
        return KN_NULL;
    }
    if (op >= KN_OP_INPLACE) {
        op -= KN_OP_INPLACE;
    }
    if (KN_IS_SMALL(a) && KN_IS_SMALL(b)) {
        kn_int_t x = KN_SMALL(a), y = KN_SMALL(b), r;
        switch (op) {
            case KN_OP_ADD:
                r = x + y; /* cannot overflow a word: small ints are one bit narrower */
                if (KN_FITS_SMALL(r)) return KN_MKSMALL(r);
                return kn_int_from_ll((long long)x + (long long)y);
            case KN_OP_SUB:
                r = x - y;
                if (KN_FITS_SMALL(r)) return KN_MKSMALL(r);
                return kn_int_from_ll((long long)x - (long long)y);
            case KN_OP_MUL:
#if defined(__GNUC__)
                if (!__builtin_mul_overflow(x, y, &r) && KN_FITS_SMALL(r)) return KN_MKSMALL(r);
#else
                if ((x < 32768 && x > -32768 && y < 32768 && y > -32768)) return KN_MKSMALL(x * y);
#endif
                break;
            case KN_OP_FLOORDIV:
            case KN_OP_MOD:
                if (y == 0) {
                    kn_raise_msg(&kn_type_ZeroDivisionError,
                                 op == KN_OP_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
                }
                if (op == KN_OP_FLOORDIV) {
                    r = x / y;
                    if ((x % y != 0) && ((x < 0) != (y < 0))) r--;
                } else {
                    r = x % y;
                    if (r != 0 && ((r < 0) != (y < 0))) r += y;
                }
                if (KN_FITS_SMALL(r)) return KN_MKSMALL(r);
                return kn_int_from(r);
            case KN_OP_TRUEDIV:
                if (y == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "division by zero");
                return kn_float_new((kn_float_t)((double)x / (double)y));
            case KN_OP_AND: return KN_MKSMALL(x & y);
            case KN_OP_OR: return KN_MKSMALL(x | y);
            case KN_OP_XOR: return KN_MKSMALL(x ^ y);
            case KN_OP_LSHIFT:
                if (y < 0) kn_raise_value("negative shift count");
                if (y < (kn_int_t)(sizeof(kn_int_t) * 8 - 2)) {
                    r = (kn_int_t)((kn_uint_t)x << y); /* unsigned: an overflowing shift is not UB */
                    if ((r >> y) == x && KN_FITS_SMALL(r)) return KN_MKSMALL(r);
                }
                break;
            case KN_OP_RSHIFT:
                if (y < 0) kn_raise_value("negative shift count");
                if (y >= (kn_int_t)(sizeof(kn_int_t) * 8)) return KN_MKSMALL(x < 0 ? -1 : 0);
                return KN_MKSMALL(x >> y);
            case KN_OP_LT: return KN_BOOL(x < y);
            case KN_OP_LE: return KN_BOOL(x <= y);
            case KN_OP_GT: return KN_BOOL(x > y);
            case KN_OP_GE: return KN_BOOL(x >= y);
            case KN_OP_EQ: return KN_BOOL(x == y);
            case KN_OP_NE: return KN_BOOL(x != y);
            default: break;
        }
    }
    mag_t x, y;
    mag_of(a, &x);
    mag_of(b, &y);
    switch (op) {
        case KN_OP_ADD:
        case KN_OP_SUB: {
            int yneg = op == KN_OP_SUB ? !y.neg : y.neg;
            size_t n = (x.n > y.n ? x.n : y.n) + 1;
            dig_t *d = tmp_digits(n);
            if (x.neg == yneg) {
                n = mag_add(d, x.d, x.n, y.d, y.n);
                return mag_to_int(x.neg, d, n);
            }
            if (mag_cmp(x.d, x.n, y.d, y.n) >= 0) {
                n = mag_sub(d, x.d, x.n, y.d, y.n);
                return mag_to_int(x.neg, d, n);
            }
            n = mag_sub(d, y.d, y.n, x.d, x.n);
            return mag_to_int(yneg, d, n);
        }
        case KN_OP_MUL: {
            dig_t *d = tmp_digits(x.n + y.n + 1);
            size_t n = mag_mul(d, x.d, x.n, y.d, y.n);
            return mag_to_int(x.neg != y.neg, d, n);
        }
        case KN_OP_FLOORDIV:
        case KN_OP_MOD:
        case KN_OP_DIVMOD:
            return int_divmod(a, b, op);
        case KN_OP_TRUEDIV: {
            if (y.n == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "division by zero");
            return kn_float_new((kn_float_t)((double)kn_int_to_float(a) / (double)kn_int_to_float(b)));
        }
        case KN_OP_POW: {
            if (y.neg) {
                kn_float_t fa = kn_int_to_float(a), fb = kn_int_to_float(b);
                if (fa == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "0.0 cannot be raised to a negative power");
                return kn_float_new((kn_float_t)KN_M(pow)((kn_real_t)fa, (kn_real_t)fb));
            }
            return big_pow(a, b, KN_NULL);
        }
        case KN_OP_LSHIFT:
        case KN_OP_RSHIFT: {
            kn_int_t s;
            if (y.neg) kn_raise_value("negative shift count");
            if (!kn_int_fits(b, &s)) kn_raise_msg(&kn_type_OverflowError, "shift count too large");
            return int_shift(a, s, op == KN_OP_LSHIFT);
        }
        case KN_OP_AND:
        case KN_OP_OR:
        case KN_OP_XOR: {
            size_t n = (x.n > y.n ? x.n : y.n) + 1;
            dig_t *da = tmp_digits(n), *db = tmp_digits(n);
            to_twos(&x, da, n);
            to_twos(&y, db, n);
            for (size_t i = 0; i < n; i++) {
                da[i] = op == KN_OP_AND ? (dig_t)(da[i] & db[i]) : op == KN_OP_OR ? (dig_t)(da[i] | db[i]) : (dig_t)(da[i] ^ db[i]);
            }
            return from_twos(da, n);
        }
        case KN_OP_LT: case KN_OP_LE: case KN_OP_GT: case KN_OP_GE: case KN_OP_EQ: case KN_OP_NE: {
            int c;
            if (x.neg != y.neg) {
                c = x.neg ? -1 : 1;
            } else {
                c = mag_cmp(x.d, x.n, y.d, y.n);
                if (x.neg) c = -c;
            }
            switch (op) {
                case KN_OP_LT: return KN_BOOL(c < 0);
                case KN_OP_LE: return KN_BOOL(c <= 0);
                case KN_OP_GT: return KN_BOOL(c > 0);
                case KN_OP_GE: return KN_BOOL(c >= 0);
                case KN_OP_EQ: return KN_BOOL(c == 0);
                default: return KN_BOOL(c != 0);
            }
        }
        default:
            return KN_NULL;
    }
}

kn_obj kn_int_unop(int op, kn_obj a) {
    if (a == kn_true || a == kn_false) {
        a = KN_MKSMALL(a == kn_true);
    }
    if (KN_IS_SMALL(a)) {
        kn_int_t v = KN_SMALL(a);
        switch (op) {
            case KN_UOP_POS: return a;
            case KN_UOP_NEG: return kn_int_from(-v);
            case KN_UOP_ABS: return kn_int_from(v < 0 ? -v : v);
            case KN_UOP_INVERT: return KN_MKSMALL(~v);
            case KN_UOP_BOOL: return KN_BOOL(v != 0);
            case KN_UOP_HASH: return v == -1 ? KN_MKSMALL(-2) : a;
            default: return KN_NULL;
        }
    }
    mag_t m;
    mag_of(a, &m);
    switch (op) {
        case KN_UOP_POS: return a;
        case KN_UOP_NEG: return mag_to_int(!m.neg, m.d, m.n);
        case KN_UOP_ABS: return mag_to_int(0, m.d, m.n);
        case KN_UOP_INVERT: return kn_int_binop(KN_OP_SUB, kn_int_unop(KN_UOP_NEG, a), KN_MKSMALL(1));
        case KN_UOP_BOOL: return kn_true;
        case KN_UOP_HASH: return KN_MKSMALL((kn_int_t)(kn_int_hash(a) >> 2));
        default: return KN_NULL;
    }
}

kn_uint_t kn_int_hash(kn_obj o) {
    if (KN_IS_SMALL(o)) {
        return (kn_uint_t)KN_SMALL(o);
    }
    mag_t m;
    mag_of(o, &m);
    kn_uint_t h = 0;
    for (size_t i = m.n; i-- > 0;) {
        h = (h << DIG_BITS | h >> (sizeof(h) * 8 - DIG_BITS)) ^ m.d[i];
    }
    return m.neg ? (kn_uint_t)0 - h : h;
}

static const char digit_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

kn_obj kn_int_to_str_base(kn_obj o, int base) {
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 24);
    kn_vstr_printer(&v, &p);
    kn_int_print(&p, o, base, false);
    return kn_vstr_to_str(&v);
}

/* CPython 3.11's limit on decimal (non-power-of-two base) conversions: quadratic in the digits, so a huge
   int printed or parsed by mistake is an error instead of minutes of work. */
#define MAX_STR_DIGITS 4300u

static void raise_str_digits(size_t digits) {
    if (digits == 0) {
        kn_raise_value("Exceeds the limit (4300 digits) for integer string conversion; use "
                       "sys.set_int_max_str_digits() to increase the limit");
    }
    kn_raise_fmt(&kn_type_ValueError, "Exceeds the limit (4300 digits) for integer string conversion: value has %d "
                 "digits; use sys.set_int_max_str_digits() to increase the limit", (int)digits);
}

static bool power_of_two(int base) {
    return (base & (base - 1)) == 0;
}

/* int(str, base): the digits of s (alphanumerics) must not exceed the limit for non-power-of-two bases. */
static void check_parse_digits(const uint8_t *s, size_t n, int base) {
    if (power_of_two(base) || n <= MAX_STR_DIGITS) return;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        digits += (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    }
    if (digits > MAX_STR_DIGITS) raise_str_digits(digits);
}

static void print_head(kn_print_t *p, bool neg, bool prefix, int base) {
    if (neg) {
        p->write(p->ctx, "-", 1);
    }
    if (prefix) {
        p->write(p->ctx, base == 16 ? "0x" : base == 8 ? "0o" : "0b", 2);
    }
}

void kn_int_print(kn_print_t *p, kn_obj o, int base, bool prefix) {
    mag_t m;
    mag_of(o, &m);
    /* 2**14300 > 10**4304: certainly over the limit, known before any work. */
    if (!power_of_two(base) && m.n * DIG_BITS > 14300u + DIG_BITS && mag_norm(m.d, m.n) * DIG_BITS > 14300u + DIG_BITS) {
        raise_str_digits(0);
    }
    if (m.n == 0) {
        print_head(p, false, prefix, base);
        p->write(p->ctx, "0", 1);
        return;
    }
    if (m.n <= 4) {
        unsigned long long u = 0;
        for (size_t i = m.n; i-- > 0;) {
            u = (u << DIG_BITS) | m.d[i];
        }
        char buf[72];
        int k = (int)sizeof buf;
        while (u) {
            buf[--k] = digit_chars[u % (unsigned)base];
            u /= (unsigned)base;
        }
        print_head(p, m.neg, prefix, base);
        p->write(p->ctx, buf + k, sizeof buf - (size_t)k);
        return;
    }
    /* Repeated division by base^chunk: digits come out least significant first. */
    dig_t *d = tmp_digits(m.n);
    memcpy(d, m.d, m.n * sizeof(dig_t));
    size_t n = m.n;
    ddig_t chunk = (ddig_t)base;
    int per = 1;
    while (chunk * (ddig_t)base <= 0xffffu) {
        chunk *= (ddig_t)base;
        per++;
    }
    int bits = 1; /* floor(log2(base)): a 16-bit digit gives at most ceil(16 / bits) characters */
    while ((2 << bits) <= base) bits++;
    size_t cap = n * (size_t)((DIG_BITS + bits - 1) / bits) + 8;
    char *out = kn_alloc_atomic(cap);
    size_t k = cap;
    while (n > 0) {
        ddig_t r = mag_divmod_small(d, d, n, chunk);
        n = mag_norm(d, n);
        for (int i = 0; i < per; i++) {
            if (n == 0 && r == 0) {
                break;
            }
            out[--k] = digit_chars[r % (ddig_t)base];
            r /= (ddig_t)base;
        }
    }
    if (!power_of_two(base) && cap - k > MAX_STR_DIGITS) raise_str_digits(0);
    print_head(p, m.neg, prefix, base);
    p->write(p->ctx, out + k, cap - k);
}

kn_obj kn_int_parse(const char *s, size_t n, int base, bool allow_underscore) {
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (base == 0 || base == 16 || base == 8 || base == 2) {
        if (i + 1 < n && s[i] == '0') {
            char c = (char)(s[i + 1] | 0x20);
            int b = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
            if (b != 0 && (base == 0 || base == b)) {
                base = b;
                i += 2;
                if (i < n && s[i] == '_' && allow_underscore) i++;
            }
        }
        if (base == 0) {
            base = 10;
            /* Python forbids leading zeros in decimal literals other than 0 itself. */
            if (i + 1 < n && s[i] == '0') {
                for (size_t j = i; j < n; j++) {
                    if (s[j] != '0' && s[j] != '_') return KN_NULL;
                }
            }
        }
    }
    if (base < 2 || base > 36) {
        kn_raise_value("int() arg 2 must be >= 2 and <= 36");
    }
    if (i >= n) {
        return KN_NULL;
    }
    size_t cap = (n - i) / 4 + 2;
    dig_t *d = tmp_digits(cap);
    size_t nd = 0;
    kn_uint_t fast = 0;
    bool use_fast = true;
    bool prev_us = true;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_' && allow_underscore && !prev_us) {
            prev_us = true;
            continue;
        }
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
        else return KN_NULL;
        if (v >= base) return KN_NULL;
        prev_us = false;
        if (use_fast && fast < ((kn_uint_t)KN_SMALL_MAX - 36) / 36) {
            fast = fast * (kn_uint_t)base + (kn_uint_t)v;
            continue;
        }
        if (use_fast) {
            use_fast = false;
            while (fast) {
                d[nd++] = (dig_t)(fast & DIG_MASK);
                fast >>= DIG_BITS;
            }
        }
        nd = mag_muladd_small(d, nd, (ddig_t)base, (ddig_t)v);
    }
    if (prev_us) {
        return KN_NULL;
    }
    if (use_fast) {
        return KN_MKSMALL(neg ? -(kn_int_t)fast : (kn_int_t)fast);
    }
    return mag_to_int(neg, d, nd);
}

kn_obj kn_int_from_bytes(const uint8_t *b, size_t n, bool little, bool is_signed) {
    dig_t *d = tmp_digits(n / 2 + 2);
    size_t nd = (n + 1) / 2;
    memset(d, 0, (nd + 1) * sizeof(dig_t));
    for (size_t i = 0; i < n; i++) {
        uint8_t byte = little ? b[i] : b[n - 1 - i];
        d[i / 2] = (dig_t)(d[i / 2] | (byte << (8 * (i % 2))));
    }
    if (is_signed && n > 0 && ((little ? b[n - 1] : b[0]) & 0x80)) {
        /* Sign-extend to whole digits, then convert from two's complement. */
        if (n % 2) d[nd - 1] |= 0xff00u;
        return from_twos(d, nd);
    }
    return mag_to_int(0, d, nd);
}

void kn_int_to_bytes(kn_obj o, uint8_t *b, size_t n, bool little) {
    mag_t m;
    mag_of(o, &m);
    size_t nd = n / 2 + 2;
    dig_t *d = tmp_digits(nd);
    to_twos(&m, d, nd);
    for (size_t i = 0; i < n; i++) {
        uint8_t byte = (uint8_t)(d[i / 2] >> (8 * (i % 2)));
        b[little ? i : n - 1 - i] = byte;
    }
}

size_t kn_int_bit_length(kn_obj o) {
    mag_t m;
    mag_of(o, &m);
    if (m.n == 0) return 0;
    size_t bits = (m.n - 1) * DIG_BITS;
    dig_t top = m.d[m.n - 1];
    while (top) {
        bits++;
        top >>= 1;
    }
    return bits;
}

/* ---- the int type ---- */

static void int_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    if (KN_IS_SMALL(o)) {
        char buf[24];
        kn_int_t v = KN_SMALL(o);
        kn_uint_t u = v < 0 ? (kn_uint_t)0 - (kn_uint_t)v : (kn_uint_t)v;
        int k = (int)sizeof buf;
        do {
            buf[--k] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0) buf[--k] = '-';
        p->write(p->ctx, buf + k, sizeof buf - (size_t)k);
        return;
    }
    kn_int_print(p, o, 10, false);
}

static kn_obj int_new(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args) {
    (void)t;
    kn_arg_check(n, nkw, 0, 2, true);
    kn_obj base_kw = kn_kw_get(n, nkw, args, KN_Q(base));
    if (n == 0) {
        return KN_MKSMALL(0);
    }
    kn_obj x = args[0];
    if (n == 2 || base_kw != KN_NULL) {
        int base = (int)kn_get_int(n == 2 ? args[1] : base_kw);
        const uint8_t *data;
        size_t len;
        if (!kn_get_buffer(x, &data, &len)) {
            kn_raise_type("int() can't convert non-string with explicit base");
        }
        check_parse_digits(data, len, base);
        kn_obj r = kn_int_parse((const char *)data, len, base, true);
        if (r == KN_NULL) {
            kn_raise_fmt(&kn_type_ValueError, "invalid literal for int() with base %d: %r", base, x);
        }
        return r;
    }
    if (KN_IS_INT(x)) {
        return x;
    }
    if (x == kn_true || x == kn_false) {
        return KN_MKSMALL(x == kn_true);
    }
    if (kn_is_type(x, &kn_type_float)) {
        return kn_int_from_float(KN_FLOAT(x));
    }
    if (KN_IS_STR(x) || kn_is_type(x, &kn_type_bytes) || kn_is_type(x, &kn_type_bytearray)) {
        const uint8_t *data;
        size_t len;
        kn_get_buffer(x, &data, &len);
        check_parse_digits(data, len, 10);
        kn_obj r = kn_int_parse((const char *)data, len, 10, true);
        if (r == KN_NULL) {
            kn_raise_fmt(&kn_type_ValueError, "invalid literal for int() with base 10: %r", x);
        }
        return r;
    }
    kn_obj m = kn_load_attr_maybe(x, KN_Q(__int__));
    if (m == KN_NULL) {
        m = kn_load_attr_maybe(x, KN_Q(__index__));
    }
    if (m != KN_NULL) {
        return kn_call0(m);
    }
    if (kn_isinstance(x, &kn_type_int)) {
        return kn_native_self(x, &kn_type_int);
    }
    kn_raise_fmt(&kn_type_TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                 kn_type_cname(x));
}

static kn_obj int_binary(int op, kn_obj a, kn_obj b) {
    if (op & KN_OP_REFLECT) {
        return KN_NULL;
    }
    return kn_int_binop(op, a, b);
}

static kn_obj int_unary(int op, kn_obj a) {
    return kn_int_unop(op, a);
}

static kn_obj int_bit_length(kn_obj self) {
    return KN_MKSMALL((kn_int_t)kn_int_bit_length(self));
}
static KN_FUN1(int_bit_length_obj, int_bit_length);

/* to_bytes/from_bytes: byteorder must be the str 'little' or 'big'. */
static bool little_endian(kn_obj order, const char *fn) {
    if (!KN_IS_STR(order)) {
        kn_raise_fmt(&kn_type_TypeError, "%s() argument 'byteorder' must be str, not %s", fn, kn_type_cname(order));
    }
    if (kn_str_eq_c(order, "little")) return true;
    if (!kn_str_eq_c(order, "big")) kn_raise_value("byteorder must be either 'little' or 'big'");
    return false;
}

static kn_obj int_to_bytes(size_t n, const kn_obj *args, kn_obj kw) {
    kn_int_t length = n > 1 ? kn_get_int(args[1]) : 1;
    kn_obj order = n > 2 ? args[2] : KN_Q(big);
    bool sign = false;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(byteorder));
        if (v != KN_NULL) order = v;
        v = kn_dict_get(kw, KN_Q(length));
        if (v != KN_NULL) length = kn_get_int(v);
        v = kn_dict_get(kw, KN_Q(signed));
        if (v != KN_NULL) sign = kn_truthy(v);
    }
    if (length < 0) kn_raise_value("length argument must be non-negative");
    size_t len = (size_t)length;
    bool little = little_endian(order, "to_bytes");
    if (!sign && kn_int_sign(args[0]) < 0) {
        kn_raise_msg(&kn_type_OverflowError, "can't convert negative int to unsigned");
    }
    size_t need = kn_int_bit_length(args[0]) + (sign ? 1 : 0);
    if (need > len * 8 && !(sign && kn_int_sign(args[0]) < 0 && need - 1 <= len * 8 &&
                            kn_int_bit_length(kn_int_binop(KN_OP_ADD, args[0], KN_MKSMALL(1))) < len * 8)) {
        kn_raise_msg(&kn_type_OverflowError, "int too big to convert");
    }
    kn_vstr_t v;
    kn_vstr_init(&v, len);
    kn_int_to_bytes(args[0], (uint8_t *)kn_vstr_extend(&v, len), len, little);
    return kn_vstr_to_bytes(&v);
}
static KN_FUNK(int_to_bytes_obj, 1, int_to_bytes);

static kn_obj int_from_bytes(size_t n, const kn_obj *args, kn_obj kw) {
    /* args[0] is the class */
    const uint8_t *data;
    size_t len;
    if (n < 2 || !kn_get_buffer(args[1], &data, &len)) {
        kn_obj b = kn_bytes_from_obj(n < 2 ? kn_none : args[1], &kn_type_bytes);
        kn_get_buffer(b, &data, &len);
    }
    kn_obj order = n > 2 ? args[2] : KN_Q(big);
    bool sign = false;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(byteorder));
        if (v != KN_NULL) order = v;
        v = kn_dict_get(kw, KN_Q(signed));
        if (v != KN_NULL) sign = kn_truthy(v);
    }
    return kn_int_from_bytes(data, len, little_endian(order, "from_bytes"), sign);
}
static KN_FUNK(int_from_bytes_fun, 2, int_from_bytes);
static KN_CLASSMETHOD(int_from_bytes_obj, int_from_bytes_fun);

static bool int_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(real) || name == KN_Q(numerator)) {
        *dest = KN_IS_INT(o) ? o : KN_MKSMALL(o == kn_true);
        return true;
    }
    if (name == KN_Q(imag)) {
        *dest = KN_MKSMALL(0);
        return true;
    }
    if (name == KN_Q(denominator)) {
        *dest = KN_MKSMALL(1);
        return true;
    }
    return false;
}

KN_METHODS(int_methods, KN_METHOD(bit_length, int_bit_length_obj), KN_METHOD(to_bytes, int_to_bytes_obj),
           KN_METHOD(from_bytes, int_from_bytes_obj));

const kn_type_t kn_type_int = {
    .base = {&kn_type_type},
    .flags = KN_TF_BASETYPE,
    .name = KN_Q(int),
    .print = int_print,
    .make_new = int_new,
    .unary_op = int_unary,
    .binary_op = int_binary,
    .attr = int_attr,
    .base_type = &kn_type_object,
    .methods = &int_methods,
};
