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

/* A vstr's buffer sits behind room for a str header, so that kn_vstr_to_str/bytes turn the buffer
 * itself into the object (shrunk in place) instead of copying it: a loop that formats the keys it
 * keeps then leaves no freed buffers between them to fragment a small board's heap. */
#define VSTR_HDR sizeof(kn_str_t)

static char *vstr_base(kn_vstr_t *v) {
    return v->buf - VSTR_HDR;
}

void kn_vstr_init(kn_vstr_t *v, size_t cap) {
    if (cap < 16) {
        cap = 16;
    }
    v->buf = (char *)kn_alloc_atomic(VSTR_HDR + cap + 1) + VSTR_HDR; /* +1: the NUL a str keeps */
    v->len = 0;
    v->cap = cap;
}

char *kn_vstr_extend(kn_vstr_t *v, size_t n) {
    if (v->len + n > v->cap) {
        size_t nc = v->cap * 2;
        if (nc < v->len + n) {
            nc = v->len + n + 16;
        }
        v->buf = (char *)kn_realloc(vstr_base(v), VSTR_HDR + v->cap + 1, VSTR_HDR + nc + 1) + VSTR_HDR;
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
void kn_vstr_free(kn_vstr_t *v) {
    kn_free(vstr_base(v));
    v->buf = NULL;
    v->len = 0;
    v->cap = 0;
}

/* Makes the vstr's own block the str/bytes object (see VSTR_HDR). */
static kn_obj vstr_adopt(kn_vstr_t *v, const kn_type_t *t) {
    size_t n = v->len;
    kn_str_t *o = (kn_str_t *)(void *)vstr_base(v);
    kn_strlike_init(o, t, n);
    kn_realloc(o, VSTR_HDR + v->cap + 1, VSTR_HDR + n + 1); /* shrinking stays in place */
    v->buf = NULL;
    v->len = 0;
    v->cap = 0;
    return KN_OBJ(o);
}

kn_obj kn_vstr_to_str(kn_vstr_t *v) {
    if (v->len == 0 || (v->len == 1 && (uint8_t)v->buf[0] < 0x80)) { /* interned */
        kn_obj s = kn_str_new(v->buf, v->len);
        kn_vstr_free(v);
        return s;
    }
    return vstr_adopt(v, &kn_type_str);
}

kn_obj kn_vstr_to_bytes(kn_vstr_t *v) {
    return vstr_adopt(v, &kn_type_bytes);
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
