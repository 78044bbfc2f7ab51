/* qstr.h: static interned names; KN_Q(name) is the interned str object for "name". */
#ifndef KILN_QSTR_H
#define KILN_QSTR_H

#include "qstr_gen.h"

enum {
#define KN_QX(id, h, l, s) KN_QI_##id,
    KN_QSTR_LIST(KN_QX)
#undef KN_QX
    KN_QSTR_COUNT
};

extern const kn_str_t kn_qstr_table[];
#define KN_Q(n) KN_OBJ(&kn_qstr_table[KN_QI_##n])

#endif
