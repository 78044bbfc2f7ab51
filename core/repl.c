/* repl.c: kiln_main: friendly REPL (line editing, history, auto-indent, paste mode) and the raw / raw-paste REPL. */
#include <string.h>

#include "banner.h"
#include "config.h"
#include "hal.h"
#include "kiln_main.h"
#include "vm.h"

int kn_console_getc(void);

enum { CH_CTRL_A = 1, CH_CTRL_B = 2, CH_CTRL_C = 3, CH_CTRL_D = 4, CH_CTRL_E = 5, CH_ESC = 27 };
enum { RL_LINE, RL_CTRL_A, RL_CTRL_B, RL_CTRL_C, RL_CTRL_D, RL_CTRL_E, RL_EOF };

static void out(const char *s) {
    hal_stdout_write(s, strlen(s));
}

/* ---- line editor ---- */

typedef struct {
    char buf[KILN_REPL_LINE_MAX];
    size_t len, pos;
} line_t;

static void redraw_tail(line_t *l, size_t erase_extra) {
    hal_stdout_write(l->buf + l->pos, l->len - l->pos);
    for (size_t i = 0; i < erase_extra; i++) hal_stdout_write(" ", 1);
    for (size_t i = l->pos; i < l->len + erase_extra; i++) hal_stdout_write("\b", 1);
}

static void history_add(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && s[k] == ' ') k++;
    if (k == n) return; /* blank and auto-indent-only lines are not worth recalling */
    kn_list_t *h = KN_PTR(kn_st.repl_history);
    if (h->len > 0 && kn_str_len(h->items[h->len - 1]) == n && memcmp(kn_str_data(h->items[h->len - 1]), s, n) == 0) return;
    if (h->len >= KILN_REPL_HISTORY) kn_list_pop(kn_st.repl_history, 0);
    kn_list_append(kn_st.repl_history, kn_str_new(s, n));
}

static void replace_line(line_t *l, const char *s, size_t n) {
    while (l->pos > 0) {
        hal_stdout_write("\b", 1);
        l->pos--;
    }
    size_t old = l->len;
    if (n > sizeof l->buf) n = sizeof l->buf;
    memcpy(l->buf, s, n);
    l->len = n;
    hal_stdout_write(l->buf, n);
    l->pos = n;
    if (old > n) {
        for (size_t i = n; i < old; i++) hal_stdout_write(" ", 1);
        for (size_t i = n; i < old; i++) hal_stdout_write("\b", 1);
    }
}

/* Reads one line with editing; prefill is auto-indentation. */
static int readline(line_t *l, const char *prompt, const char *prefill, size_t prefill_len) {
    out(prompt);
    l->len = l->pos = 0;
    if (prefill_len > 0) {
        memcpy(l->buf, prefill, prefill_len);
        l->len = l->pos = prefill_len;
        hal_stdout_write(prefill, prefill_len);
    }
    size_t hist = ((kn_list_t *)kn_st.repl_history)->len;
    int esc = 0;
    char escbuf[4];
    for (;;) {
        int c = kn_console_getc();
        if (c < 0) return RL_EOF;
        if (esc == 1) {
            esc = c == '[' || c == 'O' ? 2 : 0;
            continue;
        }
        if (esc == 2) {
            if (c >= '0' && c <= '9') {
                escbuf[0] = (char)c;
                esc = 3;
                continue;
            }
            esc = 0;
            kn_list_t *h = KN_PTR(kn_st.repl_history);
            if (c == 'A' && hist > 0) {
                hist--;
                replace_line(l, kn_str_data(h->items[hist]), kn_str_len(h->items[hist]));
            } else if (c == 'B') {
                if (hist + 1 < h->len) {
                    hist++;
                    replace_line(l, kn_str_data(h->items[hist]), kn_str_len(h->items[hist]));
                } else {
                    hist = h->len;
                    replace_line(l, "", 0);
                }
            } else if (c == 'C' && l->pos < l->len) {
                hal_stdout_write(&l->buf[l->pos++], 1);
            } else if (c == 'D' && l->pos > 0) {
                hal_stdout_write("\b", 1);
                l->pos--;
            } else if (c == 'H') {
                goto home;
            } else if (c == 'F') {
                goto end;
            }
            continue;
        }
        if (esc == 3) {
            esc = 0;
            if (c != '~') continue;
            if (escbuf[0] == '1' || escbuf[0] == '7') goto home;
            if (escbuf[0] == '4' || escbuf[0] == '8') goto end;
            if (escbuf[0] == '3' && l->pos < l->len) {
                memmove(l->buf + l->pos, l->buf + l->pos + 1, l->len - l->pos - 1);
                l->len--;
                redraw_tail(l, 1);
            }
            continue;
        }
        switch (c) {
            case CH_ESC:
                esc = 1;
                continue;
            case '\r':
            case '\n':
                out("\r\n");
                history_add(l->buf, l->len);
                return RL_LINE;
            case CH_CTRL_A:
                if (l->len == 0) return RL_CTRL_A;
            home:
                while (l->pos > 0) {
                    hal_stdout_write("\b", 1);
                    l->pos--;
                }
                continue;
            case CH_CTRL_B:
                if (l->len == 0) return RL_CTRL_B;
                continue;
            case CH_CTRL_C:
                out("\r\n");
                return RL_CTRL_C;
            case CH_CTRL_D:
                if (l->len == 0) return RL_CTRL_D;
                if (l->pos < l->len) {
                    memmove(l->buf + l->pos, l->buf + l->pos + 1, l->len - l->pos - 1);
                    l->len--;
                    redraw_tail(l, 1);
                }
                continue;
            case CH_CTRL_E:
                if (l->len == 0) return RL_CTRL_E;
            end:
                hal_stdout_write(l->buf + l->pos, l->len - l->pos);
                l->pos = l->len;
                continue;
            case 8:
            case 127:
                if (l->pos > 0) {
                    /* backspace over auto-indent removes a whole level */
                    size_t n = 1;
                    bool all_space = true;
                    for (size_t i = 0; i < l->pos; i++) all_space = all_space && l->buf[i] == ' ';
                    if (all_space && l->pos >= 4 && l->pos % 4 == 0) n = 4;
                    memmove(l->buf + l->pos - n, l->buf + l->pos, l->len - l->pos);
                    l->pos -= n;
                    l->len -= n;
                    for (size_t i = 0; i < n; i++) hal_stdout_write("\b", 1);
                    redraw_tail(l, n);
                }
                continue;
            case '\t':
                c = ' ';
                for (int k = 0; k < 3 && l->len + 1 < sizeof l->buf; k++) {
                    memmove(l->buf + l->pos + 1, l->buf + l->pos, l->len - l->pos);
                    l->buf[l->pos++] = ' ';
                    l->len++;
                    hal_stdout_write(" ", 1);
                }
                break;
            default:
                break;
        }
        if (c < 32 && c != ' ') continue;
        if (l->len + 1 >= sizeof l->buf) continue;
        memmove(l->buf + l->pos + 1, l->buf + l->pos, l->len - l->pos);
        l->buf[l->pos++] = (char)c;
        l->len++;
        hal_stdout_write(&l->buf[l->pos - 1], 1);
        if (l->pos < l->len) redraw_tail(l, 0);
    }
}

/* ---- continuation detection ---- */

/* True when src (possibly several lines) is an incomplete statement. */
static bool needs_more(const char *s, size_t n) {
    int depth = 0;
    char quote = 0;
    bool triple = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == '\\') {
                i++;
                continue;
            }
            if (triple) {
                if (c == quote && i + 2 < n && s[i + 1] == quote && s[i + 2] == quote) {
                    quote = 0;
                    i += 2;
                }
            } else if (c == quote || c == '\n') {
                quote = 0;
            }
            continue;
        }
        if (c == '#') {
            while (i < n && s[i] != '\n') i++;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            triple = i + 2 < n && s[i + 1] == c && s[i + 2] == c;
            if (triple) i += 2;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') depth++;
        if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
    }
    if ((quote && triple) || depth > 0) return true;
    /* last line */
    size_t e = n;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    if (e > 0 && s[e - 1] == '\\') return true;
    size_t ls = e;
    while (ls > 0 && s[ls - 1] != '\n') ls--;
    /* strip a trailing comment from the last line for the ':' test */
    size_t le = e;
    for (size_t i = ls; i < e; i++) {
        if (s[i] == '#') {
            le = i;
            break;
        }
    }
    while (le > ls && (s[le - 1] == ' ' || s[le - 1] == '\t')) le--;
    if (le > ls && s[le - 1] == ':') return true;
    bool multi = memchr(s, '\n', n) != NULL;
    if (multi && ls < e) return true; /* inside a block: wait for an empty line */
    /* a decorator line needs the definition */
    size_t fs = 0;
    while (fs < n && s[fs] == ' ') fs++;
    if (fs < n && s[fs] == '@' && !multi) return true;
    return false;
}

/* ---- execution ---- */

static int run_source(const char *src, size_t len, int mode) {
    return kn_exec_source(src, len, KN_Q(lt_stdin), mode, kn_st.main_globals);
}

static void soft_reset_message(void) {
    out("MPY: soft reboot\r\n");
}

/* Raw REPL: returns when the host asks for the friendly REPL (true) or a soft reset (false). */
static int raw_repl(void) {
    out("raw REPL; CTRL-B to exit\r\n");
    for (;;) {
        out(">");
        kn_vstr_t code;
        kn_vstr_init(&code, 256);
        bool raw_paste = false;
        for (;;) {
            int c = kn_console_getc();
            if (c < 0) return RL_EOF;
            if (c == CH_CTRL_A) {
                /* stay in raw REPL: discard and re-prompt */
                code.len = 0;
                out("\r\nraw REPL; CTRL-B to exit\r\n>");
                continue;
            }
            if (c == CH_CTRL_B) {
                out("\r\n");
                return RL_CTRL_B;
            }
            if (c == CH_CTRL_C) {
                code.len = 0;
                continue;
            }
            if (c == CH_CTRL_D) {
                if (code.len == 0) return RL_CTRL_D;
                break;
            }
            if (c == CH_CTRL_E && code.len == 0) {
                int c2 = kn_console_getc();
                int c3 = c2 == 'A' ? kn_console_getc() : -1;
                if (c2 == 'A' && c3 == CH_CTRL_A) {
                    raw_paste = true;
                    break;
                }
                kn_vstr_addc(&code, (char)c);
                if (c2 >= 0) kn_vstr_addc(&code, (char)c2);
                if (c3 >= 0) kn_vstr_addc(&code, (char)c3);
                continue;
            }
            kn_vstr_addc(&code, (char)c);
        }
        if (raw_paste) {
            /* Raw-paste: "R\x01" + window size, then flow control with \x01 per window consumed. */
            char hdr[4] = {'R', 1, (char)(KILN_RAW_PASTE_WINDOW & 0xff), (char)(KILN_RAW_PASTE_WINDOW >> 8)};
            hal_stdout_write(hdr, 4);
            size_t since = 0;
            for (;;) {
                int c = kn_console_getc();
                if (c < 0) return RL_EOF;
                if (c == CH_CTRL_D) break;
                kn_vstr_addc(&code, (char)c);
                if (++since == KILN_RAW_PASTE_WINDOW) {
                    since = 0;
                    hal_stdout_write("\x01", 1);
                }
            }
            hal_stdout_write("\x04", 1);
        } else {
            out("OK");
        }
        /* stdout, \x04, error output, \x04 */
        kn_obj exc = kn_exec_protected(code.buf, code.len, KN_Q(lt_stdin), KN_MODE_FILE, kn_st.main_globals);
        hal_stdout_write("\x04", 1);
        if (exc != KN_NULL && !(kn_isinstance(exc, &kn_type_SystemExit) && kn_exc_value(exc) == kn_none)) {
            kn_handle_uncaught(exc);
        }
        hal_stdout_write("\x04", 1);
        kn_st.last_exc = KN_NULL;
    }
}

static void paste_mode(void) {
    out("\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ");
    kn_vstr_t code;
    kn_vstr_init(&code, 256);
    for (;;) {
        int c = kn_console_getc();
        if (c < 0 || c == CH_CTRL_D) {
            out("\r\n");
            break;
        }
        if (c == CH_CTRL_C) {
            out("\r\n");
            return;
        }
        if (c == '\r' || c == '\n') {
            kn_vstr_addc(&code, '\n');
            out("\r\n=== ");
            continue;
        }
        kn_vstr_addc(&code, (char)c);
        char ch = (char)c;
        hal_stdout_write(&ch, 1);
    }
    run_source(code.buf, code.len, KN_MODE_FILE);
}

/* Returns RL_CTRL_D for a soft reset, RL_EOF to stop. */
static int __attribute__((noinline)) friendly_repl(bool raw_first) {
    static line_t line; /* too big for small MCU stacks; no heap refs inside */
    if (raw_first) {
        int r = raw_repl();
        if (r != RL_CTRL_B) return r == RL_CTRL_D ? RL_CTRL_A : r;
    }
    kiln_print_banner();
    out("Type \"help()\" for more information.\r\n");
    for (;;) {
        int r = readline(&line, ">>> ", NULL, 0);
        if (r == RL_EOF) return RL_EOF;
        if (r == RL_CTRL_C) continue;
        if (r == RL_CTRL_D) {
            if (KILN_REPL_CTRL_D_EXITS) return RL_EOF;
            return RL_CTRL_D;
        }
        if (r == RL_CTRL_A) {
            out("\r\n");
            r = raw_repl();
            if (r == RL_EOF) return RL_EOF;
            if (r == RL_CTRL_D) return RL_CTRL_A; /* soft reset, then back to raw REPL */
            kiln_print_banner();
            out("Type \"help()\" for more information.\r\n");
            continue;
        }
        if (r == RL_CTRL_B) {
            out("\r\n");
            kiln_print_banner();
            out("Type \"help()\" for more information.\r\n");
            continue;
        }
        if (r == RL_CTRL_E) {
            paste_mode();
            continue;
        }
        kn_vstr_t src;
        kn_vstr_init(&src, 64);
        kn_vstr_add(&src, line.buf, line.len);
        bool cancelled = false;
        while (needs_more(src.buf, src.len)) {
            /* auto-indent: keep the last line's indentation, one more level after ':' */
            size_t ls = src.len;
            while (ls > 0 && src.buf[ls - 1] != '\n') ls--;
            size_t ind = 0;
            while (ls + ind < src.len && src.buf[ls + ind] == ' ') ind++;
            size_t e = src.len;
            while (e > ls && src.buf[e - 1] == ' ') e--;
            if (e > ls && src.buf[e - 1] == ':') ind += 4;
            if (ind > 64) ind = 64;
            char pre[64];
            memset(pre, ' ', ind);
            r = readline(&line, "... ", pre, ind);
            if (r == RL_CTRL_C || r == RL_EOF) {
                cancelled = true;
                break;
            }
            if (r != RL_LINE) continue;
            kn_vstr_addc(&src, '\n');
            /* an all-blank line ends the block */
            size_t k = 0;
            while (k < line.len && line.buf[k] == ' ') k++;
            if (k == line.len) break;
            kn_vstr_add(&src, line.buf, line.len);
        }
        if (cancelled) continue;
        kn_vstr_addc(&src, '\n');
        int rc = run_source(src.buf, src.len, KN_MODE_SINGLE);
        /* In an emulator, sys.exit(n) at the prompt ends the run with exit code n (tests use it). */
        if ((rc & 0x100) && hal_exit_ends_run()) hal_exit(rc & 0xff);
        if (rc & 0x100) return RL_CTRL_D; /* SystemExit: soft reset like MicroPython */
    }
}

void kiln_main(void) {
    char base;
    bool raw = false;
    for (;;) {
        void *heap;
        size_t len;
        hal_heap_region(&heap, &len);
        kn_init(heap, len, &base);
        kn_st.cooked = true;
        kn_st.echo_input = true;
        kn_st.repl_history = kn_list_new(0, NULL);
        if (kn_port_init) kn_port_init(raw);
        int r = friendly_repl(raw);
        if (r == RL_EOF) {
            hal_exit(0);
        }
        soft_reset_message();
        raw = r == RL_CTRL_A;
    }
}
