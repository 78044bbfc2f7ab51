"""@micropython.native/viper: on the host every function of every tests/py program compiled to x86-64
machine code must still print what CPython prints; the native/viper programs also run on the ESP32-C3."""

from __future__ import annotations

import concurrent.futures
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import run_scons

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_suite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KILN = ROOT / "build" / "UNIX" / "kiln-unix"
PY_DIR = ROOT / "tests" / "py"

# Put in front of every program: CPython has no micropython module, so the decorator is a no-op there.
SHIM = (
    "try:\n"
    "    import micropython\n"
    "except ImportError:\n"
    "    class micropython:\n"
    "        native = staticmethod(lambda f: f)\n"
)
DEF = re.compile(r"^(\s*)(?:async\s+)?def\s", re.M)


@pytest.fixture(scope="module")
def kiln() -> Path:
    result = run_scons(["UNIX"], quiet=True)  # under the build lock: xdist workers share the checkout
    assert result.returncode == 0, result.stdout + result.stderr
    return KILN


def nativize(source: str) -> str:
    """Decorates every def (functions, methods, nested functions, generators, coroutines) with @micropython.native."""
    return SHIM + DEF.sub(lambda m: f"{m.group(1)}@micropython.native\n{m.group(0)}", source)


def run(cmd: list[str], path: Path) -> tuple[int, bytes]:
    proc = subprocess.run(cmd + [path.name], cwd=path.parent, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout


def test_nativize_adds_a_decorator_per_def() -> None:
    src = "def f():\n    def g():\n        pass\nclass C:\n    def m(self):\n        pass\nasync_def = 1\n"
    out = nativize(src)
    assert out.count("@micropython.native\n") == 3
    assert "    @micropython.native\n    def m" in out


def test_every_function_native_matches_cpython(kiln: Path, tmp_path: Path) -> None:
    programs = []
    for path in sorted(PY_DIR.glob("*.py")):
        if path.name.startswith(("_", "native_", "viper_")):
            continue  # the native/viper programs choose their own emitter
        exp = path.with_suffix(".exp")
        if exp.exists() and b'File "' in exp.read_bytes():
            continue  # checked-in traceback line numbers would shift by the inserted lines
        programs.append(path)
    for other in PY_DIR.iterdir():  # data files some programs read
        if other.suffix != ".py" and other.is_file():
            (tmp_path / other.name).write_bytes(other.read_bytes())
    for path in programs:
        (tmp_path / path.name).write_text(nativize(path.read_text()))

    def check(path: Path) -> str | None:
        copy = tmp_path / path.name
        exp = path.with_suffix(".exp")
        want = exp.read_bytes() if exp.exists() else run([sys.executable], path)[1]
        rc, got = run([str(kiln)], copy)
        if got == want and rc >= 0:
            return None
        tail = f"--- want\n{want.decode(errors='replace')[-800:]}\n--- got\n{got.decode(errors='replace')[-800:]}"
        return f"{path.name}: exit {rc}\n{tail}"

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(check, programs) if f is not None]
    assert len(programs) > 250
    assert not failures, "\n".join(failures[:5])


def test_native_code_is_really_used(kiln: Path) -> None:
    """The decorator is not ignored: each native function carries machine code in the GC heap, so 40
    native functions take clearly more memory than the same 40 functions as bytecode."""
    src = (
        "import gc, micropython\n"
        "gc.collect()\n"
        "before = gc.mem_alloc()\n"
        "fs = []\n"
        "for i in range(40):\n"
        "    exec('DEC\\ndef f(a, b):\\n    return a * b + a - b\\nfs.append(f)')\n"
        "gc.collect()\n"
        "print(gc.mem_alloc() - before, sum(f(3, 4) for f in fs))\n"
    )
    sizes = []
    for dec in ("@micropython.native", "# bytecode"):
        out = subprocess.run([str(kiln), "-c", src.replace("DEC", dec)], capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr
        used, total = out.stdout.split()
        assert total == b"440"  # 40 * (12 + 3 - 4)
        sizes.append(int(used))
    assert sizes[0] > sizes[1] + 40 * 64, sizes


def test_native_and_viper_programs_on_esp32c3(built: Callable[[str], Board]) -> None:
    """RV32IMC: the native_*/viper_* programs of tests/py give CPython's output (or the .exp) on the
    ESP32-C3 in the unicorn model, with the code written through DRAM and run from the IRAM alias.
    (NETDUINO_PLUS_2 and RPI_PICO run them in their whole-suite tests.)"""
    board = built("ESP32_GENERIC_C3")
    programs = [p for p in board_suite.select() if p.name.startswith(("native_", "viper_"))]
    assert len(programs) >= 7
    outcomes = board_suite.run_on_board(board, programs)
    failed = [board_suite.describe(o) for o in outcomes if not o.ok]
    assert len(outcomes) == len(programs) and not failed, "\n".join(failed)


def test_ctrl_c_interrupts_native_and_viper_loops(kiln: Path, tmp_path: Path) -> None:
    """Backward jumps in machine code poll the console like the bytecode loop does."""
    script = tmp_path / "spin.py"
    script.write_text(
        "import micropython\n"
        "@micropython.viper\n"
        "def spin() -> int:\n"
        "    i = 0\n"
        "    while True:\n"
        "        i += 1\n"
        "    return i\n"
        "@micropython.native\n"
        "def spin2():\n"
        "    while True:\n"
        "        pass\n"
        "for f in (spin, spin2):\n"
        "    try:\n"
        "        f()\n"
        "    except KeyboardInterrupt:\n"
        "        print('interrupted', f.__name__)\n"
    )
    proc = subprocess.Popen([str(kiln), str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for _ in range(40):  # one Ctrl-C at a time until both loops have been interrupted
            if proc.poll() is not None:
                break
            try:
                proc.stdin.write(b"\x03")
                proc.stdin.flush()
            except BrokenPipeError:  # it finished between the poll and the write
                break
            time.sleep(0.25)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out == b"interrupted spin\ninterrupted spin2\n", err
