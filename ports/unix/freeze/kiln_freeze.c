/* kiln_freeze.c: host tool that compiles one .py file with the core compiler and dumps its code objects as JSON for kiln/frozen.py. */
#include <stdio.h>
#include <string.h>

#include "board_info.h"
#include "hal.h"
#include "state.h"
#include "vm.h"

/* The identity the core's banner and sys module read; a board build renders them into gen/board_info.c. */
const char kiln_board_id[] = "FREEZE";
const char kiln_board_variant[] = "";
const char kiln_board_product[] = "host freezer";
const char kiln_mcu_name[] = "host";

/* Strings and bytes are written as hex of their bytes, so any content survives JSON unchanged. */
static void put_hex(FILE *out, const char *s, size_t n) {
    fputc('"', out);
    for (size_t i = 0; i < n; i++) fprintf(out, "%02x", (uint8_t)s[i]);
    fputc('"', out);
}

static void put_obj(FILE *out, kn_obj o);

static void put_tuple_items(FILE *out, kn_obj t) {
    kn_tuple_t *tp = KN_PTR(t);
    fputc('[', out);
    for (size_t i = 0; i < tp->len; i++) {
        if (i) fputc(',', out);
        put_obj(out, tp->items[i]);
    }
    fputc(']', out);
}

/* A code object without its consts and names: those are the module's (put_module), shared by all its code. */
static void put_code(FILE *out, const kn_code_t *c) {
    fprintf(out, "{\"t\":\"code\",\"name\":");
    put_obj(out, c->name);
    fprintf(out, ",\"bc\":");
    put_hex(out, (const char *)c->bc, c->bc_len);
    fprintf(out, ",\"lines\":");
    put_hex(out, (const char *)kn_code_lines(c), c->lines_len);
    fprintf(out, ",\"firstline\":%lu,\"nargs\":%u,\"nkwonly\":%u,\"nposonly\":%u,\"nlocals\":%u,\"ncells\":%u,"
                 "\"nfree\":%u,\"stacksize\":%u,\"nblocks\":%u,\"flags\":%u",
            (unsigned long)c->firstline, c->nargs, c->nkwonly, c->nposonly, c->nlocals, c->ncells, c->nfree,
            c->stacksize, c->nblocks, c->flags & ~KN_CODE_NATIVE); /* frozen, a native function runs as bytecode */
    fprintf(out, ",\"varnames\":");
    put_tuple_items(out, c->varnames);
    fputc('}', out);
}

/* The module: its shared consts (item 0 is the file name; nested code objects appear here) and names,
   then its module-level code. */
static void put_module(FILE *out, const kn_code_t *c) {
    fprintf(out, "{\"t\":\"module\",\"consts\":");
    put_tuple_items(out, c->consts);
    fprintf(out, ",\"names\":");
    put_tuple_items(out, c->names);
    fprintf(out, ",\"code\":");
    put_code(out, c);
    fputc('}', out);
}

static void put_obj(FILE *out, kn_obj o) {
    const kn_type_t *t = kn_typeof(o);
    if (o == kn_none) {
        fprintf(out, "{\"t\":\"none\"}");
    } else if (o == kn_true || o == kn_false) {
        fprintf(out, "{\"t\":\"%s\"}", o == kn_true ? "true" : "false");
    } else if (o == kn_ellipsis) {
        fprintf(out, "{\"t\":\"ellipsis\"}");
    } else if (t == &kn_type_int) {
        kn_obj s = kn_int_to_str_base(o, 10);
        fprintf(out, "{\"t\":\"int\",\"v\":\"%.*s\"}", (int)kn_str_len(s), kn_str_data(s));
    } else if (t == &kn_type_float) {
        fprintf(out, "{\"t\":\"float\",\"v\":\"%a\"}", (double)KN_FLOAT(o));
    } else if (t == &kn_type_complex) {
        kn_complex_t *c = KN_PTR(o);
        fprintf(out, "{\"t\":\"complex\",\"re\":\"%a\",\"im\":\"%a\"}", (double)c->re, (double)c->im);
    } else if (t == &kn_type_str || t == &kn_type_bytes) {
        bool interned = t == &kn_type_str && (((kn_str_t *)o)->len_flags & KN_STR_INTERNED) != 0;
        fprintf(out, "{\"t\":\"%s\",\"v\":", t == &kn_type_str ? (interned ? "qstr" : "str") : "bytes");
        put_hex(out, kn_str_data(o), kn_str_len(o));
        fputc('}', out);
    } else if (t == &kn_type_tuple) {
        fprintf(out, "{\"t\":\"tuple\",\"items\":");
        put_tuple_items(out, o);
        fputc('}', out);
    } else if (t == &kn_type_code) {
        put_code(out, KN_PTR(o));
    } else if (t == &kn_type_type) {
        kn_obj name = ((const kn_type_t *)o)->name;
        fprintf(out, "{\"t\":\"type\",\"v\":\"%.*s\"}", (int)kn_str_len(name), kn_str_data(name));
    } else {
        kn_raise_fmt(&kn_type_TypeError, "kiln-freeze: cannot freeze a constant of type %s", kn_type_cname(o));
    }
}

static kn_obj read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return KN_NULL;
    kn_vstr_t v;
    kn_vstr_init(&v, 256);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) kn_vstr_add(&v, buf, got);
    fclose(f);
    return kn_vstr_to_bytes(&v);
}

static void err_write(const char *s, size_t n) {
    fwrite(s, 1, n, stderr);
}

static int __attribute__((noinline)) run(const char *src_path, const char *filename, char *stack_base) {
    void *heap;
    size_t len;
    hal_heap_region(&heap, &len);
    kn_init(heap, len, stack_base);
    kn_st.err_write = err_write;
    kn_obj src = read_all(src_path);
    if (src == KN_NULL) {
        fprintf(stderr, "%s: cannot open the file\n", src_path);
        return 2;
    }
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        kn_obj code = kn_compile_src(kn_str_data(src), kn_str_len(src), kn_str_new_c(filename), KN_MODE_FILE);
        put_module(stdout, KN_PTR(code));
        fputc('\n', stdout);
        kn_nlr_pop(&h);
        return fflush(stdout) == 0 ? 0 : 2;
    }
    kn_print_exception(&kn_stderr_print, h.exc);
    return 1;
}

int main(int argc, char **argv) {
    char base;
    if (argc != 3) {
        fprintf(stderr, "usage: kiln-freeze SOURCE.py NAME_IN_TRACEBACKS\n");
        return 2;
    }
    hal_init();
    return run(argv[1], argv[2], &base);
}
