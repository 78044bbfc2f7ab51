/* native_rt.c: the runtime of machine code from @micropython.native/viper: the run loop, helpers called from the code, boxing. */
#include <string.h>

#include "native.h"

#if KILN_NATIVE

#if defined(__unix__) && defined(KN_NATIVE_ARCH_X64)
#define HOSTED_MPROTECT 1 /* a hosted build (unix port, fuzz harness): heap pages are not executable by default */
#include <sys/mman.h>
#include <unistd.h>
#endif

/* The VM's helpers (vm.c). */
kn_obj kn_vm_load_global(kn_obj globals, kn_obj name);
void kn_vm_unpack(kn_obj seq, size_t n, kn_obj *out);
void kn_vm_unpack_ex(kn_obj seq, size_t before, size_t after, kn_obj *out);
kn_obj kn_vm_format_value(kn_obj v, unsigned flags, kn_obj spec);
kn_obj kn_vm_build_string(kn_obj *items, size_t n);
void kn_vm_print_expr(kn_obj v);
void kn_vm_do_raise(kn_frame_t *f, unsigned n, kn_obj *sp);
kn_obj kn_vm_delegate_send(kn_obj iter, kn_obj value, int *status);
kn_obj kn_vm_with_enter(kn_obj *sp);
bool kn_vm_with_exit_exc(kn_obj exit_fn, kn_obj exc);
void kn_vm_import_star(kn_frame_t *f, kn_obj mod);
kn_obj kn_vm_import_from(kn_obj mod, kn_obj name);
kn_obj kn_vm_make_function(kn_frame_t *f, unsigned flags, kn_obj *sp, int *popped);

/* Code memory: GC heap blocks, made executable where the host needs it. */
uint8_t *kn_native_code_alloc(size_t n) {
    uint8_t *p = kn_alloc(n);
#if defined(HOSTED_MPROTECT)
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)p & ~(page - 1), hi = ((uintptr_t)p + n + page - 1) & ~(page - 1);
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        kn_raise_msg(&kn_type_OSError, "native: cannot make the code memory executable");
    }
#endif
    return p;
}

typedef int (*native_fn_t)(kn_frame_t *f, kn_obj *result, const void *resume);

static int call_code(kn_frame_t *f, kn_obj *result) {
    kn_native_t *n = ((const kn_native_code_t *)f->code)->native;
    int32_t off = n->offsets[f->ip - f->code->bc];
    if (off < 0) kn_raise_msg(&kn_type_RuntimeError, "native: bad resume point");
    native_fn_t fn = (native_fn_t)(uintptr_t)kn_asm_entry(n->code);
    return fn(f, result, kn_asm_entry(n->code + off));
}

/* Generator .throw() into a native frame: forwarded to a delegate generator at a yield from. */
static bool native_throw(kn_frame_t *f, kn_obj *result, int *st) {
    kn_obj exc = f->throw_exc;
    f->throw_exc = KN_NULL;
    if (*f->ip != KN_BC_YIELD_FROM) kn_raise(exc);
    if (kn_vm_throw_into_delegate(f->sp, exc, result)) { /* as the VM does: generators and awaitables */
        *st = KN_GEN_YIELD;
        return true;
    }
    f->ip += 1; /* continue after the yield from */
    return false;
}

int kn_native_run(kn_frame_t *f, kn_obj *result, void *prev_frame) {
    int st;
    if (f->code->nblocks == 0) {
        if (f->throw_exc == KN_NULL || !native_throw(f, result, &st)) st = call_code(f, result);
        kn_st.depth--;
        kn_st.cur_frame = prev_frame;
        return st;
    }
    for (;;) {
        kn_nlr_t h;
        if (KN_TRY(&h)) {
            if (f->throw_exc == KN_NULL || !native_throw(f, result, &st)) st = call_code(f, result);
            kn_nlr_pop(&h);
            kn_st.depth--;
            kn_st.cur_frame = prev_frame;
            return st;
        }
        kn_obj exc = h.exc;
        if (kn_st.tb_skip_frame == f) {
            kn_st.tb_skip_frame = NULL;
        } else {
            kn_exc_add_tb(exc, kn_code_filename(f->code), kn_code_line(f->code, f->ip), f->code->name);
        }
        if (f->nblock == 0) {
            kn_st.tb_skip_frame = f;
            kn_raise(exc);
        }
        kn_block_t *b = &f->blocks[--f->nblock];
        kn_obj *sp = f->stack + b->sp_level;
        *sp++ = kn_st.last_exc == KN_NULL ? kn_none : kn_st.last_exc;
        *sp++ = exc;
        kn_st.last_exc = exc;
        f->sp = sp;
        f->ip = b->handler;
    }
}

/* ---- boxing for viper ---- */

kn_obj kn_nrt_box(uintptr_t v, uintptr_t type) {
    switch (type) {
        case KN_VT_INT: return kn_int_from((kn_int_t)(int32_t)(uint32_t)v);
        case KN_VT_BOOL: return KN_BOOL(v != 0);
        case KN_VT_UINT: return kn_int_from_ull((uint32_t)v);
        default: return kn_int_from_ull((unsigned long long)v); /* pointers box as their address */
    }
}

uintptr_t kn_nrt_unbox(kn_obj o, uintptr_t type) {
    switch (type) {
        case KN_VT_BOOL: return kn_truthy(o);
        case KN_VT_INT:
        case KN_VT_UINT: {
            uint32_t v;
            if (o == kn_true || o == kn_false) {
                v = o == kn_true;
            } else {
                if (!KN_IS_INT(o)) kn_raise_fmt(&kn_type_TypeError, "viper: can't convert %s to int", kn_type_cname(o));
                uint8_t b[4];
                kn_int_to_bytes(o, b, 4, true); /* two's complement, wraps at 32 bits */
                v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
            }
            if (type == KN_VT_INT) return (uintptr_t)(intptr_t)(int32_t)v;
            return v;
        }
        default: { /* ptr8/16/32: a buffer's data or an integer address */
            if (KN_IS_INT(o)) return (uintptr_t)kn_get_ll(o);
            if (kn_is_type(o, &kn_type_bytearray)) return (uintptr_t)((kn_bytearray_t *)o)->data;
            const uint8_t *data;
            size_t len;
            if (kn_get_buffer(o, &data, &len)) return (uintptr_t)data;
            kn_raise_fmt(&kn_type_TypeError, "viper: can't convert %s to a pointer", kn_type_cname(o));
        }
    }
}

/* Floor division and modulo on viper ints (op: KN_OP_FLOORDIV/KN_OP_MOD, +0x100 unsigned). */
uintptr_t kn_nrt_divmod(uintptr_t a, uintptr_t b, uintptr_t op) {
    if ((uint32_t)b == 0) kn_raise_msg(&kn_type_ZeroDivisionError, "division by zero");
    if (op & 0x100) {
        uint32_t x = (uint32_t)a, y = (uint32_t)b;
        return (op & 0xff) == KN_OP_MOD ? x % y : x / y;
    }
    int64_t x = (int32_t)(uint32_t)a, y = (int32_t)(uint32_t)b;
    int64_t q = x / y, r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) {
        q--;
        r += y;
    }
    return (uintptr_t)(intptr_t)(int32_t)(uint32_t)(uint64_t)((op & 0xff) == KN_OP_MOD ? r : q);
}

/* A viper range loop's raw (start or current, stop, step) as a range object or iterator; where =
 * slot of the start | scratch slot of stop << 16 (both relative to the operand stack). */
kn_obj kn_nrt_box_range(kn_frame_t *f, uintptr_t where, uintptr_t iter) {
    kn_int_t cur = (kn_int_t)f->stack[where & 0xffff];
    kn_int_t stop = (kn_int_t)f->stack[where >> 16], step = (kn_int_t)f->stack[(where >> 16) + 1];
    if (!iter && step == 0) kn_raise_value("range() arg 3 must not be zero");
    kn_obj r = kn_range_new(cur, stop, step == 0 ? 1 : step);
    return iter ? kn_getiter(r) : r;
}

uintptr_t kn_nrt_truthy(kn_obj o) {
    return kn_truthy(o);
}

static void unbound(kn_frame_t *f, unsigned i) {
    kn_raise_fmt(&kn_type_UnboundLocalError, "cannot access local variable '%q' where it is not associated with a value",
                 ((kn_tuple_t *)f->code->varnames)->items[i]);
}

/* ---- one bytecode operation on the frame's stack (everything the emitter does not inline) ----
 * where = stack depth | bytecode offset << 16; the result is the branch condition for FOR_ITER (1 = exhausted),
 * YIELD_FROM (1 = yielded, value in sp[-1]) and the truth tests. */
uintptr_t kn_nrt_op(kn_frame_t *f, uintptr_t opword, uintptr_t where) {
    unsigned op = opword & 0xff, arg = (unsigned)(opword >> 8);
    kn_code_t *code = f->code;
    kn_obj *sp = f->stack + (where & 0xffff);
    f->ip = code->bc + (where >> 16);
    kn_obj *names = ((kn_tuple_t *)code->names)->items;
    kn_obj *cells = f->values + code->nlocals;
    switch (op) {
        case KN_BC_BINARY_SUBSCR: sp[-2] = kn_subscr(sp[-2], sp[-1], KN_LOAD); return 0;
        case KN_BC_STORE_SUBSCR: kn_subscr(sp[-2], sp[-1], sp[-3]); return 0;
        case KN_BC_DELETE_SUBSCR: kn_subscr(sp[-2], sp[-1], KN_NULL); return 0;
        case KN_BC_GET_ITER: sp[-1] = kn_getiter(sp[-1]); return 0;
        case KN_BC_YIELD_FROM: {
            int st;
            kn_obj r = kn_vm_delegate_send(sp[-2], sp[-1], &st);
            if (st == KN_GEN_YIELD) {
                sp[-1] = r;
                return 1;
            }
            sp[-2] = r;
            return 0;
        }
        case KN_BC_GET_YIELD_FROM_ITER:
            if (!kn_is_type(sp[-1], &kn_type_generator)) sp[-1] = kn_getiter(sp[-1]);
            return 0;
        case KN_BC_POP_BLOCK: f->nblock--; return 0;
        case KN_BC_POP_EXCEPT: kn_st.last_exc = sp[-2]; return 0;
        case KN_BC_RERAISE:
            kn_st.last_exc = sp[-2];
            kn_st.tb_skip_frame = f;
            kn_raise(sp[-1]);
        case KN_BC_WITH_EXIT: {
            kn_obj args[3] = {kn_none, kn_none, kn_none};
            kn_call(sp[-1], 3, 0, args);
            return 0;
        }
        case KN_BC_WITH_EXIT_EXC: {
            bool suppress = kn_vm_with_exit_exc(sp[-3], sp[-1]);
            kn_st.last_exc = sp[-2];
            if (!suppress) {
                kn_st.tb_skip_frame = f;
                kn_raise(sp[-1]);
            }
            return 0;
        }
        case KN_BC_LOAD_BUILD_CLASS: {
            extern const kn_natfun_t kn_build_class_obj;
            sp[0] = KN_OBJ(&kn_build_class_obj);
            return 0;
        }
        case KN_BC_PRINT_EXPR: kn_vm_print_expr(sp[-1]); return 0;
        case KN_BC_EXC_MATCH: sp[-2] = KN_BOOL(kn_exc_matches(sp[-2], sp[-1])); return 0;
        case KN_BC_IMPORT_STAR: kn_vm_import_star(f, sp[-1]); return 0;
        case KN_BC_ADD: sp[-2] = kn_binary_op(KN_OP_ADD, sp[-2], sp[-1]); return 0;
        case KN_BC_SUB: sp[-2] = kn_binary_op(KN_OP_SUB, sp[-2], sp[-1]); return 0;
        case KN_BC_MUL: sp[-2] = kn_binary_op(KN_OP_MUL, sp[-2], sp[-1]); return 0;
        case KN_BC_LT: sp[-2] = kn_binary_op(KN_OP_LT, sp[-2], sp[-1]); return 0;
        case KN_BC_LE: sp[-2] = kn_binary_op(KN_OP_LE, sp[-2], sp[-1]); return 0;
        case KN_BC_GT: sp[-2] = kn_binary_op(KN_OP_GT, sp[-2], sp[-1]); return 0;
        case KN_BC_GE: sp[-2] = kn_binary_op(KN_OP_GE, sp[-2], sp[-1]); return 0;
        case KN_BC_EQ: sp[-2] = kn_binary_op(KN_OP_EQ, sp[-2], sp[-1]); return 0;
        case KN_BC_NE: sp[-2] = kn_binary_op(KN_OP_NE, sp[-2], sp[-1]); return 0;
        case KN_BC_IS: sp[-2] = KN_BOOL(sp[-2] == sp[-1]); return 0;
        case KN_BC_IS_NOT: sp[-2] = KN_BOOL(sp[-2] != sp[-1]); return 0;
        case KN_BC_IN: sp[-2] = KN_BOOL(kn_contains(sp[-1], sp[-2])); return 0;
        case KN_BC_NOT_IN: sp[-2] = KN_BOOL(!kn_contains(sp[-1], sp[-2])); return 0;
        case KN_BC_NOT: sp[-1] = KN_BOOL(!kn_truthy(sp[-1])); return 0;
        case KN_BC_LIST_TO_TUPLE: {
            kn_list_t *l = KN_PTR(sp[-1]);
            sp[-1] = kn_tuple_new(l->len, l->items);
            return 0;
        }
        case KN_BC_LOAD_EXC: sp[0] = kn_st.last_exc == KN_NULL ? kn_none : kn_st.last_exc; return 0;
        case KN_BC_DELETE_FAST:
            if (f->values[arg] == KN_NULL) unbound(f, arg);
            f->values[arg] = KN_NULL;
            return 0;
        case KN_BC_LOAD_DEREF: {
            kn_obj v = ((kn_cell_t *)cells[arg])->value;
            if (v == KN_NULL) kn_raise_msg(&kn_type_NameError, "cannot access free variable where it is not associated with a value");
            sp[0] = v;
            return 0;
        }
        case KN_BC_STORE_DEREF: ((kn_cell_t *)cells[arg])->value = sp[-1]; return 0;
        case KN_BC_DELETE_DEREF: ((kn_cell_t *)cells[arg])->value = KN_NULL; return 0;
        case KN_BC_LOAD_CLOSURE: sp[0] = cells[arg]; return 0;
        case KN_BC_LOAD_GLOBAL: sp[0] = kn_vm_load_global(f->globals, names[arg]); return 0;
        case KN_BC_STORE_GLOBAL: kn_dict_set(f->globals, names[arg], sp[-1]); return 0;
        case KN_BC_DELETE_GLOBAL:
            if (!kn_dict_del(f->globals, names[arg])) kn_raise_fmt(&kn_type_NameError, "name '%q' is not defined", names[arg]);
            return 0;
        case KN_BC_LOAD_NAME: {
            kn_obj v = KN_NULL;
            if (f->locals != f->globals && f->locals != KN_NULL) v = kn_dict_get_q(f->locals, names[arg]);
            sp[0] = v != KN_NULL ? v : kn_vm_load_global(f->globals, names[arg]);
            return 0;
        }
        case KN_BC_STORE_NAME: kn_dict_set(f->locals != KN_NULL ? f->locals : f->globals, names[arg], sp[-1]); return 0;
        case KN_BC_DELETE_NAME:
            if (!kn_dict_del(f->locals != KN_NULL ? f->locals : f->globals, names[arg])) {
                kn_raise_fmt(&kn_type_NameError, "name '%q' is not defined", names[arg]);
            }
            return 0;
        case KN_BC_LOAD_ATTR: sp[-1] = kn_load_attr(sp[-1], names[arg]); return 0;
        case KN_BC_STORE_ATTR: kn_store_attr(sp[-1], names[arg], sp[-2]); return 0;
        case KN_BC_DELETE_ATTR: kn_delete_attr(sp[-1], names[arg]); return 0;
        case KN_BC_LOAD_METHOD: kn_load_method(sp[-1], names[arg], sp - 1); return 0;
        case KN_BC_CALL_METHOD: {
            size_t npos = arg & 0xff, nkw = arg >> 8;
            kn_obj *base = sp - npos - 2 * nkw - 2;
            if (base[1] != KN_NULL) base[0] = kn_call(base[0], npos + 1, nkw, base + 1);
            else base[0] = kn_call(base[0], npos, nkw, base + 2);
            return 0;
        }
        case KN_BC_CALL: {
            size_t npos = arg & 0xff, nkw = arg >> 8;
            kn_obj *base = sp - npos - 2 * nkw - 1;
            base[0] = kn_call(base[0], npos, nkw, base + 1);
            return 0;
        }
        case KN_BC_CALL_EX: {
            kn_obj kw = (arg & 1) ? *--sp : KN_NULL;
            kn_obj args = *--sp;
            sp[-1] = kn_call_ex(sp[-1], args, kw);
            return 0;
        }
        case KN_BC_BINARY_OP: sp[-2] = kn_binary_op((int)arg, sp[-2], sp[-1]); return 0;
        case KN_BC_UNARY_OP: sp[-1] = kn_unary_op((int)arg, sp[-1]); return 0;
        case KN_BC_BUILD_TUPLE: sp[-(int)arg] = kn_tuple_new(arg, sp - arg); return 0;
        case KN_BC_BUILD_LIST: sp[-(int)arg] = kn_list_new(arg, sp - arg); return 0;
        case KN_BC_BUILD_SET: {
            kn_obj s = kn_set_new(&kn_type_set);
            for (unsigned i = 0; i < arg; i++) kn_set_add(s, sp[(int)i - (int)arg]);
            sp[-(int)arg] = s;
            return 0;
        }
        case KN_BC_BUILD_MAP: {
            kn_obj d = kn_dict_new(arg + 4);
            kn_obj *base = sp - 2 * arg;
            for (unsigned i = 0; i < arg; i++) kn_dict_set(d, base[2 * i], base[2 * i + 1]);
            base[0] = d;
            return 0;
        }
        case KN_BC_BUILD_SLICE: {
            kn_obj step = arg == 3 ? *--sp : kn_none;
            sp[-2] = kn_slice_new(sp[-2], sp[-1], step);
            return 0;
        }
        case KN_BC_BUILD_STRING: sp[-(int)arg] = kn_vm_build_string(sp - arg, arg); return 0;
        case KN_BC_LIST_APPEND: kn_list_append(sp[-1 - (int)arg], sp[-1]); return 0;
        case KN_BC_SET_ADD: kn_set_add(sp[-1 - (int)arg], sp[-1]); return 0;
        case KN_BC_MAP_ADD: kn_dict_set(sp[-2 - (int)arg], sp[-2], sp[-1]); return 0;
        case KN_BC_LIST_EXTEND: kn_list_extend(sp[-1 - (int)arg], sp[-1]); return 0;
        case KN_BC_SET_UPDATE: {
            kn_obj it = kn_getiter(sp[-1]), x;
            while ((x = kn_iternext(it)) != KN_STOP) kn_set_add(sp[-1 - (int)arg], x);
            return 0;
        }
        case KN_BC_DICT_UPDATE: kn_dict_update(sp[-1 - (int)arg], sp[-1]); return 0;
        case KN_BC_DICT_MERGE: {
            kn_obj v = sp[-1];
            if (!kn_isinstance(v, &kn_type_dict) && kn_load_attr_maybe(v, KN_Q(keys)) == KN_NULL) {
                kn_raise_fmt(&kn_type_TypeError, "argument after ** must be a mapping, not %s", kn_type_cname(v));
            }
            kn_dict_update(sp[-1 - (int)arg], v);
            return 0;
        }
        case KN_BC_UNPACK_SEQUENCE: kn_vm_unpack(sp[-1], arg, sp - 1); return 0;
        case KN_BC_UNPACK_EX: kn_vm_unpack_ex(sp[-1], arg & 0xff, arg >> 8, sp - 1); return 0;
        case KN_BC_FORMAT_VALUE: {
            kn_obj spec = (arg & 4) ? *--sp : KN_NULL;
            sp[-1] = kn_vm_format_value(sp[-1], arg, spec);
            return 0;
        }
        case KN_BC_POP_JUMP_IF_FALSE:
        case KN_BC_POP_JUMP_IF_TRUE:
        case KN_BC_JUMP_IF_FALSE_OR_POP:
        case KN_BC_JUMP_IF_TRUE_OR_POP: return kn_truthy(sp[-1]);
        case KN_BC_FOR_ITER: {
            kn_obj it = sp[-1];
            const kn_type_t *t = kn_typeof(it);
            if (t == &kn_type_range_iter) {
                kn_int_t *r = (kn_int_t *)(void *)((kn_base_t *)it + 1); /* cur, stop, step (as in vm.c) */
                if (r[2] > 0 ? r[0] < r[1] : r[0] > r[1]) {
                    sp[0] = KN_MKSMALL(r[0]);
                    r[0] += r[2];
                    return 0;
                }
                return 1;
            }
            kn_obj v = t->iternext != NULL ? t->iternext(it) : kn_iternext(it);
            if (v == KN_STOP) return 1;
            sp[0] = v;
            return 0;
        }
        case KN_BC_SETUP_EXCEPT:
        case KN_BC_SETUP_WITH: {
            kn_obj r = op == KN_BC_SETUP_WITH ? kn_vm_with_enter(sp) : KN_NULL;
            kn_block_t *b = &f->blocks[f->nblock++];
            b->handler = code->bc + arg;
            b->sp_level = (uint32_t)(sp - f->stack);
            if (op == KN_BC_SETUP_WITH) sp[0] = r;
            return 0;
        }
        case KN_BC_RAISE: kn_vm_do_raise(f, arg, sp); return 0;
        case KN_BC_MAKE_FUNCTION: {
            int popped;
            kn_obj fn = kn_vm_make_function(f, arg, sp, &popped);
            sp[-popped] = fn;
            return 0;
        }
        case KN_BC_IMPORT_NAME: sp[-2] = kn_import(names[arg], sp[-1], (int)KN_SMALL(sp[-2])); return 0;
        case KN_BC_IMPORT_FROM: sp[0] = arg == 0xffff ? sp[-1] : kn_vm_import_from(sp[-1], names[arg]); return 0;
        /* async (as in vm.c; await itself is GET_AWAITABLE + YIELD_FROM) */
        case KN_BC_GET_AWAITABLE: sp[-1] = kn_get_awaitable(sp[-1]); return 0;
        case KN_BC_GET_AITER: sp[-1] = kn_get_aiter(sp[-1]); return 0;
        case KN_BC_GET_ANEXT: sp[-1] = kn_get_anext(sp[-1]); return 0;
        case KN_BC_ASYNC_GEN_WRAP: sp[-1] = kn_asyncgen_wrap(sp[-1]); return 0;
        case KN_BC_BEFORE_ASYNC_WITH: sp[0] = kn_before_async_with(sp); return 0;
        case KN_BC_END_ASYNC_FOR: /* [iterator, prev_exc, exc]: StopAsyncIteration ends the loop */
            kn_st.last_exc = sp[-2];
            if (!kn_isinstance(sp[-1], &kn_type_StopAsyncIteration)) kn_raise(sp[-1]);
            return 0;
        case KN_BC_ASYNC_WITH_EXC_CALL: {
            kn_obj args[3] = {KN_OBJ(kn_typeof(sp[-1])), sp[-1], kn_none};
            sp[0] = kn_call(sp[-3], 3, 0, args);
            return 0;
        }
        case KN_BC_ASYNC_WITH_EXC_END: /* [aexit, prev_exc, exc, awaited __aexit__ result] */
            kn_st.last_exc = sp[-3];
            if (!kn_truthy(sp[-1])) kn_raise(sp[-2]);
            return 0;
        default: kn_raise_msg(&kn_type_RuntimeError, "native: unsupported opcode");
    }
}

#endif
