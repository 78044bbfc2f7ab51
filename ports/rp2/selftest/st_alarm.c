/* st_alarm.c: self-test of the TIMER alarms. */
/* self-test of TIMER alarms: claiming, ordering and latency, a target already passed, cancelling,
 * re-arming from the callback. */
#include "selftest.h"

#include "hal.h"
#include "rp2_alarm.h"
#include "rp2_err.h"

static volatile uint32_t fired_at[RP2_ALARM_COUNT];
static volatile uint32_t fired;
static volatile uint32_t repeats;

static void on_alarm(uint32_t alarm, void *arg) {
    (void)arg;
    fired_at[alarm] = hal_ticks_us();
    fired++;
}

static void on_repeat(uint32_t alarm, void *arg) {
    uint32_t *period = arg;
    if (++repeats < 3u) {
        rp2_alarm_set_in(alarm, *period, on_repeat, arg);
    }
}

void st_alarm(void) {
    int a = rp2_alarm_claim();
    int b = rp2_alarm_claim();
    int c = rp2_alarm_claim();
    int d = rp2_alarm_claim();
    int e = rp2_alarm_claim();
    st_check(a == 0 && b == 1 && c == 2 && d == 3 && e == RP2_ERR_BUSY, "alarm.claim", "%d %d %d %d %d", a, b, c, d, e);
    rp2_alarm_release((uint32_t)c);
    rp2_alarm_release((uint32_t)d);

    /* Targets are absolute, so the latency is measured from them. (rp2040js rounds an alarm's delay
     * down to whole microseconds, so there it may fire up to 1 us early.) */
    uint32_t t0 = hal_ticks_us();
    rp2_alarm_set_at((uint32_t)a, t0 + 2000u, on_alarm, 0);
    rp2_alarm_set_at((uint32_t)b, t0 + 500u, on_alarm, 0);
    int both = st_wait_for(&fired, 2, 10000);
    int32_t late_a = (int32_t)(fired_at[a] - (t0 + 2000u));
    int32_t late_b = (int32_t)(fired_at[b] - (t0 + 500u));
    st_check(both && late_a >= -1 && late_a < 60 && late_b >= -1 && late_b < 60, "alarm.order", "late by %ld/%ld us",
             (long)late_b, (long)late_a);
    st_value("alarm.latency_us", (long)late_a);

    fired = 0;
    t0 = hal_ticks_us();
    rp2_alarm_set_at((uint32_t)a, t0 - 100, on_alarm, 0);
    int late = st_wait_for(&fired, 1, 1000);
    st_check(late && fired_at[a] - t0 < 100, "alarm.past_target", "fired after %lu us", (unsigned long)(fired_at[a] - t0));

    fired = 0;
    rp2_alarm_set_in((uint32_t)a, 300, on_alarm, 0);
    rp2_alarm_cancel((uint32_t)a);
    int cancelled = !st_wait_for(&fired, 1, 1000);
    st_check(cancelled && !rp2_alarm_armed((uint32_t)a), "alarm.cancel", "fired=%lu", (unsigned long)fired);

    static uint32_t period = 200;
    t0 = hal_ticks_us();
    rp2_alarm_set_in((uint32_t)b, period, on_repeat, &period);
    int done = st_wait_for(&repeats, 3, 5000);
    uint32_t took = hal_ticks_us() - t0;
    st_check(done && took >= 597 && took < 700, "alarm.rearm_in_callback", "3 x 200 us in %lu us", (unsigned long)took);
    rp2_alarm_release((uint32_t)a);
    rp2_alarm_release((uint32_t)b);
    st_check(rp2_alarm_set_in(4, 10, on_alarm, 0) == RP2_ERR_INVALID, "alarm.bad_args", "refused");
}
