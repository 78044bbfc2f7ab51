"""ESP firmware images through esptool's Python API: app/bootloader images from ELF files, the merged
flash image (bootloader, partition table, app) and its UF2 form.

esptool does the format work (segment ordering and MMU-page alignment, checksum, SHA-256 digest,
header flash parameters); this module only chooses the parameters and keeps esptool's log quiet.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHIP_FAMILIES = {"esp32c3": 0xD42BA06C, "esp32c6": 0x540DDF62, "esp32s3": 0xC47E5767, "esp32": 0x1C5F21B0}
DEFAULT_OFFSETS = {"esp32": 0x1000, "esp32c3": 0x0, "esp32c6": 0x0, "esp32s3": 0x0}
PARTITION_TABLE_OFFSET = 0x8000
APP_OFFSET = 0x10000


class EspImageError(ValueError):
    """esptool refused an input; the message says which file and why."""


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """esptool prints progress to stdout; keep it for error messages instead."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def flash_size_name(size: int | str) -> str:
    """4194304 or "4M" → esptool's "4MB"."""
    if isinstance(size, str):
        text = size.strip().upper().removesuffix("B")
        if text.endswith("M"):
            return f"{int(text[:-1])}MB"
        if text.endswith("K"):
            size = int(text[:-1]) * 1024
        else:
            size = int(text, 0)
    if size % (1024 * 1024) or size <= 0:
        raise EspImageError(f"flash size {size} is not a whole number of MB")
    return f"{size // (1024 * 1024)}MB"


def elf2image(elf: str | Path, chip: str = "esp32c3", flash_mode: str = "dio", flash_size: int | str = "4MB",
              flash_freq: str | None = None) -> bytes:
    """The esptool image of an ELF (what `esptool elf2image` writes), as bytes."""
    from esptool.cmds import elf2image as esptool_elf2image

    with _quiet() as log:
        try:
            data = esptool_elf2image(str(elf), chip, output=None, flash_freq=flash_freq, flash_mode=flash_mode,
                                     flash_size=flash_size_name(flash_size))
        except Exception as exc:  # esptool raises FatalError and plain errors alike
            raise EspImageError(f"{elf}: esptool elf2image failed: {exc}\n{log.getvalue()}") from exc
    assert isinstance(data, bytes)
    return data


def merge(parts: list[tuple[int, bytes]], chip: str = "esp32c3", flash_mode: str = "keep",
          flash_size: int | str = "keep", flash_freq: str = "keep") -> bytes:
    """One raw image of (flash offset, data) parts, starting at flash offset 0, gaps filled with FF
    (what `esptool merge-bin` writes)."""
    from esptool.cmds import merge_bin

    size = flash_size if flash_size == "keep" else flash_size_name(flash_size)
    with _quiet() as log:
        try:
            data = merge_bin(sorted(parts, key=lambda p: p[0]), chip, output=None, flash_freq=flash_freq,
                             flash_mode=flash_mode, flash_size=size, format="raw")
        except Exception as exc:
            raise EspImageError(f"esptool merge-bin failed: {exc}\n{log.getvalue()}") from exc
    assert isinstance(data, bytes)
    return data


def merged_uf2(merged: bytes, chip: str = "esp32c3") -> bytes:
    """UF2 of a merged image (flash offset 0) for the chip's UF2 family."""
    from kiln.images.uf2 import write_uf2

    return write_uf2(merged, 0, CHIP_FAMILIES[chip])


@dataclass(frozen=True)
class Segment:
    addr: int
    data: bytes


@dataclass(frozen=True)
class ImageInfo:
    entry: int
    segments: list[Segment]
    checksum_ok: bool
    digest_ok: bool | None


def parse(data: bytes, chip: str = "esp32c3") -> ImageInfo:
    """Parses an image with esptool's loader and checks its checksum and appended digest."""
    from esptool.bin_image import LoadFirmwareImage

    with _quiet() as log:
        try:
            image = LoadFirmwareImage(chip, data)
        except Exception as exc:
            raise EspImageError(f"not a valid {chip} image: {exc}\n{log.getvalue()}") from exc
    digest_ok = (image.stored_digest == image.calc_digest) if image.append_digest else None
    return ImageInfo(image.entrypoint, [Segment(s.addr, bytes(s.data)) for s in image.segments],
                     image.checksum == image.calculate_checksum(), digest_ok)
