"""What a flasher needs to know about the chip it writes: flash ranges, the protected boot region, USB ids.

Built from a validated Board (`Target.from_board`), or directly in tests for chips whose board files do
not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiln.flash.image import Image, ImageError, Segment
from kiln.schema import parse_size

if TYPE_CHECKING:
    from kiln.boards import Board

# Per MCU family: chip facts the board schema does not carry.
FAMILY_FACTS: dict[str, dict[str, Any]] = {
    "rp2": {"usb_boot": (0x2E8A, 0x0003), "uf2_board_ids": ("RPI-RP2",)},
    "stm32f4": {"usb_dfu": (0x0483, 0xDF11), "uf2_board_ids": ("STM32F4",)},
    "stm32f7": {"usb_dfu": (0x0483, 0xDF11), "uf2_board_ids": ("STM32F7",)},
    "esp32c3": {"uf2_board_ids": ("ESP32C3",), "esptool_chip": "esp32c3"},
    "esp32s3": {"uf2_board_ids": ("ESP32S3",), "esptool_chip": "esp32s3"},
    "esp32": {"esptool_chip": "esp32"},
}


@dataclass(frozen=True)
class Range:
    start: int
    length: int
    name: str

    @property
    def end(self) -> int:
        return self.start + self.length

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


@dataclass(frozen=True)
class Target:
    name: str                                   # board id (or chip name in tests)
    mcu: str                                    # part number, for messages
    family: str                                 # "stm32f4", "rp2040", "esp32c3", ...
    flash: tuple[Range, ...]                    # where images may go (addresses as the method sees them)
    protected: tuple[Range, ...] = ()           # never written: a resident bootloader
    uf2_family_id: int | None = None
    usb_dfu: tuple[int, int] | None = None
    usb_boot: tuple[int, int] | None = None
    esptool_chip: str | None = None
    pyocd_target: str | None = None
    pyocd_pack: str | None = None
    flash_offsets: dict[str, int] = field(default_factory=dict)
    app_address: int = 0                        # where a plain .bin goes by default
    uf2_board_ids: tuple[str, ...] = ()
    filesystem: Range | None = None             # /flash sectors on the internal flash: kept when flashing

    @classmethod
    def from_board(cls, board: Board) -> Target:
        mcu = board.mcu
        family = str(mcu["family"])
        facts = FAMILY_FACTS.get(family, {})
        flash_regions = [r for r in board.regions if r.kind == "flash"]
        esptool_chip = mcu.get("esptool_chip") or facts.get("esptool_chip")
        app_offset = int(mcu.get("app_offset", 0))
        if esptool_chip:
            # esptool addresses are offsets into the SPI flash chip, not CPU addresses; the MCU's flash
            # "regions" are cache windows, so the chip size comes from flash.size (dev kits: 4 MiB).
            size = parse_size(board.data.get("flash", {}).get("size")) or 4 * 1024 * 1024
            flash = (Range(0, size, "SPI flash"),)
            offsets = dict(mcu.get("flash_offsets", {}))
            offsets.setdefault("app", app_offset)
            app_address = offsets["app"]
            protected: tuple[Range, ...] = ()
        else:
            flash = tuple(Range(r.origin, r.length, r.name) for r in flash_regions)
            offsets = dict(mcu.get("flash_offsets", {}))
            base = flash[0].start if flash else 0
            app_address = base + app_offset
            # Anything before the application offset holds a resident bootloader: never written.
            protected = (Range(base, app_offset, "bootloader"),) if app_offset else ()
        fs = board.filesystem_range if not esptool_chip else None

        def usb(key: str) -> tuple[int, int] | None:
            if key in mcu:
                return int(mcu[key]["vid"]), int(mcu[key]["pid"])
            value = facts.get(key)
            return tuple(value) if value else None  # type: ignore[return-value]

        return cls(
            name=board.build_id, mcu=str(mcu["name"]), family=family, flash=flash, protected=protected,
            uf2_family_id=mcu.get("uf2_family_id"), usb_dfu=usb("usb_dfu"), usb_boot=usb("usb_boot"),
            esptool_chip=esptool_chip, pyocd_target=board.pyocd_target, pyocd_pack=mcu.get("pyocd_pack"),
            flash_offsets=offsets, app_address=app_address,
            uf2_board_ids=tuple(facts.get("uf2_board_ids", ())),
            filesystem=Range(fs[0], fs[1] - fs[0], "/flash") if fs else None,
        )

    def keep_filesystem(self, image: Image) -> Image:
        """The image without the bytes it would write over /flash when they are only erased-flash fill (0xFF):
        a flat .bin of a firmware split around /flash (512 KiB STM32s) then leaves the user's files alone, as the
        .hex and .dfu do. Real data there (a filesystem image) is written, with a note."""
        fs = self.filesystem
        if fs is None or not any(fs.overlaps(s.address, s.end) for s in image.segments):
            return image
        segments: list[Segment] = []
        overwrites = False
        for seg in image.segments:
            if not fs.overlaps(seg.address, seg.end):
                segments.append(seg)
                continue
            lo, hi = max(seg.address, fs.start) - seg.address, min(seg.end, fs.end) - seg.address
            if seg.data[lo:hi].strip(b"\xff"):
                overwrites = True
                segments.append(seg)
                continue
            segments += [Segment(seg.address, seg.data[:lo], seg.name),
                         Segment(seg.address + hi, seg.data[hi:], seg.name)]
        kept = Image(segments, image.path, image.kind, image.raw, image.uf2_family, list(image.notes))
        if overwrites:
            kept.notes.append(f"the image writes data into /flash (0x{fs.start:08x}..0x{fs.end:08x}): the files "
                              "there are replaced")
        else:
            kept.notes.append(f"skipping the erased fill over /flash (0x{fs.start:08x}..0x{fs.end:08x}): the files "
                              "there are kept")
        return kept

    def check_ranges(self, image: Image) -> None:
        """Refuses an image that writes outside flash or into the protected bootloader region."""
        if not image.segments:
            raise ImageError(f"{image.label}: the image has no data to write")
        for seg in image.segments:
            where = f"{image.label}: {seg.name + ' ' if seg.name else ''}segment 0x{seg.address:08x}..0x{seg.end:08x}"
            region = next((r for r in self.flash if r.contains(seg.address, seg.end)), None)
            if region is None:
                inside = next((r for r in self.flash if r.overlaps(seg.address, seg.end)), None)
                if inside is not None:
                    raise ImageError(f"{where} runs past the end of {inside.name} (0x{inside.start:08x}..0x{inside.end:08x}) "
                                     f"by {seg.end - inside.end} bytes; the image is too large for the {self.mcu}")
                ranges = ", ".join(f"{r.name} 0x{r.start:08x}..0x{r.end:08x}" for r in self.flash)
                raise ImageError(f"{where} is outside the {self.mcu}'s flash ({ranges}); "
                                 "this image was built for another chip or a wrong --address")
            for guard in self.protected:
                if guard.overlaps(seg.address, seg.end):
                    raise ImageError(f"{where} overlaps the {guard.name} region 0x{guard.start:08x}..0x{guard.end:08x}, "
                                     "which is never written; link the application at "
                                     f"0x{guard.end:08x} or later")
