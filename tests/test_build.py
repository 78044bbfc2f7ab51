"""The build graph: reproducible images, no-op rebuilds, exact rebuilds after a change."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.boards import DEFAULT_BOARD
from kiln.build import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ("firmware.elf", "firmware.bin", "firmware.hex", "firmware.dfu", "firmware.uf2")
BUILT_LINE = re.compile(r"^(CC|AS|LINK|RENDER|BIN|HEX|DFU|UF2|SIZE)\s+(\S+)", re.M)


def scons(tree: Path, *args: str) -> str:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", *args], cwd=tree, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def built_targets(output: str) -> list[str]:
    return [m.group(2) for m in BUILT_LINE.finditer(output)]


def digests(tree: Path, board: str) -> dict[str, str]:
    out = tree / "build" / board
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in IMAGES}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = copy_checkout(tmp_path_factory.mktemp("a") / "kiln-checkout-one")
    scons(tree, f"BOARD={DEFAULT_BOARD}")
    return tree


def test_two_checkouts_give_identical_images(tree: Path, tmp_path: Path) -> None:
    other = copy_checkout(tmp_path / "a-much-longer-path" / "second-checkout")
    scons(other, f"BOARD={DEFAULT_BOARD}", "-j1")  # different path and job count
    assert digests(tree, DEFAULT_BOARD) == digests(other, DEFAULT_BOARD)


def test_noop_rebuild_does_nothing(tree: Path) -> None:
    output = scons(tree, f"BOARD={DEFAULT_BOARD}")
    assert built_targets(output) == [], output


def test_touching_one_core_file_recompiles_only_it(tree: Path) -> None:
    source = tree / "core" / "banner.c"
    # A real code change (a comment alone leaves the object identical, and then nothing relinks).
    source.write_text(source.read_text() + "\nconst char kiln_touched_marker[] = \"touched\";\n")
    output = scons(tree, f"BOARD={DEFAULT_BOARD}")
    compiled = [t for t in built_targets(output) if t.endswith(".o")]
    # The host freezer (build/host/kiln-freeze, kiln/scons_frozen.py) is the core built for the host:
    # its own copy of the file recompiles too, and the frozen modules it regenerates are unchanged.
    assert sorted(compiled) == sorted(["build/host/core/banner.o", f"build/{DEFAULT_BOARD}/core/banner.o"]), output
    assert f"build/{DEFAULT_BOARD}/gen/frozen_modules.o" not in built_targets(output)
    assert f"build/{DEFAULT_BOARD}/firmware.elf" in built_targets(output)


def test_board_file_change_rebuilds_exactly_its_dependents(tree: Path) -> None:
    board_file = tree / "ports/stm32/boards" / DEFAULT_BOARD / "board.toml"
    text = board_file.read_text()
    board_file.write_text(text.replace('product = "Netduino Plus 2"', 'product = "Netduino Plus Two"'))
    output = scons(tree, f"BOARD={DEFAULT_BOARD}")
    targets = built_targets(output)
    # The product name is in board_config.h and board_info.c: pins.c re-renders to the same text,
    # so pins.o stays; the core reads the name from board_info.o, so banner.o stays too.
    assert f"build/{DEFAULT_BOARD}/gen/board_info.o" in targets
    assert f"build/{DEFAULT_BOARD}/core/banner.o" not in targets
    assert f"build/{DEFAULT_BOARD}/gen/pins.o" not in targets
    assert b"Netduino Plus Two" in (tree / "build" / DEFAULT_BOARD / "firmware.bin").read_bytes()
    # Another board's build is untouched by this board's file.
    board_file.write_text(text)
    scons(tree, f"BOARD={DEFAULT_BOARD}")


def test_region_overflow_fails_naming_region(tmp_path: Path) -> None:
    tree = copy_checkout(tmp_path / "overflow")
    mcu = tree / "ports/stm32/mcu/stm32f405rg.toml"
    text = mcu.read_text().replace('length = "1M"', 'length = "1K"')
    # without /flash: its sectors no longer fit, which kiln/boards.py refuses before anything is linked
    mcu.write_text("\n".join(line for line in text.splitlines() if not line.startswith(("filesystem", "flash_sectors"))))
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={DEFAULT_BOARD}"], cwd=tree, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert re.search(r"region [`']?FLASH'? overflowed by \d+ bytes", result.stdout + result.stderr)
    assert not (tree / "build" / DEFAULT_BOARD / "firmware.bin").exists()


def test_missing_toolchain_is_explained(tmp_path: Path) -> None:
    env = dict(os.environ, KILN_ARM_TOOLCHAIN=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={DEFAULT_BOARD}", "-n"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "arm-none-eabi-gcc) was not found" in result.stderr and "KILN_ARM_TOOLCHAIN=" in result.stderr


@pytest.mark.parametrize("board_id,compiler", [("ESP32_GENERIC", "xtensa-esp32-elf-gcc"),
                                                ("ESP32_GENERIC_S3", "xtensa-esp32s3-elf-gcc")])
def test_xtensa_boards_stop_at_once_naming_the_toolchain(board_id: str, compiler: str) -> None:
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={board_id}"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert f"cannot build {board_id}: the Xtensa" in result.stderr and f"({compiler}) was not found" in result.stderr
    assert "KILN_XTENSA_TOOLCHAIN=" in result.stderr
    assert "CC " not in result.stdout  # nothing was compiled
