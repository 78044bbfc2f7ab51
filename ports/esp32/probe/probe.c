/* probe.c: driver probe main loop: read a console line, parse "name args...", call, reply "ok ..."/"err N". */
#include <errno.h>
#include <string.h>

#include "esp_system.h"
#include "hal.h"
#include "probe.h"

#define LINE_MAX 1024

static void put(const char *s) {
    hal_stdout_write(s, strlen(s));
}

void probe_text(const char *text) {
    put(" ");
    put(text);
}

void probe_ok(void) {
    put("ok");
}

void probe_num(int64_t value) {
    char buf[24];
    size_t n = sizeof buf;
    uint64_t v = value < 0 ? (uint64_t)(-(value + 1)) + 1u : (uint64_t)value;
    do {
        buf[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    if (value < 0) {
        buf[--n] = '-';
    }
    hal_stdout_write(" ", 1);
    hal_stdout_write(buf + n, sizeof buf - n);
}

void probe_hex(const uint8_t *data, size_t len) {
    hal_stdout_write(" x", 2);
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {"0123456789abcdef"[data[i] >> 4], "0123456789abcdef"[data[i] & 15u]};
        hal_stdout_write(pair, 2);
    }
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parses one token into args; 0 on success. */
static int parse_token(const char *tok, size_t len, probe_args_t *args) {
    if (tok[0] == 'x') {
        if ((len - 1u) % 2u != 0u || (len - 1u) / 2u > PROBE_MAX_BYTES) {
            return -1;
        }
        for (size_t i = 1; i < len; i += 2) {
            int hi = hex_digit(tok[i]), lo = hex_digit(tok[i + 1]);
            if (hi < 0 || lo < 0) {
                return -1;
            }
            args->bytes[args->nbytes++] = (uint8_t)(hi << 4 | lo);
        }
        return 0;
    }
    if (args->count >= PROBE_MAX_ARGS) {
        return -1;
    }
    int negative = tok[0] == '-';
    size_t i = negative ? 1u : 0u;
    unsigned base = 10;
    if (len > i + 2u && tok[i] == '0' && tok[i + 1] == 'x') {
        base = 16;
        i += 2;
    }
    if (i == len) {
        return -1;
    }
    int64_t v = 0;
    for (; i < len; i++) {
        int d = hex_digit(tok[i]);
        if (d < 0 || (unsigned)d >= base) {
            return -1;
        }
        v = v * (int64_t)base + d;
    }
    args->num[args->count++] = negative ? -v : v;
    return 0;
}

static const probe_cmd_t *find_command(const char *name, size_t len) {
    static const probe_cmd_t *const tables[] = {probe_commands, probe_kfs_commands};
    for (unsigned t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const probe_cmd_t *cmd = tables[t]; cmd->name != NULL; cmd++) {
            if (strlen(cmd->name) == len && memcmp(cmd->name, name, len) == 0) {
                return cmd;
            }
        }
    }
    return NULL;
}

static void handle(char *line, size_t len) {
    static probe_args_t args;
    args.count = 0;
    args.nbytes = 0;
    size_t pos = 0;
    while (pos < len && line[pos] == ' ') {
        pos++;
    }
    size_t name_start = pos;
    while (pos < len && line[pos] != ' ') {
        pos++;
    }
    size_t name_len = pos - name_start;
    if (name_len == 0u) {
        return;
    }
    while (pos < len) {
        while (pos < len && line[pos] == ' ') {
            pos++;
        }
        size_t start = pos;
        while (pos < len && line[pos] != ' ') {
            pos++;
        }
        if (pos > start && parse_token(line + start, pos - start, &args) != 0) {
            put("err");
            probe_num(-EINVAL);
            put("\r\n");
            return;
        }
    }
    const probe_cmd_t *cmd = find_command(line + name_start, name_len);
    if (cmd != NULL) {
        if (args.count < cmd->nargs) {
            put("err");
            probe_num(-EINVAL);
            put("\r\n");
            return;
        }
        int rc = cmd->fn(&args);
        if (rc < 0) {
            put("err");
            probe_num(rc);
        }
        put("\r\n");
        return;
    }
    put("err");
    probe_num(-ENOSYS); /* no such command */
    put("\r\n");
}

int main(void) {
    static char line[LINE_MAX];
    size_t len = 0;
    hal_init();
    put("\r\nprobe: ready, reset reason");
    probe_num(esp_reset_reason());
    put("\r\n");
    for (;;) {
        int c = hal_stdin_read();
        if (c == '\r' || c == '\n') {
            handle(line, len);
            len = 0;
        } else if (len < sizeof line) {
            line[len++] = (char)c;
        }
    }
}
