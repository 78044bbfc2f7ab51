"""machine for the rp2 port: the Python-level classes (Pin with IRQs, UART, I2C, SPI, ADC, PWM, Timer, WDT,
mem8/16/32) over the native primitives of `_machine` (ports/rp2/mod_machine.c). Frozen into the firmware as
bytecode in flash by ports/rp2/manifest.toml, so importing it compiles nothing on the device. The IRQ
dispatchers handed to _irq_init stay referenced from this module's globals (the C side keeps them in
statics, which the GC does not scan)."""

from _machine import (
    DEEPSLEEP_RESET,
    HARD_RESET,
    PWRON_RESET,
    SOFT_RESET,
    WDT_RESET,
    _adc_read,
    _board_pins,
    _i2c_init,
    _i2c_read,
    _i2c_scan,
    _i2c_write,
    _irq_init,
    _irq_take,
    _mem_get,
    _mem_set,
    _pin_cfg,
    _pin_flags,
    _pin_irq,
    _pin_mode,
    _pin_read,
    _pin_toggle,
    _pin_write,
    _pwm_deinit,
    _pwm_duty,
    _pwm_freq,
    _pwm_init,
    _spi_init,
    _spi_xfer,
    _timer_start,
    _timer_stop,
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


class _Mem:
    def __init__(self, w):
        self._w = w
    def __getitem__(self, a):
        return _mem_get(a, self._w)
    def __setitem__(self, a, v):
        _mem_set(a, self._w, v)
mem8 = _Mem(1)
mem16 = _Mem(2)
mem32 = _Mem(4)
_names = {}
for _n, _c in _board_pins():
    _names[_n] = _c
def _irq_call(f, arg):
    try:
        f(arg)
        return True
    except Exception as e:
        import sys
        print('Uncaught exception in IRQ callback handler')
        sys.print_exception(e)
        return False
_irq_h = {}
def _gpio_dispatch(mask):
    for p in range(30):
        if mask >> p & 1:
            n = _irq_take(0, p)
            while n > 0 and p in _irq_h:
                n -= 1
                h = _irq_h[p]
                if not _irq_call(h[0], h[1]):
                    h[1].irq(None)
class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8
    board = None
    def __init__(self, id, mode=-1, pull=-1, value=None):
        if isinstance(id, Pin):
            id = id._id
        given = id
        if isinstance(id, str):
            n = _names.get(id)
            if n is None and id[:2] == 'GP' and id[2:].isdigit():
                n = int(id[2:])
            if n is None:
                raise ValueError('invalid pin: %r' % (id,))
            id = n
        elif not isinstance(id, int):
            raise TypeError('Pin id must be a str or int')
        if not 0 <= id < 30:
            raise ValueError('invalid pin: %r' % (given,))
        self._id = id
        if mode != -1 or pull != -1 or value is not None:
            self.init(mode, pull, value)
    def init(self, mode=-1, pull=-1, value=None):
        if mode == -1:
            mode = _pin_mode(self._id)
        if mode not in (0, 1, 2):
            raise ValueError('invalid pin mode: %r' % (mode,))
        if pull is None or pull == -1:
            pull = 0
        if pull not in (0, 1, 2):
            raise ValueError('invalid pull: %r' % (pull,))
        _pin_cfg(self._id, mode, pull, -1 if value is None else (1 if value else 0))
    def __call__(self, v=None):
        return self.value(v)
    def value(self, v=None):
        if v is None:
            return _pin_read(self._id)
        _pin_write(self._id, v)
    def on(self):
        _pin_write(self._id, 1)
    def off(self):
        _pin_write(self._id, 0)
    high = on
    low = off
    def toggle(self):
        _pin_toggle(self._id)
    def irq(self, handler=None, trigger=12, hard=False):
        if not trigger or trigger & ~12:
            raise ValueError('invalid trigger: %r (Pin.IRQ_RISING and/or Pin.IRQ_FALLING)' % (trigger,))
        if handler is None:
            _irq_h.pop(self._id, None)
            _pin_irq(self._id, 0)
        else:
            _irq_h[self._id] = (handler, self)
            _pin_irq(self._id, trigger)
        return self
    def flags(self):
        return _pin_flags(self._id)
    def __repr__(self):
        return 'Pin(GPIO%d)' % self._id
class _Board:
    pass
Pin.board = _Board()
for _n in _names:
    setattr(Pin.board, _n, _n)
def _pin(p):
    return (p if isinstance(p, Pin) else Pin(p))._id

# Default pins: the Pico's usual ones (MicroPython's too).
class UART:
    def __init__(self, id, baudrate=115200, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0):
        if id not in (0, 1):
            raise ValueError('UART(%r) does not exist' % (id,))
        self._id = id
        self.init(baudrate, bits, parity, stop, tx, rx, timeout)
    def init(self, baudrate=115200, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0):
        d = ((0, 1), (4, 5))[self._id]
        tx = _pin(d[0] if tx is None else tx)
        rx = _pin(d[1] if rx is None else rx)
        if tx % 4 != 0 or (tx + 4) // 8 % 2 != self._id:
            raise ValueError('tx: GP%d is not a TX pin of UART%d' % (tx, self._id))
        if rx % 4 != 1 or (rx + 4) // 8 % 2 != self._id:
            raise ValueError('rx: GP%d is not an RX pin of UART%d' % (rx, self._id))
        if bits not in (5, 6, 7, 8):
            raise ValueError('bits must be 5..8')
        par = {None: 0, 1: 1, 0: 2}.get(parity)
        if par is None:
            raise ValueError('parity must be None, 0 (even) or 1 (odd)')
        if stop not in (1, 2):
            raise ValueError('stop must be 1 or 2')
        if timeout < 0:
            raise ValueError('timeout must be >= 0')
        self.timeout = timeout
        self.baudrate = _uart_init(self._id, baudrate, bits, par, stop, tx, rx)
    def deinit(self):
        _uart_deinit(self._id)
    def write(self, buf):
        return _uart_write(self._id, buf)
    def read(self, n=-1):
        b = _uart_read(self._id, -1 if n is None else n, self.timeout, False)
        return b if b else None
    def readline(self):
        b = _uart_read(self._id, -1, self.timeout, True)
        return b if b else None
    def readinto(self, buf, n=None):
        b = _uart_read(self._id, len(buf) if n is None else n, self.timeout, False)
        buf[:len(b)] = b
        return len(b) if b else None
    def any(self):
        return _uart_any(self._id)
    def ioctl(self, req, arg):
        # select.poll / asyncio streams: request 3 asks which of POLLIN (1) | POLLOUT (4) are ready
        return (arg & 4) | (1 if arg & 1 and _uart_any(self._id) else 0) if req == 3 else -1
    def __repr__(self):
        return 'UART(%d, baudrate=%d)' % (self._id, self.baudrate)

class I2C:
    def __init__(self, id, scl=None, sda=None, freq=400000, timeout=50000):
        if id not in (0, 1):
            raise ValueError('I2C(%r) does not exist' % (id,))
        d = ((5, 4), (7, 6))[id]
        scl = _pin(d[0] if scl is None else scl)
        sda = _pin(d[1] if sda is None else sda)
        if scl % 2 != 1 or scl // 2 % 2 != id:
            raise ValueError('scl: GP%d is not an SCL pin of I2C%d' % (scl, id))
        if sda % 2 != 0 or sda // 2 % 2 != id:
            raise ValueError('sda: GP%d is not an SDA pin of I2C%d' % (sda, id))
        self._id = id
        self.freq = freq
        _i2c_init(id, freq, scl, sda, timeout)
    def scan(self):
        return _i2c_scan(self._id)
    def writeto(self, addr, buf, stop=True):
        return _i2c_write(self._id, addr, buf, stop)
    def readfrom(self, addr, n, stop=True):
        return _i2c_read(self._id, addr, n, stop)
    def readfrom_into(self, addr, buf, stop=True):
        buf[:] = _i2c_read(self._id, addr, len(buf), stop)
    def writeto_mem(self, addr, memaddr, buf, addrsize=8):
        _i2c_write(self._id, addr, _maddr(memaddr, addrsize) + bytes(buf), True)
    def readfrom_mem(self, addr, memaddr, n, addrsize=8):
        _i2c_write(self._id, addr, _maddr(memaddr, addrsize), False)
        return _i2c_read(self._id, addr, n, True)
    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):
        buf[:] = self.readfrom_mem(addr, memaddr, len(buf), addrsize)
def _maddr(m, size):
    if size not in (8, 16):
        raise ValueError('addrsize must be 8 or 16')
    return bytes([m & 255]) if size == 8 else bytes([m >> 8 & 255, m & 255])

class SPI:
    MSB = 0
    def __init__(self, id, baudrate=1000000, polarity=0, phase=0, bits=8, firstbit=0, sck=None, mosi=None, miso=None):
        if id not in (0, 1):
            raise ValueError('SPI(%r) does not exist' % (id,))
        if bits != 8:
            raise ValueError('bits: only 8-bit SPI transfers')
        if firstbit != 0:
            raise ValueError('firstbit: only SPI.MSB')
        if polarity not in (0, 1) or phase not in (0, 1):
            raise ValueError('polarity and phase must be 0 or 1')
        d = ((18, 19, 16), (10, 11, 8))[id]
        p = [_pin(d[i] if v is None else v) for i, v in enumerate((sck, mosi, miso))]
        for i, role, name in ((0, 2, 'sck'), (1, 3, 'mosi'), (2, 0, 'miso')):
            if p[i] % 4 != role or p[i] // 8 % 2 != id:
                raise ValueError('%s: GP%d is not a %s pin of SPI%d' % (name, p[i], name.upper(), id))
        self._id = id
        self.baudrate = _spi_init(id, baudrate, (polarity << 1) | phase, p[0], p[1], p[2])
    def write(self, buf):
        _spi_xfer(self._id, buf, len(buf))
    def read(self, n, write=0):
        return _spi_xfer(self._id, bytes([write]) * n, n)
    def readinto(self, buf, write=0):
        buf[:] = _spi_xfer(self._id, bytes([write]) * len(buf), len(buf))
    def write_readinto(self, wbuf, rbuf):
        if len(wbuf) != len(rbuf):
            raise ValueError('buffers must be the same length')
        rbuf[:] = _spi_xfer(self._id, wbuf, len(rbuf))

class ADC:
    CORE_TEMP = 4
    def __init__(self, id):
        if isinstance(id, int) and 0 <= id <= 4:
            self._ch = id
            return
        p = _pin(id)
        if not 26 <= p <= 29:
            raise ValueError('Pin(GPIO%d) has no ADC channel (GP26..GP29 or channel 0..4)' % p)
        self._ch = p - 26
    def read_u16(self):
        v = _adc_read(self._ch)
        return (v << 4) | (v >> 8)
class PWM:
    def __init__(self, pin, freq=1000, duty_u16=0, duty_ns=None):
        self._pin = _pin(pin)
        self._duty = duty_u16
        self._freq = _pwm_init(self._pin, freq, duty_u16)
        if duty_ns is not None:
            self.duty_ns(duty_ns)
    def freq(self, f=None):
        if f is None:
            return self._freq
        self._freq = _pwm_freq(self._pin, f)
    def duty_u16(self, d=None):
        if d is None:
            return self._duty
        _pwm_duty(self._pin, d)
        self._duty = d
    def duty_ns(self, ns=None):
        if ns is None:
            return self._duty * 1000000000 // (65535 * self._freq)
        if ns < 0:
            raise ValueError('duty_ns must be >= 0')
        self.duty_u16(min(65535, (ns * self._freq * 65535 + 500000000) // 1000000000))
    def deinit(self):
        _pwm_deinit(self._pin)
_timers = {}
def _timer_dispatch(mask):
    for a in range(4):
        if mask >> a & 1:
            n = _irq_take(1, a)
            t = _timers.get(a)
            while n > 0 and t is not None and t._alarm == a:
                n -= 1
                if t._mode == 0:
                    t.deinit()
                if t._cb and not _irq_call(t._cb, t):
                    t.deinit()
class Timer:
    ONE_SHOT = 0
    PERIODIC = 1
    def __init__(self, id=-1, mode=1, period=-1, freq=None, callback=None, tick_hz=1000):
        self._alarm = None
        if period != -1 or freq is not None or callback is not None:
            self.init(mode=mode, period=period, freq=freq, callback=callback, tick_hz=tick_hz)
    def init(self, mode=1, period=-1, freq=None, callback=None, tick_hz=1000):
        if mode not in (0, 1):
            raise ValueError('mode must be Timer.ONE_SHOT or Timer.PERIODIC')
        if freq is not None:
            if freq <= 0:
                raise ValueError('freq must be positive')
            us = int(1000000 / freq)
        else:
            if period < 0 or tick_hz <= 0:
                raise ValueError('period must be given (>= 0)')
            us = period * 1000000 // tick_hz
        self.deinit()
        self._mode = mode
        self._cb = callback
        self._alarm = _timer_start(us, mode == 1)
        _timers[self._alarm] = self
    def deinit(self):
        if self._alarm is not None:
            _timer_stop(self._alarm)
            _timers.pop(self._alarm, None)
            self._alarm = None
class WDT:
    def __init__(self, id=0, timeout=5000):
        if id != 0:
            raise ValueError('WDT(%r) does not exist' % (id,))
        _wdt_start(timeout)
        self.timeout = timeout
    def feed(self):
        _wdt_feed()
_irq_init(_gpio_dispatch, _timer_dispatch)
