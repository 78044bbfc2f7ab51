/* rp2_pwm.h: the eight PWM slices (two channels each): frequency, 16-bit duty, pin output. */
#ifndef KILN_RP2_PWM_H
#define KILN_RP2_PWM_H

#include <stdint.h>

#define RP2_PWM_SLICE_OF(pin) (((pin) >> 1) & 7u) /* channel A on even pins, B on odd */

/* Routes the pin to its slice/channel and starts it at freq_hz with duty duty_u16/65535. The
 * slice's frequency is shared by its two channels; the last call sets it. */
int rp2_pwm_init(uint32_t pin, uint32_t freq_hz, uint32_t duty_u16);
int rp2_pwm_set_freq(uint32_t slice, uint32_t freq_hz);
/* The frequency the divider and TOP really give (0 when the slice is not set up). */
uint32_t rp2_pwm_freq(uint32_t slice);
int rp2_pwm_set_duty_u16(uint32_t pin, uint32_t duty_u16);
/* Stops the pin's slice (both channels) and frees the pin. */
void rp2_pwm_deinit(uint32_t pin);
/* Stops every slice and forgets all settings (soft reset). */
void rp2_pwm_reset_state(void);

#endif
