"""A client of the board's raw REPL over any serial port or pyserial URL (socket://, rfc2217://).

Same protocol as MicroPython's and mpremote's, so either tool can be used on the same board:
interrupt with Ctrl-C, enter raw mode with Ctrl-A, send code with raw-paste flow control when the
device offers it (else plain raw mode), end with Ctrl-D, then read "stdout Ctrl-D stderr Ctrl-D >".
File operations run small snippets that use only `os.ilistdir/stat/mkdir/remove/rmdir`, `open`, and
`hashlib.sha256` when present: the same primitives mpremote relies on.
"""

from __future__ import annotations

import ast
import hashlib
import time
from collections.abc import Callable
from typing import Any

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
CHUNK = 256


class ReplError(Exception):
    """The link or the protocol failed (no raw REPL prompt, a timeout, the device went away)."""


class RemoteError(ReplError):
    """Code raised on the device; `traceback` is the device's text."""

    def __init__(self, traceback: str):
        lines = traceback.strip().splitlines()
        super().__init__(lines[-1] if lines else "error on the device")
        self.traceback = traceback

    @property
    def errno(self) -> int | None:
        last = self.traceback.strip().splitlines()[-1] if self.traceback.strip() else ""
        if last.startswith("OSError: [Errno "):
            return int(last.split("[Errno ")[1].split("]")[0])
        if last.startswith("OSError: ") and last[9:].strip().isdigit():
            return int(last[9:].strip())
        return None


def quote(path: str) -> str:
    return repr(path)


class ReplClient:
    def __init__(self, port: str, baud: int = 115200, timeout: float = 10.0, serial: Any = None):
        self.port = port
        self.baud = baud
        self.timeout = timeout
        self.serial = serial
        self.in_raw = False
        self.use_raw_paste = True
        self._rx = bytearray()

    # -- link -------------------------------------------------------------------------------------------------

    def open(self) -> ReplClient:
        if self.serial is None:
            import serial

            try:
                self.serial = serial.serial_for_url(self.port, self.baud, timeout=0.05, exclusive=True) \
                    if not self.port.startswith(("socket://", "rfc2217://")) else \
                    serial.serial_for_url(self.port, self.baud, timeout=0.05)
            except (serial.SerialException, OSError) as exc:
                raise ReplError(f"cannot open {self.port}: {exc}") from None
        return self

    def close(self) -> None:
        if self.serial is not None:
            try:
                if self.in_raw:
                    self.exit_raw()
            except (ReplError, OSError):
                pass
            self.serial.close()
            self.serial = None

    def __enter__(self) -> ReplClient:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: bytes) -> None:
        try:
            self.serial.write(data)
        except Exception as exc:  # noqa: BLE001 - pyserial raises several types for a dead link
            raise ReplError(f"{self.port}: write failed ({exc}); the device went away?") from None

    def _fill(self) -> bytes:
        try:
            return bytes(self.serial.read(max(1, min(4096, self.serial.in_waiting))))
        except Exception as exc:  # noqa: BLE001 - pyserial raises several types for a dead link
            raise ReplError(f"{self.port}: read failed ({exc}); the device went away?") from None

    def read_until(self, marker: bytes, timeout: float | None = None,
                   consumer: Callable[[bytes], None] | None = None) -> bytes:
        """Reads until `marker` and consumes it; returns what came before. `consumer` sees the data as it
        arrives (except a possible partial marker at the end). Bytes after the marker stay buffered."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        passed = 0
        while True:
            index = self._rx.find(marker)
            if index >= 0:
                data = bytes(self._rx[:index])
                del self._rx[: index + len(marker)]
                if consumer and index > passed:
                    consumer(data[passed:])
                return data
            if consumer:
                safe = len(self._rx) - (len(marker) - 1)
                if safe > passed:
                    consumer(bytes(self._rx[passed:safe]))
                    passed = safe
            chunk = self._fill()
            if chunk:
                self._rx += chunk
                if consumer:
                    deadline = max(deadline, time.monotonic() + 0.5)
            elif time.monotonic() > deadline:
                tail = bytes(self._rx[-80:])
                raise ReplError(f"{self.port}: timed out waiting for {marker!r} (last bytes {tail!r})")

    def drain(self, quiet: float = 0.05) -> bytes:
        """Discards whatever the device sends until it has been quiet for `quiet` seconds."""
        data = bytearray(self._rx)
        self._rx.clear()
        end = time.monotonic() + quiet
        while time.monotonic() < end:
            chunk = self._fill()
            if chunk:
                data += chunk
                end = time.monotonic() + quiet
        return bytes(data)

    # -- raw REPL ---------------------------------------------------------------------------------------------

    def enter_raw(self, soft_reset: bool = False) -> None:
        self.write(b"\r\x03")
        time.sleep(0.05)
        self.write(b"\x03")
        self.drain()
        self.write(b"\r\x01")
        self.read_until(RAW_BANNER + b">", min(5.0, self.timeout))
        if soft_reset:
            self.write(b"\x04")
            self.read_until(b"soft reboot\r\n", 5.0)
            self.read_until(RAW_BANNER + b">", 5.0)
        self.in_raw = True

    def exit_raw(self) -> None:
        self.write(b"\r\x02")
        self.in_raw = False

    def _send_code(self, code: bytes) -> None:
        if self.use_raw_paste:
            self.write(b"\x05A\x01")
            reply = self._read_exact(2, 5.0)
            if reply == b"R\x01":
                window = int.from_bytes(self._read_exact(2, 5.0), "little")
                self._raw_paste(code, window)
                return
            if reply != b"R\x00":   # an old device echoed it as plain raw input: resync
                self.use_raw_paste = False
                self.write(b"\x03")
                self.drain()
                self.write(b"\x01")
                self.read_until(RAW_BANNER + b">", 5.0)
            self.use_raw_paste = False
        for i in range(0, len(code), 256):
            self.write(code[i : i + 256])
            time.sleep(0.001)
        self.write(b"\x04")
        if self._read_exact(2, 5.0) != b"OK":
            raise ReplError(f"{self.port}: the device did not accept the code (no OK)")

    def _read_exact(self, n: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self._rx) < n:
            chunk = self._fill()
            if chunk:
                self._rx += chunk
            elif time.monotonic() > deadline:
                raise ReplError(f"{self.port}: timed out after {bytes(self._rx)!r} waiting for {n} bytes")
        data = bytes(self._rx[:n])
        del self._rx[:n]
        return data

    def _raw_paste(self, code: bytes, window: int) -> None:
        budget = window
        sent = 0
        while sent < len(code):
            while budget == 0 or self._rx or self.serial.in_waiting:
                byte = self._read_exact(1, 5.0)
                if byte == b"\x01":
                    budget += window
                elif byte == b"\x04":
                    self.write(b"\x04")
                    raise ReplError(f"{self.port}: the device aborted the raw-paste transfer")
                else:
                    raise ReplError(f"{self.port}: unexpected {byte!r} during raw-paste")
            chunk = code[sent : sent + min(budget, len(code) - sent)]
            self.write(chunk)
            sent += len(chunk)
            budget -= len(chunk)
        self.write(b"\x04")
        self.read_until(b"\x04", 5.0)

    def exec_raw(self, code: str | bytes, timeout: float | None = None,
                 consumer: Callable[[bytes], None] | None = None) -> tuple[bytes, bytes]:
        """Runs `code`; returns (stdout, stderr). `consumer` streams stdout as it arrives."""
        if not self.in_raw:
            self.enter_raw()
        self._send_code(code.encode() if isinstance(code, str) else code)
        out = self.read_until(b"\x04", timeout, consumer)
        err = self.read_until(b"\x04", timeout)
        self.read_until(b">", timeout)
        return out, err

    def exec(self, code: str, timeout: float | None = None, consumer: Callable[[bytes], None] | None = None) -> bytes:
        out, err = self.exec_raw(code, timeout, consumer)
        if err:
            raise RemoteError(err.decode(errors="replace"))
        return out

    def eval(self, expression: str) -> Any:
        out = self.exec(f"print(repr({expression}))")
        return ast.literal_eval(out.decode().strip())

    # -- device control ------------------------------------------------------------------------------------------

    def soft_reset(self) -> None:
        self.enter_raw(soft_reset=True)

    def _exec_and_leave(self, code: str) -> None:
        """Runs code after which the device leaves the bus (reset, bootloader): no reply is expected."""
        if not self.in_raw:
            self.enter_raw()
        self._send_code(code.encode())
        self.in_raw = False
        time.sleep(0.1)

    def hard_reset(self) -> None:
        self._exec_and_leave("import machine\nmachine.reset()")

    def bootloader(self) -> None:
        self._exec_and_leave("import machine\nmachine.bootloader()")

    def unique_id(self) -> str:
        return bytes(self.eval("__import__('machine').unique_id()")).hex().upper()

    # -- files -------------------------------------------------------------------------------------------------

    def ls(self, path: str = "/") -> list[tuple[str, int, bool]]:
        """(name, size, is_dir) for each entry of `path`."""
        entries = self.eval(f"[tuple(e) for e in __import__('os').ilistdir({quote(path)})]")
        return [(str(e[0]), int(e[3]) if len(e) > 3 else 0, bool(e[1] & 0x4000)) for e in entries]

    def stat(self, path: str) -> tuple[int, int] | None:
        """(mode, size) or None if `path` does not exist."""
        try:
            st = self.eval(f"__import__('os').stat({quote(path)})")
        except RemoteError as exc:
            if exc.errno == 2:
                return None
            raise
        return int(st[0]), int(st[6])

    def cat(self, path: str) -> bytes:
        code = f"f=open({quote(path)},'rb')\nr=f.read\n"
        self.exec(code)
        data = bytearray()
        while True:
            chunk = self.eval(f"r({CHUNK})")
            if not chunk:
                break
            data += chunk
        self.exec("f.close()")
        return bytes(data)

    def sha256(self, path: str) -> bytes | None:
        """The file's SHA-256 computed on the device (read back and hashed here if it has no hashlib);
        None if the file does not exist."""
        if self.stat(path) is None:
            return None
        try:
            self.exec("import hashlib\n_h=hashlib.sha256()")
        except RemoteError:
            return hashlib.sha256(self.cat(path)).digest()
        self.exec(f"with open({quote(path)},'rb') as f:\n while True:\n  b=f.read({CHUNK})\n  if not b:\n   break\n"
                  "  _h.update(b)\n")
        return bytes(self.eval("_h.digest()"))

    def put(self, data: bytes, path: str, skip_same: bool = True,
            progress: Callable[[int, int], None] | None = None) -> bool:
        """Writes `data` to `path`; returns False (writing nothing) if the file already has that content."""
        if skip_same and self.sha256(path) == hashlib.sha256(data).digest():
            return False
        self.exec(f"f=open({quote(path)},'wb')\nw=f.write")
        for i in range(0, len(data), CHUNK):
            self.exec(f"w({data[i : i + CHUNK]!r})")
            if progress:
                progress(min(i + CHUNK, len(data)), len(data))
        self.exec("f.close()")
        return True

    def mkdir(self, path: str) -> None:
        self.exec(f"import os\nos.mkdir({quote(path)})")

    def rm(self, path: str) -> None:
        st = self.stat(path)
        if st is None:
            raise RemoteError(f"OSError: [Errno 2] ENOENT: {path}")
        self.exec(f"import os\nos.{'rmdir' if st[0] & 0x4000 else 'remove'}({quote(path)})")
