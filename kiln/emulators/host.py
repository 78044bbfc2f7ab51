"""The unix port "emulator": the host build runs as a normal process on this terminal."""

from __future__ import annotations

import subprocess

from kiln.boards import Board
from kiln.build import image_path


def run_interactive(board: Board, serial: str = "stdio") -> int:
    if serial != "stdio":
        raise SystemExit("kiln: the unix port's console is always this terminal (--serial stdio)")
    return subprocess.run([str(image_path(board, "exe"))]).returncode
