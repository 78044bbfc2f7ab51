"""`kiln repl`, `kiln run`, `kiln exec`, `kiln fs ls|cp|rm|mkdir|cat`, `kiln reset`: the board's REPL over
any serial port or pyserial URL, through kiln.repl_client (the same raw REPL protocol mpremote uses).

The port is `--port` (or $KILN_PORT), else the application port of `--device ID`, else the only
application serial port attached. Remote paths in `fs cp` start with ':' as in mpremote.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from kiln.devices import Discovery, Registry, matches
from kiln.repl_client import RemoteError, ReplClient, ReplError

EXIT_KEY = b"\x1d"   # Ctrl-]


class ToolError(Exception):
    """A user-facing error of a device tool."""


def resolve_port(args: argparse.Namespace, discovery: Discovery | None = None) -> str:
    if getattr(args, "port", None):
        return str(args.port)
    if os.environ.get("KILN_PORT"):
        return os.environ["KILN_PORT"]
    discovery = discovery or Discovery()
    endpoints = [e for e in discovery.endpoints() if e.mode in ("app", "serial")]
    device = getattr(args, "device", None)
    if device:
        registry = Registry.load()
        endpoints = [e for e in endpoints if matches(e, device, registry)]
    if len(endpoints) == 1:
        return endpoints[0].location
    listing = ", ".join(e.location for e in endpoints) or "none"
    raise ToolError(f"{'no' if not endpoints else len(endpoints)} serial ports match (ports: {listing}); "
                    "pass --port PORT (a device path or a pyserial URL such as socket://127.0.0.1:PORT)")


def client(args: argparse.Namespace) -> ReplClient:
    return ReplClient(resolve_port(args), getattr(args, "baud", 115200), timeout=getattr(args, "timeout", 10.0)).open()


# -- commands -----------------------------------------------------------------------------------------------


def cmd_exec(args: argparse.Namespace, out: BinaryIO | None = None) -> int:
    out = out or sys.stdout.buffer
    with client(args) as repl:
        return _run_code(repl, args.code, out)


def cmd_run(args: argparse.Namespace, out: BinaryIO | None = None) -> int:
    out = out or sys.stdout.buffer
    source = Path(args.script)
    if not source.is_file():
        raise ToolError(f"{source}: no such file")
    with client(args) as repl:
        return _run_code(repl, source.read_text(encoding="utf-8"), out)


def _run_code(repl: ReplClient, code: str, out: BinaryIO) -> int:
    def stream(data: bytes) -> None:
        out.write(data)
        out.flush()

    _, stderr = repl.exec_raw(code, timeout=3600.0, consumer=stream)
    if stderr:
        sys.stderr.write(stderr.decode(errors="replace"))
        return 1
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    with client(args) as repl:
        if args.soft:
            repl.soft_reset()
        else:
            repl.hard_reset()
    return 0


def cmd_fs(args: argparse.Namespace, out: BinaryIO | None = None) -> int:
    out = out or sys.stdout.buffer
    with client(args) as repl:
        try:
            if args.fs_command == "ls":
                for path in args.paths or ["/"]:
                    for name, size, is_dir in repl.ls(_remote(path)):
                        out.write(f"{size:>12} {name}{'/' if is_dir else ''}\n".encode())
            elif args.fs_command == "cat":
                for path in args.paths:
                    out.write(repl.cat(_remote(path)))
            elif args.fs_command == "mkdir":
                for path in args.paths:
                    repl.mkdir(_remote(path))
            elif args.fs_command == "rm":
                for path in args.paths:
                    _rm(repl, _remote(path), args.recursive)
            elif args.fs_command == "cp":
                _cp(repl, args.paths[:-1], args.paths[-1], args.recursive, args.force, out)
        except RemoteError as exc:
            raise ToolError(f"on the device: {exc}") from None
        out.flush()
    return 0


def _remote(path: str) -> str:
    path = path[1:] if path.startswith(":") else path
    return path if path.startswith("/") else "/" + path


def _rm(repl: ReplClient, path: str, recursive: bool) -> None:
    st = repl.stat(path)
    if st is None:
        raise ToolError(f":{path}: no such file or directory on the device")
    if st[0] & 0x4000 and recursive:
        for name, _size, _is_dir in repl.ls(path):
            _rm(repl, path.rstrip("/") + "/" + name, True)
    repl.rm(path)


def _cp(repl: ReplClient, sources: list[str], dest: str, recursive: bool, force: bool, out: BinaryIO) -> None:
    if not sources:
        raise ToolError("fs cp needs a source and a destination (remote paths start with ':')")
    for src in sources:
        if src.startswith(":") and not dest.startswith(":"):
            target = Path(dest)
            if target.is_dir():
                target = target / Path(src[1:]).name
            target.write_bytes(repl.cat(_remote(src)))
            out.write(f"cp {src} {target}\n".encode())
        elif dest.startswith(":") and not src.startswith(":"):
            _put(repl, Path(src), dest, recursive, force, out)
        else:
            raise ToolError(f"cp {src} {dest}: exactly one side must be remote (start with ':')")


def _put(repl: ReplClient, src: Path, dest: str, recursive: bool, force: bool, out: BinaryIO) -> None:
    remote = _remote(dest)
    st = repl.stat(remote) if remote != "/" else (0x4000, 0)
    if st is not None and st[0] & 0x4000:
        remote = remote.rstrip("/") + "/" + src.name
    if src.is_dir():
        if not recursive:
            raise ToolError(f"{src} is a directory; use fs cp -r")
        if repl.stat(remote) is None:
            repl.mkdir(remote)
        for child in sorted(src.iterdir()):
            _put(repl, child, ":" + remote, True, force, out)
        return
    if not src.is_file():
        raise ToolError(f"{src}: no such file")
    written = repl.put(src.read_bytes(), remote, skip_same=not force)
    out.write(f"{'cp' if written else 'up to date'} {src} :{remote}\n".encode())


# -- terminal ------------------------------------------------------------------------------------------------


def cmd_repl(args: argparse.Namespace) -> int:
    port = resolve_port(args)
    with ReplClient(port, args.baud).open() as repl:
        print(f"Connected to {port}; Ctrl-] to exit", file=sys.stderr)
        terminal(repl.serial, sys.stdin.fileno(), sys.stdout.buffer)
    return 0


def terminal(link: Any, stdin_fd: int, out: BinaryIO, exit_key: bytes = EXIT_KEY) -> None:
    """Copies the keyboard to the link and the link to `out` until `exit_key` (Ctrl-]) is typed."""
    stop = threading.Event()

    def pump() -> None:
        while not stop.is_set():
            try:
                data = link.read(link.in_waiting or 1)
            except Exception:  # noqa: BLE001 - the device went away
                stop.set()
                return
            if data:
                out.write(data)
                out.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    saved = None
    if os.isatty(stdin_fd):
        import termios
        import tty

        saved = termios.tcgetattr(stdin_fd)
        tty.setraw(stdin_fd)
    try:
        while not stop.is_set():
            ready, _, _ = select.select([stdin_fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(stdin_fd, 1024)
            if not data:
                break
            if exit_key in data:
                before = data.split(exit_key)[0]
                if before:
                    link.write(before.replace(b"\n", b"\r"))
                break
            link.write(data.replace(b"\n", b"\r"))
    finally:
        stop.set()
        if saved is not None:
            import termios

            termios.tcsetattr(stdin_fd, termios.TCSADRAIN, saved)
        reader.join(timeout=1)


# -- registration ---------------------------------------------------------------------------------------------


def _port_args(p: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--port/--device/--baud/--timeout; `suppress` for sub-commands so they do not reset the parent's values."""
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    p.add_argument("--port", "-p", default=default(None),
                   help="serial port or pyserial URL (default: $KILN_PORT, or the board's port)")
    p.add_argument("--device", "-d", default=default(None), help="device id (see `kiln devices`) instead of --port")
    p.add_argument("--baud", type=int, default=default(115200))
    p.add_argument("--timeout", type=float, default=default(10.0), help="seconds to wait for the REPL")


def _guard(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except (ToolError, ReplError) as exc:
            print(f"kiln {args.command}: {exc}", file=sys.stderr)
            return 1

    return run


def register(sub: Any) -> None:
    p = sub.add_parser("repl", help="the board's REPL on this terminal (Ctrl-] exits)")
    _port_args(p)
    p.set_defaults(func=_guard(cmd_repl))

    if "run" in sub.choices:
        # `kiln run` already boots a board in its emulator; `kiln run SCRIPT` runs a script on a board.
        p = sub.choices["run"]
        emulate = p.get_default("func")
        p.add_argument("script", nargs="?", help="a local script to run on the board (then --port/--device apply)")
        p.add_argument("--port", "-p", help="serial port or pyserial URL for SCRIPT (default: $KILN_PORT, the board)")
        p.add_argument("--device", "-d", help="device id for SCRIPT (see `kiln devices`)")
        p.add_argument("--baud", type=int, default=115200)
        p.add_argument("--timeout", type=float, default=10.0)
        guarded = _guard(cmd_run)
        p.set_defaults(func=lambda args: guarded(args) if args.script else emulate(args))
    else:
        p = sub.add_parser("run", help="run a local script on the board, streaming its output")
        _port_args(p)
        p.add_argument("script")
        p.set_defaults(func=_guard(cmd_run))

    p = sub.add_parser("exec", help="run Python code on the board")
    _port_args(p)
    p.add_argument("code")
    p.set_defaults(func=_guard(cmd_exec))

    p = sub.add_parser("reset", help="reset the board (machine.reset(); --soft: soft reset)")
    _port_args(p)
    p.add_argument("--soft", action="store_true")
    p.set_defaults(func=_guard(cmd_reset))

    p = sub.add_parser("fs", help="files on the board: ls, cat, cp (skips unchanged files), rm, mkdir")
    _port_args(p)
    fs = p.add_subparsers(dest="fs_command", required=True)
    for name, help_text in (("ls", "list directories"), ("cat", "print files"), ("mkdir", "make directories"),
                            ("rm", "remove files (-r: directories)"),
                            ("cp", "copy SRC... DEST; remote paths start with ':'; unchanged files are skipped")):
        q = fs.add_parser(name, help=help_text)
        _port_args(q, suppress=True)
        q.add_argument("paths", nargs="*" if name == "ls" else "+")
        if name in ("cp", "rm"):
            q.add_argument("-r", "--recursive", action="store_true")
        if name == "cp":
            q.add_argument("-f", "--force", action="store_true", help="write even if the content is the same")
    p.set_defaults(func=_guard(cmd_fs), recursive=False, force=False)
