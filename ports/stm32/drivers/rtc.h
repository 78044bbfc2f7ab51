/* rtc.h: the calendar RTC on LSE (32.768 kHz crystal) or, when that does not start in time, on LSI. */
#ifndef KILN_STM32_RTC_H
#define KILN_STM32_RTC_H

#include <stdbool.h>
#include <stdint.h>

typedef enum { STM32_RTC_OFF = 0, STM32_RTC_LSE = 1, STM32_RTC_LSI = 2 } stm32_rtc_source_t;

typedef struct {
    uint16_t year;      /* 2000..2099 */
    uint8_t month;      /* 1..12 */
    uint8_t day;        /* 1..31 */
    uint8_t weekday;    /* 1 = Monday .. 7 = Sunday */
    uint8_t hour;       /* 0..23 */
    uint8_t minute;
    uint8_t second;
    uint32_t subsecond; /* 0..prediv_s, counting up through the second */
} stm32_datetime_t;

typedef struct {
    uint8_t source;      /* stm32_rtc_source_t */
    bool kept;           /* the calendar was already running (kept across the reset) */
    uint32_t prediv_s;   /* synchronous prescaler: ticks per second - 1 */
    uint32_t timeout_us; /* INITF/RSF waits */
    bool up;
} stm32_rtc_t;

/*
 * Brings the RTC up. A calendar already running from a previous boot is kept as is. Otherwise LSE is
 * started and given lse_timeout_ms (crystals take up to ~2 s); if it does not become ready, LSI (~32 kHz,
 * +-50%) clocks the RTC instead and the calendar starts at 2000-01-01 00:00:00 (a Saturday).
 */
int stm32_rtc_init(stm32_rtc_t *rtc, uint32_t lse_timeout_ms);

int stm32_rtc_set(stm32_rtc_t *rtc, const stm32_datetime_t *when);
int stm32_rtc_get(stm32_rtc_t *rtc, stm32_datetime_t *when);

#endif
