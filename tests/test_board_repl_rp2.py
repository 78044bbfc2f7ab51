"""The differential suite on the RPI_PICO board in rp2040js, through the raw REPL on UART0 (a pty),
like tests/test_board_repl.py does for the STM32 board in QEMU."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_suite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BOARD = "RPI_PICO"
# The whole run takes ~1.5-2 min of wall time on an idle CI core (rp2040js runs the M0+ at a few
# MHz of emulated time per second); over this budget something regressed (e.g. a quadratic allocator).
BUDGET_S = 240.0

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "rp2040js").exists(), reason="npm install has not run"),
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed"),
]


def test_differential_suite_on_the_rp2040(built: Callable[[str], Board]) -> None:
    board = built(BOARD)
    programs = board_suite.select()
    assert len(programs) >= 200, "most of tests/py must run on the board"
    start = time.monotonic()
    outcomes = board_suite.run_on_board(board, programs)
    elapsed = time.monotonic() - start
    failures = [board_suite.describe(o) for o in outcomes if not o.ok]
    assert len(outcomes) == len(programs) and not failures, "\n".join(failures)
    assert elapsed < BUDGET_S, f"the suite took {elapsed:.0f} s on rp2040js (budget {BUDGET_S:.0f} s)"
