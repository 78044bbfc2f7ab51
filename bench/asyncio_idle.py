#!/usr/bin/env python3
"""asyncio_idle.py: how much CPU an idle asyncio program burns, Kiln vs CPython in the same run.

Usage: bench/asyncio_idle.py [KILN_BINARY]

The program sleeps in asyncio (one long sleep, then many short timers) with stdin a pipe nobody writes.
An event loop that waits in select.poll until the next timer uses almost no CPU; a busy loop uses ~100 %.
Prints CPU seconds / wall seconds for each interpreter and their ratio.
"""
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PROGRAM = """
import asyncio
async def timer(ms):
    for _ in range(10):
        await asyncio.sleep(ms / 1000)
async def main():
    await asyncio.sleep(0.5)
    await asyncio.gather(*(timer(20 + i) for i in range(10)))
asyncio.run(main())
"""


def cpu_share(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd + ["-c", PROGRAM], stdin=subprocess.PIPE)
    proc.wait()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main():
    kiln = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "UNIX", "kiln-unix")
    rows = []
    for name, cmd in (("kiln", [kiln]), ("cpython", [os.environ.get("KILN_CPYTHON", "python3")])):
        cpu, wall = cpu_share(cmd)
        rows.append(cpu / wall)
        print(f"{name:<8} cpu {cpu:6.3f} s  wall {wall:6.3f} s  cpu/wall {cpu / wall:6.3f}")
    print(f"kiln/cpython cpu share ratio {rows[0] / rows[1]:.2f}")


if __name__ == "__main__":
    main()
