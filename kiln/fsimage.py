"""Filesystem images in Kiln's kfs format (core/fs, docs/kfs.md): build one from a directory tree, read one back.

    python -m kiln.fsimage build SRC_DIR IMAGE --block-size 4096 --block-count 16
    python -m kiln.fsimage ls IMAGE --block-size 4096 --block-count 16

An image is what the device holds: `block_count` blocks of `block_size` bytes, unused ones erased (0xFF). The
writer lays everything out the way a compaction in core/fs/kfs_meta.c would: one metadata block (block 0, its
partner block 1) with a single commit holding every entry, small files inline, larger ones in data blocks from
block 2 on. The reader accepts anything core/fs writes (several commits, a torn last commit, a moved pair).
"""

from __future__ import annotations

import argparse
import struct
import sys
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = 0x3173666B  # "kfs1"
DATA_MAGIC = 0x6473666B  # "kfsd"
VERSION = 1
HEADER = 28
TAG_ENTRY, TAG_INLINE, TAG_BLOCKS, TAG_DELETE, TAG_CRC = 0x01, 0x02, 0x03, 0x04, 0x0F
TYPE_FILE, TYPE_DIR = 1, 2
NONE = 0xFFFFFFFF
ROOT = 0

Tree = Mapping[str, "bytes | None"]  # "/dir/file" -> content; None for a directory


class ImageError(ValueError):
    """The files do not fit the geometry, or an image is not a kfs filesystem."""


@dataclass(frozen=True)
class Geometry:
    block_size: int = 4096
    block_count: int = 16
    prog_size: int = 4
    inline_max: int = 256  # must not exceed the mounting firmware's cache size
    name_max: int = 64

    def check(self) -> None:
        if self.block_size < 512 or self.block_count < 2:
            raise ImageError("kfs needs blocks of at least 512 bytes and at least 2 of them")
        if self.prog_size & (self.prog_size - 1) or not 1 <= self.prog_size <= 64 or self.block_size % self.prog_size:
            raise ImageError(f"prog size {self.prog_size} must be a power of two <= 64 dividing the block size")
        if not 0 < self.name_max <= 255:
            raise ImageError("name_max must be 1..255")
        if not 0 <= self.inline_max <= min(0xFFFF, self.payload):
            raise ImageError(f"inline_max must be at most {min(0xFFFF, self.payload)}")

    @property
    def data_off(self) -> int:
        return align(4, self.prog_size)

    @property
    def payload(self) -> int:
        return self.block_size - self.data_off

    @property
    def max_file_blocks(self) -> int:
        return min(16381, (self.block_size // 2 - 64) // 4)


def align(value: int, to: int) -> int:
    return (value + to - 1) // to * to


def tag(kind: int, payload: bytes) -> bytes:
    return struct.pack("<BBH", kind, 0, len(payload)) + payload


def header(geometry: Geometry, rev: int, partner: int) -> bytes:
    return struct.pack("<IIIIIHBBI", MAGIC, rev, partner, geometry.block_size, geometry.block_count,
                       geometry.inline_max, geometry.name_max, VERSION, geometry.data_off)


def finish_commit(body: bytes, prog_size: int) -> bytes:
    """Appends the CRC tag (covering the commit and its own header) and padding to the program size."""
    pad = align(len(body) + 8, prog_size) - (len(body) + 8)
    crc_header = struct.pack("<BBH", TAG_CRC, 0, 4 + pad)
    crc = zlib.crc32(body + crc_header)
    return body + crc_header + struct.pack("<I", crc) + b"\xff" * pad


def normalise(tree: Tree) -> dict[str, bytes | None]:
    """Absolute, '/'-separated paths with every parent directory present."""
    out: dict[str, bytes | None] = {}
    for raw, content in tree.items():
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            raise ImageError(f"bad path {raw!r}")
        for i in range(1, len(parts)):
            parent = "/" + "/".join(parts[:i])
            if out.get(parent, None) is not None:
                raise ImageError(f"{parent} is both a file and a directory")
            out[parent] = None
        path = "/" + "/".join(parts)
        if path in out and (out[path] is None) != (content is None):
            raise ImageError(f"{path} is both a file and a directory")
        out[path] = content
    return out


def build_image(tree: Tree, geometry: Geometry | None = None) -> bytes:
    """The device image holding `tree`. Raises ImageError when it does not fit."""
    geometry = geometry or Geometry()
    geometry.check()
    items = normalise(tree)
    image = bytearray(b"\xff" * (geometry.block_size * geometry.block_count))
    ids: dict[str, int] = {"/": ROOT}
    body = bytearray(header(geometry, 1, 1))
    next_block = 2
    # parents before children; siblings in name order (the order listing returns: creation order)
    for path in sorted(items, key=lambda p: (p.count("/"), p)):
        content = items[path]
        parent, name = path.rsplit("/", 1)
        name_bytes = name.encode()
        if len(name_bytes) > geometry.name_max:
            raise ImageError(f"{path}: name longer than {geometry.name_max} bytes")
        ids[path] = len(ids)
        kind = TYPE_DIR if content is None else TYPE_FILE
        body += tag(TAG_ENTRY, struct.pack("<IIB", ids[path], ids[parent or "/"], kind) + name_bytes)
        if content is None or len(content) == 0:
            continue
        if len(content) <= geometry.inline_max:
            body += tag(TAG_INLINE, struct.pack("<I", ids[path]) + content)
            continue
        count = -(-len(content) // geometry.payload)
        if count > geometry.max_file_blocks:
            raise ImageError(f"{path}: {len(content)} bytes is more than a file can hold at this block size")
        blocks = []
        for i in range(count):
            if next_block >= geometry.block_count:
                raise ImageError(f"out of blocks at {path}: {geometry.block_count} blocks are not enough")
            start = next_block * geometry.block_size
            chunk = content[i * geometry.payload:(i + 1) * geometry.payload]
            image[start:start + 4] = struct.pack("<I", DATA_MAGIC)
            image[start + geometry.data_off:start + geometry.data_off + len(chunk)] = chunk
            blocks.append(next_block)
            next_block += 1
        body += tag(TAG_BLOCKS, struct.pack(f"<II{count}I", ids[path], len(content), *blocks))
    commit = finish_commit(bytes(body), geometry.prog_size)
    # core/fs keeps the last commit-sized bytes of a block for deletions: leave them free here too.
    reserve = align(4 + 4 + 8, geometry.prog_size)
    if len(commit) + reserve > geometry.block_size:
        raise ImageError(f"metadata ({len(commit)} bytes: names, inline files, block lists) does not fit one "
                         f"{geometry.block_size}-byte block; use bigger blocks or a smaller inline_max")
    image[:len(commit)] = commit
    return bytes(image)


# ---- reading ---------------------------------------------------------------------------------------------

@dataclass
class _Entry:
    parent: int
    kind: int
    name: bytes
    data: tuple[str, bytes | list[int], int] | None = None  # ("inline", bytes, size) / ("blocks", list, size)


@dataclass
class _Log:
    entries: dict[int, _Entry] = field(default_factory=dict)


def _parse_block(block: bytes, geometry: Geometry, name_max: int, inline_max: int) -> _Log | None:
    """Replays every valid commit of a metadata block; None when it has none."""
    log = _Log()
    off = 0
    commits = 0
    while True:
        start = off
        at = HEADER if start == 0 else start
        tags: list[tuple[int, bytes]] = []
        valid = False
        while at + 4 <= len(block):
            kind, zero, length = struct.unpack_from("<BBH", block, at)
            if kind == 0xFF or zero or at + 4 + length > len(block):
                break
            payload = block[at + 4:at + 4 + length]
            if kind == TAG_CRC:
                valid = length >= 4 and struct.unpack_from("<I", payload)[0] == zlib.crc32(block[start:at + 4])
                at += 4 + length
                break
            lengths_ok = {TAG_ENTRY: 9 < length <= 9 + name_max, TAG_INLINE: 4 <= length <= 4 + inline_max,
                          TAG_BLOCKS: length >= 8 and (length - 8) % 4 == 0, TAG_DELETE: length == 4}
            if not lengths_ok.get(kind, False):
                break
            tags.append((kind, payload))
            at += 4 + length
        if not valid:
            break
        commits += 1
        for kind, payload in tags:
            (ident,) = struct.unpack_from("<I", payload)
            if kind == TAG_ENTRY:
                parent, node = struct.unpack_from("<IB", payload, 4)
                old = log.entries.get(ident)
                log.entries[ident] = _Entry(parent, node, payload[9:], old.data if old else None)
            elif kind == TAG_INLINE and ident in log.entries:
                log.entries[ident].data = ("inline", payload[4:], len(payload) - 4)
            elif kind == TAG_BLOCKS and ident in log.entries:
                size = struct.unpack_from("<I", payload, 4)[0]
                blocks = list(struct.unpack_from(f"<{(len(payload) - 8) // 4}I", payload, 8))
                log.entries[ident].data = ("blocks", blocks, size)
            elif kind == TAG_DELETE:
                log.entries.pop(ident, None)
        off = at
    return log if commits else None


def read_image(image: bytes, block_size: int, block_count: int) -> dict[str, bytes | None]:
    """Every directory (None) and file (content) in a kfs image, by absolute path."""
    if len(image) < block_size * block_count:
        raise ImageError(f"image has {len(image)} bytes, the geometry needs {block_size * block_count}")
    candidates = []
    for b in range(block_count):
        block = image[b * block_size:(b + 1) * block_size]
        fields = struct.unpack_from("<IIIIIHBBI", block)
        magic, rev, partner, size, count, inline_max, name_max, version, data_off = fields
        if magic == MAGIC and size == block_size and count == block_count and version == VERSION and partner != b:
            candidates.append((rev, b, inline_max, name_max, data_off))
    geometry = Geometry(block_size, block_count)
    found: tuple[_Log, int] | None = None
    for _rev, b, inline_max, name_max, offset in sorted(candidates, reverse=True):
        parsed = _parse_block(image[b * block_size:(b + 1) * block_size], geometry, name_max, inline_max)
        if parsed is not None:
            found = (parsed, offset)
            break
    if found is None:
        raise ImageError("no valid kfs metadata block in the image")
    log, data_off = found
    paths: dict[int, str] = {ROOT: ""}

    def path_of(ident: int, depth: int = 0) -> str:
        if ident in paths:
            return paths[ident]
        entry = log.entries[ident]
        if depth > 64 or entry.parent not in log.entries and entry.parent != ROOT:
            raise ImageError(f"entry {ident} has no parent")
        paths[ident] = path_of(entry.parent, depth + 1) + "/" + entry.name.decode(errors="replace")
        return paths[ident]

    tree: dict[str, bytes | None] = {}
    for ident, entry in sorted(log.entries.items()):
        path = path_of(ident)
        if entry.kind == TYPE_DIR:
            tree[path] = None
        elif entry.data is None:
            tree[path] = b""
        elif entry.data[0] == "inline":
            tree[path] = bytes(entry.data[1])  # type: ignore[arg-type]
        else:
            _, blocks, size = entry.data
            payload = block_size - data_off
            content = bytearray()
            for block in blocks:  # type: ignore[union-attr]
                if block == NONE:
                    content += bytes(payload)
                else:
                    start = block * block_size + data_off
                    content += image[start:start + payload]
            tree[path] = bytes(content[:size])
    return tree


def tree_from_directory(source: Path) -> dict[str, bytes | None]:
    """A directory on the host as a tree (symlinks followed, hidden files included)."""
    tree: dict[str, bytes | None] = {}
    for path in sorted(source.rglob("*")):
        rel = "/" + path.relative_to(source).as_posix()
        tree[rel] = None if path.is_dir() else path.read_bytes()
    return tree


# ---- command line ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiln.fsimage", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "ls"):
        p = sub.add_parser(name)
        if name == "build":
            p.add_argument("source", type=Path, help="directory whose contents become the filesystem root")
        p.add_argument("image", type=Path)
        p.add_argument("--block-size", type=int, default=4096)
        p.add_argument("--block-count", type=int, default=16)
        if name == "build":
            p.add_argument("--prog-size", type=int, default=4)
            p.add_argument("--inline-max", type=int, default=256)
            p.add_argument("--name-max", type=int, default=64)
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            geometry = Geometry(args.block_size, args.block_count, args.prog_size, args.inline_max, args.name_max)
            data = build_image(tree_from_directory(args.source), geometry)
            args.image.write_bytes(data)
            print(f"{args.image}: {args.block_count} x {args.block_size} bytes")
        else:
            tree = read_image(args.image.read_bytes(), args.block_size, args.block_count)
            for path, content in tree.items():
                print(f"{'dir ' if content is None else f'{len(content):>8}'}  {path}")
    except (ImageError, OSError) as error:
        print(f"fsimage: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
