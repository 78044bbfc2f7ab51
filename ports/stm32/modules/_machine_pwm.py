"""machine.PWM for the stm32 port (imported by machine.__getattr__ on first use; frozen). The timer and channel
of a pin come from the chip's table in ports/stm32/drivers/tim_pins.c."""

from _machine import _pwm_deinit, _pwm_duty_ns, _pwm_duty_u16, _pwm_freq, _pwm_init, _pwm_where
from machine import Pin


class PWM:
    def __init__(self, dest, freq=1000, duty_u16=None, duty_ns=None, invert=False):
        self._slot = None
        self._pin = dest if isinstance(dest, Pin) else Pin(dest)
        self.init(freq, duty_u16, duty_ns, invert)
    def init(self, freq=1000, duty_u16=None, duty_ns=None, invert=False):
        if duty_u16 is not None and duty_ns is not None:
            raise ValueError('give duty_u16 or duty_ns, not both')
        self.deinit()
        self._slot = _pwm_init(self._pin._code, freq, 0 if duty_u16 is None else duty_u16, invert)
        if duty_ns is not None:
            _pwm_duty_ns(self._slot, duty_ns)
    def deinit(self):
        if self._slot is not None:
            _pwm_deinit(self._slot)
            self._slot = None
    def _s(self):
        if self._slot is None:
            raise ValueError('PWM is deinitialised')
        return self._slot
    def freq(self, value=None):
        if value is None:
            return _pwm_freq(self._s())
        _pwm_freq(self._s(), value)
    def duty_u16(self, value=None):
        if value is None:
            return _pwm_duty_u16(self._s())
        _pwm_duty_u16(self._s(), value)
    def duty_ns(self, value=None):
        if value is None:
            return _pwm_duty_ns(self._s())
        _pwm_duty_ns(self._s(), value)
    def __repr__(self):
        if self._slot is None:
            return 'PWM(%s)' % self._pin._name
        t, c = _pwm_where(self._slot)
        return 'PWM(%s, freq=%d, duty_u16=%d, timer=%d, channel=%d)' % (
            self._pin._name, _pwm_freq(self._slot), _pwm_duty_u16(self._slot), t, c)
