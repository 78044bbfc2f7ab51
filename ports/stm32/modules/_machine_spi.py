"""machine.SPI for the stm32 port (imported by machine.__getattr__ on first use; frozen)."""

from _machine import _spi_init, _spi_xfer
from machine import _code

_SPI_PINS = {1: ('A5', 'A7', 'A6'), 2: ('B13', 'B15', 'B14'), 3: ('B3', 'B5', 'B4')}
class SPI:
    MSB = 0
    LSB = 1
    def __init__(self, id, baudrate=1000000, polarity=0, phase=0, bits=8, firstbit=0, sck=None, mosi=None, miso=None):
        if bits != 8:
            raise ValueError('only 8-bit SPI transfers')
        d = _SPI_PINS.get(id, (None, None, None))
        p = [d[i] if v is None else v for i, v in enumerate((sck, mosi, miso))]
        if None in p:
            raise ValueError('SPI(%r) needs sck=, mosi= and miso= pins' % (id,))
        self._id = id
        self.baudrate = _spi_init(id, baudrate, (polarity << 1) | phase, firstbit, _code(p[0]), _code(p[1]), _code(p[2]))
    def write(self, buf):
        _spi_xfer(self._id, buf, len(buf))
    def read(self, n, write=0):
        return _spi_xfer(self._id, bytes([write]) * n, n)
    def readinto(self, buf, write=0):
        buf[:] = _spi_xfer(self._id, bytes([write]) * len(buf), len(buf))
    def write_readinto(self, wbuf, rbuf):
        rbuf[:] = _spi_xfer(self._id, wbuf, len(rbuf))
