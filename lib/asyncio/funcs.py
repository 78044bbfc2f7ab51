# asyncio/funcs.py: gather, wait_for and wait_for_ms.
from . import core


async def _wait_done(task, ms):
    """Waits until task is done or ms pass (ms < 0: no limit); returns task.done()."""
    me = core._s.cur
    if task._state == 0:
        task._waiters.append(me)
        me._waitq = task._waiters
        me._waiting_on = task
        if ms >= 0:
            core._sleep_until(me, core.ticks_add(core.ticks_ms(), ms))
        try:
            await core._yield
        finally:
            me._waiting_on = None
            if me._waitq is task._waiters:
                me._waitq = None
                if me in task._waiters:
                    task._waiters.remove(me)
            me._gen += 1  # drop the pending timer, if any
    return task._state != 0


async def wait_for_ms(aw, timeout):
    if timeout is None:
        return await aw
    task = core._ensure_task(aw)
    if timeout <= 0:
        finished = task._state != 0  # no time at all: a task that has not finished is cancelled at once
    else:
        finished = None
    try:
        if finished is None:
            finished = await _wait_done(task, int(timeout))
    except core.CancelledError:
        task.cancel()
        raise
    if finished:
        return task.result()
    task.cancel()
    await _wait_done(task, -1)
    try:
        return task.result()  # the task ignored the cancellation and finished
    except core.CancelledError:
        raise core.TimeoutError from None


async def wait_for(aw, timeout):
    if timeout is None:
        return await aw
    return await wait_for_ms(aw, max(1, int(timeout * 1000 + 0.5)) if timeout > 0 else 0)


class _Gathering:
    def __init__(self, n, return_exceptions):
        self.left = n
        self.return_exceptions = return_exceptions
        self.failed = None
        self.waiter = None

    def done(self, t):
        self.left -= 1
        if self.failed is None and not self.return_exceptions and t._state >= 2:
            self.failed = t
        if (self.left == 0 or self.failed is not None) and self.waiter is not None:
            w = self.waiter
            self.waiter = None
            core._schedule(w)


async def gather(*aws, return_exceptions=False):
    tasks = [core._ensure_task(a) for a in aws]
    g = _Gathering(len(tasks), return_exceptions)
    for t in tasks:
        t.add_done_callback(g.done)
    if g.left and g.failed is None:
        g.waiter = core._s.cur
        try:
            await core._yield
        except core.CancelledError:
            g.waiter = None
            for t in tasks:
                t.cancel()
            raise
    if g.failed is not None:
        for t in tasks:
            t.remove_done_callback(g.done)
        return g.failed.result()
    out = []
    for t in tasks:
        if t._state == 1:
            out.append(t._result)
        elif return_exceptions:
            t._retrieved = True
            out.append(t._result)
        else:
            out.append(t.result())
    return out
