"""RP2040 boot2 block: CRC-32/MPEG-2, block layout, and the boot2 in the built RPI_PICO image."""

from __future__ import annotations

import random
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import build_dir
from kiln.images import rp2_boot2
from kiln.images.uf2 import uf2_to_bin


@pytest.fixture(scope="module")
def pico(built: Callable[[str], Board]) -> Path:
    """The RPI_PICO build directory (built once per session by the shared fixture)."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    return build_dir(built("RPI_PICO"))


def crc_bitwise(data: bytes) -> int:
    """Reference CRC-32/MPEG-2, bit by bit (independent of the table-driven implementation)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def test_crc_check_value() -> None:
    assert rp2_boot2.crc32_mpeg2(b"123456789") == 0x0376E6E7


def test_crc_matches_bitwise_reference() -> None:
    rng = random.Random(2040)
    for length in (0, 1, 3, 252, 1000):
        data = bytes(rng.randrange(256) for _ in range(length))
        assert rp2_boot2.crc32_mpeg2(data) == crc_bitwise(data)


def test_block_layout() -> None:
    code = bytes(range(1, 101))
    block = rp2_boot2.make_block(code)
    assert len(block) == 256
    assert block[:100] == code
    assert block[100:252] == bytes(152)
    assert struct.unpack("<I", block[252:])[0] == crc_bitwise(block[:252])
    assert rp2_boot2.block_crc_ok(block)
    rp2_boot2.check_block(block)


def test_code_too_large_is_rejected() -> None:
    rp2_boot2.make_block(bytes(252))
    with pytest.raises(rp2_boot2.Boot2Error, match="253 bytes; at most 252"):
        rp2_boot2.make_block(bytes(253))


def test_any_single_bit_flip_is_detected() -> None:
    block = rp2_boot2.make_block(bytes(range(200)))
    for bit in range(0, 256 * 8, 7):
        corrupted = bytearray(block)
        corrupted[bit // 8] ^= 1 << (bit % 8)
        assert not rp2_boot2.block_crc_ok(bytes(corrupted)), bit
        with pytest.raises(rp2_boot2.Boot2Error, match="CRC mismatch"):
            rp2_boot2.check_block(bytes(corrupted))


def test_short_input_is_not_a_block() -> None:
    assert not rp2_boot2.block_crc_ok(bytes(255))
    with pytest.raises(rp2_boot2.Boot2Error, match="needs 256"):
        rp2_boot2.check_block(bytes(10))


def test_c_source_holds_the_block() -> None:
    block = rp2_boot2.make_block(b"\x00\xb5\x12")
    text = rp2_boot2.c_source(block)
    assert text.startswith("/* boot2_block.c:")
    assert '__attribute__((section(".boot2"), used))' in text
    values = [int(tok.rstrip(","), 16) for tok in text.split("{", 1)[1].split("}")[0].split()]
    assert bytes(values) == block


def test_built_image_starts_with_valid_boot2(pico: Path) -> None:
    out = pico
    firmware = (out / "firmware.bin").read_bytes()
    rp2_boot2.check_block(firmware[:256])
    # The block in the image is exactly the one made from the separately linked boot2 code.
    assert firmware[:256] == rp2_boot2.make_block((out / "boot2" / "boot2.bin").read_bytes())
    # The vector table follows at 0x10000100: initial SP at the top of SCRATCH_Y, Thumb reset handler in flash.
    sp, reset = struct.unpack_from("<II", firmware, 256)
    assert sp == 0x20042000
    assert reset & 1 and 0x10000100 < reset < 0x10000000 + len(firmware)
    base, image = uf2_to_bin((out / "firmware.uf2").read_bytes(), rp2_boot2.RP2040_FAMILY_ID)
    assert base == 0x10000000 and image[: len(firmware)] == firmware


def test_cli_check(pico: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = pico
    assert rp2_boot2.main(["check", str(out / "firmware.uf2")]) == 0
    assert "boot2 CRC ok" in capsys.readouterr().out
    corrupted = bytearray((out / "firmware.bin").read_bytes())
    corrupted[17] ^= 0x40
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(corrupted))
    assert rp2_boot2.main(["check", str(bad)]) == 1
    assert "CRC mismatch" in capsys.readouterr().err


def test_cli_block(tmp_path: Path) -> None:
    code = tmp_path / "boot2.bin"
    code.write_bytes(b"\x01\x02\x03\x04")
    assert rp2_boot2.main(["block", str(code), "-o", str(tmp_path / "block.bin"), "--c", str(tmp_path / "b.c")]) == 0
    assert rp2_boot2.block_crc_ok((tmp_path / "block.bin").read_bytes())
    code.write_bytes(bytes(300))
    assert rp2_boot2.main(["block", str(code), "-o", str(tmp_path / "x.bin")]) == 1
    assert not (tmp_path / "x.bin").exists()
