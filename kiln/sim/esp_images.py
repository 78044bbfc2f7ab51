"""Real ESP firmware images (valid header, checksum and SHA-256) made with esptool's image classes,
for the ESP simulator tests: a bootloader, a partition table and an application."""

from __future__ import annotations

import os
import struct


def esp_image(chip: str = "esp32c3", size: int = 20_000, entry: int = 0x40380000, seed: bytes | None = None) -> bytes:
    """An application-like image of about `size` bytes with one IRAM and one DRAM segment."""
    from esptool.bin_image import ELFSection
    from esptool.targets import CHIP_DEFS

    image = CHIP_DEFS[chip].BOOTLOADER_IMAGE()
    body = seed if seed is not None else os.urandom(size)
    half = (len(body) // 2) & ~3
    image.segments = [ELFSection(b".iram0.text", 0x40380000, body[:half], 0),
                      ELFSection(b".dram0.data", 0x3FC90000, body[half:] + b"\0" * (-len(body) % 4), 0)]
    image.entrypoint = entry
    image.flash_mode, image.flash_size_freq = 2, 0x20   # dio, 4MB @ 40 MHz
    data = image.save(None)
    assert data is not None
    return data


def partition_table(app_offset: int = 0x10000, app_size: int = 0x1F0000) -> bytes:
    """A one-app partition table (0xAA50 entries) with the MD5 entry, padded to 0xC00 bytes."""
    import hashlib

    def entry(kind: int, subtype: int, offset: int, size: int, name: bytes) -> bytes:
        return struct.pack("<2sBBII16sI", b"\xaa\x50", kind, subtype, offset, size, name.ljust(16, b"\0"), 0)

    table = entry(1, 2, 0x9000, 0x6000, b"nvs") + entry(1, 1, 0xF000, 0x1000, b"phy_init") \
        + entry(0, 0, app_offset, app_size, b"factory")
    table += b"\xeb\xeb" + b"\xff" * 14 + hashlib.md5(table).digest()
    return table.ljust(0xC00, b"\xff")


def merged(boot: bytes, table: bytes, app: bytes, partitions: int = 0x8000, app_offset: int = 0x10000) -> bytes:
    blob = bytearray(b"\xff" * app_offset)
    blob[: len(boot)] = boot
    blob[partitions : partitions + len(table)] = table
    return bytes(blob) + app
