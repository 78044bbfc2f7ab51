"""Runs compiled STM32 firmware code in unicorn (Cortex-M, Thumb) against Python models of the peripherals.

A `Machine` loads an ELF that holds every driver (`link_driver_elf` relinks a board's objects without
--gc-sections), runs the reset path to `kiln_main` so .data/.bss and the clocks are set up, and then calls C
functions by name with integer/pointer arguments. Every peripheral access goes through `Bus`, which logs it
(address, width, value) and hands it to the model that owns the address (`stm32_models.py`).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_HOOK_CODE, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, UcError
from unicorn import arm_const as arm

from kiln.boards import Board
from kiln.build import build_dir
from kiln.toolchains import for_core

PERIPH_BASE, PERIPH_SIZE = 0x40000000, 0x80000  # APB1, APB2, AHB1 (RCC, flash interface, GPIO)
SCS_BASE, SCS_SIZE = 0xE000E000, 0x1000
TRAP = 0x30000000  # functions called from Python return here
STUB_BASE, STUB_SLOTS = 0x30001000, 64  # recording stand-ins for C callbacks
SCRATCH_SIZE = 0x8000  # below the stack, for arguments the tests pass by pointer


class Model(Protocol):
    """A peripheral: reads and writes at offsets from its base."""

    def read(self, offset: int, size: int) -> int: ...

    def write(self, offset: int, size: int, value: int) -> None: ...


@dataclass
class Access:
    kind: str  # "r" or "w"
    address: int
    size: int
    value: int


@dataclass
class Bus:
    """Address decoding for the MMIO windows: the model with the highest base at or below the address."""

    models: list[tuple[int, int, Model]] = field(default_factory=list)
    log: list[Access] = field(default_factory=list)
    unmapped: list[Access] = field(default_factory=list)

    def add(self, base: int, size: int, model: Model) -> None:
        self.models.append((base, size, model))
        self.models.sort(key=lambda entry: -entry[0])

    def find(self, address: int) -> tuple[int, Model] | None:
        for base, size, model in self.models:
            if base <= address < base + size:
                return base, model
        return None

    def read(self, address: int, size: int) -> int:
        found = self.find(address)
        value = found[1].read(address - found[0], size) & ((1 << (8 * size)) - 1) if found else 0
        access = Access("r", address, size, value)
        self.log.append(access)
        if not found:
            self.unmapped.append(access)
        return value

    def write(self, address: int, size: int, value: int) -> None:
        access = Access("w", address, size, value)
        self.log.append(access)
        found = self.find(address)
        if found:
            found[1].write(address - found[0], size, value)
        else:
            self.unmapped.append(access)

    def writes(self, address: int) -> list[int]:
        return [a.value for a in self.log if a.kind == "w" and a.address == address]

    def clear_log(self) -> None:
        self.log.clear()


def link_driver_elf(board: Board, out: Path, ldscript: Path | None = None) -> Path:
    """Links every object of a built board (firmware, drivers, core/fs) into one ELF without --gc-sections,
    so each driver function is present to be called. The objects are the build's own; the linker script the
    build's unless `ldscript` names another."""
    build = build_dir(board)
    root = build_dir(board).parent.parent
    port = root / "ports" / board.port
    # The objects of today's sources (a build directory may still hold objects of deleted files).
    sources = sorted(port.glob("*.c")) + sorted(port.glob("*.S")) + sorted((port / "drivers").glob("*.c"))
    objects = [str(build / "obj" / src.relative_to(port).with_suffix(".o")) for src in sources]
    manifest = (root / "core" / "sources.txt").read_text().splitlines()
    core = [line.strip() for line in manifest if line.strip() and not line.startswith("#")]
    objects += [str(build / "core" / Path(name).with_suffix(".o").name) for name in core]
    objects += [str(build / "fs" / src.with_suffix(".o").name) for src in sorted((root / "core" / "fs").glob("*.c"))]
    objects.append(str(build / "core" / "mod_os_kfs.o"))  # the shared `_os` module (ports' mod_os.c call it)
    objects += [str(build / "gen" / "pins.o"), str(build / "gen" / "board_info.o")]
    toolchain = for_core(board.mcu["core"])
    gcc = toolchain.tool("gcc")
    if shutil.which(gcc) is None and not Path(gcc).exists():
        raise RuntimeError(f"{gcc} not found")
    cmd = [gcc, *toolchain.cpu_flags, "--specs=picolibc.specs", "-nostartfiles", "-Wl,--no-gc-sections", "-T",
           str(ldscript or build / "gen" / "linker.ld"), "-o", str(out), *objects]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"link failed: {' '.join(cmd)}\n{result.stderr}")
    return out


class CallError(RuntimeError):
    """The called function did not return (fault, unmapped access, instruction limit)."""


class Machine:
    """One Cortex-M core running a linked ELF with modelled peripherals."""

    def __init__(self, elf: Path, flash_base: int = 0x08000000, flash_size: int = 0x200000,
                 ram_base: int = 0x20000000, ram_size: int = 0x80000) -> None:
        self.elf_path = elf
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.bus = Bus()
        self.scs_bus = Bus()
        self.symbols: dict[str, int] = {}
        self.sizes: dict[str, int] = {}
        self.flash_base, self.flash_size = flash_base, flash_size
        self.ram_base, self.ram_size = ram_base, ram_size
        self.stub_calls: dict[int, list[tuple[int, int, int, int]]] = {}
        self._next_stub = 0
        self._mapped: list[tuple[int, int]] = []
        self._load()
        self.uc.mmio_map(PERIPH_BASE, PERIPH_SIZE, self._periph_read, None, self._periph_write, None)
        self.uc.mmio_map(SCS_BASE, SCS_SIZE, self._scs_read, None, self._scs_write, None)
        self.uc.mem_map(TRAP, 0x2000)  # the trap page, then the stub page
        self.uc.mem_write(TRAP, b"\x00\xbf" * 8)  # nops: emu_start stops on arrival
        self.uc.mem_write(STUB_BASE, b"\x70\x47" * STUB_SLOTS)  # bx lr
        self.uc.hook_add(UC_HOOK_CODE, self._stub_hook, None, STUB_BASE, STUB_BASE + 2 * STUB_SLOTS)
        stack_top = self.symbols["__kiln_stack_top"]
        self.scratch = stack_top - self.symbols["__kiln_stack_size"] - SCRATCH_SIZE
        self._scratch_next = self.scratch

    # ---- loading and memory ------------------------------------------------------------------------

    def _load(self) -> None:
        with open(self.elf_path, "rb") as handle:
            image = ELFFile(handle)
            symtab: Any = image.get_section_by_name(".symtab")
            for sym in symtab.iter_symbols():
                if sym.name and sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE"):
                    self.symbols.setdefault(sym.name, sym["st_value"])
                    self.sizes.setdefault(sym.name, sym["st_size"])
            self.image_end = self.flash_base
            segments = [(s["p_paddr"], s.data()) for s in image.iter_segments()
                        if s["p_type"] == "PT_LOAD" and s["p_filesz"]]
        for address, data in segments:
            if self.flash_base <= address < self.flash_base + self.flash_size:
                self.image_end = max(self.image_end, address + len(data))
        self.code_end = (self.image_end + 0xFFFF) & ~0xFFFF  # flash up to here is plain memory
        # /flash sectors inside the image (512 KiB parts: sectors 1..3 between the vector table and the code)
        # are left to a flash model (stm32_machine), like the flash above the image.
        fs_start, fs_end = self.symbols.get("__kiln_fs_start", 0), self.symbols.get("__kiln_fs_end", 0)
        self.flash_hole = (fs_start, fs_end) if self.flash_base < fs_start < fs_end < self.image_end else None
        if self.flash_hole:
            self.map_memory(self.flash_base, fs_start - self.flash_base)
            self.map_memory(fs_end, self.code_end - fs_end)
        else:
            self.map_memory(self.flash_base, self.code_end - self.flash_base)
        self.map_memory(self.ram_base, self.ram_size)
        for address, data in segments:
            self.uc.mem_write(address, data)

    def map_memory(self, base: int, size: int) -> None:
        self.uc.mem_map(base, size)
        self._mapped.append((base, size))

    def map_mmio(self, base: int, size: int, model: Model) -> None:
        """Memory served by a model (e.g. flash sectors whose writes the flash interface controls)."""

        def read(_uc: Uc, offset: int, width: int, _data: object) -> int:
            return model.read(offset, width) & ((1 << (8 * width)) - 1)

        def write(_uc: Uc, offset: int, width: int, value: int, _data: object) -> None:
            model.write(offset, width, value)

        self.uc.mmio_map(base, size, read, None, write, None)

    def read(self, address: int, size: int) -> bytes:
        return bytes(self.uc.mem_read(address, size))

    def write(self, address: int, data: bytes) -> None:
        self.uc.mem_write(address, data)

    def u32(self, address: int) -> int:
        return int.from_bytes(self.read(address, 4), "little")

    def set_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def alloc(self, size: int, data: bytes | None = None) -> int:
        """Scratch RAM for arguments passed by pointer (zeroed, 8-byte aligned)."""
        address = (self._scratch_next + 7) & ~7
        self._scratch_next = address + size
        if self._scratch_next > self.scratch + SCRATCH_SIZE:
            raise MemoryError("scratch area exhausted; call free_all()")
        self.write(address, data if data is not None else bytes(size))
        return address

    def free_all(self) -> None:
        self._scratch_next = self.scratch

    def stub(self) -> int:
        """A function address C code may call back; calls are recorded in stub_calls[address]."""
        address = STUB_BASE + 2 * self._next_stub
        self._next_stub += 1
        self.stub_calls[address] = []
        return address | 1

    def _stub_hook(self, uc: Uc, address: int, _size: int, _data: object) -> None:
        if address in self.stub_calls:
            regs = (arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3)
            self.stub_calls[address].append(tuple(uc.reg_read(r) for r in regs))  # type: ignore[arg-type]

    # ---- MMIO ----------------------------------------------------------------------------------------

    def _periph_read(self, _uc: Uc, offset: int, size: int, _data: object) -> int:
        return self.bus.read(PERIPH_BASE + offset, size)

    def _periph_write(self, _uc: Uc, offset: int, size: int, value: int, _data: object) -> None:
        self.bus.write(PERIPH_BASE + offset, size, value)

    def _scs_read(self, _uc: Uc, offset: int, size: int, _data: object) -> int:
        return self.scs_bus.read(SCS_BASE + offset, size)

    def _scs_write(self, _uc: Uc, offset: int, size: int, value: int, _data: object) -> None:
        self.scs_bus.write(SCS_BASE + offset, size, value)

    # ---- running -------------------------------------------------------------------------------------

    def boot(self, stop_symbol: str = "kiln_main", limit: int = 3_000_000) -> None:
        """Runs Reset_Handler until `stop_symbol` (by default: hal_init done, the core about to start)."""
        vectors = self.read(self.flash_base, 8)
        self.uc.reg_write(arm.UC_ARM_REG_SP, int.from_bytes(vectors[:4], "little"))
        stop = self.symbols[stop_symbol] & ~1
        self.uc.emu_start(int.from_bytes(vectors[4:], "little"), stop, count=limit)
        if self.uc.reg_read(arm.UC_ARM_REG_PC) != stop:
            raise CallError(f"boot did not reach {stop_symbol} (pc 0x{self.uc.reg_read(arm.UC_ARM_REG_PC):08x})")

    def call(self, name: str, *args: int, limit: int = 5_000_000) -> int:
        """Calls C function `name` (AAPCS: r0-r3, then the stack) and returns r0 as a signed int."""
        address = self.symbols[name] & ~1
        sp = (self.scratch + SCRATCH_SIZE + 0x3000) & ~7  # well inside the stack region
        stacked = [a & 0xFFFFFFFF for a in args[4:]]
        sp -= 4 * len(stacked)
        sp &= ~7
        for i, value in enumerate(stacked):
            self.set_u32(sp + 4 * i, value)
        for reg, value in zip((arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3),
                              args[:4], strict=False):
            self.uc.reg_write(reg, value & 0xFFFFFFFF)
        self.uc.reg_write(arm.UC_ARM_REG_SP, sp)
        self.uc.reg_write(arm.UC_ARM_REG_LR, TRAP | 1)
        try:
            self.uc.emu_start(address | 1, TRAP, count=limit)
        except UcError as error:
            pc = self.uc.reg_read(arm.UC_ARM_REG_PC)
            raise CallError(f"{name}: {error} at pc 0x{pc:08x} ({self.symbol_at(pc)})") from None
        pc = self.uc.reg_read(arm.UC_ARM_REG_PC)
        if pc != TRAP:
            raise CallError(f"{name} did not return within {limit} instructions (pc 0x{pc:08x}, {self.symbol_at(pc)})")
        result = self.uc.reg_read(arm.UC_ARM_REG_R0)
        return result - (1 << 32) if result & 0x80000000 else result

    def run_until(self, name: str, stop: int, *args: int, limit: int = 2_000_000) -> None:
        """Calls a function that never returns and stops when it reaches address `stop`."""
        address = self.symbols[name] & ~1
        for reg, value in zip((arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3),
                              args, strict=False):
            self.uc.reg_write(reg, value)
        self.uc.reg_write(arm.UC_ARM_REG_SP, (self.scratch + SCRATCH_SIZE + 0x3000) & ~7)
        self.uc.emu_start(address | 1, stop & ~1, count=limit)

    def reg(self, register: int) -> int:
        return self.uc.reg_read(register)

    def symbol_at(self, pc: int) -> str:
        best = ("?", -1)
        for name, value in self.symbols.items():
            start = value & ~1
            if start <= pc < start + max(self.sizes.get(name, 0), 1) and start > best[1]:
                best = (name, start)
        return best[0]


def pack(*fields: tuple[str, int]) -> bytes:
    """Little-endian C struct bytes from (format, value) pairs: 'I' u32, 'H' u16, 'B' u8, 'b' s8, 'x' pad."""
    import struct

    out = b""
    for fmt, value in fields:
        out += struct.pack("<" + fmt, value) if fmt != "x" else bytes(value)
    return out


def accesses(log: Iterable[Access], address: int, kind: str | None = None) -> list[Access]:
    return [a for a in log if a.address == address and (kind is None or a.kind == kind)]


def first_index(log: list[Access], test: Callable[[Access], bool], start: int = 0) -> int:
    for i in range(start, len(log)):
        if test(log[i]):
            return i
    raise AssertionError("no such access in the log")


# ---- a whole STM32F4/F7 with every modelled peripheral -------------------------------------------------

UID = bytes(range(0x41, 0x41 + 12))
CAL = {"vrefint": 1500, "ts1": 940, "ts2": 1200}
BOOTLOADER_SP, BOOTLOADER_ENTRY_OFFSET = 0x20002000, 0x200


@dataclass
class Stm32:
    """A booted machine and its peripheral models by name ("rcc", "gpio", "usart2", "i2c1", "flash", ...)."""

    machine: Machine
    models: dict[str, Any]
    f7: bool
    sysmem: int

    def __getitem__(self, name: str) -> Any:
        return self.models[name]

    def call(self, name: str, *args: int, limit: int = 5_000_000) -> int:
        return self.machine.call(name, *args, limit=limit)

    def violations(self) -> list[str]:
        found: list[str] = []
        for name, model in self.models.items():
            for text in getattr(model, "violations", []):
                found.append(f"{name}: {text}")
        return found


def flash_sectors(f7: bool, size: int) -> list[tuple[int, int]]:
    """(offset, size) of each sector: units 0..3, 4x at 4, 8x after (RM0090 3.3, RM0368/0383/0390 3.3, RM0410 3.3)."""
    unit = 0x8000 if f7 else 0x4000
    sectors, offset = [], 0
    while offset < size:
        length = unit if len(sectors) < 4 else 4 * unit if len(sectors) == 4 else 8 * unit
        sectors.append((offset, length))
        offset += length
    return sectors


def stm32_machine(board: Board, elf: Path, *, hse: bool = True, lse: bool = True, lsi: bool = True,
                  reset_flags: int = 0x0C000000, i2c_devices: list[Any] | None = None,
                  spi_respond: Callable[[int], int] | None = None, adc_sample: Callable[[int], int] | None = None,
                  systick_step: int = 200, boot: bool = True) -> Stm32:
    from tests.support import stm32_models as m

    f7 = board.mcu["family"] == "stm32f7"
    flash = board.region("FLASH")
    ram = board.region("RAM")
    machine = Machine(elf, flash.origin, flash.length, ram.origin, ram.length)
    models: dict[str, Any] = {}

    def add(name: str, base: int, size: int, model: Any) -> None:
        models[name] = model
        machine.bus.add(base, size, model)

    scs = m.Scs(step=systick_step)
    models["scs"] = scs
    machine.scs_bus.add(SCS_BASE, SCS_SIZE, scs)
    add("rcc", 0x40023800, 0x400, m.Rcc(hse=hse, lse=lse, lsi=lsi, reset_flags=reset_flags))
    add("pwr", 0x40007000, 0x400, m.Pwr())
    add("syscfg", 0x40013800, 0x400, m.Regs())
    add("exti", 0x40013C00, 0x400, m.Exti())
    for port in range(11):
        add(f"gpio{'ABCDEFGHIJK'[port]}", 0x40020000 + 0x400 * port, 0x400, m.Gpio(port))
    for index, base in {1: 0x40011000, 2: 0x40004400, 3: 0x40004800, 4: 0x40004C00, 5: 0x40005000,
                        6: 0x40011400, 7: 0x40007800, 8: 0x40007C00}.items():
        add(f"usart{index}", base, 0x400, m.Usart(f7))
    i2c_class = m.I2cV2 if f7 else m.I2cV1
    for index, base in {1: 0x40005400, 2: 0x40005800, 3: 0x40005C00, 4: 0x40006000}.items():
        add(f"i2c{index}", base, 0x400, i2c_class(list(i2c_devices or [])))
    for index, base in {1: 0x40013000, 2: 0x40003800, 3: 0x40003C00, 4: 0x40013400, 5: 0x40015000,
                        6: 0x40015400}.items():
        add(f"spi{index}", base, 0x400, m.Spi(spi_respond))
    common = m.Regs()
    add("adc_common", 0x40012300, 0x100, common)
    for index in (1, 2, 3):
        add(f"adc{index}", 0x40012000 + 0x100 * (index - 1), 0x100,
            m.Adc(common, adc_sample or (lambda channel: 100 * channel + 7)))
    add("dac", 0x40007400, 0x400, m.Dac())
    for index, base in {1: 0x40010000, 2: 0x40000000, 3: 0x40000400, 4: 0x40000800, 5: 0x40000C00,
                        6: 0x40001000, 7: 0x40001400, 8: 0x40010400, 9: 0x40014000, 10: 0x40014400,
                        11: 0x40014800, 12: 0x40001800, 13: 0x40001C00, 14: 0x40002000}.items():
        add(f"tim{index}", base, 0x400, m.Timer())
    add("iwdg", 0x40003000, 0x400, m.Iwdg())
    add("rtc", 0x40002800, 0x400, m.Rtc())

    sectors = flash_sectors(f7, flash.length)
    interface = m.FlashInterface(flash.origin, sectors)
    add("flash", 0x40023C00, 0x400, interface)
    array_base = machine.code_end
    array = m.FlashArray(array_base, bytearray(b"\xff" * (flash.origin + flash.length - array_base)), interface)
    interface.array = array
    interface.arrays.append(array)
    models["flash_array"] = array
    machine.map_mmio(array_base, flash.origin + flash.length - array_base, array)
    if machine.flash_hole:
        hole_start, hole_end = machine.flash_hole
        hole = m.FlashArray(hole_start, bytearray(b"\xff" * (hole_end - hole_start)), interface)
        interface.arrays.append(hole)
        models["fs_array"] = hole
        machine.map_mmio(hole_start, hole_end - hole_start, hole)

    # System memory: the ROM bootloader's vectors, unique ID, flash size, calibration values.
    sysmem = 0x1FF00000 if f7 else 0x1FFF0000
    uid, size_reg, cal = (0x1FF0F420, 0x1FF0F442, 0x1FF0F44A) if f7 else (0x1FFF7A10, 0x1FFF7A22, 0x1FFF7A2A)
    machine.map_memory(sysmem, 0x10000 if f7 else 0x8000)
    machine.write(sysmem, BOOTLOADER_SP.to_bytes(4, "little") +
                  (sysmem + BOOTLOADER_ENTRY_OFFSET + 1).to_bytes(4, "little"))
    machine.write(uid, UID)
    machine.write(size_reg, (flash.length // 1024).to_bytes(2, "little"))
    machine.write(cal, CAL["vrefint"].to_bytes(2, "little") + CAL["ts1"].to_bytes(2, "little") +
                  CAL["ts2"].to_bytes(2, "little"))
    stm = Stm32(machine, models, f7, sysmem)
    if boot:
        machine.boot()
        machine.bus.clear_log()
    return stm


class CStruct:
    """A C struct's layout under the AAPCS (natural alignment): fields as (name, kind) with kind one of
    u8 s8 u16 u32 ptr bool, or ("pad", n). Packs dicts to bytes and reads fields back from memory."""

    SIZES = {"u8": 1, "s8": 1, "bool": 1, "u16": 2, "u32": 4, "ptr": 4}
    FORMATS = {"u8": "B", "s8": "b", "bool": "B", "u16": "H", "u32": "I", "ptr": "I"}

    def __init__(self, *fields: tuple[str, str]) -> None:
        self.offsets: dict[str, tuple[int, str]] = {}
        offset, align = 0, 1
        for name, kind in fields:
            size = self.SIZES[kind]
            offset = (offset + size - 1) & ~(size - 1)
            self.offsets[name] = (offset, kind)
            offset += size
            align = max(align, size)
        self.size = (offset + align - 1) & ~(align - 1)

    def pack(self, **values: int) -> bytes:
        import struct

        out = bytearray(self.size)
        for name, value in values.items():
            offset, kind = self.offsets[name]
            struct.pack_into("<" + self.FORMATS[kind], out, offset, value)
        return bytes(out)

    def get(self, machine: Machine, address: int, name: str) -> int:
        import struct

        offset, kind = self.offsets[name]
        return struct.unpack_from("<" + self.FORMATS[kind], machine.read(address + offset, self.SIZES[kind]))[0]

    def new(self, machine: Machine, **values: int) -> int:
        return machine.alloc(self.size, self.pack(**values))


@dataclass
class Layout:
    """A C struct's size and member offsets, as the compiler laid it out (from the ELF's DWARF)."""

    size: int
    members: dict[str, int]

    def __getitem__(self, member: str) -> int:
        return self.members[member]


def struct_layouts(elf: Path, names: Iterable[str]) -> dict[str, Layout]:
    """Layouts of typedef'd structs by typedef name (e.g. "kfs_config_t")."""
    wanted = set(names)
    found: dict[str, Layout] = {}
    with open(elf, "rb") as handle:
        dwarf = ELFFile(handle).get_dwarf_info()
        for unit in dwarf.iter_CUs():
            for die in unit.iter_DIEs():
                if die.tag != "DW_TAG_typedef" or "DW_AT_name" not in die.attributes:
                    continue
                name = die.attributes["DW_AT_name"].value.decode()
                if name not in wanted or name in found or "DW_AT_type" not in die.attributes:
                    continue
                target = die.get_DIE_from_attribute("DW_AT_type")
                if target.tag != "DW_TAG_structure_type" or "DW_AT_byte_size" not in target.attributes:
                    continue
                members = {}
                for child in target.iter_children():
                    if child.tag == "DW_TAG_member" and "DW_AT_name" in child.attributes:
                        location = child.attributes.get("DW_AT_data_member_location")
                        members[child.attributes["DW_AT_name"].value.decode()] = location.value if location else 0
                found[name] = Layout(target.attributes["DW_AT_byte_size"].value, members)
    missing = wanted - set(found)
    if missing:
        raise KeyError(f"no struct layout for {sorted(missing)} in {elf}")
    return found
