"""ESP32-C3 emulation with unicorn: boots a merged flash image the way the mask ROM does, then runs
Kiln's bootloader and app against models of the peripherals they use.

    with Esp32c3Emulator(Path("build/ESP32_GENERIC_C3/firmware-merged.bin")) as emu:
        banner = emu.read_until(b"> ")
        emu.write(b"\\x04")
        result = emu.wait(5)          # RunResult(kind="exit", code=0, ...)

Modelled: SRAM (one buffer seen at both the DRAM and the IRAM address), the ROM's loading of the
image at flash 0x0 (checksum and SHA-256 checked, RAM segments only), the flash MMU (128 shared
64 KiB entries at 0x600C5000) and ICache bus/invalidate registers (IROM 0x42000000 and DROM
0x3C000000 pages are mapped on first access after an invalidate, and only while the bus is on),
UART0/1 (TX FIFO out, RX FIFO in, STATUS counts, RXFIFO_FULL/TOUT interrupts), SYSTIMER unit 0
(16 MHz from host time), the interrupt matrix (map, enable, priority, threshold) with vectored
delivery to mtvec (unicorn never vectors by itself) and `wfi` as a wait for input, and
RTC_CNTL software reset. Anything else in 0x60000000..0x600D0000 reads back what was written.

Interrupts are delivered between execution slices (at most SLICE_US apart, at once after
host input): stopping unicorn from inside an MMIO callback would re-execute the access.

Exit protocol (ports/esp32/hal_system.c): hal_exit(code) writes 0x4B4C4E00 | code to RTC_CNTL_STORE0,
then requests a software system reset; the harness ends the run with that code. A reset without
the marker reboots from flash. CPU faults end the run with kind "fault".

Modes: "pipe" (read_until/write from Python), "tcp" (127.0.0.1:`tcp_port`, the CPU starts when a
client connects: pyserial's socket://), "pty" (a pseudo-terminal at `pty_path` for mpremote/pyserial).

    python -m kiln.emulators.esp32c3 build/ESP32_GENERIC_C3/firmware-merged.bin [--pty | --tcp PORT]
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import os
import select
import socket
import struct
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from unicorn import (
    UC_ARCH_RISCV,
    UC_ERR_INSN_INVALID,
    UC_HOOK_CODE,
    UC_HOOK_MEM_UNMAPPED,
    UC_MODE_RISCV32,
    UC_PROT_ALL,
    UC_PROT_READ,
    Uc,
    UcError,
)
from unicorn import riscv_const as rv

MODES = ("pipe", "tcp", "pty")

# Memory map (ESP32-C3 TRM, System and Memory).
SRAM_DRAM = 0x3FC80000
SRAM_IRAM = 0x40380000
SRAM_SIZE = 0x60000
SRAM0_IRAM = 0x4037C000  # 16 KiB the ICache normally owns; mapped so stray accesses do not fault
SRAM0_SIZE = 0x4000
IROM_BASE = 0x42000000
DROM_BASE = 0x3C000000
WINDOW_SIZE = 0x800000
PAGE = 0x10000
MMU_ENTRIES = 128
MMU_INVALID = 1 << 8
PERIPH_BASE = 0x60000000
PERIPH_SIZE = 0xD0000

# Peripheral offsets from PERIPH_BASE.
UART_BASES = (0x00000, 0x10000)
UART_SOURCES = (21, 22)
RTC_CNTL = 0x08000
SYSTIMER = 0x23000
SYSTEM = 0xC0000
INTMTX = 0xC2000
EXTMEM = 0xC4000
MMU_TABLE = 0xC5000

EXIT_MAGIC = 0x4B4C4E00
WFI = 0x10500073
EBREAK = 0x00100073
MIE_WAIT_LIMIT = 10_000
SLICE_US = 20_000
# Slices end after a number of instructions, not a host timeout: unicorn stops a timed-out run from
# another thread, which can land inside an MMIO callback and re-execute that store (a UART byte twice).
SLICE_INSNS = 200_000
MSTATUS_MIE = 1 << 3
MSTATUS_MPIE = 1 << 7
MSTATUS_MPP = 3 << 11
SYSTIMER_HZ = 16_000_000
ROM_STACK = 0x3FCDF000


class EmulatorError(RuntimeError):
    """The emulator could not start, or the run ended or timed out before the expected output."""


@dataclass(frozen=True)
class RunResult:
    """How a run ended: kind is exit, boot-failure, fault, timeout or stopped."""

    kind: str
    code: int | None
    detail: str


class _Uart:
    """One UART: TX bytes go to `sink`; RX bytes wait in a deque the FIFO register pops."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.rx: deque[int] = deque()
        self.regs: dict[int, int] = {}

    def rx_count(self) -> int:
        return min(len(self.rx), 128)

    def raw_int(self) -> int:
        conf1 = self.regs.get(0x24, 0x60 | (0x60 << 9))
        threshold = conf1 & 0x1FF
        count = self.rx_count()
        raw = 0
        if count and count >= max(threshold, 1):
            raw |= 1 << 0
        if count and conf1 & (1 << 21):
            raw |= 1 << 8
        return raw

    def read(self, off: int) -> int:
        if off == 0x00:
            return self.rx.popleft() if self.rx else 0
        if off == 0x04:
            return self.raw_int()
        if off == 0x08:
            return self.raw_int() & self.regs.get(0x0C, 0)
        if off == 0x1C:
            return self.rx_count()  # TX FIFO always drained at once: TXFIFO_CNT 0
        if off == 0x80:
            return self.regs.get(off, 0) & ~(1 << 31)  # REG_UPDATE completes immediately
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if off == 0x00:
            self.sink(value & 0xFF)
            return
        self.regs[off] = value

    def pending(self) -> bool:
        return bool(self.raw_int() & self.regs.get(0x0C, 0))


class Esp32c3Emulator:
    """Boots a merged ESP32-C3 flash image in unicorn; talk to UART0 with read_until/write."""

    def __init__(self, firmware: Path | str | bytes, *, mode: str = "pipe", tcp_port: int = 0,
                 flash_size: int = 4 * 1024 * 1024, rom_clock: str = "pll") -> None:
        if mode not in MODES:
            raise EmulatorError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if rom_clock not in ("pll", "xtal"):
            raise EmulatorError("rom_clock must be 'pll' or 'xtal'")
        data = firmware if isinstance(firmware, bytes) else Path(firmware).read_bytes()
        if len(data) > flash_size:
            raise EmulatorError(f"image is {len(data)} bytes, larger than the {flash_size}-byte flash")
        self.mode = mode
        self.tcp_port = tcp_port
        self.rom_clock = rom_clock
        self.pty_path: str | None = None
        self._flash = ctypes.create_string_buffer(b"\xff" * flash_size, flash_size)
        ctypes.memmove(self._flash, data, len(data))
        # Instruction fetches see a copy with every wfi turned into ebreak: unicorn's own wfi
        # halts the CPU in ways a resumed emu_start does not always undo, an ebreak stops cleanly.
        self._ifetch_flash = ctypes.create_string_buffer(_patch_wfi(bytes(self._flash)), flash_size)
        self._flash_size = flash_size
        self._sram = ctypes.create_string_buffer(SRAM_SIZE)
        self._output = bytearray()
        self._cond = threading.Condition()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop = False
        self._result: RunResult | None = None
        self._uarts = (_Uart(self._tx), _Uart(lambda _b: None))
        self._uc: Uc | None = None
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._pty_master: int | None = None
        self._pty_slave: int | None = None
        self.boots = 0
        self._consumed = 0

    # ----------------------------------------------------------------- public API

    def start(self) -> Esp32c3Emulator:
        if self.mode == "tcp":
            self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind(("127.0.0.1", self.tcp_port))
            self._listener.listen(1)
            self.tcp_port = self._listener.getsockname()[1]
        elif self.mode == "pty":
            self._pty_master, self._pty_slave = os.openpty()
            self.pty_path = os.ttyname(self._pty_slave)
            import tty

            tty.setraw(self._pty_slave)
        self._thread = threading.Thread(target=self._main, name="esp32c3-cpu", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        self._wake.set()
        if self._uc is not None:
            self._uc.emu_stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for closable in (self._client, self._listener):
            if closable is not None:
                closable.close()
        for fd in (self._pty_master, self._pty_slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._client = self._listener = None
        self._pty_master = self._pty_slave = None

    def __enter__(self) -> Esp32c3Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def output(self) -> bytes:
        with self._cond:
            return bytes(self._output)

    def read_until(self, marker: bytes, timeout: float = 10.0) -> bytes:
        """Everything printed so far up to and including the first `marker` not yet consumed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                index = self._output.find(marker, self._consumed)
                if index >= 0:
                    end = index + len(marker)
                    chunk = bytes(self._output[self._consumed:end])
                    self._consumed = end
                    return chunk
                left = deadline - time.monotonic()
                if left <= 0 or (self._result is not None and self._result.kind != "running"):
                    state = self._result.detail if self._result else "still running"
                    raise EmulatorError(f"did not see {marker!r} within {timeout} s ({state}); output so far:\n"
                                        + self._output.decode(errors="replace"))
                self._cond.wait(min(left, 0.1))

    def write(self, data: bytes) -> None:
        """Bytes into UART0's RX FIFO (the firmware gets an RXFIFO_FULL interrupt)."""
        self._uarts[0].rx.extend(data)
        self._kick()

    def wait(self, timeout: float = 10.0) -> RunResult:
        """Waits for the run to end; RunResult(kind="timeout") if it does not."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return RunResult("timeout", None, f"still running after {timeout} s")
        return self._result or RunResult("stopped", None, "not started")

    # ----------------------------------------------------------------- plumbing

    def _tx(self, byte: int) -> None:
        with self._cond:
            self._output.append(byte)
            self._cond.notify_all()
        if self._client is not None:
            try:
                self._client.sendall(bytes([byte]))
            except OSError:
                pass
        if self._pty_master is not None:
            try:
                os.write(self._pty_master, bytes([byte]))
            except OSError:
                pass

    def _kick(self) -> None:
        # Only wake a sleeping CPU: an emu_stop() from this thread can land inside an MMIO callback,
        # and unicorn then re-executes that access (a UART write would print its byte twice).
        self._wake.set()

    def _finish(self, kind: str, code: int | None, detail: str) -> None:
        with self._cond:
            self._result = RunResult(kind, code, detail)
            self._cond.notify_all()

    def _pump_input(self) -> None:
        """Host side of tcp/pty: bytes from the client into UART0."""
        while not self._stop:
            client = self._client  # stop() may clear it at any moment
            if client is not None:
                try:
                    ready, _, _ = select.select([client], [], [], 0.1)
                    data = client.recv(4096) if ready else None
                except (OSError, ValueError):
                    return
                if data is not None:
                    if not data:
                        return
                    self.write(data)
            elif self._pty_master is not None:
                ready, _, _ = select.select([self._pty_master], [], [], 0.1)
                if ready:
                    try:
                        data = os.read(self._pty_master, 4096)
                    except OSError:
                        return
                    self.write(data)
            else:
                return

    def _main(self) -> None:
        try:
            if self._listener is not None:
                self._listener.settimeout(0.2)
                while not self._stop:
                    try:
                        self._client, _ = self._listener.accept()
                        break
                    except TimeoutError:
                        continue
                if self._stop:
                    self._finish("stopped", None, "stopped before a client connected")
                    return
            if self._client is not None or self._pty_master is not None:
                threading.Thread(target=self._pump_input, name="esp32c3-input", daemon=True).start()
            self._run()
        except Exception as exc:  # report, never hang the caller
            traceback.print_exc()
            self._finish("error", None, f"emulator error: {exc!r}")

    # ----------------------------------------------------------------- the machine

    def _reset_machine(self) -> None:
        uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32)
        addr = ctypes.addressof(self._sram)
        uc.mem_map_ptr(SRAM_DRAM, SRAM_SIZE, UC_PROT_ALL, addr)
        uc.mem_map_ptr(SRAM_IRAM, SRAM_SIZE, UC_PROT_ALL, addr)
        uc.mem_map(SRAM0_IRAM, SRAM0_SIZE, UC_PROT_ALL)
        uc.mmio_map(PERIPH_BASE, PERIPH_SIZE, self._mmio_read, None, self._mmio_write, None)
        uc.hook_add(UC_HOOK_MEM_UNMAPPED, self._unmapped)
        self._uc = uc
        self._regs: dict[int, int] = {}
        self._mmu = [MMU_INVALID] * MMU_ENTRIES
        self._mapped: set[int] = set()  # window base addresses currently mapped
        self._icache_ctrl1 = 0x3  # both buses shut at reset
        self._reset_request = False
        self._latched = 0
        self._t0 = time.monotonic_ns()
        for uart in self._uarts:
            uart.regs.clear()
        sysclk = (40 << 12) | ((1 << 10) if self.rom_clock == "pll" else 1)
        self._regs[SYSTEM + 0x58] = sysclk
        self._regs[SYSTEM + 0x08] = 0  # CPUPERIOD_SEL: 80 MHz from the PLL

    def _rom_load(self) -> int | None:
        """What the mask ROM does in SPI boot: check the image at flash 0x0, copy its segments."""
        from esptool.bin_image import LoadFirmwareImage

        self._print_rom("ESP-ROM:esp32c3 (kiln unicorn model)\r\nrst:0x1 (POWERON),boot:0xc (SPI_FAST_FLASH_BOOT)\r\n")
        flash = bytes(self._flash)
        if flash[0] != 0xE9:
            self._print_rom(f"invalid header: 0x{struct.unpack_from('<I', flash)[0]:08x}\r\n")
            return None
        try:
            image = LoadFirmwareImage("esp32c3", flash)
        except Exception as exc:
            self._print_rom(f"invalid image: {exc}\r\n")
            return None
        if image.checksum != image.calculate_checksum():
            self._print_rom("checksum failure\r\n")
            return None
        if image.append_digest:
            end = image.data_length
            if hashlib.sha256(flash[:end]).digest() != flash[end:end + 32]:
                self._print_rom("SHA-256 comparison failed\r\n")
                return None
        for seg in image.segments:
            if SRAM_DRAM <= seg.addr and seg.addr + len(seg.data) <= SRAM_DRAM + SRAM_SIZE:
                offset = seg.addr - SRAM_DRAM
            elif SRAM_IRAM <= seg.addr and seg.addr + len(seg.data) <= SRAM_IRAM + SRAM_SIZE:
                offset = seg.addr - SRAM_IRAM
            else:
                self._print_rom(f"segment at 0x{seg.addr:08x} is not in SRAM: the ROM loads RAM segments only\r\n")
                return None
            ctypes.memmove(ctypes.addressof(self._sram) + offset, bytes(seg.data), len(seg.data))
            self._print_rom(f"load:0x{seg.addr:08x},len:0x{len(seg.data):x}\r\n")
        self._print_rom(f"entry 0x{image.entrypoint:08x}\r\n")
        return int(image.entrypoint)

    def _print_rom(self, text: str) -> None:
        for byte in text.encode():
            self._tx(byte)

    def _run(self) -> None:
        while not self._stop:
            self.boots += 1
            self._reset_machine()
            pc = self._rom_load()
            if pc is None:
                self._finish("boot-failure", None, "the ROM model refused the image at flash 0x0")
                return
            uc = self._uc
            assert uc is not None
            uc.reg_write(rv.UC_RISCV_REG_SP, ROM_STACK)
            outcome = self._execute(uc, pc)
            if outcome == "reset":
                continue
            return
        self._finish("stopped", None, "stopped")

    def _execute(self, uc: Uc, pc: int) -> str:
        """Runs until exit/fault/stop ("done") or a plain software reset ("reset")."""
        while not self._stop:
            pc = self._deliver_interrupt(uc, pc)
            try:
                uc.emu_start(pc, 0, count=SLICE_INSNS)
            except UcError as exc:
                pc = uc.reg_read(rv.UC_RISCV_REG_PC)
                if exc.errno == UC_ERR_INSN_INVALID and self._is_patched_wfi(pc):
                    uc.reg_write(rv.UC_RISCV_REG_PC, pc + 4)
                    self._idle(uc)
                    pc = uc.reg_read(rv.UC_RISCV_REG_PC)
                    continue
                self._finish("fault", None, f"CPU fault at pc=0x{pc:08x}: {exc}")
                return "done"
            pc = uc.reg_read(rv.UC_RISCV_REG_PC)
            if self._reset_request:
                store0 = self._regs.get(RTC_CNTL + 0x50, 0)
                if store0 & 0xFFFFFF00 == EXIT_MAGIC:
                    code = store0 & 0xFF
                    self._finish("exit", code, f"hal_exit({code})")
                    return "done"
                return "reset"
            if self._after_wfi(uc, pc):
                self._idle(uc)
                pc = uc.reg_read(rv.UC_RISCV_REG_PC)
        self._finish("stopped", None, "stopped")
        return "done"

    def _after_wfi(self, uc: Uc, pc: int) -> bool:
        try:
            return struct.unpack("<I", uc.mem_read(pc - 4, 4))[0] == WFI
        except UcError:
            return False

    def _is_patched_wfi(self, pc: int) -> bool:
        if not IROM_BASE <= pc < IROM_BASE + WINDOW_SIZE:
            return False
        value = self._mmu[(pc - IROM_BASE) // PAGE]
        if value & MMU_INVALID:
            return False
        offset = (value & 0xFF) * PAGE + pc % PAGE
        return bool(self._flash[offset:offset + 4] == struct.pack("<I", WFI))

    def _idle(self, uc: Uc) -> None:
        """After wfi: sleep until an enabled interrupt is pending (wfi wakes without MIE), then
        run on until the firmware sets MIE again, so the interrupt is taken right there."""
        while not self._stop and self._pending_line() is None:
            self._wake.wait(0.05)
            self._wake.clear()
        if self._stop or uc.reg_read(rv.UC_RISCV_REG_MSTATUS) & MSTATUS_MIE:
            return
        steps = [0]

        def watch(uc: Uc, address: int, size: int, data: Any) -> None:
            steps[0] += 1
            if uc.reg_read(rv.UC_RISCV_REG_MSTATUS) & MSTATUS_MIE or steps[0] > MIE_WAIT_LIMIT:
                uc.emu_stop()

        # Translated blocks carry their hooks: flush so the watch applies now and costs nothing after.
        hook = uc.hook_add(UC_HOOK_CODE, watch)
        uc.ctl_flush_tb()
        try:
            uc.emu_start(uc.reg_read(rv.UC_RISCV_REG_PC), 0, count=SLICE_INSNS)
        except UcError as exc:
            pc = uc.reg_read(rv.UC_RISCV_REG_PC)
            if not (exc.errno == UC_ERR_INSN_INVALID and self._is_patched_wfi(pc)):
                raise
        finally:
            uc.hook_del(hook)
            uc.ctl_flush_tb()

    def _pending_line(self) -> int | None:
        """The CPU interrupt line the interrupt matrix raises now, if any (mstatus.MIE aside)."""
        enable = self._regs.get(INTMTX + 0x104, 0)
        threshold = self._regs.get(INTMTX + 0x194, 0)
        best: tuple[int, int] | None = None
        for uart, source in zip(self._uarts, UART_SOURCES, strict=True):
            if not uart.pending():
                continue
            line = self._regs.get(INTMTX + 4 * source, 0) & 0x1F
            if line == 0 or not enable >> line & 1:
                continue
            priority = self._regs.get(INTMTX + 0x114 + 4 * line, 0) & 0xF
            if priority == 0 or priority < threshold:
                continue
            if best is None or priority > best[0]:
                best = (priority, line)
        return None if best is None else best[1]

    def _deliver_interrupt(self, uc: Uc, pc: int) -> int:
        mstatus = uc.reg_read(rv.UC_RISCV_REG_MSTATUS)
        if not mstatus & MSTATUS_MIE:
            return pc
        line = self._pending_line()
        if line is None:
            return pc
        uc.reg_write(rv.UC_RISCV_REG_MEPC, pc)
        uc.reg_write(rv.UC_RISCV_REG_MCAUSE, 0x80000000 | line)
        uc.reg_write(rv.UC_RISCV_REG_MSTATUS, (mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE)) | MSTATUS_MPIE | MSTATUS_MPP)
        mtvec = uc.reg_read(rv.UC_RISCV_REG_MTVEC)
        base = mtvec & ~3
        return base + 4 * line if mtvec & 1 else base

    # ----------------------------------------------------------------- flash MMU and cache

    def _unmapped(self, uc: Uc, access: int, address: int, size: int, value: int, data: Any) -> bool:
        for base, bus_bit, perms, backing in ((IROM_BASE, 0x1, UC_PROT_ALL, self._ifetch_flash),
                                              (DROM_BASE, 0x2, UC_PROT_READ, self._flash)):
            if base <= address < base + WINDOW_SIZE:
                if self._icache_ctrl1 & bus_bit:
                    return False  # bus shut: the access faults
                entry = (address - base) // PAGE
                value = self._mmu[entry]
                if value & MMU_INVALID:
                    return False
                page = value & 0xFF
                if (page + 1) * PAGE > self._flash_size:
                    return False
                vaddr = base + entry * PAGE
                uc.mem_map_ptr(vaddr, PAGE, perms, ctypes.addressof(backing) + page * PAGE)
                self._mapped.add(vaddr)
                return True
        return False

    def _invalidate_cache(self, uc: Uc) -> None:
        for vaddr in sorted(self._mapped):
            uc.mem_unmap(vaddr, PAGE)
        self._mapped.clear()

    # ----------------------------------------------------------------- peripherals

    def _systimer_now(self) -> int:
        return (time.monotonic_ns() - self._t0) * SYSTIMER_HZ // 1_000_000_000

    def _mmio_read(self, uc: Uc, offset: int, size: int, data: Any) -> int:
        word = offset & ~3
        shift = (offset & 3) * 8
        return (self._read_word(word) >> shift) & ((1 << (8 * size)) - 1)

    def _read_word(self, off: int) -> int:
        for uart, base in zip(self._uarts, UART_BASES, strict=True):
            if base <= off < base + 0x100:
                return uart.read(off - base)
        if off == SYSTIMER + 0x04:
            return self._regs.get(off, 0) | (1 << 29)  # VALUE_VALID: the snapshot is immediate
        if off == SYSTIMER + 0x40:
            return (self._latched >> 32) & 0xFFFFF
        if off == SYSTIMER + 0x44:
            return self._latched & 0xFFFFFFFF
        if off == EXTMEM + 0x04:
            return self._icache_ctrl1
        if off == EXTMEM + 0x28:
            return (self._regs.get(off, 0) & ~1) | (1 << 1)  # invalidate done at once
        if MMU_TABLE <= off < MMU_TABLE + 4 * MMU_ENTRIES:
            return self._mmu[(off - MMU_TABLE) // 4]
        return self._regs.get(off, 0)

    def _mmio_write(self, uc: Uc, offset: int, size: int, value: int, data: Any) -> None:
        off = offset & ~3
        if size < 4:  # byte/halfword stores merge into the register
            shift = (offset & 3) * 8
            mask = ((1 << (8 * size)) - 1) << shift
            value = (self._read_word(off) & ~mask) | ((value << shift) & mask)
        for uart, base in zip(self._uarts, UART_BASES, strict=True):
            if base <= off < base + 0x100:
                uart.write(off - base, value)
                return
        if off == SYSTIMER + 0x04 and value & (1 << 30):
            self._latched = self._systimer_now()
        elif off == RTC_CNTL and value & (1 << 31):
            # Stopping inside an MMIO access leaves pc on this store; fine, it is never resumed.
            self._reset_request = True
            uc.emu_stop()
        elif off == EXTMEM + 0x04:
            self._icache_ctrl1 = value & 0x3
            if value & 0x3:
                self._invalidate_cache(uc)
        elif off == EXTMEM + 0x28 and value & 1:
            self._invalidate_cache(uc)
        elif MMU_TABLE <= off < MMU_TABLE + 4 * MMU_ENTRIES:
            self._mmu[(off - MMU_TABLE) // 4] = value & 0x1FF
            return
        self._regs[off] = value


def _patch_wfi(flash: bytes) -> bytes:
    """`flash` with each halfword-aligned wfi replaced by ebreak (for the instruction fetch view)."""
    data = bytearray(flash)
    wfi = struct.pack("<I", WFI)
    ebreak = struct.pack("<I", EBREAK)
    index = data.find(wfi)
    while index >= 0:
        if index % 2 == 0:
            data[index:index + 4] = ebreak
        index = data.find(wfi, index + 2)
    return bytes(data)


def merged_image_path(board: Any) -> Path:
    from kiln.build import build_dir

    return build_dir(board) / "firmware-merged.bin"


def run_interactive(board: Any, serial: str = "stdio") -> int:
    """`kiln run`: boots the board's merged image with the console on this terminal, a pty or TCP."""
    image = merged_image_path(board)
    if not image.exists():
        raise SystemExit(f"kiln: {image} does not exist; build {board.build_id} first")
    flash = board.data.get("flash", {}).get("size", "4M")
    from kiln.schema import parse_size

    size = parse_size(flash) or 4 * 1024 * 1024
    if serial == "stdio":
        return _run_stdio(Esp32c3Emulator(image, flash_size=size))
    mode = "pty" if serial == "pty" else "tcp"
    with Esp32c3Emulator(image, mode=mode, flash_size=size) as emu:
        where = emu.pty_path if mode == "pty" else f"socket://127.0.0.1:{emu.tcp_port}"
        print(f"kiln: {board.build_id} console on {where} (Ctrl-C to stop)", file=sys.stderr)
        try:
            result = emu.wait(10**9)
        except KeyboardInterrupt:
            return 130
    return result.code if result.code is not None else 1


def _run_stdio(emu: Esp32c3Emulator) -> int:
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    printed = 0
    try:
        if saved is not None:
            tty.setraw(fd)
        emu.start()
        while True:
            out = emu.output
            if len(out) > printed:
                os.write(sys.stdout.fileno(), out[printed:])
                printed = len(out)
            result = emu.wait(0.02)
            if result.kind != "timeout":
                out = emu.output
                os.write(sys.stdout.fileno(), out[printed:])
                break
            ready, _, _ = select.select([fd], [], [], 0)
            if ready:
                data = os.read(fd, 1024)
                if not data or b"\x1d" in data:  # end of input or Ctrl-] (as in telnet) leaves
                    result = RunResult("stopped", 0, "console closed")
                    break
                emu.write(data)
    finally:
        if saved is not None:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        emu.stop()
    if result.kind not in ("exit", "stopped"):
        print(f"\r\nkiln: {result.kind}: {result.detail}", file=sys.stderr)
    return result.code if result.code is not None else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Boot a merged ESP32-C3 flash image in the unicorn model.")
    parser.add_argument("image", type=Path)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--pty", action="store_true", help="serve UART0 on a pseudo-terminal")
    group.add_argument("--tcp", type=int, metavar="PORT", help="serve UART0 on 127.0.0.1:PORT")
    parser.add_argument("--timeout", type=float, default=None, help="stop after this many seconds")
    args = parser.parse_args(argv)
    if not args.pty and args.tcp is None:
        return _run_stdio(Esp32c3Emulator(args.image))
    mode = "pty" if args.pty else "tcp"
    with Esp32c3Emulator(args.image, mode=mode, tcp_port=args.tcp or 0) as emu:
        where = emu.pty_path if args.pty else f"socket://127.0.0.1:{emu.tcp_port}"
        print(f"esp32c3: UART0 on {where}", file=sys.stderr, flush=True)
        result = emu.wait(args.timeout if args.timeout else 10**9)
    print(f"esp32c3: {result.kind} {result.detail}", file=sys.stderr)
    return result.code if result.code is not None else 1


if __name__ == "__main__":
    sys.exit(main())
