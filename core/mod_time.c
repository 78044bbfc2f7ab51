/* mod_time.c: the time module (sleep, sleep_ms/us, ticks_ms/us/cpu, ticks_diff/add, time) over the HAL clock. */
#include <math.h>

#include "hal.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
uint64_t kn_port_time_ns(void) __attribute__((weak));

/* Ticks wrap at 2**30 like MicroPython so values stay small ints on every port. */
#define TICKS_PERIOD (1u << 30)
#define TICKS_MASK (TICKS_PERIOD - 1u)

/* Sleeps in slices so Ctrl-C stays responsive. */
static void sleep_ms_checked(uint32_t ms) {
    while (ms > 0) {
        uint32_t step = ms > 10 ? 10 : ms;
        hal_delay_ms(step);
        ms -= step;
        kn_check_interrupt();
    }
}

static kn_obj time_sleep(kn_obj secs) {
    kn_float_t s = kn_get_float(secs);
    if (s < 0) kn_raise_value("sleep length must be non-negative");
    double us = (double)s * 1e6;
    if (us >= 1000) sleep_ms_checked((uint32_t)(us / 1000));
    hal_delay_us((uint32_t)fmod(us, 1000.0));
    return kn_none;
}
static KN_FUN1(time_sleep_obj, time_sleep);

static kn_obj time_sleep_ms(kn_obj ms) {
    kn_int_t v = kn_get_int(ms);
    if (v > 0) sleep_ms_checked((uint32_t)v);
    return kn_none;
}
static KN_FUN1(time_sleep_ms_obj, time_sleep_ms);

static kn_obj time_sleep_us(kn_obj us) {
    kn_int_t v = kn_get_int(us);
    if (v > 0) hal_delay_us((uint32_t)v);
    return kn_none;
}
static KN_FUN1(time_sleep_us_obj, time_sleep_us);

static kn_obj time_ticks_ms(void) {
    return KN_MKSMALL((kn_int_t)(hal_ticks_ms() & TICKS_MASK));
}
static KN_FUN0(time_ticks_ms_obj, time_ticks_ms);

static kn_obj time_ticks_us(void) {
    return KN_MKSMALL((kn_int_t)(hal_ticks_us() & TICKS_MASK));
}
static KN_FUN0(time_ticks_us_obj, time_ticks_us);

static kn_obj time_ticks_diff(kn_obj a, kn_obj b) {
    kn_int_t d = (kn_int_t)(((kn_uint_t)kn_get_int(a) - (kn_uint_t)kn_get_int(b)) & TICKS_MASK);
    if (d >= (kn_int_t)(TICKS_PERIOD / 2)) d -= (kn_int_t)TICKS_PERIOD;
    return KN_MKSMALL(d);
}
static KN_FUN2(time_ticks_diff_obj, time_ticks_diff);

static kn_obj time_ticks_add(kn_obj a, kn_obj b) {
    return KN_MKSMALL((kn_int_t)(((kn_uint_t)kn_get_int(a) + (kn_uint_t)kn_get_int(b)) & TICKS_MASK));
}
static KN_FUN2(time_ticks_add_obj, time_ticks_add);

static double now_seconds(void) {
    if (kn_port_time_ns) return (double)kn_port_time_ns() / 1e9;
    return (double)hal_ticks_ms() / 1000.0;
}

static kn_obj time_time(void) {
    return kn_float_new((kn_float_t)now_seconds());
}
static KN_FUN0(time_time_obj, time_time);

static kn_obj time_time_ns(void) {
    if (kn_port_time_ns) return kn_int_from_ull(kn_port_time_ns());
    return kn_int_from_ull((unsigned long long)hal_ticks_ms() * 1000000ull);
}
static KN_FUN0(time_time_ns_obj, time_time_ns);

static kn_obj time_perf_counter(void) {
    return kn_float_new((kn_float_t)((double)hal_ticks_us() / 1e6));
}
static KN_FUN0(time_perf_counter_obj, time_perf_counter);

static const kn_method_t time_table[] = {
    {KN_Q(sleep), KN_OBJ(&time_sleep_obj)},           {KN_Q(sleep_ms), KN_OBJ(&time_sleep_ms_obj)},
    {KN_Q(sleep_us), KN_OBJ(&time_sleep_us_obj)},     {KN_Q(ticks_ms), KN_OBJ(&time_ticks_ms_obj)},
    {KN_Q(ticks_us), KN_OBJ(&time_ticks_us_obj)},     {KN_Q(ticks_cpu), KN_OBJ(&time_ticks_us_obj)},
    {KN_Q(ticks_diff), KN_OBJ(&time_ticks_diff_obj)}, {KN_Q(ticks_add), KN_OBJ(&time_ticks_add_obj)},
    {KN_Q(time), KN_OBJ(&time_time_obj)},             {KN_Q(time_ns), KN_OBJ(&time_time_ns_obj)},
    {KN_Q(perf_counter), KN_OBJ(&time_perf_counter_obj)}, {KN_Q(monotonic), KN_OBJ(&time_perf_counter_obj)},
};

kn_obj kn_mod_time_init(void) {
    return kn_module_from_table(KN_Q(time), time_table, sizeof time_table / sizeof time_table[0]);
}
