/* hal_unix.c: the HAL on a POSIX host: raw-ish terminal, buffered stdout, monotonic clock, static heap. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "board_config.h"
#include "hal.h"
#include "hal_unix.h"

#ifndef KILN_UNIX_HEAP_SIZE
#define KILN_UNIX_HEAP_SIZE (64u * 1024u * 1024u)
#endif

static char heap[KILN_UNIX_HEAP_SIZE] __attribute__((aligned(64)));
static size_t heap_len = sizeof heap; /* -X heapsize=N shrinks it to reproduce small boards */
static char outbuf[8192];
static size_t outlen;
static struct termios saved_tio;
static int tio_saved;
static int stdin_eof;
static struct timespec t0;

void hal_unix_flush(void) {
    size_t off = 0;
    while (off < outlen) {
        ssize_t n = write(1, outbuf + off, outlen - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        off += (size_t)n;
    }
    outlen = 0;
}

static void restore_terminal(void) {
    hal_unix_flush();
    if (tio_saved) tcsetattr(0, TCSANOW, &saved_tio);
}

void hal_unix_raw_terminal(void) {
    if (!isatty(0) || tio_saved) return;
    if (tcgetattr(0, &saved_tio) != 0) return;
    tio_saved = 1;
    struct termios t = saved_tio;
    /* no echo, no line buffering, no signals: the REPL sees Ctrl-C/D/E itself and the VM polls for Ctrl-C */
    t.c_lflag &= (tcflag_t) ~(ECHO | ICANON | ISIG | IEXTEN);
    t.c_iflag &= (tcflag_t) ~(IXON | ICRNL | INLCR);
    t.c_oflag &= (tcflag_t) ~OPOST;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &t);
}

void hal_init(void) {
    clock_gettime(CLOCK_MONOTONIC, &t0);
    atexit(restore_terminal);
}

void hal_stdout_write(const char *buf, size_t len) {
    while (len > 0) {
        if (outlen == sizeof outbuf) hal_unix_flush();
        size_t n = sizeof outbuf - outlen;
        if (n > len) n = len;
        memcpy(outbuf + outlen, buf, n);
        outlen += n;
        buf += n;
        len -= n;
    }
    if (tio_saved) hal_unix_flush(); /* interactive: show output at once */
}

int hal_stdin_read(void) {
    hal_unix_flush();
    if (stdin_eof) return -1;
    unsigned char c;
    for (;;) {
        ssize_t n = read(0, &c, 1);
        if (n == 1) return c;
        if (n < 0 && errno == EINTR) continue;
        stdin_eof = 1;
        return -1;
    }
}

int hal_stdin_poll(void) {
    if (stdin_eof) return -1;
    struct pollfd p = {0, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) return -1;
    unsigned char c;
    ssize_t n = read(0, &c, 1);
    if (n == 1) return c;
    stdin_eof = 1;
    return -1;
}

static uint64_t elapsed_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - t0.tv_sec) * 1000000u + (uint64_t)((t.tv_nsec - t0.tv_nsec) / 1000);
}

uint32_t hal_ticks_ms(void) {
    return (uint32_t)(elapsed_us() / 1000u);
}

uint32_t hal_ticks_us(void) {
    return (uint32_t)elapsed_us();
}

void hal_delay_us(uint32_t us) {
    hal_unix_flush();
    struct timespec t = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

void hal_delay_ms(uint32_t ms) {
    hal_delay_us(ms * 1000u);
}

/* select.poll's idle: sleeps in poll(2) until stdin has bytes or max_ms pass. Stdin at EOF (or
   /dev/null) reads as ready forever, so then it just sleeps. */
void hal_wait_event(uint32_t max_ms) {
    hal_unix_flush();
    uint64_t start = elapsed_us();
    if (!stdin_eof) {
        struct pollfd p = {0, POLLIN, 0};
        int r = poll(&p, 1, (int)max_ms);
        if (r <= 0) return;
        int avail = 0;
        if (ioctl(0, FIONREAD, &avail) == 0 && avail > 0) return;
        if (!(p.revents & (POLLHUP | POLLIN))) return;
    }
    uint64_t spent = elapsed_us() - start;
    if (spent < (uint64_t)max_ms * 1000u) hal_delay_us((uint32_t)((uint64_t)max_ms * 1000u - spent));
}

uint32_t hal_cpu_hz(void) {
#ifdef KILN_CPU_HZ
    return KILN_CPU_HZ;
#else
    return 1000000000u;
#endif
}

void hal_heap_region(void **start, size_t *len) {
    *start = heap;
    *len = heap_len;
}

bool hal_unix_set_heap_size(size_t n) {
    if (n < HAL_UNIX_MIN_HEAP || n > sizeof heap) return false;
    heap_len = n;
    return true;
}

void hal_reset(void) {
    restore_terminal();
    exit(0);
}

bool hal_exit_ends_run(void) {
    return true; /* the host process itself is the "emulator": sys.exit(n) exits with n */
}

void hal_exit(int code) {
    restore_terminal();
    exit(code);
}

/* Wall-clock time for time.time(). */
uint64_t kn_port_time_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
