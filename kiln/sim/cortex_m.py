"""A simulated STM32F4 (Cortex-M4) for debug-probe tests: unicorn runs the code, Python models the rest.

What a debugger sees through the AHB-AP: the Cortex-M debug registers (DHCSR/DCRSR/DCRDR/DEMCR,
CPUID, AIRCR reset, FPB, DWT), a CoreSight ROM table with component/peripheral ID registers, the DBGMCU
IDCODE, SRAM, the system memory (the ST bootloader in mask ROM, with the 96-bit UID at 0x1FFF7A10), and
the internal flash behind the STM32F4 flash interface (RM0090 section 3): KEYR unlock sequence, CR with
PG/SER/MER/SNB/PSIZE/STRT/LOCK, SR with BSY/EOP and error bits, OPTCR with the nWRP write-protect bits.
Flash is NOR: erase sets a sector to 0xFF, programming only clears bits, and only while CR.PG is set.

When the debugger resumes the core, unicorn executes Thumb code (e.g. pyOCD's flash algorithm in SRAM)
until a BKPT instruction halts it (as the real core enters debug state) or an instruction budget runs
out; flash and peripherals are MMIO so every access the algorithm makes hits this model.
"""

from __future__ import annotations

import struct
import threading

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, UcError
from unicorn import arm_const as A

FLASH_BASE, RAM_BASE, SYSMEM_BASE, PERIPH_BASE = 0x08000000, 0x20000000, 0x1FFF0000, 0x40000000
FLASH_IF = 0x40023C00
UID_ADDRESS = 0x1FFF7A10
KEY1, KEY2 = 0x45670123, 0xCDEF89AB
SECTORS = [0x4000] * 4 + [0x10000] + [0x20000] * 7
DHCSR, DCRSR, DCRDR, DEMCR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC
CPUID, AIRCR, DFSR = 0xE000ED00, 0xE000ED0C, 0xE000ED30
DBGKEY = 0xA05F0000
S_RESET_ST, S_RETIRE_ST, S_LOCKUP, S_HALT, S_REGRDY = 1 << 25, 1 << 24, 1 << 19, 1 << 17, 1 << 16
C_STEP, C_HALT, C_DEBUGEN = 1 << 2, 1 << 1, 1 << 0
ROM_TABLE = 0xE00FF000
# name -> (base, CIDR class, part number)
COMPONENTS = {"SCS": (0xE000E000, 0xE, 0x00C), "DWT": (0xE0001000, 0xE, 0x002), "FPB": (0xE0002000, 0xE, 0x003),
              "ITM": (0xE0000000, 0xE, 0x001), "ROM": (ROM_TABLE, 0x1, 0x4C4)}
CORE_REGS = {**{i: getattr(A, f"UC_ARM_REG_R{i}") for i in range(13)}, 13: A.UC_ARM_REG_SP, 14: A.UC_ARM_REG_LR,
             15: A.UC_ARM_REG_PC, 16: A.UC_ARM_REG_XPSR, 17: A.UC_ARM_REG_MSP, 18: A.UC_ARM_REG_PSP,
             33: A.UC_ARM_REG_FPSCR, **{64 + i: getattr(A, f"UC_ARM_REG_S{i}") for i in range(32)}}


def _id_registers(cls: int, part: int) -> dict[int, int]:
    """PIDR4..PIDR0 and CIDR0..3 (offsets 0xFD0..0xFFC) for an Arm (JEP106 0x43B) component."""
    pidr = part | (0x3B << 12) | (1 << 19)
    regs = {0xFD0: 0x04}
    for i in range(4):
        regs[0xFE0 + 4 * i] = (pidr >> (8 * i)) & 0xFF
    for i, byte in enumerate((0x0D, cls << 4, 0x05, 0xB1)):
        regs[0xFF0 + 4 * i] = byte
    return regs


class Stm32f4Sim:
    def __init__(self, *, flash_size: int = 1024 * 1024, ram_size: int = 128 * 1024, idcode: int = 0x10076413,
                 uid: bytes = bytes.fromhex("3500280013473133372033"), write_protect: set[int] | None = None,
                 budget: int = 5_000_000):
        self.flash = bytearray(b"\xff" * flash_size)
        self.sector_starts = []
        address = 0
        for size in SECTORS:
            if address >= flash_size:
                break
            self.sector_starts.append((address, size))
            address += size
        self.idcode = idcode
        self.uid = uid.ljust(12, b"\0")[:12]
        self.system_memory = bytes(range(256)) * 128   # stands in for the ST bootloader ROM
        self.write_protect = set(write_protect or ())
        self.budget = budget
        self.lock = threading.RLock()
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.mem_map(RAM_BASE, ram_size)
        self.uc.mmio_map(FLASH_BASE, flash_size, self._flash_read, None, self._flash_write, None)
        self.uc.mmio_map(PERIPH_BASE, 0x80000, self._periph_read, None, self._periph_write, None)
        self.uc.mmio_map(SYSMEM_BASE, 0x8000, self._sysmem_read, None, lambda *a: None, None)
        self.uc.hook_add(UC_HOOK_INTR, self._interrupt)
        self.ppb: dict[int, int] = {}
        self.periph: dict[int, int] = {}
        self.halted = False        # "running": nothing executes until a debugger halts and resumes the core
        self.dhcsr_sticky = S_RESET_ST
        self.debugen = False
        self.breakpoint_hit = False
        self.fault: str | None = None
        self.log: list[str] = []
        self.resets = 0
        self._reset_flash_interface()

    # -- flash interface ---------------------------------------------------------------------------

    def _reset_flash_interface(self) -> None:
        self.f_cr = 0x80000000
        self.f_sr = 0
        self.f_optcr = 0x0FFFAAED & ~(sum(1 << (16 + s) for s in self.write_protect))
        self.f_keys: list[int] = []

    def sector_of(self, offset: int) -> int:
        return next(i for i, (start, size) in enumerate(self.sector_starts) if start <= offset < start + size)

    def _flash_read(self, uc: Uc, offset: int, size: int, user: object) -> int:
        return int.from_bytes(self.flash[offset : offset + size], "little")

    def _flash_write(self, uc: Uc, offset: int, size: int, value: int, user: object) -> None:
        if self.f_cr & 0x80000000 or not self.f_cr & 1:
            self.f_sr |= 1 << 7    # PGSERR: programming while locked or without PG
            return
        if not (self.f_optcr >> (16 + self.sector_of(offset))) & 1:
            self.f_sr |= 1 << 4    # WRPERR
            self.log.append(f"write-protected sector {self.sector_of(offset)} refused a write")
            return
        data = value.to_bytes(size, "little")
        for i, byte in enumerate(data):
            self.flash[offset + i] &= byte
        self.f_sr |= 1             # EOP

    def _flash_if_write(self, register: int, value: int) -> None:
        if register == 0x04:       # KEYR
            self.f_keys = (self.f_keys + [value])[-2:]
            if self.f_keys == [KEY1, KEY2]:
                self.f_cr &= ~0x80000000
        elif register == 0x0C:     # SR: write 1 to clear
            self.f_sr &= ~(value & 0xF3)
        elif register == 0x10:     # CR
            if self.f_cr & 0x80000000 and not value & 0x80000000:
                return              # locked: ignored
            self.f_cr = value & ~(1 << 16)
            if value & (1 << 16):
                self._flash_start(value)
        elif register == 0x14:
            self.f_optcr = value

    def _flash_start(self, cr: int) -> None:
        if cr & 4:                 # MER: mass erase (write-protected sectors are kept)
            for i, (start, size) in enumerate(self.sector_starts):
                if (self.f_optcr >> (16 + i)) & 1:
                    self.flash[start : start + size] = b"\xff" * size
            self.log.append("mass erase")
        elif cr & 2:               # SER
            sector = (cr >> 3) & 0xF
            if sector >= len(self.sector_starts):
                self.f_sr |= 1 << 7
                return
            if not (self.f_optcr >> (16 + sector)) & 1:
                self.f_sr |= 1 << 4
                self.log.append(f"write-protected sector {sector} refused an erase")
                return
            start, size = self.sector_starts[sector]
            self.flash[start : start + size] = b"\xff" * size
            self.log.append(f"erase sector {sector}")
        self.f_sr |= 1

    def _periph_read(self, uc: Uc, offset: int, size: int, user: object) -> int:
        address = PERIPH_BASE + offset
        if FLASH_IF <= address < FLASH_IF + 0x400:
            register = address - FLASH_IF
            return {0x0C: self.f_sr, 0x10: self.f_cr, 0x14: self.f_optcr}.get(register, 0)
        return self.periph.get(address, 0)

    def _periph_write(self, uc: Uc, offset: int, size: int, value: int, user: object) -> None:
        address = PERIPH_BASE + offset
        if FLASH_IF <= address < FLASH_IF + 0x400:
            self._flash_if_write(address - FLASH_IF, value)
        else:
            self.periph[address] = value

    def _sysmem_read(self, uc: Uc, offset: int, size: int, user: object) -> int:
        return int.from_bytes(self._sysmem(offset, size), "little")

    def _sysmem(self, offset: int, size: int) -> bytes:
        blob = bytearray(self.system_memory.ljust(0x8000, b"\xff"))
        blob[UID_ADDRESS - SYSMEM_BASE : UID_ADDRESS - SYSMEM_BASE + 12] = self.uid
        return bytes(blob[offset : offset + size])

    # -- core ---------------------------------------------------------------------------------------

    def _interrupt(self, uc: Uc, intno: int, user: object) -> None:
        if intno == 7:             # BKPT: the core enters debug state
            self.breakpoint_hit = True
        else:
            self.fault = f"exception {intno} at 0x{uc.reg_read(A.UC_ARM_REG_PC):08x}"
        uc.emu_stop()

    def reset(self, halt: bool | None = None) -> None:
        """System reset: core registers from the vector table; halts if DEMCR.VC_CORERESET (or `halt`)."""
        with self.lock:
            self.resets += 1
            for reg in range(13):
                self.uc.reg_write(CORE_REGS[reg], 0)
            sp, pc = struct.unpack_from("<II", self.flash, 0)
            self.uc.reg_write(A.UC_ARM_REG_MSP, sp & ~3)
            self.uc.reg_write(A.UC_ARM_REG_SP, sp & ~3)
            self.uc.reg_write(A.UC_ARM_REG_PC, pc & ~1)
            self.uc.reg_write(A.UC_ARM_REG_LR, 0xFFFFFFFF)
            self.uc.reg_write(A.UC_ARM_REG_XPSR, 0x01000000)
            self._reset_flash_interface()
            self.dhcsr_sticky |= S_RESET_ST
            vector_catch = bool(self.ppb.get(DEMCR, 0) & 1)
            self.halted = vector_catch if halt is None else halt
            self.fault = None
            self.log.append("reset" + (" (halted)" if self.halted else ""))

    def run(self, steps: int | None = None) -> None:
        """Runs from PC until BKPT, a fault, or the budget; leaves the core halted if it stopped."""
        self.breakpoint_hit = False
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        try:
            self.uc.emu_start(pc | 1, 0, 0, steps or self.budget)
        except UcError as exc:
            self.fault = f"{exc} at 0x{self.uc.reg_read(A.UC_ARM_REG_PC):08x}"
        self.dhcsr_sticky |= S_RETIRE_ST
        if self.breakpoint_hit or self.fault or steps:
            self.halted = True
            self.ppb[DFSR] = self.ppb.get(DFSR, 0) | (2 if self.breakpoint_hit else 1)
        if self.fault:
            self.log.append(f"fault: {self.fault}")

    # -- debug access (what the probe's memory interface calls) -----------------------------------

    def read32(self, address: int) -> int:
        with self.lock:
            return self._read32(address & ~3)

    def _read32(self, address: int) -> int:
        if address >= 0xE0000000:
            return self._ppb_read(address)
        if FLASH_BASE <= address < FLASH_BASE + len(self.flash):
            return int.from_bytes(self.flash[address - FLASH_BASE : address - FLASH_BASE + 4], "little")
        if SYSMEM_BASE <= address < SYSMEM_BASE + 0x8000:
            return int.from_bytes(self._sysmem(address - SYSMEM_BASE, 4), "little")
        if PERIPH_BASE <= address < PERIPH_BASE + 0x80000:
            return self._periph_read(self.uc, address - PERIPH_BASE, 4, None)
        try:
            return int.from_bytes(self.uc.mem_read(address, 4), "little")
        except UcError:
            raise MemoryError(f"no memory at 0x{address:08x}") from None

    def write32(self, address: int, value: int) -> None:
        with self.lock:
            self._write32(address & ~3, value & 0xFFFFFFFF)

    def _write32(self, address: int, value: int) -> None:
        if address >= 0xE0000000:
            self._ppb_write(address, value)
        elif FLASH_BASE <= address < FLASH_BASE + len(self.flash) or SYSMEM_BASE <= address < SYSMEM_BASE + 0x8000:
            return                 # not writable from the bus (the flash interface programs flash)
        elif PERIPH_BASE <= address < PERIPH_BASE + 0x80000:
            self._periph_write(self.uc, address - PERIPH_BASE, 4, value, None)
        else:
            try:
                self.uc.mem_write(address, value.to_bytes(4, "little"))
            except UcError:
                raise MemoryError(f"no memory at 0x{address:08x}") from None

    def read_block(self, address: int, size: int) -> bytes:
        with self.lock:
            if RAM_BASE <= address and address + size <= RAM_BASE + 0x20000 * 8:
                try:
                    return bytes(self.uc.mem_read(address, size))
                except UcError:
                    pass
            if FLASH_BASE <= address and address + size <= FLASH_BASE + len(self.flash):
                return bytes(self.flash[address - FLASH_BASE : address - FLASH_BASE + size])
            start = address & ~3
            words = b"".join(self._read32(a).to_bytes(4, "little") for a in range(start, address + size, 4))
            return words[address - start : address - start + size]

    def write_block(self, address: int, data: bytes) -> None:
        with self.lock:
            if RAM_BASE <= address:
                try:
                    self.uc.mem_write(address, bytes(data))
                    return
                except UcError:
                    pass
            for i in range(0, len(data), 4):
                self._write32(address + i, int.from_bytes(data[i : i + 4].ljust(4, b"\0"), "little"))

    # -- private peripheral bus ----------------------------------------------------------------------

    def _ppb_read(self, address: int) -> int:
        for base, cls, part in COMPONENTS.values():
            if base + 0xFD0 <= address <= base + 0xFFC:
                return _id_registers(cls, part).get(address - base, 0)
        if address == DHCSR:
            value = self.dhcsr_sticky | S_REGRDY | (S_HALT if self.halted else 0) | (C_DEBUGEN if self.debugen else 0)
            value |= S_LOCKUP if self.fault and not self.breakpoint_hit else 0
            self.dhcsr_sticky = 0
            return value
        if ROM_TABLE <= address < ROM_TABLE + 0x20:
            entries = [COMPONENTS[n][0] for n in ("SCS", "DWT", "FPB", "ITM")]
            index = (address - ROM_TABLE) // 4
            return ((entries[index] - ROM_TABLE) & 0xFFFFF000) | 3 if index < len(entries) else 0
        if address == ROM_TABLE + 0xFCC:
            return 1               # MEMTYPE: system memory present
        fixed = {CPUID: 0x410FC241, 0xE000EF40: 0x10110021, 0xE000EF44: 0x11000011, 0xE0042000: self.idcode,
                 0xE0002000: (self.ppb.get(0xE0002000, 0) & 1) | 0x260, 0xE0001000: 0x40000000}
        if address in fixed:
            return fixed[address]
        if address == DCRDR:
            return self.ppb.get(DCRDR, 0)
        return self.ppb.get(address, 0)

    def _ppb_write(self, address: int, value: int) -> None:
        if address == DHCSR:
            if value & 0xFFFF0000 != DBGKEY:
                return
            self.debugen = bool(value & C_DEBUGEN)
            if value & C_HALT:
                self.halted = True
                self.fault = None
            elif self.halted and self.debugen:
                self.halted = False
                self.run(1 if value & C_STEP else None)
            return
        if address == DCRSR:
            self._core_register(value)
            return
        if address == AIRCR and value >> 16 == 0x05FA and value & 0x5:
            self.reset()
            return
        if address == DFSR:
            self.ppb[DFSR] = self.ppb.get(DFSR, 0) & ~value
            return
        self.ppb[address] = value

    def _core_register(self, dcrsr: int) -> None:
        select, write = dcrsr & 0x7F, bool(dcrsr & (1 << 16))
        if select == 20:           # CONTROL/FAULTMASK/BASEPRI/PRIMASK packed
            regs = (A.UC_ARM_REG_PRIMASK, A.UC_ARM_REG_BASEPRI, A.UC_ARM_REG_FAULTMASK, A.UC_ARM_REG_CONTROL)
            if write:
                value = self.ppb.get(DCRDR, 0)
                for i, reg in enumerate(regs):
                    self.uc.reg_write(reg, (value >> (8 * i)) & 0xFF)
            else:
                self.ppb[DCRDR] = sum((self.uc.reg_read(reg) & 0xFF) << (8 * i) for i, reg in enumerate(regs))
            return
        reg = CORE_REGS.get(select)
        if reg is None:
            if not write:
                self.ppb[DCRDR] = 0
            return
        if write:
            value = self.ppb.get(DCRDR, 0)
            self.uc.reg_write(reg, value & ~1 if select == 15 else value)
            if select == 16:
                self.uc.reg_write(reg, value | 0x01000000)
        else:
            value = self.uc.reg_read(reg)
            self.ppb[DCRDR] = (value | 0x01000000) if select == 16 else value & 0xFFFFFFFF
