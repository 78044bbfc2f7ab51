"""machine.I2C for the stm32 port (imported by machine.__getattr__ on first use; frozen)."""

from _machine import _i2c_init, _i2c_read, _i2c_scan, _i2c_write
from machine import _code

# Default pins (F4/F7 datasheets' usual alternate functions) where the constructor gets none.
_I2C_PINS = {1: ('B8', 'B9'), 2: ('B10', 'B11'), 3: ('A8', 'C9')}

class I2C:
    def __init__(self, id, scl=None, sda=None, freq=400000, timeout=50000):
        d = _I2C_PINS.get(id, (None, None))
        scl = d[0] if scl is None else scl
        sda = d[1] if sda is None else sda
        if scl is None or sda is None:
            raise ValueError('I2C(%r) needs scl= and sda= pins' % (id,))
        self._id = id
        self.freq = _i2c_init(id, freq, _code(scl), _code(sda), timeout)
    def scan(self):
        return _i2c_scan(self._id)
    def writeto(self, addr, buf, stop=True):
        return _i2c_write(self._id, addr, buf, stop)
    def readfrom(self, addr, n, stop=True):
        return _i2c_read(self._id, addr, n, stop)
    def readfrom_into(self, addr, buf, stop=True):
        buf[:] = _i2c_read(self._id, addr, len(buf), stop)
    def writeto_mem(self, addr, reg, buf):
        return _i2c_write(self._id, addr, bytes([reg]) + bytes(buf), True) - 1
    def readfrom_mem(self, addr, reg, n):
        _i2c_write(self._id, addr, bytes([reg]), False)
        return _i2c_read(self._id, addr, n, True)
