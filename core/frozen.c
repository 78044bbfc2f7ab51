/* frozen.c: imports modules frozen into flash by the build, running their code without compiling. */
#include "frozen.h"

static const kn_frozen_table_t *table(void) {
    return kn_frozen_table ? kn_frozen_table() : NULL;
}

size_t kn_frozen_qstrs(const kn_str_t **qstrs) {
    const kn_frozen_table_t *t = table();
    *qstrs = t ? t->qstrs : NULL;
    return t ? t->n_qstrs : 0;
}

void kn_frozen_module_names(kn_obj list) {
    const kn_frozen_table_t *t = table();
    for (size_t i = 0; t != NULL && i < t->n_modules; i++) kn_list_append(list, t->modules[i].name);
}

kn_obj kn_frozen_import(kn_obj fq) {
    const kn_frozen_table_t *t = table();
    if (t == NULL) return KN_NULL;
    /* Module names are interned like every other name, so a pointer comparison finds them. */
    const kn_frozen_module_t *fm = NULL;
    for (size_t i = 0; i < t->n_modules && fm == NULL; i++) {
        if (t->modules[i].name == fq) fm = &t->modules[i];
    }
    if (fm == NULL) return KN_NULL;
    kn_obj m = kn_module_new(fq);
    kn_obj g = ((kn_module_t *)m)->globals;
    kn_dict_set(g, KN_Q(__file__), kn_code_filename(fm->code));
    if (fm->is_package) {
        kn_dict_set(g, KN_Q(__path__), kn_list_new(0, NULL));
        kn_dict_set(g, KN_Q(__package__), fq);
    }
    kn_dict_set(kn_st.modules, fq, m);
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        /* The code object stays in flash: the VM only reads it. */
        kn_exec_code(KN_OBJ(fm->code), g, g);
        kn_nlr_pop(&h);
    } else {
        kn_dict_del(kn_st.modules, fq);
        kn_raise(h.exc);
    }
    return m;
}
