/* qstr.c: the static table of interned names, kept in flash. */
#include "obj.h"

const kn_str_t kn_qstr_table[] = {
#define KN_QX(id, h, l, s) {{&kn_type_str}, h, (l) | KN_STR_INTERNED | KN_STR_ASCII, s},
    KN_QSTR_LIST(KN_QX)
#undef KN_QX
};
