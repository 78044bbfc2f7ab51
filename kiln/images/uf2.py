"""UF2 files: 512-byte blocks carrying 256-byte payloads for a target address and chip family."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC_START0 = 0x0A324655
MAGIC_START1 = 0x9E5D5157
MAGIC_END = 0x0AB16F30
FLAG_FAMILY_ID = 0x00002000
FLAG_NOT_MAIN_FLASH = 0x00000001
BLOCK_SIZE = 512
PAYLOAD_SIZE = 256
_HEADER = struct.Struct("<8I")


class Uf2Error(ValueError):
    """A UF2 file is malformed; the message names the block and what is wrong."""


@dataclass(frozen=True)
class Uf2Block:
    index: int
    count: int
    address: int
    payload: bytes
    family_id: int | None
    flags: int


def write_uf2(data: bytes, base_addr: int, family_id: int) -> bytes:
    """Splits `data` (to be placed at `base_addr`) into UF2 blocks; the last payload is 0xFF-padded."""
    if base_addr % PAYLOAD_SIZE:
        raise Uf2Error(f"base address 0x{base_addr:08x} is not {PAYLOAD_SIZE}-byte aligned")
    chunks = [data[i : i + PAYLOAD_SIZE] for i in range(0, len(data), PAYLOAD_SIZE)]
    out = bytearray()
    for index, chunk in enumerate(chunks):
        payload = chunk.ljust(PAYLOAD_SIZE, b"\xff")
        header = _HEADER.pack(
            MAGIC_START0, MAGIC_START1, FLAG_FAMILY_ID, base_addr + index * PAYLOAD_SIZE,
            PAYLOAD_SIZE, index, len(chunks), family_id,
        )
        block = header + payload.ljust(476, b"\x00") + struct.pack("<I", MAGIC_END)
        assert len(block) == BLOCK_SIZE
        out += block
    return bytes(out)


def read_uf2(blob: bytes) -> list[Uf2Block]:
    """Parses and checks every block (magic, sizes, numbering); raises Uf2Error naming the block."""
    if len(blob) == 0 or len(blob) % BLOCK_SIZE:
        raise Uf2Error(f"UF2 size {len(blob)} is not a non-zero multiple of {BLOCK_SIZE} bytes")
    blocks = []
    total = len(blob) // BLOCK_SIZE
    for index in range(total):
        raw = blob[index * BLOCK_SIZE : (index + 1) * BLOCK_SIZE]
        m0, m1, flags, address, size, number, count, family = _HEADER.unpack_from(raw)
        (end,) = struct.unpack_from("<I", raw, BLOCK_SIZE - 4)
        where = f"block {index} (file offset 0x{index * BLOCK_SIZE:x})"
        if (m0, m1, end) != (MAGIC_START0, MAGIC_START1, MAGIC_END):
            raise Uf2Error(f"{where}: bad magic; the file is corrupt or not UF2")
        if size > 476:
            raise Uf2Error(f"{where}: payload size {size} exceeds 476 bytes")
        if number != index or count != total:
            raise Uf2Error(f"{where}: numbered {number}/{count}, expected {index}/{total}; blocks are missing or reordered")
        blocks.append(Uf2Block(number, count, address, bytes(raw[32 : 32 + size]),
                               family if flags & FLAG_FAMILY_ID else None, flags))
    return blocks


def uf2_to_bin(blob: bytes, family_id: int | None = None) -> tuple[int, bytes]:
    """(base address, contiguous image) of a UF2; gaps are 0xFF. Checks the family id when given."""
    blocks = [b for b in read_uf2(blob) if not b.flags & FLAG_NOT_MAIN_FLASH]
    if family_id is not None:
        for block in blocks:
            if block.family_id != family_id:
                found = "none" if block.family_id is None else f"0x{block.family_id:08x}"
                raise Uf2Error(f"block {block.index}: family id {found}, expected 0x{family_id:08x}; "
                               "this image is for another chip")
    base = min(b.address for b in blocks)
    end = max(b.address + len(b.payload) for b in blocks)
    image = bytearray(b"\xff" * (end - base))
    for block in blocks:
        image[block.address - base : block.address - base + len(block.payload)] = block.payload
    return base, bytes(image)
