#!/usr/bin/env python3
"""interp.py: times each bench/bm_*.py on the Kiln unix build and on CPython in the same run.

Usage: bench/interp.py [KILN_BINARY] [-n REPEATS] [-k SUBSTRING]

Prints per-benchmark best wall times, the Kiln/CPython ratio (lower is better; < 1 means Kiln is
faster) and the geometric mean of the ratios. Also checks both interpreters print the same result.
"""
import argparse
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def best_time(cmd, path, repeats):
    best = None
    out = b""
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd + [path], capture_output=True, timeout=600)
        dt = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed on {path}: {proc.stderr.decode(errors='replace')[-400:]}")
        out = proc.stdout
        best = dt if best is None else min(best, dt)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kiln", nargs="?", default=os.path.join(ROOT, "build", "UNIX", "kiln-unix"))
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("-k", default="")
    ap.add_argument("--python", default=os.environ.get("KILN_CPYTHON", "python3"))
    args = ap.parse_args()
    benches = sorted(n for n in os.listdir(HERE) if n.startswith("bm_") and n.endswith(".py") and args.k in n)
    ratios = []
    print(f"{'benchmark':<18} {'kiln s':>10} {'cpython s':>10} {'ratio':>8}")
    mismatch = False
    for name in benches:
        path = os.path.join(HERE, name)
        tk, ok = best_time([args.kiln], path, args.n)
        tc, oc = best_time([args.python], path, args.n)
        ratio = tk / tc
        ratios.append(ratio)
        same = "" if ok == oc else "  OUTPUT DIFFERS"
        mismatch = mismatch or ok != oc
        print(f"{name[3:-3]:<18} {tk:10.3f} {tc:10.3f} {ratio:8.2f}{same}")
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"{'geometric mean':<18} {'':>10} {'':>10} {geo:8.2f}")
    return 1 if mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
