"""RP2040 emulation with rp2040js: build the stand-in bootrom, run an image, talk to its UART0.

    with Rp2040Emulator(Path("build/RPI_PICO/firmware.uf2")) as emu:
        banner = emu.read_until(b"> ")
        emu.write(b"\\x04")
        result = emu.wait(5)          # RunResult(kind="exit", code=0, ...)

Modes: "pipe" (read_until/write from Python), "tcp" (the runner listens on 127.0.0.1:`tcp_port`
and starts when a client connects, e.g. pyserial's socket://), "pty" (a pseudo-terminal at
`pty_path` that pyserial, mpremote or a terminal program can open).

`usb=True` also plays the USB host: the firmware's CDC-ACM port is served on 127.0.0.1:`usb_port`
as RFC 2217 (pyserial's rfc2217:// sets baud rate and DTR, which reach the device as CDC class
requests); `usb_enumeration()` returns what the host read during enumeration. `bench=True` wires
the driver self-test's bench (UART1 loopback, I2C/SPI devices, ADC inputs, GPIO wires).

    python -m kiln.emulators.rp2040 build/RPI_PICO/firmware.uf2 [--pty | --tcp PORT] [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kiln.emulators.console import ConsoleLog, EmulatorError

ROOT = Path(__file__).resolve().parent.parent.parent
RUNNER = Path(__file__).resolve().parent / "rp2040js_runner.mjs"
BOOTROM_DIR = Path(__file__).resolve().parent / "rp2_bootrom"
BOOTROM_SOURCES = (BOOTROM_DIR / "bootrom.S", BOOTROM_DIR / "bootrom.ld", ROOT / "ports" / "rp2" / "rp2040.h")
BOOTROM_OUT = ROOT / "build" / "emulators" / "rp2_bootrom" / "bootrom.bin"
MODES = ("pipe", "tcp", "pty")
_STATUS = re.compile(r"^rp2040js: (\S+) ?(.*)$")
# Status lines that end a run (the others report progress: listening, reset, usb-*).
_FINAL = {"exit", "boot-failure", "fault", "stall", "bootsel", "timeout", "error", "quit"}




@dataclass(frozen=True)
class RunResult:
    """How a run ended: kind is exit, boot-failure, fault, stall, bootsel, timeout, error, quit or killed."""

    kind: str
    code: int | None
    detail: str
    returncode: int


def node_executable() -> str:
    node = os.environ.get("KILN_NODE") or shutil.which("node")
    if not node:
        raise EmulatorError("node (Node.js 18+) is not on PATH; install it or set KILN_NODE=/path/to/node")
    return node


def build_bootrom(out: Path = BOOTROM_OUT) -> Path:
    """Assembles the stand-in bootrom when missing or older than its sources; returns the .bin path."""
    if out.exists() and all(out.stat().st_mtime >= src.stat().st_mtime for src in BOOTROM_SOURCES):
        return out
    from kiln.toolchains import for_core

    toolchain = for_core("cortex-m0plus")
    if toolchain.bin_dir() is None:
        raise EmulatorError(toolchain.missing_message("the rp2040js stand-in bootrom"))
    out.parent.mkdir(parents=True, exist_ok=True)
    # A private directory, then an atomic rename: parallel test workers may build at once.
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        elf = Path(tmp) / "bootrom.elf"
        binary = Path(tmp) / "bootrom.bin"
        commands = [
            [toolchain.tool("gcc"), *toolchain.cpu_flags, "-nostdlib", "-x", "assembler-with-cpp",
             f"-I{ROOT / 'ports' / 'rp2'}", "-T", str(BOOTROM_DIR / "bootrom.ld"),
             str(BOOTROM_DIR / "bootrom.S"), "-o", str(elf)],
            [toolchain.tool("objcopy"), "-O", "binary", str(elf), str(binary)],
        ]
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise EmulatorError(f"building the stand-in bootrom failed:\n{' '.join(command)}\n{done.stderr}")
        os.replace(binary, out)
    return out


class Rp2040Emulator:
    """One rp2040js run of a .uf2 (or raw .bin at the start of flash), booted through the bootrom.

    `skip_boot2` starts at the app's vector table instead; `no_crystal` emulates a board whose
    crystal never starts (to exercise the ROSC fallback); `usb` and `bench`: see the module docstring."""

    def __init__(self, firmware: Path, *, mode: str = "pipe", tcp_port: int = 0, timeout: float | None = None,
                 bootrom: Path | None = None, skip_boot2: bool = False, no_crystal: bool = False,
                 usb: bool = False, bench: bool = False) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        self.firmware = Path(firmware)
        self.mode = mode
        self.timeout = timeout
        self.tcp_port: int | None = tcp_port if mode == "tcp" else None
        self.pty_path: str | None = None
        self._requested_port = tcp_port
        self._bootrom = bootrom
        self._skip_boot2 = skip_boot2
        self._no_crystal = no_crystal
        self._usb = usb
        self._bench = bench
        self.usb_port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._status: list[tuple[str, str]] = []
        self._stderr: list[str] = []
        self._cond = threading.Condition()
        self._console = ConsoleLog(self._cond)
        self._threads: list[threading.Thread] = []
        self._pty_master: int | None = None
        self._pty_slave: int | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def command(self) -> list[str]:
        args = [node_executable(), str(RUNNER)]
        if self._skip_boot2:
            args.append("--no-bootrom")
        else:
            args += ["--bootrom", str(self._bootrom or build_bootrom())]
        if self.mode == "tcp":
            args += ["--tcp", str(self._requested_port)]
        if self.timeout:
            args += ["--timeout", str(self.timeout)]
        if self._no_crystal:
            args.append("--no-crystal")
        if self._usb:
            args += ["--usb-tcp", "0"]
        if self._bench:
            args.append("--bench")
        return [*args, "--no-interactive", str(self.firmware)]

    def start(self) -> Rp2040Emulator:
        if not self.firmware.exists():
            raise EmulatorError(f"{self.firmware} does not exist; build it first (scons BOARD=RPI_PICO)")
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, cwd=ROOT)
        self._spawn(self._pump_stdout)
        self._spawn(self._pump_stderr)
        if self.mode == "pty":
            self._open_pty()
        elif self.mode == "tcp":
            self._wait_for_listen()
        if self._usb:
            self.wait_status("usb-listening")
        return self

    def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None and proc.stdin:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for fd in (self._pty_master, self._pty_slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._pty_master = self._pty_slave = None
        for thread in self._threads:
            thread.join(2)

    def __enter__(self) -> Rp2040Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- console -------------------------------------------------------------------------------

    @property
    def output(self) -> bytes:
        """Everything the firmware wrote to UART0 so far."""
        return self._console.data

    @property
    def status(self) -> list[tuple[str, str]]:
        """The runner's status lines so far, as (keyword, rest)."""
        with self._cond:
            return list(self._status)

    def read_until(self, marker: bytes, timeout: float = 10.0) -> bytes:
        """Output from the last read up to and including `marker`; raises EmulatorError on timeout or exit."""
        def ended() -> str | None:
            if self._proc is None or (self._proc.poll() is not None and not self._readers_alive()):
                return self._describe_end()
            return None
        return self._console.read_until(marker, timeout, ended)

    def wait_status(self, kind: str, timeout: float = 10.0, *, rest: str | None = None, after: int = 0) -> str:
        """Waits for a status line of this kind (with this rest, if given) among those from index `after`
        on (see `len(status)`); returns the rest of the line."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for seen, seen_rest in self._status[after:]:
                    if seen == kind and (rest is None or seen_rest == rest):
                        return seen_rest
                if self._proc is None or (self._proc.poll() is not None and not self._readers_alive()):
                    raise EmulatorError(f"emulator ended ({self._describe_end()}) before {kind}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EmulatorError(f"no {kind} within {timeout} s; status so far: {self._status!r}")
                self._cond.wait(min(remaining, 0.1))

    def usb_enumeration(self, timeout: float = 10.0) -> dict[str, object]:
        """What the emulated host read while enumerating the USB device (descriptors as hex strings)."""
        import json

        return dict(json.loads(self.wait_status("usb-enumerated", timeout)))

    def write(self, data: bytes) -> None:
        if self.mode != "pipe" or self._proc is None or self._proc.stdin is None:
            raise EmulatorError("write() needs a started emulator in pipe mode")
        self._proc.stdin.write(data)
        self._proc.stdin.flush()

    def close_input(self) -> None:
        """Ends the UART input: once the firmware waits for more, the run ends as a "stall"."""
        if self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.close()

    def wait(self, timeout: float = 10.0) -> RunResult:
        """Waits for the runner to end and says how (exit code, boot failure, fault, ...)."""
        if self._proc is None:
            raise EmulatorError("the emulator was not started")
        try:
            returncode = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise EmulatorError(f"the emulator still runs after {timeout} s; output: {self.output!r}") from None
        for thread in self._threads:
            thread.join(2)
        return self._result(returncode)

    # -- internals -----------------------------------------------------------------------------

    def _spawn(self, target: object) -> None:
        thread = threading.Thread(target=target, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _readers_alive(self) -> bool:
        return any(t.is_alive() for t in self._threads[:2])

    def _pump_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while True:
            chunk = self._proc.stdout.read1(4096)
            if not chunk:
                break
            self._console.append(chunk)
            if self._pty_master is not None:
                try:
                    os.write(self._pty_master, chunk)
                except (OSError, TypeError):
                    pass
        with self._cond:
            self._cond.notify_all()

    def _pump_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        for raw in self._proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                match = _STATUS.match(line)
                if match:
                    self._status.append((match.group(1), match.group(2)))
                    if match.group(1) == "listening":
                        self.tcp_port = int(match.group(2).rsplit(":", 1)[1])
                    elif match.group(1) == "usb-listening":
                        self.usb_port = int(match.group(2).rsplit(":", 1)[1])
                else:
                    self._stderr.append(line)
                self._cond.notify_all()

    def _wait_for_listen(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not any(kind == "listening" for kind, _ in self._status):
                if self._proc is not None and self._proc.poll() is not None:
                    raise EmulatorError(f"emulator ended before listening ({self._describe_end()})")
                if time.monotonic() > deadline:
                    raise EmulatorError(f"emulator did not listen within {timeout} s")
                self._cond.wait(0.1)

    def _open_pty(self) -> None:
        import pty
        import tty

        master, slave = pty.openpty()
        tty.setraw(slave)  # no echo, no CR/LF translation: the slave is a raw serial line
        os.set_blocking(master, False)  # output nobody reads is dropped, like on a real UART
        self._pty_master, self._pty_slave = master, slave
        self.pty_path = os.ttyname(slave)
        self._spawn(self._pump_pty_input)

    def _pump_pty_input(self) -> None:
        import select

        assert self._proc is not None and self._proc.stdin is not None
        while self._pty_master is not None and self._proc.poll() is None:
            try:
                ready, _, _ = select.select([self._pty_master], [], [], 0.2)
                if not ready:
                    continue
                chunk = os.read(self._pty_master, 4096)
                self._proc.stdin.write(chunk)
                self._proc.stdin.flush()
            except BlockingIOError:
                continue
            except (OSError, ValueError, TypeError):
                break

    def _describe_end(self) -> str:
        if self._status:
            kind, rest = self._status[-1]
            return f"{kind} {rest}".strip()
        tail = "; ".join(self._stderr[-3:])
        return f"runner exit status {self._proc.returncode if self._proc else '?'}" + (f": {tail}" if tail else "")

    def _result(self, returncode: int) -> RunResult:
        with self._cond:
            final = [s for s in self._status if s[0] in _FINAL]
        if not final:
            return RunResult("killed", None, "; ".join(self._stderr[-3:]), returncode)
        kind, rest = final[-1]
        code = int(rest.split()[0]) if kind == "exit" else None
        return RunResult(kind, code, rest, returncode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiln.emulators.rp2040",
                                     description="Run a Kiln RP2040 image in rp2040js (UART0 on this terminal).")
    parser.add_argument("firmware", type=Path, help=".uf2 (or raw .bin at the start of flash)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve UART0 on a pseudo-terminal and print its path")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve UART0 on 127.0.0.1:PORT (0 = any free port)")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds")
    parser.add_argument("--skip-boot2", action="store_true", help="start at the vector table, without the bootrom")
    parser.add_argument("--usb", action="store_true",
                        help="be the USB host too: the CDC port on rfc2217://127.0.0.1:PORT (printed at start)")
    args = parser.parse_args(argv)
    try:
        if not args.pty and args.tcp is None:
            # Straight to the terminal: the runner puts it in raw mode; Ctrl-] quits.
            emu = Rp2040Emulator(args.firmware, timeout=args.timeout, skip_boot2=args.skip_boot2, usb=args.usb)
            command = [c for c in emu.command() if c != "--no-interactive"]
            print("rp2040js: UART0 on this terminal; Ctrl-] quits", file=sys.stderr)
            return subprocess.call(command, cwd=ROOT)
        mode = "pty" if args.pty else "tcp"
        with Rp2040Emulator(args.firmware, mode=mode, tcp_port=args.tcp or 0, timeout=args.timeout,
                            skip_boot2=args.skip_boot2, usb=args.usb) as emu:
            where_text = emu.pty_path if mode == "pty" else f"socket://127.0.0.1:{emu.tcp_port}"
            print(f"rp2040js: UART0 at {where_text}; Ctrl-C stops", file=sys.stderr)
            if emu.usb_port:
                print(f"rp2040js: USB CDC at rfc2217://127.0.0.1:{emu.usb_port}", file=sys.stderr)
            try:
                result = emu.wait(timeout=args.timeout + 5 if args.timeout else 10**9)
            except KeyboardInterrupt:
                return 130
            print(f"rp2040js: {result.kind} {result.detail}".rstrip(), file=sys.stderr)
            return result.returncode
    except EmulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
