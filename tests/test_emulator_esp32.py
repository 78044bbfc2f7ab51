"""ESP32_GENERIC_C3 in the unicorn model: ROM load → Kiln's bootloader → app banner, echo, exit
codes; the bootloader's OTA choice and its errors for bad tables and images."""

from __future__ import annotations

import socket
import struct
import time
import zlib
from pathlib import Path

import pytest

from kiln import __version__
from kiln.emulators.esp32c3 import Esp32c3Emulator, RunResult
from kiln.images import esp_image

ROOT = Path(__file__).resolve().parent.parent
BOARD = "ESP32_GENERIC_C3"
BANNER = f"Kiln {__version__} on {BOARD}; ESP32-C3 DevKit with ESP32-C3 at 160 MHz\r\n> ".encode()



@pytest.fixture(scope="module")
def merged(built: object) -> bytes:
    built(BOARD)  # type: ignore[operator]
    return (ROOT / "build" / BOARD / "firmware-merged.bin").read_bytes()


@pytest.fixture(scope="module")
def app(built: object) -> bytes:
    built(BOARD)  # type: ignore[operator]
    return (ROOT / "build" / BOARD / "firmware.bin").read_bytes()


def flash_with(merged: bytes, *patches: tuple[int, bytes]) -> bytes:
    image = bytearray(merged.ljust(4 * 1024 * 1024, b"\xff"))
    for offset, data in patches:
        image[offset:offset + len(data)] = data
    return bytes(image)


def otadata_entry(seq: int, state: int = 2) -> bytes:
    """One otadata sector entry: seq, 20-byte label, state, CRC-32 of seq (zlib, seed 0xFFFFFFFF)."""
    seq_bytes = struct.pack("<I", seq)
    return seq_bytes + b"\xff" * 20 + struct.pack("<II", state, zlib.crc32(seq_bytes, 0xFFFFFFFF))


def test_boot_banner_echo_and_ctrl_d_exit(merged: bytes) -> None:
    with Esp32c3Emulator(merged) as emu:
        text = emu.read_until(b"> ", timeout=20)
        assert text.endswith(b"\n" + BANNER)
        assert b"kiln-boot: partition table ok, 0x00000007 entries" in text
        assert b"kiln-boot: booting 'factory' at 0x00010000" in text
        emu.write(b"hello kiln\r")
        assert emu.read_until(b"> ", timeout=10) == b"hello kiln\r\necho: hello kiln\r\n> "
        emu.write(b"\x04")
        assert emu.wait(10) == RunResult("exit", 0, "hal_exit(0)")


def test_input_burst_longer_than_the_uart_fifo_arrives_intact(merged: bytes) -> None:
    line = bytes(ord("a") + i % 26 for i in range(120))
    with Esp32c3Emulator(merged) as emu:
        emu.read_until(BANNER, timeout=20)
        emu.write(line + b"\r" + b"second\r")
        assert emu.read_until(b"> ", timeout=10).endswith(b"echo: " + line + b"\r\n> ")
        assert emu.read_until(b"> ", timeout=10).endswith(b"echo: second\r\n> ")


def test_corrupted_partition_table_stops_in_the_bootloader(merged: bytes) -> None:
    bad = bytearray(merged)
    bad[0x8000 + 12] ^= 0x20  # first label byte: entry magic stays, MD5 no longer matches
    with Esp32c3Emulator(bytes(bad)) as emu:
        text = emu.read_until(b"halted\r\n", timeout=20)
        assert b"kiln-boot: error: partition table at 0x8000: MD5 mismatch (table corrupted)" in text
        time.sleep(0.2)
        assert b"Kiln " not in emu.output


def test_missing_partition_table_is_named(merged: bytes) -> None:
    blank = flash_with(merged, (0x8000, b"\xff" * 0xC00))
    with Esp32c3Emulator(blank) as emu:
        text = emu.read_until(b"halted\r\n", timeout=20)
        assert b"partition table at 0x8000 is empty" in text


def test_garbage_partition_table_is_named(merged: bytes) -> None:
    garbage = flash_with(merged, (0x8000, b"\x12\x34" * 16))
    with Esp32c3Emulator(garbage) as emu:
        text = emu.read_until(b"halted\r\n", timeout=20)
        assert b"no partition table at 0x8000: bad magic (0x00003412)" in text


def test_corrupted_app_image_fails_its_checksum(merged: bytes, app: bytes) -> None:
    info = esp_image.parse(app)
    irom_offset = app.index(next(s.data for s in info.segments if s.addr >> 24 == 0x42)[:64])
    bad = bytearray(merged)
    bad[0x10000 + irom_offset + 16] ^= 0x01
    with Esp32c3Emulator(bytes(bad)) as emu:
        text = emu.read_until(b"halted\r\n", timeout=20)
        assert b"app image checksum mismatch" in text


def test_empty_app_partition_is_reported(merged: bytes) -> None:
    erased = flash_with(merged, (0x10000, b"\xff" * 0x100))
    with Esp32c3Emulator(erased) as emu:
        text = emu.read_until(b"halted\r\n", timeout=20)
        assert b"no app image in the partition: bad magic (0x000000ff)" in text


@pytest.mark.parametrize(("seq", "slot", "offset"), [(1, "ota_0", 0x110000), (2, "ota_1", 0x210000)])
def test_otadata_selects_the_ota_slot(merged: bytes, app: bytes, seq: int, slot: str, offset: int) -> None:
    image = flash_with(merged, (offset, app), (0xD000, otadata_entry(seq)), (0xE000, otadata_entry(seq - 1 or 0xFFFFFFFF)))
    with Esp32c3Emulator(image) as emu:
        text = emu.read_until(b"> ", timeout=20)
        assert f"kiln-boot: booting '{slot}' at 0x{offset:08x}".encode() in text
        assert text.endswith(BANNER)


def test_otadata_with_a_bad_crc_falls_back_to_factory(merged: bytes, app: bytes) -> None:
    entry = bytearray(otadata_entry(1))
    entry[-1] ^= 0xFF
    image = flash_with(merged, (0x110000, app), (0xD000, bytes(entry)))
    with Esp32c3Emulator(image) as emu:
        assert b"booting 'factory' at 0x00010000" in emu.read_until(b"> ", timeout=20)


def test_clock_falls_back_to_xtal_when_the_pll_is_off(merged: bytes) -> None:
    with Esp32c3Emulator(merged, rom_clock="xtal") as emu:
        assert emu.read_until(b"> ", timeout=20).endswith(BANNER.replace(b"160 MHz", b"40 MHz"))


def test_bad_rom_image_is_refused_like_the_rom(merged: bytes) -> None:
    bad = bytearray(merged)
    bad[0x30] ^= 0xFF  # inside the bootloader's first segment
    with Esp32c3Emulator(bytes(bad)) as emu:
        result = emu.wait(10)
    assert result.kind == "boot-failure"
    assert b"checksum failure" in emu.output or b"SHA-256 comparison failed" in emu.output


def test_console_over_tcp(merged: bytes) -> None:
    with Esp32c3Emulator(merged, mode="tcp") as emu:
        with socket.create_connection(("127.0.0.1", emu.tcp_port), timeout=10) as client:
            received = b""
            deadline = time.monotonic() + 20
            while not received.endswith(BANNER) and time.monotonic() < deadline:
                received += client.recv(4096)
            assert received.endswith(BANNER)
            client.sendall(b"tcp\r")
            while not received.endswith(b"echo: tcp\r\n> ") and time.monotonic() < deadline:
                received += client.recv(4096)
            assert received.endswith(b"echo: tcp\r\n> ")
            client.sendall(b"\x04")
            assert emu.wait(10).code == 0
