"""The console output of an emulated board: appended by the emulator's thread, read up to markers by
its user. Shared by the rp2040js and ESP32-C3/C6 wrappers (QEMU's reads its pipe directly)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class EmulatorError(RuntimeError):
    """The emulator could not start, or the run ended or timed out before the expected output."""


class ConsoleLog:
    """Everything the firmware printed, and how far `read_until` has consumed it.

    `cond` is the emulator's own condition when other state (status lines, run results) shares its lock.
    """

    def __init__(self, cond: threading.Condition | None = None) -> None:
        self.cond = cond if cond is not None else threading.Condition()
        self._data = bytearray()
        self._cursor = 0

    def append(self, data: bytes) -> None:
        with self.cond:
            self._data += data
            self.cond.notify_all()

    @property
    def data(self) -> bytes:
        with self.cond:
            return bytes(self._data)

    def read_until(self, marker: bytes, timeout: float, ended: Callable[[], str | None]) -> bytes:
        """The output not yet consumed up to and including `marker`. `ended` (called with the lock held)
        says why the run is over, or None while it goes on; either that or the timeout raises."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                index = self._data.find(marker, self._cursor)
                if index >= 0:
                    end = index + len(marker)
                    chunk = bytes(self._data[self._cursor : end])
                    self._cursor = end
                    return chunk
                why = ended()
                if why is not None:
                    raise EmulatorError(f"emulator ended ({why}) before {marker!r}; "
                                        f"output so far: {bytes(self._data[self._cursor:])!r}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EmulatorError(f"no {marker!r} within {timeout} s; "
                                        f"output so far: {bytes(self._data[self._cursor:])!r}")
                self.cond.wait(min(remaining, 0.1))
