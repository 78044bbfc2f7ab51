"""machine for the stm32 port: Pin and WDT over the native primitives of `_machine` (ports/stm32/mod_machine.c
and mod_machine_io.c). The other classes live in frozen modules of their own (_machine_uart.py, ...) that
__getattr__ imports on first use, so `import machine` only builds Pin and WDT on the heap. Frozen into the
firmware as bytecode in flash by ports/stm32/manifest.toml: importing it compiles nothing on the device."""

from _machine import (
    DEEPSLEEP_RESET,
    HARD_RESET,
    PWRON_RESET,
    SOFT_RESET,
    WDT_RESET,
    _board_pins,
    _pin_cfg,
    _pin_exists,
    _pin_mode,
    _pin_read,
    _pin_write,
    _wdt_feed,
    _wdt_start,
    bootloader,
    deepsleep,
    freq,
    idle,
    lightsleep,
    mem8,
    mem16,
    mem32,
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

def _code(p):
    return (p if isinstance(p, Pin) else Pin(p))._code

# Classes built on first use: name -> the frozen module defining it.
_LAZY = {'UART': '_machine_uart', 'I2C': '_machine_i2c', 'SPI': '_machine_spi', 'RTC': '_machine_adc',
         'ADC': '_machine_adc', 'PWM': '_machine_pwm', 'Timer': '_machine_timer', 'DAC': '_machine_dac'}

def __getattr__(name):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError("module 'machine' has no attribute '%s'" % name)
    value = getattr(__import__(mod), name)
    globals()[name] = value
    return value
