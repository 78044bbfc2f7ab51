#!/usr/bin/env python3
"""Build-speed benchmark for the default board: clean build, no-op rebuild, one-file incremental.

Runs in a scratch copy of the checkout so the working tree's build/ is untouched. Prints seconds and
the no-op time as a ratio of the 0.5 s target.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiln.boards import DEFAULT_BOARD  # noqa: E402
from kiln.build import copy_checkout  # noqa: E402

NOOP_TARGET_S = 0.5


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--board", default=DEFAULT_BOARD)
    parser.add_argument("--repeat", type=int, default=5, help="no-op and incremental runs to take the median of")
    parser.add_argument("--touch", default="core/banner.c", help="file the incremental build touches")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "kiln"
        copy_checkout(tree)
        cmd = [sys.executable, "-m", "SCons", "-Q", f"BOARD={args.board}"]
        clean = timed(cmd, tree)
        noop = sorted(timed(cmd, tree) for _ in range(args.repeat))[args.repeat // 2]
        incremental = []
        for i in range(args.repeat):
            touched = tree / args.touch
            touched.write_text(touched.read_text() + f"\nconst char kiln_bench_marker_{i}[] = \"{i}\";\n")
            incremental.append(timed(cmd, tree))
        one_file = sorted(incremental)[args.repeat // 2]
    print(f"board {args.board} ({os.cpu_count()} cores)")
    print(f"clean build          {clean:7.2f} s")
    print(f"no-op rebuild        {noop:7.2f} s   ({noop / NOOP_TARGET_S:.2f}x the {NOOP_TARGET_S} s target)")
    print(f"one-file incremental {one_file:7.2f} s   (touching {args.touch})")


if __name__ == "__main__":
    main()
