#!/usr/bin/env python3
"""Release build cost per port: building every board x variant of a port, as a ratio of building its
default board alone (both clean, each with an empty shared object cache). Goal: <= 1.5x.

    python bench/release.py [--port stm32 ...] [--repeat N]

Wall-clock times swing with the machine's load, so it also prints the CPU time the builds used (the compilers
and SCons, children included) and the compiles they ran (cache misses: C and assembler objects, the host
freezer's included), which hardly depend on it. --repeat N alternates the two builds N times and keeps the
fastest of each."""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiln.boards import default_board, list_board_ids, load_board  # noqa: E402
from kiln.build import copy_checkout  # noqa: E402
from kiln.toolchains import for_core  # noqa: E402

GOAL = 1.5


@dataclass
class Build:
    seconds: float  # wall clock
    cpu: float  # user + system seconds of SCons and everything it ran
    compiles: int


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_build(tree: Path, spec: str) -> Build:
    """A clean build of `spec` with an empty object cache: its times and how many objects it compiled."""
    shutil.rmtree(tree / "build", ignore_errors=True)
    (tree / ".sconsign.dblite").unlink(missing_ok=True)
    start, cpu = time.perf_counter(), cpu_of_children()
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={spec}"], cwd=tree, check=True,
                            stdout=subprocess.PIPE, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="0"))
    return Build(time.perf_counter() - start, cpu_of_children() - cpu,
                 len(re.findall(r"^(?:CC|AS) ", result.stdout, re.MULTILINE)))


def fastest(a: Build | None, b: Build) -> Build:
    if a is None:
        return b
    return Build(min(a.seconds, b.seconds), min(a.cpu, b.cpu), b.compiles)


def main() -> None:
    all_ports = sorted({port for port, _ in list_board_ids() if port != "unix"})
    parser = argparse.ArgumentParser(description="Release build cost per port: all boards vs the default board.")
    parser.add_argument("--port", action="append", choices=all_ports, help="only this port (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate the two builds N times, keep the fastest")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    ports = args.port or all_ports
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "kiln"
        copy_checkout(tree)
        print(f"{'port':<6} {'boards':>6} {'one board':>10} {'all boards':>11} {'ratio':>6} {'cpu s':>13} {'ratio':>6} "
              f"{'compiles':>10} {'ratio':>6}  (goal <= {GOAL}x, {os.cpu_count()} cores)")
        for port in ports:
            targets = []
            for port_name, board_id in list_board_ids():
                board = load_board(board_id)
                if port_name == port and for_core(board.mcu["core"]).bin_dir() is not None:
                    targets.append(board_id)
                    targets += [f"{board_id}:{v}" for v in board.variants]
            one: Build | None = None
            every: Build | None = None
            for _ in range(args.repeat):
                one = fastest(one, clean_build(tree, default_board(port)))
                every = fastest(every, clean_build(tree, ",".join(targets)))
            assert one is not None and every is not None
            cpu = f"{one.cpu:.0f}/{every.cpu:.0f}"
            compiles = f"{one.compiles}/{every.compiles}"
            print(f"{port:<6} {len(targets):>6} {one.seconds:>9.2f}s {every.seconds:>10.2f}s "
                  f"{every.seconds / one.seconds:>5.2f}x {cpu:>13} {every.cpu / one.cpu:>5.2f}x {compiles:>10} "
                  f"{every.compiles / max(one.compiles, 1):>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
