/* obj_gen.c: generator and coroutine objects: a heap frame resumed by send/throw/close and iteration. */
#include "state.h"
#include "vm.h"

kn_obj kn_gen_new(kn_frame_t *f, kn_obj name) {
    kn_gen_t *g = KN_NEW(kn_gen_t);
    g->base.type = &kn_type_generator;
    g->frame = f;
    g->name = name;
    g->exc = KN_NULL;
    return KN_OBJ(g);
}

/* Runs the generator one step. status is KN_GEN_YIELD (result = yielded value) or KN_GEN_RETURN. */
kn_obj kn_gen_send(kn_obj gen, kn_obj value, kn_obj throw_exc, int *status) {
    kn_gen_t *g = KN_PTR(gen);
    kn_frame_t *f = g->frame;
    if (KN_GEN_FINISHED(g)) {
        if (throw_exc != KN_NULL) kn_raise(throw_exc);
        if (g->base.type == &kn_type_coroutine) kn_raise_msg(&kn_type_RuntimeError, "cannot reuse already awaited coroutine");
        *status = KN_GEN_RETURN;
        return kn_none;
    }
    if (f->running == 1) kn_raise_value("generator already executing");
    if (f->running == 0) {
        if (throw_exc == KN_NULL && value != kn_none && value != KN_NULL) {
            kn_raise_type("can't send non-None value to a just-started generator");
        }
    } else if (throw_exc == KN_NULL) {
        *f->sp++ = value == KN_NULL ? kn_none : value;
    }
    f->throw_exc = throw_exc;
    f->running = 1;
    /* Each generator (each task's coroutine) keeps the exception it is handling across suspensions. */
    kn_obj outer = kn_st.last_exc;
    if (g->exc != KN_NULL) kn_st.last_exc = g->exc;
    kn_nlr_t h;
    kn_obj result = kn_none;
    int st;
    if (KN_TRY(&h)) {
        st = kn_vm_run(f, &result);
        kn_nlr_pop(&h);
    } else {
        f->running = 3;
        g->exc = KN_NULL;
        kn_st.last_exc = outer;
        kn_obj e = h.exc;
        if (kn_isinstance(e, &kn_type_StopIteration)) {
            kn_obj m = kn_str_new_c(g->base.type == &kn_type_generator ? "generator raised StopIteration"
                                    : g->base.type == &kn_type_coroutine ? "coroutine raised StopIteration"
                                                                          : "async generator raised StopIteration");
            kn_obj r = kn_exc_new(&kn_type_RuntimeError, 1, &m);
            ((kn_exc_t *)r)->cause = e;
            e = r;
        }
        kn_raise(e);
    }
    f->running = st == KN_GEN_RETURN ? 3 : 2;
    g->exc = st == KN_GEN_YIELD && kn_st.last_exc != outer ? kn_st.last_exc : KN_NULL;
    kn_st.last_exc = outer;
    *status = st;
    return result;
}

static kn_obj gen_iternext(kn_obj gen) {
    int st;
    kn_obj r = kn_gen_send(gen, kn_none, KN_NULL, &st);
    return st == KN_GEN_YIELD ? r : KN_STOP;
}

static kn_obj stop_iteration(kn_obj value) {
    if (value == kn_none) return kn_exc_new(&kn_type_StopIteration, 0, NULL);
    return kn_exc_new(&kn_type_StopIteration, 1, &value);
}

kn_obj kn_gen_resume_method(kn_obj gen, kn_obj value, kn_obj throw_exc) {
    int st;
    kn_obj r = kn_gen_send(gen, value, throw_exc, &st);
    if (st == KN_GEN_RETURN) kn_raise(stop_iteration(r));
    return r;
}

/* Methods called unbound (type(g).send(x, ...)) must get a generator or coroutine. */
static kn_obj gen_self(kn_obj self) {
    if (!KN_IS_GEN_LIKE(self)) kn_raise_fmt(&kn_type_TypeError, "descriptor requires a 'generator' object, not '%s'", kn_type_cname(self));
    return self;
}

static kn_obj gen_send_m(kn_obj self, kn_obj v) {
    return kn_gen_resume_method(gen_self(self), v, KN_NULL);
}
static KN_FUN2(gen_send_obj, gen_send_m);

static kn_obj make_exc(size_t n, const kn_obj *args) {
    kn_obj t = args[1];
    if (kn_is_type(t, &kn_type_type)) {
        if (n > 2 && args[2] != kn_none) {
            if (kn_typeof(args[2])->flags & KN_TF_EXC) return args[2];
            return kn_call1(t, args[2]);
        }
        return kn_call0(t);
    }
    if (!(kn_typeof(t)->flags & KN_TF_EXC)) kn_raise_type("exceptions must derive from BaseException");
    return t;
}

static kn_obj gen_throw_m(size_t n, const kn_obj *args) {
    return kn_gen_resume_method(gen_self(args[0]), kn_none, make_exc(n, args));
}
static KN_FUNV(gen_throw_obj, 2, 4, gen_throw_m);

static kn_obj gen_close_m(kn_obj self) {
    kn_gen_t *g = KN_PTR(gen_self(self));
    if (KN_GEN_FINISHED(g)) return kn_none;
    if (g->frame->running == 0) {
        g->frame->running = 3;
        return kn_none;
    }
    kn_nlr_t h;
    int st;
    if (KN_TRY(&h)) {
        kn_gen_send(self, kn_none, kn_exc_new(&kn_type_GeneratorExit, 0, NULL), &st);
        kn_nlr_pop(&h);
    } else {
        if (kn_isinstance(h.exc, &kn_type_GeneratorExit) || kn_isinstance(h.exc, &kn_type_StopIteration)) return kn_none;
        kn_raise(h.exc);
    }
    if (st == KN_GEN_YIELD) kn_raise_msg(&kn_type_RuntimeError, "generator ignored GeneratorExit");
    return kn_none;
}
static KN_FUN1(gen_close_obj, gen_close_m);

static void gen_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    kn_gen_t *g = KN_PTR(o);
    kn_printf(p, "<%q object %q at 0x%u>", g->base.type->name, g->name, (unsigned)((uintptr_t)o & 0xffffffu));
}

static bool gen_attr(kn_obj o, kn_obj name, kn_obj *dest, int mode) {
    kn_gen_t *g = KN_PTR(o);
    if (mode != KN_ATTR_LOAD) return false;
    if (name == KN_Q(__name__)) {
        *dest = g->name;
        return true;
    }
    if (name == KN_Q(gi_running) || name == KN_Q(cr_running)) {
        *dest = KN_BOOL(g->frame->running == 1);
        return true;
    }
    return false;
}

KN_METHODS(gen_methods, KN_METHOD(send, gen_send_obj), KN_METHOD(throw, gen_throw_obj), KN_METHOD(close, gen_close_obj));

const kn_type_t kn_type_generator = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(generator),
    .print = gen_print,
    .attr = gen_attr,
    .iternext = gen_iternext,
    .base_type = &kn_type_object,
    .methods = &gen_methods,
};

/* A coroutine is a generator frame that is awaited rather than iterated; coro.__await__() is an
   iterator over it (so `yield from coro.__await__()` works in a plain generator). */
typedef struct {
    kn_base_t base;
    kn_obj coro;
} coro_wrapper_t;

static const kn_type_t coro_wrapper_type;

static coro_wrapper_t *cw_self(kn_obj self) {
    if (!kn_is_type(self, &coro_wrapper_type)) kn_raise_type("descriptor requires a 'coroutine_wrapper' object");
    return KN_PTR(self);
}

static kn_obj cw_iternext(kn_obj self) {
    return kn_gen_resume_method(((coro_wrapper_t *)KN_PTR(self))->coro, kn_none, KN_NULL);
}

static kn_obj cw_send_m(kn_obj self, kn_obj v) {
    return kn_gen_resume_method(cw_self(self)->coro, v, KN_NULL);
}
static KN_FUN2(cw_send_obj, cw_send_m);

static kn_obj cw_throw_m(size_t n, const kn_obj *args) {
    kn_obj a[4] = {cw_self(args[0])->coro, args[1], n > 2 ? args[2] : kn_none, kn_none};
    return gen_throw_m(n, a);
}
static KN_FUNV(cw_throw_obj, 2, 4, cw_throw_m);

static kn_obj cw_close_m(kn_obj self) {
    return gen_close_m(cw_self(self)->coro);
}
static KN_FUN1(cw_close_obj, cw_close_m);

KN_METHODS(cw_methods, KN_METHOD(send, cw_send_obj), KN_METHOD(throw, cw_throw_obj), KN_METHOD(close, cw_close_obj));

static const kn_type_t coro_wrapper_type = {
    .base = {&kn_type_type},
    .flags = KN_TF_ITER_SELF,
    .name = KN_Q(coroutine_wrapper),
    .iternext = cw_iternext,
    .base_type = &kn_type_object,
    .methods = &cw_methods,
};

static kn_obj coro_await_m(kn_obj self) {
    if (!kn_is_type(self, &kn_type_coroutine)) kn_raise_type("descriptor requires a 'coroutine' object");
    coro_wrapper_t *w = KN_NEW(coro_wrapper_t);
    w->base.type = &coro_wrapper_type;
    w->coro = self;
    return KN_OBJ(w);
}
static KN_FUN1(coro_await_obj, coro_await_m);

KN_METHODS(coro_methods, KN_METHOD(send, gen_send_obj), KN_METHOD(throw, gen_throw_obj), KN_METHOD(close, gen_close_obj),
           KN_METHOD(__await__, coro_await_obj));

const kn_type_t kn_type_coroutine = {
    .base = {&kn_type_type},
    .name = KN_Q(coroutine),
    .print = gen_print,
    .attr = gen_attr,
    .base_type = &kn_type_object,
    .methods = &coro_methods,
};
