/* obj_coro.c: the await protocol (awaitables, async iterators, async context managers) and async generators. */
#include "state.h"
#include "vm.h"

/* ---- await ---- */

/* What `await o` delegates to: a coroutine or generator itself, else the iterator o.__await__() returns. */
kn_obj kn_get_awaitable(kn_obj o) {
    if (KN_IS_GEN_LIKE(o)) return o;
    kn_obj m[2];
    if (!kn_load_method_maybe(o, KN_Q(__await__), m)) {
        kn_raise_fmt(&kn_type_TypeError, "object %s can't be used in 'await' expression", kn_type_cname(o));
    }
    kn_obj it = m[1] == KN_NULL ? kn_call0(m[0]) : kn_call1(m[0], m[1]);
    if (!KN_IS_GEN_LIKE(it) && kn_typeof(it)->iternext == NULL) {
        kn_raise_fmt(&kn_type_TypeError, "__await__() returned non-iterator of type '%s'", kn_type_cname(it));
    }
    return it;
}

kn_obj kn_get_aiter(kn_obj o) {
    kn_obj m[2];
    if (!kn_load_method_maybe(o, KN_Q(__aiter__), m)) {
        kn_raise_fmt(&kn_type_TypeError, "'async for' requires an object with __aiter__ method, got %s", kn_type_cname(o));
    }
    return m[1] == KN_NULL ? kn_call0(m[0]) : kn_call1(m[0], m[1]);
}

kn_obj kn_get_anext(kn_obj it) {
    kn_obj m[2];
    if (!kn_load_method_maybe(it, KN_Q(__anext__), m)) {
        kn_raise_fmt(&kn_type_TypeError, "'async for' received an object from __aiter__ that does not implement __anext__: %s", kn_type_cname(it));
    }
    kn_obj r = m[1] == KN_NULL ? kn_call0(m[0]) : kn_call1(m[0], m[1]);
    return kn_get_awaitable(r);
}

/* sp[-1] = context manager -> sp[-1] = bound __aexit__, returns the (not yet awaited) __aenter__() result. */
kn_obj kn_before_async_with(kn_obj *sp) {
    kn_obj ctx = sp[-1];
    kn_obj exit_fn = kn_load_attr_maybe(ctx, KN_Q(__aexit__));
    kn_obj enter[2];
    if (exit_fn == KN_NULL || !kn_load_method_maybe(ctx, KN_Q(__aenter__), enter)) {
        kn_raise_fmt(&kn_type_TypeError, "'%s' object does not support the asynchronous context manager protocol",
                     kn_type_cname(ctx));
    }
    sp[-1] = exit_fn;
    return enter[1] == KN_NULL ? kn_call0(enter[0]) : kn_call1(enter[0], enter[1]);
}

/* ---- async generators ---- */

/* A value produced by `yield` in an async generator, told apart from what its awaits yield. */
typedef struct {
    kn_base_t base;
    kn_obj value;
} asyncgen_value_t;

static const kn_type_t asyncgen_value_type = {
    .base = {&kn_type_type},
    .name = KN_Q(async_generator_value),
    .base_type = &kn_type_object,
};

kn_obj kn_asyncgen_wrap(kn_obj v) {
    asyncgen_value_t *w = KN_NEW(asyncgen_value_t);
    w->base.type = &asyncgen_value_type;
    w->value = v;
    return KN_OBJ(w);
}

enum { OP_SEND, OP_THROW, OP_CLOSE };

/* The awaitable returned by __anext__/asend/athrow/aclose: one step of the generator per await. */
typedef struct {
    kn_base_t base;
    kn_obj gen;
    kn_obj value; /* first value to send, or the exception to throw */
    uint8_t op;
    uint8_t started;
    uint8_t done;
} asend_t;

static const kn_type_t asend_type;

static kn_obj asend_new(kn_obj gen, kn_obj value, int op) {
    if (!kn_is_type(gen, &kn_type_async_generator)) kn_raise_type("descriptor requires an 'async_generator' object");
    asend_t *a = KN_NEW(asend_t);
    a->base.type = &asend_type;
    a->gen = gen;
    a->value = value;
    a->op = (uint8_t)op;
    return KN_OBJ(a);
}

static kn_obj stop_with(kn_obj v) {
    if (v == kn_none) return kn_exc_new(&kn_type_StopIteration, 0, NULL);
    return kn_exc_new(&kn_type_StopIteration, 1, &v);
}

/* Resumes the generator with v (or throws exc); yields an awaited value through, finishes the await
   with StopIteration(value) for a `yield`, StopAsyncIteration when the generator ends. */
static kn_obj exc_from_args(size_t n, const kn_obj *args) {
    kn_obj t = args[0];
    if (kn_is_type(t, &kn_type_type)) {
        if (n > 1 && args[1] != kn_none) {
            if (kn_typeof(args[1])->flags & KN_TF_EXC) return args[1];
            return kn_call1(t, args[1]);
        }
        return kn_call0(t);
    }
    if (!(kn_typeof(t)->flags & KN_TF_EXC)) kn_raise_type("exceptions must derive from BaseException");
    return t;
}

static kn_obj asend_resume(asend_t *a, kn_obj v, kn_obj exc);

static kn_obj asend_step(kn_obj self, kn_obj v, kn_obj exc) {
    if (!kn_is_type(self, &asend_type)) kn_raise_type("descriptor requires an 'async_generator_asend' object");
    asend_t *a = KN_PTR(self);
    if (a->done) kn_raise_msg(&kn_type_RuntimeError, "cannot reuse already awaited __anext__()/asend()");
    if (!a->started) {
        a->started = 1;
        if (exc == KN_NULL) {
            if (a->op == OP_SEND) {
                v = a->value;
            } else if (a->op == OP_THROW) { /* athrow's arguments are checked when awaited, as in CPython */
                kn_tuple_t *t = KN_PTR(a->value);
                exc = exc_from_args(t->len, t->items);
            } else {
                exc = a->value;
            }
        }
    }
    kn_gen_t *g = KN_PTR(a->gen);
    if (KN_GEN_FINISHED(g) && a->op == OP_CLOSE) {
        a->done = 1;
        kn_raise(stop_with(kn_none));
    }
    if (KN_GEN_FINISHED(g) && exc == KN_NULL) {
        a->done = 1;
        kn_raise(kn_exc_new(&kn_type_StopAsyncIteration, 0, NULL));
    }
    return asend_resume(a, v == KN_NULL ? kn_none : v, exc);
}

static kn_obj asend_resume(asend_t *a, kn_obj v, kn_obj exc) {
    int st;
    kn_obj r;
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        r = kn_gen_send(a->gen, v, exc, &st);
        kn_nlr_pop(&h);
    } else {
        a->done = 1;
        if (a->op == OP_CLOSE && (kn_isinstance(h.exc, &kn_type_GeneratorExit) || kn_isinstance(h.exc, &kn_type_StopAsyncIteration))) {
            kn_raise(stop_with(kn_none));
        }
        kn_raise(h.exc);
    }
    if (st == KN_GEN_RETURN) {
        a->done = 1;
        if (a->op == OP_CLOSE) kn_raise(stop_with(kn_none));
        kn_raise(kn_exc_new(&kn_type_StopAsyncIteration, 0, NULL));
    }
    if (kn_is_type(r, &asyncgen_value_type)) {
        a->done = 1;
        if (a->op == OP_CLOSE) kn_raise_msg(&kn_type_RuntimeError, "async generator ignored GeneratorExit");
        kn_raise(stop_with(((asyncgen_value_t *)r)->value));
    }
    return r;
}

static kn_obj asend_iternext(kn_obj self) {
    return asend_step(self, kn_none, KN_NULL);
}

static kn_obj asend_send_m(kn_obj self, kn_obj v) {
    return asend_step(self, v, KN_NULL);
}
static KN_FUN2(asend_send_obj, asend_send_m);


static kn_obj asend_throw_m(size_t n, const kn_obj *args) {
    return asend_step(args[0], kn_none, exc_from_args(n - 1, args + 1));
}
static KN_FUNV(asend_throw_obj, 2, 4, asend_throw_m);

static kn_obj asend_close_m(kn_obj self) {
    if (!kn_is_type(self, &asend_type)) kn_raise_type("descriptor requires an 'async_generator_asend' object");
    ((asend_t *)KN_PTR(self))->done = 1;
    return kn_none;
}
static KN_FUN1(asend_close_obj, asend_close_m);

static kn_obj self_m(kn_obj self) {
    return self;
}
static KN_FUN1(self_obj, self_m);

KN_METHODS(asend_methods, KN_METHOD(send, asend_send_obj), KN_METHOD(throw, asend_throw_obj), KN_METHOD(close, asend_close_obj),
           KN_METHOD(__await__, self_obj), KN_METHOD(__iter__, self_obj));

static const kn_type_t asend_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(async_generator_asend),
    .iternext = asend_iternext,
    .base_type = &kn_type_object,
    .methods = &asend_methods,
};

static kn_obj agen_anext_m(kn_obj self) {
    return asend_new(self, kn_none, OP_SEND);
}
static KN_FUN1(agen_anext_obj, agen_anext_m);

static kn_obj agen_asend_m(kn_obj self, kn_obj v) {
    return asend_new(self, v, OP_SEND);
}
static KN_FUN2(agen_asend_obj, agen_asend_m);

static kn_obj agen_athrow_m(size_t n, const kn_obj *args) {
    return asend_new(args[0], kn_tuple_new(n - 1, args + 1), OP_THROW);
}
static KN_FUNV(agen_athrow_obj, 2, 4, agen_athrow_m);

static kn_obj agen_aclose_m(kn_obj self) {
    return asend_new(self, kn_exc_new(&kn_type_GeneratorExit, 0, NULL), OP_CLOSE);
}
static KN_FUN1(agen_aclose_obj, agen_aclose_m);

static void agen_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_gen_t *g = KN_PTR(o);
    kn_printf(p, "<async_generator object %q at 0x%u>", g->name, (unsigned)((uintptr_t)o & 0xffffffu));
}

static bool agen_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    if (mode != KN_ATTR_LOAD || name != KN_Q(__name__)) return false;
    *dest = ((kn_gen_t *)KN_PTR(o))->name;
    return true;
}

KN_METHODS(agen_methods, KN_METHOD(__aiter__, self_obj), KN_METHOD(__anext__, agen_anext_obj), KN_METHOD(asend, agen_asend_obj),
           KN_METHOD(athrow, agen_athrow_obj), KN_METHOD(aclose, agen_aclose_obj));

const kn_type_t kn_type_async_generator = {
    .base = {&kn_type_type},
    .name = KN_Q(async_generator),
    .print = agen_print,
    .attr = agen_attr,
    .base_type = &kn_type_object,
    .methods = &agen_methods,
};
