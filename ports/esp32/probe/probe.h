/* probe.h: the driver probe, a test-only ESP32 firmware that runs one driver call per console line. */
#ifndef KILN_PROBE_H
#define KILN_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_MAX_ARGS 8
#define PROBE_MAX_BYTES 300

/* One parsed line: integer arguments, and at most one byte string written as x<hex>. */
typedef struct {
    int64_t num[PROBE_MAX_ARGS];
    unsigned count;
    uint8_t bytes[PROBE_MAX_BYTES];
    size_t nbytes;
} probe_args_t;

typedef int (*probe_fn_t)(const probe_args_t *args);

typedef struct {
    const char *name;
    unsigned nargs; /* integer arguments required */
    probe_fn_t fn;
} probe_cmd_t;

extern const probe_cmd_t probe_commands[];
extern const probe_cmd_t probe_kfs_commands[]; /* probe_kfs.c: the core filesystem on the vfs partition */

/* Reply pieces: every reply is one line "ok ..." or "err <code>", ended by probe_end(). */
void probe_ok(void);
void probe_num(int64_t value);
void probe_hex(const uint8_t *data, size_t len);
void probe_text(const char *text);

#endif
