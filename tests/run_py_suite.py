#!/usr/bin/env python3
"""run_py_suite.py: runs tests/py/*.py on a Kiln interpreter and on CPython, and compares stdout.

Usage: run_py_suite.py KILN_BINARY [-j N] [-k SUBSTRING] [-v]

A test's expected output is CPython's stdout, or the checked-in `name.exp` where CPython legitimately
differs (the reason is in `name.exp.why`). Prints a unified diff per failure and a closing
"N passed, N failed" line; exits 1 when anything failed.
"""
import argparse
import concurrent.futures
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY_DIR = os.path.join(HERE, "py")
TIMEOUT = 60


def run(cmd, path):
    try:
        proc = subprocess.run(
            cmd + [os.path.basename(path)],
            cwd=os.path.dirname(path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
        )
        return proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        return -999, b"", b"TIMEOUT"


def expected_output(path, python):
    exp = path[:-3] + ".exp"
    if os.path.exists(exp):
        with open(exp, "rb") as f:
            return f.read()
    rc, out, err = run([python], path)
    if rc == -999:
        return b"CPython timed out\n"
    return out


def check(path, kiln, python):
    want = expected_output(path, python)
    rc, got, err = run([kiln], path)
    ok = got == want and rc != -999 and rc >= 0
    return path, ok, want, got, err, rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kiln")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--python", default=os.environ.get("KILN_CPYTHON", "python3"))
    args = ap.parse_args()
    kiln = os.path.abspath(args.kiln)
    tests = sorted(
        os.path.join(PY_DIR, name)
        for name in os.listdir(PY_DIR)
        if name.endswith(".py") and args.k in name and not name.startswith("_")
    )
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        for path, ok, want, got, err, rc in pool.map(lambda p: check(p, kiln, args.python), tests):
            name = os.path.basename(path)
            if ok:
                passed += 1
                if args.v:
                    print("pass", name)
                continue
            failed += 1
            print("FAIL", name, f"(exit {rc})")
            diff = difflib.unified_diff(
                want.decode(errors="replace").splitlines(),
                got.decode(errors="replace").splitlines(),
                "expected",
                "kiln",
                lineterm="",
            )
            for line in list(diff)[:40]:
                print("   ", line)
            if err:
                for line in err.decode(errors="replace").splitlines()[-8:]:
                    print("    stderr:", line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
