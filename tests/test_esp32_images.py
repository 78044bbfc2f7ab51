"""ESP32-C3 images: esptool accepts ours, the partition table round-trips with its MD5, the merged
image and UF2 match esptool's own, and bad partition CSVs are reported with their line."""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.images import esp_image, esp_partitions
from kiln.images.esp_partitions import PartitionError
from kiln.images.uf2 import uf2_to_bin

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT / "ports" / "esp32" / "partitions" / "default.csv"
BOARD = "ESP32_GENERIC_C3"

needs_riscv = pytest.mark.skipif(shutil.which("riscv64-unknown-elf-gcc") is None,
                                 reason="riscv64-unknown-elf-gcc is not installed")


def esptool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "esptool", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def out(built: object) -> Path:
    built(BOARD)  # type: ignore[operator]
    return ROOT / "build" / BOARD


@needs_riscv
@pytest.mark.parametrize("name", ["firmware.bin", "bootloader.bin"])
def test_esptool_image_info_accepts_our_images(out: Path, name: str) -> None:
    done = esptool("--chip", "esp32c3", "image-info", str(out / name))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Checksum:" in done.stdout and "(valid)" in done.stdout
    assert "Validation hash:" in done.stdout and "invalid" not in done.stdout


@needs_riscv
def test_esptool_image_info_notices_a_corrupted_image(out: Path, tmp_path: Path) -> None:
    data = bytearray((out / "firmware.bin").read_bytes())
    data[0x40] ^= 0xFF  # inside the first segment
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    done = esptool("--chip", "esp32c3", "image-info", str(bad))
    assert "invalid" in done.stdout + done.stderr


@needs_riscv
def test_app_image_layout(out: Path) -> None:
    info = esp_image.parse((out / "firmware.bin").read_bytes())
    assert info.checksum_ok and info.digest_ok
    kinds = {seg.addr >> 24 for seg in info.segments if seg.addr}
    assert {0x3C, 0x40, 0x42} <= kinds  # DROM, IRAM, IROM
    assert 0x42400000 <= info.entry < 0x42800000  # entry in flash-mapped IROM
    drom = next(seg for seg in info.segments if seg.addr >> 24 == 0x3C)
    assert struct.unpack_from("<I", drom.data)[0] == 0xABCD5432  # app description first


@needs_riscv
def test_bootloader_image_has_ram_segments_only(out: Path) -> None:
    info = esp_image.parse((out / "bootloader.bin").read_bytes())
    assert info.segments
    for seg in info.segments:
        assert 0x3FC80000 <= seg.addr < 0x3FCE0000 or 0x40380000 <= seg.addr < 0x403E0000, hex(seg.addr)


@needs_riscv
def test_api_elf2image_equals_esptool_cli(out: Path, tmp_path: Path) -> None:
    cli = tmp_path / "cli.bin"
    done = esptool("--chip", "esp32c3", "elf2image", "--flash-mode", "dio", "--flash-size", "4MB",
                   "-o", str(cli), str(out / "firmware.elf"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert cli.read_bytes() == (out / "firmware.bin").read_bytes()


@needs_riscv
def test_partition_table_parses_back_with_matching_md5(out: Path) -> None:
    data = (out / "partitions.bin").read_bytes()
    assert len(data) == 0xC00
    parts = esp_partitions.from_binary(data)
    expected = esp_partitions.parse_csv(DEFAULT_CSV.read_text(), str(DEFAULT_CSV), 4 * 1024 * 1024)
    assert [(p.name, p.type, p.subtype, p.offset, p.size) for p in parts] == \
        [(p.name, p.type, p.subtype, p.offset, p.size) for p in expected]
    body_len = len(parts) * 32
    assert data[body_len:body_len + 16] == b"\xeb\xeb" + b"\xff" * 14
    assert esp_partitions.md5_entry(data) == hashlib.md5(data[:body_len]).digest()
    assert data[body_len + 32:] == b"\xff" * (0xC00 - body_len - 32)


@needs_riscv
def test_merged_image_equals_esptool_merge_bin(out: Path, tmp_path: Path) -> None:
    ref = tmp_path / "ref.bin"
    done = esptool("--chip", "esp32c3", "merge-bin", "--flash-mode", "dio", "--flash-size", "4MB", "-o", str(ref),
                   "0x0", str(out / "bootloader.bin"), "0x8000", str(out / "partitions.bin"),
                   "0x10000", str(out / "firmware.bin"))
    assert done.returncode == 0, done.stdout + done.stderr
    merged = (out / "firmware-merged.bin").read_bytes()
    assert merged == ref.read_bytes()
    assert merged[0x8000:0x8C00] == (out / "partitions.bin").read_bytes()


@needs_riscv
def test_uf2_carries_the_merged_image_for_the_esp32c3_family(out: Path) -> None:
    merged = (out / "firmware-merged.bin").read_bytes()
    uf2 = (out / "firmware.uf2").read_bytes()
    assert len(uf2) % 512 == 0
    base, rebuilt = uf2_to_bin(uf2, family_id=0xD42BA06C)  # raises on another family
    assert base == 0
    assert rebuilt[:len(merged)] == merged
    assert rebuilt[len(merged):] == b"\xff" * (len(rebuilt) - len(merged))


def test_default_csv_layout() -> None:
    parts = esp_partitions.parse_csv(DEFAULT_CSV.read_text(), "default.csv", 4 * 1024 * 1024)
    by_name = {p.name: p for p in parts}
    assert by_name["factory"].offset == 0x10000
    assert by_name["ota_0"].offset == 0x110000 and by_name["ota_1"].offset == 0x210000
    assert by_name["vfs"].end == 0x400000
    assert esp_partitions.find(parts, "data", "ota") is by_name["otadata"]


def test_auto_offsets_and_sizes() -> None:
    csv = "nvs, data, nvs, , 24K\nfactory, app, factory, , 1M\nfs, data, fat, , 0x20000, readonly\n"
    parts = esp_partitions.parse_csv(csv)
    assert [(p.offset, p.size) for p in parts] == [(0x9000, 0x6000), (0x10000, 0x100000), (0x110000, 0x20000)]
    assert parts[2].flags == 0x2
    assert esp_partitions.from_binary(esp_partitions.to_binary(parts))[2].flags == 0x2


@pytest.mark.parametrize(("csv", "line", "words"), [
    ("nvs, data, nvs, 0x9000, 0x6000\nfactory, app, factory, 0x10000, lots\n", 2, "not a size"),
    ("# header\nfactory, app, factory, 0x18000, 1M\n", 2, "not aligned"),
    ("nvs, data, nvs, 0x9000, 0x6000\nx, data, nvs, 0xa000, 0x1000\n", 2, "overlaps 'nvs'"),
    ("nvs, data, nvs, , 0x6000\nnvs, data, nvs, , 0x6000\n", 2, "duplicate"),
    ("\nfactory, app, banana, , 1M\n", 2, "unknown subtype"),
    ("factory, app, factory, , 4M\n", 1, "past the"),
    ("table, data, nvs, 0x8000, 0x1000\n", 1, "overlaps the bootloader"),
    ("fs, data, fat, , 64K, secret\n", 1, "unknown flag"),
    ("a_very_long_partition_name, data, nvs, , 4K\n", 1, "longer than 16"),
])
def test_bad_csv_errors_name_the_line(csv: str, line: int, words: str) -> None:
    with pytest.raises(PartitionError) as info:
        esp_partitions.parse_csv(csv, "bad.csv", 4 * 1024 * 1024)
    assert info.value.line == line
    assert str(info.value).startswith(f"bad.csv:{line}: ")
    assert words in str(info.value)


def test_binary_with_a_corrupted_entry_fails_md5() -> None:
    data = bytearray(esp_partitions.to_binary(esp_partitions.parse_csv(DEFAULT_CSV.read_text())))
    data[12] ^= 0x01  # first label byte
    with pytest.raises(PartitionError, match="MD5"):
        esp_partitions.from_binary(bytes(data))


def test_size_names() -> None:
    assert esp_partitions.parse_size("64K") == 0x10000
    assert esp_partitions.parse_size("1M") == 0x100000
    assert esp_partitions.parse_size("0x3000") == 0x3000
    assert esp_image.flash_size_name("4M") == "4MB"
    assert esp_image.flash_size_name(8 * 1024 * 1024) == "8MB"
