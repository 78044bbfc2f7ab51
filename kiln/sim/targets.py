"""Targets for the simulated devices, from the real board files."""

from __future__ import annotations

from dataclasses import replace

from kiln.boards import load_board
from kiln.flash.target import Range, Target


def board_target(board_id: str, variant: str = "") -> Target:
    return Target.from_board(load_board(board_id, variant))


RP2040 = board_target("RPI_PICO")
ESP32C3 = board_target("ESP32_GENERIC_C3")


def stm32f405(app_offset: int = 0) -> Target:
    """The NETDUINO_PLUS_2 target; `app_offset` > 0 models a resident bootloader before the application."""
    target = board_target("NETDUINO_PLUS_2")
    if app_offset:
        base = target.flash[0].start
        target = replace(target, protected=(Range(base, app_offset, "bootloader"),), app_address=base + app_offset)
    return target
