#!/usr/bin/env python3
"""Release build cost per port: building every board x variant of a port, as a ratio of building its
default board alone (both clean, each with an empty shared object cache). Goal: <= 1.5x."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiln.boards import default_board, list_board_ids, load_board  # noqa: E402
from kiln.build import copy_checkout  # noqa: E402
from kiln.toolchains import for_core  # noqa: E402

GOAL = 1.5


def clean_build(tree: Path, spec: str) -> float:
    shutil.rmtree(tree / "build", ignore_errors=True)
    (tree / ".sconsign.dblite").unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={spec}"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
    return time.perf_counter() - start


def main() -> None:
    ports = sorted({port for port, _ in list_board_ids() if port != "unix"})
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "kiln"
        copy_checkout(tree)
        print(f"{'port':<6} {'boards':>6} {'one board':>10} {'all boards':>11} {'ratio':>6}  (goal <= {GOAL}x, "
              f"{os.cpu_count()} cores)")
        for port in ports:
            targets = []
            for port_name, board_id in list_board_ids():
                board = load_board(board_id)
                if port_name == port and for_core(board.mcu["core"]).bin_dir() is not None:
                    targets.append(board_id)
                    targets += [f"{board_id}:{v}" for v in board.variants]
            one = clean_build(tree, default_board(port))
            every = clean_build(tree, ",".join(targets))
            print(f"{port:<6} {len(targets):>6} {one:>9.2f}s {every:>10.2f}s {every / one:>5.2f}x")


if __name__ == "__main__":
    main()
