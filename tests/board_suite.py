#!/usr/bin/env python3
"""Runs the tests/py programs on an emulated board through its raw REPL (the protocol mpremote uses)
and compares each program's output with CPython's (or the checked-in .exp).

    python tests/board_suite.py BOARD [-k SUBSTRING] [-v]

The board is booted once in its emulator with the console on a pty (as a real board's USB serial
port would be); a soft reset separates the programs. Programs listed in tests/py/board_skip.txt are
not run on boards, each with the reason why (e.g. single-precision floats on the MCU).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY_DIR = ROOT / "tests" / "py"
SKIP_FILE = PY_DIR / "board_skip.txt"
sys.path.insert(0, str(ROOT))

from kiln.boards import Board, load_board  # noqa: E402
from kiln.build import image_path  # noqa: E402
from kiln.repl_client import ReplClient, ReplError  # noqa: E402


@dataclass
class Outcome:
    name: str
    ok: bool
    want: bytes
    got: bytes
    err: bytes


def board_skips() -> dict[str, str]:
    """Program name -> why it does not run on the MCU boards."""
    skips = {}
    if SKIP_FILE.exists():
        for line in SKIP_FILE.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                skips[name] = reason.strip()
    return skips


def expected_output(path: Path) -> bytes:
    exp = path.with_suffix(".exp")
    if exp.exists():
        return exp.read_bytes()
    result = subprocess.run([sys.executable, path.name], cwd=path.parent, capture_output=True, timeout=60)
    return result.stdout


@contextlib.contextmanager
def board_console(board: Board) -> Iterator[str]:
    """Boots the board's build in its emulator and yields the path of its console pty."""
    emulator = board.data.get("emulator")
    if emulator == "qemu-netduinoplus2":
        from kiln.emulators.qemu_stm32 import QemuStm32

        with QemuStm32(image_path(board, "elf"), "pty", attach=False, uart=board.data["repl"]["uart"]) as qemu:
            assert qemu.pty_path is not None
            qemu.resume()
            yield qemu.pty_path
    elif emulator == "rp2040js":
        from kiln.emulators.rp2040 import Rp2040Emulator

        with Rp2040Emulator(image_path(board, "uf2"), mode="pty") as rp2:
            assert rp2.pty_path is not None
            yield rp2.pty_path
    elif emulator == "esp32c3-unicorn":
        from kiln.emulators.esp32c3 import emulator_class

        with emulator_class(board.mcu["family"])(image_path(board, "merged"), mode="pty") as esp:
            assert esp.pty_path is not None
            yield esp.pty_path
    else:
        raise SystemExit(f"board {board.id} has no emulator the suite can drive")


def run_on_board(board: Board, paths: list[Path], timeout: float = 60.0) -> list[Outcome]:
    outcomes = []
    with board_console(board) as port, ReplClient(port, timeout=timeout) as client:
        for path in paths:
            want = expected_output(path)
            try:
                client.enter_raw(soft_reset=True)
                got, err = client.exec_raw(path.read_bytes(), timeout=timeout)
            except ReplError as error:
                got, err = b"", f"raw REPL failure: {error}".encode()
                outcomes.append(Outcome(path.name, False, want, got, err))
                break  # the board is in an unknown state: stop rather than report noise
            got = got.replace(b"\r\n", b"\n")
            outcomes.append(Outcome(path.name, got == want, want, got, err.replace(b"\r\n", b"\n")))
    return outcomes


def select(substring: str = "") -> list[Path]:
    skips = board_skips()
    return sorted(p for p in PY_DIR.glob("*.py")
                  if substring in p.name and not p.name.startswith("_") and p.name not in skips)


def describe(outcome: Outcome) -> str:
    diff = difflib.unified_diff(outcome.want.decode(errors="replace").splitlines(),
                                outcome.got.decode(errors="replace").splitlines(), "cpython", "board", lineterm="")
    lines = [f"FAIL {outcome.name}", *("    " + d for d in list(diff)[:30])]
    lines += ["    stderr: " + e for e in outcome.err.decode(errors="replace").splitlines()[-6:]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("board")
    parser.add_argument("-k", default="", help="only programs whose name contains this")
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    board = load_board(args.board)
    outcomes = run_on_board(board, select(args.k))
    for outcome in outcomes:
        if not outcome.ok:
            print(describe(outcome))
        elif args.v:
            print("pass", outcome.name)
    passed = sum(o.ok for o in outcomes)
    print(f"{board.id}: {passed} passed, {len(outcomes) - passed} failed, {len(board_skips())} not run on boards")
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
