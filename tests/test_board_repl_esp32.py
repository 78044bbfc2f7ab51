"""The differential suite on the ESP32_GENERIC_C3 board in the unicorn model, through the raw REPL on
UART0 (a pty), like tests/test_board_repl_rp2.py does for the RP2040 in rp2040js.

It takes about 45-50 s of wall time on an idle 2-core machine (the harness hooks MMIO ranges and
translated blocks, never single instructions); the time is printed, not asserted (no timing
assertions in tests: `python tests/board_suite.py ESP32_GENERIC_C3` measures it on its own)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from kiln.boards import Board

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_suite  # noqa: E402

BOARD = "ESP32_GENERIC_C3"


def test_differential_suite_on_the_esp32c3(built: Callable[[str], Board]) -> None:
    board = built(BOARD)
    programs = board_suite.select()
    assert len(programs) >= 200, "most of tests/py must run on the board"
    start = time.monotonic()
    outcomes = board_suite.run_on_board(board, programs)
    print(f"{BOARD}: {len(outcomes)} programs in {time.monotonic() - start:.0f} s")
    failures = [board_suite.describe(o) for o in outcomes if not o.ok]
    assert len(outcomes) == len(programs) and not failures, "\n".join(failures)
