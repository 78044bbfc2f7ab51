/* print.c: output sinks, the growable string buffer and printf-style formatting for C callers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "state.h"

void kn_print_str(kn_print_t *p, const char *s) {
    p->write(p->ctx, s, strlen(s));
}

/* Supports %s (C string), %d (int), %u, %q (str object), %r (repr of object), %S (str of object), %c, %%. */
static void vprintf_(kn_print_t *p, const char *fmt, va_list ap) {
    const char *run = fmt;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            continue;
        }
        if (f > run) {
            p->write(p->ctx, run, (size_t)(f - run));
        }
        f++;
        char buf[24];
        switch (*f) {
            case 's': kn_print_str(p, va_arg(ap, const char *)); break;
            case 'd': snprintf(buf, sizeof buf, "%d", va_arg(ap, int)); kn_print_str(p, buf); break;
            case 'u': snprintf(buf, sizeof buf, "%u", va_arg(ap, unsigned)); kn_print_str(p, buf); break;
            case 'c': buf[0] = (char)va_arg(ap, int); p->write(p->ctx, buf, 1); break;
            case 'q': {
                kn_obj s = va_arg(ap, kn_obj);
                p->write(p->ctx, kn_str_data(s), kn_str_len(s));
                break;
            }
            case 'r': kn_print_obj(p, va_arg(ap, kn_obj), 1); break;
            case 'S': kn_print_obj(p, va_arg(ap, kn_obj), 0); break;
            case '%': p->write(p->ctx, "%", 1); break;
            default: f--; break;
        }
        run = f + 1;
    }
    if (*run) {
        kn_print_str(p, run);
    }
}

void kn_printf(kn_print_t *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf_(p, fmt, ap);
    va_end(ap);
}

void kn_vstr_init(kn_vstr_t *v, size_t cap) {
    if (cap < 16) {
        cap = 16;
    }
    v->buf = kn_alloc_atomic(cap);
    v->len = 0;
    v->cap = cap;
}

char *kn_vstr_extend(kn_vstr_t *v, size_t n) {
    if (v->len + n > v->cap) {
        size_t nc = v->cap * 2;
        if (nc < v->len + n) {
            nc = v->len + n + 16;
        }
        v->buf = kn_realloc(v->buf, v->cap, nc);
        v->cap = nc;
    }
    char *p = v->buf + v->len;
    v->len += n;
    return p;
}

void kn_vstr_add(kn_vstr_t *v, const char *s, size_t n) {
    memcpy(kn_vstr_extend(v, n), s, n);
}

void kn_vstr_addc(kn_vstr_t *v, char c) {
    *kn_vstr_extend(v, 1) = c;
}

static void vstr_write(void *ctx, const char *s, size_t n) {
    kn_vstr_add((kn_vstr_t *)ctx, s, n);
}

void kn_vstr_printer(kn_vstr_t *v, kn_print_t *p) {
    p->write = vstr_write;
    p->ctx = v;
}

/* The buffer is released at once (the vstr is empty afterwards): left for the GC, these temporaries
 * end up between the long-lived strings a loop builds and fragment the heap of a small board. */
static void vstr_release(kn_vstr_t *v) {
    kn_free(v->buf);
    v->buf = NULL;
    v->len = 0;
    v->cap = 0;
}

kn_obj kn_vstr_to_str(kn_vstr_t *v) {
    kn_obj s = kn_str_new(v->buf, v->len);
    vstr_release(v);
    return s;
}

kn_obj kn_vstr_to_bytes(kn_vstr_t *v) {
    kn_obj s = kn_bytes_new(v->buf, v->len);
    vstr_release(v);
    return s;
}

kn_obj kn_repr(kn_obj o) {
    if (KN_IS_STR(o) && 0) {
        return o;
    }
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 16);
    kn_vstr_printer(&v, &p);
    kn_print_obj(&p, o, 1);
    return kn_vstr_to_str(&v);
}

kn_obj kn_str(kn_obj o) {
    if (KN_IS_STR(o)) {
        return o;
    }
    kn_vstr_t v;
    kn_print_t p;
    kn_vstr_init(&v, 16);
    kn_vstr_printer(&v, &p);
    kn_print_obj(&p, o, 0);
    return kn_vstr_to_str(&v);
}

void kn_print_obj(kn_print_t *p, kn_obj o, int repr) {
    kn_stack_check();
    const kn_type_t *t = kn_typeof(o);
    if (t->print != NULL) {
        t->print(p, o, repr);
    } else {
        kn_printf(p, "<%q object at %u>", kn_type_name(t), (unsigned)(uintptr_t)o);
    }
}
