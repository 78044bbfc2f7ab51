# asyncio/core.py: tasks, the scheduler (ready queue, timer heap, I/O poller) and the event loop.
#
# Every task waits in exactly one place: the ready queue, the timer heap, a wait list (Event, Lock,
# another task's waiters) or the I/O poller. Awaitables arrange their own wake-up and then yield None
# to the loop. When nothing is ready the loop computes the time to the next timer and blocks in
# select.poll for at most that long, so a port can sleep the core (hal_wait_event) while idle.
import select
import sys
from time import ticks_add, ticks_diff, ticks_ms


class CancelledError(BaseException):
    pass


TimeoutError = TimeoutError  # noqa: A001,PLW0127 (the builtin, as in CPython 3.11)


class InvalidStateError(Exception):
    pass


# ---- scheduler state (reset by new_event_loop) ----

class _Sched:
    pass


_s = _Sched()


def _reset():
    _s.ready_in = []  # tasks to run in the next round, in order
    _s.timers = []  # binary heap of [wake_ticks, seq, task, gen]
    _s.seq = 0
    _s.cur = None
    _s.tasks = set()
    _s.io = _IOQueue()
    _s.stop = False
    _s.handler = None


def _schedule(t, data=None):
    """Make t ready to run, resuming it with data (None or an exception to throw)."""
    t._gen += 1  # stale timer entries for t are skipped
    wq = t._waitq
    if wq is not None:
        t._waitq = None
        try:
            wq.remove(t)
        except ValueError:
            pass
    if t._io is not None:
        _s.io.remove(t)
    if data is not None:
        t.data = data
    if not t._ready:
        t._ready = True
        _s.ready_in.append(t)


def _sleep_until(t, when):
    t._gen += 1
    _s.seq += 1
    _heap_push(_s.timers, [when, _s.seq, t, t._gen])


def _wait_on(t, q):
    """Park t on the wait list q (a list); _schedule takes it off again."""
    t._waitq = q
    q.append(t)


def _before(a, b):
    d = ticks_diff(a[0], b[0])
    return d < 0 or (d == 0 and a[1] < b[1])


def _heap_push(h, e):
    h.append(e)
    i = len(h) - 1
    while i > 0:
        p = (i - 1) >> 1
        if not _before(e, h[p]):
            break
        h[i] = h[p]
        i = p
    h[i] = e


def _heap_pop(h):
    top = h[0]
    last = h.pop()
    n = len(h)
    if n:
        i = 0
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            if c + 1 < n and _before(h[c + 1], h[c]):
                c += 1
            if not _before(h[c], last):
                break
            h[i] = h[c]
            i = c
        h[i] = last
    return top


# ---- I/O ----

class _IOQueue:
    def __init__(self):
        self.poller = select.poll()
        self.map = {}  # id(stream) -> [stream, reader task, writer task]

    def _queue(self, s, idx):
        k = id(s)
        e = self.map.get(k)
        if e is None:
            e = self.map[k] = [s, None, None]
        if e[idx] is not None:
            raise RuntimeError("another task is already waiting on this stream")
        e[idx] = _s.cur
        _s.cur._io = s
        self._update(k, e)

    def _update(self, k, e):
        mask = (select.POLLIN if e[1] is not None else 0) | (select.POLLOUT if e[2] is not None else 0)
        if mask:
            self.poller.register(e[0], mask)
        else:
            self.poller.unregister(e[0])
            del self.map[k]

    def queue_read(self, s):
        self._queue(s, 1)

    def queue_write(self, s):
        self._queue(s, 2)

    def remove(self, t):
        s = t._io
        t._io = None
        k = id(s)
        e = self.map.get(k)
        if e is None:
            return
        if e[1] is t:
            e[1] = None
        if e[2] is t:
            e[2] = None
        self._update(k, e)

    def wait(self, ms):
        for s, ev in self.poller.ipoll(ms):
            e = self.map.get(id(s))
            if e is None:
                continue
            r, w = e[1], e[2]
            if r is not None and ev & ~select.POLLOUT:
                _schedule(r)
            if w is not None and ev & ~select.POLLIN:
                _schedule(w)


# ---- awaitables the scheduler understands ----

class _Yield:
    """Awaiting it hands control back to the loop once; the caller has arranged the wake-up."""

    def __await__(self):
        yield None

    __iter__ = __await__


_yield = _Yield()


async def sleep_ms(ms, result=None):
    t = _s.cur
    if ms <= 0:
        _schedule(t)
    else:
        _sleep_until(t, ticks_add(ticks_ms(), int(ms)))
    await _yield
    return result


async def sleep(delay, result=None):
    t = _s.cur
    if delay <= 0:
        _schedule(t)
    else:
        _sleep_until(t, ticks_add(ticks_ms(), int(delay * 1000 + 0.5)))
    await _yield
    return result


# ---- tasks ----

class Task:
    def __init__(self, coro, name=None):
        if not hasattr(coro, "send"):
            raise TypeError(f"a coroutine was expected, got {coro!r}")
        self.coro = coro
        self.data = None
        self._name = name
        self._gen = 0
        self._ready = False
        self._waitq = None
        self._io = None
        self._waiters = []  # tasks blocked in `await self`
        self._callbacks = None
        self._state = 0  # 0 pending, 1 done, 2 cancelled, 3 raised
        self._result = None
        self._retrieved = False
        self._waiting_on = None  # the task this one awaits (cancel passes through, as in CPython)
        self._must_cancel = False
        _s.tasks.add(self)
        _schedule(self)

    def __repr__(self):
        return f"<Task {self.get_name()} {('pending', 'finished', 'cancelled', 'finished')[self._state]}>"

    def get_name(self):
        return self._name if self._name is not None else f"Task-{id(self) & 0xFFFF:x}"

    def set_name(self, name):
        self._name = name

    def get_coro(self):
        return self.coro

    def done(self):
        return self._state != 0

    def cancelled(self):
        return self._state == 2

    def result(self):
        if self._state == 0:
            raise InvalidStateError("Result is not set.")
        self._retrieved = True
        if self._state == 1:
            return self._result
        raise self._result

    def exception(self):
        if self._state == 0:
            raise InvalidStateError("Exception is not set.")
        self._retrieved = True
        if self._state == 2:
            raise self._result
        return self._result if self._state == 3 else None

    def add_done_callback(self, fn):
        if self._state != 0:
            fn(self)
            return
        if self._callbacks is None:
            self._callbacks = []
        self._callbacks.append(fn)

    def remove_done_callback(self, fn):
        n = 0
        while self._callbacks and fn in self._callbacks:
            self._callbacks.remove(fn)
            n += 1
        return n

    def cancel(self, msg=None):
        if self._state != 0:
            return False
        inner = self._waiting_on
        if inner is not None and inner.cancel(msg):
            return True  # inner's CancelledError reaches us through `await inner`
        self._must_cancel = True
        exc = CancelledError() if msg is None else CancelledError(msg)
        if self is _s.cur:
            self.data = exc  # thrown at the task's next await
        else:
            _schedule(self, exc)
        return True

    def __await__(self):
        if self._state == 0:
            t = _s.cur
            if t is None or t is self:
                raise RuntimeError("cannot await this task here")
            self._waiters.append(t)
            t._waitq = self._waiters
            t._waiting_on = self
            try:
                yield None
            finally:
                t._waiting_on = None
        return self.result()

    __iter__ = __await__

    def _finish(self, state, value):
        self._state = state
        self._result = value
        _s.tasks.discard(self)
        w = self._waiters
        if w:
            self._retrieved = True
        while w:
            _schedule(w[0])
        cbs = self._callbacks
        if cbs:
            self._retrieved = True
            self._callbacks = None
            for fn in cbs:
                fn(self)
        if state == 3 and not self._retrieved:
            _exception_handler(self, value)


def _exception_handler(t, exc):
    ctx = {"message": "Task exception was never retrieved", "exception": exc, "future": t}
    if _s.handler is not None:
        _s.handler(_Loop, ctx)
    else:
        _Loop.default_exception_handler(ctx)


def _step(t):
    _s.cur = t
    exc = t.data
    t.data = None
    try:
        if exc is None:
            t.coro.send(None)
        else:
            t._must_cancel = False
            t.coro.throw(exc)
    except StopIteration as e:
        t._finish(1, e.value)
    except CancelledError as e:
        t._finish(2, e)
    except Exception as e:  # noqa: BLE001 (stored in the task, re-raised by await/result())
        t._finish(3, e)
    finally:
        _s.cur = None
    if t.data is not None and t._state == 0 and not t._ready:
        _schedule(t)  # cancelled itself while running


def _run_ready():
    """Runs every task that is ready now (those made ready meanwhile wait for the next round)."""
    out = _s.ready_in
    _s.ready_in = []
    for t in out:
        t._ready = False
        if t._state == 0:
            _step(t)


def _tick(block):
    """One loop round: wake due timers, wait for I/O (at most until the next timer), run ready tasks."""
    timers = _s.timers
    now = ticks_ms()
    while timers and ticks_diff(timers[0][0], now) <= 0:
        e = _heap_pop(timers)
        t = e[2]
        if e[3] == t._gen and t._state == 0:
            _schedule(t)
    if _s.ready_in or not block:
        wait = 0
    elif timers:
        wait = max(0, ticks_diff(timers[0][0], now))
    elif _s.io.map:
        wait = -1
    else:
        return False  # nothing can ever become ready
    if _s.io.map or wait > 0:
        _s.io.wait(wait)
        if wait > 0 and not _s.ready_in:
            return True
    _run_ready()
    return True


def create_task(coro, name=None):
    return Task(coro, name)


def current_task():
    if _s.cur is None:
        raise RuntimeError("no running event loop")
    return _s.cur


def all_tasks():
    return set(_s.tasks)


def _ensure_task(aw):
    if isinstance(aw, Task):
        return aw
    if hasattr(aw, "send"):
        return Task(aw)
    raise TypeError("An asyncio.Future, a coroutine or an awaitable is required")


def _run_until_done(task):
    while task._state == 0:
        if _s.stop:
            return False
        if not _tick(True):
            raise RuntimeError("Event loop stopped before Future completed.")
    return True


def run_until_complete(main):
    task = _ensure_task(main)
    task._retrieved = True  # its exception goes to the caller
    _run_until_done(task)
    return task.result()


def _cancel_all():
    pending = list(_s.tasks)
    for t in pending:
        t.cancel()
    for t in pending:
        while t._state == 0 and _tick(True):
            pass
        if t._state == 3 and not t._retrieved:
            _exception_handler(t, t._result)


def run(main, debug=False):
    if _s.cur is not None:
        raise RuntimeError("asyncio.run() cannot be called from a running event loop")
    if not hasattr(main, "send"):
        raise ValueError(f"a coroutine was expected, got {main!r}")
    _reset()
    task = Task(main)
    task._retrieved = True
    try:
        _run_until_done(task)
        return task.result()
    finally:
        _cancel_all()


class _Loop:
    """The event loop object of MicroPython's API (one loop; its methods act on the scheduler)."""

    _closed = False

    @staticmethod
    def create_task(coro, name=None):
        return Task(coro, name)

    @staticmethod
    def run_until_complete(aw):
        return run_until_complete(aw)

    @staticmethod
    def run_forever():
        _s.stop = False
        while not _s.stop and _tick(True):
            pass
        _s.stop = False

    @staticmethod
    def stop():
        _s.stop = True

    @staticmethod
    def close():
        _Loop._closed = True

    @staticmethod
    def is_closed():
        return _Loop._closed

    @staticmethod
    def is_running():
        return _s.cur is not None

    @staticmethod
    def time():
        return ticks_ms() / 1000

    @staticmethod
    def set_exception_handler(handler):
        _s.handler = handler

    @staticmethod
    def get_exception_handler():
        return _s.handler

    @staticmethod
    def default_exception_handler(context):
        exc = context.get("exception")
        print(context["message"], file=sys.stderr)
        if exc is not None:
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)

    @staticmethod
    def call_exception_handler(context):
        if _s.handler is not None:
            _s.handler(_Loop, context)
        else:
            _Loop.default_exception_handler(context)


def get_event_loop():
    return _Loop


def get_running_loop():
    if _s.cur is None:
        raise RuntimeError("no running event loop")
    return _Loop


def new_event_loop():
    _reset()
    _Loop._closed = False
    return _Loop


_reset()
