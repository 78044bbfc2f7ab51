/* builtins.c: the builtins module: functions like print, len, sorted, and the table of builtin names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

kn_obj kn_calliter_new(kn_obj fn, kn_obj sentinel);
kn_obj kn_console_readline(kn_obj prompt);
extern const kn_natfun_t kn_build_class_obj;

static kn_obj bi_print(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj sep = KN_NULL, end = KN_NULL, file = KN_NULL;
    if (kw != KN_NULL) {
        sep = kn_dict_get(kw, KN_Q(sep));
        end = kn_dict_get(kw, KN_Q(end));
        file = kn_dict_get(kw, KN_Q(file));
    }
    if (sep == kn_none) sep = KN_NULL;
    if (end == kn_none) end = KN_NULL;
    if (file != KN_NULL && file != kn_none) {
        kn_vstr_t v;
        kn_print_t p;
        kn_vstr_init(&v, 32);
        kn_vstr_printer(&v, &p);
        for (size_t i = 0; i < n; i++) {
            if (i) kn_print_obj(&p, sep != KN_NULL ? sep : KN_Q(space), 0);
            kn_print_obj(&p, args[i], 0);
        }
        kn_print_obj(&p, end != KN_NULL ? end : KN_Q(newline), 0);
        kn_obj s = kn_vstr_to_str(&v);
        kn_call_method(file, KN_Q(write), 1, &s);
        return kn_none;
    }
    kn_print_t *p = &kn_stdout_print;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            if (sep != KN_NULL) kn_print_obj(p, sep, 0);
            else kn_stdout(" ", 1);
        }
        kn_print_obj(p, args[i], 0);
    }
    if (end != KN_NULL) kn_print_obj(p, end, 0);
    else kn_stdout("\n", 1);
    return kn_none;
}
static KN_FUNK(bi_print_obj, 0, bi_print);

static kn_obj bi_input(size_t n, const kn_obj *args) {
    return kn_console_readline(n ? args[0] : KN_NULL);
}
static KN_FUNV(bi_input_obj, 0, 1, bi_input);

static kn_obj bi_len(kn_obj o) {
    return kn_len_obj(o);
}
static KN_FUN1(bi_len_obj, bi_len);

static kn_obj bi_abs(kn_obj o) {
    return kn_unary_op(KN_UOP_ABS, o);
}
static KN_FUN1(bi_abs_obj, bi_abs);

kn_obj kn_minmax(size_t n, const kn_obj *args, kn_obj kw, int op) {
    kn_obj key = kw != KN_NULL ? kn_dict_get(kw, KN_Q(key)) : KN_NULL;
    kn_obj dflt = kw != KN_NULL ? kn_dict_get(kw, KN_Q(default)) : KN_NULL;
    if (key == kn_none) key = KN_NULL;
    kn_obj it;
    if (n == 1) {
        it = kn_getiter(args[0]);
    } else if (n > 1) {
        it = kn_getiter(kn_tuple_new(n, args));
    } else {
        kn_raise_type(op == KN_OP_LT ? "min expected at least 1 argument, got 0" : "max expected at least 1 argument, got 0");
    }
    kn_obj best = KN_NULL, best_key = KN_NULL, v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        kn_obj k = key != KN_NULL ? kn_call1(key, v) : v;
        if (best == KN_NULL || kn_truthy(kn_binary_op(op, k, best_key))) {
            best = v;
            best_key = k;
        }
    }
    if (best == KN_NULL) {
        if (dflt != KN_NULL) return dflt;
        kn_raise_value(op == KN_OP_LT ? "min() arg is an empty sequence" : "max() arg is an empty sequence");
    }
    return best;
}

static kn_obj bi_min(size_t n, const kn_obj *args, kn_obj kw) {
    return kn_minmax(n, args, kw, KN_OP_LT);
}
static KN_FUNK(bi_min_obj, 0, bi_min);

static kn_obj bi_max(size_t n, const kn_obj *args, kn_obj kw) {
    return kn_minmax(n, args, kw, KN_OP_GT);
}
static KN_FUNK(bi_max_obj, 0, bi_max);

static kn_obj bi_sum(size_t n, const kn_obj *args, kn_obj kw) {
    kn_obj acc = n > 1 ? args[1] : KN_MKSMALL(0);
    if (kw != KN_NULL) {
        kn_obj s = kn_dict_get(kw, KN_Q(start));
        if (s != KN_NULL) acc = s;
    }
    if (n < 1) kn_raise_type("sum() takes at least 1 positional argument");
    if (KN_IS_STR(acc)) kn_raise_type("sum() can't sum strings [use ''.join(seq) instead]");
    kn_obj it = kn_getiter(args[0]), v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        if (KN_IS_SMALL(acc) && KN_IS_SMALL(v)) {
            kn_int_t r = KN_SMALL(acc) + KN_SMALL(v);
            if (KN_FITS_SMALL(r)) {
                acc = KN_MKSMALL(r);
                continue;
            }
        }
        acc = kn_binary_op(KN_OP_ADD, acc, v);
    }
    return acc;
}
static KN_FUNK(bi_sum_obj, 1, bi_sum);

static kn_obj bi_sorted(size_t n, const kn_obj *args, kn_obj kw) {
    if (n != 1) kn_raise_type("sorted expected 1 argument");
    kn_obj key = kn_none, rev = kn_false;
    if (kw != KN_NULL) {
        kn_obj v = kn_dict_get(kw, KN_Q(key));
        if (v != KN_NULL) key = v;
        v = kn_dict_get(kw, KN_Q(reverse));
        if (v != KN_NULL) rev = v;
    }
    return kn_sorted_list(args[0], key, kn_truthy(rev));
}
static KN_FUNK(bi_sorted_obj, 1, bi_sorted);

static kn_obj bi_isinstance(kn_obj o, kn_obj t) {
    if (kn_is_type(t, &kn_type_tuple)) {
        kn_tuple_t *tu = KN_PTR(t);
        for (size_t i = 0; i < tu->len; i++) {
            if (bi_isinstance(o, tu->items[i]) == kn_true) return kn_true;
        }
        return kn_false;
    }
    if (!kn_is_type(t, &kn_type_type)) kn_raise_type("isinstance() arg 2 must be a type, a tuple of types, or a union");
    return KN_BOOL(kn_isinstance(o, KN_PTR(t)));
}
static KN_FUN2(bi_isinstance_obj, bi_isinstance);

static kn_obj bi_issubclass(kn_obj c, kn_obj t) {
    if (!kn_is_type(c, &kn_type_type)) kn_raise_type("issubclass() arg 1 must be a class");
    if (kn_is_type(t, &kn_type_tuple)) {
        kn_tuple_t *tu = KN_PTR(t);
        for (size_t i = 0; i < tu->len; i++) {
            if (bi_issubclass(c, tu->items[i]) == kn_true) return kn_true;
        }
        return kn_false;
    }
    if (!kn_is_type(t, &kn_type_type)) kn_raise_type("issubclass() arg 2 must be a class, a tuple of classes, or a union");
    return KN_BOOL(kn_is_subtype(KN_PTR(c), KN_PTR(t)));
}
static KN_FUN2(bi_issubclass_obj, bi_issubclass);

static kn_obj attr_name(kn_obj name) {
    if (!KN_IS_STR(name)) kn_raise_type("attribute name must be string");
    return kn_intern_obj(name);
}

static kn_obj bi_getattr(size_t n, const kn_obj *args) {
    kn_obj name = attr_name(args[1]);
    if (n == 3) {
        kn_nlr_t h;
        kn_obj r;
        if (KN_TRY(&h)) {
            r = kn_load_attr_maybe(args[0], name);
            kn_nlr_pop(&h);
        } else {
            if (kn_isinstance(h.exc, &kn_type_AttributeError)) return args[2];
            kn_raise(h.exc);
        }
        return r == KN_NULL ? args[2] : r;
    }
    return kn_load_attr(args[0], name);
}
static KN_FUNV(bi_getattr_obj, 2, 3, bi_getattr);

static kn_obj bi_hasattr(kn_obj o, kn_obj name) {
    kn_obj dflt = KN_OBJ(&kn_ellipsis_obj);
    kn_obj args[3] = {o, name, dflt};
    return KN_BOOL(bi_getattr(3, args) != dflt);
}
static KN_FUN2(bi_hasattr_obj, bi_hasattr);

static kn_obj bi_setattr(kn_obj o, kn_obj name, kn_obj v) {
    kn_store_attr(o, attr_name(name), v);
    return kn_none;
}
static KN_FUN3(bi_setattr_obj, bi_setattr);

static kn_obj bi_delattr(kn_obj o, kn_obj name) {
    kn_delete_attr(o, attr_name(name));
    return kn_none;
}
static KN_FUN2(bi_delattr_obj, bi_delattr);

static kn_obj bi_id(kn_obj o) {
    return kn_int_from_ull((unsigned long long)(uintptr_t)o);
}
static KN_FUN1(bi_id_obj, bi_id);

static kn_obj bi_hash(kn_obj o) {
    kn_uint_t h = kn_hash(o);
    if (KN_IS_SMALL(o)) return o;
    return kn_int_from((kn_int_t)(h & (kn_uint_t)KN_SMALL_MAX));
}
static KN_FUN1(bi_hash_obj, bi_hash);

static kn_obj bi_iter(size_t n, const kn_obj *args) {
    if (n == 2) return kn_calliter_new(args[0], args[1]);
    kn_obj it = kn_getiter(args[0]);
    return it;
}
static KN_FUNV(bi_iter_obj, 1, 2, bi_iter);

static kn_obj bi_next(size_t n, const kn_obj *args) {
    if (n == 1 && kn_is_type(args[0], &kn_type_generator)) {
        /* a finished generator's return value travels in StopIteration */
        return kn_gen_resume_method(args[0], kn_none, KN_NULL);
    }
    kn_obj v = kn_iternext(args[0]);
    if (v == KN_STOP) {
        if (n == 2) return args[1];
        kn_raise(kn_exc_new(&kn_type_StopIteration, 0, NULL));
    }
    return v;
}
static KN_FUNV(bi_next_obj, 1, 2, bi_next);

static kn_obj bi_repr(kn_obj o) {
    return kn_repr(o);
}
static KN_FUN1(bi_repr_obj, bi_repr);

kn_obj kn_ascii(kn_obj o) {
    kn_obj r = kn_repr(o);
    const char *s = kn_str_data(r);
    size_t n = kn_str_len(r);
    kn_vstr_t v;
    kn_vstr_init(&v, n);
    for (size_t i = 0; i < n;) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x80) {
            kn_vstr_addc(&v, (char)c);
            i++;
            continue;
        }
        size_t k = 1;
        while (i + k < n && ((uint8_t)s[i + k] & 0xc0) == 0x80) k++;
        uint32_t cp = kn_str_ord(kn_str_new(s + i, k));
        char buf[12];
        int m = cp < 0x100 ? snprintf(buf, sizeof buf, "\\x%02x", (unsigned)cp)
              : cp < 0x10000 ? snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp)
                             : snprintf(buf, sizeof buf, "\\U%08x", (unsigned)cp);
        kn_vstr_add(&v, buf, (size_t)m);
        i += k;
    }
    return kn_vstr_to_str(&v);
}
static KN_FUN1(bi_ascii_obj, kn_ascii);

static kn_obj bi_ord(kn_obj o) {
    return KN_MKSMALL((kn_int_t)kn_str_ord(o));
}
static KN_FUN1(bi_ord_obj, bi_ord);

static kn_obj bi_chr(kn_obj o) {
    kn_int_t c = kn_get_int(o);
    if (c < 0 || c > 0x10ffff) kn_raise_value("chr() arg not in range(0x110000)");
    return kn_chr((uint32_t)c);
}
static KN_FUN1(bi_chr_obj, bi_chr);

static kn_obj int_base(kn_obj o, int base) {
    if (!KN_IS_INT(o) && o != kn_true && o != kn_false) o = KN_MKSMALL(kn_get_int(o));
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 24);
    kn_vstr_printer(&v, &p);
    kn_int_print(&p, o, base, true);
    return kn_vstr_to_str(&v);
}
static kn_obj bi_hex(kn_obj o) { return int_base(o, 16); }
static kn_obj bi_oct(kn_obj o) { return int_base(o, 8); }
static kn_obj bi_bin(kn_obj o) { return int_base(o, 2); }
static KN_FUN1(bi_hex_obj, bi_hex);
static KN_FUN1(bi_oct_obj, bi_oct);
static KN_FUN1(bi_bin_obj, bi_bin);

static kn_obj bi_divmod(kn_obj a, kn_obj b) {
    if ((KN_IS_INT(a) || a == kn_true || a == kn_false) && (KN_IS_INT(b) || b == kn_true || b == kn_false)) {
        return kn_int_binop(KN_OP_DIVMOD, a, b);
    }
    kn_float_t x, y;
    if (kn_try_float(a, &x) && kn_try_float(b, &y)) return kn_float_binop(KN_OP_DIVMOD, x, y);
    kn_obj r = kn_load_attr_maybe(a, KN_Q(__divmod__));
    if (r != KN_NULL) return kn_call1(r, b);
    return kn_binary_op(KN_OP_DIVMOD, a, b);
}
static KN_FUN2(bi_divmod_obj, bi_divmod);

static kn_obj bi_pow(size_t n, const kn_obj *args) {
    if (n == 3 && args[2] != kn_none) {
        if (!KN_IS_INT(args[0]) || !KN_IS_INT(args[1]) || !KN_IS_INT(args[2])) {
            kn_raise_type("pow() 3rd argument not allowed unless all arguments are integers");
        }
        return kn_int_pow3(args[0], args[1], args[2]);
    }
    return kn_binary_op(KN_OP_POW, args[0], args[1]);
}
static KN_FUNV(bi_pow_obj, 2, 3, bi_pow);

static kn_obj bi_round(size_t n, const kn_obj *args) {
    kn_obj x = args[0];
    kn_obj nd = n > 1 ? args[1] : kn_none;
    if (KN_IS_INT(x) || x == kn_true || x == kn_false) {
        if (nd == kn_none || kn_get_int(nd) >= 0) return KN_IS_INT(x) ? x : KN_MKSMALL(x == kn_true);
        /* round to tens, hundreds...: half to even */
        kn_obj m = kn_int_binop(KN_OP_POW, KN_MKSMALL(10), KN_MKSMALL(-kn_get_int(nd)));
        kn_obj q = kn_int_binop(KN_OP_FLOORDIV, x, m);
        kn_obj r = kn_int_binop(KN_OP_MOD, x, m);
        kn_obj twice = kn_int_binop(KN_OP_MUL, r, KN_MKSMALL(2));
        kn_obj c = kn_int_binop(KN_OP_GT, twice, m);
        if (c == kn_true || (kn_equal(twice, m) && kn_int_sign(kn_int_binop(KN_OP_AND, q, KN_MKSMALL(1))) != 0)) {
            q = kn_int_binop(KN_OP_ADD, q, KN_MKSMALL(1));
        }
        return kn_int_binop(KN_OP_MUL, q, m);
    }
    if ((kn_typeof(x)->flags & KN_TF_USER)) {
        kn_obj r[2];
        if (kn_load_method_maybe(x, KN_Q(__round__), r)) {
            kn_obj a[2] = {r[1], nd};
            return r[1] == KN_NULL ? kn_call(r[0], nd == kn_none ? 0 : 1, 0, &nd) : kn_call(r[0], nd == kn_none ? 1 : 2, 0, a);
        }
    }
    kn_float_t f = kn_get_float(x);
    if (nd == kn_none) {
        if (isnan(f)) kn_raise_value("cannot convert float NaN to integer");
        if (isinf(f)) kn_raise_msg(&kn_type_OverflowError, "cannot convert float infinity to integer");
        double r = floor((double)f);
        double diff = (double)f - r;
        if (diff > 0.5 || (diff == 0.5 && fmod(r, 2.0) != 0)) r += 1;
        return kn_int_from_float((kn_float_t)r);
    }
    kn_int_t d = kn_get_int(nd);
    if (isnan(f) || isinf(f) || d > 300) return kn_float_new(f);
    if (d < 0) {
        if (d < -308) return kn_float_new(f * (kn_float_t)0); /* 10**-d overflows: CPython gives (signed) 0.0 */
        double m = 1;
        for (kn_int_t k = d; k < 0; k++) m *= 10; /* exact up to 1e22, as pow would be; no libm pow linked */
        double y = (double)f / m;
        double r = floor(y);
        double diff = y - r;
        if (diff > 0.5 || (diff == 0.5 && fmod(r, 2.0) != 0)) r += 1;
        return kn_float_new((kn_float_t)(r * m));
    }
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", (int)d, (double)f);
    return kn_float_new((kn_float_t)strtod(buf, NULL));
}
static KN_FUNV(bi_round_obj, 1, 2, bi_round);

static kn_obj bi_all(kn_obj o) {
    kn_obj it = kn_getiter(o), v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        if (!kn_truthy(v)) return kn_false;
    }
    return kn_true;
}
static KN_FUN1(bi_all_obj, bi_all);

static kn_obj bi_any(kn_obj o) {
    kn_obj it = kn_getiter(o), v;
    while ((v = kn_iternext(it)) != KN_STOP) {
        if (kn_truthy(v)) return kn_true;
    }
    return kn_false;
}
static KN_FUN1(bi_any_obj, bi_any);

static kn_obj bi_callable(kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    if (t->flags & KN_TF_USER) return KN_BOOL(kn_type_lookup(t, KN_Q(__call__)) != KN_NULL);
    return KN_BOOL(t->call != NULL);
}
static KN_FUN1(bi_callable_obj, bi_callable);

static kn_obj frame_locals(kn_frame_t *f) {
    if (f == NULL) return kn_st.main_globals;
    if (f->locals != KN_NULL) return f->locals;
    kn_obj d = kn_dict_new(8);
    kn_tuple_t *names = KN_PTR(f->code->varnames);
    for (size_t i = 0; i < names->len && i < f->code->nlocals; i++) {
        if (f->values[i] != KN_NULL) kn_dict_set(d, names->items[i], f->values[i]);
    }
    return d;
}

static kn_obj bi_globals(void) {
    kn_frame_t *f = kn_st.cur_frame;
    return f ? f->globals : kn_st.main_globals;
}
static KN_FUN0(bi_globals_obj, bi_globals);

static kn_obj bi_locals(void) {
    return frame_locals(kn_st.cur_frame);
}
static KN_FUN0(bi_locals_obj, bi_locals);

static kn_obj bi_vars(size_t n, const kn_obj *args) {
    if (n == 0) return bi_locals();
    return kn_load_attr(args[0], KN_Q(__dict__));
}
static KN_FUNV(bi_vars_obj, 0, 1, bi_vars);

static kn_obj bi_dir(size_t n, const kn_obj *args) {
    kn_obj res = kn_set_new(&kn_type_set);
    if (n == 0) {
        kn_obj d = bi_locals();
        size_t pos = 0;
        kn_obj k;
        while (kn_dict_next(d, &pos, &k, NULL)) kn_set_add(res, k);
        return kn_sorted_list(res, kn_none, false);
    }
    kn_obj o = args[0];
    const kn_type_t *t = kn_typeof(o);
    kn_obj sources[2] = {KN_NULL, KN_NULL};
    if (t == &kn_type_module) sources[0] = ((kn_module_t *)o)->globals;
    if (t->flags & KN_TF_HAS_DICT) sources[0] = ((kn_instance_t *)o)->dict;
    const kn_type_t *cls = t == &kn_type_type ? (const kn_type_t *)o : t;
    for (int i = 0; i < 1; i++) {
        if (sources[i] == KN_NULL) continue;
        size_t pos = 0;
        kn_obj k;
        while (kn_dict_next(sources[i], &pos, &k, NULL)) kn_set_add(res, k);
    }
    if (t != &kn_type_module) {
        kn_obj mro;
        if (cls->mro != KN_NULL) {
            mro = cls->mro;
        } else {
            mro = kn_list_new(0, NULL);
            for (const kn_type_t *c = cls; c; c = c->base_type) kn_list_append(mro, KN_OBJ(c));
        }
        kn_obj it = kn_getiter(mro), c;
        while ((c = kn_iternext(it)) != KN_STOP) {
            const kn_type_t *ct = KN_PTR(c);
            if (ct->dict != KN_NULL) {
                size_t pos = 0;
                kn_obj k;
                while (kn_dict_next(ct->dict, &pos, &k, NULL)) kn_set_add(res, k);
            } else if (ct->methods != NULL) {
                for (size_t i = 0; i < ct->methods->n; i++) kn_set_add(res, ct->methods->items[i].name);
            }
        }
    }
    return kn_sorted_list(res, kn_none, false);
}
static KN_FUNV(bi_dir_obj, 0, 1, bi_dir);

static kn_obj exec_or_eval(size_t n, const kn_obj *args, int mode) {
    kn_obj src = args[0];
    kn_frame_t *f = kn_st.cur_frame;
    kn_obj globals = n > 1 && args[1] != kn_none ? args[1] : (f ? f->globals : kn_st.main_globals);
    kn_obj locals = n > 2 && args[2] != kn_none ? args[2] : (n > 1 && args[1] != kn_none ? globals : frame_locals(f));
    kn_obj code = src;
    if (!kn_is_type(src, &kn_type_code)) {
        const uint8_t *d;
        size_t len;
        if (!kn_get_buffer(src, &d, &len)) kn_raise_type("exec() arg 1 must be a string, bytes or code object");
        code = kn_compile_src((const char *)d, len, KN_Q(lt_string), mode);
    }
    kn_obj r = kn_exec_code(code, globals, locals);
    return mode == KN_MODE_EVAL || kn_is_type(src, &kn_type_code) ? r : kn_none;
}

static kn_obj bi_exec(size_t n, const kn_obj *args) {
    exec_or_eval(n, args, KN_MODE_FILE);
    return kn_none;
}
static KN_FUNV(bi_exec_obj, 1, 3, bi_exec);

static kn_obj bi_eval(size_t n, const kn_obj *args) {
    return exec_or_eval(n, args, KN_MODE_EVAL);
}
static KN_FUNV(bi_eval_obj, 1, 3, bi_eval);

static kn_obj bi_compile(size_t n, const kn_obj *args) {
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(args[0], &d, &len)) kn_raise_type("compile() arg 1 must be a string");
    kn_obj filename = n > 1 ? args[1] : KN_Q(lt_string);
    kn_obj mode = n > 2 ? args[2] : KN_Q(exec);
    if (!KN_IS_STR(filename)) kn_raise_fmt(&kn_type_TypeError, "compile() filename must be str, not %s", kn_type_cname(filename));
    if (!KN_IS_STR(mode)) kn_raise_fmt(&kn_type_TypeError, "compile() mode must be str, not %s", kn_type_cname(mode));
    int m = kn_str_eq(mode, KN_Q(eval)) ? KN_MODE_EVAL : kn_str_eq(mode, KN_Q(single)) ? KN_MODE_SINGLE : KN_MODE_FILE;
    if (m == KN_MODE_FILE && !kn_str_eq(mode, KN_Q(exec))) kn_raise_value("compile() mode must be 'exec', 'eval' or 'single'");
    return kn_compile_src((const char *)d, len, filename, m);
}
static KN_FUNV(bi_compile_obj, 1, 6, bi_compile);

static kn_obj bi_import(size_t n, const kn_obj *args) {
    kn_obj fromlist = n > 3 ? args[3] : kn_none;
    int level = n > 4 ? (int)kn_get_int(args[4]) : 0;
    return kn_import(kn_intern_obj(args[0]), fromlist, level);
}
static KN_FUNV(bi_import_obj, 1, 5, bi_import);

static kn_obj bi_format(size_t n, const kn_obj *args) {
    kn_vstr_t v;
    if (n > 1 && !KN_IS_STR(args[1])) {
        /* CPython names None itself here, and other values by their type. */
        kn_raise_fmt(&kn_type_TypeError, "format() argument 2 must be str, not %s",
                     args[1] == kn_none ? "None" : kn_type_cname(args[1]));
    }
    kn_vstr_init(&v, 16);
    kn_str_format_spec(&v, args[0], n > 1 ? args[1] : KN_NULL);
    return kn_vstr_to_str(&v);
}
static KN_FUNV(bi_format_obj, 1, 2, bi_format);

static kn_obj bi_help(size_t n, const kn_obj *args) {
    (void)args;
    if (n == 0) {
        kn_print_str(&kn_stdout_print,
                     "Welcome to Kiln, a small Python for microcontrollers.\n"
                     "Control commands:\n  CTRL-A  raw REPL\n  CTRL-B  friendly REPL\n  CTRL-C  interrupt\n"
                     "  CTRL-D  soft reset\n  CTRL-E  paste mode\n");
    }
    return kn_none;
}
static KN_FUNV(bi_help_obj, 0, 1, bi_help);

#define B(name, obj) {KN_Q(name), KN_OBJ(&obj)}
static const kn_method_t builtin_table[] = {
    B(print, bi_print_obj), B(input, bi_input_obj), B(len, bi_len_obj), B(abs, bi_abs_obj), B(min, bi_min_obj),
    B(max, bi_max_obj), B(sum, bi_sum_obj), B(sorted, bi_sorted_obj), B(isinstance, bi_isinstance_obj),
    B(issubclass, bi_issubclass_obj), B(getattr, bi_getattr_obj), B(hasattr, bi_hasattr_obj),
    B(setattr, bi_setattr_obj), B(delattr, bi_delattr_obj), B(id, bi_id_obj), B(hash, bi_hash_obj),
    B(iter, bi_iter_obj), B(next, bi_next_obj), B(repr, bi_repr_obj), B(ascii, bi_ascii_obj), B(ord, bi_ord_obj),
    B(chr, bi_chr_obj), B(hex, bi_hex_obj), B(oct, bi_oct_obj), B(bin, bi_bin_obj), B(divmod, bi_divmod_obj),
    B(pow, bi_pow_obj), B(round, bi_round_obj), B(all, bi_all_obj), B(any, bi_any_obj),
    B(callable, bi_callable_obj), B(globals, bi_globals_obj), B(locals, bi_locals_obj), B(vars, bi_vars_obj),
    B(dir, bi_dir_obj), B(exec, bi_exec_obj), B(eval, bi_eval_obj), B(compile, bi_compile_obj),
    B(__import__, bi_import_obj), B(format, bi_format_obj), B(help, bi_help_obj),
    B(__build_class__, kn_build_class_obj),
    /* types */
    B(int, kn_type_int), B(float, kn_type_float), B(complex, kn_type_complex), {KN_Q(bool), KN_OBJ(&kn_type_bool)},
    B(str, kn_type_str), B(bytes, kn_type_bytes), B(bytearray, kn_type_bytearray),
    B(memoryview, kn_type_memoryview), B(list, kn_type_list), B(tuple, kn_type_tuple), B(dict, kn_type_dict),
    B(set, kn_type_set), B(frozenset, kn_type_frozenset), B(range, kn_type_range), B(slice, kn_type_slice),
    B(object, kn_type_object), B(type, kn_type_type), B(super, kn_type_super), B(property, kn_type_property),
    B(staticmethod, kn_type_staticmethod), B(classmethod, kn_type_classmethod), B(enumerate, kn_type_enumerate),
    B(zip, kn_type_zip), B(map, kn_type_map), B(filter, kn_type_filter), B(reversed, kn_type_reversed),
    {KN_Q(Ellipsis), KN_OBJ(&kn_ellipsis_obj)}, {KN_Q(NotImplemented), KN_OBJ(&kn_notimpl_obj)},
    /* exceptions */
    B(BaseException, kn_type_BaseException), B(Exception, kn_type_Exception), B(SystemExit, kn_type_SystemExit),
    B(KeyboardInterrupt, kn_type_KeyboardInterrupt), B(GeneratorExit, kn_type_GeneratorExit),
    B(StopIteration, kn_type_StopIteration), B(StopAsyncIteration, kn_type_StopAsyncIteration),
    B(ArithmeticError, kn_type_ArithmeticError), B(ZeroDivisionError, kn_type_ZeroDivisionError),
    B(OverflowError, kn_type_OverflowError), B(FloatingPointError, kn_type_FloatingPointError),
    B(AssertionError, kn_type_AssertionError), B(AttributeError, kn_type_AttributeError),
    B(EOFError, kn_type_EOFError), B(ImportError, kn_type_ImportError),
    B(ModuleNotFoundError, kn_type_ModuleNotFoundError), B(LookupError, kn_type_LookupError),
    B(IndexError, kn_type_IndexError), B(KeyError, kn_type_KeyError), B(MemoryError, kn_type_MemoryError),
    B(NameError, kn_type_NameError), B(UnboundLocalError, kn_type_UnboundLocalError), B(OSError, kn_type_OSError), B(TimeoutError, kn_type_TimeoutError),
    B(FileNotFoundError, kn_type_FileNotFoundError), B(RuntimeError, kn_type_RuntimeError),
    B(NotImplementedError, kn_type_NotImplementedError), B(RecursionError, kn_type_RecursionError),
    B(SyntaxError, kn_type_SyntaxError), B(IndentationError, kn_type_IndentationError),
    B(TabError, kn_type_TabError), B(TypeError, kn_type_TypeError), B(ValueError, kn_type_ValueError),
    B(UnicodeError, kn_type_UnicodeError), B(Warning, kn_type_Warning), B(UserWarning, kn_type_UserWarning),
    B(DeprecationWarning, kn_type_DeprecationWarning),
};

kn_obj kn_builtins_module_new(void) {
    kn_obj m = kn_module_new(KN_Q(builtins));
    kn_obj g = ((kn_module_t *)m)->globals;
    for (size_t i = 0; i < sizeof builtin_table / sizeof builtin_table[0]; i++) {
        kn_dict_set(g, builtin_table[i].name, builtin_table[i].value);
    }
    kn_dict_set(g, KN_Q(EnvironmentError), KN_OBJ(&kn_type_OSError));
    kn_dict_set(g, KN_Q(IOError), KN_OBJ(&kn_type_OSError));
    return m;
}
