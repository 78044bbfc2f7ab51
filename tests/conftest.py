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
