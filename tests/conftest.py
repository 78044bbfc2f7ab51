"""Shared fixtures: build a board once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiln.boards import Board, load_board  # noqa: E402
from kiln.build import run_scons  # noqa: E402


@pytest.fixture(scope="session")
def built() -> object:
    """`built("RPI_PICO")` builds the board (once) and returns its Board."""
    cache: dict[tuple[str, str], Board] = {}

    def build(board_id: str, variant: str = "") -> Board:
        key = (board_id, variant)
        if key not in cache:
            result = run_scons([board_id], variant, quiet=True)
            assert result.returncode == 0, f"build of {board_id} failed:\n{result.stdout}\n{result.stderr}"
            cache[key] = load_board(board_id, variant)
        return cache[key]

    return build


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is not a passing test: the run fails and names what did not run (a missing
    toolchain or emulator means `./kilnw setup` did not complete)."""
    if _skipped and exitstatus == 0:
        print(f"\nerror: {len(_skipped)} test(s) were skipped, which counts as a failure:", file=sys.stderr)
        for nodeid in _skipped:
            print(f"  {nodeid}", file=sys.stderr)
        session.exitstatus = 1
