/* rtc.c: calendar RTC (RM0090 ch. 26; RCC_BDCR/CSR for LSE/LSI; PWR_CR.DBP for backup-domain access):
   write protection keys, init mode (INIT/INITF), prescalers, BCD time/date, shadow sync (RSF). */
#include "drivers/rtc.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"

#define RCC_BDCR DRV_REG(STM32_RCC + RCC_BDCR_OFF)
#define RCC_CSR DRV_REG(STM32_RCC + RCC_CSR_OFF)
#define PWR_CR DRV_REG(STM32_PWR + 0x00u)
#define RTC_TR DRV_REG(STM32_RTC + 0x00u)
#define RTC_DR DRV_REG(STM32_RTC + 0x04u)
#define RTC_CR DRV_REG(STM32_RTC + 0x08u)
#define RTC_ISR DRV_REG(STM32_RTC + 0x0Cu)
#define RTC_PRER DRV_REG(STM32_RTC + 0x10u)
#define RTC_WPR DRV_REG(STM32_RTC + 0x24u)
#define RTC_SSR DRV_REG(STM32_RTC + 0x28u)

#define BDCR_LSEON (1u << 0)
#define BDCR_LSERDY (1u << 1)
#define BDCR_RTCSEL_POS 8u
#define BDCR_RTCSEL_MASK (3u << 8)
#define BDCR_RTCEN (1u << 15)
#define BDCR_BDRST (1u << 16)
#define CSR_LSION (1u << 0)
#define CSR_LSIRDY (1u << 1)
#define PWR_CR_DBP (1u << 8)
#define ISR_INITS (1u << 4)
#define ISR_RSF (1u << 5)
#define ISR_INITF (1u << 6)
#define ISR_INIT (1u << 7)
#define CR_FMT (1u << 6)

#define LSI_TIMEOUT_US 10000u    /* tSU(LSI) is about 15 us */
#define SYNC_TIMEOUT_US 100000u  /* INITF/RSF take two RTCCLK periods: ~60 us; allow a slow LSI */
#define PREDIV_A 127u            /* largest async divider: lowest power */

static void unlock(void) {
    RTC_WPR = 0xCAu;
    RTC_WPR = 0x53u;
}

static void lock(void) {
    RTC_WPR = 0xFFu;
}

static int enter_init(const stm32_rtc_t *rtc) {
    unlock();
    RTC_ISR |= ISR_INIT;
    if (stm32_wait_reg(&RTC_ISR, ISR_INITF, ISR_INITF, rtc->timeout_us) != STM32_OK) {
        RTC_ISR &= ~ISR_INIT;
        lock();
        return -STM32_ETIMEDOUT;
    }
    return STM32_OK;
}

static void leave_init(void) {
    RTC_ISR &= ~(ISR_INIT | ISR_RSF); /* RSF is rc_w0: cleared so the next read waits for fresh shadows */
    lock();
}

static uint32_t bcd(uint32_t v) {
    return ((v / 10u) << 4) | (v % 10u);
}

static uint32_t unbcd(uint32_t v) {
    return (v >> 4) * 10u + (v & 0xFu);
}

static bool valid(const stm32_datetime_t *t) {
    static const uint8_t days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t->year < 2000u || t->year > 2099u || t->month < 1u || t->month > 12u || t->day < 1u ||
        t->weekday < 1u || t->weekday > 7u || t->hour > 23u || t->minute > 59u || t->second > 59u) {
        return false;
    }
    const bool leap = t->year % 4u == 0u; /* 2000..2099: every fourth year, 2000 included */
    const uint32_t max_day = t->month == 2u && !leap ? 28u : days[t->month - 1u];
    return t->day <= max_day;
}

/* Starts LSE, or LSI when LSE does not come up; returns the source selected (RTCSEL is still unset). */
static int start_clock(uint32_t lse_timeout_ms, uint8_t *source) {
    RCC_BDCR |= BDCR_LSEON;
    if (stm32_wait_reg(&RCC_BDCR, BDCR_LSERDY, BDCR_LSERDY, lse_timeout_ms * 1000u) == STM32_OK) {
        *source = STM32_RTC_LSE;
        return STM32_OK;
    }
    RCC_BDCR &= ~BDCR_LSEON; /* a dead or missing crystal: stop driving it */
    RCC_CSR |= CSR_LSION;
    if (stm32_wait_reg(&RCC_CSR, CSR_LSIRDY, CSR_LSIRDY, LSI_TIMEOUT_US) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    *source = STM32_RTC_LSI;
    return STM32_OK;
}

int stm32_rtc_init(stm32_rtc_t *rtc, uint32_t lse_timeout_ms) {
    rtc->up = false;
    rtc->kept = false;
    rtc->source = STM32_RTC_OFF;
    rtc->timeout_us = SYNC_TIMEOUT_US;
    stm32_rcc_enable((stm32_clk_t){STM32_BUS_APB1, RCC_APB1_PWR});
    PWR_CR |= PWR_CR_DBP; /* the backup domain (BDCR, RTC) is write-protected after reset */
    if (stm32_wait_reg(&PWR_CR, PWR_CR_DBP, PWR_CR_DBP, SYNC_TIMEOUT_US) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }

    const uint32_t bdcr = RCC_BDCR;
    const uint32_t sel = (bdcr & BDCR_RTCSEL_MASK) >> BDCR_RTCSEL_POS;
    if ((bdcr & BDCR_RTCEN) && (RTC_ISR & ISR_INITS) &&
        ((sel == STM32_RTC_LSE && (bdcr & BDCR_LSERDY)) || sel == STM32_RTC_LSI)) {
        /* Running from an earlier boot. LSI lives outside the backup domain: a reset stopped it. */
        if (sel == STM32_RTC_LSI) {
            RCC_CSR |= CSR_LSION;
            if (stm32_wait_reg(&RCC_CSR, CSR_LSIRDY, CSR_LSIRDY, LSI_TIMEOUT_US) != STM32_OK) {
                return -STM32_ETIMEDOUT;
            }
        }
        rtc->source = (uint8_t)sel;
        rtc->prediv_s = RTC_PRER & 0x7FFFu;
        rtc->kept = true;
        rtc->up = true;
        return STM32_OK;
    }

    /* RTCSEL can be written once per backup-domain reset: clear the domain when it holds anything. */
    if (bdcr & (BDCR_RTCSEL_MASK | BDCR_RTCEN)) {
        RCC_BDCR |= BDCR_BDRST;
        RCC_BDCR &= ~BDCR_BDRST;
    }
    uint8_t source;
    int err = start_clock(lse_timeout_ms, &source);
    if (err != STM32_OK) {
        return err;
    }
    drv_modify(&RCC_BDCR, BDCR_RTCSEL_MASK, (uint32_t)source << BDCR_RTCSEL_POS);
    RCC_BDCR |= BDCR_RTCEN;
    rtc->source = source;
    /* 32768 / 128 / 256 = 1 Hz; 32000 / 128 / 250 = 1 Hz. */
    rtc->prediv_s = source == STM32_RTC_LSE ? 255u : 249u;
    if ((err = enter_init(rtc)) != STM32_OK) {
        return err;
    }
    RTC_PRER = rtc->prediv_s; /* two separate writes: synchronous first, then asynchronous */
    RTC_PRER = rtc->prediv_s | (PREDIV_A << 16);
    RTC_CR &= ~CR_FMT; /* 24-hour */
    RTC_TR = 0u;
    RTC_DR = (0x00u << 16) | (6u << 13) | (0x01u << 8) | 0x01u; /* 2000-01-01, Saturday */
    leave_init();
    rtc->up = true;
    return STM32_OK;
}

int stm32_rtc_set(stm32_rtc_t *rtc, const stm32_datetime_t *when) {
    if (!rtc->up) {
        return -STM32_EINVAL;
    }
    if (!valid(when)) {
        return -STM32_EINVAL;
    }
    const int err = enter_init(rtc);
    if (err != STM32_OK) {
        return err;
    }
    RTC_TR = (bcd(when->hour) << 16) | (bcd(when->minute) << 8) | bcd(when->second);
    RTC_DR = (bcd(when->year - 2000u) << 16) | ((uint32_t)when->weekday << 13) | (bcd(when->month) << 8) |
             bcd(when->day);
    leave_init();
    return STM32_OK;
}

int stm32_rtc_get(stm32_rtc_t *rtc, stm32_datetime_t *when) {
    if (!rtc->up) {
        return -STM32_EINVAL;
    }
    /* After init or a wake-up the shadow registers are stale until RSF. */
    if (stm32_wait_reg(&RTC_ISR, ISR_RSF, ISR_RSF, rtc->timeout_us) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    /* Reading SSR locks TR and DR until DR is read: one consistent instant. */
    const uint32_t ssr = RTC_SSR & 0xFFFFu;
    const uint32_t tr = RTC_TR;
    const uint32_t dr = RTC_DR;
    when->hour = (uint8_t)unbcd((tr >> 16) & 0x3Fu);
    when->minute = (uint8_t)unbcd((tr >> 8) & 0x7Fu);
    when->second = (uint8_t)unbcd(tr & 0x7Fu);
    when->year = (uint16_t)(2000u + unbcd((dr >> 16) & 0xFFu));
    when->weekday = (uint8_t)((dr >> 13) & 7u);
    when->month = (uint8_t)unbcd((dr >> 8) & 0x1Fu);
    when->day = (uint8_t)unbcd(dr & 0x3Fu);
    when->subsecond = ssr <= rtc->prediv_s ? rtc->prediv_s - ssr : 0u;
    return STM32_OK;
}
