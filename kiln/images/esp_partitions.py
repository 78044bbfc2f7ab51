"""ESP partition tables: CSV (Name, Type, SubType, Offset, Size, Flags) to the binary table and back.

The binary format is the documented one: 32-byte entries starting with the bytes AA 50
(type, subtype, offset, size, 16-byte label, flags), then an MD5 entry (EB EB, 14 x FF, MD5 of
all entries before it), padded with FF to 0xC00 bytes. Empty offsets are placed after the
previous partition, aligned (64 KiB for apps, 4 KiB for data).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import struct
from dataclasses import dataclass
from pathlib import Path

TABLE_OFFSET = 0x8000
TABLE_SIZE = 0xC00
ENTRY_SIZE = 32
ENTRY_MAGIC = b"\xaa\x50"
MD5_MAGIC = b"\xeb\xeb" + b"\xff" * 14
ENTRY_FORMAT = "<2sBBII16sI"
FIRST_FREE_OFFSET = TABLE_OFFSET + 0x1000
APP_ALIGN = 0x10000
DATA_ALIGN = 0x1000
MAX_ENTRIES = TABLE_SIZE // ENTRY_SIZE - 1  # one slot is the MD5 entry

TYPES = {"app": 0x00, "data": 0x01}
APP_SUBTYPES = {"factory": 0x00, "test": 0x20} | {f"ota_{i}": 0x10 + i for i in range(16)}
DATA_SUBTYPES = {
    "ota": 0x00,
    "phy": 0x01,
    "nvs": 0x02,
    "coredump": 0x03,
    "nvs_keys": 0x04,
    "efuse": 0x05,
    "undefined": 0x06,
    "esphttpd": 0x80,
    "fat": 0x81,
    "spiffs": 0x82,
    "littlefs": 0x83,
}
SUBTYPES = {0x00: APP_SUBTYPES, 0x01: DATA_SUBTYPES}
FLAGS = {"encrypted": 0x1, "readonly": 0x2}
_SIZE_RE = re.compile(r"^(0x[0-9a-f]+|\d+)\s*([km])?b?$", re.IGNORECASE)


class PartitionError(ValueError):
    """A problem with a partition table; names the CSV line when there is one."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None) -> None:
        where = f"{source}:{line}: " if source is not None and line is not None else ""
        super().__init__(where + message)
        self.source = source
        self.line = line


@dataclass(frozen=True)
class Partition:
    name: str
    type: int
    subtype: int
    offset: int
    size: int
    flags: int = 0
    line: int | None = None

    @property
    def end(self) -> int:
        return self.offset + self.size


def parse_size(text: str) -> int:
    """'1M', '64K', '0x1000', '4096' → bytes."""
    match = _SIZE_RE.match(text.strip())
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 0x10000, 64K, 1M)")
    value = int(match.group(1), 0)
    unit = (match.group(2) or "").lower()
    return value * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def _parse_number(text: str, names: dict[str, int], what: str) -> int:
    key = text.strip().lower()
    if key in names:
        return names[key]
    try:
        value = int(key, 0)
    except ValueError:
        raise ValueError(f"unknown {what} {text.strip()!r}; known: {', '.join(names)}") from None
    if not 0 <= value <= 0xFE:
        raise ValueError(f"{what} {text.strip()!r} out of range 0..0xFE")
    return value


def _align_up(value: int, align: int) -> int:
    return (value + align - 1) // align * align


def parse_csv(text: str, source: str = "<partitions>", flash_size: int | None = None) -> list[Partition]:
    """Parses and validates a partition CSV; errors name `source` and the line."""
    parts: list[Partition] = []
    cursor = FIRST_FREE_OFFSET
    for lineno, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in next(csv.reader(io.StringIO(raw), skipinitialspace=True))]
        while len(fields) < 6:
            fields.append("")
        if len(fields) > 6 and any(fields[6:]):
            raise PartitionError(f"expected at most 6 columns, got {len(fields)}", source, lineno)
        name, type_text, subtype_text, offset_text, size_text, flags_text = fields[:6]
        try:
            if not name:
                raise ValueError("partition name is empty")
            if len(name.encode()) > 16:
                raise ValueError(f"name {name!r} is longer than 16 bytes")
            if any(p.name == name for p in parts):
                raise ValueError(f"duplicate partition name {name!r}")
            ptype = _parse_number(type_text, TYPES, "type")
            subtype = _parse_number(subtype_text, SUBTYPES.get(ptype, {}), "subtype")
            if not size_text:
                raise ValueError("size is empty")
            size = parse_size(size_text)
            align = APP_ALIGN if ptype == TYPES["app"] else DATA_ALIGN
            if offset_text:
                offset = parse_size(offset_text)
                if offset % align:
                    raise ValueError(f"offset {offset:#x} of {name!r} is not aligned to {align:#x}")
            else:
                offset = _align_up(cursor, align)
            if size <= 0:
                raise ValueError(f"size of {name!r} must be positive")
            if size % DATA_ALIGN:
                raise ValueError(f"size {size:#x} of {name!r} is not a multiple of {DATA_ALIGN:#x}")
            if offset < FIRST_FREE_OFFSET:
                raise ValueError(f"{name!r} at {offset:#x} overlaps the bootloader or partition table")
            flags = 0
            for flag in filter(None, (f.strip().lower() for f in flags_text.split(":"))):
                if flag not in FLAGS:
                    raise ValueError(f"unknown flag {flag!r}; known: {', '.join(FLAGS)}")
                flags |= FLAGS[flag]
            for other in parts:
                if offset < other.end and other.offset < offset + size:
                    raise ValueError(f"{name!r} ({offset:#x}..{offset + size:#x}) overlaps {other.name!r}")
            if flash_size is not None and offset + size > flash_size:
                raise ValueError(f"{name!r} ends at {offset + size:#x}, past the {flash_size:#x}-byte flash")
        except ValueError as exc:
            raise PartitionError(str(exc), source, lineno) from None
        parts.append(Partition(name, ptype, subtype, offset, size, flags, lineno))
        if len(parts) > MAX_ENTRIES:
            raise PartitionError(f"more than {MAX_ENTRIES} partitions", source, lineno)
        cursor = offset + size
    if not parts:
        raise PartitionError(f"{source}: no partitions defined")
    return parts


def to_binary(parts: list[Partition], md5: bool = True) -> bytes:
    """The 0xC00-byte table: entries, the MD5 entry, FF padding."""
    body = b"".join(
        struct.pack(ENTRY_FORMAT, ENTRY_MAGIC, p.type, p.subtype, p.offset, p.size, p.name.encode(), p.flags)
        for p in parts
    )
    if md5:
        body += MD5_MAGIC + hashlib.md5(body).digest()
    if len(body) > TABLE_SIZE:
        raise PartitionError(f"partition table is {len(body)} bytes, more than {TABLE_SIZE:#x}")
    return body + b"\xff" * (TABLE_SIZE - len(body))


def from_binary(data: bytes) -> list[Partition]:
    """Parses a binary table back; checks the MD5 entry when present."""
    parts: list[Partition] = []
    for index in range(len(data) // ENTRY_SIZE):
        entry = data[index * ENTRY_SIZE : (index + 1) * ENTRY_SIZE]
        if entry[:2] == ENTRY_MAGIC:
            _, ptype, subtype, offset, size, label, flags = struct.unpack(ENTRY_FORMAT, entry)
            parts.append(Partition(label.rstrip(b"\0").decode(), ptype, subtype, offset, size, flags))
        elif entry[:16] == MD5_MAGIC:
            expected = hashlib.md5(data[: index * ENTRY_SIZE]).digest()
            if entry[16:] != expected:
                raise PartitionError(f"MD5 entry {index} does not match: table {entry[16:].hex()}, computed {expected.hex()}")
        elif entry == b"\xff" * ENTRY_SIZE:
            break
        else:
            raise PartitionError(f"entry {index} has bad magic {entry[:2].hex()}")
    return parts


def md5_entry(data: bytes) -> bytes | None:
    """The 16 MD5 bytes stored in a binary table, or None without an MD5 entry."""
    for index in range(len(data) // ENTRY_SIZE):
        entry = data[index * ENTRY_SIZE : (index + 1) * ENTRY_SIZE]
        if entry[:16] == MD5_MAGIC:
            return entry[16:]
    return None


def generate(csv_path: str | Path, out_path: str | Path, flash_size: int | None = None) -> list[Partition]:
    """CSV file → binary table file; returns the partitions."""
    path = Path(csv_path)
    parts = parse_csv(path.read_text(), str(path), flash_size)
    Path(out_path).write_bytes(to_binary(parts))
    return parts


def find(parts: list[Partition], type_name: str, subtype_name: str) -> Partition | None:
    """First partition of the given type and subtype names (e.g. 'app', 'factory')."""
    ptype = TYPES[type_name]
    subtype = SUBTYPES[ptype][subtype_name]
    return next((p for p in parts if p.type == ptype and p.subtype == subtype), None)
