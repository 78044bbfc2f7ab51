#!/usr/bin/env python3
"""Builds build/fuzz/fuzz_compile: the core (core/sources.txt) + tests/fuzz/fuzz_compile.c (its own HAL)
with clang -fsanitize=fuzzer,address,undefined.

Usage: tests/fuzz/build.py [--out DIR]. Needs clang and libclang-rt (Debian: clang libclang-rt-14-dev,
installed by ./kilnw). Runs `scons BOARD=UNIX` first for the generated headers (qstr table, configs).
Objects are rebuilt only when a source or header is newer.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# Small budgets keep every input fast: loops get Ctrl-C after FUZZ_POLL_BUDGET * KILN_POLL_INTERVAL
# backward jumps, recursion stops at KILN_MAX_DEPTH frames (exponential recursion stays cheap).
DEFINES = [
    "-D_DEFAULT_SOURCE",
    "-DKILN_POLL_INTERVAL=64u",
    "-DKILN_MAX_DEPTH=24",
    "-DKILN_STACK_LIMIT=(512u*1024u)",
    "-DKILN_VSTACK_WORDS=(16u*1024u)",
]
CFLAGS = [
    "-std=c99", "-Wall", "-Wextra", "-Werror", "-g", "-O1", "-fno-omit-frame-pointer",
    "-fsanitize=fuzzer-no-link,address,undefined", "-fno-sanitize-recover=undefined",
    # the VM stores code pointers and aligned words in ways UBSan's function/alignment checks dislike
    # only when they are real bugs; keep every check on
]
LDFLAGS = ["-fsanitize=fuzzer,address,undefined", "-lm"]


def find_clang() -> str:
    for name in ("clang", "clang-16", "clang-15", "clang-14"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("build.py: clang not found (Debian: apt-get install clang libclang-rt-14-dev)")


def core_sources() -> list[Path]:
    names = [line.strip() for line in (ROOT / "core" / "sources.txt").read_text().splitlines()]
    return [ROOT / "core" / n for n in names if n and not n.startswith("#")]


def newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def build(out: Path) -> Path:
    clang = find_clang()
    scons = subprocess.run([sys.executable, "-m", "SCons", "-Q", "BOARD=UNIX"], cwd=ROOT, capture_output=True,
                           text=True)
    if scons.returncode != 0:
        sys.exit(f"build.py: scons BOARD=UNIX failed:\n{scons.stdout}{scons.stderr}")
    gen = ROOT / "build" / "UNIX" / "gen"
    qstr = ROOT / "build" / "qstr" / "unix"
    includes = [f"-I{ROOT / 'core'}", f"-I{gen}", f"-I{qstr}"]
    headers = list((ROOT / "core").glob("*.h")) + list(gen.glob("*.h")) + list(qstr.glob("*.h")) + [Path(__file__)]
    stamp = newest(headers)
    out.mkdir(parents=True, exist_ok=True)
    sources = core_sources() + [HERE / "fuzz_compile.c"]

    def compile_one(src: Path) -> Path:
        obj = out / (src.stem + ".o")
        if obj.exists() and obj.stat().st_mtime >= max(src.stat().st_mtime, stamp):
            return obj
        cmd = [clang, *CFLAGS, *DEFINES, *includes, "-c", str(src), "-o", str(obj)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}\n{result.stdout}{result.stderr}")
        return obj

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        try:
            objects = list(pool.map(compile_one, sources))
        except RuntimeError as e:
            sys.exit(f"build.py: compile failed:\n{e}")
    exe = out / "fuzz_compile"
    if not exe.exists() or exe.stat().st_mtime < newest(objects):
        result = subprocess.run([clang, *[str(o) for o in objects], *LDFLAGS, "-o", str(exe)], capture_output=True,
                                text=True)
        if result.returncode != 0:
            sys.exit(f"build.py: link failed:\n{result.stdout}{result.stderr}")
    return exe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    args = parser.parse_args()
    print(build(args.out))


if __name__ == "__main__":
    main()
