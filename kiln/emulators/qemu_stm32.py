"""QEMU's `netduinoplus2` machine (STM32F405) running a Kiln ELF, with USART1 on pipes, a pty or TCP on
127.0.0.1 (or this terminal, for `kiln run`), and ARM semihosting on so `hal_exit(code)` becomes QEMU's exit
code."""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import tty
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Literal

from kiln.boards import Board

SerialMode = Literal["pipe", "pty", "tcp"]
MACHINES = {"qemu-netduinoplus2": "netduinoplus2"}
QEMU = "qemu-system-arm"
INSTALL_HINT = "install it with: apt-get install qemu-system-arm"
_PTY_LINE = re.compile(rb"char device redirected to (/dev/pts/\d+)")
_TCP_LINE = re.compile(rb"waiting for connection on: \S*tcp:127\.0\.0\.1:(\d+)")


class QemuError(RuntimeError):
    """QEMU could not be started, stopped early, or the expected output did not arrive in time."""


def qemu_command(elf: Path, serial: SerialMode, machine: str = "netduinoplus2", qemu: str = QEMU,
                 extra_args: Sequence[str] = (), uart: int = 1) -> list[str]:
    """QEMU arguments: the N-th -serial is USART N, so the console of a board whose REPL is on
    USART `uart` comes after uart-1 unconnected ones; semihosting carries the exit code out."""
    if not 1 <= uart <= 6:
        raise QemuError(f"QEMU's STM32F4 machines model USART1-6, not {uart}")
    console = {
        "pipe": ["-serial", "stdio"],
        "pty": ["-serial", "pty"],
        # Port 0: QEMU picks a free port and names it in its "waiting for connection" message.
        "tcp": ["-serial", "tcp:127.0.0.1:0,server=on,wait=on"],
    }[serial]
    console = ["-serial", "null"] * (uart - 1) + console
    return [qemu, "-M", machine, "-display", "none", "-monitor", "none", *console,
            "-semihosting-config", "enable=on,target=native", "-kernel", str(elf), *extra_args]


class _Stream:
    """Bytes arriving from a reader thread; waiters sleep on a condition (no polling)."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False
        self.cond = threading.Condition()

    def feed(self, chunk: bytes) -> None:
        with self.cond:
            self.data += chunk
            self.cond.notify_all()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait_for(self, test: Callable[[], object], timeout: float) -> object:
        with self.cond:
            return self.cond.wait_for(lambda: test() or self.closed, timeout)


def _pump(read: Callable[[], bytes], stream: _Stream) -> threading.Thread:
    """Copies `read()` into `stream` on a daemon thread until EOF or an OS error (the peer went away)."""

    def run() -> None:
        try:
            while chunk := read():
                stream.feed(chunk)
        except OSError:
            pass  # pty EIO / socket reset: QEMU is gone
        finally:
            stream.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class QemuStm32:
    """One QEMU run of a firmware ELF. Use as a context manager so QEMU is always stopped.

    serial: "pipe"  USART1 on QEMU's stdin/stdout pipes (tests: read_until/write).
            "tcp"   USART1 on a TCP server on 127.0.0.1; the CPU waits until we connect (`socket`).
            "pty"   USART1 on a pseudo-terminal (`pty_path`). QEMU drops output while nobody has the pty
                    open, so the machine starts paused: with attach=True we open it and resume at once;
                    with attach=False the caller opens `pty_path` (e.g. with pyserial) and calls resume().
    For the console on this terminal, see run_interactive().
    """

    def __init__(self, elf: Path | str, serial: SerialMode = "pipe", *, machine: str = "netduinoplus2",
                 attach: bool = True, qemu: str = QEMU, extra_args: Sequence[str] = (), uart: int = 1) -> None:
        self.elf = Path(elf)
        self.uart = uart
        self.serial: SerialMode = serial
        self.machine = machine
        self.attach = attach
        self.qemu = qemu
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen[bytes] | None = None
        self.pty_path: str | None = None
        self.tcp_port: int | None = None
        self._sock: socket.socket | None = None
        self._pty_fd: int | None = None
        self._qmp: socket.socket | None = None
        self._qmp_file: BinaryIO | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._console = _Stream()
        self._console_pos = 0
        self._log = _Stream()  # QEMU's own messages (stderr, and stdout when it is not the console)
        self._threads: list[threading.Thread] = []

    # ---- lifecycle -------------------------------------------------------------------------------

    def command(self) -> list[str]:
        """The QEMU command line for this run (without the -qmp socket a paused pty run adds)."""
        return qemu_command(self.elf, self.serial, self.machine, self.qemu, self.extra_args, self.uart)

    def start(self, timeout: float = 10.0) -> QemuStm32:
        if self.proc is not None:
            raise QemuError("QEMU is already running")
        if not self.elf.is_file():
            raise QemuError(f"no firmware at {self.elf}; build it first (kiln build)")
        if shutil.which(self.qemu) is None:
            raise QemuError(f"{self.qemu} not found; {INSTALL_HINT}")
        cmd = self.command()
        if self.serial == "pty":
            self._tmp = tempfile.TemporaryDirectory(prefix="kiln-qemu-")
            qmp_path = os.path.join(self._tmp.name, "qmp.sock")
            cmd += ["-S", "-qmp", f"unix:{qmp_path},server=on,wait=off"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if self.serial == "pipe" else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        stdout_fd, stderr_fd = self.proc.stdout.fileno(), self.proc.stderr.fileno()
        self._threads.append(_pump(lambda: os.read(stderr_fd, 4096), self._log))
        try:
            if self.serial == "pipe":
                self._threads.append(_pump(lambda: os.read(stdout_fd, 4096), self._console))
            else:
                self._threads.append(_pump(lambda: os.read(stdout_fd, 4096), self._log))
            if self.serial == "tcp":
                self.tcp_port = int(self._wait_log(_TCP_LINE, timeout))
                sock = socket.create_connection(("127.0.0.1", self.tcp_port), timeout=timeout)
                sock.settimeout(None)
                self._sock = sock
                self._threads.append(_pump(lambda: sock.recv(4096), self._console))
            elif self.serial == "pty":
                self.pty_path = self._wait_log(_PTY_LINE, timeout)
                assert self._tmp is not None
                self._qmp = self._qmp_connect(os.path.join(self._tmp.name, "qmp.sock"), timeout)
                if self.attach:
                    self._attach_pty()
                    self.resume()
        except BaseException:
            self.stop()
            raise
        return self

    def resume(self) -> None:
        """Starts the CPU of a paused pty run (after the pty has been opened)."""
        if self._qmp is None:
            raise QemuError("resume() is only for serial='pty' runs")
        self._qmp_command("cont")

    def wait(self, timeout: float | None = None) -> int:
        """Waits for QEMU to exit (e.g. the firmware called hal_exit) and returns its exit code."""
        if self.proc is None:
            raise QemuError("QEMU was not started")
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise QemuError(f"QEMU still running after {timeout} s{self._context()}") from None
        for thread in self._threads:
            thread.join(1.0)  # collect the last output
        return code

    def stop(self, timeout: float = 5.0) -> int | None:
        """Stops QEMU (if still running) and releases every descriptor; returns the exit code."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            code = self.proc.returncode
            for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()
        if self._qmp_file is not None:
            self._qmp_file.close()
            self._qmp_file = None
        for sock in (self._sock, self._qmp):
            if sock is not None:
                sock.close()
        self._sock = self._qmp = None
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        if self._pty_fd is not None:
            os.close(self._pty_fd)
            self._pty_fd = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        return code

    def __enter__(self) -> QemuStm32:
        return self if self.proc is not None else self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- console ---------------------------------------------------------------------------------

    @property
    def socket(self) -> socket.socket:
        """The connected TCP socket of a serial='tcp' run."""
        if self._sock is None:
            raise QemuError("socket is only available for a started serial='tcp' run")
        return self._sock

    @property
    def output(self) -> bytes:
        """Everything the firmware has written to the console so far (pipe/tcp/attached pty runs)."""
        with self._console.cond:
            return bytes(self._console.data)

    def read_until(self, pattern: bytes | re.Pattern[bytes], timeout: float = 10.0) -> bytes:
        """Returns the console output after the previous read up to the end of `pattern`'s first match."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        found: list[re.Match[bytes]] = []

        def test() -> bool:
            match = regex.search(self._console.data, self._console_pos)
            if match:
                found.append(match)
            return match is not None

        self._console.wait_for(test, timeout)
        if not found:
            with self._console.cond:
                test()  # the stream may have closed with the match just in
        if not found:
            state = "QEMU exited" if self._console.closed else f"timed out after {timeout} s"
            raise QemuError(f"{state} waiting for {regex.pattern!r}{self._context()}")
        with self._console.cond:
            chunk = bytes(self._console.data[self._console_pos : found[0].end()])
            self._console_pos = found[0].end()
        return chunk

    def write(self, data: bytes) -> None:
        """Types `data` on the console."""
        if self.serial == "pipe" and self.proc is not None and self.proc.stdin is not None:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        elif self._sock is not None:
            self._sock.sendall(data)
        elif self._pty_fd is not None:
            os.write(self._pty_fd, data)
        else:
            raise QemuError("this run has no console attached (a pty run with attach=False)")

    # ---- internals -------------------------------------------------------------------------------

    def _context(self) -> str:
        with self._console.cond:
            tail = bytes(self._console.data[-400:])
        with self._log.cond:
            log = bytes(self._log.data[-400:]).decode(errors="replace").strip()
        code = self.proc.poll() if self.proc is not None else None
        return (f"\n  console tail: {tail!r}" + (f"\n  qemu said: {log}" if log else "")
                + (f"\n  qemu exit code: {code}" if code is not None else ""))

    def _wait_log(self, regex: re.Pattern[bytes], timeout: float) -> str:
        found: list[re.Match[bytes]] = []

        def test() -> bool:
            match = regex.search(self._log.data)
            if match:
                found.append(match)
            return match is not None

        self._log.wait_for(test, timeout)
        if not found:
            raise QemuError(f"QEMU did not report {regex.pattern!r}{self._context()}")
        return found[0].group(1).decode()

    def _attach_pty(self) -> None:
        assert self.pty_path is not None
        fd = os.open(self.pty_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)  # no echo, no CR/LF translation: the bytes the firmware sends
        self._pty_fd = fd
        self._threads.append(_pump(lambda: os.read(fd, 4096), self._console))

    def _qmp_connect(self, path: str, timeout: float) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(path)  # QEMU listens before it prints the pty line, so this does not race
        self._qmp = sock
        self._qmp_file = sock.makefile("rb")
        self._qmp_file.readline()  # greeting
        self._qmp_command("qmp_capabilities")
        return sock

    def _qmp_command(self, name: str) -> None:
        assert self._qmp is not None and self._qmp_file is not None
        self._qmp.sendall(json.dumps({"execute": name}).encode() + b"\n")
        while True:
            line = self._qmp_file.readline()
            if not line:
                raise QemuError(f"QEMU closed its QMP socket during {name!r}{self._context()}")
            reply = json.loads(line)
            if "return" in reply:
                return
            if "error" in reply:
                raise QemuError(f"QMP {name!r} failed: {reply['error']}")
            # anything else is an asynchronous event (e.g. RESUME): skip it


QUIT_KEY = 0x1D  # Ctrl-]: Ctrl-C and Ctrl-D belong to the firmware (KeyboardInterrupt, exit)


def relay_terminal(proc: subprocess.Popen[bytes]) -> int:
    """Connects this terminal (raw mode) to QEMU's piped console until QEMU exits or Ctrl-] is typed.

    QEMU's own stdio console cannot do this: its Ctrl-A multiplexer stalls after one byte with the
    STM32 USART model (the model never asks the mux for more input), and without the mux Ctrl-C kills
    QEMU instead of reaching the firmware."""
    assert proc.stdin is not None and proc.stdout is not None
    stdin_fd, stdout_fd, qemu_out = sys.stdin.fileno(), sys.stdout.fileno(), proc.stdout.fileno()
    saved = termios.tcgetattr(stdin_fd) if os.isatty(stdin_fd) else None
    if saved is not None:
        tty.setraw(stdin_fd)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(stdin_fd, selectors.EVENT_READ)
            selector.register(qemu_out, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    data = os.read(key.fd, 4096)
                    if key.fd == qemu_out:
                        if not data:
                            return proc.wait()
                        os.write(stdout_fd, data)
                    elif not data or QUIT_KEY in data:
                        proc.terminate()
                        return proc.wait()
                    else:
                        proc.stdin.write(data)
                        proc.stdin.flush()
    finally:
        if saved is not None:
            termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_interactive(board: Board, serial: str = "stdio") -> int:
    """`kiln run`: boots the board's built ELF with the console on this terminal, a pty or TCP; returns
    QEMU's exit code (the firmware's, via semihosting)."""
    from kiln.build import image_path

    machine = MACHINES[board.data["emulator"]]
    elf = image_path(board, "elf")
    if not elf.is_file():
        raise SystemExit(f"kiln: no firmware at {elf}; run `kiln build --board {board.id}` first")
    if shutil.which(QEMU) is None:
        raise SystemExit(f"kiln: {QEMU} not found; {INSTALL_HINT}")
    if serial == "stdio":
        print(f"kiln: {board.id} in QEMU {machine}; Ctrl-] quits", file=sys.stderr, flush=True)
        proc = subprocess.Popen(qemu_command(elf, "pipe", machine), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return relay_terminal(proc)
    if serial not in ("pty", "tcp"):
        raise SystemExit(f"kiln: unknown --serial {serial!r}; use stdio, pty or tcp")
    # Nobody is attached yet: a pty run starts at once (its banner is lost, the REPL is not); a TCP run
    # keeps the CPU waiting until the user's client connects.
    proc = subprocess.Popen(qemu_command(elf, serial, machine), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            pty = _PTY_LINE.search(line)
            port = _TCP_LINE.search(line)
            if pty:
                path = pty.group(1).decode()
                print(f"kiln: {board.id} console on {path} (e.g. mpremote connect {path}); Ctrl-C stops QEMU",
                      file=sys.stderr, flush=True)
            elif port:
                print(f"kiln: {board.id} console on tcp 127.0.0.1:{port.group(1).decode()}; the CPU starts "
                      "when a client connects; Ctrl-C stops QEMU", file=sys.stderr, flush=True)
            else:
                print(line.decode(errors="replace").rstrip(), file=sys.stderr, flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
