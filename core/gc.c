/* gc.c: conservative mark-sweep collector over the fixed heap region the port hands over. */
#include <stdio.h>
#include <string.h>

#include "state.h"

/* Heap layout: [block table: 1 byte per block][blocks of KN_BLOCK bytes]. */
#define KN_BLOCK (4u * sizeof(void *))
#define B_FREE 0u
#define B_HEAD 1u
#define B_TAIL 2u
#define B_KIND 3u
#define B_MARK 4u
#define B_ATOMIC 8u

static inline size_t blocks_for(size_t n) {
    return (n + KN_BLOCK - 1) / KN_BLOCK;
}

void kn_gc_init(void *start, size_t len) {
    uintptr_t s = ((uintptr_t)start + KN_BLOCK - 1) & ~(uintptr_t)(KN_BLOCK - 1);
    len -= (size_t)(s - (uintptr_t)start);
    /* n blocks need n table bytes + n * KN_BLOCK bytes (table padded to a block). */
    size_t n = (len - KN_BLOCK) / (KN_BLOCK + 1);
    kn_st.gc_table = (uint8_t *)s;
    kn_st.gc_pool = (uint8_t *)(s + ((n + KN_BLOCK - 1) / KN_BLOCK) * KN_BLOCK);
    kn_st.gc_blocks = n;
    kn_st.gc_hint = 0;
    kn_st.gc_used_lo = kn_st.gc_used_hi = 0;
    memset(kn_st.gc_run_hint, 0, sizeof kn_st.gc_run_hint);
    kn_st.gc_lock = 0;
    kn_st.gc_enabled = true;
    kn_st.gc_collecting = false;
    kn_st.gc_alloc_since = 0;
    kn_st.gc_threshold = 0;
    memset(kn_st.gc_table, 0, n);
}

/* Block index of a pointer to the start of a heap block, or SIZE_MAX. */
static inline size_t block_of(uintptr_t p) {
    uintptr_t base = (uintptr_t)kn_st.gc_pool;
    if (p < base || p >= base + kn_st.gc_blocks * KN_BLOCK) {
        return SIZE_MAX;
    }
    return (size_t)((p - base) / KN_BLOCK);
}

static void mark_block(size_t b) {
    uint8_t *t = kn_st.gc_table;
    if ((t[b] & B_KIND) != B_HEAD || (t[b] & B_MARK)) {
        return;
    }
    t[b] |= B_MARK;
    if (t[b] & B_ATOMIC) {
        return;
    }
    if (kn_st.gc_mark_sp < KN_MARK_STACK) {
        kn_st.gc_mark_stack[kn_st.gc_mark_sp++] = b;
    } else {
        kn_st.gc_mark_overflow = true;
    }
}

/* Heap words only count when they point at the start of an object. */
static void mark_ptr(uintptr_t p) {
    if ((p & (sizeof(void *) - 1)) != 0) {
        return;
    }
    size_t b = block_of(p);
    if (b != SIZE_MAX && ((p - (uintptr_t)kn_st.gc_pool) % KN_BLOCK) == 0) {
        mark_block(b);
    }
}

/* Stack and register words may point inside an object (C code holding a char*). */
static void mark_interior(uintptr_t p) {
    size_t b = block_of(p);
    if (b == SIZE_MAX) {
        return;
    }
    uint8_t *t = kn_st.gc_table;
    if ((t[b] & B_KIND) == B_FREE) {
        return;
    }
    while ((t[b] & B_KIND) == B_TAIL && b > 0) {
        b--;
    }
    mark_block(b);
}

static void scan_block(size_t b) {
    uint8_t *t = kn_st.gc_table;
    size_t end = b + 1;
    while (end < kn_st.gc_blocks && (t[end] & B_KIND) == B_TAIL) {
        end++;
    }
    uintptr_t *w = (uintptr_t *)(kn_st.gc_pool + b * KN_BLOCK);
    uintptr_t *we = (uintptr_t *)(kn_st.gc_pool + end * KN_BLOCK);
    for (; w < we; w++) {
        mark_ptr(*w);
    }
}

static void drain(void) {
    for (;;) {
        while (kn_st.gc_mark_sp > 0) {
            scan_block(kn_st.gc_mark_stack[--kn_st.gc_mark_sp]);
        }
        if (!kn_st.gc_mark_overflow) {
            return;
        }
        /* Mark stack overflowed: rescan every marked object until nothing new turns up. */
        kn_st.gc_mark_overflow = false;
        uint8_t *t = kn_st.gc_table;
        for (size_t b = 0; b < kn_st.gc_blocks; b++) {
            if ((t[b] & (B_KIND | B_MARK | B_ATOMIC)) == (B_HEAD | B_MARK)) {
                scan_block(b);
                while (kn_st.gc_mark_sp > 0) {
                    scan_block(kn_st.gc_mark_stack[--kn_st.gc_mark_sp]);
                }
            }
        }
    }
}

void kn_gc_mark_root(kn_obj o) {
    mark_interior(o);
    drain();
}

/* The conservative scan reads the whole C stack, ASan's poisoned redzones included. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KN_NO_ASAN __attribute__((no_sanitize_address))
#endif
#endif
#if !defined(KN_NO_ASAN) && defined(__SANITIZE_ADDRESS__)
#define KN_NO_ASAN __attribute__((no_sanitize_address))
#endif
#ifndef KN_NO_ASAN
#define KN_NO_ASAN
#endif

static void __attribute__((noinline)) KN_NO_ASAN scan_stack(void) {
    jmp_buf regs; /* spills callee-saved registers onto the stack */
    setjmp(regs);
    volatile char here = 0;
    uintptr_t lo = (uintptr_t)&here & ~(uintptr_t)(sizeof(void *) - 1);
    uintptr_t hi = (uintptr_t)kn_st.stack_base;
    for (uintptr_t a = lo; a < hi; a += sizeof(void *)) {
        mark_interior(*(uintptr_t *)a);
        if (kn_st.gc_mark_sp > KN_MARK_STACK / 2) {
            drain();
        }
    }
    for (size_t i = 0; i < (sizeof regs) / (sizeof(uintptr_t)); i++) {
        mark_interior(((uintptr_t *)(void *)&regs)[i]);
    }
    drain();
}

void kn_gc_collect(void) {
    if (kn_st.gc_collecting || kn_st.gc_pool == NULL) {
        return;
    }
    kn_st.gc_collecting = true;
    kn_attr_cache_clear();
    kn_st.gc_mark_sp = 0;
    kn_st.gc_mark_overflow = false;
    /* Roots: the whole state struct, then the C stack and registers. */
    const uintptr_t *w = (const uintptr_t *)(const void *)&kn_st;
    for (size_t i = 0; i < sizeof(kn_st) / sizeof(uintptr_t); i++) {
        mark_interior(w[i]);
        drain();
    }
    scan_stack();
    /* Sweep. */
    uint8_t *t = kn_st.gc_table;
    bool freeing = false;
    size_t first_free = SIZE_MAX;
    for (size_t b = 0; b < kn_st.gc_blocks; b++) {
        uint8_t k = t[b] & B_KIND;
        if (k == B_HEAD) {
            if (t[b] & B_MARK) {
                t[b] &= (uint8_t)~B_MARK;
                freeing = false;
            } else {
                t[b] = B_FREE;
                freeing = true;
            }
        } else if (k == B_TAIL) {
            if (freeing) {
                t[b] = B_FREE;
            }
        }
        if (t[b] == B_FREE && first_free == SIZE_MAX) {
            first_free = b;
        }
    }
    kn_st.gc_hint = first_free == SIZE_MAX ? kn_st.gc_blocks : first_free;
    kn_st.gc_used_lo = kn_st.gc_used_hi = 0;
    for (size_t i = 0; i < KN_GC_RUN_HINTS; i++) kn_st.gc_run_hint[i] = kn_st.gc_hint;
    kn_st.gc_alloc_since = 0;
    kn_st.gc_collecting = false;
}

/*
 * The hint says no block below it is free. Freeing a block below the hint lowers it, and the next
 * allocation there would rescan every used block up to the old hint to find the next free one; a
 * set rebuilding its index in a loop did that on every insertion (86% of a benchmark's time). So the
 * blocks between a freed block and the old hint are remembered as a used range the scans skip.
 */
static inline size_t skip_used(size_t b) {
    return b == kn_st.gc_used_lo && kn_st.gc_used_hi > b ? kn_st.gc_used_hi : b;
}

/* First run of nb free blocks in [from, to). */
static size_t find_run(size_t from, size_t to, size_t nb) {
    uint8_t *t = kn_st.gc_table;
    size_t run = 0;
    for (size_t b = from; b < to; b++) {
        size_t s = skip_used(b);
        if (s != b) {
            run = 0;
            b = s - 1;
            continue;
        }
        if (t[b] != B_FREE) {
            run = 0;
            continue;
        }
        if (++run == nb) return b + 1 - nb;
    }
    return SIZE_MAX;
}

/* The first free block at or above b (the new hint). */
static size_t next_free(size_t b) {
    uint8_t *t = kn_st.gc_table;
    for (b = skip_used(b); b < kn_st.gc_blocks && t[b] != B_FREE; b = skip_used(b + 1)) {
    }
    return b;
}

/*
 * First-fit from the lowest free block (gc_hint: no block below it is free). Next-fit spread the
 * survivors of a loop (e.g. the keys of a growing dict) across the whole heap between collections,
 * leaving only small holes and no room for one large table; first-fit packs them at the bottom.
 * Runs of two or more blocks also start from their own hint (gc_run_hint; the last one serves every
 * larger size): with many small holes left low in the heap by a collection or a compile, every such
 * allocation rescanned them all (a split of a 800 KB string into 10,000 strings took seconds; compiling
 * a module of 2,000 functions 0.9 s instead of 25 ms).
 */
static void *try_alloc(size_t nb, bool atomic) {
    size_t total = kn_st.gc_blocks;
    size_t hint = kn_st.gc_hint < total ? kn_st.gc_hint : 0;
    size_t from = hint;
    /* gc_run_hint[k - 2]: no run of k or more free blocks starts below it, so a run of nb >= k starts at
     * or above every hint up to nb's own (the last hint also serves every larger size). */
    size_t last = nb < 2 ? 0 : nb - 2 < KN_GC_RUN_HINTS ? nb - 1 : KN_GC_RUN_HINTS;
    for (size_t k = 0; k < last; k++) {
        if (kn_st.gc_run_hint[k] > from) from = kn_st.gc_run_hint[k];
    }
    size_t start = find_run(from, total, nb);
    /* No run of nb blocks starts below start + nb now: below start there was none, and one starting
     * inside the new allocation would overlap it. */
    if (nb >= 2 && nb - 2 < KN_GC_RUN_HINTS) {
        size_t known = start == SIZE_MAX ? total : start + nb;
        if (kn_st.gc_run_hint[nb - 2] < known) kn_st.gc_run_hint[nb - 2] = known;
    }
    if (start == SIZE_MAX) return NULL;
    uint8_t *t = kn_st.gc_table;
    t[start] = (uint8_t)(B_HEAD | (atomic ? B_ATOMIC : 0));
    for (size_t i = start + 1; i < start + nb; i++) t[i] = B_TAIL;
    /* The hint moves to the first free block when this allocation took the hint block, or when a
     * one-block allocation proved every block up to start used. */
    if (start == hint || nb == 1) {
        kn_st.gc_hint = next_free(start + nb);
    }
    kn_st.gc_alloc_since += nb;
    void *p = kn_st.gc_pool + start * KN_BLOCK;
    memset(p, 0, nb * KN_BLOCK);
    return p;
}

/* Blocks [b, b + n) became free. */
static void note_free(size_t b, size_t n) {
    /* A run of m blocks that uses a freed block starts at b - (m - 1) or above. */
    for (size_t i = 0; i < KN_GC_RUN_HINTS; i++) {
        size_t lowest = b > i + 1 ? b - (i + 1) : 0;
        if (kn_st.gc_run_hint[i] > lowest) kn_st.gc_run_hint[i] = lowest;
    }
    size_t lo = kn_st.gc_used_lo, hi = kn_st.gc_used_hi;
    if (b < hi && b + n > lo) { /* the used range lost blocks: keep what is still known used */
        if (b > lo) hi = b;
        else lo = b + n;
        if (lo >= hi) lo = hi = 0;
    }
    if (b < kn_st.gc_hint) {
        /* Everything between the freed blocks and the old hint is used: remember it (merged with
         * the known range when that starts at or below the old hint). */
        size_t new_hi = kn_st.gc_hint;
        if (lo < hi && lo <= kn_st.gc_hint && hi > new_hi) new_hi = hi;
        lo = b + n;
        hi = new_hi;
        if (lo >= hi) lo = hi = 0;
        kn_st.gc_hint = b;
    }
    kn_st.gc_used_lo = lo;
    kn_st.gc_used_hi = hi;
}

static void *alloc(size_t n, bool atomic) {
    if (kn_st.gc_lock > 0 || kn_st.gc_collecting) {
        kn_raise(kn_st.memory_error);
    }
    size_t nb = blocks_for(n ? n : 1);
    if (kn_st.gc_enabled && kn_st.gc_threshold != 0 && kn_st.gc_alloc_since >= kn_st.gc_threshold) {
        kn_gc_collect();
    }
    void *p = try_alloc(nb, atomic);
    if (p == NULL) {
        kn_gc_collect();
        p = try_alloc(nb, atomic);
        if (p == NULL) {
            kn_raise(kn_st.memory_error);
        }
    }
    return p;
}

void *kn_alloc(size_t n) {
    return alloc(n, false);
}

void *kn_alloc_atomic(size_t n) {
    return alloc(n, true);
}

static size_t alloc_blocks(size_t b) {
    size_t e = b + 1;
    while (e < kn_st.gc_blocks && (kn_st.gc_table[e] & B_KIND) == B_TAIL) {
        e++;
    }
    return e - b;
}

void kn_free(void *p) {
    size_t b = block_of((uintptr_t)p);
    if (b == SIZE_MAX || (kn_st.gc_table[b] & B_KIND) != B_HEAD || kn_st.gc_collecting) {
        return;
    }
    size_t nb = alloc_blocks(b);
    memset(kn_st.gc_table + b, B_FREE, nb);
    note_free(b, nb);
}

void *kn_realloc(void *p, size_t old, size_t n) {
    if (p == NULL) {
        return kn_alloc(n);
    }
    size_t b = block_of((uintptr_t)p);
    if (b == SIZE_MAX) {
        void *q = kn_alloc(n);
        memcpy(q, p, old < n ? old : n);
        return q;
    }
    uint8_t *t = kn_st.gc_table;
    bool atomic = (t[b] & B_ATOMIC) != 0;
    size_t have = alloc_blocks(b);
    size_t want = blocks_for(n ? n : 1);
    if (want <= have) {
        /* Shrink in place: release the tail blocks. */
        for (size_t i = b + want; i < b + have; i++) {
            t[i] = B_FREE;
        }
        if (want < have) note_free(b + want, have - want);
        return p;
    }
    /* Grow in place when the following blocks are free. */
    size_t e = b + have;
    while (e < b + want && e < kn_st.gc_blocks && t[e] == B_FREE) {
        e++;
    }
    if (e == b + want && kn_st.gc_lock == 0) {
        for (size_t i = b + have; i < e; i++) {
            t[i] = B_TAIL;
        }
        if (kn_st.gc_hint >= b + have && kn_st.gc_hint < e) { /* the hint block was taken */
            kn_st.gc_hint = next_free(e);
        }
        memset((uint8_t *)p + have * KN_BLOCK, 0, (want - have) * KN_BLOCK);
        kn_st.gc_alloc_since += want - have;
        return p;
    }
    /* Slide down into free blocks before it (plus the free ones after): keeps a growing table where
     * it is instead of needing a second run of the new size. */
    size_t s = b;
    while (s > 0 && t[s - 1] == B_FREE) s--;
    if (kn_st.gc_lock == 0 && e - s >= want) {
        size_t ns = e - want; /* as high as possible: the free blocks left below stay together */
        void *q = kn_st.gc_pool + ns * KN_BLOCK;
        memmove(q, p, have * KN_BLOCK);
        memset((uint8_t *)q + have * KN_BLOCK, 0, (want - have) * KN_BLOCK);
        memset(t + b, B_FREE, have);
        t[ns] = (uint8_t)(B_HEAD | (atomic ? B_ATOMIC : 0));
        for (size_t i = ns + 1; i < ns + want; i++) t[i] = B_TAIL;
        /* [ns, e) covers the old block (ns < b): nothing was freed, only taken. */
        if (kn_st.gc_hint >= ns && kn_st.gc_hint < e) kn_st.gc_hint = next_free(e);
        kn_st.gc_alloc_since += want - have;
        return q;
    }
    void *q = alloc(n, atomic);
    memcpy(q, p, old < n ? old : n);
    kn_free(p);
    return q;
}

void kn_gc_info(size_t *total, size_t *used, size_t *free_, size_t *max_free) {
    size_t u = 0, f = 0, run = 0, best = 0;
    for (size_t b = 0; b < kn_st.gc_blocks; b++) {
        if (kn_st.gc_table[b] == B_FREE) {
            f++;
            if (++run > best) {
                best = run;
            }
        } else {
            u++;
            run = 0;
        }
    }
    *total = kn_st.gc_blocks * KN_BLOCK;
    *used = u * KN_BLOCK;
    *free_ = f * KN_BLOCK;
    *max_free = best * KN_BLOCK;
}

/* micropython.mem_info(1): the block map, 64 blocks a line: '.' free, 'h' object, 'a' object
 * without pointers, '=' continuation; runs of all-free lines are folded. */
void kn_gc_dump(kn_print_t *p) {
    const size_t per_line = 64;
    size_t folded = 0;
    for (size_t line = 0; line < kn_st.gc_blocks; line += per_line) {
        size_t end = line + per_line < kn_st.gc_blocks ? line + per_line : kn_st.gc_blocks;
        char buf[64];
        bool all_free = true;
        for (size_t b = line; b < end; b++) {
            uint8_t v = kn_st.gc_table[b];
            char c = v == B_FREE ? '.' : (v & B_KIND) == B_TAIL ? '=' : (v & B_ATOMIC) ? 'a' : 'h';
            if (c != '.') all_free = false;
            buf[b - line] = c;
        }
        if (all_free && end - line == per_line) {
            folded++;
            continue;
        }
        if (folded > 0) kn_printf(p, "       (%u lines all free)\n", (unsigned)folded);
        folded = 0;
        char addr[12];
        snprintf(addr, sizeof addr, "%06x: ", (unsigned)(line * KN_BLOCK));
        p->write(p->ctx, addr, strlen(addr));
        p->write(p->ctx, buf, end - line);
        kn_printf(p, "\n");
    }
    if (folded > 0) kn_printf(p, "       (%u lines all free)\n", (unsigned)folded);
}
