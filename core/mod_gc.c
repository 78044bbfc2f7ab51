/* mod_gc.c: the gc module (collect, mem_free, mem_alloc, enable/disable, threshold). */
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

static kn_obj gc_collect(void) {
    kn_gc_collect();
    return kn_none;
}
static KN_FUN0(gc_collect_obj, gc_collect);

static kn_obj gc_mem_free(void) {
    size_t total, used, free_, max_free;
    kn_gc_info(&total, &used, &free_, &max_free);
    return kn_int_from((kn_int_t)free_);
}
static KN_FUN0(gc_mem_free_obj, gc_mem_free);

static kn_obj gc_mem_alloc(void) {
    size_t total, used, free_, max_free;
    kn_gc_info(&total, &used, &free_, &max_free);
    return kn_int_from((kn_int_t)used);
}
static KN_FUN0(gc_mem_alloc_obj, gc_mem_alloc);

static kn_obj gc_enable(void) {
    kn_st.gc_enabled = true;
    return kn_none;
}
static KN_FUN0(gc_enable_obj, gc_enable);

static kn_obj gc_disable(void) {
    kn_st.gc_enabled = false;
    return kn_none;
}
static KN_FUN0(gc_disable_obj, gc_disable);

static kn_obj gc_isenabled(void) {
    return KN_BOOL(kn_st.gc_enabled);
}
static KN_FUN0(gc_isenabled_obj, gc_isenabled);

static kn_obj gc_threshold(size_t n, const kn_obj *args) {
    if (n == 0) return kn_st.gc_threshold == 0 ? KN_MKSMALL(-1) : kn_int_from((kn_int_t)(kn_st.gc_threshold * 4 * sizeof(void *)));
    kn_int_t t = kn_get_int(args[0]);
    kn_st.gc_threshold = t < 0 ? 0 : (size_t)t / (4 * sizeof(void *));
    return kn_none;
}
static KN_FUNV(gc_threshold_obj, 0, 1, gc_threshold);

static const kn_method_t gc_table[] = {
    {KN_Q(collect), KN_OBJ(&gc_collect_obj)},     {KN_Q(mem_free), KN_OBJ(&gc_mem_free_obj)},
    {KN_Q(mem_alloc), KN_OBJ(&gc_mem_alloc_obj)}, {KN_Q(enable), KN_OBJ(&gc_enable_obj)},
    {KN_Q(disable), KN_OBJ(&gc_disable_obj)},     {KN_Q(isenabled), KN_OBJ(&gc_isenabled_obj)},
    {KN_Q(threshold), KN_OBJ(&gc_threshold_obj)},
};

kn_obj kn_mod_gc_init(void) {
    return kn_module_from_table(KN_Q(gc), gc_table, sizeof gc_table / sizeof gc_table[0]);
}
