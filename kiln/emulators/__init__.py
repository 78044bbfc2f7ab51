"""Emulators per board (QEMU for STM32, rp2040js for RP2040, a unicorn harness for ESP32-C3, the
host for the unix port), used by `kiln run` and by the tests."""

from __future__ import annotations

import importlib

from kiln.boards import Board

# board.toml `emulator` value -> module implementing `run_interactive(board, serial) -> int`.
MODULES = {
    "qemu-netduinoplus2": "kiln.emulators.qemu_stm32",
    "rp2040js": "kiln.emulators.rp2040",
    "esp32c3-unicorn": "kiln.emulators.esp32c3",
    "host": "kiln.emulators.host",
}


def _run_rp2040(board: Board, serial: str) -> int:
    """rp2040js with the board's .uf2 booted through our stand-in bootrom."""
    from kiln.build import image_path
    from kiln.emulators import rp2040

    args = [str(image_path(board, "uf2"))]
    if serial == "pty":
        args.append("--pty")
    elif serial == "tcp":
        args += ["--tcp", "0"]
    return rp2040.main(args)


def run_interactive(board: Board, serial: str = "stdio") -> int:
    """Boots the built firmware of `board` with its console on this terminal (or a pty / TCP port)."""
    name = board.data.get("emulator")
    if name is None:
        raise SystemExit(f"kiln: {board.id} has no emulator; flash it with `kiln flash --board {board.id}`")
    if name == "rp2040js":
        return _run_rp2040(board, serial)
    module = importlib.import_module(MODULES[name])
    return int(module.run_interactive(board, serial))
