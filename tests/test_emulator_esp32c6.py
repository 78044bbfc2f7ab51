"""ESP32_GENERIC_C6: esptool accepts its images (chip id 13), the merged image equals esptool's
merge-bin, and the unicorn C6 model boots it like the ROM: Kiln's bootloader maps the app through the
C6's indirect MMU, and the REPL answers with console interrupts routed through the PLIC."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiln import __version__
from kiln.emulators.esp32c6 import Esp32c6Emulator
from kiln.images import esp_image

ROOT = Path(__file__).resolve().parent.parent
BOARD = "ESP32_GENERIC_C6"
BANNER = (f"Kiln {__version__} on {BOARD}; ESP32-C6 DevKit with ESP32-C6 at 40 MHz\r\n"
          'Type "help()" for more information.\r\n>>> ').encode()


def esptool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esptool", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def out(built: object) -> Path:
    built(BOARD)  # type: ignore[operator]
    return ROOT / "build" / BOARD


@pytest.mark.parametrize("name", ["firmware.bin", "bootloader.bin"])
def test_esptool_image_info_accepts_the_c6_images(out: Path, name: str) -> None:
    done = esptool("--chip", "esp32c6", "image-info", str(out / name))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Chip ID: 13 (ESP32-C6)" in done.stdout
    assert "Checksum:" in done.stdout and "(valid)" in done.stdout and "invalid" not in done.stdout


def test_c6_app_layout(out: Path) -> None:
    info = esp_image.parse((out / "firmware.bin").read_bytes(), "esp32c6")
    assert info.checksum_ok and info.digest_ok
    addrs = [seg.addr for seg in info.segments if seg.addr]
    assert any(0x42000000 <= a < 0x42800000 for a in addrs)  # code, lower half of the flash window
    assert any(0x42800000 <= a < 0x43000000 for a in addrs)  # read-only data, upper half
    assert all(0x40800000 <= a < 0x40880000 for a in addrs if a >> 24 == 0x40)  # HP SRAM
    boot = esp_image.parse((out / "bootloader.bin").read_bytes(), "esp32c6")
    assert all(0x40868000 <= seg.addr < 0x4087A000 for seg in boot.segments)  # below the ROM's data


def test_c6_merged_image_equals_esptool_merge_bin(out: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.bin"
    done = esptool("--chip", "esp32c6", "merge-bin", "--flash-mode", "dio", "--flash-size", "4MB", "-o", str(ref),
                   "0x0", str(out / "bootloader.bin"), "0x8000", str(out / "partitions.bin"),
                   "0x10000", str(out / "firmware.bin"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "firmware-merged.bin").read_bytes() == ref.read_bytes()


def test_c6_boots_to_the_repl_in_emulation(out: Path) -> None:
    with Esp32c6Emulator((out / "firmware-merged.bin").read_bytes()) as emu:
        text = emu.read_until(b">>> ", timeout=30)
        assert b"ESP-ROM:esp32c6" in text
        assert b"kiln-boot: ESP32-C6 second stage" in text
        assert b"kiln-boot: booting 'factory' at 0x00010000" in text
        assert text.endswith(b"\n" + BANNER)
        emu.write(b"sum(range(10))\r")  # the console RX interrupt reaches the CPU through the PLIC
        assert emu.read_until(b">>> ", timeout=10) == b"sum(range(10))\r\n45\r\n>>> "
        emu.write(b"\x04")
        assert emu.read_until(b">>> ", timeout=10).endswith(BANNER)


def test_c6_reports_the_spll_clock_when_the_rom_left_it_on(out: Path) -> None:
    with Esp32c6Emulator((out / "firmware-merged.bin").read_bytes(), rom_clock="pll") as emu:
        assert emu.read_until(b">>> ", timeout=30).endswith(BANNER.replace(b"40 MHz", b"160 MHz"))


def test_c6_bootloader_refuses_an_image_for_another_chip(out: Path, built: object) -> None:
    built("ESP32_GENERIC_C3")  # type: ignore[operator]
    c3_app = (ROOT / "build" / "ESP32_GENERIC_C3" / "firmware.bin").read_bytes()
    image = bytearray((out / "firmware-merged.bin").read_bytes().ljust(4 * 1024 * 1024, b"\xff"))
    image[0x10000:0x10000 + len(c3_app)] = c3_app
    with Esp32c6Emulator(bytes(image)) as emu:
        text = emu.read_until(b"halted\r\n", timeout=30)
        assert b"app image is for another chip, chip id (0x00000005)" in text
