"""The interpreter on the emulated STM32 board: the differential suite through the raw REPL (our runner),
and the unmodified mpremote from PyPI over the board's pty."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kiln.boards import Board
from kiln.build import image_path
from kiln.emulators.qemu_stm32 import QemuStm32

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board_suite  # noqa: E402

BOARD = "NETDUINO_PLUS_2"


def test_differential_suite_on_the_board(built: Callable[[str], Board]) -> None:
    board = built(BOARD)
    programs = board_suite.select()
    assert len(programs) >= 200, "most of tests/py must run on the board"
    outcomes = board_suite.run_on_board(board, programs)
    failures = [board_suite.describe(o) for o in outcomes if not o.ok]
    assert len(outcomes) == len(programs) and not failures, "\n".join(failures)


def test_every_board_skip_names_a_real_program_and_a_reason() -> None:
    for name, reason in board_suite.board_skips().items():
        assert (board_suite.PY_DIR / name).exists(), name
        assert len(reason) > 10, f"{name}: say why it cannot run on the board"


def test_mpremote_exec_over_the_qemu_pty(built: Callable[[str], Board]) -> None:
    board = built(BOARD)
    with QemuStm32(image_path(board, "elf"), "pty", attach=False) as qemu:
        assert qemu.pty_path is not None
        qemu.resume()  # mpremote itself interrupts whatever the board prints and enters the raw REPL
        result = subprocess.run([sys.executable, "-m", "mpremote", "connect", qemu.pty_path, "exec",
                                 "print(1+1); print(sum(range(101)))"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "5050"]


def test_kiln_exec_and_run_over_the_qemu_pty(built: Callable[[str], Board], tmp_path: Path) -> None:
    """Our own device tools against the real firmware REPL (not a simulator), then mpremote on the
    same board: either tool can be used."""
    board = built(BOARD)
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hello from', sys.platform, 2 ** 40)\n")
    with QemuStm32(image_path(board, "elf"), "pty", attach=False) as qemu:
        assert qemu.pty_path is not None
        qemu.resume()
        kiln = [sys.executable, "-m", "kiln"]
        result = subprocess.run([*kiln, "exec", "--port", qemu.pty_path, "print([i * i for i in range(5)])"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[0, 1, 4, 9, 16]"
        result = subprocess.run([*kiln, "run", str(script), "--port", qemu.pty_path], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "hello from stm32 1099511627776"
        result = subprocess.run([*kiln, "exec", "--port", qemu.pty_path, "raise ValueError('bad input')"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "ValueError: bad input" in result.stderr
        result = subprocess.run([sys.executable, "-m", "mpremote", "connect", qemu.pty_path, "exec", "print('mp')"],
                                capture_output=True, text=True, timeout=60)
        assert result.stdout.strip() == "mp", result.stderr
