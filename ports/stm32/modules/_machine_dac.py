"""machine.DAC for the stm32 port (imported by machine.__getattr__ on first use; frozen)."""

from _machine import _HAS_DAC, _dac_deinit, _dac_init, _dac_write
from machine import Pin


class DAC:
    def __init__(self, id, bits=8, buffering=True):
        if not _HAS_DAC:
            raise ValueError('this chip has no DAC')
        if isinstance(id, (str, Pin)):
            p = id if isinstance(id, Pin) else Pin(id)
            ch = {4: 1, 5: 2}.get(p._code)
            if ch is None:
                raise ValueError('%r has no DAC channel (PA4, PA5)' % (p,))
        elif id in (1, 2):
            ch = id
        else:
            raise ValueError('DAC(%r) does not exist' % (id,))
        if bits not in (8, 12):
            raise ValueError('bits must be 8 or 12')
        self._ch = ch
        self._bits = bits
        _dac_init(ch, buffering)
    def write(self, value):
        top = (1 << self._bits) - 1
        if not 0 <= value <= top:
            raise ValueError('DAC value must be 0..%d' % top)
        _dac_write(self._ch, value << 4 if self._bits == 8 else value)
    def write_u16(self, value):
        if not 0 <= value <= 65535:
            raise ValueError('DAC value must be 0..65535')
        _dac_write(self._ch, value >> 4)
    def deinit(self):
        _dac_deinit(self._ch)
    def __repr__(self):
        return 'DAC(%d, bits=%d)' % (self._ch, self._bits)
