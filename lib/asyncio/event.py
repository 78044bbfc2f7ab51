# asyncio/event.py: Event (wakes every waiter, in the order they waited) and ThreadSafeFlag.
from . import core


class Event:
    def __init__(self):
        self._set = False
        self._waiting = []

    def is_set(self):
        return self._set

    def set(self):
        self._set = True
        w = self._waiting
        while w:
            core._schedule(w[0])

    def clear(self):
        self._set = False

    async def wait(self):
        if not self._set:
            core._wait_on(core._s.cur, self._waiting)
            await core._yield
        return True


class ThreadSafeFlag:
    """A flag set from outside the scheduler (an interrupt handler, a callback) and awaited by one task.

    set() only flips state and makes the waiter ready; the loop notices within one poll round (a port's
    hal_wait_event returns on any interrupt, so the wake-up is not delayed by an idle sleep)."""

    def __init__(self):
        self._flag = False
        self._waiting = []

    def set(self):
        self._flag = True
        w = self._waiting
        if w:
            core._schedule(w[0])

    def clear(self):
        self._flag = False

    async def wait(self):
        while not self._flag:
            if self._waiting:
                raise RuntimeError("ThreadSafeFlag already has a waiter")
            core._wait_on(core._s.cur, self._waiting)
            await core._yield
        self._flag = False
