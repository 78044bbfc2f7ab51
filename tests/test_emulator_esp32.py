"""ESP32_GENERIC_C3 in the unicorn model: ROM load → Kiln's bootloader → app banner and REPL, soft
reset; the bootloader's OTA choice and its errors for bad tables and images. (Exit codes and the
drivers are tested through the driver probe: tests/test_emulator_esp32_drivers.py.)"""

from __future__ import annotations

import socket
import struct
import time
import zlib
from pathlib import Path

import pytest

from kiln import __version__
from kiln.emulators.esp32c3 import Esp32c3Emulator
from kiln.images import esp_image

ROOT = Path(__file__).resolve().parent.parent
BOARD = "ESP32_GENERIC_C3"
BANNER = (f"Kiln {__version__} on {BOARD}; ESP32-C3 DevKit with ESP32-C3 at 160 MHz\r\n"
          'Type "help()" for more information.\r\n>>> ').encode()



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


def test_boot_banner_repl_and_ctrl_d_soft_reset(merged: bytes) -> None:
    with Esp32c3Emulator(merged) as emu:
        text = emu.read_until(b">>> ", timeout=20)
        assert text.endswith(b"\n" + BANNER)
        assert b"kiln-boot: partition table ok, 0x00000007 entries" in text
        assert b"kiln-boot: booting 'factory' at 0x00010000" in text
        emu.write(b"1+1\r")
        assert emu.read_until(b">>> ", timeout=10) == b"1+1\r\n2\r\n>>> "
        emu.write(b"\x04")  # on a board, Ctrl-D soft-resets the interpreter, not the chip
        assert emu.read_until(b">>> ", timeout=10).endswith(BANNER)
        assert emu.boots == 1 and emu.wait(0.2).kind == "timeout"


def test_input_burst_longer_than_the_uart_fifo_arrives_intact(merged: bytes) -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(150))
    with Esp32c3Emulator(merged) as emu:
        emu.read_until(BANNER, timeout=20)
        emu.write(f"x = '{text}'\r".encode() + b"print(len(x), x[-4:])\r")
        emu.read_until(b">>> ", timeout=10)
        assert emu.read_until(b">>> ", timeout=10) == f"print(len(x), x[-4:])\r\n150 {text[-4:]}\r\n>>> ".encode()


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
        text = emu.read_until(b">>> ", timeout=20)
        assert f"kiln-boot: booting '{slot}' at 0x{offset:08x}".encode() in text
        assert text.endswith(BANNER)


def test_otadata_with_a_bad_crc_falls_back_to_factory(merged: bytes, app: bytes) -> None:
    entry = bytearray(otadata_entry(1))
    entry[-1] ^= 0xFF
    image = flash_with(merged, (0x110000, app), (0xD000, bytes(entry)))
    with Esp32c3Emulator(image) as emu:
        assert b"booting 'factory' at 0x00010000" in emu.read_until(b">>> ", timeout=20)


def test_clock_falls_back_to_xtal_when_the_pll_is_off(merged: bytes) -> None:
    with Esp32c3Emulator(merged, rom_clock="xtal") as emu:
        assert emu.read_until(b">>> ", timeout=20).endswith(BANNER.replace(b"160 MHz", b"40 MHz"))


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
            client.sendall(b"6*7\r")
            while not received.endswith(b"6*7\r\n42\r\n>>> ") and time.monotonic() < deadline:
                received += client.recv(4096)
            assert received.endswith(b"6*7\r\n42\r\n>>> ")


def wait_usb(emu: Esp32c3Emulator, suffix: bytes, timeout: float = 10.0) -> bytes:
    deadline = time.monotonic() + timeout
    while not emu.usb_output.endswith(suffix):
        assert time.monotonic() < deadline, emu.usb_output[-200:]
        time.sleep(0.01)
    return emu.usb_output


def test_usb_serial_jtag_is_a_second_repl_console(built: object) -> None:
    board = "SEEED_XIAO_ESP32C3"  # [repl] usb = true
    built(board)  # type: ignore[operator]
    with Esp32c3Emulator((ROOT / "build" / board / "firmware-merged.bin").read_bytes()) as emu:
        emu.read_until(b">>> ", timeout=20)
        assert wait_usb(emu, b">>> ").endswith(b'Type "help()" for more information.\r\n>>> ')
        emu.usb_write(b"6*7\r")
        assert wait_usb(emu, b"42\r\n>>> ").endswith(b">>> 6*7\r\n42\r\n>>> ")
        assert emu.read_until(b">>> ", timeout=10) == b"6*7\r\n42\r\n>>> "  # echoed on the UART too
        # Nobody reading the USB port: the UART console must keep working without stalls.
        emu.usb_host_reading(False)
        emu.write(b"print('x' * 300)\r")
        started = time.monotonic()
        assert emu.read_until(b">>> ", timeout=10).endswith(b"x" * 300 + b"\r\n>>> ")
        emu.write(b"2+3\r")
        assert emu.read_until(b">>> ", timeout=10) == b"2+3\r\n5\r\n>>> "
        assert time.monotonic() - started < 5
