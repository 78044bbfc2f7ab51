/* obj.h: the object model: tagged values, type descriptors, object layouts and the runtime API. */
#ifndef KILN_OBJ_H
#define KILN_OBJ_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* A value is a word: odd = small int (value << 1 | 1), even = pointer to an object. */
typedef uintptr_t kn_obj;
typedef intptr_t kn_int_t;
typedef uintptr_t kn_uint_t;

#define KN_NULL ((kn_obj)0)
#define KN_IS_SMALL(o) (((o) & 1u) != 0)
#define KN_SMALL(o) ((kn_int_t)(o) >> 1)
#define KN_MKSMALL(v) ((kn_obj)(((kn_uint_t)(kn_int_t)(v) << 1) | 1u))
#define KN_SMALL_MAX (INTPTR_MAX >> 1)
#define KN_SMALL_MIN (INTPTR_MIN >> 1)
#define KN_FITS_SMALL(v) ((v) >= KN_SMALL_MIN && (v) <= KN_SMALL_MAX)
#define KN_PTR(o) ((void *)(o))
#define KN_OBJ(p) ((kn_obj)(p))

typedef struct kn_type kn_type_t;
typedef struct { const kn_type_t *type; } kn_base_t;

/* Output sink used by repr/str/print. */
typedef struct kn_print {
    void (*write)(void *ctx, const char *s, size_t n);
    void *ctx;
} kn_print_t;

/* Binary operators; the in-place forms are KN_OP_INPLACE + op. */
enum {
    KN_OP_ADD, KN_OP_SUB, KN_OP_MUL, KN_OP_TRUEDIV, KN_OP_FLOORDIV, KN_OP_MOD, KN_OP_POW,
    KN_OP_MATMUL, KN_OP_LSHIFT, KN_OP_RSHIFT, KN_OP_AND, KN_OP_OR, KN_OP_XOR,
    KN_OP_NUM_ARITH,
    KN_OP_LT = KN_OP_NUM_ARITH, KN_OP_LE, KN_OP_EQ, KN_OP_NE, KN_OP_GT, KN_OP_GE,
    KN_OP_CONTAINS, KN_OP_DIVMOD,
    KN_OP_COUNT,
    KN_OP_INPLACE = 32,
    KN_OP_REFLECT = 64
};
enum { KN_UOP_POS, KN_UOP_NEG, KN_UOP_INVERT, KN_UOP_NOT, KN_UOP_BOOL, KN_UOP_LEN, KN_UOP_HASH, KN_UOP_ABS };
enum { KN_ATTR_LOAD, KN_ATTR_STORE, KN_ATTR_DELETE };

typedef void (*kn_print_fn)(kn_print_t *p, kn_obj o, int repr);
typedef kn_obj (*kn_new_fn)(const kn_type_t *t, size_t n, size_t nkw, const kn_obj *args);
typedef kn_obj (*kn_call_fn)(kn_obj self, size_t n, size_t nkw, const kn_obj *args);
typedef kn_obj (*kn_unop_fn)(int op, kn_obj o);
typedef kn_obj (*kn_binop_fn)(int op, kn_obj a, kn_obj b);
typedef bool (*kn_attr_fn)(kn_obj o, kn_obj name, kn_obj *dest, int mode);
typedef kn_obj (*kn_subscr_fn)(kn_obj o, kn_obj index, kn_obj value);
typedef kn_obj (*kn_iter_fn)(kn_obj o);

/* Static method tables of native types: (interned name, value) pairs searched by pointer. */
typedef struct { kn_obj name; kn_obj value; } kn_method_t;
typedef struct { size_t n; const kn_method_t *items; } kn_methods_t;

#define KN_TF_USER 0x0001u      /* class statement: heap type with dict and MRO */
#define KN_TF_EXC 0x0002u       /* instances are kn_exc_t */
#define KN_TF_SEQ 0x0004u       /* sequence subscript accepts slices */
#define KN_TF_BASETYPE 0x0008u  /* may be subclassed */
#define KN_TF_HAS_DICT 0x0010u  /* instances start like kn_instance_t */
#define KN_TF_ITER_SELF 0x0020u /* iter(x) is x */
#define KN_TF_NATIVE_SUB 0x0040u /* user class deriving list/dict/...: instance holds native sub-object */

struct kn_type {
    kn_base_t base;
    uint16_t flags;
    uint16_t inst_size; /* bytes of an instance for user classes */
    kn_obj name;
    kn_print_fn print;
    kn_new_fn make_new;
    kn_call_fn call;
    kn_unop_fn unary_op;
    kn_binop_fn binary_op;
    kn_attr_fn attr;
    kn_subscr_fn subscr;
    kn_iter_fn getiter;
    kn_iter_fn iternext; /* returns KN_STOP when exhausted */
    const kn_type_t *base_type;
    const kn_methods_t *methods;
    /* user classes only */
    kn_obj dict;
    kn_obj bases;
    kn_obj mro;
    const kn_type_t *native_base; /* first native base other than object, or NULL */
};

/* Sentinels (addresses of static objects). */
extern const kn_base_t kn_none_obj, kn_true_obj, kn_false_obj, kn_stop_obj, kn_ellipsis_obj, kn_notimpl_obj;
extern const kn_base_t kn_load_sentinel_obj;
#define kn_none KN_OBJ(&kn_none_obj)
#define kn_true KN_OBJ(&kn_true_obj)
#define kn_false KN_OBJ(&kn_false_obj)
#define KN_STOP KN_OBJ(&kn_stop_obj)
#define kn_ellipsis KN_OBJ(&kn_ellipsis_obj)
#define kn_notimpl KN_OBJ(&kn_notimpl_obj)
#define KN_LOAD KN_OBJ(&kn_load_sentinel_obj)
#define KN_BOOL(c) ((c) ? kn_true : kn_false)

/* Object layouts. */
typedef struct { kn_base_t base; uint32_t hash; uint32_t len_flags; const char *data; } kn_str_t;
#define KN_STR_INTERNED 0x80000000u
#define KN_STR_ASCII 0x40000000u
#define KN_STR_LENMASK 0x3fffffffu
typedef struct { kn_base_t base; size_t len, cap; uint8_t *data; } kn_bytearray_t;
typedef struct { kn_base_t base; size_t len; kn_obj items[]; } kn_tuple_t;
typedef struct { kn_base_t base; size_t len, cap; kn_obj *items; } kn_list_t;
typedef struct { kn_uint_t hash; kn_obj key, value; } kn_dict_entry_t;
typedef struct {
    kn_base_t base;
    uint32_t used;  /* entries filled (including deleted) */
    uint32_t count; /* live entries */
    uint32_t cap;   /* entry capacity */
    uint32_t isize; /* index slots (power of two) or 0 for linear search */
    kn_dict_entry_t *entries;
    int32_t *index;
} kn_dict_t;
typedef struct { kn_base_t base; kn_float_t value; } kn_float_obj_t;
typedef struct { kn_base_t base; kn_float_t re, im; } kn_complex_t;
typedef struct { kn_base_t base; int32_t sign_len; uint16_t digits[]; } kn_bigint_t; /* |sign_len| digits, sign = sign of sign_len */
typedef struct { kn_base_t base; long long start, stop, step; } kn_range_t; /* 64-bit even on 32-bit MCUs */
typedef struct { kn_base_t base; kn_obj start, stop, step; } kn_slice_t;
typedef struct { kn_base_t base; kn_obj dict; } kn_instance_t;
typedef struct { kn_base_t base; kn_obj dict; kn_obj native; } kn_native_sub_t;
typedef struct {
    kn_base_t base;
    kn_obj dict;
    kn_obj args;
    kn_obj traceback; /* list of (file, line, name) triples stored flat */
    kn_obj cause;
    kn_obj context;
} kn_exc_t;
typedef struct { kn_base_t base; kn_obj name; kn_obj globals; } kn_module_t;
typedef struct { kn_base_t base; kn_obj self; kn_obj func; } kn_bound_t;
typedef struct { kn_base_t base; kn_obj value; } kn_cell_t;
typedef struct { kn_base_t base; kn_obj func; } kn_wrap_t; /* staticmethod / classmethod */
typedef struct { kn_base_t base; kn_obj fget, fset, fdel; } kn_property_t;

/* Native functions: fixed arity or vector. */
enum { KN_NF_0, KN_NF_1, KN_NF_2, KN_NF_3, KN_NF_VAR, KN_NF_KW };
typedef struct {
    kn_base_t base;
    uint8_t kind;
    uint8_t min;
    uint16_t max;
    union {
        kn_obj (*f0)(void);
        kn_obj (*f1)(kn_obj);
        kn_obj (*f2)(kn_obj, kn_obj);
        kn_obj (*f3)(kn_obj, kn_obj, kn_obj);
        kn_obj (*fv)(size_t n, const kn_obj *args);
        kn_obj (*fk)(size_t n, const kn_obj *args, kn_obj kw);
    } fn;
} kn_natfun_t;

#define KN_FUN0(id, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_0, 0, 0, {.f0 = f}}
#define KN_FUN1(id, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_1, 1, 1, {.f1 = f}}
#define KN_FUN2(id, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_2, 2, 2, {.f2 = f}}
#define KN_FUN3(id, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_3, 3, 3, {.f3 = f}}
#define KN_FUNV(id, lo, hi, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_VAR, lo, hi, {.fv = f}}
#define KN_FUNK(id, lo, f) const kn_natfun_t id = {{&kn_type_natfun}, KN_NF_KW, lo, 0xffff, {.fk = f}}
#define KN_METHOD(q, id) {KN_Q(q), KN_OBJ(&id)}
#define KN_METHODS(id, ...)                                                    \
    static const kn_method_t id##_items[] = {__VA_ARGS__};                     \
    static const kn_methods_t id = {sizeof(id##_items) / sizeof(id##_items[0]), id##_items}

/* Static wrappers for classmethod/staticmethod entries in native method tables. */
#define KN_CLASSMETHOD(id, fun) const kn_wrap_t id = {{&kn_type_classmethod}, KN_OBJ(&fun)}
#define KN_STATICMETHOD(id, fun) const kn_wrap_t id = {{&kn_type_staticmethod}, KN_OBJ(&fun)}

/* Types. */
extern const kn_type_t kn_type_type, kn_type_object, kn_type_none, kn_type_bool, kn_type_int, kn_type_float,
    kn_type_complex, kn_type_str, kn_type_bytes, kn_type_bytearray, kn_type_tuple, kn_type_list, kn_type_dict,
    kn_type_set, kn_type_frozenset, kn_type_range, kn_type_slice, kn_type_function, kn_type_natfun, kn_type_bound,
    kn_type_cell, kn_type_closure, kn_type_generator, kn_type_module, kn_type_code, kn_type_property,
    kn_type_staticmethod, kn_type_classmethod, kn_type_ellipsis, kn_type_notimpl, kn_type_memoryview,
    kn_type_super, kn_type_map, kn_type_filter, kn_type_zip, kn_type_enumerate, kn_type_reversed,
    kn_type_iter_generic, kn_type_internal, kn_type_range_iter, kn_type_seq_iter, kn_type_dict_view,
    kn_type_dict_iter, kn_type_array;

/* Exception types. */
extern const kn_type_t kn_type_BaseException, kn_type_Exception, kn_type_SystemExit, kn_type_KeyboardInterrupt,
    kn_type_GeneratorExit, kn_type_StopIteration, kn_type_ArithmeticError, kn_type_ZeroDivisionError,
    kn_type_OverflowError, kn_type_AssertionError, kn_type_AttributeError, kn_type_EOFError, kn_type_ImportError,
    kn_type_LookupError, kn_type_IndexError, kn_type_KeyError, kn_type_MemoryError, kn_type_NameError,
    kn_type_UnboundLocalError, kn_type_OSError, kn_type_RuntimeError, kn_type_NotImplementedError,
    kn_type_RecursionError, kn_type_SyntaxError, kn_type_IndentationError, kn_type_TypeError, kn_type_ValueError,
    kn_type_UnicodeError, kn_type_StopAsyncIteration, kn_type_FloatingPointError, kn_type_ModuleNotFoundError,
    kn_type_TabError, kn_type_FileNotFoundError, kn_type_TimeoutError, kn_type_Warning, kn_type_UserWarning, kn_type_DeprecationWarning,
    kn_type_LookupError;

/* Interned names: KN_Q(name) is the static interned string "name". */
#include "qstr.h"

/* ---- non-local return (exceptions) ---- */
typedef struct kn_nlr {
    struct kn_nlr *prev;
    kn_obj exc;
    kn_obj *vtop; /* value-stack top, call depth and frame to restore when unwinding here */
    int depth;
    void *frame;
    jmp_buf jb;
} kn_nlr_t;
void kn_nlr_link(kn_nlr_t *h);
void kn_nlr_pop(kn_nlr_t *h);
#define KN_TRY(h) (kn_nlr_link(h), setjmp((h)->jb) == 0)
void kn_raise(kn_obj exc) __attribute__((noreturn));
void kn_raise_msg(const kn_type_t *t, const char *msg) __attribute__((noreturn));
void kn_raise_fmt(const kn_type_t *t, const char *fmt, ...) __attribute__((noreturn));
void kn_raise_type(const char *msg) __attribute__((noreturn));
void kn_raise_value(const char *msg) __attribute__((noreturn));
kn_obj kn_exc_new(const kn_type_t *t, size_t n, const kn_obj *args);
kn_obj kn_exc_msg(const kn_type_t *t, const char *msg);
bool kn_exc_matches(kn_obj exc, kn_obj type_or_tuple);
void kn_exc_add_tb(kn_obj exc, kn_obj file, int line, kn_obj name);
void kn_print_exception(kn_print_t *p, kn_obj exc);
kn_obj kn_exc_value(kn_obj exc); /* StopIteration.value */

/* ---- memory ---- */
void *kn_alloc(size_t n);        /* zeroed, scanned for pointers */
void *kn_alloc_atomic(size_t n); /* zeroed, not scanned */
void *kn_realloc(void *p, size_t old, size_t n);
void kn_free(void *p);
void kn_gc_collect(void);
void kn_gc_init(void *start, size_t len);
void kn_gc_info(size_t *total, size_t *used, size_t *free_, size_t *max_free);
void kn_gc_dump(kn_print_t *p);
#define KN_NEW(T) ((T *)kn_alloc(sizeof(T)))

/* ---- core helpers ---- */
static inline const kn_type_t *kn_typeof(kn_obj o) {
    return KN_IS_SMALL(o) ? &kn_type_int : ((const kn_base_t *)o)->type;
}
static inline bool kn_is_type(kn_obj o, const kn_type_t *t) {
    return !KN_IS_SMALL(o) && ((const kn_base_t *)o)->type == t;
}
bool kn_is_subtype(const kn_type_t *t, const kn_type_t *base);
bool kn_isinstance(kn_obj o, const kn_type_t *t);
#define KN_IS_STR(o) kn_is_type(o, &kn_type_str)
#define KN_IS_INT(o) (KN_IS_SMALL(o) || kn_is_type(o, &kn_type_int))

/* printing */
void kn_print_str(kn_print_t *p, const char *s);
void kn_printf(kn_print_t *p, const char *fmt, ...);
void kn_print_obj(kn_print_t *p, kn_obj o, int repr);
kn_obj kn_repr(kn_obj o);
kn_obj kn_ascii(kn_obj o);
kn_obj kn_str(kn_obj o);

/* growable byte buffer on the GC heap */
typedef struct { char *buf; size_t len, cap; } kn_vstr_t;
void kn_vstr_init(kn_vstr_t *v, size_t cap);
void kn_vstr_add(kn_vstr_t *v, const char *s, size_t n);
void kn_vstr_addc(kn_vstr_t *v, char c);
char *kn_vstr_extend(kn_vstr_t *v, size_t n);
void kn_vstr_printer(kn_vstr_t *v, kn_print_t *p);
kn_obj kn_vstr_to_str(kn_vstr_t *v);
kn_obj kn_vstr_to_bytes(kn_vstr_t *v);
/* Frees a scratch vstr at once (its block is reused by the next allocation instead of leaving a
 * hole for the GC between longer-lived objects). */
void kn_vstr_free(kn_vstr_t *v);
/* Fills the header of a str/bytes whose n bytes (+1 for a NUL) already follow it in its block. */
kn_obj kn_strlike_init(kn_str_t *o, const kn_type_t *t, size_t n);

/* strings */
kn_obj kn_str_new(const char *s, size_t n);
kn_obj kn_str_new_c(const char *s);
kn_obj kn_intern(const char *s, size_t n);
kn_obj kn_intern_obj(kn_obj s);
kn_obj kn_bytes_new(const char *s, size_t n);
uint32_t kn_hash_bytes(const char *s, size_t n);
static inline size_t kn_str_len(kn_obj s) { return ((const kn_str_t *)s)->len_flags & KN_STR_LENMASK; }
static inline const char *kn_str_data(kn_obj s) { return ((const kn_str_t *)s)->data; }
bool kn_str_eq(kn_obj a, kn_obj b);
bool kn_str_eq_c(kn_obj a, const char *s);
const char *kn_str_cstr(kn_obj s); /* NUL-terminated copy when needed */
kn_obj kn_str_format(size_t n, const kn_obj *args, kn_obj kw);
kn_obj kn_str_mod(kn_obj fmt, kn_obj args);
void kn_str_format_spec(kn_vstr_t *out, kn_obj value, kn_obj spec);
kn_obj kn_str_join(kn_obj sep, kn_obj iterable);
bool kn_get_buffer(kn_obj o, const uint8_t **data, size_t *len);
size_t kn_utf8_charlen(const char *s, size_t n);
kn_obj kn_chr(uint32_t c);

/* ints */
kn_obj kn_int_from(kn_int_t v);
kn_obj kn_int_from_ll(long long v);
kn_obj kn_int_from_ull(unsigned long long v);
kn_int_t kn_get_int(kn_obj o);          /* raises TypeError/OverflowError */
bool kn_int_fits(kn_obj o, kn_int_t *out);
long long kn_get_ll(kn_obj o);
bool kn_int_fits_ll(kn_obj o, long long *out); /* int or bool */
kn_obj kn_int_parse(const char *s, size_t n, int base, bool allow_underscore); /* KN_NULL on bad syntax */
kn_obj kn_int_binop(int op, kn_obj a, kn_obj b);
kn_obj kn_int_unop(int op, kn_obj a);
kn_float_t kn_int_to_float(kn_obj o);
kn_obj kn_int_from_float(kn_float_t f);
void kn_int_print(kn_print_t *p, kn_obj o, int base, bool prefix);
kn_obj kn_int_to_str_base(kn_obj o, int base);
int kn_int_sign(kn_obj o);
kn_obj kn_int_from_bytes(const uint8_t *b, size_t n, bool little, bool is_signed);
void kn_int_to_bytes(kn_obj o, uint8_t *b, size_t n, bool little);
kn_uint_t kn_int_hash(kn_obj o);

/* floats */
kn_obj kn_float_new(kn_float_t v);
kn_float_t kn_get_float(kn_obj o);
bool kn_try_float(kn_obj o, kn_float_t *out);
kn_obj kn_float_binop(int op, kn_float_t a, kn_float_t b);
void kn_float_print(kn_print_t *p, kn_float_t v);
void kn_float_format(kn_vstr_t *out, kn_float_t v, char fmt, int prec, bool alt);
kn_obj kn_float_parse(const char *s, size_t n);
kn_obj kn_complex_new(kn_float_t re, kn_float_t im);
kn_obj kn_complex_binop(int op, kn_obj a, kn_obj b);
#define KN_FLOAT(o) (((kn_float_obj_t *)(o))->value)

/* containers */
kn_obj kn_tuple_new(size_t n, const kn_obj *items);
kn_obj kn_tuple_from_iter(kn_obj it);
kn_obj kn_list_new(size_t n, const kn_obj *items);
kn_obj kn_list_from_iter(kn_obj it);
void kn_list_append(kn_obj list, kn_obj v);
void kn_list_extend(kn_obj list, kn_obj iterable);
kn_obj kn_list_pop(kn_obj list, kn_int_t index);
void kn_list_sort(kn_obj list, kn_obj key, bool reverse);
void kn_seq_get(kn_obj o, size_t *n, kn_obj **items); /* tuple or list only */
kn_obj kn_dict_new(size_t cap);
kn_obj kn_dict_get(kn_obj d, kn_obj key);           /* KN_NULL if missing */
kn_obj kn_dict_get_q(kn_obj d, kn_obj interned_key); /* fast path for interned strings */
void kn_dict_set(kn_obj d, kn_obj key, kn_obj value);
bool kn_dict_del(kn_obj d, kn_obj key);
kn_obj kn_dict_lookup_entry(kn_obj d, kn_obj key, bool *found);
bool kn_dict_next(kn_obj d, size_t *pos, kn_obj *key, kn_obj *value);
void kn_dict_update(kn_obj d, kn_obj other);
kn_obj kn_set_new(const kn_type_t *t);
void kn_set_add(kn_obj s, kn_obj v);
bool kn_set_contains(kn_obj s, kn_obj v);
kn_obj kn_range_new(long long a, long long b, long long c);
kn_obj kn_slice_new(kn_obj a, kn_obj b, kn_obj c);
bool kn_slice_indices(kn_obj slice, kn_int_t len, kn_int_t *start, kn_int_t *stop, kn_int_t *step);
size_t kn_seq_index(kn_obj index, size_t len, bool clamp_err);
size_t kn_seq_index_msg(kn_obj index, size_t len, const char *msg); /* msg NULL: SIZE_MAX if out of range */
kn_obj kn_bytearray_new(size_t n, const uint8_t *data);
kn_obj kn_bytes_from_obj(kn_obj o, const kn_type_t *t);

/* generic protocol */
kn_obj kn_binary_op(int op, kn_obj a, kn_obj b);
kn_obj kn_unary_op(int op, kn_obj a);
bool kn_truthy(kn_obj o);
bool kn_equal(kn_obj a, kn_obj b);
kn_uint_t kn_hash(kn_obj o);
size_t kn_len(kn_obj o);
kn_obj kn_len_obj(kn_obj o);
kn_obj kn_getiter(kn_obj o);
kn_obj kn_iternext(kn_obj it); /* KN_STOP at end */
kn_obj kn_subscr(kn_obj o, kn_obj index, kn_obj value);
bool kn_contains(kn_obj container, kn_obj item);
kn_obj kn_call(kn_obj f, size_t n, size_t nkw, const kn_obj *args);
kn_obj kn_call0(kn_obj f);
kn_obj kn_call1(kn_obj f, kn_obj a);
kn_obj kn_call2(kn_obj f, kn_obj a, kn_obj b);
kn_obj kn_call_ex(kn_obj f, kn_obj args, kn_obj kwargs);
kn_obj kn_load_attr(kn_obj o, kn_obj name);
kn_obj kn_load_attr_maybe(kn_obj o, kn_obj name); /* KN_NULL if missing */
void kn_load_method(kn_obj o, kn_obj name, kn_obj *dest); /* dest[0]=fn, dest[1]=self or KN_NULL */
bool kn_load_method_maybe(kn_obj o, kn_obj name, kn_obj *dest);
void kn_store_attr(kn_obj o, kn_obj name, kn_obj value);
void kn_delete_attr(kn_obj o, kn_obj name);
kn_obj kn_type_lookup(const kn_type_t *t, kn_obj name); /* through MRO, KN_NULL if missing */
kn_obj kn_call_method(kn_obj o, kn_obj name, size_t n, const kn_obj *args);
kn_obj kn_type_name(const kn_type_t *t);
const char *kn_type_cname(kn_obj o);
void kn_attr_cache_clear(void);
kn_obj kn_make_instance(const kn_type_t *t);
kn_obj kn_native_self(kn_obj o, const kn_type_t *t); /* unwraps a native sub-object */
kn_obj kn_class_new(kn_obj name, kn_obj bases, kn_obj dict);
void kn_arg_check(size_t n, size_t nkw, size_t lo, size_t hi, bool kw_ok);
kn_obj kn_kw_get(size_t n, size_t nkw, const kn_obj *args, kn_obj name);
kn_obj kn_kwdict(size_t nkw, const kn_obj *pairs);
kn_obj kn_bool_new(kn_obj o);
kn_obj kn_sorted_list(kn_obj iterable, kn_obj key, bool reverse);
kn_obj kn_minmax(size_t n, const kn_obj *args, kn_obj kw, int op);
kn_obj kn_bound_new(kn_obj self, kn_obj func);
kn_obj kn_dict_new_typed(const kn_type_t *t, size_t cap);
kn_obj kn_run_frame_locals(kn_obj fun_or_code, kn_obj globals, kn_obj locals);

/* sequence helpers shared by tuple and list */
void kn_seq_print(kn_print_t *p, size_t n, const kn_obj *items, const char *open, const char *close, bool tuple);
kn_obj kn_seq_compare(int op, size_t na, const kn_obj *a, size_t nb, const kn_obj *b);
kn_obj kn_seq_slice(size_t n, const kn_obj *items, kn_obj slice, bool as_tuple);
kn_obj kn_seq_iter_new(kn_obj seq);
kn_obj kn_seq_index_of(size_t n, const kn_obj *items, size_t nargs, const kn_obj *args);
kn_obj kn_seq_count(size_t n, const kn_obj *items, kn_obj v);
kn_uint_t kn_seq_hash(size_t n, const kn_obj *items);
uint32_t kn_str_ord(kn_obj s);
kn_obj kn_int_pow3(kn_obj a, kn_obj b, kn_obj m);
size_t kn_int_bit_length(kn_obj o);

/* functions, code and the VM */
typedef struct kn_code kn_code_t;
kn_obj kn_module_new(kn_obj name);
kn_obj kn_import(kn_obj name, kn_obj fromlist, int level);
kn_obj kn_exec_code(kn_obj code, kn_obj globals, kn_obj locals);
kn_obj kn_compile_src(const char *src, size_t len, kn_obj filename, int mode);
kn_obj kn_builtin_lookup(kn_obj name);
void kn_check_interrupt(void);
void kn_stack_check(void);
kn_obj kn_gen_send(kn_obj gen, kn_obj value, kn_obj throw_exc, int *status);
kn_obj kn_gen_resume_method(kn_obj gen, kn_obj value, kn_obj throw_exc);

enum { KN_MODE_FILE, KN_MODE_SINGLE, KN_MODE_EVAL };
enum { KN_GEN_YIELD, KN_GEN_RETURN };

#endif
