"""Every method of the built-in types and modules, called with random arguments (tests/fuzz/call_methods.py), must
raise or return: never crash the unix build. Wrong-typed `self`s and arguments were read as the wrong objects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiln.build import run_scons

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
import call_methods  # noqa: E402

KILN = ROOT / "build" / "UNIX" / "kiln-unix"


@pytest.fixture(scope="module")
def kiln() -> Path:
    result = run_scons(["UNIX"], quiet=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return KILN


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_calls_never_crash(kiln: Path, tmp_path: Path, seed: int) -> None:
    script = tmp_path / f"calls{seed}.py"
    script.write_text(call_methods.program(seed))
    result = subprocess.run([str(kiln), "-X", "heapsize=64m", str(script)], capture_output=True, timeout=120)
    last_call = result.stderr.decode(errors="replace").strip().splitlines()[-1:]
    assert result.returncode == 0 and result.stdout.strip().endswith(b"DONE"), f"rc={result.returncode}, {last_call}"
