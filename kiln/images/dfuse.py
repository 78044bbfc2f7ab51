"""ST DfuSe (.dfu) files: prefix, one target per alt setting with address/data elements, DFU suffix."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SUFFIX_LEN = 16
BCD_DFU = 0x011A
_PREFIX = struct.Struct("<5sBIB")
_TARGET = struct.Struct("<6sBI255sII")
_ELEMENT = struct.Struct("<II")
_SUFFIX = struct.Struct("<HHHH3sB")


class DfuseError(ValueError):
    """A DfuSe file is malformed; the message names the offset and field."""


@dataclass(frozen=True)
class DfuseElement:
    address: int
    data: bytes


@dataclass(frozen=True)
class DfuseFile:
    vid: int
    pid: int
    device: int
    targets: dict[int, tuple[str, list[DfuseElement]]]  # alt setting -> (name, elements)


def dfu_crc(data: bytes) -> int:
    """The DFU suffix CRC: CRC-32 without the final inversion."""
    return zlib.crc32(data) ^ 0xFFFFFFFF


def write_dfuse(elements: list[DfuseElement], vid: int, pid: int, target_name: str = "Internal Flash",
                alt: int = 0, device: int = 0xFFFF) -> bytes:
    body = b"".join(_ELEMENT.pack(e.address, len(e.data)) + e.data for e in elements)
    name = target_name.encode("ascii")
    target = _TARGET.pack(b"Target", alt, 1, name.ljust(255, b"\0"), len(body), len(elements)) + body
    image_size = _PREFIX.size + len(target)
    blob = _PREFIX.pack(b"DfuSe", 1, image_size, 1) + target
    blob += _SUFFIX.pack(device, pid, vid, BCD_DFU, b"UFD", SUFFIX_LEN)
    return blob + struct.pack("<I", dfu_crc(blob))


def read_dfuse(blob: bytes) -> DfuseFile:
    """Parses and checks a DfuSe file (prefix, targets, suffix, CRC)."""
    if len(blob) < _PREFIX.size + SUFFIX_LEN:
        raise DfuseError(f"file is {len(blob)} bytes, too short for a DfuSe prefix and DFU suffix")
    (crc,) = struct.unpack_from("<I", blob, len(blob) - 4)
    if crc != dfu_crc(blob[:-4]):
        raise DfuseError(f"offset 0x{len(blob) - 4:x}: suffix CRC 0x{crc:08x} does not match the file contents")
    device, pid, vid, bcd, signature, length = _SUFFIX.unpack_from(blob, len(blob) - SUFFIX_LEN)
    if signature != b"UFD" or length != SUFFIX_LEN or bcd != BCD_DFU:
        raise DfuseError(f"offset 0x{len(blob) - SUFFIX_LEN:x}: bad DFU suffix (signature {signature!r}, "
                         f"length {length}, bcdDFU 0x{bcd:04x}; expected 'UFD', 16, 0x011a)")
    magic, version, image_size, count = _PREFIX.unpack_from(blob, 0)
    if magic != b"DfuSe" or version != 1:
        raise DfuseError("offset 0x0: missing 'DfuSe' prefix version 1; not a DfuSe file")
    if image_size != len(blob) - SUFFIX_LEN:
        raise DfuseError(f"offset 0x6: DFUImageSize {image_size} != file size without suffix {len(blob) - SUFFIX_LEN}")
    offset = _PREFIX.size
    targets: dict[int, tuple[str, list[DfuseElement]]] = {}
    for _ in range(count):
        sig, alt, _named, name, size, n_elements = _TARGET.unpack_from(blob, offset)
        if sig != b"Target":
            raise DfuseError(f"offset 0x{offset:x}: expected 'Target' signature, found {sig!r}")
        offset += _TARGET.size
        end = offset + size
        elements = []
        for _ in range(n_elements):
            address, length = _ELEMENT.unpack_from(blob, offset)
            offset += _ELEMENT.size
            if offset + length > end:
                raise DfuseError(f"offset 0x{offset:x}: element of {length} bytes runs past its target")
            elements.append(DfuseElement(address, bytes(blob[offset : offset + length])))
            offset += length
        if offset != end:
            raise DfuseError(f"offset 0x{offset:x}: target size field disagrees with its elements")
        targets[alt] = (name.rstrip(b"\0").decode("ascii", "replace"), elements)
    return DfuseFile(vid, pid, device, targets)
