"""Image writers checked against parsers we did not write: the `uf2` npm package, dfu-suffix, binutils."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiln.images.dfuse import DfuseElement, DfuseError, read_dfuse, write_dfuse
from kiln.images.uf2 import Uf2Error, read_uf2, uf2_to_bin, write_uf2

ROOT = Path(__file__).resolve().parent.parent
RP2040_FAMILY = 0xE48BFF56
STM32F4_FAMILY = 0x57755A57


def npm_uf2_decode(path: Path) -> list[dict[str, object]]:
    result = subprocess.run(["node", str(ROOT / "tests/support/uf2_decode.mjs"), str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("size", [1, 256, 257, 4096 + 13])
def test_uf2_decodes_with_npm_package(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "x.uf2"
    path.write_bytes(write_uf2(data, 0x08000000, STM32F4_FAMILY))
    blocks = npm_uf2_decode(path)
    assert len(blocks) == (size + 255) // 256
    assert all(b["familyName"] == "ST STM32F4xx" and b["family"] == STM32F4_FAMILY for b in blocks)
    assert [b["number"] for b in blocks] == list(range(len(blocks)))
    assert all(b["total"] == len(blocks) and b["size"] == 256 for b in blocks)
    joined = b"".join(bytes.fromhex(str(b["payloadHex"])) for b in blocks)
    assert joined[:size] == data and set(joined[size:]) <= {0xFF}
    assert [b["address"] for b in blocks] == [0x08000000 + 256 * i for i in range(len(blocks))]


def test_uf2_round_trip_and_family_check() -> None:
    data = os.urandom(1000)
    blob = write_uf2(data, 0x10000000, RP2040_FAMILY)
    base, image = uf2_to_bin(blob, RP2040_FAMILY)
    assert base == 0x10000000 and image[:1000] == data
    with pytest.raises(Uf2Error, match="family id 0xe48bff56, expected 0x57755a57"):
        uf2_to_bin(blob, STM32F4_FAMILY)


def test_uf2_corruption_is_named() -> None:
    blob = bytearray(write_uf2(os.urandom(600), 0x10000000, RP2040_FAMILY))
    blob[512] ^= 0xFF  # first magic of block 1
    with pytest.raises(Uf2Error, match=r"block 1 \(file offset 0x200\): bad magic"):
        read_uf2(bytes(blob))
    with pytest.raises(Uf2Error, match="not a non-zero multiple of 512"):
        read_uf2(bytes(blob[:700]))
    blocks = write_uf2(os.urandom(600), 0x10000000, RP2040_FAMILY)
    with pytest.raises(Uf2Error, match="blocks are missing or reordered"):
        read_uf2(blocks[512:] + blocks[:512])


@pytest.fixture
def dfu_suffix() -> str:
    path = shutil.which("dfu-suffix")
    assert path, "dfu-suffix (Debian package dfu-util) must be installed: ./kilnw setup installs it"
    return path


def test_dfuse_suffix_accepted_by_dfu_suffix(tmp_path: Path, dfu_suffix: str) -> None:
    data = os.urandom(3000)
    path = tmp_path / "fw.dfu"
    path.write_bytes(write_dfuse([DfuseElement(0x08000000, data)], vid=0x0483, pid=0xDF11))
    result = subprocess.run([dfu_suffix, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Vendor ID:\t0x0483" in result.stdout and "Product ID:\t0xDF11" in result.stdout
    assert "BCD DFU:\t0x011A" in result.stdout
    parsed = read_dfuse(path.read_bytes())
    assert (parsed.vid, parsed.pid) == (0x0483, 0xDF11)
    name, elements = parsed.targets[0]
    assert name == "Internal Flash" and elements == [DfuseElement(0x08000000, data)]


def test_dfuse_bad_crc_rejected_by_both(tmp_path: Path, dfu_suffix: str) -> None:
    blob = bytearray(write_dfuse([DfuseElement(0x08000000, b"\x01" * 64)], vid=0x0483, pid=0xDF11))
    blob[300] ^= 0x01
    path = tmp_path / "bad.dfu"
    path.write_bytes(bytes(blob))
    with pytest.raises(DfuseError, match="CRC"):
        read_dfuse(bytes(blob))
    result = subprocess.run([dfu_suffix, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode != 0 or "CRC" in result.stderr + result.stdout


def test_intel_hex_read_back_by_binutils(tmp_path: Path) -> None:
    from intelhex import IntelHex

    data = os.urandom(70000)  # crosses a 64 KiB extended-address boundary
    ih = IntelHex()
    ih.frombytes(data, offset=0x08000000)
    hex_path = tmp_path / "fw.hex"
    ih.write_hex_file(str(hex_path))
    bin_path = tmp_path / "fw.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-I", "ihex", "-O", "binary", str(hex_path), str(bin_path)], check=True)
    assert bin_path.read_bytes() == data


def test_built_stm32_images_agree_with_third_party_parsers(built: object, tmp_path: Path, dfu_suffix: str) -> None:
    """The NETDUINO_PLUS_2 build: .dfu passes dfu-suffix, and .dfu/.uf2/.hex all carry exactly the .bin
    at the flash base, as read by dfu-suffix, the npm `uf2` package and binutils."""
    from kiln.build import image_path

    board = built("NETDUINO_PLUS_2")  # type: ignore[operator]
    binary = image_path(board, "bin").read_bytes()
    dfu = image_path(board, "dfu")
    result = subprocess.run([dfu_suffix, "--check", str(dfu)], capture_output=True, text=True)
    assert result.returncode == 0 and "Vendor ID:\t0x0483" in result.stdout
    (name, elements), = read_dfuse(dfu.read_bytes()).targets.values()
    assert elements == [DfuseElement(0x08000000, binary)]
    blocks = npm_uf2_decode(image_path(board, "uf2"))
    assert {b["family"] for b in blocks} == {STM32F4_FAMILY} and blocks[0]["address"] == 0x08000000
    assert b"".join(bytes.fromhex(str(b["payloadHex"])) for b in blocks)[: len(binary)] == binary
    from_hex = tmp_path / "from_hex.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-I", "ihex", "-O", "binary", str(image_path(board, "hex")),
                    str(from_hex)], check=True)
    assert from_hex.read_bytes() == binary
