/* mod_select.c: select.poll over the console and any object with an ioctl(3, mask) readiness query. */
#include "hal.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
int kn_console_poll(void);

#define POLLIN 1
#define POLLOUT 4
#define STREAM_POLL 3 /* ioctl request: returns the ready subset of the event mask it is given */

typedef struct { kn_base_t base; kn_obj registered; } poll_t;
extern const kn_type_t kn_type_poll;

static kn_obj p_register(size_t n, const kn_obj *args) {
    poll_t *p = KN_PTR(args[0]);
    kn_dict_set(p->registered, args[1], n > 2 ? args[2] : KN_MKSMALL(POLLIN | POLLOUT));
    return kn_none;
}
static KN_FUNV(p_register_obj, 2, 3, p_register);

static kn_obj p_modify(kn_obj self, kn_obj obj, kn_obj mask) {
    poll_t *p = KN_PTR(self);
    if (kn_dict_get(p->registered, obj) == KN_NULL) kn_raise(kn_exc_new(&kn_type_OSError, 1, (kn_obj[]){KN_MKSMALL(2)}));
    kn_dict_set(p->registered, obj, mask);
    return kn_none;
}
static KN_FUN3(p_modify_obj, p_modify);

static kn_obj p_unregister(kn_obj self, kn_obj obj) {
    kn_dict_del(((poll_t *)self)->registered, obj);
    return kn_none;
}
static KN_FUN2(p_unregister_obj, p_unregister);

/* Input is "ready" when a byte is waiting; it is kept in the console buffer for the reader. */
static bool stdin_ready(void) {
    if (kn_st.in_tail != kn_st.in_head) return true;
    int c = hal_stdin_poll();
    if (c < 0) return false;
    size_t next = (kn_st.in_head + 1) % sizeof kn_st.inbuf;
    if (next != kn_st.in_tail) {
        kn_st.inbuf[kn_st.in_head] = (uint8_t)c;
        kn_st.in_head = next;
    }
    return true;
}

/* The events of mask that obj reports ready. Objects without ioctl are the console streams. */
static kn_int_t obj_ready(kn_obj obj, kn_int_t mask, bool *polled) {
    kn_obj m[4];
    if (kn_load_method_maybe(obj, KN_Q(ioctl), m)) {
        *polled = true;
        m[2] = KN_MKSMALL(STREAM_POLL);
        m[3] = KN_MKSMALL(mask);
        kn_obj r = m[1] == KN_NULL ? kn_call(m[0], 2, 0, m + 2) : kn_call(m[0], 3, 0, m + 1);
        return r == kn_none ? 0 : kn_get_int(r) & (mask | 8 | 16);
    }
    kn_int_t ev = 0;
    if ((mask & POLLOUT)) ev |= POLLOUT;
    if ((mask & POLLIN) && stdin_ready()) ev |= POLLIN;
    return ev;
}

/* Idles until an event may have arrived or ms pass (WFI on a board, poll(2) on the host); may return early. */
static void idle_wait(uint32_t ms) {
    if (ms == 0) return;
    if (hal_wait_event) hal_wait_event(ms);
    else hal_delay_ms(1);
}

static kn_obj p_poll(size_t n, const kn_obj *args) {
    poll_t *p = KN_PTR(args[0]);
    kn_int_t timeout = n > 1 && args[1] != kn_none ? kn_get_int(args[1]) : -1;
    uint32_t start = hal_ticks_ms();
    for (;;) {
        kn_obj ready = kn_list_new(0, NULL);
        size_t pos = 0;
        kn_obj k, v;
        bool polled = false; /* an ioctl object can only be polled: wake up every millisecond */
        while (kn_dict_next(p->registered, &pos, &k, &v)) {
            kn_int_t ev = obj_ready(k, kn_get_int(v), &polled);
            if (ev) {
                kn_obj t[2] = {k, KN_MKSMALL(ev)};
                kn_list_append(ready, kn_tuple_new(2, t));
            }
        }
        if (((kn_list_t *)ready)->len > 0 || timeout == 0) return ready;
        kn_int_t elapsed = (kn_int_t)(hal_ticks_ms() - start);
        if (timeout > 0 && elapsed >= timeout) return ready;
        kn_int_t wait = timeout < 0 ? 1000 : timeout - elapsed;
        if (polled || wait > 1000) wait = polled ? 1 : 1000;
        idle_wait((uint32_t)wait);
        kn_check_interrupt();
    }
}
static KN_FUNV(p_poll_obj, 1, 2, p_poll);

/* ipoll(timeout=-1, flags=0): like poll (one-shot flags are not kept). */
static kn_obj p_ipoll(size_t n, const kn_obj *args) {
    return p_poll(n > 2 ? 2 : n, args);
}
static KN_FUNV(p_ipoll_obj, 1, 3, p_ipoll);

KN_METHODS(poll_methods, KN_METHOD(register, p_register_obj), KN_METHOD(unregister, p_unregister_obj),
           KN_METHOD(modify, p_modify_obj), KN_METHOD(poll, p_poll_obj), KN_METHOD(ipoll, p_ipoll_obj));

const kn_type_t kn_type_poll = {
    .base = {&kn_type_type},
    .name = KN_Q(poll),
    .base_type = &kn_type_object,
    .methods = &poll_methods,
};

static kn_obj s_poll(void) {
    poll_t *p = KN_NEW(poll_t);
    p->base.type = &kn_type_poll;
    p->registered = kn_dict_new(4);
    return KN_OBJ(p);
}
static KN_FUN0(s_poll_obj, s_poll);

static const kn_method_t select_table[] = {
    {KN_Q(poll), KN_OBJ(&s_poll_obj)},
    {KN_Q(POLLIN), KN_MKSMALL(POLLIN)},
    {KN_Q(POLLOUT), KN_MKSMALL(POLLOUT)},
    {KN_Q(POLLERR), KN_MKSMALL(8)},
    {KN_Q(POLLHUP), KN_MKSMALL(16)},
};

kn_obj kn_mod_select_init(void) {
    return kn_module_from_table(KN_Q(select), select_table, sizeof select_table / sizeof select_table[0]);
}
