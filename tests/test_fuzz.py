"""Fuzzing of the core's lexer, parser, compiler and VM (tests/fuzz): builds the libFuzzer harness with
ASan/UBSan, replays the seed corpus and every past finding (tests/fuzz/regressions), then runs 20,000
fuzzed inputs from a fixed seed. Any crash, sanitizer report or hang fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "tests" / "fuzz"

pytestmark = pytest.mark.skipif(shutil.which("clang") is None, reason="clang not installed (./kilnw installs it)")


@pytest.fixture(scope="module")
def harness() -> Path:
    result = subprocess.run([sys.executable, str(FUZZ / "build.py")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    exe = Path(result.stdout.strip().splitlines()[-1])
    assert exe.is_file()
    return exe


def py_seeds(tmp_path: Path) -> Path:
    """The small tests/py programs also seed the fuzzer (kept there once, not copied into the corpus)."""
    seeds = tmp_path / "py-seeds"
    seeds.mkdir()
    for program in sorted((FUZZ.parent / "py").glob("*.py")):
        if program.stat().st_size <= 1536:
            shutil.copy(program, seeds / program.name)
    return seeds


def test_replay_corpus_and_regressions(harness: Path, tmp_path: Path) -> None:
    assert len(list((FUZZ / "regressions").iterdir())) > 0
    result = subprocess.run([str(harness), "-runs=0", "-timeout=20", f"-artifact_prefix={tmp_path}/",
                             str(FUZZ / "corpus"), str(py_seeds(tmp_path)), str(FUZZ / "regressions")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]


def test_short_fuzz_run(harness: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"  # new inputs go here, not into the checked-in corpus
    work.mkdir()
    # A fixed seed and run count: CI explores the same inputs each run, so a red build is always a
    # regression, never a new random finding (those come from longer runs by hand: tests/fuzz/README.md).
    result = subprocess.run([str(harness), "-seed=1", "-runs=20000", "-timeout=10", "-max_len=4096",
                             "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", str(work), str(FUZZ / "corpus"),
                             str(py_seeds(tmp_path))],
                            capture_output=True, text=True, timeout=120)
    found = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
    assert result.returncode == 0 and not found, f"{found}\n{result.stderr[-4000:]}"
