"""machine.UART for the stm32 port (imported by machine.__getattr__ on first use; frozen)."""

from _machine import _uart_any, _uart_deinit, _uart_init, _uart_read, _uart_write
from machine import _code

# Default pins (F4/F7 datasheets' usual alternate functions) where the constructor gets none.
_UART_PINS = {1: ('A9', 'A10'), 2: ('A2', 'A3'), 3: ('B10', 'B11'), 4: ('A0', 'A1'), 6: ('C6', 'C7')}

class UART:
    def __init__(self, id, baudrate=9600, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0):
        self._id = id
        self.init(baudrate, bits, parity, stop, tx, rx, timeout)
    def init(self, baudrate=9600, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0):
        d = _UART_PINS.get(self._id, (None, None))
        tx = d[0] if tx is None else tx
        rx = d[1] if rx is None else rx
        if tx is None or rx is None:
            raise ValueError('UART(%r) needs tx= and rx= pins' % (self._id,))
        par = {None: 0, 0: 2, 1: 1}.get(parity)
        if par is None:
            raise ValueError('parity must be None, 0 (even) or 1 (odd)')
        self.timeout = timeout
        self.baudrate = _uart_init(self._id, baudrate, bits, par, stop, _code(tx), _code(rx))
    def deinit(self):
        _uart_deinit(self._id)
    def write(self, buf):
        return _uart_write(self._id, buf)
    def read(self, n=-1):
        b = _uart_read(self._id, n, self.timeout)
        return b if b else None
    def readinto(self, buf, n=None):
        b = _uart_read(self._id, len(buf) if n is None else n, self.timeout)
        buf[:len(b)] = b
        return len(b) if b else None
    def any(self):
        return _uart_any(self._id)
    def ioctl(self, req, arg):
        # select.poll / asyncio streams: request 3 asks which of POLLIN (1) | POLLOUT (4) are ready
        return (arg & 4) | (1 if arg & 1 and _uart_any(self._id) else 0) if req == 3 else -1
    def __repr__(self):
        return 'UART(%d, baudrate=%d)' % (self._id, self.baudrate)
