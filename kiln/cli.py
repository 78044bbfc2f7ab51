"""The `kiln` command line: boards, build, run, test."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from kiln import __version__
from kiln.boards import DEFAULT_BOARD, ROOT, BoardError, all_boards, load_board


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
    cmd = [sys.executable, "-m", "pytest", *args.pytest_args]
    return subprocess.run(cmd, cwd=ROOT).returncode


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
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("run", help="build, then boot the board in its emulator with the REPL on this terminal")
    board_args(p)
    p.add_argument("--serial", choices=("stdio", "pty", "tcp"), default="stdio",
                   help="where the console goes: this terminal, a pty (for mpremote) or TCP on 127.0.0.1")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("test", help="run the test suite")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_test)
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
