/* alarm.c: TIMER alarms 0-3 with per-alarm callbacks from the TIMER_IRQ_n interrupts. */
#include "rp2_alarm.h"

#include <stddef.h>

#include "hal.h"
#include "rp2040.h"
#include "rp2_err.h"

#define TIMER_INTF (TIMER_BASE + 0x3cu)

static struct {
    uint32_t claimed;
    rp2_alarm_callback_t callback[RP2_ALARM_COUNT];
    void *arg[RP2_ALARM_COUNT];
} alarms;

void rp2_isr_timer0(void);
void rp2_isr_timer1(void);
void rp2_isr_timer2(void);
void rp2_isr_timer3(void);

void rp2_alarm_reset_state(void) {
    for (uint32_t n = 0; n < RP2_ALARM_COUNT; n++) {
        RP2_IRQ_DISABLE(IRQ_TIMER0 + n);
        alarms.callback[n] = NULL;
        alarms.arg[n] = NULL;
    }
    REG32(TIMER_ARMED) = 0xfu; /* write 1 to disarm */
    REG32(TIMER_INTE) = 0;
    REG32(TIMER_INTF) = 0;
    REG32(TIMER_INTR) = 0xfu;
    alarms.claimed = 0;
}

int rp2_alarm_claim(void) {
    for (uint32_t n = 0; n < RP2_ALARM_COUNT; n++) {
        if (!(alarms.claimed & (1u << n))) {
            alarms.claimed |= 1u << n;
            return (int)n;
        }
    }
    return RP2_ERR_BUSY;
}

void rp2_alarm_release(uint32_t alarm) {
    if (alarm < RP2_ALARM_COUNT) {
        rp2_alarm_cancel(alarm);
        alarms.claimed &= ~(1u << alarm);
    }
}

void rp2_alarm_cancel(uint32_t alarm) {
    if (alarm >= RP2_ALARM_COUNT) {
        return;
    }
    REG_CLR(TIMER_INTE, 1u << alarm);
    REG32(TIMER_ARMED) = 1u << alarm;
    REG_CLR(TIMER_INTF, 1u << alarm);
    REG32(TIMER_INTR) = 1u << alarm;
    RP2_IRQ_DISABLE(IRQ_TIMER0 + alarm);
}

int rp2_alarm_armed(uint32_t alarm) {
    return alarm < RP2_ALARM_COUNT && (REG32(TIMER_ARMED) >> alarm) & 1u;
}

int rp2_alarm_set_at(uint32_t alarm, uint32_t target_us, rp2_alarm_callback_t callback, void *arg) {
    if (alarm >= RP2_ALARM_COUNT || callback == NULL) {
        return RP2_ERR_INVALID;
    }
    rp2_alarm_cancel(alarm);
    alarms.callback[alarm] = callback;
    alarms.arg[alarm] = arg;
    REG_SET(TIMER_INTE, 1u << alarm);
    RP2_IRQ_ENABLE(IRQ_TIMER0 + alarm);
    REG32(TIMER_ALARM(alarm)) = target_us; /* arms it */
    /* The comparison is on equality of the low word: a target that passed before the write
     * would only match after the counter wraps. Force the interrupt instead. */
    if ((int32_t)(target_us - REG32(TIMER_TIMERAWL)) <= 0 && rp2_alarm_armed(alarm)) {
        REG32(TIMER_ARMED) = 1u << alarm;
        REG_SET(TIMER_INTF, 1u << alarm);
    }
    return RP2_OK;
}

int rp2_alarm_set_in(uint32_t alarm, uint32_t delay_us, rp2_alarm_callback_t callback, void *arg) {
    return rp2_alarm_set_at(alarm, REG32(TIMER_TIMERAWL) + delay_us, callback, arg);
}

static void alarm_isr(uint32_t alarm) {
    REG_CLR(TIMER_INTF, 1u << alarm);
    REG32(TIMER_INTR) = 1u << alarm;
    REG_CLR(TIMER_INTE, 1u << alarm);
    rp2_alarm_callback_t callback = alarms.callback[alarm];
    if (callback != NULL) {
        callback(alarm, alarms.arg[alarm]); /* may re-arm */
    }
}

void rp2_isr_timer0(void) {
    alarm_isr(0);
}

void rp2_isr_timer1(void) {
    alarm_isr(1);
}

void rp2_isr_timer2(void) {
    alarm_isr(2);
}

void rp2_isr_timer3(void) {
    alarm_isr(3);
}
