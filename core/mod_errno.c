/* mod_errno.c: the errno module (the common POSIX error numbers and errorcode). */
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

#define E(name, num) {KN_Q(name), KN_MKSMALL(num)}
static const kn_method_t errno_table[] = {
    E(EPERM, 1),   E(ENOENT, 2),  E(EIO, 5),     E(EBADF, 9),      E(EAGAIN, 11),     E(ENOMEM, 12),
    E(EACCES, 13), E(EEXIST, 17), E(ENODEV, 19), E(EISDIR, 21),    E(EINVAL, 22),     E(ENOSPC, 28),
    E(EPIPE, 32),  E(ERANGE, 34), E(ETIMEDOUT, 110), E(EOPNOTSUPP, 95), E(EADDRINUSE, 98),
    E(ECONNABORTED, 103), E(ECONNRESET, 104), E(ENOBUFS, 105), E(ENOTCONN, 107), E(ECONNREFUSED, 111),
    E(EHOSTUNREACH, 113), E(EALREADY, 114), E(EINPROGRESS, 115),
};

kn_obj kn_mod_errno_init(void) {
    size_t n = sizeof errno_table / sizeof errno_table[0];
    kn_obj m = kn_module_from_table(KN_Q(errno), errno_table, n);
    kn_obj codes = kn_dict_new(n);
    for (size_t i = 0; i < n; i++) kn_dict_set(codes, errno_table[i].value, errno_table[i].name);
    kn_dict_set(((kn_module_t *)m)->globals, KN_Q(errorcode), codes);
    return m;
}
