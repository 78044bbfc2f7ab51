"""pyb for the stm32 port: the board's LEDs and user switch over the native primitives of `_pyb`
(ports/stm32/mod_machine_io.c). Frozen into the firmware by ports/stm32/manifest.toml. _keep holds the
switch callback so the GC sees it (the C side keeps it in a static)."""

from _pyb import _led, _switch_callback, _switch_init, _switch_value

_keep = [None]
class LED:
    def __init__(self, id):
        _led(id, 3)
        self._id = id
    def on(self):
        _led(self._id, 1)
    def off(self):
        _led(self._id, 0)
    def toggle(self):
        _led(self._id, 2)
    def value(self):
        return _led(self._id, 3)
    def intensity(self, value=None):
        if value is None:
            return 255 if _led(self._id, 3) else 0
        if not 0 <= value <= 255:
            raise ValueError('intensity must be 0..255')
        _led(self._id, 1 if value else 0)
    def __repr__(self):
        return 'LED(%d)' % self._id
class Switch:
    def __init__(self):
        _switch_init()
    def __call__(self):
        return _switch_value()
    def value(self):
        return _switch_value()
    def callback(self, fn):
        if fn is not None and not callable(fn):
            raise TypeError('callback must be callable or None')
        w = None if fn is None else (lambda _sw: fn())
        _keep[0] = w
        _switch_callback(w, self)
