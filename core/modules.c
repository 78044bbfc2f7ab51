/* modules.c: the registry of native modules, created on first import. */
#include "frozen.h"
#include "state.h"
#include "usermod.h"

kn_obj kn_mod_sys_init(void);
kn_obj kn_mod_gc_init(void);
kn_obj kn_mod_micropython_init(void);
kn_obj kn_mod_time_init(void);
kn_obj kn_mod_math_init(void);
kn_obj kn_mod_struct_init(void);
kn_obj kn_mod_json_init(void);
kn_obj kn_mod_re_init(void);
kn_obj kn_mod_array_init(void);
kn_obj kn_mod_select_init(void);
kn_obj kn_mod_cmath_init(void);
kn_obj kn_mod_hashlib_init(void);
kn_obj kn_mod_binascii_init(void);
kn_obj kn_mod_errno_init(void);
kn_obj kn_mod_random_init(void);

typedef kn_native_module_t native_module_t;

static const native_module_t native_modules[] = {
    {KN_Q(sys), kn_mod_sys_init},
    {KN_Q(gc), kn_mod_gc_init},
    {KN_Q(micropython), kn_mod_micropython_init},
    {KN_Q(time), kn_mod_time_init},
    {KN_Q(math), kn_mod_math_init},
    {KN_Q(struct), kn_mod_struct_init},
    {KN_Q(json), kn_mod_json_init},
    {KN_Q(re), kn_mod_re_init},
    {KN_Q(array), kn_mod_array_init},
    {KN_Q(select), kn_mod_select_init},
    {KN_Q(cmath), kn_mod_cmath_init},
    {KN_Q(hashlib), kn_mod_hashlib_init},
    {KN_Q(binascii), kn_mod_binascii_init},
    {KN_Q(errno), kn_mod_errno_init},
    {KN_Q(random), kn_mod_random_init},
};

/* A port contributes native modules (machine, os, ...) by defining kn_port_modules (state.h); ports
   without any leave it undefined (weak), which reads as an empty table. Searched after the core's own. */
static const native_module_t *port_table(size_t *n) {
    *n = 0;
    return kn_port_modules ? kn_port_modules(n) : NULL;
}

/* User C modules (usermod.h), searched after the port's; none unless the board lists some. */
static kn_obj user_module(kn_obj name) {
    size_t nu = 0;
    const native_module_t *user = kn_user_modules ? kn_user_modules(&nu) : NULL;
    for (size_t i = 0; i < nu; i++) {
        if (user[i].name == name) {
            kn_obj m = user[i].init();
            kn_dict_set(kn_st.modules, name, m);
            return m;
        }
    }
    return KN_NULL;
}

kn_obj kn_native_module(kn_obj name) {
    size_t np;
    const native_module_t *port = port_table(&np);
    for (size_t i = 0; i < sizeof native_modules / sizeof native_modules[0] + np; i++) {
        const native_module_t *e = i < sizeof native_modules / sizeof native_modules[0]
                                       ? &native_modules[i]
                                       : &port[i - sizeof native_modules / sizeof native_modules[0]];
        if (e->name == name) {
            kn_obj m = e->init();
            kn_dict_set(kn_st.modules, name, m);
            return m;
        }
    }
    return user_module(name);
}

/* Builds a module from a static (name, value) table. */
kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n) {
    kn_obj m = kn_module_new(name);
    kn_obj g = ((kn_module_t *)m)->globals;
    for (size_t i = 0; i < n; i++) kn_dict_set(g, items[i].name, items[i].value);
    return m;
}

void kn_native_module_names(kn_obj list) {
    for (size_t i = 0; i < sizeof native_modules / sizeof native_modules[0]; i++) kn_list_append(list, native_modules[i].name);
    size_t np;
    const native_module_t *port = port_table(&np);
    for (size_t i = 0; i < np; i++) kn_list_append(list, port[i].name);
    size_t nu = 0;
    const native_module_t *user = kn_user_modules ? kn_user_modules(&nu) : NULL;
    for (size_t i = 0; i < nu; i++) kn_list_append(list, user[i].name);
    kn_frozen_module_names(list);
}
