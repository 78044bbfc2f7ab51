"""Firmware images split around /flash (512 KiB STM32s): which bytes of the flat image are written, and how a
flasher keeps the filesystem sectors (kiln/images/segments.py, kiln/flash/target.py)."""

from __future__ import annotations

import os

import pytest

from kiln.flash.image import Image, Segment
from kiln.images.segments import SegmentError, image_segments
from kiln.sim.targets import board_target

BASE = 0x08000000
FS = (0x08004000, 0x08010000)


def flat(vectors: bytes, code: bytes) -> bytes:
    """What objcopy -O binary --gap-fill 0xff gives for a vector table at BASE and code at 0x08010000."""
    return vectors + b"\xff" * (FS[1] - BASE - len(vectors)) + code


def test_ranges_merge_except_across_the_filesystem() -> None:
    vectors, head, code, data = os.urandom(0x200), os.urandom(0x1000), os.urandom(5000), os.urandom(48)
    binary = flat(vectors + head, code + b"\0" * 4 + data)
    loads = [(BASE, BASE + 0x200), (BASE + 0x200, BASE + 0x1200), (FS[1], FS[1] + 5000),
             (FS[1] + 5004, FS[1] + 5052)]
    assert image_segments(binary, BASE, loads, FS) == [(BASE, vectors + head), (FS[1], code + b"\0" * 4 + data)]
    # without a filesystem gap: the whole flat file, as before
    assert image_segments(binary, BASE, loads) == [(BASE, binary)]


def test_bad_ranges_are_refused() -> None:
    binary = flat(b"v" * 0x200, b"c" * 100)
    with pytest.raises(SegmentError, match="overlaps the /flash sectors 0x08004000..0x08010000"):
        image_segments(binary, BASE, [(BASE, BASE + 0x200), (FS[0] + 4, FS[0] + 8), (FS[1], FS[1] + 100)], FS)
    with pytest.raises(SegmentError, match="lies outside the flat image"):
        image_segments(binary, BASE, [(BASE, BASE + 0x200), (FS[1], FS[1] + 200)], FS)


def test_flasher_target_drops_only_erased_fill_over_the_filesystem() -> None:
    target = board_target("NUCLEO_F401RE")
    assert target.filesystem is not None and (target.filesystem.start, target.filesystem.end) == FS
    vectors, code = os.urandom(0x200), os.urandom(3000)
    kept = target.keep_filesystem(Image([Segment(BASE, flat(vectors, code))], kind="bin"))
    assert [(s.address, s.data) for s in kept.segments] == [(BASE, vectors + b"\xff" * (FS[0] - BASE - 0x200)),
                                                            (FS[1], code)]
    assert any("kept" in note for note in kept.notes)
    files = os.urandom(FS[1] - FS[0])
    written = target.keep_filesystem(Image([Segment(FS[0], files)], kind="bin"))
    assert [(s.address, s.data) for s in written.segments] == [(FS[0], files)]
    assert any("replaced" in note for note in written.notes)
    # boards with /flash at the top and images that do not reach it are left as they are
    top = board_target("NETDUINO_PLUS_2")
    image = Image([Segment(BASE, os.urandom(1000))], kind="bin")
    assert top.keep_filesystem(image) is image
