"""ESP32-C6 emulation with unicorn: the ESP32-C3 harness (esp32c3.py: ROM model, bootloader, slices,
interrupt delivery, console modes, exit protocol) on the C6's memory map and registers.

    with Esp32c6Emulator(Path("build/ESP32_GENERIC_C6/firmware-merged.bin")) as emu:
        banner = emu.read_until(b">>> ")

Modelled: HP SRAM (512 KiB at 0x40800000, one address space for code and data) and LP SRAM, the
ROM's loading of the image at flash 0x0 (chip id 13), the flash MMU behind SPI0's
MMU_ITEM_INDEX/CONTENT registers (256 entries of 64 KiB: code in 0x42000000..0x427FFFFF, data in
0x42800000..0x42FFFFFF), the L1 cache bus-shut and sync (invalidate) registers, UART0/1 (C6 layout:
8-bit FIFO counts, REG_UPDATE at 0x98, core clock from PCR; UART1 on the pads the matrix routes
it to), SYSTIMER at 0x6000A000, the interrupt matrix at 0x60010000 with the HP CPU's PLIC-style
line controller at 0x20001000 (enable, type, priority, threshold, and the per-line gate in the mie
CSR), PCR's system clock registers, and
LP_AON (STORE0 for the exit protocol, SYS_CFG's software reset and force-download bits), and the
C3's GPIO matrix/IO_MUX model on the C6's 31 pads (GPIO 0x60091000, IO_MUX 0x60090000; no GPIO
interrupt source yet). The other ESP32-C3 machine-driver models (I2C, SPI, LEDC, TIMG, ADC, SPI1
flash) are not wired to the C6: its drivers do not exist yet. Anything else in 0x60000000..0x600D0000 reads back what was written.

    python -m kiln.emulators.esp32c3 --chip esp32c6 build/ESP32_GENERIC_C6/firmware-merged.bin
"""

from __future__ import annotations

import ctypes
import time
from pathlib import Path
from typing import Any

from unicorn import UC_ARCH_RISCV, UC_HOOK_MEM_UNMAPPED, UC_MODE_RISCV32, UC_PROT_ALL, Uc
from unicorn import riscv_const as rv

from kiln.emulators.esp32c3 import (
    APB_HZ,
    MMU_INVALID,
    PAGE,
    PERIPH_BASE,
    PERIPH_SIZE,
    RC_FAST_HZ,
    SYSTIMER_HZ,
    XTAL_HZ,
    Esp32c3Emulator,
    _bits,
    _Gpio,
    _Uart,
)

HP_SRAM = 0x40800000
HP_SRAM_SIZE = 0x80000
LP_SRAM = 0x50000000
LP_SRAM_SIZE = 0x4000
FLASH_WINDOW = 0x42000000
FLASH_WINDOW_SIZE = 0x1000000
MMU_ENTRIES_C6 = 256
MMU_VALID = 1 << 9
PLIC_MX = 0x20001000
ROM_STACK_C6 = 0x4087F000

# Peripheral offsets from PERIPH_BASE.
UART_BASES_C6 = (0x00000, 0x01000)
UART_SOURCES_C6 = (43, 44)
SPI0 = 0x02000
SYSTIMER_C6 = 0x0A000
IO_MUX_C6 = 0x90000
GPIO_C6 = 0x91000
GPIO_PINS_C6 = 31
INTMTX_C6 = 0x10000
PCR = 0x96000
LP_AON = 0xB1000
CACHE = 0xC8000
PCR_SYSCLK_RESET = 0x28000200  # XTAL 40 MHz, HS_DIV 2 (SPLL / 3), SOC_CLK_SEL 0 = XTAL


class _Uart6(_Uart):
    """A C6 UART: REG_UPDATE (0x98) completes at once; the core clock comes from PCR."""

    def read(self, off: int) -> int:
        if off == 0x98:
            return 0
        return super().read(off)


class Esp32c6Emulator(Esp32c3Emulator):
    """Boots a merged ESP32-C6 flash image in unicorn; talk to UART0 with read_until/write."""

    CHIP = "esp32c6"
    ROM_BANNER = "ESP-ROM:esp32c6 (kiln unicorn model)"
    ROM_STACK = ROM_STACK_C6

    def __init__(self, firmware: Path | str | bytes, *, mode: str = "pipe", tcp_port: int = 0,
                 flash_size: int = 4 * 1024 * 1024, rom_clock: str = "xtal",
                 mac: bytes = bytes.fromhex("60550f9a1b2c")) -> None:
        # The ROM leaves the C6 on its reset clock (XTAL) by default; "pll" models a SPLL at 160 MHz.
        super().__init__(firmware, mode=mode, tcp_port=tcp_port, flash_size=flash_size, rom_clock=rom_clock, mac=mac)
        self._sram = ctypes.create_string_buffer(HP_SRAM_SIZE)
        self._uarts = (_Uart6(lambda b: self._uart_tx(0, b)), _Uart6(lambda b: self._uart_tx(1, b)))
        self._plic: dict[int, int] = {}
        self._mmu_index = 0
        # The C3's GPIO matrix/IO_MUX model on the C6's 31 pads (IO_MUX sits just below GPIO; U0TXD is GPIO16).
        self.gpio = _Gpio(self, pins=GPIO_PINS_C6, iomux_offset=IO_MUX_C6 - GPIO_C6, u0txd=16)

    # ----------------------------------------------------------------- the machine

    def _reset_machine(self) -> None:
        uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV32)
        uc.mem_map_ptr(HP_SRAM, HP_SRAM_SIZE, UC_PROT_ALL, ctypes.addressof(self._sram))
        uc.mem_map(LP_SRAM, LP_SRAM_SIZE, UC_PROT_ALL)
        uc.mmio_map(PERIPH_BASE, PERIPH_SIZE, self._mmio_read, None, self._mmio_write, None)
        uc.mmio_map(PLIC_MX, 0x1000, self._plic_read, None, self._plic_write, None)
        uc.hook_add(UC_HOOK_MEM_UNMAPPED, self._unmapped)
        with self._lock:
            self._uc = uc
            self._return_hook = None
            self._regs = dict(self._rtc_retained)
            self._mmu = [MMU_INVALID] * MMU_ENTRIES_C6
            self._mmu_index = 0
            self._mapped = set()
            self._icache_ctrl1 = 0  # L1_CACHE_CTRL: both buses open after reset
            self._reset_request = None
            self._latched = 0
            self._t0 = time.monotonic_ns()
            self._rtc_wdt_feed = time.monotonic()
            self._plic = {}
            for uart in self._uarts:
                uart.regs.clear()
                uart.fifo.clear()
            self.gpio.reset()
            self._regs[PCR + 0x110] = PCR_SYSCLK_RESET | ((1 << 16) if self.rom_clock == "pll" else 0)

    def _sram_offset(self, addr: int, length: int) -> int | None:
        if HP_SRAM <= addr and addr + length <= HP_SRAM + HP_SRAM_SIZE:
            return addr - HP_SRAM
        return None

    def _force_download(self) -> bool:
        return bool(self._regs.get(LP_AON + 0x34, 0) & (1 << 30))  # LP_AON_SYS_CFG.FORCE_DOWNLOAD_BOOT

    def _exit_store(self) -> int:
        return self._regs.get(LP_AON, 0)  # LP_AON_STORE0

    def _is_retained(self, off: int) -> bool:
        return LP_AON <= off <= LP_AON + 0x24 or off == LP_AON + 0x34

    def _check_watchdogs(self) -> None:
        """The C6 watchdog models are not written: a disabled watchdog never fires."""

    def clock_on(self, bit: int) -> bool:
        return True

    def uart_baud(self, index: int) -> float:
        with self._lock:
            clkdiv = self._uarts[index].regs.get(0x14, 0)
            div16 = (clkdiv & 0xFFF) * 16 + _bits(clkdiv, 20, 4)
            sclk_conf = self._regs.get(PCR + 0x04 + 0x0C * index, 0x00700000)
            source = {1: APB_HZ, 2: RC_FAST_HZ, 3: XTAL_HZ}.get(_bits(sclk_conf, 20, 2), 0)
            return source / (_bits(sclk_conf, 12, 8) + 1) * 16 / div16 if div16 else 0.0

    # ----------------------------------------------------------------- interrupts

    def _asserted_sources(self) -> list[int]:
        return [source for uart, source in zip(self._uarts, UART_SOURCES_C6, strict=True) if uart.pending()]

    def _pending_line(self) -> int | None:
        """PLIC-MX: a mapped source raises its line if enabled there and in mie, above the threshold."""
        uc = self._uc
        mie = int(uc.reg_read(rv.UC_RISCV_REG_MIE)) if uc is not None else 0
        with self._lock:
            enable = self._plic.get(0x00, 0) & mie
            threshold = self._plic.get(0x90, 0)
            best: tuple[int, int] | None = None
            for source in self._asserted_sources():
                line = self._regs.get(INTMTX_C6 + 4 * source, 0) & 0x1F
                if line == 0 or not enable >> line & 1:
                    continue
                priority = self._plic.get(0x10 + 4 * line, 0) & 0xF
                if priority == 0 or priority <= threshold:
                    continue
                if best is None or priority > best[0]:
                    best = (priority, line)
            return None if best is None else best[1]

    def _plic_read(self, uc: Uc, offset: int, size: int, data: Any) -> int:
        with self._lock:
            if not self._mmio_gate(uc):
                return 0
            return self._plic.get(offset & ~3, 0)

    def _plic_write(self, uc: Uc, offset: int, size: int, value: int, data: Any) -> None:
        with self._lock:
            if self._mmio_gate(uc):
                self._plic[offset & ~3] = value
                self._last_mmio = time.monotonic()

    # ----------------------------------------------------------------- flash MMU and cache

    def _unmapped(self, uc: Uc, access: int, address: int, size: int, value: int, data: Any) -> bool:
        if not FLASH_WINDOW <= address < FLASH_WINDOW + FLASH_WINDOW_SIZE or self._icache_ctrl1 & 0x3:
            return False  # outside the window, or a cache bus is shut
        entry = (address - FLASH_WINDOW) // PAGE
        mapping = self._mmu[entry]
        if mapping & MMU_INVALID:
            return False
        page = mapping & 0xFF
        if (page + 1) * PAGE > self._flash_size:
            return False
        backing = self._ifetch_flash if entry < MMU_ENTRIES_C6 // 2 else self._flash  # code half sees no wfi
        vaddr = FLASH_WINDOW + entry * PAGE
        uc.mem_map_ptr(vaddr, PAGE, UC_PROT_ALL, ctypes.addressof(backing) + page * PAGE)
        self._mapped.add(vaddr)
        return True

    # ----------------------------------------------------------------- peripherals

    def _read_word(self, off: int) -> int:
        for uart, base in zip(self._uarts, UART_BASES_C6, strict=True):
            if base <= off < base + 0x100:
                return uart.read(off - base)
        if off & ~0xFFF in (IO_MUX_C6, GPIO_C6):
            return self.gpio.read(off - GPIO_C6)
        if off == SYSTIMER_C6 + 0x04:
            return self._regs.get(off, 0) | (1 << 29)
        if off == SYSTIMER_C6 + 0x40:
            return (self._latched >> 32) & 0xFFFFF
        if off == SYSTIMER_C6 + 0x44:
            return self._latched & 0xFFFFFFFF
        if off == SPI0 + 0x37C:
            mapping = self._mmu[self._mmu_index]
            return 0 if mapping & MMU_INVALID else (mapping & 0xFF) | MMU_VALID
        if off == SPI0 + 0x380:
            return self._mmu_index
        if off == CACHE + 0x04:
            return self._icache_ctrl1
        if off == CACHE + 0x98:
            return (self._regs.get(off, 0) & ~1) | (1 << 4)  # the invalidate is done at once
        if off == 0xB0800 + 0x44:  # eFuse BLOCK1 MAC, as on the C3
            return int.from_bytes(self.mac[2:], "big")
        if off == 0xB0800 + 0x48:
            return int.from_bytes(self.mac[:2], "big")
        return self._regs.get(off, 0)

    def _write_word(self, uc: Uc, off: int, value: int) -> None:
        for uart, base in zip(self._uarts, UART_BASES_C6, strict=True):
            if base <= off < base + 0x100:
                uart.write(off - base, value)
                return
        if off & ~0xFFF in (IO_MUX_C6, GPIO_C6):
            self.gpio.write(off - GPIO_C6, value)
            return
        if off == SYSTIMER_C6 + 0x04 and value & (1 << 30):
            self._latched = (time.monotonic_ns() - self._t0) * SYSTIMER_HZ // 1_000_000_000
        elif off == SPI0 + 0x380:
            self._mmu_index = value % MMU_ENTRIES_C6
        elif off == SPI0 + 0x37C:
            self._mmu[self._mmu_index] = (value & 0xFF) if value & MMU_VALID else MMU_INVALID
            return
        elif off == CACHE + 0x04:
            self._icache_ctrl1 = value & 0x3
            if value & 0x3:
                self._invalidate_cache(uc)
        elif off == CACHE + 0x98 and value & 1:
            self._invalidate_cache(uc)
        elif off == LP_AON + 0x34 and value & (1 << 31):
            self._reset_request = 3  # HPSYS_SW_RESET: a software system reset
            uc.emu_stop()
        self._regs[off] = value
