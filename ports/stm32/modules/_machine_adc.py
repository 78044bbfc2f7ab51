"""machine.RTC and machine.ADC for the stm32 port (imported by machine.__getattr__ on first use; frozen)."""

from _machine import _adc_channel, _adc_read, _rtc_datetime
from machine import Pin


class RTC:
    def __init__(self, id=0):
        pass
    def datetime(self, dt=None):
        if dt is None:
            return _rtc_datetime()
        _rtc_datetime(tuple(dt))
class ADC:
    CORE_TEMP = 0x100
    CORE_VREF = 17
    CORE_VBAT = 18
    def __init__(self, pin):
        if isinstance(pin, int) and pin in (0x100, 17, 18):
            self._ch = pin
            return
        p = pin if isinstance(pin, Pin) else Pin(pin)
        self._ch = _adc_channel(p._code)
        if self._ch < 0:
            raise ValueError('%r has no ADC channel' % (p,))
        p.init(Pin.ANALOG)
    def read_u16(self):
        v = _adc_read(self._ch)
        return (v << 4) | (v >> 8)
