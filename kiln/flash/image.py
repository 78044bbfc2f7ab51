"""Firmware images as flashers see them: address-tagged segments, loaded from .bin/.hex/.elf/.uf2/.dfu."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiln.images.dfuse import DfuseError, read_dfuse
from kiln.images.uf2 import FLAG_NOT_MAIN_FLASH, Uf2Error, read_uf2

KINDS = ("bin", "hex", "elf", "uf2", "dfu")


class ImageError(ValueError):
    """An image file is unusable; the message names the file and the offset or field."""


@dataclass(frozen=True)
class Segment:
    address: int
    data: bytes
    name: str = ""  # "bootloader", "partitions", "app" for ESP parts; "" otherwise

    @property
    def end(self) -> int:
        return self.address + len(self.data)


@dataclass
class Image:
    """What to write: segments sorted by address, never overlapping."""

    segments: list[Segment]
    path: Path | None = None
    kind: str = "bin"
    raw: bytes = b""                 # the file as read (a UF2 copy writes it unchanged)
    uf2_family: int | None = None    # the family id every block of a .uf2 carries (None = mixed/none)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.segments = sorted((s for s in self.segments if s.data), key=lambda s: s.address)
        for a, b in zip(self.segments, self.segments[1:], strict=False):
            if b.address < a.end:
                raise ImageError(f"{self.label}: segment at 0x{b.address:08x} overlaps the one at "
                                 f"0x{a.address:08x}..0x{a.end:08x}; the image is inconsistent")

    @property
    def label(self) -> str:
        return str(self.path) if self.path else f"<{self.kind} image>"

    @property
    def size(self) -> int:
        return sum(len(s.data) for s in self.segments)

    @property
    def start(self) -> int:
        return self.segments[0].address

    @property
    def end(self) -> int:
        return self.segments[-1].end

    def flat(self, fill: int = 0xFF) -> bytes:
        """The image as one contiguous blob from start() to end(), gaps filled."""
        blob = bytearray(bytes([fill]) * (self.end - self.start))
        for s in self.segments:
            blob[s.address - self.start : s.end - self.start] = s.data
        return bytes(blob)


def load_image(path: Path | str, address: int | None = None) -> Image:
    """Reads an image file by extension. A .bin needs `address` (where its first byte goes)."""
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such file; build it first (`kiln build --board ...`) or give the right path")
    raw = path.read_bytes()
    if not raw:
        raise ImageError(f"{path}: the file is empty")
    kind = path.suffix.lower().lstrip(".")
    if kind == "uf2":
        return _from_uf2(path, raw)
    if kind == "dfu":
        return _from_dfu(path, raw)
    if kind == "hex":
        return _from_hex(path)
    if kind == "elf" or raw[:4] == b"\x7fELF":
        return _from_elf(path)
    if kind == "bin":
        if address is None:
            raise ImageError(f"{path}: a .bin has no address; pass --address (e.g. 0x08000000)")
        return Image([Segment(address, raw)], path, "bin", raw)
    raise ImageError(f"{path}: unknown image type {path.suffix!r}; use one of .{', .'.join(KINDS)}")


def from_parts(parts: list[tuple[int, Path, str]]) -> Image:
    """Several .bin files at their offsets (ESP bootloader / partition table / app)."""
    segments = []
    for address, path, name in parts:
        if not path.is_file():
            raise ImageError(f"{path}: no such file (the {name or 'image'} part at 0x{address:x})")
        segments.append(Segment(address, path.read_bytes(), name))
    return Image(segments, parts[0][1] if parts else None, "parts")


def _from_uf2(path: Path, raw: bytes) -> Image:
    try:
        blocks = read_uf2(raw)
    except Uf2Error as exc:
        raise ImageError(f"{path}: {exc}") from None
    families = {b.family_id for b in blocks}
    segments: list[Segment] = []
    for block in sorted((b for b in blocks if not b.flags & FLAG_NOT_MAIN_FLASH), key=lambda b: b.address):
        if segments and segments[-1].end == block.address:
            segments[-1] = Segment(segments[-1].address, segments[-1].data + block.payload)
        elif segments and block.address < segments[-1].end:
            raise ImageError(f"{path}: block {block.index} (file offset 0x{block.index * 512:x}) writes "
                             f"0x{block.address:08x}, which an earlier block already wrote")
        else:
            segments.append(Segment(block.address, block.payload))
    family = families.pop() if len(families) == 1 else None
    return Image(segments, path, "uf2", raw, family)


def _from_dfu(path: Path, raw: bytes) -> Image:
    try:
        dfu = read_dfuse(raw)
    except DfuseError as exc:
        raise ImageError(f"{path}: {exc}") from None
    if 0 not in dfu.targets:
        raise ImageError(f"{path}: no target for alt setting 0 (internal flash); found alt {sorted(dfu.targets)}")
    return Image([Segment(e.address, e.data) for e in dfu.targets[0][1]], path, "dfu", raw)


def _from_hex(path: Path) -> Image:
    from intelhex import HexRecordError, IntelHex

    try:
        ih = IntelHex(str(path))
    except (HexRecordError, ValueError) as exc:
        raise ImageError(f"{path}: not a valid Intel HEX file: {exc}") from None
    segments = [Segment(start, ih.tobinstr(start, end - 1)) for start, end in ih.segments()]
    return Image(segments, path, "hex", b"")


def _from_elf(path: Path) -> Image:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        with path.open("rb") as handle:
            elf = ELFFile(handle)
            segments = [Segment(seg["p_paddr"], seg.data()[: seg["p_filesz"]])
                        for seg in elf.iter_segments() if seg["p_type"] == "PT_LOAD" and seg["p_filesz"]]
    except ELFError as exc:
        raise ImageError(f"{path}: not a valid ELF file: {exc}") from None
    if not segments:
        raise ImageError(f"{path}: the ELF has no loadable segments with contents")
    return Image(segments, path, "elf", b"")
