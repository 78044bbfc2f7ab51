"""Which parts of a flat firmware image are written: the ELF's loaded ranges, never the /flash sectors in between."""

from __future__ import annotations

from pathlib import Path


class SegmentError(ValueError):
    """A loaded range lies in the /flash sectors, or outside the flat image."""


def elf_load_ranges(elf_path: Path) -> list[tuple[int, int]]:
    """[start, end) load addresses of every PT_LOAD segment with file contents, sorted."""
    from elftools.elf.elffile import ELFFile

    with open(elf_path, "rb") as handle:
        return sorted((seg["p_paddr"], seg["p_paddr"] + seg["p_filesz"]) for seg in ELFFile(handle).iter_segments()
                      if seg["p_type"] == "PT_LOAD" and seg["p_filesz"])


def image_segments(binary: bytes, base: int, loads: list[tuple[int, int]],
                   keep_out: tuple[int, int] | None = None) -> list[tuple[int, bytes]]:
    """Splits `binary` (objcopy -O binary: the bytes from `base`, the lowest load address, to the highest end)
    into (address, data) segments. Load ranges merge (with the fill between them) unless `keep_out` (the /flash
    sectors) lies between them; a range inside `keep_out` is an error. Without a gap: one segment, the whole file."""
    if not loads:
        return [(base, binary)] if binary else []
    end_of_image = base + len(binary)
    merged: list[list[int]] = []
    for start, end in sorted(loads):
        if start < base or end > end_of_image:
            raise SegmentError(f"loaded range 0x{start:08x}..0x{end:08x} lies outside the flat image "
                               f"0x{base:08x}..0x{end_of_image:08x}")
        if keep_out is not None and start < keep_out[1] and keep_out[0] < end:
            raise SegmentError(f"loaded range 0x{start:08x}..0x{end:08x} overlaps the /flash sectors "
                               f"0x{keep_out[0]:08x}..0x{keep_out[1]:08x}")
        across = keep_out is not None and merged and merged[-1][1] <= keep_out[0] and keep_out[1] <= start
        if merged and not across:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if merged[0][0] != base or merged[-1][1] != end_of_image:
        raise SegmentError(f"the load ranges 0x{merged[0][0]:08x}..0x{merged[-1][1]:08x} do not span the flat image "
                           f"0x{base:08x}..0x{end_of_image:08x}")
    return [(start, binary[start - base : end - base]) for start, end in merged]
