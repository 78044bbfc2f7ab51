/* adc.c: ADC single conversion (RM0090 ch. 13: CR2 ADON/SWSTART, SQR3, SMPRx, SR EOC; common CCR
   ADCPRE/TSVREFE/VBATE). */
#include "drivers/adc.h"

#include "drivers/chip.h"
#include "drivers/drv.h"
#include "drivers/gpio.h"
#include "drivers/rcc.h"
#include "drivers/wait.h"
#include "stm32_port.h"
#include "stm32_series.h"

#define SR 0x00u
#define CR1 0x04u
#define CR2 0x08u
#define SMPR1 0x0Cu
#define SMPR2 0x10u
#define SQR1 0x2Cu
#define SQR3 0x34u
#define DR 0x4Cu
#define CCR DRV_REG(STM32_ADC_COMMON + 0x04u)

#define SR_EOC (1u << 1)
#define SR_OVR (1u << 5)
#define CR1_RES_POS 24u
#define CR2_ADON (1u << 0)
#define CR2_SWSTART (1u << 30)
#define CCR_ADCPRE_POS 16u
#define CCR_VBATE (1u << 22)
#define CCR_TSVREFE (1u << 23)

#define ADCCLK_MAX_HZ 36000000u /* VDDA 2.4..3.6 V on every part here */
#define SMP_480 7u              /* 480 cycles: internal channels need >= 10 us */
#define SMP_EXTERNAL 4u         /* 84 cycles: sources up to ~10 kOhm */
#define STABILISE_US 3u         /* tSTAB after ADON */
#define CONVERSION_TIMEOUT_US 1000u
#define SENSOR_START_US 10u     /* tSTART of the temperature sensor */

#define REG(adc, off) DRV_REG((adc)->base + (off))

int stm32_adc_init(stm32_adc_t *adc, uint32_t index, uint32_t bits) {
    adc->up = 0u;
    if (index < 1u || index > stm32_chip.adc_count) {
        return -STM32_ENODEV;
    }
    uint32_t res;
    switch (bits) {
    case 12u: res = 0u; break;
    case 10u: res = 1u; break;
    case 8u: res = 2u; break;
    case 6u: res = 3u; break;
    default: return -STM32_EINVAL;
    }
    adc->base = STM32_ADC1 + 0x100u * (index - 1u);
    adc->index = index;
    adc->timeout_us = CONVERSION_TIMEOUT_US;
    adc->resolution_bits = (uint8_t)bits;
    stm32_rcc_enable((stm32_clk_t){STM32_BUS_APB2, (uint8_t)(7u + index)}); /* ADC1EN is bit 8 */
    uint32_t pre = 0u; /* ADCCLK = PCLK2 / (2 * (pre + 1)) */
    while (pre < 3u && stm32_bus_hz(STM32_BUS_APB2) / (2u * (pre + 1u)) > ADCCLK_MAX_HZ) {
        pre++;
    }
    drv_modify(&CCR, 3u << CCR_ADCPRE_POS, pre << CCR_ADCPRE_POS);
    REG(adc, CR1) = res << CR1_RES_POS;
    REG(adc, SQR1) = 0u; /* one conversion in the regular sequence */
    const bool was_on = (REG(adc, CR2) & CR2_ADON) != 0u;
    REG(adc, CR2) = CR2_ADON;
    if (!was_on) {
        stm32_spin_us(STABILISE_US);
    }
    adc->up = 1u;
    return STM32_OK;
}

void stm32_adc_deinit(stm32_adc_t *adc) {
    if (adc->up) {
        REG(adc, CR2) = 0u;
        adc->up = 0u;
    }
}

static void set_sample_time(stm32_adc_t *adc, uint32_t channel, uint32_t smp) {
    if (channel < 10u) {
        drv_modify(&REG(adc, SMPR2), 7u << (3u * channel), smp << (3u * channel));
    } else {
        drv_modify(&REG(adc, SMPR1), 7u << (3u * (channel - 10u)), smp << (3u * (channel - 10u)));
    }
}

int stm32_adc_read(stm32_adc_t *adc, uint32_t channel, uint32_t *value) {
    if (!adc->up) {
        return -STM32_EINVAL;
    }
    const bool sensor = channel == STM32_ADC_CH_TEMP;
    if (sensor) {
        channel = stm32_chip.adc_temp_ch;
    }
    if (channel > 18u || (channel >= 16u && adc->index != 1u)) {
        return -STM32_EINVAL;
    }
    if (channel >= 16u) {
        /* Where the sensor shares IN18 with VBAT, VBATE wins: it must be off to read the sensor. VBATE also
           drains the battery, so it is on only while VBAT itself is read. */
        const uint32_t want = channel == STM32_ADC_CH_VBAT && !sensor ? CCR_VBATE : CCR_TSVREFE;
        const uint32_t ccr = CCR;
        if ((ccr & (CCR_TSVREFE | CCR_VBATE)) != want) {
            CCR = (ccr & ~(CCR_TSVREFE | CCR_VBATE)) | want;
            stm32_spin_us(SENSOR_START_US);
        }
        set_sample_time(adc, channel, SMP_480);
    } else {
        set_sample_time(adc, channel, SMP_EXTERNAL);
    }
    REG(adc, SQR3) = channel;
    REG(adc, SR) = ~(SR_EOC | SR_OVR); /* rc_w0: clear stale flags */
    REG(adc, CR2) = CR2_ADON | CR2_SWSTART;
    /*
     * QEMU's ADC model never sets EOC: it produces the sample when DR is read after SWSTART. Under an
     * emulator (RCC absent, see clock.c) DR is read without the wait; silicon always waits for EOC.
     */
    if (!stm32_clocks()->emulated && stm32_wait_reg(&REG(adc, SR), SR_EOC, SR_EOC, adc->timeout_us) != STM32_OK) {
        return -STM32_ETIMEDOUT;
    }
    *value = REG(adc, DR) & 0xFFFFu; /* reading DR clears EOC */
    return STM32_OK;
}

uint32_t stm32_adc_channel_pin(uint32_t channel) {
    /* ADC123_IN0..3 PA0..3, ADC12_IN4..7 PA4..7, IN8/9 PB0/1, IN10..15 PC0..5 (datasheet pinouts). */
    if (channel < 8u) {
        return STM32_PIN_CODE('A', channel);
    }
    if (channel < 10u) {
        return STM32_PIN_CODE('B', channel - 8u);
    }
    if (channel < 16u) {
        return STM32_PIN_CODE('C', channel - 10u);
    }
    return STM32_PIN_NONE;
}

int32_t stm32_adc_temp_centi(uint32_t raw_temp, uint32_t raw_vref) {
    /* Calibration: TS_CAL1 at 30 C and TS_CAL2 at 110 C, VREFINT_CAL, all taken at VDDA = 3.3 V. */
    const int32_t cal1 = DRV_REG16(STM32_CAL_TS1);
    const int32_t cal2 = DRV_REG16(STM32_CAL_TS2);
    const int32_t vref_cal = DRV_REG16(STM32_CAL_VREFINT);
    if (cal2 <= cal1 || raw_vref == 0u) {
        return INT32_MIN;
    }
    /* Scale the reading to what it would be at 3.3 V: raw * VREFINT_CAL / VREFINT_now. */
    const int32_t scaled = (int32_t)((int64_t)raw_temp * vref_cal / (int32_t)raw_vref);
    return 3000 + (int32_t)((int64_t)(scaled - cal1) * 8000 / (cal2 - cal1));
}
