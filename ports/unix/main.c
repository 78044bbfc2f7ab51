/* main.c: the host entry point: `kiln-unix file.py [args]` runs a script, `-c code` runs a string, no argument starts the REPL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal.h"
#include "hal_unix.h"
#include "kiln_main.h"
#include "state.h"

/* Reads a whole file into a bytes object on the GC heap, or KN_NULL. */
static kn_obj read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return KN_NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return KN_NULL;
    }
    long size = ftell(f);
    rewind(f);
    if (size < 0) {
        fclose(f);
        return KN_NULL;
    }
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)size + 1);
    char *dst = kn_vstr_extend(&v, (size_t)size);
    size_t got = fread(dst, 1, (size_t)size, f);
    fclose(f);
    v.len = got;
    return kn_vstr_to_bytes(&v);
}

static void err_write(const char *s, size_t n) {
    hal_unix_flush();
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w <= 0) break;
        s += w;
        n -= (size_t)w;
    }
}

/* sys.path after '' and /lib: each KILNPATH entry (asyncio and the other modules of lib/ are frozen into the
   binary, core/frozen/manifest.toml, so no source directory is needed). */
static void add_lib_paths(void) {
    const char *env = getenv("KILNPATH");
    while (env != NULL && *env != '\0') {
        const char *colon = strchr(env, ':');
        size_t n = colon ? (size_t)(colon - env) : strlen(env);
        if (n > 0) kn_list_append(kn_st.sys_path, kn_str_new(env, n));
        env = colon ? colon + 1 : NULL;
    }
}

/* Runs after every kn_init in the REPL (boot and soft reset). */
void kn_port_init(bool raw_repl) {
    (void)raw_repl;
    add_lib_paths();
}

static int __attribute__((noinline)) run_main(int argc, char **argv, char *stack_base) {
    void *heap;
    size_t len;
    hal_heap_region(&heap, &len);
    kn_init(heap, len, stack_base);
    kn_st.err_write = err_write;
    kn_st.read_file = read_file;
    int first = 1;
    const char *code = NULL;
    if (strcmp(argv[1], "-c") == 0 && argc > 2) {
        code = argv[2];
        first = 2;
    }
    for (int i = first; i < argc; i++) kn_list_append(kn_st.sys_argv, kn_str_new_c(argv[i]));
    add_lib_paths();
    kn_list_t *path = KN_PTR(kn_st.sys_path);
    if (code != NULL) {
        return kn_exec_source(code, strlen(code), KN_Q(lt_string), KN_MODE_FILE, kn_st.main_globals) & 0xff;
    }
    const char *script = argv[1];
    const char *slash = strrchr(script, '/');
    path->items[0] = slash ? kn_str_new(script, (size_t)(slash - script)) : KN_Q(empty);
    kn_obj src = read_file(script);
    if (src == KN_NULL) {
        fprintf(stderr, "kiln-unix: can't open file '%s'\n", script);
        return 2;
    }
    kn_dict_set(kn_st.main_globals, KN_Q(__file__), kn_str_new_c(script));
    return kn_exec_source(kn_str_data(src), kn_str_len(src), kn_str_new_c(script), KN_MODE_FILE, kn_st.main_globals) & 0xff;
}

/* Parses "N", "Nk" or "Nm" (bytes); 0 when malformed. */
static size_t parse_size(const char *s) {
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s) return 0;
    if (*end == 'k' || *end == 'K') n *= 1024u, end++;
    else if (*end == 'm' || *end == 'M') n *= 1024u * 1024u, end++;
    return *end == 0 ? (size_t)n : 0;
}

/* Consumes leading "-X heapsize=N" options (MicroPython's spelling); returns how many argv words. */
static int parse_options(int argc, char **argv) {
    int i = 1;
    while (i + 1 < argc && strcmp(argv[i], "-X") == 0) {
        const char *opt = argv[i + 1];
        if (strncmp(opt, "heapsize=", 9) != 0) {
            fprintf(stderr, "kiln-unix: unknown -X option '%s' (known: heapsize=N[k|m])\n", opt);
            exit(2);
        }
        if (!hal_unix_set_heap_size(parse_size(opt + 9))) {
            fprintf(stderr, "kiln-unix: -X heapsize: '%s' is not a size between %uk (the value stack and 64k) and the %s\n",
                    opt + 9, (unsigned)(HAL_UNIX_MIN_HEAP / 1024u), "built-in heap (KILN_UNIX_HEAP_SIZE)");
            exit(2);
        }
        i += 2;
    }
    return i - 1;
}

int main(int argc, char **argv) {
    char base;
    int skip = parse_options(argc, argv);
    argc -= skip;
    argv += skip;
    hal_init();
    if (argc > 1) {
        int rc = run_main(argc, argv, &base);
        hal_unix_flush();
        return rc;
    }
    hal_unix_raw_terminal();
    kiln_main();
}
