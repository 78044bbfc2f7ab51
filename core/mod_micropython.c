/* mod_micropython.c: the micropython module (const, mem_info, heap_lock, schedule, kbd_intr). */
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static kn_obj mp_const(kn_obj v) {
    return v;
}
static KN_FUN1(mp_const_obj, mp_const);

static kn_obj mp_mem_info(size_t n, const kn_obj *args) {
    size_t total, used, free_, max_free;
    kn_gc_info(&total, &used, &free_, &max_free);
    kn_printf(&kn_stdout_print, "mem: total=%u, current=%u, peak=%u\n", (unsigned)total, (unsigned)used, (unsigned)used);
    kn_printf(&kn_stdout_print, "stack: %u out of %u\n", (unsigned)0, (unsigned)KILN_STACK_LIMIT);
    kn_printf(&kn_stdout_print, "GC: total: %u, used: %u, free: %u\n", (unsigned)total, (unsigned)used, (unsigned)free_);
    kn_printf(&kn_stdout_print, " max free sz: %u\n", (unsigned)max_free);
    if (n > 0 && kn_truthy(args[0])) kn_gc_dump(&kn_stdout_print);
    return kn_none;
}
static KN_FUNV(mp_mem_info_obj, 0, 1, mp_mem_info);

static kn_obj mp_heap_lock(void) {
    kn_st.gc_lock++;
    return kn_none;
}
static KN_FUN0(mp_heap_lock_obj, mp_heap_lock);

static kn_obj mp_heap_unlock(void) {
    if (kn_st.gc_lock > 0) kn_st.gc_lock--;
    return KN_MKSMALL(kn_st.gc_lock);
}
static KN_FUN0(mp_heap_unlock_obj, mp_heap_unlock);

static kn_obj mp_schedule(kn_obj fn, kn_obj arg) {
    if (((kn_list_t *)kn_st.sched_queue)->len >= 16) kn_raise_msg(&kn_type_RuntimeError, "schedule queue full");
    kn_list_append(kn_st.sched_queue, fn);
    kn_list_append(kn_st.sched_queue, arg);
    return kn_none;
}
static KN_FUN2(mp_schedule_obj, mp_schedule);

static kn_obj mp_kbd_intr(kn_obj c) {
    kn_st.kbd_intr_char = (int)kn_get_int(c);
    return kn_none;
}
static KN_FUN1(mp_kbd_intr_obj, mp_kbd_intr);

static kn_obj mp_stack_use(void) {
    char probe;
    return KN_MKSMALL((kn_int_t)(kn_st.stack_base - &probe));
}
static KN_FUN0(mp_stack_use_obj, mp_stack_use);

static kn_obj mp_opt_level(size_t n, const kn_obj *args) {
    (void)args;
    return n ? kn_none : KN_MKSMALL(0);
}
static KN_FUNV(mp_opt_level_obj, 0, 1, mp_opt_level);

static const kn_method_t mp_table[] = {
    {KN_Q(const), KN_OBJ(&mp_const_obj)},           {KN_Q(mem_info), KN_OBJ(&mp_mem_info_obj)},
    {KN_Q(heap_lock), KN_OBJ(&mp_heap_lock_obj)},   {KN_Q(heap_unlock), KN_OBJ(&mp_heap_unlock_obj)},
    {KN_Q(schedule), KN_OBJ(&mp_schedule_obj)},     {KN_Q(kbd_intr), KN_OBJ(&mp_kbd_intr_obj)},
    {KN_Q(stack_use), KN_OBJ(&mp_stack_use_obj)},   {KN_Q(opt_level), KN_OBJ(&mp_opt_level_obj)},
};

kn_obj kn_mod_micropython_init(void) {
    return kn_module_from_table(KN_Q(micropython), mp_table, sizeof mp_table / sizeof mp_table[0]);
}
