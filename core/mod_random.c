/* mod_random.c: the random module over xoshiro128** (seed, getrandbits, random, randint, randrange, choice, shuffle, uniform). */
#include "hal.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static uint32_t rotl(uint32_t x, int k) {
    return (x << k) | (x >> (32 - k));
}

static uint32_t next32(void) {
    uint32_t *s = kn_st.rand_state;
    uint32_t result = rotl(s[1] * 5, 7) * 9;
    uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
}

static void seed_with(uint32_t v) {
    /* splitmix32 spreads one word over the whole state */
    for (int i = 0; i < 4; i++) {
        v += 0x9e3779b9u;
        uint32_t z = v;
        z = (z ^ (z >> 16)) * 0x85ebca6bu;
        z = (z ^ (z >> 13)) * 0xc2b2ae35u;
        kn_st.rand_state[i] = z ^ (z >> 16);
    }
}

static kn_obj r_seed(size_t n, const kn_obj *args) {
    uint32_t v;
    if (n == 0 || args[0] == kn_none) v = hal_ticks_us() ^ 0x5bd1e995u;
    else if (KN_IS_INT(args[0])) v = (uint32_t)kn_int_hash(args[0]);
    else v = (uint32_t)kn_hash(args[0]);
    seed_with(v);
    return kn_none;
}
static KN_FUNV(r_seed_obj, 0, 1, r_seed);

static kn_obj r_getrandbits(kn_obj k) {
    kn_int_t bits = kn_get_int(k);
    if (bits < 0) kn_raise_value("number of bits must be non-negative");
    if (bits <= 30) return KN_MKSMALL(bits == 0 ? 0 : (kn_int_t)(next32() >> (32 - bits)));
    /* 30-bit chunks, the first one most significant, written big-endian into a buffer and converted once
       (shifting a growing int chunk by chunk was quadratic). */
    size_t nbytes = ((size_t)bits + 7u) / 8u;
    uint8_t *buf = kn_alloc_atomic(nbytes);
    size_t pos = (size_t)(nbytes * 8u - (size_t)bits); /* leading zero bits */
    for (kn_int_t done = 0; done < bits;) {
        kn_int_t take = bits - done > 30 ? 30 : bits - done;
        uint32_t part = next32() >> (32 - take);
        for (kn_int_t i = take - 1; i >= 0; i--, pos++) {
            if ((part >> i) & 1u) buf[pos / 8u] |= (uint8_t)(0x80u >> (pos % 8u));
        }
        done += take;
    }
    kn_obj r = kn_int_from_bytes(buf, nbytes, false, false);
    kn_free(buf);
    return r;
}
static KN_FUN1(r_getrandbits_obj, r_getrandbits);

static double rand_float(void) {
    uint64_t a = next32() >> 5, b = next32() >> 6;
    return (double)(a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

static kn_obj r_random(void) {
    return kn_float_new((kn_float_t)rand_float());
}
static KN_FUN0(r_random_obj, r_random);

/* Uniform int in [0, n) without modulo bias. */
static kn_int_t below(kn_int_t n) {
    if (n <= 0) kn_raise_value("empty range for randrange()");
    uint32_t bound = (uint32_t)n;
    if ((kn_uint_t)n > 0xffffffffu) {
        return (kn_int_t)(rand_float() * (double)n);
    }
    uint32_t limit = 0xffffffffu - (0xffffffffu % bound);
    uint32_t r;
    do {
        r = next32();
    } while (r >= limit);
    return (kn_int_t)(r % bound);
}

static kn_obj r_randrange(size_t n, const kn_obj *args) {
    kn_int_t start = 0, stop, step = 1;
    if (n == 1) {
        stop = kn_get_int(args[0]);
    } else {
        start = kn_get_int(args[0]);
        stop = kn_get_int(args[1]);
        if (n == 3) step = kn_get_int(args[2]);
    }
    if (step == 0) kn_raise_value("zero step for randrange()");
    kn_int_t count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / (-step);
    if (count <= 0) kn_raise_value("empty range for randrange()");
    return kn_int_from(start + step * below(count));
}
static KN_FUNV(r_randrange_obj, 1, 3, r_randrange);

static kn_obj r_randint(kn_obj a, kn_obj b) {
    kn_int_t lo = kn_get_int(a), hi = kn_get_int(b);
    return kn_int_from(lo + below(hi - lo + 1));
}
static KN_FUN2(r_randint_obj, r_randint);

static kn_obj r_choice(kn_obj seq) {
    size_t n = kn_len(seq);
    if (n == 0) kn_raise_msg(&kn_type_IndexError, "cannot choose from an empty sequence");
    return kn_subscr(seq, KN_MKSMALL(below((kn_int_t)n)), KN_LOAD);
}
static KN_FUN1(r_choice_obj, r_choice);

static kn_obj r_shuffle(kn_obj seq) {
    size_t n = kn_len(seq);
    for (size_t i = n; i > 1; i--) {
        kn_int_t j = below((kn_int_t)i);
        kn_obj a = kn_subscr(seq, KN_MKSMALL((kn_int_t)i - 1), KN_LOAD);
        kn_obj b = kn_subscr(seq, KN_MKSMALL(j), KN_LOAD);
        kn_subscr(seq, KN_MKSMALL((kn_int_t)i - 1), b);
        kn_subscr(seq, KN_MKSMALL(j), a);
    }
    return kn_none;
}
static KN_FUN1(r_shuffle_obj, r_shuffle);

static kn_obj r_uniform(kn_obj a, kn_obj b) {
    double lo = (double)kn_get_float(a), hi = (double)kn_get_float(b);
    return kn_float_new((kn_float_t)(lo + (hi - lo) * rand_float()));
}
static KN_FUN2(r_uniform_obj, r_uniform);

static kn_obj r_sample(kn_obj pop, kn_obj kk) {
    kn_obj l = kn_list_from_iter(pop);
    kn_int_t k = kn_get_int(kk);
    kn_list_t *lp = KN_PTR(l);
    if (k < 0 || (size_t)k > lp->len) kn_raise_value("sample larger than population or is negative");
    for (kn_int_t i = 0; i < k; i++) {
        kn_int_t j = i + below((kn_int_t)lp->len - i);
        kn_obj t = lp->items[i];
        lp->items[i] = lp->items[j];
        lp->items[j] = t;
    }
    return kn_list_new((size_t)k, lp->items);
}
static KN_FUN2(r_sample_obj, r_sample);

static const kn_method_t random_table[] = {
    {KN_Q(seed), KN_OBJ(&r_seed_obj)},         {KN_Q(getrandbits), KN_OBJ(&r_getrandbits_obj)},
    {KN_Q(random), KN_OBJ(&r_random_obj)},     {KN_Q(randrange), KN_OBJ(&r_randrange_obj)},
    {KN_Q(randint), KN_OBJ(&r_randint_obj)},   {KN_Q(choice), KN_OBJ(&r_choice_obj)},
    {KN_Q(shuffle), KN_OBJ(&r_shuffle_obj)},   {KN_Q(uniform), KN_OBJ(&r_uniform_obj)},
    {KN_Q(sample), KN_OBJ(&r_sample_obj)},
};

kn_obj kn_mod_random_init(void) {
    return kn_module_from_table(KN_Q(random), random_table, sizeof random_table / sizeof random_table[0]);
}
