"""Byte links for simulated serial devices: a pty (/dev/pts/N) or a TCP socket on 127.0.0.1.

A device is any object with `feed(data: bytes)` (bytes from the host) and `attach(link)`; it answers
with `link.send(data)`. A link can model a UART's speed: with `baud` set, bytes are delivered no faster
than 10 bits per byte (8N1) would allow, in both directions.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from typing import Protocol


class SerialDeviceSim(Protocol):
    def attach(self, link: Link) -> None: ...
    def feed(self, data: bytes) -> None: ...


class Link:
    """Common part: pacing to a baud rate and the reader thread."""

    def __init__(self, device: SerialDeviceSim, baud: int | None = None):
        self.device = device
        self.baud = baud
        self.initial_baud = baud
        self._closed = threading.Event()
        self._tx_lock = threading.Lock()
        self._tx_free_at = 0.0
        self.rx_bytes = 0
        self.tx_bytes = 0
        device.attach(self)

    @property
    def url(self) -> str:
        raise NotImplementedError

    def _pace(self, n: int, free_at: float) -> float:
        """Sleeps until `n` bytes would have crossed the wire; returns when the wire is free again."""
        if not self.baud:
            return 0.0
        start = max(time.monotonic(), free_at)
        done = start + n * 10 / self.baud
        delay = done - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return done

    def send(self, data: bytes) -> None:
        with self._tx_lock:
            self._tx_free_at = self._pace(len(data), self._tx_free_at)
            self.tx_bytes += len(data)
            self._write(data)

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._closed.set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()


class PtyLink(Link):
    """The device sits on the master side of a pty; clients open `path` like any serial port."""

    def __init__(self, device: SerialDeviceSim, baud: int | None = None):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        super().__init__(device, baud)
        self._thread = threading.Thread(target=self._reader, name=f"pty {self.path}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.path

    def _reader(self) -> None:
        rx_free_at = 0.0
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(self.master, 4096)
            except OSError:
                break
            if not data:
                break
            rx_free_at = self._pace(len(data), rx_free_at)
            self.rx_bytes += len(data)
            self.device.feed(data)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._closed.is_set():
            try:
                written = os.write(self.master, view)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            except OSError:
                return
            view = view[written:]

    def close(self) -> None:
        """The device goes away: the client's next read or write fails."""
        if self._closed.is_set():
            return
        super().close()
        self._thread.join(timeout=1)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class TcpLink(Link):
    """The device listens on 127.0.0.1:PORT; clients open `socket://127.0.0.1:PORT` (one at a time)."""

    def __init__(self, device: SerialDeviceSim, baud: int | None = None, port: int = 0):
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None
        self._sock_lock = threading.Lock()
        super().__init__(device, baud)
        self._thread = threading.Thread(target=self._serve, name=f"tcp {self.port}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.server.settimeout(0.05)
        while not self._closed.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conn = conn
            self._connected(conn)
            rx_free_at = 0.0
            conn.settimeout(0.05)
            while not self._closed.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                data = self._incoming(data)
                if not data:
                    continue
                rx_free_at = self._pace(len(data), rx_free_at)
                self.rx_bytes += len(data)
                self.device.feed(data)
            self.conn = None
            conn.close()
            disconnected = getattr(self.device, "disconnected", None)
            if disconnected:
                disconnected()

    def _connected(self, conn: socket.socket) -> None:
        """A client connected (hook for protocols on top of TCP)."""

    def _incoming(self, data: bytes) -> bytes:
        return data

    def _outgoing(self, data: bytes) -> bytes:
        return data

    def _write(self, data: bytes) -> None:
        self._raw_write(self._outgoing(data))

    def _raw_write(self, data: bytes) -> None:
        conn = self.conn
        if conn is not None:
            with self._sock_lock:
                try:
                    conn.sendall(data)
                except OSError:
                    pass

    def drop(self) -> None:
        """Cuts the current connection (a pulled cable) but keeps listening."""
        conn = self.conn
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        if self._closed.is_set():
            return
        super().close()
        self.drop()
        self.server.close()
        self._thread.join(timeout=1)


class _LineState:
    """The 'serial port' an RFC 2217 PortManager drives: DTR/RTS go to the device, the rest is kept."""

    def __init__(self, device: SerialDeviceSim):
        self.device = device
        self._baudrate = 115200
        self.bytesize, self.parity, self.stopbits = 8, "N", 1
        self.xonxoff = self.rtscts = self.break_condition = False
        self.cts = self.dsr = self.ri = self.cd = False
        self._dtr = self._rts = False

    @property
    def baudrate(self) -> int:
        return self._baudrate

    @baudrate.setter
    def baudrate(self, value: int) -> None:
        self._baudrate = int(value)
        set_baud = getattr(self.device, "set_baud", None)
        if set_baud:
            set_baud(self._baudrate)

    @property
    def dtr(self) -> bool:
        return self._dtr

    @dtr.setter
    def dtr(self, value: bool) -> None:
        self._dtr = bool(value)
        set_lines = getattr(self.device, "set_lines", None)
        if set_lines:
            set_lines(dtr=self._dtr)

    @property
    def rts(self) -> bool:
        return self._rts

    @rts.setter
    def rts(self, value: bool) -> None:
        self._rts = bool(value)
        set_lines = getattr(self.device, "set_lines", None)
        if set_lines:
            set_lines(rts=self._rts)

    def reset_input_buffer(self) -> None:
        return None

    def reset_output_buffer(self) -> None:
        return None


class Rfc2217Link(TcpLink):
    """TCP with Telnet/RFC 2217 on top (`rfc2217://127.0.0.1:PORT`): DTR and RTS reach the device,
    so esptool's reset sequences (--before/--after) act on the simulated chip as on a USB-UART bridge."""

    def __init__(self, device: SerialDeviceSim, baud: int | None = None, port: int = 0):
        self.lines = _LineState(device)
        self.manager: object | None = None
        super().__init__(device, baud, port)

    @property
    def url(self) -> str:
        return f"rfc2217://127.0.0.1:{self.port}"

    def _connected(self, conn: socket.socket) -> None:
        from serial.rfc2217 import PortManager

        link = self

        class _Writer:
            def write(self, data: bytes) -> None:
                link._raw_write(data)

        self.manager = PortManager(self.lines, _Writer())

    def _incoming(self, data: bytes) -> bytes:
        if self.manager is None:
            return data
        return b"".join(self.manager.filter(data))  # type: ignore[attr-defined]

    def _outgoing(self, data: bytes) -> bytes:
        if self.manager is None:
            return data
        return b"".join(self.manager.escape(data))  # type: ignore[attr-defined]
