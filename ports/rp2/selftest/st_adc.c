/* st_adc.c: self-test of the ADC (GP26 input and the temperature sensor). */
/* self-test of the ADC: GP26 (channel 0) and the temperature sensor (channel 4) with the bench's
 * input values, and the datasheet's temperature conversion. */
#include "selftest.h"

#include "rp2_adc.h"
#include "rp2_err.h"

void st_adc(void) {
    int err = rp2_adc_init();
    st_check(err == RP2_OK && rp2_adc_init_pin(26) == RP2_OK, "adc.init", "err=%d", err);
    uint16_t raw = 0;
    err = rp2_adc_read(0, &raw);
    st_check(err == RP2_OK && raw == 1234u, "adc.channel0", "err=%d raw=%u", err, raw);
    err = rp2_adc_read(3, &raw);
    st_check(err == RP2_OK && raw == 4095u, "adc.channel3", "err=%d raw=%u", err, raw);
    err = rp2_adc_read(RP2_ADC_TEMP_CHANNEL, &raw);
    int32_t mdeg = rp2_adc_temp_mdeg(raw);
    st_check(err == RP2_OK && raw == 891u, "adc.temperature", "raw=%u %ld mdegC", raw, (long)mdeg);
    st_value("adc.temp_raw", raw);
    st_value("adc.temp_mdeg", mdeg);
    st_check(rp2_adc_read(5, &raw) == RP2_ERR_INVALID && rp2_adc_init_pin(25) == RP2_ERR_INVALID, "adc.bad_args",
             "refused");
}
