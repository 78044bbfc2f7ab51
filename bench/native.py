#!/usr/bin/env python3
"""native.py: bytecode vs @micropython.native vs @micropython.viper on the Kiln unix build.

Usage: bench/native.py [KILN_BINARY] [-n REPEATS] [--scale N]

Each kernel (a counting loop, integer arithmetic, a byte-buffer transform) is generated three times,
differing only in the decorator (and, for viper, the annotations and a ptr8 view of the buffer). One
Kiln process times all variants with time.ticks_us() (best of REPEATS), checks they compute the same
result, and this script prints the times and the bytecode/native and bytecode/viper ratios (higher is
a bigger speed-up). The emulator instruction counts are in bench/native_mcu.py.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# {dec}: decorator line; {i}: ": int" for viper; {buf}: how the buffer is viewed.
KERNELS = {
    "loop": """
{dec}
def loop_{v}(n{i}){r}:
    s = 0
    i = 0
    while i < n:
        s = (s + i) & 0xFFFF
        i += 1
    return s
""",
    "arith": """
{dec}
def arith_{v}(n{i}){r}:
    x = 12345
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        x = x ^ (x >> 7)
        i += 1
    return x
""",
    "buffer": """
{dec}
def buffer_{v}(buf, n{i}){r}:
    p = {buf}
    i = 0
    s = 0
    while i < n:
        p[i] = ((p[i] + i) ^ 0x5A) & 0xFF
        s = (s + p[i]) & 0xFFFF
        i += 1
    return s
""",
}

VARIANTS = {
    "bytecode": {"dec": "", "i": "", "r": "", "buf": "buf"},
    "native": {"dec": "@micropython.native", "i": "", "r": "", "buf": "buf"},
    "viper": {"dec": "@micropython.viper", "i": ": int", "r": " -> int", "buf": "ptr8(buf)"},
}

DRIVER = """
import time
def best(f, args, repeats):
    t = None
    for _ in range(repeats):
        fresh = [bytearray(a) if isinstance(a, bytearray) else a for a in args]
        t0 = time.ticks_us()
        r = f(*fresh)
        dt = time.ticks_diff(time.ticks_us(), t0)
        t = dt if t is None else min(t, dt)
    return t, r
N = {n}
BUF = bytearray(bytes(range(256)) * (N // 256 + 1))
for k in {kernels!r}:
    args = (BUF, N) if k == "buffer" else (N,)
    res = []
    for v in {variants!r}:
        t, r = best(globals()[k + "_" + v], args, {repeats})
        res.append((v, t, r))
    print(k, " ".join("%s=%d:%d" % (v, t, r) for v, t, r in res))
"""


def program(scale: int, repeats: int) -> str:
    parts = ["import micropython"]
    for src in KERNELS.values():
        for v, subst in VARIANTS.items():
            parts.append(src.format(v=v, **subst))
    parts.append(DRIVER.format(n=scale, kernels=list(KERNELS), variants=list(VARIANTS), repeats=repeats))
    return "\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("kiln", nargs="?", default=os.path.join(ROOT, "build", "UNIX", "kiln-unix"))
    ap.add_argument("-n", type=int, default=3, help="repeats (best time is kept)")
    ap.add_argument("--scale", type=int, default=300_000, help="loop iterations per kernel")
    args = ap.parse_args()
    proc = subprocess.run([args.kiln, "-c", program(args.scale, args.n)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        return 1
    print(f"{'kernel':<8} {'bytecode us':>12} {'native us':>10} {'viper us':>9} {'bc/native':>10} {'bc/viper':>9}")
    bad = False
    for line in proc.stdout.splitlines():
        name, *fields = line.split()
        times, results = {}, set()
        for f in fields:
            v, rest = f.split("=")
            t, r = rest.split(":")
            times[v] = int(t)
            results.add(r)
        same = "" if len(results) == 1 else "  RESULTS DIFFER"
        bad = bad or len(results) != 1
        bc = times["bytecode"]
        print(f"{name:<8} {bc:12d} {times['native']:10d} {times['viper']:9d} "
              f"{bc / max(times['native'], 1):10.2f} {bc / max(times['viper'], 1):9.2f}{same}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
