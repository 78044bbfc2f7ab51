"""Board and MCU file validation: every shipped board loads; malformed files give file:line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.boards import ROOT, BoardError, all_boards, list_board_ids, load_board, load_board_file
from kiln.build import copy_checkout

GOOD_BOARD = """\
mcu = "stm32f405rg"
product = "Test board"
vendor = "Kiln"
url = "https://example.invalid/board"
features = ["usb"]

[clock]
xtal_hz = 8_000_000
cpu_hz = 168_000_000

[repl]
uart = 1
baud = 115200
tx = "B6"
rx = "B7"

[pins]
LED = "C13"

[[leds]]
name = "LED1"
pin = "C13"

[flash]
methods = ["dfu"]

[variants.SLOW]
description = "runs at 84 MHz"
clock = { cpu_hz = 84_000_000 }
"""


def make_board(tmp_path: Path, text: str, mcu_text: str | None = None) -> Path:
    """A throwaway ports/stm32 tree holding one board file (and the real or a given MCU file)."""
    port = tmp_path / "ports" / "stm32"
    board_dir = port / "boards" / "TEST_BOARD"
    board_dir.mkdir(parents=True)
    (port / "mcu").mkdir()
    mcu_file = port / "mcu" / "stm32f405rg.toml"
    if mcu_text is None:
        shutil.copy(ROOT / "ports/stm32/mcu/stm32f405rg.toml", mcu_file)
    else:
        mcu_file.write_text(mcu_text)
    path = board_dir / "board.toml"
    path.write_text(text)
    return path


def errors_of(path: Path, variant: str = "") -> list[str]:
    with pytest.raises(BoardError) as info:
        load_board_file(path, variant)
    return info.value.lines


def line_number(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_every_shipped_board_validates() -> None:
    boards = all_boards()
    ids = {b.id for b in boards}
    assert {"NETDUINO_PLUS_2", "UNIX"} <= ids
    assert len(ids) == len(list_board_ids()), "board ids must be unique across ports"
    for port in {b.port for b in boards}:
        defaults = [b.id for b in boards if b.port == port and b.data.get("default")]
        assert len(defaults) == 1, f"port {port} needs exactly one default board, has {defaults}"


def test_good_board_and_variant(tmp_path: Path) -> None:
    path = make_board(tmp_path, GOOD_BOARD)
    board = load_board_file(path)
    assert board.data["clock"]["cpu_hz"] == 168_000_000
    assert board.pin_code("LED") == 2 * 16 + 13
    assert board.variants == ["SLOW"]
    slow = load_board_file(path, "SLOW")
    assert slow.build_id == "TEST_BOARD-SLOW"
    assert slow.data["clock"]["cpu_hz"] == 84_000_000
    assert slow.data["clock"]["xtal_hz"] == 8_000_000  # untouched fields survive the merge


# (description, text change, expected field path, expected words in the message, line marker)
MALFORMED = [
    ("unknown top-level key", GOOD_BOARD.replace('vendor = "Kiln"', 'vendor = "Kiln"\ncolour = "red"'),
     "colour", "unknown key 'colour'", 'colour = "red"'),
    ("missing required field", GOOD_BOARD.replace('product = "Test board"\n', ""),
     "product", "missing required field", None),
    ("wrong type", GOOD_BOARD.replace("baud = 115200", 'baud = "fast"'),
     "repl.baud", "expected one of", 'baud = "fast"'),
    ("baud not allowed", GOOD_BOARD.replace("baud = 115200", "baud = 12345"),
     "repl.baud", "12345 is not allowed", "baud = 12345"),
    ("clock above the MCU maximum", GOOD_BOARD.replace("cpu_hz = 168_000_000", "cpu_hz = 400_000_000"),
     "clock.cpu_hz", "exceeds the STM32F405RG maximum", "cpu_hz = 400_000_000"),
    ("bad pin name", GOOD_BOARD.replace('LED = "C13"', 'LED = "Z99"'),
     "pins.LED", "not a stm32 pin name", 'LED = "Z99"'),
    ("pin number past 15", GOOD_BOARD.replace('LED = "C13"', 'LED = "C16"'),
     "pins.LED", "numbered 0-15", 'LED = "C16"'),
    ("pin used twice", GOOD_BOARD.replace('pin = "C13"', 'pin = "B6"'),
     "leds.0.pin", "already used by repl.tx", 'pin = "B6"'),
    ("flash method the MCU lacks", GOOD_BOARD.replace('methods = ["dfu"]', 'methods = ["esptool"]'),
     "flash.methods.0", "not supported by STM32F405RG", 'methods = ["esptool"]'),
    ("unknown flash method", GOOD_BOARD.replace('methods = ["dfu"]', 'methods = ["jtag-magic"]'),
     "flash.methods.0", "'jtag-magic' is not allowed", 'methods = ["jtag-magic"]'),
    ("bad url", GOOD_BOARD.replace('url = "https://example.invalid/board"', 'url = "example"'),
     "url", "not allowed", 'url = "example"'),
    ("unknown MCU", GOOD_BOARD.replace('mcu = "stm32f405rg"', 'mcu = "stm32f999"'),
     "mcu", "no MCU file", 'mcu = "stm32f999"'),
    ("lower-case pin name", GOOD_BOARD.replace('LED = "C13"', 'led = "C13"'),
     "pins.led", "names must match", 'led = "C13"'),
    ("unknown key in an array of tables", GOOD_BOARD.replace('name = "LED1"', 'name = "LED1"\ncolor = 3'),
     "leds.0.color", "unknown key 'color'", "color = 3"),
    ("flash size too small for the app offset", GOOD_BOARD.replace('methods = ["dfu"]', 'methods = ["dfu"]\nsize = 0'),
     "flash.size", "too small", "size = 0"),
]


@pytest.mark.parametrize("description,text,field,words,marker", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_board(tmp_path: Path, description: str, text: str, field: str, words: str,
                         marker: str | None) -> None:
    path = make_board(tmp_path, text)
    lines = errors_of(path)
    matching = [line for line in lines if f": {field}: " in line]
    assert matching, f"no error for {field} in {lines}"
    assert words in matching[0]
    assert matching[0].startswith(str(path) + ":") or "board.toml:" in matching[0]
    if marker is not None:
        expected_line = line_number(text, marker)
        assert f"board.toml:{expected_line}: {field}:" in matching[0]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD_BOARD.replace("baud = 115200", "baud = = 115200")
    lines = errors_of(make_board(tmp_path, text))
    assert f"board.toml:{line_number(text, 'baud = =')}:" in lines[0]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD_BOARD.replace('vendor = "Kiln"', 'vendor = 7').replace("baud = 115200", "baud = 1")
    lines = errors_of(make_board(tmp_path, text))
    assert any(": vendor: " in line for line in lines) and any(": repl.baud: " in line for line in lines)


def test_bad_variant_names_the_variant(tmp_path: Path) -> None:
    text = GOOD_BOARD.replace("clock = { cpu_hz = 84_000_000 }", "clock = { cpu_hz = 500_000_000 }")
    path = make_board(tmp_path, text)
    load_board_file(path)  # the base board is still fine
    lines = errors_of(path, "SLOW")
    assert any("variants.SLOW.clock.cpu_hz" in line and "exceeds" in line for line in lines)
    assert "no variant 'FAST'" in errors_of(path, "FAST")[0]


OVERLAPPING_MCU = (ROOT / "ports/stm32/mcu/stm32f405rg.toml").read_text().replace(
    "origin = 0x10000000", "origin = 0x0800f000")


def test_overlapping_regions_in_mcu_file(tmp_path: Path) -> None:
    path = make_board(tmp_path, GOOD_BOARD, OVERLAPPING_MCU)
    lines = errors_of(path)
    assert any("stm32f405rg.toml:" in line and "memory.CCM" in line and "overlaps FLASH" in line for line in lines)


def test_mcu_unknown_core(tmp_path: Path) -> None:
    mcu = (ROOT / "ports/stm32/mcu/stm32f405rg.toml").read_text().replace('core = "cortex-m4f"', 'core = "z80"')
    lines = errors_of(make_board(tmp_path, GOOD_BOARD, mcu))
    assert any(": core: 'z80' is not allowed; expected one of 'cortex-m0plus'" in line for line in lines)


F405_MCU = (ROOT / "ports/stm32/mcu/stm32f405rg.toml").read_text()
F405_FS = 'filesystem = { offset = 0x80000, size = "512K" }'


@pytest.mark.parametrize("filesystem,field,words", [
    ('{ offset = 0x5000, size = "48K" }', "filesystem.offset", "starts at 0x5000, not on a sector boundary "
                                                               "(nearest: 0x4000, 0x8000)"),
    ('{ offset = 0x4000, size = "40K" }', "filesystem.size", "ends at 0xe000, not on a sector boundary"),
    ('{ offset = 0xC0000, size = "512K" }', "filesystem", "ends past the end of memory.FLASH"),
    ('{ offset = 0x0, size = "16K" }', "filesystem.offset", "overlaps the start of the firmware (app_offset 0x0"),
    ('{ offset = 0x4000, size = 0 }', "filesystem.size", "is 0"),
])
def test_bad_filesystem_in_mcu_file(tmp_path: Path, filesystem: str, field: str, words: str) -> None:
    mcu = F405_MCU.replace(F405_FS, f"filesystem = {filesystem}")
    lines = errors_of(make_board(tmp_path, GOOD_BOARD, mcu))
    fs_line = line_number(mcu, "filesystem = {")
    assert any(f"stm32f405rg.toml:{fs_line}: {field}: " in line and words in line for line in lines), lines


def test_filesystem_needs_a_sector_map_that_covers_flash(tmp_path: Path) -> None:
    no_map = "\n".join(line for line in F405_MCU.splitlines() if not line.startswith("flash_sectors"))
    lines = errors_of(make_board(tmp_path, GOOD_BOARD, no_map))
    assert any("filesystem: needs flash_sectors" in line for line in lines), lines
    short = F405_MCU.replace('{ count = 7, size = "128K" }', '{ count = 6, size = "128K" }')
    lines = errors_of(make_board(tmp_path / "b", GOOD_BOARD, short))
    assert any("flash_sectors: the sectors add up to 917504 bytes but memory.FLASH is 1048576" in line
               for line in lines), lines


def test_filesystem_before_the_code_splits_the_flash_region(tmp_path: Path) -> None:
    mcu = F405_MCU.replace(F405_FS, 'filesystem = { offset = 0x4000, size = "48K" }')
    board = load_board_file(make_board(tmp_path, GOOD_BOARD, mcu))
    layout = [(r.name, r.origin, r.length) for r in board.link_regions if r.kind == "flash"]
    assert layout == [("FLASH_HEAD", 0x08000000, 0x4000), ("FLASH", 0x08010000, 0x100000 - 0x10000)]
    assert board.filesystem_range == (0x08004000, 0x08010000)
    at_top = load_board("NETDUINO_PLUS_2")
    assert [(r.name, r.origin, r.length) for r in at_top.link_regions if r.kind == "flash"] == [
        ("FLASH", 0x08000000, 0x80000)], "a filesystem at the top only shortens the region"


def test_unknown_board_lists_known_ones() -> None:
    with pytest.raises(BoardError) as info:
        load_board("NO_SUCH_BOARD")
    assert "known boards:" in str(info.value) and "NETDUINO_PLUS_2" in str(info.value)


def test_build_stops_before_compiling_on_a_bad_board(tmp_path: Path) -> None:
    """scons exits with the validation error and compiles nothing."""
    tree = tmp_path / "tree"
    copy_checkout(tree)
    board_file = tree / "ports/stm32/boards/NETDUINO_PLUS_2/board.toml"
    board_file.write_text(board_file.read_text().replace("baud = 115200", "baud = 7"))
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", "BOARD=NETDUINO_PLUS_2"], cwd=tree,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "board.toml:" in result.stderr and "repl.baud: 7 is not allowed" in result.stderr
    assert not (tree / "build").exists() or not list((tree / "build").rglob("*.o"))


def test_kiln_boards_json_metadata() -> None:
    result = subprocess.run([sys.executable, "-m", "kiln", "boards", "--json"], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    boards = {b["id"]: b for b in json.loads(result.stdout)}
    netduino = boards["NETDUINO_PLUS_2"]
    for key in ("id", "port", "mcu", "product", "vendor", "url", "features", "variants"):
        assert key in netduino
    assert netduino["port"] == "stm32" and netduino["mcu"] == "STM32F405RG"
    assert netduino["flash_size"] == 1024 * 1024


def test_kiln_boards_table() -> None:
    result = subprocess.run([sys.executable, "-m", "kiln", "boards"], cwd=ROOT, capture_output=True, text=True,
                            check=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "NETDUINO_PLUS_2" in result.stdout and "STM32F405RG" in result.stdout and "1 MiB" in result.stdout
