/* frozen.h: modules compiled on the host into const code objects in flash (kiln/frozen.py writes the table). */
#ifndef KILN_FROZEN_H
#define KILN_FROZEN_H

#include "vm.h"

/* One frozen module: its dotted name (an interned str), its module-level code, and whether it is a
   package (`pkg/__init__.py`), which gives it a __path__ so `import pkg.sub` finds its submodules. */
typedef struct {
    kn_obj name;
    const kn_code_t *code;
    uint32_t is_package;
} kn_frozen_module_t;

/* Everything a board's generated frozen_modules.c provides. The names its code uses that are not in
   the port's static qstr table live in `qstrs` (interned, in flash, sorted by bytes), which kn_intern
   binary-searches before creating a name, so pointer comparison of names keeps working. */
typedef struct {
    const kn_frozen_module_t *modules;
    size_t n_modules;
    const kn_str_t *qstrs;
    size_t n_qstrs;
} kn_frozen_table_t;

/* Defined by the generated file; a build without frozen modules leaves it undefined (weak). */
const kn_frozen_table_t *kn_frozen_table(void) __attribute__((weak));

/* Helpers for the generated file: one static layout per size of a flexible-array object. */
#define KN_FROZEN_TUPLE(n) struct { kn_base_t base; size_t len; kn_obj items[n]; }
#define KN_FROZEN_BIGINT(n) struct { kn_base_t base; int32_t sign_len; uint16_t digits[n]; }
/* An int literal beyond the 32-bit small-int range: small on 64-bit targets, else the bigint `big`
   (defined unused-tolerant by the generator). */
#if INTPTR_MAX > 0x7fffffffL
#define KN_FROZEN_INT(v, big) KN_MKSMALL(v##LL)
#else
#define KN_FROZEN_INT(v, big) KN_OBJ(&(big))
#endif
/* A float constant: the generator rounds it for both widths; the target takes its own. */
#ifdef KILN_FLOAT_SINGLE
#define KN_FROZEN_FLOAT(d, s) (s)
#else
#define KN_FROZEN_FLOAT(d, s) (d)
#endif

/* Runtime side (frozen.c). */
kn_obj kn_frozen_import(kn_obj fq);              /* the module, or KN_NULL if `fq` is not frozen */
size_t kn_frozen_qstrs(const kn_str_t **table);  /* extra interned names (count; 0 without any) */
void kn_frozen_module_names(kn_obj list);        /* appends the frozen module names */

#endif
