"""A simulated board REPL speaking MicroPython's friendly REPL, raw REPL and raw-paste protocols,
executing code with CPython in a sandboxed namespace. It stands in for the firmware's REPL (being
written in core/) so the device tools and mpremote can be tested against the same protocol.

Protocol (MicroPython docs, "raw mode and raw-paste mode"): Ctrl-A enters raw mode ("raw REPL;
CTRL-B to exit" then ">"); code ends with Ctrl-D; the device answers "OK", the output, Ctrl-D, the
exception text, Ctrl-D, ">". Raw-paste: the host sends Ctrl-E 'A' Ctrl-A; the device answers "R\\x01"
plus a 16-bit window size and sends Ctrl-A each time the host may send another window; the host ends
with Ctrl-D, the device acknowledges with Ctrl-D, then output as above. Ctrl-D on an empty raw line
soft-resets; Ctrl-B goes back to the friendly REPL; Ctrl-C interrupts.

The sandbox: builtins from an allow-list, `open` and `os` confined to one directory, and small
`machine`, `hashlib`, `binascii`, `time`, `sys`, `gc` modules. `machine.bootloader()` calls a hook so
tests can switch the simulated device into its bootloader.
"""

from __future__ import annotations

import binascii
import builtins
import errno
import hashlib
import threading
import time
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

BANNER = b"Kiln 0.1.0 (simulated REPL); Kiln-Sim with CPython\r\nType \"help()\" for more information.\r\n"
RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"
SAFE_BUILTINS = (
    "abs all any bin bool bytearray bytes callable chr classmethod dict dir divmod enumerate filter float format "
    "compile frozenset getattr globals hasattr hash hex id int isinstance issubclass iter len list locals map max memoryview "
    "min next object oct ord pow print property range repr reversed round set setattr slice sorted staticmethod str "
    "sum super tuple type zip __build_class__ Exception BaseException ValueError TypeError KeyError IndexError "
    "OSError AttributeError NameError ImportError RuntimeError StopIteration ZeroDivisionError KeyboardInterrupt "
    "NotImplementedError AssertionError MemoryError SystemExit OverflowError UnicodeError EOFError"
).split()


class _Exit(BaseException):
    """Raised inside the sandbox by machine.reset()/bootloader(): the device goes away."""


class Sandbox:
    """Filesystem root and modules for one 'boot' of the device."""

    def __init__(self, root: Path, write: Callable[[str], None], uid: bytes, on_bootloader: Callable[[], None] | None,
                 on_reset: Callable[[], None] | None):
        self.root = root
        self.write = write
        self.cwd = "/"
        self.uid = uid
        self.on_bootloader = on_bootloader
        self.on_reset = on_reset
        self.namespace: dict[str, Any] = {}
        self.modules = self._modules()
        self.reset_namespace()

    def reset_namespace(self) -> None:
        safe = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
        safe.update(print=self._print, open=self._open, __import__=self._import, input=lambda prompt="": "")

        def scoped(run: Callable[..., Any]) -> Callable[..., Any]:
            def call(source: Any, globals_: dict[str, Any] | None = None, locals_: Any = None) -> Any:
                scope = self.namespace if globals_ is None else globals_
                scope.setdefault("__builtins__", safe)   # never the host's builtins
                return run(source, scope, locals_)
            return call

        safe.update(exec=scoped(exec), eval=scoped(eval))
        self.namespace = {"__builtins__": safe, "__name__": "__main__"}

    # -- paths --------------------------------------------------------------------------------------------

    def host(self, path: str) -> Path:
        """Maps a device path to the sandbox directory; refuses anything that would leave it."""
        absolute = path if path.startswith("/") else (self.cwd.rstrip("/") + "/" + path)
        parts: list[str] = []
        for part in absolute.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        return self.root.joinpath(*parts)

    # -- builtins -----------------------------------------------------------------------------------------

    def _print(self, *args: Any, sep: str = " ", end: str = "\n", file: Any = None) -> None:
        text = sep.join(str(a) for a in args) + end
        (file.write if file is not None else self.write)(text)

    def _open(self, path: str, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if not isinstance(path, str):
            raise TypeError("path must be a str")
        return open(self.host(path), mode, *args, **kwargs)  # noqa: SIM115 - the caller closes it

    def _import(self, name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        module = self.modules.get(name) or self.modules.get(name.removeprefix("u"))
        if module is not None:
            return module
        for directory in ("/", "/lib"):   # .py files on the board's filesystem, as MicroPython imports them
            path = self.host(f"{directory}/{name.replace('.', '/')}.py")
            if path.is_file():
                module = types.ModuleType(name)
                module.__dict__["__builtins__"] = self.namespace["__builtins__"]
                self.modules[name] = module
                exec(compile(path.read_text(), name + ".py", "exec"), module.__dict__)  # noqa: S102 - sandboxed
                return module
        raise ImportError(f"no module named '{name}'")

    # -- modules -----------------------------------------------------------------------------------------------

    def _modules(self) -> dict[str, types.ModuleType]:
        def module(name: str, **attrs: Any) -> types.ModuleType:
            m = types.ModuleType(name)
            m.__dict__.update(attrs)
            return m

        sandbox = self

        def ilistdir(path: str = "") -> Any:
            base = sandbox.host(path or sandbox.cwd)
            for entry in sorted(base.iterdir()):
                st = entry.stat()
                yield (entry.name, 0x4000 if entry.is_dir() else 0x8000, 0, 0 if entry.is_dir() else st.st_size)

        def stat(path: str) -> tuple[int, ...]:
            st = sandbox.host(path).stat()
            mode = 0x4000 if sandbox.host(path).is_dir() else 0x8000
            return (mode, 0, 0, 0, 0, 0, 0 if mode == 0x4000 else st.st_size, int(st.st_mtime), int(st.st_mtime),
                    int(st.st_mtime))

        def chdir(path: str) -> None:
            if not sandbox.host(path).is_dir():
                raise OSError(2, "ENOENT")
            sandbox.cwd = "/" + str(sandbox.host(path).relative_to(sandbox.root)).strip(".")

        os_module = module(
            "os", ilistdir=ilistdir, listdir=lambda path="": [e[0] for e in ilistdir(path)], stat=stat,
            mkdir=lambda path: sandbox.host(path).mkdir(), remove=lambda path: sandbox.host(path).unlink(),
            rmdir=lambda path: sandbox.host(path).rmdir(), getcwd=lambda: sandbox.cwd, chdir=chdir,
            rename=lambda a, b: sandbox.host(a).rename(sandbox.host(b)), sep="/",
            statvfs=lambda path: (4096, 4096, 512, 400, 400, 0, 0, 0, 0, 255),
            uname=lambda: ("kiln", "kiln", "0.1.0", "0.1.0 (simulated)", "sim"))

        def bootloader() -> None:
            raise _Exit("bootloader")

        def reset() -> None:
            raise _Exit("reset")

        stdout = module("stdout", write=lambda s: (sandbox.write(s if isinstance(s, str) else s.decode()), len(s))[1])
        return {
            "os": os_module,
            "sys": module("sys", platform="kiln", implementation=types.SimpleNamespace(name="kiln", version=(0, 1, 0)),
                          stdout=stdout, version="3.4.0; Kiln 0.1.0", maxsize=2**30, exit=lambda code=0: None),
            "time": module("time", sleep=time.sleep, sleep_ms=lambda ms: time.sleep(ms / 1000),
                           ticks_ms=lambda: int(time.monotonic() * 1000) & 0x3FFFFFFF, time=time.time),
            "machine": module("machine", unique_id=lambda: sandbox.uid, bootloader=bootloader, reset=reset,
                              soft_reset=reset, freq=lambda *a: 125_000_000),
            "hashlib": module("hashlib", sha256=hashlib.sha256),
            "binascii": module("binascii", hexlify=binascii.hexlify, unhexlify=binascii.unhexlify,
                               a2b_base64=binascii.a2b_base64, b2a_base64=binascii.b2a_base64),
            "gc": module("gc", collect=lambda: None, mem_free=lambda: 100_000, mem_alloc=lambda: 20_000),
            "micropython": module("micropython", const=lambda x: x),
            "errno": module("errno", ENOENT=errno.ENOENT, EEXIST=errno.EEXIST, EISDIR=errno.EISDIR, ENOTDIR=errno.ENOTDIR),
        }

    # -- running code ------------------------------------------------------------------------------------------

    def run(self, source: str, mode: str = "exec") -> str | None:
        """Runs `source`; returns the traceback text (None if it ran). Output goes to `write` as it happens."""
        try:
            if mode == "single":   # an expression's value is echoed, as at a REPL prompt
                try:
                    expression = compile(source, "<stdin>", "eval")
                except SyntaxError:
                    expression = None
                if expression is not None:
                    result = eval(expression, self.namespace)  # noqa: S307 - the sandboxed device interpreter
                    if result is not None:
                        self.write(repr(result) + "\n")
                    return None
            exec(compile(source, "<stdin>", "exec"), self.namespace)  # noqa: S102 - the sandboxed device interpreter
        except _Exit as exc:
            return f"<exit {exc}>"
        except SyntaxError as exc:
            return f'Traceback (most recent call last):\n  File "<stdin>", line {exc.lineno}\nSyntaxError: {exc.msg}\n'
        except BaseException as exc:  # noqa: BLE001 - every error is reported like the device would
            if isinstance(exc, OSError) and exc.errno:   # MicroPython style, without host paths
                lines = [f"OSError: [Errno {exc.errno}] {errno.errorcode.get(exc.errno, exc.errno)}\n"]
            else:
                lines = traceback.format_exception_only(type(exc), exc)
            return "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n" + "".join(lines)
        return None


class RawReplSim:
    """The device side of the serial link. Attach it to a PtyLink or TcpLink."""

    def __init__(self, root: Path, *, uid: bytes = bytes.fromhex("e6614103e7123456"), paste_window: int = 128,
                 raw_paste: bool = True, on_bootloader: Callable[[], None] | None = None,
                 on_reset: Callable[[], None] | None = None):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.uid = uid
        self.paste_window = paste_window
        self.raw_paste = raw_paste
        self.on_bootloader = on_bootloader
        self.on_reset = on_reset
        self.link: Any = None
        self.mode = "friendly"
        self.line = bytearray()
        self.buffer = bytearray()
        self.paste_received = 0
        self.pending_e = b""
        self.lock = threading.Lock()
        self.executed: list[str] = []
        self.soft_resets = 0
        self.alive = True
        self.sandbox = Sandbox(root, self._write_text, uid, on_bootloader, on_reset)

    # -- link ------------------------------------------------------------------------------------------------

    def attach(self, link: Any) -> None:
        self.link = link
        self._send(BANNER + b">>> ")

    def _send(self, data: bytes) -> None:
        if self.link is not None and self.alive:
            self.link.send(data)

    def _write_text(self, text: str) -> None:
        self._send(text.replace("\n", "\r\n").encode() if self.mode == "friendly" else text.encode())

    # -- input --------------------------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        with self.lock:
            for byte in data:
                if not self.alive:
                    return
                if self.mode == "friendly":
                    self._friendly(byte)
                elif self.mode == "raw":
                    self._raw(byte)
                else:
                    self._paste(byte)

    def _friendly(self, byte: int) -> None:
        if byte == 0x01:                     # Ctrl-A: raw REPL
            self.mode = "raw"
            self.buffer.clear()
            self._send(b"\r\n" + RAW_PROMPT)
        elif byte == 0x02:                   # Ctrl-B: banner
            self._send(b"\r\n" + BANNER + b">>> ")
        elif byte == 0x03:                   # Ctrl-C
            self.line.clear()
            self._send(b"\r\nKeyboardInterrupt\r\n>>> ")
        elif byte == 0x04:                   # Ctrl-D: soft reset
            self._soft_reset()
            self._send(b"\r\n" + BANNER + b">>> ")
        elif byte in (0x0D, 0x0A):
            if byte == 0x0A and not self.line:
                return
            source = self.line.decode(errors="replace")
            self.line.clear()
            self._send(b"\r\n")
            if source.strip():
                self._execute(source, "single")
            if self.alive:
                self._send(b">>> ")
        elif byte in (0x08, 0x7F):
            if self.line:
                self.line.pop()
                self._send(b"\x08 \x08")
        else:
            self.line.append(byte)
            self._send(bytes([byte]))       # echo

    def _raw(self, byte: int) -> None:
        if self.pending_e or (byte == 0x05 and not self.buffer):
            self.pending_e += bytes([byte])
            if len(self.pending_e) == 3:
                request, self.pending_e = self.pending_e, b""
                if request == b"\x05A\x01" and self.raw_paste:
                    self.mode = "paste"
                    self.buffer.clear()
                    self.paste_received = 0
                    self._send(b"R\x01" + self.paste_window.to_bytes(2, "little"))
                elif request == b"\x05A\x01":
                    self._send(b"R\x00")
                else:
                    self.buffer += request
            return
        if byte == 0x02:                     # Ctrl-B: friendly REPL
            self.mode = "friendly"
            self._send(b"\r\n" + BANNER + b">>> ")
        elif byte == 0x03:
            self.buffer.clear()
        elif byte == 0x04:
            if not self.buffer:
                self._send(b"OK")
                self._soft_reset()
                self._send(b"MPY: soft reboot\r\n" + RAW_PROMPT)
                return
            source = self.buffer.decode(errors="replace")
            self.buffer.clear()
            self._send(b"OK")
            self._run_raw(source)
        else:
            self.buffer.append(byte)

    def _paste(self, byte: int) -> None:
        if byte == 0x04:
            self._send(b"\x04")
            source = self.buffer.decode(errors="replace")
            self.buffer.clear()
            self.mode = "raw"
            self._run_raw(source)
            return
        self.buffer.append(byte)
        self.paste_received += 1
        if self.paste_received % self.paste_window == 0:
            self._send(b"\x01")              # the host may send another window

    def _run_raw(self, source: str) -> None:
        error = self._execute(source, "exec")
        if not self.alive:
            return
        self._send(b"\x04" + (error or "").encode() + b"\x04>")

    def _execute(self, source: str, mode: str) -> str | None:
        self.executed.append(source)
        error = self.sandbox.run(source, mode)
        if error and error.startswith("<exit "):
            what = error[6:-1]
            self.alive = False
            hook = self.on_bootloader if what == "bootloader" else self.on_reset
            if self.link is not None:
                threading.Thread(target=self._go_away, args=(hook,), daemon=True).start()
            return None
        if error and mode == "single":
            self._write_text(error)
            return None
        return error

    def _go_away(self, hook: Callable[[], None] | None) -> None:
        time.sleep(0.01)
        if hook is not None:
            hook()
        elif self.link is not None:
            self.link.close()

    def _soft_reset(self) -> None:
        self.soft_resets += 1
        self.sandbox.reset_namespace()
        self.sandbox.cwd = "/"


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` as {relative path: contents} (for assertions)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

