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
    # include the board's own config (the console's pins) or hold its strings are never shared.
    assert "core/banner.o" in retrieved
    assert "gen/board_info.o" not in retrieved and "obj/console.o" not in retrieved


def test_shared_cache_reuses_stm32_drivers_across_parts(tmp_path: Path) -> None:
    """The STM32 drivers read the part and board from data (chip.c), so an F401 and an F405 board (other
    peripheral sets, IRQ counts, flash sizes and REPL USARTs; one of them emulated) share every driver object."""
    tree = checkout(tmp_path / "cache")
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", "BOARD=NUCLEO_F401RE,NETDUINO_PLUS_2", "-j1"],
                            cwd=tree, capture_output=True, text=True, check=True)
    retrieved = set(re.findall(r"Retrieved `build/NETDUINO_PLUS_2/([^']+)' from cache", result.stdout))
    compiled = set(re.findall(r"^CC +build/NETDUINO_PLUS_2/(\S+)$", result.stdout, re.MULTILINE))
    port = tree / "ports/stm32"
    drivers = {f"obj/drivers/{src.stem}.o" for src in port.glob("drivers/*.c")} - {"obj/drivers/board_io.o"}
    assert {"obj/drivers/uart.o", "obj/drivers/gpio.o", "obj/drivers/spi.o", "obj/drivers/irq.o"} <= drivers
    assert drivers <= retrieved, sorted(drivers - retrieved)
    assert {"obj/vectors.o", "obj/system.o", "obj/main.o", "obj/startup.o"} <= retrieved
    # What does differ is compiled for the board: the part's data and the board's pins and clocks.
    assert {"obj/chip.o", "obj/clock.o", "obj/console.o", "obj/drivers/board_io.o", "gen/pins.o"} <= compiled
    assert not compiled & drivers
    # The two parts' data really differ (F401: 85 interrupts, USART1/2/6; F405: 82, USART1..6), yet both
    # firmwares link the same driver code.
    for obj in ("obj/drivers/uart.o", "obj/drivers/irq.o"):
        assert (tree / "build/NETDUINO_PLUS_2" / obj).read_bytes() == (tree / "build/NUCLEO_F401RE" / obj).read_bytes()
    assert (tree / "build/NETDUINO_PLUS_2/obj/chip.o").read_bytes() != \
        (tree / "build/NUCLEO_F401RE/obj/chip.o").read_bytes()
