"""Runs the RP2040 port's compiled C in unicorn against the models in rp2_models.py.

`link_harness()` compiles every ports/rp2 C file plus a test harness with the board's rendered linker
script (the same flags as the SConscript), so RAM-resident functions land in .data exactly as in the
firmware. `Rp2Machine` maps ROM, XIP flash (a cached view of the flash model, refreshed only when the
firmware flushes the XIP cache), SRAM and the modelled peripherals, copies .data like the reset handler
does, runs boot2 like the bootrom, and calls functions by symbol. Every instruction fetched and every
word read through XIP is checked against the flash path's state: the run stops at the first access
that could not work on silicon.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.support.rp2_models import IO_QSPI_SS_CTRL, QspiBus, SimClock, SpiNor

ROOT = Path(__file__).resolve().parent.parent.parent
PORT = ROOT / "ports" / "rp2"
CACHE = ROOT / "build" / "tests" / "rp2_harness"

XIP_BASE, XIP_SIZE = 0x10000000, 0x1000000
XIP_CTRL_BASE, SSI_BASE = 0x14000000, 0x18000000
SRAM_BASE, SRAM_SIZE = 0x20000000, 0x42000
BOOT2_ADDR, STACK_TOP = 0x20041F00, 0x20042000
IO_QSPI_BASE, PADS_QSPI_BASE, TIMER_BASE, SIO_BASE = 0x40018000, 0x40020000, 0x40054000, 0xD0000000
PPB_SCS = 0xE000E000
RETURN_PAGE = 0x30000000  # not an RP2040 address: where called functions return to
RETURN_ADDR = RETURN_PAGE + 0x10
TIMERAWH, TIMERAWL = 0x24, 0x28

CFLAGS = ["-mcpu=cortex-m0plus", "-mthumb", "-std=c99", "-Wall", "-Wextra", "-Werror", "-Os", "-g",
          "-ffunction-sections", "-fdata-sections", "-fno-common", "--specs=picolibc.specs"]


class MachineError(AssertionError):
    """The code did something the modelled hardware would not allow, or did not return."""


def link_harness(gen_dir: Path, boot2_block_c: Path, harness_c: str, entry_points: Iterable[str], name: str,
                 extra_sources: Iterable[Path] = (), include_dirs: Iterable[Path] = ()) -> Path:
    """Links ports/rp2/*.c but mod_*.c (+ extra sources) + the harness (which provides kiln_main) into an ELF; cached
    by content."""
    extra, includes = sorted(extra_sources), list(include_dirs)
    # The drivers only: mod_*.c are the Python-facing modules, which need the interpreter core.
    sources = sorted(p for p in PORT.glob("*.c") if not p.name.startswith("mod_")) + extra
    linker = gen_dir / "linker.ld"
    digest = hashlib.sha256()
    headers = [h for d in [PORT, *includes] for h in sorted(d.glob("*.h"))]
    for path in [*sources, *headers, linker, boot2_block_c, gen_dir / "pins.c", gen_dir / "board_config.h",
                 gen_dir / "pins.h"]:
        digest.update(path.read_bytes())
    digest.update(harness_c.encode())
    digest.update(" ".join(entry_points).encode())
    out = CACHE / f"{name}-{digest.hexdigest()[:16]}"
    elf = out / "harness.elf"
    if elf.exists():
        return elf
    out.mkdir(parents=True, exist_ok=True)
    # Private file names, then an atomic rename: parallel test workers may link the same harness.
    source, tmp = out / f"harness-{os.getpid()}.c", out / f"harness-{os.getpid()}.elf"
    source.write_text(harness_c)
    command = ["arm-none-eabi-gcc", *CFLAGS, f"-I{ROOT / 'core'}", f"-I{PORT}", f"-I{gen_dir}",
               *(f"-I{d}" for d in includes), "-nostartfiles",
               "-T", str(linker), "-Wl,--gc-sections", *(f"-Wl,--undefined={e}" for e in entry_points),
               *map(str, sources), str(source), str(gen_dir / "pins.c"), str(boot2_block_c), "-o", str(tmp)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    source.unlink()
    if done.returncode != 0:
        raise MachineError(f"harness build failed:\n{done.stderr}")
    os.replace(tmp, elf)
    return elf


class Rp2Machine:
    """An RP2040 core 0 in unicorn with the QSPI flash path modelled (see module docstring)."""

    def __init__(self, elf: Path | None = None, *, flash_image: bytes = b"", nor: SpiNor | None = None,
                 rom: bytes = b"", timer_read_us: float = 0.1, busy_timer_read_us: float | None = None) -> None:
        from unicorn import UC_ARCH_ARM, UC_HOOK_CODE, UC_HOOK_MEM_READ, UC_MODE_MCLASS, UC_MODE_THUMB, Uc

        self.clock = SimClock()
        self.nor = nor or SpiNor(self.clock)
        self.nor.clock = self.clock
        self.bus = QspiBus(self.nor, self.clock)
        # Simulated time per TIMER read; a test of a stuck chip lets time run faster while it is busy
        # and deselected (between status polls, not within a command's own progress checks).
        self.timer_read_us = timer_read_us
        self.busy_timer_read_us = busy_timer_read_us if busy_timer_read_us is not None else timer_read_us
        self.flushes = 0
        self.symbols: dict[str, int] = {}
        self.xip_accesses = 0
        self._stop_reason: str | None = None
        self.uc = uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        uc.mem_map(0, 0x4000)
        uc.mem_map(XIP_BASE, XIP_SIZE)
        uc.mem_map(SRAM_BASE, SRAM_SIZE)
        uc.mem_map(RETURN_PAGE, 0x1000)
        uc.mem_map(PPB_SCS, 0x1000)
        uc.mem_write(RETURN_ADDR, b"\x00\xbe" * 4)  # bkpt: never executed, emu_start stops here
        if rom:
            uc.mem_write(0, rom)
        self._mmio(XIP_CTRL_BASE, 0x1000, self._xip_ctrl_read, self._xip_ctrl_write)
        self._mmio(SSI_BASE, 0x1000, lambda off: self.bus.ssi.read(off), lambda off, v: self.bus.ssi.write(off, v))
        self._mmio(IO_QSPI_BASE, 0x4000, self._io_qspi_read, self._io_qspi_write)
        self.pads_qspi: dict[int, int] = {}
        self._mmio(PADS_QSPI_BASE, 0x4000, lambda off: self.pads_qspi.get(off & 0xFFF, 0),
                   lambda off, v: self._pads_write(off, v))
        self._mmio(TIMER_BASE, 0x4000, self._timer_read, lambda off, v: None)
        self._mmio(SIO_BASE, 0x1000, self._sio_read, lambda off, v: None)
        uc.hook_add(UC_HOOK_CODE, self._on_xip_fetch, begin=XIP_BASE, end=XIP_BASE + XIP_SIZE - 1)
        uc.hook_add(UC_HOOK_MEM_READ, self._on_xip_read, begin=XIP_BASE, end=XIP_BASE + XIP_SIZE - 1)
        if flash_image:
            self.load_flash(flash_image)
        if elf is not None:
            self.load_elf(elf)

    # -- loading -------------------------------------------------------------------------------

    def load_flash(self, image: bytes, offset: int = 0) -> None:
        self.nor.memory[offset : offset + len(image)] = image
        self.uc.mem_write(XIP_BASE + offset, bytes(image))

    def load_elf(self, elf: Path) -> None:
        """Flash gets every loadable segment at its load address; .data is also copied to RAM."""
        from elftools.elf.elffile import ELFFile

        with open(elf, "rb") as handle:
            image = ELFFile(handle)
            for segment in image.iter_segments():
                if segment["p_type"] != "PT_LOAD" or not segment["p_filesz"]:
                    continue
                data = segment.data()
                if XIP_BASE <= segment["p_paddr"] < XIP_BASE + XIP_SIZE:
                    self.load_flash(data, segment["p_paddr"] - XIP_BASE)
                if SRAM_BASE <= segment["p_vaddr"] < SRAM_BASE + SRAM_SIZE:
                    self.uc.mem_write(segment["p_vaddr"], data)
            symtab: Any = image.get_section_by_name(".symtab")
            for symbol in symtab.iter_symbols():
                if symbol.name and symbol["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE"):
                    self.symbols[symbol.name] = symbol["st_value"]

    # -- running -------------------------------------------------------------------------------

    def run_boot2(self, at: int = BOOT2_ADDR, from_bootrom: bool = False) -> int:
        """Copies flash[0:256] to `at` and runs it like the bootrom (lr = 0: it then vectors into the app;
        returns the PC where the app's reset handler starts) or as a function (returns 0)."""
        self.uc.mem_write(at, bytes(self.nor.memory[:256]))
        if from_bootrom:
            reset = int.from_bytes(self.nor.memory[0x104:0x108], "little") & ~1
            self._run(at | 1, reset, lr=0)
            return reset
        self._run(at | 1, RETURN_ADDR, lr=RETURN_ADDR | 1)
        return 0

    def call(self, name: str, *args: int, count: int = 5_000_000) -> int:
        """Calls a function by symbol with up to four integer arguments; returns r0 (unsigned)."""
        from unicorn.arm_const import UC_ARM_REG_R0

        if name not in self.symbols:
            raise MachineError(f"no symbol {name} in the harness")
        self._run(self.symbols[name] | 1, RETURN_ADDR, lr=RETURN_ADDR | 1, args=args, count=count)
        return self.uc.reg_read(UC_ARM_REG_R0)

    def call_signed(self, name: str, *args: int, count: int = 5_000_000) -> int:
        value = self.call(name, *args, count=count)
        return value - (1 << 32) if value & 0x80000000 else value

    def _run(self, start: int, until: int, *, lr: int, args: Iterable[int] = (), count: int = 5_000_000) -> None:
        from unicorn import UcError
        from unicorn.arm_const import UC_ARM_REG_LR, UC_ARM_REG_PC, UC_ARM_REG_R0, UC_ARM_REG_SP

        for i, value in enumerate(args):
            self.uc.reg_write(UC_ARM_REG_R0 + i, value & 0xFFFFFFFF)
        self.uc.reg_write(UC_ARM_REG_SP, STACK_TOP)
        self.uc.reg_write(UC_ARM_REG_LR, lr)
        self._stop_reason = None
        first_violation = len(self.nor.violations)
        try:
            self.uc.emu_start(start, until, count=count)
        except UcError as error:
            pc = self.uc.reg_read(UC_ARM_REG_PC)
            raise MachineError(f"unicorn: {error} at pc=0x{pc:08x}") from None
        if self._stop_reason:
            raise MachineError(self._stop_reason)
        new = self.nor.violations[first_violation:]
        if new:
            raise MachineError("; ".join(new))
        pc = self.uc.reg_read(UC_ARM_REG_PC)
        if pc != until:
            raise MachineError(f"stopped at pc=0x{pc:08x} (not 0x{until:08x}) after {count} instructions")

    # -- memory helpers ------------------------------------------------------------------------

    def read(self, address: int, size: int) -> bytes:
        return bytes(self.uc.mem_read(address, size))

    def write(self, address: int, data: bytes) -> None:
        self.uc.mem_write(address, data)

    def xip_view(self, offset: int, size: int) -> bytes:
        """What the CPU reads through XIP (the cached view, stale until a flush)."""
        return self.read(XIP_BASE + offset, size)

    # -- XIP checks ----------------------------------------------------------------------------

    def _xip_check(self, address: int) -> None:
        self.xip_accesses += 1
        problem = self.bus.xip_problem()
        if problem and self._stop_reason is None:
            self._stop_reason = f"{problem} (access at 0x{address:08x})"
            self.uc.emu_stop()

    def _on_xip_fetch(self, uc: Any, address: int, size: int, user: Any) -> None:
        self._xip_check(address)

    def _on_xip_read(self, uc: Any, access: int, address: int, size: int, value: int, user: Any) -> None:
        self._xip_check(address)

    # -- peripherals ---------------------------------------------------------------------------

    def _mmio(self, base: int, size: int, read: Callable[[int], int], write: Callable[[int, int], None]) -> None:
        self.uc.mmio_map(base, size, lambda uc, offset, size_, user: read(offset) & 0xFFFFFFFF, None,
                         lambda uc, offset, size_, value, user: write(offset, value), None)

    def _xip_ctrl_read(self, offset: int) -> int:
        return 1 if offset == 0x08 else 0  # STAT.FLUSH_READY: flushes complete at once

    def _xip_ctrl_write(self, offset: int, value: int) -> None:
        if offset == 0x04 and value & 1:
            self.flushes += 1
            for start, length in self.nor.dirty:
                self.uc.mem_write(XIP_BASE + start, bytes(self.nor.memory[start : start + length]))
            self.nor.dirty.clear()

    def _io_qspi_read(self, offset: int) -> int:
        return self.bus.ss_ctrl if offset & 0xFFF == IO_QSPI_SS_CTRL else 0

    def _io_qspi_write(self, offset: int, value: int) -> None:
        alias, register = offset & 0x3000, offset & 0xFFF
        if register != IO_QSPI_SS_CTRL:
            return
        current = self.bus.ss_ctrl
        value = {0x0000: value, 0x1000: current ^ value, 0x2000: current | value, 0x3000: current & ~value}[alias]
        self.bus.set_ss_ctrl(value)

    def _pads_write(self, offset: int, value: int) -> None:
        register = offset & 0xFFF
        current = self.pads_qspi.get(register, 0)
        alias = offset & 0x3000
        self.pads_qspi[register] = {0x0000: value, 0x1000: current ^ value, 0x2000: current | value,
                                    0x3000: current & ~value}[alias]

    def _timer_read(self, offset: int) -> int:
        waiting = self.nor.busy and not self.bus.cs_low
        self.clock.advance(self.busy_timer_read_us if waiting else self.timer_read_us)
        now = int(self.clock.now_us)
        if offset & 0xFFF == TIMERAWL:
            return now & 0xFFFFFFFF
        if offset & 0xFFF == TIMERAWH:
            return now >> 32
        return 0

    def _sio_read(self, offset: int) -> int:
        return self.bus.ss_input() << 1 if offset == 0x08 else 0
