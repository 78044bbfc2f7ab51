/* st_pwm.c: self-test of PWM, measured through a bench wire with GPIO edge interrupts. */
/* self-test of PWM: slice 6 channel A on GP12 at 1 kHz / 25 %, measured through the bench wire to
 * GP13 with GPIO edge interrupts timestamped by the TIMER. */
#include "selftest.h"

#include "hal.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_pwm.h"

#define PWM_PIN 12u
#define PROBE_PIN 13u
#define EDGES 12u

static volatile uint32_t edge_at[EDGES];
static volatile uint32_t edge_rise[EDGES];
static volatile uint32_t edges;

static void on_edge(uint32_t pin, uint32_t events, void *arg) {
    (void)pin;
    (void)arg;
    if (edges < EDGES) {
        edge_at[edges] = hal_ticks_us();
        edge_rise[edges] = (events & RP2_GPIO_IRQ_EDGE_RISE) != 0u;
        edges++;
    }
}

void st_pwm(void) {
    rp2_gpio_init(PROBE_PIN, 0);
    rp2_gpio_set_pull(PROBE_PIN, RP2_GPIO_PULL_NONE);
    rp2_gpio_set_irq(PROBE_PIN, RP2_GPIO_IRQ_EDGE_RISE | RP2_GPIO_IRQ_EDGE_FALL, on_edge, 0);
    int err = rp2_pwm_init(PWM_PIN, 1000, 65535u / 4u);
    uint32_t freq = rp2_pwm_freq(RP2_PWM_SLICE_OF(PWM_PIN));
    st_check(err == RP2_OK && freq == 1000u, "pwm.init", "err=%d freq=%lu", err, (unsigned long)freq);
    int got = st_wait_for(&edges, EDGES, 20000);
    rp2_gpio_set_irq(PROBE_PIN, 0, 0, 0);
    /* From the first rising edge: high time = fall - rise, period = next rise - rise. */
    uint32_t first = edge_rise[0] ? 0u : 1u;
    uint32_t high = 0;
    uint32_t period = 0;
    uint32_t cycles = 0;
    for (uint32_t i = first; i + 2u < EDGES; i += 2u) {
        high += edge_at[i + 1u] - edge_at[i];
        period += edge_at[i + 2u] - edge_at[i];
        cycles++;
    }
    uint32_t high_avg = cycles ? high / cycles : 0u;
    uint32_t period_avg = cycles ? period / cycles : 0u;
    st_check(got && cycles >= 4u && period_avg >= 995u && period_avg <= 1005u && high_avg >= 245u && high_avg <= 255u,
             "pwm.measured", "period=%lu us high=%lu us over %lu cycles", (unsigned long)period_avg,
             (unsigned long)high_avg, (unsigned long)cycles);
    st_value("pwm.period_us", (long)period_avg);
    st_value("pwm.high_us", (long)high_avg);
    rp2_pwm_set_duty_u16(PWM_PIN, 65535u);
    hal_delay_us(2500);
    st_check(rp2_gpio_get(PROBE_PIN) == 1, "pwm.full_duty", "steady high");
    rp2_pwm_set_duty_u16(PWM_PIN, 0);
    hal_delay_us(2500);
    st_check(rp2_gpio_get(PROBE_PIN) == 0, "pwm.zero_duty", "steady low");
    st_check(rp2_pwm_set_freq(0, 1) == RP2_ERR_INVALID && rp2_pwm_init(PWM_PIN, 1000, 70000) == RP2_ERR_INVALID,
             "pwm.bad_args", "refused");
    rp2_pwm_deinit(PWM_PIN);
}
