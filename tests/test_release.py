"""Release artifacts: names, manifest, SHA256SUMS, bit-reproducibility across checkouts, size budgets,
affected boards from the dependency graph, and the shared object cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.build import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
BOARDS = "NETDUINO_PLUS_2,NUCLEO_F411RE,ESP32_GENERIC_C3"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Kiln Test", "GIT_AUTHOR_EMAIL": "test@kiln.invalid", "GIT_AUTHOR_DATE": "1700000000 +0000",
    "GIT_COMMITTER_NAME": "Kiln Test", "GIT_COMMITTER_EMAIL": "test@kiln.invalid",
    "GIT_COMMITTER_DATE": "1700000000 +0000",
}


def checkout(destination: Path) -> Path:
    """A copy of the work tree as a one-commit git repository (same commit id wherever it lives)."""
    copy_checkout(destination)
    env = dict(os.environ, **GIT_ENV)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"],
                 ["tag", "v1.2.3"]):
        subprocess.run(["git", *args], cwd=destination, env=env, check=True, capture_output=True)
    return destination


def kiln(tree: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run([sys.executable, "-m", "kiln", *args], cwd=tree, env=env, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = checkout(tmp_path_factory.mktemp("rel") / "one")
    kiln(tree, "release", "--board", BOARDS)
    return tree


def test_artifact_names_manifest_and_sums(first: Path) -> None:
    dist = first / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())
    assert manifest["version"] == "v1.2.3" and manifest["date"] == "20231114"  # the commit's time
    names = {a["file"] for a in manifest["artifacts"]}
    for name in names:
        assert re.fullmatch(r"[A-Z0-9_]+(-[A-Z0-9_]+)?-20231114-v1\.2\.3\.[a-z0-9-]+", name), name
    assert {"NETDUINO_PLUS_2-20231114-v1.2.3.dfu", "NETDUINO_PLUS_2-20231114-v1.2.3.uf2",
            "ESP32_GENERIC_C3-20231114-v1.2.3.bin", "ESP32_GENERIC_C3-20231114-v1.2.3.app-bin"} <= names
    sums = dict(reversed(line.split("  ")) for line in (dist / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == names
    for artifact in manifest["artifacts"]:
        data = (dist / artifact["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact["sha256"] == sums[artifact["file"]]
        assert artifact["size"] == len(data)
        for key in ("board", "variant", "port", "mcu", "product", "vendor", "features", "kind", "flash_offset",
                    "uf2_family_id", "flash_headroom", "toolchain", "git_revision"):
            assert key in artifact
    by_file = {a["file"]: a for a in manifest["artifacts"]}
    assert by_file["NETDUINO_PLUS_2-20231114-v1.2.3.bin"]["flash_offset"] == "0x08000000"
    assert by_file["NETDUINO_PLUS_2-20231114-v1.2.3.uf2"]["uf2_family_id"] == "0x57755a57"
    assert by_file["ESP32_GENERIC_C3-20231114-v1.2.3.app-bin"]["flash_offset"] == "0x00010000"
    assert "arm-none-eabi-gcc" in by_file["NETDUINO_PLUS_2-20231114-v1.2.3.bin"]["toolchain"]
    assert set(manifest["sizes"]) == {"NETDUINO_PLUS_2", "NUCLEO_F411RE", "ESP32_GENERIC_C3"}


def test_release_is_bit_reproducible_across_checkouts(first: Path, tmp_path: Path) -> None:
    second = checkout(tmp_path / "another" / "deeper" / "checkout-two")
    kiln(second, "release", "--board", BOARDS, "-j1")
    assert (first / "dist" / "SHA256SUMS").read_text() == (second / "dist" / "SHA256SUMS").read_text()


def test_size_compare_flags_growth_over_budget(first: Path, tmp_path: Path) -> None:
    manifest = json.loads((first / "dist" / "manifest.json").read_text())
    shrunk = json.loads(json.dumps(manifest))
    shrunk["sizes"]["NETDUINO_PLUS_2"]["text"] -= 5000  # as if the new build grew by 5000 bytes
    old = tmp_path / "old.json"
    old.write_text(json.dumps(shrunk))
    new = first / "dist" / "manifest.json"
    result = kiln(first, "size", "--compare", str(old), "--new", str(new), check=False)
    assert result.returncode == 1
    assert "NETDUINO_PLUS_2: flash use grew by 5000 bytes" in result.stderr
    assert "(+5000)" in result.stdout
    assert kiln(first, "size", "--compare", str(old), "--new", str(new), "--threshold", "6000").returncode == 0


def test_affected_boards_follow_the_graph(first: Path) -> None:
    def affected() -> set[str]:
        return set(kiln(first, "affected", "--since", "HEAD").stdout.split())

    assert affected() == set()
    rp2_file = first / "ports/rp2/mcu/rp2040.toml"
    rp2_file.write_text(rp2_file.read_text() + "\n# touched\n")
    touched = affected()
    assert "RPI_PICO" in touched and "NETDUINO_PLUS_2" not in touched
    subprocess.run(["git", "checkout", "--", "."], cwd=first, check=True)
    header = first / "ports/stm32/stm32_regs.h"
    header.write_text(header.read_text() + "\n/* touched */\n")
    touched = affected()
    assert "NETDUINO_PLUS_2" in touched and "NUCLEO_F767ZI" in touched
    assert not any(b.startswith(("RPI_PICO", "ESP32")) for b in touched)
    subprocess.run(["git", "checkout", "--", "."], cwd=first, check=True)


def test_shared_cache_reuses_core_objects_across_boards(tmp_path: Path) -> None:
    tree = checkout(tmp_path / "cache")
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", "BOARD=NUCLEO_F411RE,NUCLEO_F401RE", "-j1"],
                            cwd=tree, capture_output=True, text=True, check=True)
    retrieved = re.findall(r"Retrieved `build/NUCLEO_F401RE/([^']+)' from cache", result.stdout)
    assert "core/vm.o" in retrieved and "core/lexer.o" in retrieved, result.stdout
    # The banner reads the board's identity from gen/board_info.o, so it is shared too; objects that
    # include the board's own config (the part and board data in chip.c) or hold its strings are never shared.
    assert "core/banner.o" in retrieved
    assert "gen/board_info.o" not in retrieved and "obj/chip.o" not in retrieved


# The only stm32 port files compiled per board: chip.c turns the board and part into data (`stm32_chip`), which
# every other port file reads; mod_os.c places /flash. Everything else must stay shared between boards.
STM32_PER_BOARD = {"chip.c", "mod_os.c"}
BOARD_HEADERS = {"board_config.h", "pins.h"}  # rendered per board (core_config.h and qstr_gen.h are per port)
SERIES_HEADER = "stm32_series.h"  # ports/stm32/series/<f4|f7>/: the register layouts of the board's series


def stm32_port_sources(port: Path) -> list[Path]:
    return sorted(port.glob("*.c")) + sorted(port.glob("*.S")) + sorted(port.glob("drivers/*.c"))


def include_chain(start: Path, wanted: set[str], search: list[Path]) -> list[str] | None:
    """The chain of quoted #includes from `start` to a header named in `wanted`, or None. Headers found in no
    directory of `search` (system headers, per-port generated ones) end a chain."""
    stack: list[tuple[Path, list[str]]] = [(start, [start.name])]
    seen: set[Path] = set()
    while stack:
        path, chain = stack.pop()
        for name in re.findall(r'^\s*#\s*include\s+"([^"]+)"', path.read_text(encoding="utf-8"), re.MULTILINE):
            if Path(name).name in wanted:
                return [*chain, name]
            found = next((d / name for d in [path.parent, *search] if (d / name).is_file()), None)
            if found is not None and found not in seen:
                seen.add(found)
                stack.append((found, [*chain, name]))
    return None


def stm32_chains(port: Path, wanted: set[str]) -> dict[str, list[str] | None]:
    """Port source (relative to the port) -> its include chain to a header in `wanted`, or None."""
    search = [port, port.parent.parent / "core", port.parent.parent / "core/fs"]
    return {src.relative_to(port).as_posix(): include_chain(src, wanted, search) for src in stm32_port_sources(port)}


def object_name(source: str) -> str:
    return f"obj/{Path(source).with_suffix('.o').as_posix()}"


def test_shared_cache_reuses_stm32_port_files_across_parts_and_series(tmp_path: Path) -> None:
    """An F401 board, then an F405 board (other peripheral sets, IRQ counts, flash sizes, clocks, crystals, REPL
    USARTs, pins and LEDs; one of them emulated): the second compiles only its data (chip.c, its pin tables and
    identity) and mod_os.c, and takes every other port, driver, core and kfs object from the cache. The F767
    (Cortex-M7F) then takes from the cache the whole core and every port file that does not read the series'
    register layouts: its objects are compiled for the ISA both cores run, and only the firmware links for the M7."""
    tree = checkout(tmp_path / "cache")
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", "BOARD=NUCLEO_F401RE,NETDUINO_PLUS_2,NUCLEO_F767ZI",
                             "-j1"], cwd=tree, capture_output=True, text=True, check=True)

    def objects(board: str, pattern: str) -> set[str]:
        return set(re.findall(pattern.format(re.escape(board)), result.stdout, re.MULTILINE))

    retrieved = objects("NETDUINO_PLUS_2", r"Retrieved `build/{}/([^']+)' from cache")
    compiled = objects("NETDUINO_PLUS_2", r"^(?:CC|AS) +build/{}/(\S+)$")
    port = tree / "ports/stm32"
    chains = stm32_chains(port, {SERIES_HEADER})
    shared = {object_name(src) for src in chains if src not in STM32_PER_BOARD}
    assert {"obj/drivers/uart.o", "obj/clock.o", "obj/console.o", "obj/mod_machine.o", "obj/mod_machine_io.o",
            "obj/drivers/board_io.o", "obj/vectors.o", "obj/startup.o"} <= shared
    assert shared <= retrieved, sorted(shared - retrieved)
    # What does differ is compiled for the board: the part's and board's data, its pin tables and identity strings.
    per_board = {"obj/chip.o", "obj/mod_os.o", "gen/pins.o", "gen/board_info.o"}
    assert compiled == per_board, sorted(compiled)
    # The two boards' data really differ (F401: 85 interrupts, USART1/2/6, 84 MHz, console on USART2; F405: 82,
    # USART1..6, 168 MHz, console on USART1), yet both firmwares link the same code.
    for obj in ("obj/drivers/uart.o", "obj/drivers/irq.o", "obj/clock.o", "obj/console.o", "obj/mod_machine_io.o"):
        assert (tree / "build/NETDUINO_PLUS_2" / obj).read_bytes() == (tree / "build/NUCLEO_F401RE" / obj).read_bytes()
    assert (tree / "build/NETDUINO_PLUS_2/obj/chip.o").read_bytes() != \
        (tree / "build/NUCLEO_F401RE/obj/chip.o").read_bytes()

    # The F767: it compiles its data and the files that read the F7's register layouts, nothing else.
    f4, f7 = tree / "build/NETDUINO_PLUS_2", tree / "build/NUCLEO_F767ZI"
    f7_compiled = objects("NUCLEO_F767ZI", r"^(?:CC|AS) +build/{}/(\S+)$")
    f7_retrieved = objects("NUCLEO_F767ZI", r"Retrieved `build/{}/([^']+)' from cache")
    series = {object_name(src) for src, chain in chains.items() if chain}
    assert {"obj/clock.o", "obj/console.o", "obj/drivers/uart.o", "obj/drivers/i2c_v2.o", "obj/drivers/flash.o"} <= series
    assert f7_compiled == series | per_board, sorted(f7_compiled ^ (series | per_board))
    portable = {f"core/{p.name}" for p in (f7 / "core").glob("*.o")} | {f"fs/{p.name}" for p in (f7 / "fs").glob("*.o")}
    assert {"core/vm.o", "core/mod_os_kfs.o", "fs/kfs_file.o"} <= portable
    assert portable | {"gen/frozen_modules.o", "obj/drivers/gpio.o", "obj/mod_machine.o", "obj/startup.o",
                       "obj/system.o"} <= f7_retrieved
    # The layouts really differ; the instruction set is the one both cores run; the link is the M7's (its C
    # library variant has the double-precision FPU; the F4's has the single-precision one).
    assert (f7 / "obj/drivers/uart.o").read_bytes() != (f4 / "obj/drivers/uart.o").read_bytes()
    assert b"-mcpu=cortex-m4" in (f7 / "obj/drivers/uart.o").read_bytes()  # the producer string in the debug info
    assert "/v7e-m+dp/hard/" in (f7 / "firmware.map").read_text() and "/v7e-m+fp/hard/" in (f4 / "firmware.map").read_text()
    assert (f7 / "firmware.elf").is_file() and (f7 / "firmware.dfu").is_file()


def test_shared_stm32_port_files_include_nothing_of_the_board() -> None:
    """The static side of the test above, naming the culprit: no shared port file reaches a per-board header
    (board_config.h, pins.h, or a port header that includes one), so none can start depending on the board
    again without moving to PER_BOARD in ports/stm32/SConscript, which must list exactly STM32_PER_BOARD."""
    port = ROOT / "ports/stm32"
    sconscript = (port / "SConscript").read_text(encoding="utf-8")
    match = re.search(r"^PER_BOARD = \{([^}]*)\}", sconscript, re.MULTILINE)
    assert match, "ports/stm32/SConscript no longer names PER_BOARD"
    assert set(re.findall(r'"([^"]+)"', match.group(1))) == STM32_PER_BOARD
    chains = stm32_chains(port, BOARD_HEADERS)
    leaking = {name: chain for name, chain in chains.items() if chain and name not in STM32_PER_BOARD}
    assert not leaking, leaking
    assert chains["chip.c"], "chip.c reads the board (the check would find nothing)"
    # Both series define the same names, so a file compiles for either.
    names = [set(re.findall(r"^#define (STM32_\w+)", (port / "series" / s / SERIES_HEADER).read_text(), re.MULTILINE))
             for s in ("f4", "f7")]
    assert names[0] == names[1] and "STM32_F7" in names[0]


def test_core_config_is_the_same_for_every_board_of_a_port(tmp_path: Path) -> None:
    """gen/core_config.h (what the portable core may read) holds nothing of the board or its CPU core, so the
    core objects of an F767 (Cortex-M7F) and an F405 (Cortex-M4F) can be the same."""
    from kiln.boards import list_board_ids, load_board
    from kiln.render import render_board

    texts: dict[str, set[str]] = {}
    for port, board_id in list_board_ids():
        board = load_board(board_id)
        written = {p.name: p for p in render_board(board, tmp_path / board.build_id)}
        texts.setdefault(port, set()).add(written["core_config.h"].read_text())
    assert len(texts["stm32"]) == 1 and len(texts["rp2"]) == 1 and len(texts["esp32"]) == 1, texts
    assert not re.search(r"^#define (\w*CORTEX|KILN_CORE_(?!CONFIG_H\b))", next(iter(texts["stm32"])), re.MULTILINE)
