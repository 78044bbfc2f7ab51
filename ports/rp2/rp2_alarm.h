/* rp2_alarm.h: the TIMER's four hardware alarms, each calling back from its interrupt. */
#ifndef KILN_RP2_ALARM_H
#define KILN_RP2_ALARM_H

#include <stdint.h>

#define RP2_ALARM_COUNT 4u

typedef void (*rp2_alarm_callback_t)(uint32_t alarm, void *arg);

/* Disarms all alarms and frees every slot (hal_init and soft resets call it). */
void rp2_alarm_reset_state(void);
/* A free alarm number, or RP2_ERR_BUSY. */
int rp2_alarm_claim(void);
void rp2_alarm_release(uint32_t alarm);
/* Fires the callback (in interrupt context) when the TIMER's low word reaches target_us. A
 * target already passed fires at once, not 71 minutes later when the counter wraps. */
int rp2_alarm_set_at(uint32_t alarm, uint32_t target_us, rp2_alarm_callback_t callback, void *arg);
int rp2_alarm_set_in(uint32_t alarm, uint32_t delay_us, rp2_alarm_callback_t callback, void *arg);
void rp2_alarm_cancel(uint32_t alarm);
int rp2_alarm_armed(uint32_t alarm);

#endif
