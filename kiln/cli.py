"""The `kiln` command line: boards, build, run, test."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from kiln import __version__
from kiln.boards import DEFAULT_BOARD, ROOT, BoardError, all_boards, list_board_ids, load_board


def cmd_boards(args: argparse.Namespace) -> int:
    boards = all_boards()
    if args.json:
        print(json.dumps([b.metadata() for b in boards], indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Kiln {__version__} boards")
    for column in ("Board", "Port", "MCU", "Flash", "RAM", "Images", "Flash methods", "Variants"):
        table.add_column(column)
    for b in boards:
        table.add_row(
            b.id + (" *" if b.data.get("default") else ""), b.port, b.mcu["name"],
            _kib(b.flash_size), _kib(b.ram_size), " ".join(b.images), " ".join(b.flash_methods),
            " ".join(b.variants),
        )
    Console().print(table)
    print("* = the port's default board")
    return 0


def _kib(size: int) -> str:
    if size == 0:
        return "-"
    return f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 and size % (1024 * 1024) == 0 else f"{size // 1024} KiB"


def cmd_build(args: argparse.Namespace) -> int:
    from kiln.build import run_scons

    for board_id in args.board.split(","):
        load_board(board_id, args.variant)  # validate before SCons starts
    extra = ["V=1"] if args.verbose else []
    if args.user_c_module:
        extra.append("USER_C_MODULES=" + ",".join(str(Path(p).resolve()) for p in args.user_c_module))
    return run_scons(args.board.split(","), args.variant, args.jobs, extra).returncode


def cmd_run(args: argparse.Namespace) -> int:
    from kiln.build import run_scons
    from kiln.emulators import run_interactive

    board = load_board(args.board, args.variant)
    result = run_scons([args.board], args.variant, args.jobs)
    if result.returncode != 0:
        return result.returncode
    return run_interactive(board, args.serial)


def cmd_test(args: argparse.Namespace) -> int:
    extra = list(args.pytest_args)
    if not any(a.startswith(("-n", "--numprocesses", "-p")) for a in extra):
        extra = ["-n", str(os.cpu_count() or 1), *extra]  # emulator and build tests run side by side
    cmd = [sys.executable, "-m", "pytest", *extra]
    return subprocess.run(cmd, cwd=ROOT).returncode


def cmd_release(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiln.release import ReleaseError, all_targets, make_release

    targets = None
    if args.board:
        targets = [(entry.partition(":")[0], entry.partition(":")[2]) for entry in args.board.split(",")]
    elif args.port:
        ports = {board_id: port for port, board_id in list_board_ids()}
        targets = [t for t in all_targets() if ports[t[0]] == args.port]
        if not targets:
            print(f"kiln release: no boards in port {args.port!r}; ports: {', '.join(sorted(set(ports.values())))}",
                  file=sys.stderr)
            return 2
    try:
        manifest = make_release(Path(args.dist), targets, args.jobs)
    except ReleaseError as error:
        print(f"kiln release: {error}", file=sys.stderr)
        return 1
    print(f"{len(manifest['artifacts'])} artifacts for {manifest['version']} in {args.dist}/")
    for skipped in manifest["skipped"]:
        print(f"skipped {skipped['board']}: {skipped['reason']}")
    return 0


def cmd_size(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from kiln import sizes

    old = sizes.load_sizes(Path(args.compare))
    new = sizes.load_sizes(Path(args.new)) if args.new else sizes.current_sizes()
    budget = args.threshold if args.threshold is not None else sizes.configured_budget()
    rows, over = sizes.compare(old, new, budget)
    table = Table(title=f"size change vs {args.compare} (budget {budget} bytes of text+data)")
    for column in ("Board", "text", "data", "bss"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(width=120).print(table)
    for line in over:
        print(f"error: {line}", file=sys.stderr)
    return 1 if over else 0


def cmd_affected(args: argparse.Namespace) -> int:
    from kiln.affected import affected_boards

    for build_id in affected_boards(args.since):
        print(build_id)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiln", description="Build, flash and emulate Kiln firmware.")
    parser.add_argument("--version", action="version", version=f"kiln {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("boards", help="list every board")
    p.add_argument("--json", action="store_true", help="machine-readable metadata")
    p.set_defaults(func=cmd_boards)

    def board_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--board", "-b", default=os.environ.get("KILN_BOARD", DEFAULT_BOARD))
        p.add_argument("--variant", default="")
        p.add_argument("-j", "--jobs", type=int, default=None)

    p = sub.add_parser("build", help="build a board's firmware and images")
    board_args(p)
    p.add_argument("--verbose", "-v", action="store_true", help="show full compiler command lines")
    p.add_argument("--user-c-module", action="append", default=[], metavar="DIR",
                   help="also compile this user C module folder (kiln_module.toml) in; repeatable")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("run", help="build, then boot the board in its emulator with the REPL on this terminal")
    board_args(p)
    p.add_argument("--serial", choices=("stdio", "pty", "tcp"), default="stdio",
                   help="where the console goes: this terminal, a pty (for mpremote) or TCP on 127.0.0.1")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("release", help="build every board x variant into dist/ with manifest.json and SHA256SUMS")
    p.add_argument("--dist", default="dist")
    p.add_argument("--board", default="", help="only these (ID[:VARIANT],...)")
    p.add_argument("--port", default="", help="only this port's boards and variants")
    p.add_argument("-j", "--jobs", type=int, default=None)
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("size", help="text/data/bss per board against an older release manifest")
    p.add_argument("--compare", required=True, metavar="OLD_MANIFEST")
    p.add_argument("--new", metavar="NEW_MANIFEST", help="default: the sizes in build/")
    p.add_argument("--threshold", type=int, default=None, help="allowed growth in bytes (default: pyproject)")
    p.set_defaults(func=cmd_size)

    p = sub.add_parser("affected", help="boards whose images change with the files changed since REV")
    p.add_argument("--since", required=True, metavar="REV")
    p.set_defaults(func=cmd_affected)

    p = sub.add_parser("test", help="run the test suite")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_test)
    __import__("kiln.flash.cli", fromlist=["register"]).register(sub)  # flash, devices, repl/run/exec/fs/reset
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BoardError as error:
        for line in error.lines:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
