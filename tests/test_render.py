"""Rendering: every board's generated header, pin tables and linker script are consistent with its file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kiln.boards import all_boards, list_board_ids, load_board
from kiln.render import render_board

BOARDS = [board for _, board in list_board_ids()]


def defines(header: str) -> dict[str, str]:
    return dict(re.findall(r"^#define (\w+) (.+?)(?: /\*.*)?$", header, re.M))


@pytest.mark.parametrize("board_id", BOARDS)
def test_rendered_files_match_board(board_id: str, tmp_path: Path) -> None:
    board = load_board(board_id)
    written = {p.name: p for p in render_board(board, tmp_path)}
    assert {"board_config.h", "pins.h", "pins.c"} <= set(written)
    config = defines(written["board_config.h"].read_text())
    assert config["KILN_BOARD_ID"] == f'"{board.id}"'
    assert config["KILN_MCU_NAME"] == f'"{board.mcu["name"]}"'
    assert config["KILN_CPU_HZ"] == f'{board.data["clock"]["cpu_hz"]}u'
    assert config["KILN_REPL_BAUD"] == f'{board.data["repl"]["baud"]}u'
    for region in board.regions:
        assert int(config[f"KILN_REGION_{region.name}_ORIGIN"].rstrip("u"), 16) == region.origin
        assert int(config[f"KILN_REGION_{region.name}_LENGTH"].rstrip("u"), 16) == region.length
    pins_h = defines(written["pins.h"].read_text())
    for name in board.data.get("pins", {}):
        assert int(pins_h[f"KILN_PIN_{name}"]) == board.pin_code(name)
    # The generated C compiles on its own (warnings are errors, as in the firmware) with core/'s headers.
    core_dir = Path(__file__).resolve().parent.parent / "core"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", f"-I{tmp_path}",
                    f"-I{core_dir}", str(written["pins.c"])], check=True)
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", f"-I{tmp_path}", "-x", "c",
                    str(written["board_config.h"])], check=True)
    core = defines(written["core_config.h"].read_text())
    assert core["KILN_PORT"] == f'"{board.port}"' and "KILN_BOARD_ID" not in core
    if "linker.ld" in written:
        script = written["linker.ld"].read_text()
        for region in board.link_regions:  # the firmware's flash without /flash (split around it on 512 KiB STM32s)
            match = re.search(rf"\b{region.name}\b[^\n]*ORIGIN\s*=\s*(0x[0-9a-fA-F]+)\s*,\s*LENGTH\s*=\s*(0x[0-9a-fA-F]+|\d+)",
                              script)
            assert match, f"region {region.name} missing from {board_id}'s linker script"
            assert int(match.group(1), 16) == region.origin
            assert int(match.group(2), 0) == region.length


def test_variant_changes_rendered_values(tmp_path: Path) -> None:
    with_variants = [b for b in all_boards() if b.variants]
    if not with_variants:
        pytest.fail("no board declares variants; the variant path is untested")
    base = with_variants[0]
    variant = load_board(base.id, base.variants[0])
    header = next(p for p in render_board(variant, tmp_path) if p.name == "board_config.h").read_text()
    assert f'#define KILN_BOARD_VARIANT "{variant.variant}"' in header
