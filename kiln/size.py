"""Size report of a linked ELF per memory region, checked against the board's limits."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kiln.boards import Region


@dataclass
class RegionUse:
    name: str
    used: int
    length: int

    @property
    def overflow(self) -> int:
        return max(0, self.used - self.length)


@dataclass
class SizeReport:
    text: int
    data: int
    bss: int
    regions: list[RegionUse]

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "data": self.data, "bss": self.bss,
                           "regions": [asdict(r) for r in self.regions]}, indent=2, sort_keys=True)

    def format(self, build_id: str) -> str:
        lines = [f"{build_id}: text {self.text} data {self.data} bss {self.bss}"]
        for r in self.regions:
            percent = 100.0 * r.used / r.length if r.length else 0.0
            lines.append(f"  {r.name:<8} {r.used:>9} / {r.length:>9} bytes ({percent:5.1f}%)")
        return "\n".join(lines)

    def errors(self, build_id: str) -> list[str]:
        return [f"error: {build_id}: region {r.name} overflowed by {r.overflow} bytes "
                f"({r.used} used of {r.length}); make the image smaller or pick a board with more memory"
                for r in self.regions if r.overflow]


def _region_of(regions: list[Region], address: int) -> Region | None:
    return next((r for r in regions if r.origin <= address < r.end), None)


def measure(elf_path: Path, regions: list[Region]) -> SizeReport:
    """text/data/bss by section flags; region use from the PT_LOAD segments (file bytes at their
    load address, memory bytes at their run address)."""
    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile

    text = data = bss = 0
    used = {r.name: 0 for r in regions}
    with open(elf_path, "rb") as handle:
        elf = ELFFile(handle)
        for section in elf.iter_sections():
            flags = section["sh_flags"]
            if not flags & SH_FLAGS.SHF_ALLOC or section["sh_size"] == 0:
                continue
            if section["sh_type"] == "SHT_NOBITS":
                bss += section["sh_size"]
            elif flags & SH_FLAGS.SHF_WRITE:
                data += section["sh_size"]
            else:
                text += section["sh_size"]
        for segment in elf.iter_segments():
            if segment["p_type"] != "PT_LOAD":
                continue
            load = _region_of(regions, segment["p_paddr"])
            run = _region_of(regions, segment["p_vaddr"])
            if load is not None and segment["p_filesz"]:
                used[load.name] += segment["p_filesz"]
            if run is not None and run is not load:
                used[run.name] += segment["p_memsz"]
            elif run is not None and segment["p_memsz"] > segment["p_filesz"]:
                used[run.name] += segment["p_memsz"] - segment["p_filesz"]
    return SizeReport(text, data, bss, [RegionUse(r.name, used[r.name], r.length) for r in regions])
