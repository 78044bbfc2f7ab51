# asyncio/lock.py: Lock, handed to waiters first come, first served.
from . import core


class Lock:
    def __init__(self):
        self._locked = False
        self._waiting = []
        self._owner_next = None  # waiter the lock was handed to by release()

    def locked(self):
        return self._locked

    def release(self):
        if not self._locked:
            raise RuntimeError("Lock is not acquired.")
        if self._waiting:
            t = self._waiting[0]
            self._owner_next = t  # stays locked: ownership passes to the first waiter
            core._schedule(t)
        else:
            self._locked = False

    async def acquire(self):
        if self._locked:
            t = core._s.cur
            core._wait_on(t, self._waiting)
            try:
                await core._yield
            except BaseException:
                if self._owner_next is t:  # cancelled just after being handed the lock
                    self._owner_next = None
                    self.release()
                raise
            self._owner_next = None
        self._locked = True
        return True

    async def __aenter__(self):
        await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()
