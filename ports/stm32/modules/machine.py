"""machine for the stm32 port: the Python-level classes (Pin, UART, I2C, SPI, RTC, ADC, WDT) over the
native primitives of `_machine` (ports/stm32/mod_machine.c). Frozen into the firmware as bytecode in
flash by ports/stm32/manifest.toml, so importing it compiles nothing on the device."""

from _machine import (
    DEEPSLEEP_RESET,
    HARD_RESET,
    PWRON_RESET,
    SOFT_RESET,
    WDT_RESET,
    _adc_channel,
    _adc_read,
    _board_pins,
    _i2c_init,
    _i2c_read,
    _i2c_scan,
    _i2c_write,
    _pin_cfg,
    _pin_exists,
    _pin_mode,
    _pin_read,
    _pin_write,
    _rtc_datetime,
    _spi_init,
    _spi_xfer,
    _uart_any,
    _uart_deinit,
    _uart_init,
    _uart_read,
    _uart_write,
    _wdt_feed,
    _wdt_start,
    bootloader,
    freq,
    idle,
    reset,
    reset_cause,
    unique_id,
)

_names = {}
for _n, _c, _l in _board_pins():
    _names[_n] = _c
class Pin:
    IN = 0
    OUT = 1
    ANALOG = 3
    OPEN_DRAIN = 17
    PULL_UP = 1
    PULL_DOWN = 2
    board = None
    def __init__(self, id, mode=-1, pull=None, value=None):
        if isinstance(id, Pin):
            id = id._name
        if isinstance(id, int):
            code = id
            name = 'P' + 'ABCDEFGHIJK'[code // 16] + str(code % 16) if 0 <= code < 176 else str(id)
        elif isinstance(id, str):
            name = id
            code = _names.get(id)
            if code is None:
                s = id[1:] if id[:1] == 'P' and len(id) > 2 else id
                if len(s) >= 2 and 'A' <= s[0] <= 'K' and s[1:].isdigit() and int(s[1:]) < 16:
                    code = (ord(s[0]) - 65) * 16 + int(s[1:])
                    name = 'P' + s
        else:
            raise TypeError('Pin id must be a str or int')
        if code is None or not _pin_exists(code):
            raise ValueError('invalid pin: %r' % (id,))
        self._code = code
        self._name = name
        if mode != -1 or pull is not None or value is not None:
            self.init(mode, pull, value)
    def init(self, mode=-1, pull=None, value=None):
        if mode == -1:
            mode = _pin_mode(self._code)
        od = mode == Pin.OPEN_DRAIN
        m = 1 if od else mode
        if m not in (0, 1, 3):
            raise ValueError('invalid pin mode: %r' % (mode,))
        if pull is None:
            pull = 0
        if pull not in (0, 1, 2):
            raise ValueError('invalid pull: %r' % (pull,))
        _pin_cfg(self._code, m, pull, od, -1 if value is None else (1 if value else 0))
    def __call__(self, v=None):
        return self.value(v)
    def value(self, v=None):
        if v is None:
            return _pin_read(self._code)
        _pin_write(self._code, v)
    def on(self):
        _pin_write(self._code, 1)
    def off(self):
        _pin_write(self._code, 0)
    high = on
    low = off
    def toggle(self):
        _pin_write(self._code, not _pin_read(self._code))
    def mode(self):
        m = _pin_mode(self._code)
        return m
    def name(self):
        return self._name
    def __repr__(self):
        return 'Pin(%s)' % self._name
class _Board:
    pass
Pin.board = _Board()
for _n in _names:
    setattr(Pin.board, _n, _n)
class WDT:
    def __init__(self, id=0, timeout=5000):
        if id != 0:
            raise ValueError('WDT(%r) does not exist' % (id,))
        self.timeout = _wdt_start(timeout)
    def feed(self):
        _wdt_feed()

# Default pins (F4/F7 datasheets' usual alternate functions) where the constructor gets none.
_UART_PINS = {1: ('A9', 'A10'), 2: ('A2', 'A3'), 3: ('B10', 'B11'), 4: ('A0', 'A1'), 6: ('C6', 'C7')}
_I2C_PINS = {1: ('B8', 'B9'), 2: ('B10', 'B11'), 3: ('A8', 'C9')}
def _code(p):
    return (p if isinstance(p, Pin) else Pin(p))._code

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
    def __repr__(self):
        return 'UART(%d, baudrate=%d)' % (self._id, self.baudrate)

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
