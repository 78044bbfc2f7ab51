"""machine.Timer for the stm32 port (imported by machine.__getattr__ on first use; frozen). Callbacks run
through micropython.schedule's queue; _live keeps each running timer and its callback reachable for the GC
(the C side only holds them in statics, which the GC does not scan)."""

from _machine import _timer_start, _timer_stop

_live = {}
class Timer:
    ONE_SHOT = 0
    PERIODIC = 1
    def __init__(self, id=-1, mode=1, freq=-1, period=-1, tick_hz=1000, callback=None):
        self._id = id
        self._tid = None
        if freq != -1 or period != -1:
            self.init(mode=mode, freq=freq, period=period, tick_hz=tick_hz, callback=callback)
    def init(self, mode=1, freq=-1, period=-1, tick_hz=1000, callback=None):
        if mode not in (0, 1):
            raise ValueError('mode must be Timer.ONE_SHOT or Timer.PERIODIC')
        if callback is not None and not callable(callback):
            raise TypeError('callback must be callable')
        if freq != -1:
            if freq <= 0:
                raise ValueError('freq must be positive')
            num, den = (1, freq) if isinstance(freq, int) else (1000, round(freq * 1000))
        elif period != -1:
            if period <= 0 or tick_hz <= 0:
                raise ValueError('period and tick_hz must be positive')
            num, den = period, tick_hz
        else:
            raise ValueError('Timer needs freq= or period=')
        self.deinit()
        self._tid = _timer_start(self._id, num, den, mode == 0, callback, self)
        _live[self._tid] = (self, callback)
    def deinit(self):
        if self._tid is not None:
            _timer_stop(self._tid)
            _live.pop(self._tid, None)
            self._tid = None
    def __repr__(self):
        return 'Timer(%d)' % self._id
