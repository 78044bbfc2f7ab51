/* usermod.h: the API for user C modules (kiln_module.toml folders) and their hook into the native-module table. */
#ifndef KILN_USERMOD_H
#define KILN_USERMOD_H

#include "state.h"

/* Defined by the generated build/<id>/usermod/user_modules.c when a board has user C modules;
   undefined (weak) otherwise. Searched by import after the core's and the port's native modules. */
const kn_native_module_t *kn_user_modules(size_t *n) __attribute__((weak));

/* Helper for module authors: a module object from a static (name, value) table (core/modules.c). */
kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

/* Inside a user C module (compiled with KILN_USERMOD), KN_Q(name) works for any name: the build
   scans the module's KN_Q() uses and generates usermod_qstr.h (kiln/frozen.py), which points each
   at the port's static table or at the board's extra interned names (core/frozen.h), so the port's
   table and the core objects stay the same whatever modules a board adds. */
#ifdef KILN_USERMOD
#include "usermod_qstr.h"
#undef KN_Q
#define KN_Q(n) KN_OBJ(&KN_UQ_##n)
#endif

#endif
