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
UART0/1 (TX FIFO out, RX FIFO in, STATUS counts, RXFIFO_FULL/TOUT interrupts, the baud divider),
SYSTIMER unit 0 (16 MHz from host time), the interrupt matrix (map, enable, priority, threshold)
with vectored delivery to mtvec (unicorn never vectors by itself) and `wfi` as a wait for input,
and RTC_CNTL software reset. Anything else in 0x60000000..0x600D0000 reads back what was written.

Peripheral models for the drivers (each checks its SYSTEM clock gate like the silicon would):
the GPIO matrix and IO_MUX (pad levels from GPIO_OUT/ENABLE, open drain, pulls, routed peripheral
signals, externally driven inputs via `gpio_drive`, edge/level interrupts into GPIO_STATUS), UART1
on whatever pins the matrix routes it to (`serial_output`/`serial_input`), I2C0's command list
(RSTART/WRITE/READ/STOP/END, ACK checking, FIFOs) against target devices on the routed pins
(`add_i2c_device`, e.g. `I2cMemoryDevice`), GP-SPI2 transfers (`set_spi_device`, `spi_log`), LEDC
timers/channels with parameter-update latching (`pwm_state`), both TIMG T0 timers with alarms,
auto-reload and interrupts, the MWDTs and the RTC WDT (a starved watchdog resets the chip with its
reset reason), eFuse BLOCK1's MAC (`mac=`), SAR ADC1 one-shot conversions (`set_adc`), the reset
reason register, the force-download option (the run ends with kind "download"), and SPI1 with a
SPI NOR behind it: WREN/RDSR/SE/PP/READ/RDID change the flash the CPU sees (`flash`,
`flash_log`), and a command issued while the cache buses are open is counted in
`flash_cache_violations`; and the USB-Serial-JTAG endpoint (`usb_write`, `usb_output`; a host that
stops reading, `usb_host_reading(False)`, leaves the 64-byte IN FIFO full).

Interrupts are delivered between execution slices of about SLICE_US. Ending a slice needs care:
when a stop request is pending during an MMIO access, unicorn returns with pc on that instruction
and executes it again on restart, so a plain emu_stop() from a timer thread (unicorn's own timeout
included) prints a UART byte twice or pops a FIFO twice. Here the access that finds a stop pending
does nothing: it happens once, when the instruction runs again (after an interrupt handler, if one
is taken: mepc points at it). MMIO callbacks end overdue slices themselves; a ticker thread steps in
only for code that has touched no peripheral for IDLE_ESCALATION seconds (a stop it requests while an
access is still finishing inside unicorn would replay that access, so it waits for a quiet bus).
(Instruction-count slices are no substitute: unicorn counts only in blocks translated for the
counted run, and a budget that suits plain code lasts seconds in a register-polling loop.)

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

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

from kiln.emulators.console import ConsoleLog, EmulatorError

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
SPI1 = 0x02000
GPIO = 0x04000
RTC_CNTL = 0x08000
EFUSE = 0x08800
IO_MUX = 0x09000
I2C0 = 0x13000
LEDC = 0x19000
TIMG_BASES = (0x1F000, 0x20000)
TIMG_SOURCES = (32, 34)
SYSTIMER = 0x23000
SPI2 = 0x24000
SARADC = 0x40000
USB_SERIAL_JTAG = 0x43000
USB_SOURCE = 26
SYSTEM = 0xC0000
INTMTX = 0xC2000
EXTMEM = 0xC4000
MMU_TABLE = 0xC5000
GPIO_SOURCE = 16

EXIT_MAGIC = 0x4B4C4E00
WFI = 0x10500073
EBREAK = 0x00100073
MIE_WAIT_LIMIT = 10_000
SLICE_US = 20_000
IDLE_STEPS = 10_000_000  # instruction bound for the MIE watch after wfi (a hook stops it sooner)
IDLE_ESCALATION = 0.2  # seconds without any MMIO access before the ticker stops a slice from outside
MSTATUS_MIE = 1 << 3
MSTATUS_MPIE = 1 << 7
MSTATUS_MPP = 3 << 11
SYSTIMER_HZ = 16_000_000
XTAL_HZ = 40_000_000
APB_HZ = 80_000_000
RC_FAST_HZ = 17_500_000
RC_SLOW_HZ = 136_000
ROM_STACK = 0x3FCDF000
WDT_KEY = 0x50D83AA1

# SYSTEM_PERIP_CLK_EN0 after reset (TRM): I2C0 (bit 7) and LEDC (bit 11) start gated.
PERIP_CLK_EN0_RESET = 0xF9C1E06F
CLK_UART0, CLK_UART1, CLK_SPI2, CLK_I2C0, CLK_LEDC = 1 << 2, 1 << 5, 1 << 6, 1 << 7, 1 << 11
CLK_TIMG = (1 << 13, 1 << 15)
CLK_SARADC = 1 << 28

# RTC_CNTL reset reasons (the numbers the ROM prints after "rst:").
RESET_NAMES = {1: "POWERON", 3: "RTC_SW_SYS_RST", 7: "TG0WDT_SYS_RST", 8: "TG1WDT_SYS_RST",
               9: "RTCWDT_SYS_RST", 11: "TG0WDT_CPU_RST", 13: "RTCWDT_CPU_RST", 16: "RTCWDT_RTC_RST",
               17: "TG1WDT_CPU_RST"}

# GPIO matrix signals the models look for.
SIG_UART_TX = (6, 9)
SIG_UART_RX = (6, 9)
SIG_LEDC0 = 45
SIG_I2C_SCL, SIG_I2C_SDA = 53, 54
SIG_FSPICLK, SIG_FSPIQ, SIG_FSPID = 63, 64, 65
GPIO_PINS = 22




@dataclass(frozen=True)
class RunResult:
    """How a run ended: kind is exit, boot-failure, fault, download, timeout or stopped."""

    kind: str
    code: int | None
    detail: str


def _bits(value: int, shift: int, width: int) -> int:
    return (value >> shift) & ((1 << width) - 1)


class _Uart:
    """One UART: TX bytes go to `sink`. RX bytes wait on the "wire" (`rx`) and enter the 128-byte
    FIFO at the configured baud rate, as they would from a real serial line."""

    FIFO_SIZE = 128

    def __init__(self, sink: Callable[[int], None]) -> None:
        self.sink = sink
        self.rx: deque[int] = deque()  # host bytes not yet received
        self.fifo: deque[int] = deque()
        self.regs: dict[int, int] = {}
        self.last_fill = time.monotonic()

    def push(self, data: bytes) -> None:
        """Bytes sent to this UART: the first starts arriving now."""
        if not self.rx:
            self.last_fill = time.monotonic()
        self.rx.extend(data)

    def fill(self) -> None:
        now = time.monotonic()
        if not self.rx or len(self.fifo) >= self.FIFO_SIZE:
            self.last_fill = now  # an idle line (or a full FIFO) builds up no credit
            return
        frame = 10 / (self.baud() or 115200)  # start + 8 data + stop bits
        arrived = int((now - self.last_fill) / frame)
        moved = 0
        while moved < arrived and self.rx and len(self.fifo) < self.FIFO_SIZE:
            self.fifo.append(self.rx.popleft())
            moved += 1
        self.last_fill = self.last_fill + moved * frame if moved == arrived else now

    def waiting(self) -> bool:
        return bool(self.rx)

    def rx_count(self) -> int:
        self.fill()
        return len(self.fifo)

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
            self.fill()
            return self.fifo.popleft() if self.fifo else 0
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

    def baud(self) -> float:
        """The bit rate CLKDIV and CLK_CONF give (0 when unconfigured)."""
        clkdiv = self.regs.get(0x14, 0)
        div16 = (clkdiv & 0xFFF) * 16 + _bits(clkdiv, 20, 4)
        conf = self.regs.get(0x78, 1 << 20)
        sclk = {1: APB_HZ, 2: RC_FAST_HZ, 3: XTAL_HZ}.get(_bits(conf, 20, 2), 0) / (_bits(conf, 12, 8) + 1)
        return sclk * 16 / div16 if div16 else 0.0


class _Gpio:
    """GPIO matrix + IO_MUX: pad levels from what the chip drives, external drivers and pulls."""

    def __init__(self, emu: Esp32c3Emulator, *, pins: int = GPIO_PINS, iomux_offset: int = IO_MUX - GPIO,
                 u0txd: int = 21) -> None:
        self.emu = emu
        self.pins = pins  # pads 0..pins-1
        self.iomux_offset = iomux_offset  # IO_MUX block relative to the GPIO block (negative on the C6)
        self.u0txd = u0txd  # the pad whose IO_MUX function 0 is U0TXD
        self.mask = (1 << pins) - 1
        self.external: dict[int, int] = {}  # the world outside the chip: kept across resets
        self.reset()

    def reset(self) -> None:
        self.out = 0
        self.enable = 0
        self.status = 0
        self.pin = [0] * self.pins
        self.in_sel = [0] * 128
        self.out_sel = [0x80] * self.pins
        # IO_MUX reset: FUN_IE, drive 2, function 0 (U0TXD/U0RXD on their pads, GPIO elsewhere).
        self.iomux = [(2 << 10) | (1 << 9)] * self.pins
        self.regs: dict[int, int] = {}
        self.levels = [self.pad(n) for n in range(self.pins)]

    def chip_drive(self, n: int) -> int | None:
        """The level the chip drives on pad n, or None when it does not drive it."""
        if _bits(self.iomux[n], 12, 3) != 1:
            return 1 if n == self.u0txd else None  # function 0 of the U0TXD pad: idle high
        sel = self.out_sel[n]
        signal = sel & 0xFF
        if signal == 0x80:
            level, enabled = (self.out >> n) & 1, (self.enable >> n) & 1
        else:
            level = self.emu.signal_level(signal)
            enabled = (self.enable >> n) & 1 if sel & (1 << 9) else 1
        if sel & (1 << 8):
            level ^= 1
        if not enabled or (self.pin[n] & (1 << 2) and level):
            return None  # output off, or open drain releasing the line
        return level

    def pad(self, n: int) -> int:
        driven = [v for v in (self.chip_drive(n), self.external.get(n)) if v is not None]
        if driven:
            return min(driven)  # wired-AND: whoever pulls low wins
        return 1 if self.iomux[n] & (1 << 8) else 0

    def routed_output(self, signal: int) -> list[int]:
        """Pads whose matrix output is `signal` (with the pad in GPIO-matrix function)."""
        return [n for n in range(self.pins)
                if self.out_sel[n] & 0xFF == signal and _bits(self.iomux[n], 12, 3) == 1]

    def routed_input(self, signal: int) -> int | None:
        sel = self.in_sel[signal]
        return sel & 0x1F if sel & (1 << 6) and sel & 0x1F < self.pins else None

    def update(self) -> None:
        """Recomputes pad levels; edges and levels set GPIO_STATUS for pins with a trigger."""
        new = [self.pad(n) for n in range(self.pins)]
        for n in range(self.pins):
            kind = _bits(self.pin[n], 7, 3)
            old = self.levels[n]
            hit = ((kind == 1 and not old and new[n]) or (kind == 2 and old and not new[n])
                   or (kind == 3 and old != new[n]) or (kind == 4 and not new[n]) or (kind == 5 and new[n]))
            if hit:
                self.status |= 1 << n
        self.levels = new

    def irq_pending(self) -> bool:
        return any(self.status >> n & 1 and self.pin[n] & (1 << 13) for n in range(self.pins))

    def read(self, off: int) -> int:
        if self.iomux_offset <= off < self.iomux_offset + 0x1000:
            index = (off - self.iomux_offset - 4) // 4
            return self.iomux[index] if 0 <= index < self.pins else self.regs.get(off, 0)
        if off == 0x04:
            return self.out
        if off == 0x20:
            return self.enable
        if off == 0x3C:
            return sum(1 << n for n in range(self.pins) if self.levels[n] and self.iomux[n] & (1 << 9))
        if off in (0x44, 0x5C):
            return self.status
        if 0x74 <= off < 0x74 + 4 * self.pins:
            return self.pin[(off - 0x74) // 4]
        if 0x154 <= off < 0x154 + 4 * 128:
            return self.in_sel[(off - 0x154) // 4]
        if 0x554 <= off < 0x554 + 4 * self.pins:
            return self.out_sel[(off - 0x554) // 4]
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if self.iomux_offset <= off < self.iomux_offset + 0x1000:
            index = (off - self.iomux_offset - 4) // 4
            if 0 <= index < self.pins:
                self.iomux[index] = value
            else:
                self.regs[off] = value
        elif off == 0x04:
            self.out = value & self.mask
        elif off == 0x08:
            self.out |= value & self.mask
        elif off == 0x0C:
            self.out &= ~value
        elif off == 0x20:
            self.enable = value & self.mask
        elif off == 0x24:
            self.enable |= value & self.mask
        elif off == 0x28:
            self.enable &= ~value
        elif off == 0x44:
            self.status = value & self.mask
        elif off == 0x48:
            self.status |= value & self.mask
        elif off == 0x4C:
            self.status &= ~value
            for n in range(self.pins):  # a level trigger that still holds asserts again at once
                kind = _bits(self.pin[n], 7, 3)
                if (kind == 4 and not self.levels[n]) or (kind == 5 and self.levels[n]):
                    self.status |= 1 << n
        elif 0x74 <= off < 0x74 + 4 * self.pins:
            self.pin[(off - 0x74) // 4] = value
        elif 0x154 <= off < 0x154 + 4 * 128:
            self.in_sel[(off - 0x154) // 4] = value
        elif 0x554 <= off < 0x554 + 4 * self.pins:
            self.out_sel[(off - 0x554) // 4] = value
        else:
            self.regs[off] = value
        self.update()


class I2cDevice(Protocol):
    """An I2C target: `start` after its address matched, `write` returns the ACK, `read` a byte."""

    def start(self, read: bool) -> None: ...
    def write(self, byte: int) -> bool: ...
    def read(self) -> int: ...
    def stop(self) -> None: ...


class I2cMemoryDevice:
    """A 24C02-like memory: the first byte written sets the pointer, later bytes store/read on."""

    def __init__(self, data: bytes | None = None, size: int = 256) -> None:
        self.memory = bytearray(data if data is not None else b"\xff" * size)
        self.pointer = 0
        self._expect_pointer = False

    def start(self, read: bool) -> None:
        self._expect_pointer = not read

    def write(self, byte: int) -> bool:
        if self._expect_pointer:
            self.pointer = byte % len(self.memory)
            self._expect_pointer = False
        else:
            self.memory[self.pointer] = byte
            self.pointer = (self.pointer + 1) % len(self.memory)
        return True

    def read(self) -> int:
        byte = self.memory[self.pointer]
        self.pointer = (self.pointer + 1) % len(self.memory)
        return byte

    def stop(self) -> None:
        self._expect_pointer = False


@dataclass
class I2cTransfer:
    """One addressed transfer as seen on the bus: address, direction, bytes, whether it was ACKed."""

    addr: int
    read: bool
    data: bytearray = field(default_factory=bytearray)
    acked: bool = True


class _I2c:
    """I2C0 master: executes COMD0..7 on TRANS_START against devices wired to the routed pins."""

    NACK, END_DETECT, TRANS_COMPLETE, TXFIFO_UDF = 1 << 10, 1 << 3, 1 << 7, 1 << 6

    def __init__(self, emu: Esp32c3Emulator) -> None:
        self.emu = emu
        self.devices: dict[int, tuple[I2cDevice, int, int]] = {}  # addr -> (device, scl, sda)
        self.stuck = False  # a target holding SCL low: nothing ever completes
        self.log: list[I2cTransfer] = []
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {}
        self.tx: deque[int] = deque()
        self.rx: deque[int] = deque()
        self.raw = 0
        self.active: I2cDevice | None = None
        self.expect_addr = False

    def wired(self, scl: int, sda: int) -> bool:
        gpio = self.emu.gpio
        return (scl in gpio.routed_output(SIG_I2C_SCL) and gpio.routed_input(SIG_I2C_SCL) == scl
                and sda in gpio.routed_output(SIG_I2C_SDA) and gpio.routed_input(SIG_I2C_SDA) == sda)

    def freq(self) -> float:
        clk = self.regs.get(0x54, 0)
        src = RC_FAST_HZ if clk & (1 << 20) else XTAL_HZ
        high = self.regs.get(0x38, 0)
        period = (self.regs.get(0x00, 0) & 0x1FF) + 1 + (high & 0x1FF) + _bits(high, 9, 7)
        return src / ((clk & 0xFF) + 1) / period if period > 1 else 0.0

    def read(self, off: int) -> int:
        if off == 0x08:
            return (min(len(self.rx), 63) << 8) | (min(len(self.tx), 63) << 18)
        if off == 0x1C:
            return self.rx.popleft() if self.rx else 0
        if off == 0x20:
            return self.raw
        if off == 0x2C:
            return self.raw & self.regs.get(0x28, 0)
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if off == 0x04:
            if value & (1 << 10):  # FSM_RST
                self.abort()
            self.regs[off] = value & ~((1 << 5) | (1 << 10) | (1 << 11))
            if value & (1 << 5):
                self.execute()
            return
        if off == 0x18:
            if value & (1 << 12):
                self.rx.clear()
            if value & (1 << 13):
                self.tx.clear()
        elif off == 0x1C:
            if len(self.tx) < 32:
                self.tx.append(value & 0xFF)
            else:
                self.raw |= 1 << 11  # TXFIFO_OVF
            return
        elif off == 0x24:
            self.raw &= ~value
            return
        self.regs[off] = value

    def abort(self) -> None:
        if self.active is not None:
            self.active.stop()
        self.active = None
        self.expect_addr = False

    def execute(self) -> None:
        if self.stuck or not self.emu.clock_on(CLK_I2C0):
            return  # SCL held low / controller unclocked: no interrupt will ever come
        for i in range(8):
            reg = 0x58 + 4 * i
            cmd = self.regs.get(reg, 0)
            op, count = _bits(cmd, 11, 3), cmd & 0xFF
            if op == 6:  # RSTART
                self.expect_addr = True
            elif op == 1:  # WRITE
                for _ in range(count):
                    if not self.tx:
                        self.raw |= self.TXFIFO_UDF
                        self.abort()
                        return
                    if not self.byte_out(self.tx.popleft(), cmd):
                        return
            elif op == 3:  # READ
                for _ in range(count):
                    byte = self.active.read() if self.active is not None else 0xFF
                    if self.log and self.active is not None:
                        self.log[-1].data.append(byte)
                    if len(self.rx) < 32:
                        self.rx.append(byte)
            elif op == 2:  # STOP
                self.abort()
                self.regs[reg] = cmd | 1 << 31
                self.raw |= self.TRANS_COMPLETE
                return
            elif op == 4:  # END: hold the bus until the next TRANS_START
                self.regs[reg] = cmd | 1 << 31
                self.raw |= self.END_DETECT
                return
            else:
                return  # unknown op: the controller stalls
            self.regs[reg] = cmd | 1 << 31

    def byte_out(self, byte: int, cmd: int) -> bool:
        if self.expect_addr:
            self.expect_addr = False
            if self.active is not None:
                self.active.stop()  # repeated start
            addr, read = byte >> 1, bool(byte & 1)
            entry = self.devices.get(addr)
            device = entry[0] if entry is not None and self.wired(entry[1], entry[2]) else None
            self.active = device
            if device is not None:
                device.start(read)
            self.log.append(I2cTransfer(addr, read, acked=device is not None))
            ack = device is not None
        else:
            ack = self.active.write(byte) if self.active is not None else False
            if self.active is not None:
                self.log[-1].data.append(byte)
        if cmd & (1 << 8) and (0 if ack else 1) != _bits(cmd, 9, 1):
            self.raw |= self.NACK
            self.abort()
            return False
        return True


@dataclass
class SpiTransfer:
    """One GP-SPI2 transaction: SPI mode, clock rate, bytes out (MOSI) and in (MISO)."""

    mode: int
    baud: float
    lsb_first: bool
    mosi: bytes
    miso: bytes


class _Spi2:
    """GP-SPI2 master: on USR, shifts MS_DLEN bits of W0..W15 out and the device's answer in."""

    def __init__(self, emu: Esp32c3Emulator) -> None:
        self.emu = emu
        self.device: tuple[Callable[[bytes], bytes], int, int, int] | None = None  # responder, sck, mosi, miso
        self.log: list[SpiTransfer] = []
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {}
        self.w = [0] * 16

    def mode(self) -> int:
        cpol = _bits(self.regs.get(0x20, 0), 29, 1)
        out_edge = _bits(self.regs.get(0x10, 0), 9, 1)
        return (cpol << 1) | (cpol ^ out_edge)

    def baud(self) -> float:
        src = APB_HZ if self.regs.get(0xE8, 0) & (1 << 2) else XTAL_HZ
        clock = self.regs.get(0x0C, 0)
        if clock & (1 << 31):
            return float(src)
        return src / ((_bits(clock, 18, 4) + 1) * (_bits(clock, 12, 6) + 1))

    def read(self, off: int) -> int:
        if 0x98 <= off < 0xD8:
            return self.w[(off - 0x98) // 4]
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if 0x98 <= off < 0xD8:
            self.w[(off - 0x98) // 4] = value
            return
        if off == 0x00:
            unclocked = not self.emu.clock_on(CLK_SPI2) or not self.regs.get(0xE8, 0) & 1
            if value & (1 << 24) and not unclocked:
                self.transfer()
            self.regs[off] = value & (1 << 24) if unclocked else 0  # an unclocked USR never finishes
            return
        self.regs[off] = value

    def transfer(self) -> None:
        length = ((self.regs.get(0x1C, 0) & 0x3FFFF) + 1) // 8
        raw = b"".join(struct.pack("<I", w) for w in self.w)
        mosi = raw[:length]
        miso = b"\xff" * length
        if self.device is not None:
            responder, sck, mosi_pin, miso_pin = self.device
            gpio = self.emu.gpio
            if (sck in gpio.routed_output(SIG_FSPICLK) and mosi_pin in gpio.routed_output(SIG_FSPID)
                    and gpio.routed_input(SIG_FSPIQ) == miso_pin):
                miso = bytes(responder(mosi))[:length].ljust(length, b"\xff")
        buffer = bytearray(raw)
        buffer[:length] = miso
        self.w = list(struct.unpack("<16I", bytes(buffer)))
        lsb = bool(self.regs.get(0x08, 0) & (1 << 26))
        self.log.append(SpiTransfer(self.mode(), self.baud(), lsb, mosi, miso))


@dataclass(frozen=True)
class PwmState:
    """What an LEDC channel outputs: its pads, frequency, duty (0..1) and whether it runs."""

    pins: tuple[int, ...]
    freq: float
    duty: float
    resolution: int
    running: bool


class _Ledc:
    """LEDC low-speed timers and channels; settings take effect on PARA_UP, as in the silicon."""

    def __init__(self, emu: Esp32c3Emulator) -> None:
        self.emu = emu
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {}
        self.timers = [(0, 0, True)] * 4  # (duty_res, div, held in reset)
        self.channels = [(0, False, 0, 0)] * 6  # (timer, sig_out_en, duty<<4, hpoint)

    def read(self, off: int) -> int:
        if off < 0x78 and off % 0x14 == 0x10:
            return self.channels[off // 0x14][2]
        return self.regs.get(off, 0x00800000 if 0xA0 <= off < 0xC0 and off % 8 == 0 else 0)

    def write(self, off: int, value: int) -> None:
        self.regs[off] = value
        if not self.emu.clock_on(CLK_LEDC):
            return
        if off < 0x78 and off % 0x14 == 0 and value & (1 << 4):  # channel CONF0 with PARA_UP
            ch = off // 0x14
            duty = self.regs.get(off + 8, 0) if self.regs.get(off + 0x0C, 0) & (1 << 31) else self.channels[ch][2]
            self.channels[ch] = (value & 3, bool(value & (1 << 2)), duty & 0x7FFFF, self.regs.get(off + 4, 0))
            self.regs[off] = value & ~(1 << 4)
            self.regs[off + 0x0C] = self.regs.get(off + 0x0C, 0) & ~(1 << 31)  # DUTY_START self-clears
        elif 0xA0 <= off < 0xC0 and off % 8 == 0 and value & (1 << 25):  # timer CONF with PARA_UP
            self.timers[(off - 0xA0) // 8] = (value & 0xF, _bits(value, 4, 18), bool(value & (3 << 22)))
            self.regs[off] = value & ~(1 << 25)

    def state(self, channel: int) -> PwmState:
        timer, enabled, duty, hpoint = self.channels[channel]
        res, div, held = self.timers[timer]
        conf = self.regs.get(0xD0, 0)
        src = {1: APB_HZ, 2: RC_FAST_HZ, 3: XTAL_HZ}.get(conf & 3, 0) if conf & (1 << 31) else 0
        freq = src * 256 / div / (1 << res) if div and res else 0.0
        fraction = min((duty >> 4) / (1 << res), 1.0) if res else 0.0
        running = enabled and not held and freq > 0
        return PwmState(tuple(self.emu.gpio.routed_output(SIG_LEDC0 + channel)), freq, fraction, res, running)

    def signal_level(self, channel: int) -> int:
        state = self.state(channel)
        return 1 if state.running and state.duty >= 0.5 else 0


class _Timg:
    """One timer group: T0 (54-bit counter, alarm, auto-reload, level interrupt) and its MWDT."""

    def __init__(self, emu: Esp32c3Emulator, index: int) -> None:
        self.emu = emu
        self.index = index
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {0x00: 0x60002000}
        self.base = 0  # counter value at t_start
        self.t_start = 0.0
        self.raw = 0
        self.latched = 0
        self.last_feed = 0.0

    # -- T0
    def _rate(self) -> float:
        cfg = self.regs[0x00]
        divider = _bits(cfg, 13, 16) or 65536
        return (XTAL_HZ if cfg & (1 << 9) else APB_HZ) / divider

    def _running(self) -> bool:
        return bool(self.regs[0x00] & (1 << 31)) and self.emu.clock_on(CLK_TIMG[self.index])

    def value(self, now: float) -> int:
        if not self._running():
            return self.base
        elapsed = int((now - self.t_start) * self._rate())
        return (self.base + elapsed) & ((1 << 54) - 1)

    def poll(self, now: float) -> None:
        cfg = self.regs[0x00]
        if not self._running() or not cfg & (1 << 10):
            return
        alarm = (self.regs.get(0x14, 0) << 32 | self.regs.get(0x10, 0)) & ((1 << 54) - 1)
        if self.value(now) < alarm:
            return
        t_alarm = self.t_start + max(alarm - self.base, 0) / self._rate()
        self.raw |= 1
        self.regs[0x00] = cfg & ~(1 << 10)  # the alarm disarms itself
        if cfg & (1 << 29):  # auto-reload from LOAD at the alarm instant: periods do not drift
            self.base = self.regs.get(0x1C, 0) << 32 | self.regs.get(0x18, 0)
            self.t_start = min(t_alarm, now)

    def next_alarm(self, now: float) -> float | None:
        cfg = self.regs[0x00]
        if not self._running() or not cfg & (1 << 10):
            return None
        alarm = self.regs.get(0x14, 0) << 32 | self.regs.get(0x10, 0)
        return self.t_start + max(alarm - self.base, 0) / self._rate()

    def irq_pending(self, now: float) -> bool:
        self.poll(now)
        return bool(self.raw & self.regs.get(0x70, 0) & 1)

    # -- MWDT
    def wdt_reason(self, now: float) -> int | None:
        cfg = self.regs.get(0x48, 0)
        action = _bits(cfg, 29, 2)
        if not cfg & (1 << 31) or action < 2:
            return None
        prescale = _bits(self.regs.get(0x4C, 0), 16, 16) or 65536
        clock = XTAL_HZ if cfg & (1 << 21) else APB_HZ
        if now - self.last_feed <= self.regs.get(0x50, 0) * prescale / clock:
            return None
        if action == 3:
            return 7 + self.index  # TG0WDT_SYS_RST / TG1WDT_SYS_RST
        return 11 if self.index == 0 else 17  # CPU reset

    def read(self, off: int, now: float) -> int:
        if off in (0x04, 0x08):
            return self.latched & 0xFFFFFFFF if off == 0x04 else self.latched >> 32
        if off == 0x0C:
            return 0  # the latch is immediate
        if off in (0x74, 0x78):
            self.poll(now)
            return self.raw if off == 0x74 else self.raw & self.regs.get(0x70, 0)
        return self.regs.get(off, 0)

    def write(self, off: int, value: int, now: float) -> None:
        if 0x48 <= off < 0x64 and self.regs.get(0x64, 0) != WDT_KEY:
            return  # MWDT registers are write-protected without the key
        if off == 0x00:
            self.base, self.t_start = self.value(now), now
            self.regs[0x00] = value & ~(1 << 12)
        elif off == 0x0C:
            self.latched = self.value(now)
        elif off == 0x20:
            self.base, self.t_start = self.regs.get(0x1C, 0) << 32 | self.regs.get(0x18, 0), now
        elif off == 0x7C:
            self.raw &= ~value
        elif off == 0x60:
            self.last_feed = now
        elif off == 0x48:
            if value & (1 << 31) and not self.regs.get(0x48, 0) & (1 << 31):
                self.last_feed = now
            self.regs[off] = value & ~(1 << 22)
        else:
            self.regs[off] = value


class _SarAdc:
    """APB_SARADC one-shot: a rising ONETIME_START with SAR1 selected converts the injected value."""

    def __init__(self, emu: Esp32c3Emulator) -> None:
        self.emu = emu
        self.values: dict[int, int] = {}  # channel -> 12-bit code, set by tests
        self.conversions: list[tuple[int, int]] = []  # (channel, atten)
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {0x20: 0x1A000000, 0x54: 0x04}
        self.raw = 0

    def read(self, off: int) -> int:
        if off == 0x44:
            return self.raw
        if off == 0x48:
            return self.raw & self.regs.get(0x40, 0)
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if off == 0x4C:
            self.raw &= ~value
            return
        before = self.regs.get(off, 0)
        self.regs[off] = value
        clocked = self.emu.clock_on(CLK_SARADC) and self.regs[0x54] & (1 << 20)
        if off == 0x20 and value & (1 << 29) and not before & (1 << 29) and value & (1 << 31) and clocked:
            channel, atten = _bits(value, 25, 4), _bits(value, 23, 2)
            self.conversions.append((channel, atten))
            self.regs[0x2C] = self.values.get(channel, 0) & 0xFFF
            self.raw |= 1 << 31  # ADC1_DONE


class _UsbSerialJtag:
    """USB-Serial-JTAG EP1: a 64-byte IN FIFO the host drains on WR_DONE (when it reads at all)
    and the bytes the host sent, popped from EP1."""

    FIFO = 64

    def __init__(self) -> None:
        self.to_host = bytearray()
        self.from_host: deque[int] = deque()
        self.host_reading = True
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {}
        self.in_fifo = bytearray()

    def raw_int(self) -> int:
        return (1 << 2 if self.from_host else 0) | (1 << 3 if not self.in_fifo else 0)  # OUT_RECV_PKT, IN_EMPTY

    def pending(self) -> bool:
        return bool(self.raw_int() & self.regs.get(0x10, 0))

    def read(self, off: int) -> int:
        if off == 0x00:
            return self.from_host.popleft() if self.from_host else 0
        if off == 0x04:
            return (2 if len(self.in_fifo) < self.FIFO else 0) | (4 if self.from_host else 0)
        if off == 0x08:
            return self.raw_int()
        if off == 0x0C:
            return self.raw_int() & self.regs.get(0x10, 0)
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if off == 0x00:
            if len(self.in_fifo) < self.FIFO:
                self.in_fifo.append(value & 0xFF)
        elif off == 0x04:
            if value & 1 and self.host_reading:  # WR_DONE: the host takes the packet
                self.to_host += self.in_fifo
                self.in_fifo.clear()
        elif off != 0x14:  # INT_CLR: the raw bits follow the FIFOs
            self.regs[off] = value


@dataclass(frozen=True)
class FlashCommand:
    """One SPI NOR command SPI1 put on the bus (opcode, address or None, data length)."""

    opcode: int
    addr: int | None
    length: int


class _SpiFlash:
    """SPI1 (SPI_MEM) in user-command and built-in modes, with a SPI NOR behind it that really
    erases and programs the emulated flash (NOR rules: program only clears bits, wraps in a page)."""

    ERASE_BUSY_POLLS = 3
    PROGRAM_BUSY_POLLS = 1
    JEDEC_ID = b"\xc8\x40\x16"  # a 4 MB GigaDevice-class part

    def __init__(self, emu: Esp32c3Emulator) -> None:
        self.emu = emu
        self.log: list[FlashCommand] = []
        self.violations = 0
        self.reset()

    def reset(self) -> None:
        self.regs: dict[int, int] = {}
        self.w = [0] * 16
        self.wel = False
        self.busy = 0

    def read(self, off: int) -> int:
        if 0x58 <= off < 0x98:
            return self.w[(off - 0x58) // 4]
        if off == 0x00:
            return 0  # every command completes at once
        return self.regs.get(off, 0)

    def write(self, off: int, value: int) -> None:
        if 0x58 <= off < 0x98:
            self.w[(off - 0x58) // 4] = value
            return
        if off != 0x00:
            self.regs[off] = value
            return
        if value & (1 << 18):
            self.user_command()
            return
        builtin = {30: (0x06, False, 0), 29: (0x04, False, 0), 27: (0x05, False, 1), 24: (0x20, True, 0),
                   25: (0x02, True, -1), 28: (0x9F, False, 3)}
        for bit, (opcode, has_addr, miso) in builtin.items():
            if value & (1 << bit):
                addr_reg = self.regs.get(0x04, 0)
                addr = addr_reg & 0xFFFFFF if has_addr else None
                mosi = self.buffer()[:addr_reg >> 24] if miso < 0 else b""
                answer = self.command(opcode, addr, mosi, max(miso, 0))
                if opcode == 0x05:
                    self.regs[0x2C] = answer[0] if answer else 0  # RD_STATUS
                elif answer:
                    self.w[0] = int.from_bytes(answer.ljust(4, b"\0")[:4], "little")

    def buffer(self) -> bytes:
        return b"".join(struct.pack("<I", w) for w in self.w)

    def user_command(self) -> None:
        user, user1, user2 = self.regs.get(0x18, 0), self.regs.get(0x1C, 0), self.regs.get(0x20, 0)
        if not user & (1 << 31):
            return
        opcode = user2 & ((1 << (_bits(user2, 28, 4) + 1)) - 1) & 0xFF
        addr = None
        if user & (1 << 30):
            bits = _bits(user1, 26, 6) + 1
            addr = self.regs.get(0x04, 0) & ((1 << bits) - 1)
        mosi = self.buffer()[:((self.regs.get(0x24, 0) & 0x3FF) + 1) // 8] if user & (1 << 27) else b""
        miso_len = ((self.regs.get(0x28, 0) & 0x3FF) + 1) // 8 if user & (1 << 28) else 0
        answer = self.command(opcode, addr, mosi, miso_len)
        if miso_len:
            data = bytearray(self.buffer())
            data[:miso_len] = answer[:miso_len].ljust(miso_len, b"\xff")
            self.w = list(struct.unpack("<16I", bytes(data)))

    def command(self, opcode: int, addr: int | None, mosi: bytes, miso_len: int) -> bytes:
        """The NOR side of one command; returns what the chip shifts out."""
        self.log.append(FlashCommand(opcode, addr, len(mosi) or miso_len))
        if self.emu.cache_bus_open():
            self.violations += 1  # SPI0 (the cache) could fetch from a busy or changing flash
        if opcode == 0x05:  # RDSR: WIP clears after a few polls
            status = (1 if self.busy else 0) | (2 if self.wel else 0)
            self.busy = max(self.busy - 1, 0)
            return bytes([status]) * max(miso_len, 1)
        if opcode == 0x9F:
            return self.JEDEC_ID[:miso_len]
        if opcode == 0x03 and addr is not None:
            return self.emu.flash_bytes(addr, miso_len)
        if self.busy:
            return b""  # a busy chip ignores everything but RDSR
        if opcode == 0x06:
            self.wel = True
        elif opcode == 0x04:
            self.wel = False
        elif opcode in (0x20, 0xD8) and addr is not None and self.wel:
            size = 0x1000 if opcode == 0x20 else 0x10000
            start = addr & ~(size - 1)
            self.emu.flash_store(start, b"\xff" * size, erase=True)
            self.wel, self.busy = False, self.ERASE_BUSY_POLLS
        elif opcode == 0x02 and addr is not None and self.wel:
            page = addr & ~0xFF
            for i, byte in enumerate(mosi):
                target = page + ((addr + i) & 0xFF)  # wraps inside the 256-byte page
                self.emu.flash_store(target, bytes([byte]), erase=False)
            self.wel, self.busy = False, self.PROGRAM_BUSY_POLLS
        return b""


class Esp32c3Emulator:
    """Boots a merged ESP32-C3 flash image in unicorn; talk to UART0 with read_until/write."""

    CHIP = "esp32c3"
    ROM_BANNER = "ESP-ROM:esp32c3 (kiln unicorn model)"
    ROM_STACK = ROM_STACK

    def __init__(self, firmware: Path | str | bytes, *, mode: str = "pipe", tcp_port: int = 0,
                 flash_size: int = 4 * 1024 * 1024, rom_clock: str = "pll",
                 mac: bytes = bytes.fromhex("58cf79a1b2c3")) -> None:
        if mode not in MODES:
            raise EmulatorError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if rom_clock not in ("pll", "xtal"):
            raise EmulatorError("rom_clock must be 'pll' or 'xtal'")
        if len(mac) != 6:
            raise EmulatorError("mac must be 6 bytes")
        data = firmware if isinstance(firmware, bytes) else Path(firmware).read_bytes()
        if len(data) > flash_size:
            raise EmulatorError(f"image is {len(data)} bytes, larger than the {flash_size}-byte flash")
        self.mode = mode
        self.tcp_port = tcp_port
        self.rom_clock = rom_clock
        self.mac = bytes(mac)
        self.pty_path: str | None = None
        self._flash = ctypes.create_string_buffer(b"\xff" * flash_size, flash_size)
        ctypes.memmove(self._flash, data, len(data))
        # Instruction fetches see a copy with every wfi turned into ebreak: unicorn's own wfi
        # halts the CPU in ways a resumed emu_start does not always undo, an ebreak stops cleanly.
        self._ifetch_flash = ctypes.create_string_buffer(_patch_wfi(bytes(self._flash)), flash_size)
        self._flash_size = flash_size
        self._sram = ctypes.create_string_buffer(SRAM_SIZE)
        self._cond = threading.Condition()
        self._console = ConsoleLog(self._cond)
        self._lock = threading.RLock()  # peripheral state: the CPU thread and test threads share it
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop = False
        self._result: RunResult | None = None
        self._uarts = (_Uart(lambda b: self._uart_tx(0, b)), _Uart(lambda b: self._uart_tx(1, b)))
        self.gpio = _Gpio(self)
        self._i2c = _I2c(self)
        self._spi2 = _Spi2(self)
        self._ledc = _Ledc(self)
        self._timgs = (_Timg(self, 0), _Timg(self, 1))
        self._adc = _SarAdc(self)
        self._spi1 = _SpiFlash(self)
        self._usb = _UsbSerialJtag()
        self._serial_out: dict[int, bytearray] = {}
        self._uc: Uc | None = None
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._pty_master: int | None = None
        self._input_thread: threading.Thread | None = None
        self._pty_slave: int | None = None
        self.boots = 0
        self.reset_reasons: list[int] = []  # RTC_CNTL reset reason of every boot, in order
        self._reset_reason = 1  # POWERON
        self._rtc_retained: dict[int, int] = {}
        self._slice_running = False
        self._slice_deadline = 0.0
        self._stop_pending = False  # an emu_stop() is in flight: MMIO accesses do nothing until it lands
        self._last_mmio = 0.0

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
        self._thread = threading.Thread(target=self._main, name=f"{self.CHIP}-cpu", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        self._wake.set()
        if self._uc is not None:
            self._uc.emu_stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._input_thread is not None:  # it polls every 0.1 s; join before its fd is closed
            self._input_thread.join(timeout=1)
            self._input_thread = None
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
        return self._console.data

    def read_until(self, marker: bytes, timeout: float = 10.0) -> bytes:
        """Everything printed so far up to and including the first `marker` not yet consumed."""
        def ended() -> str | None:
            if self._result is not None and self._result.kind != "running":
                return self._result.detail
            return None
        return self._console.read_until(marker, timeout, ended)

    def write(self, data: bytes) -> None:
        """Bytes into UART0's RX FIFO (the firmware gets an RXFIFO_FULL interrupt)."""
        with self._lock:
            self._uarts[0].push(data)
        self._kick()

    def wait(self, timeout: float = 10.0) -> RunResult:
        """Waits for the run to end; RunResult(kind="timeout") if it does not."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return RunResult("timeout", None, f"still running after {timeout} s")
        return self._result or RunResult("stopped", None, "not started")

    # -- the world outside the chip

    def gpio_drive(self, pin: int, level: int | None) -> None:
        """Drives pad `pin` from outside (0/1), or lets it go (None). Edges reach GPIO interrupts."""
        with self._lock:
            if level is None:
                self.gpio.external.pop(pin, None)
            else:
                self.gpio.external[pin] = 1 if level else 0
            self.gpio.update()
        self._kick()

    def gpio_level(self, pin: int) -> int:
        """The pad level: what the chip drives, wired-AND with outside drivers, else its pull."""
        with self._lock:
            return self.gpio.pad(pin)

    def gpio_output(self, pin: int) -> int | None:
        """What the chip itself drives on the pad (None: not driving, e.g. input or open drain high)."""
        with self._lock:
            return self.gpio.chip_drive(pin)

    def pad_config(self, pin: int) -> dict[str, int | bool]:
        """The pad's IO_MUX/GPIO settings in words: function, pulls, input enable, open drain."""
        with self._lock:
            mux, pin_reg = self.gpio.iomux[pin], self.gpio.pin[pin]
            return {"function": _bits(mux, 12, 3), "pull_up": bool(mux & (1 << 8)),
                    "pull_down": bool(mux & (1 << 7)), "input": bool(mux & (1 << 9)),
                    "open_drain": bool(pin_reg & (1 << 2)), "out_signal": self.gpio.out_sel[pin] & 0xFF,
                    "interrupt_type": _bits(pin_reg, 7, 3)}

    def serial_output(self, pin: int) -> bytes:
        """Bytes a UART sent out of pad `pin` through the GPIO matrix."""
        with self._lock:
            return bytes(self._serial_out.get(pin, b""))

    def serial_input(self, pin: int, data: bytes) -> None:
        """Bytes arriving on pad `pin`: they reach the UART whose RX the matrix routes from it."""
        with self._lock:
            for uart, signal in zip(self._uarts, SIG_UART_RX, strict=True):
                if self.gpio.routed_input(signal) == pin:
                    uart.push(data)
        self._kick()

    def uart_baud(self, index: int) -> float:
        with self._lock:
            return self._uarts[index].baud()

    def usb_write(self, data: bytes) -> None:
        """Bytes the USB host sends to the USB-Serial-JTAG endpoint."""
        with self._lock:
            self._usb.from_host.extend(data)
        self._kick()

    @property
    def usb_output(self) -> bytes:
        """Everything the host has received from the USB-Serial-JTAG endpoint."""
        with self._lock:
            return bytes(self._usb.to_host)

    def usb_host_reading(self, reading: bool) -> None:
        """False: no terminal on the USB port, so IN packets stay in the device's FIFO."""
        with self._lock:
            self._usb.host_reading = reading

    def add_i2c_device(self, addr: int, device: I2cDevice, scl: int, sda: int) -> None:
        """Puts a target at 7-bit `addr` on the bus wired to pads scl/sda."""
        with self._lock:
            self._i2c.devices[addr] = (device, scl, sda)

    @property
    def i2c_log(self) -> list[I2cTransfer]:
        with self._lock:
            return list(self._i2c.log)

    def i2c_freq(self) -> float:
        with self._lock:
            return self._i2c.freq()

    def i2c_hold_scl_low(self, stuck: bool = True) -> None:
        """A misbehaving target keeps SCL low: no command list completes while this holds."""
        with self._lock:
            self._i2c.stuck = stuck

    def set_spi_device(self, responder: Callable[[bytes], bytes] | None, sck: int = 0, mosi: int = 0,
                       miso: int = 0) -> None:
        """A SPI target on pads sck/mosi/miso: responder(mosi bytes) -> miso bytes (None removes it)."""
        with self._lock:
            self._spi2.device = None if responder is None else (responder, sck, mosi, miso)

    @property
    def spi_log(self) -> list[SpiTransfer]:
        with self._lock:
            return list(self._spi2.log)

    def pwm_state(self, channel: int) -> PwmState:
        with self._lock:
            return self._ledc.state(channel)

    def set_adc(self, channel: int, code: int) -> None:
        """The 12-bit code ADC1 `channel` converts to from now on."""
        with self._lock:
            self._adc.values[channel] = code & 0xFFF

    @property
    def adc_conversions(self) -> list[tuple[int, int]]:
        with self._lock:
            return list(self._adc.conversions)

    @property
    def flash(self) -> bytes:
        """The emulated SPI flash as it is now."""
        with self._lock:
            return bytes(self._flash)

    @property
    def flash_log(self) -> list[FlashCommand]:
        with self._lock:
            return list(self._spi1.log)

    @property
    def flash_cache_violations(self) -> int:
        """SPI1 commands issued while a cache bus was open (zero for a correct driver)."""
        with self._lock:
            return self._spi1.violations

    # ----------------------------------------------------------------- model helpers

    def clock_on(self, bit: int) -> bool:
        return bool(self._regs.get(SYSTEM + 0x10, PERIP_CLK_EN0_RESET) & bit)

    def cache_bus_open(self) -> bool:
        return (self._icache_ctrl1 & 0x3) != 0x3

    def signal_level(self, signal: int) -> int:
        """Idle/steady level of a peripheral output signal routed to a pad."""
        if SIG_LEDC0 <= signal < SIG_LEDC0 + 6:
            return self._ledc.signal_level(signal - SIG_LEDC0)
        if signal == SIG_FSPICLK:
            return self._spi2.mode() >> 1
        return 1  # UART TX idles high, I2C lines are released, the rest reads high

    def flash_bytes(self, addr: int, length: int) -> bytes:
        addr %= self._flash_size
        return bytes(self._flash[addr:addr + length])

    def flash_store(self, addr: int, data: bytes, *, erase: bool) -> None:
        """Erase writes `data` (all FF); program ANDs it in, as NOR cells only go from 1 to 0."""
        if addr + len(data) > self._flash_size:
            return
        if not erase:
            data = bytes(a & b for a, b in zip(self._flash[addr:addr + len(data)], data, strict=True))
        ctypes.memmove(ctypes.addressof(self._flash) + addr, data, len(data))
        ctypes.memmove(ctypes.addressof(self._ifetch_flash) + addr, data, len(data))

    # ----------------------------------------------------------------- plumbing

    def _tx(self, byte: int) -> None:
        self._console.append(bytes((byte,)))
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

    def _uart_tx(self, index: int, byte: int) -> None:
        if index == 0:
            self._tx(byte)  # UART0 is the console whatever pads it is routed to
        elif not self.clock_on(CLK_UART1):
            return
        for pin in self.gpio.routed_output(SIG_UART_TX[index]):
            self._serial_out.setdefault(pin, bytearray()).append(byte)

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
            elif (master := self._pty_master) is not None:  # stop() may close and clear it too
                try:
                    ready, _, _ = select.select([master], [], [], 0.1)
                    data = os.read(master, 4096) if ready else None
                except (OSError, ValueError):
                    return
                if data is not None:
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
                self._input_thread = threading.Thread(target=self._pump_input, name=f"{self.CHIP}-input",
                                                      daemon=True)
                self._input_thread.start()
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
        with self._lock:
            self._uc = uc
            self._return_hook: int | None = None
            # RTC-domain retention registers (STORE0..7, OPTION1) survive a system reset.
            self._regs: dict[int, int] = dict(self._rtc_retained)
            self._mmu = [MMU_INVALID] * MMU_ENTRIES
            self._mapped: set[int] = set()  # window base addresses currently mapped
            self._icache_ctrl1 = 0x3  # both buses shut at reset
            self._reset_request: int | None = None  # reset reason once a reset is due
            self._latched = 0
            self._t0 = time.monotonic_ns()
            self._rtc_wdt_feed = time.monotonic()
            for uart in self._uarts:
                uart.regs.clear()
                uart.fifo.clear()
            for model in (self.gpio, self._i2c, self._spi2, self._ledc, *self._timgs, self._adc, self._spi1, self._usb):
                model.reset()
            sysclk = (40 << 12) | ((1 << 10) if self.rom_clock == "pll" else 1)
            self._regs[SYSTEM + 0x58] = sysclk
            self._regs[SYSTEM + 0x08] = 0  # CPUPERIOD_SEL: 80 MHz from the PLL
            self._regs[SYSTEM + 0x10] = PERIP_CLK_EN0_RESET
            self._regs[RTC_CNTL + 0x38] = self._reset_reason | 0x3000

    def _rom_load(self) -> int | None:
        """What the mask ROM does in SPI boot: check the image at flash 0x0, copy its segments."""
        from esptool.bin_image import LoadFirmwareImage

        reason = self._reset_reason
        if self._force_download():
            self._print_rom(f"{self.ROM_BANNER}\r\nrst:0x{reason:x} ({RESET_NAMES.get(reason, '?')}),"
                            "boot:0x0 (DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n")
            return None
        self._print_rom(f"{self.ROM_BANNER}\r\nrst:0x{reason:x} ({RESET_NAMES.get(reason, '?')}),"
                        "boot:0xc (SPI_FAST_FLASH_BOOT)\r\n")
        flash = bytes(self._flash)
        if flash[0] != 0xE9:
            self._print_rom(f"invalid header: 0x{struct.unpack_from('<I', flash)[0]:08x}\r\n")
            return None
        try:
            image = LoadFirmwareImage(self.CHIP, flash)
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
            offset = self._sram_offset(seg.addr, len(seg.data))
            if offset is None:
                self._print_rom(f"segment at 0x{seg.addr:08x} is not in SRAM: the ROM loads RAM segments only\r\n")
                return None
            ctypes.memmove(ctypes.addressof(self._sram) + offset, bytes(seg.data), len(seg.data))
            self._print_rom(f"load:0x{seg.addr:08x},len:0x{len(seg.data):x}\r\n")
        self._print_rom(f"entry 0x{image.entrypoint:08x}\r\n")
        return int(image.entrypoint)

    def _sram_offset(self, addr: int, length: int) -> int | None:
        for base in (SRAM_DRAM, SRAM_IRAM):
            if base <= addr and addr + length <= base + SRAM_SIZE:
                return addr - base
        return None

    def _print_rom(self, text: str) -> None:
        for byte in text.encode():
            self._tx(byte)

    def _run(self) -> None:
        threading.Thread(target=self._ticker, name=f"{self.CHIP}-ticker", daemon=True).start()
        while not self._stop:
            self.boots += 1
            self.reset_reasons.append(self._reset_reason)
            self._reset_machine()
            pc = self._rom_load()
            if pc is None:
                if self._force_download():
                    self._finish("download", None, "the ROM entered the serial downloader (force-download option)")
                else:
                    self._finish("boot-failure", None, "the ROM model refused the image at flash 0x0")
                return
            uc = self._uc
            assert uc is not None
            uc.reg_write(rv.UC_RISCV_REG_SP, self.ROM_STACK)
            outcome = self._execute(uc, pc)
            if outcome == "reset":
                continue
            return
        self._finish("stopped", None, "stopped")

    def _execute(self, uc: Uc, pc: int) -> str:
        """Runs until exit/fault/stop ("done") or a software or watchdog reset ("reset")."""
        while not self._stop:
            pc = self._deliver_interrupt(uc, pc)
            try:
                self._slice(uc, pc)
            except UcError as exc:
                pc = uc.reg_read(rv.UC_RISCV_REG_PC)
                if exc.errno == UC_ERR_INSN_INVALID and self._is_patched_wfi(pc):
                    uc.reg_write(rv.UC_RISCV_REG_PC, pc + 4)
                    self._idle(uc)
                    pc = uc.reg_read(rv.UC_RISCV_REG_PC)
                    if self._take_reset():
                        return self._reset_outcome()
                    continue
                self._finish("fault", None, f"CPU fault at pc=0x{pc:08x}: {exc}")
                return "done"
            pc = uc.reg_read(rv.UC_RISCV_REG_PC)
            self._check_watchdogs()
            if self._take_reset():
                return self._reset_outcome()
            if self._after_wfi(uc, pc):
                self._idle(uc)
                pc = uc.reg_read(rv.UC_RISCV_REG_PC)
                if self._take_reset():
                    return self._reset_outcome()
        self._finish("stopped", None, "stopped")
        return "done"

    def _slice(self, uc: Uc, pc: int) -> None:
        with self._lock:
            self._slice_running = True
            self._slice_deadline = time.monotonic() + SLICE_US / 1e6
        try:
            uc.emu_start(pc, 0)
        finally:
            with self._lock:
                self._slice_running = False
                self._stop_pending = False

    def _ticker(self) -> None:
        """Ends slices of code that touches no peripheral (MMIO callbacks end all others)."""
        while not self._stop:
            time.sleep(SLICE_US / 1e6)
            with self._lock:
                now = time.monotonic()
                late = now > self._slice_deadline + SLICE_US / 1e6 and now > self._last_mmio + IDLE_ESCALATION
                if self._slice_running and late and not self._stop_pending and self._uc is not None:
                    self._stop_pending = True
                    self._uc.emu_stop()

    def _mmio_gate(self, uc: Uc) -> bool:
        """Called with the lock held at every MMIO access; False: do nothing, the instruction reruns."""
        now = time.monotonic()
        self._last_mmio = now
        if not self._stop_pending and self._slice_running and now > self._slice_deadline:
            self._stop_pending = True
            uc.emu_stop()
        return not self._stop_pending

    def _take_reset(self) -> bool:
        return self._reset_request is not None

    # -- chip specifics a subclass for another chip overrides

    def _force_download(self) -> bool:
        """RTC_CNTL_OPTION1.FORCE_DOWNLOAD_BOOT: the ROM enters the serial downloader."""
        return bool(self._regs.get(RTC_CNTL + 0xF4, 0) & 1)

    def _exit_store(self) -> int:
        return self._regs.get(RTC_CNTL + 0x50, 0)  # RTC_CNTL_STORE0

    def _is_retained(self, off: int) -> bool:
        """RTC-domain registers that survive a system reset: STORE0..7 and OPTION1."""
        return RTC_CNTL + 0x50 <= off <= RTC_CNTL + 0x5C or RTC_CNTL + 0xB8 <= off <= RTC_CNTL + 0xC4 \
            or off == RTC_CNTL + 0xF4

    def _reset_outcome(self) -> str:
        store0 = self._exit_store()
        if self._reset_request == 3 and store0 & 0xFFFFFF00 == EXIT_MAGIC:
            code = store0 & 0xFF
            self._finish("exit", code, f"hal_exit({code})")
            return "done"
        with self._lock:
            self._reset_reason = self._reset_request or 3
            self._rtc_retained = {k: v for k, v in self._regs.items() if self._is_retained(k)}
        return "reset"

    def _check_watchdogs(self) -> None:
        """A starved MWDT or RTC WDT requests a reset with its reset reason."""
        now = time.monotonic()
        with self._lock:
            if self._reset_request is not None:
                return
            for timg in self._timgs:
                reason = timg.wdt_reason(now)
                if reason is not None:
                    self._reset_request = reason
                    return
            cfg = self._regs.get(RTC_CNTL + 0x90, 0)
            action = _bits(cfg, 28, 3)
            if cfg & (1 << 31) and action >= 2:
                hold = self._regs.get(RTC_CNTL + 0x94, 0)
                if now - self._rtc_wdt_feed > hold / RC_SLOW_HZ:
                    self._reset_request = {2: 13, 3: 9}.get(action, 16)

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

    def _idle_timeout(self) -> float:
        now = time.monotonic()
        if any(uart.waiting() for uart in self._uarts):
            return 0.001  # serial bytes are still arriving
        deadlines = [t.next_alarm(now) for t in self._timgs]
        soonest = min((d for d in deadlines if d is not None), default=now + 0.05)
        return min(max(soonest - now, 0.0), 0.05)

    def _idle(self, uc: Uc) -> None:
        """After wfi: sleep until an enabled interrupt is pending (wfi wakes without MIE), then
        run on until the firmware sets MIE again, so the interrupt is taken right there."""
        while not self._stop and self._pending_line() is None:
            self._check_watchdogs()
            if self._reset_request is not None:
                return
            self._wake.wait(self._idle_timeout())
            self._wake.clear()
        if self._stop or uc.reg_read(rv.UC_RISCV_REG_MSTATUS) & MSTATUS_MIE:
            return
        steps = [0]

        def watch(uc: Uc, address: int, size: int, data: Any) -> None:
            steps[0] += 1
            if uc.reg_read(rv.UC_RISCV_REG_MSTATUS) & MSTATUS_MIE or steps[0] > MIE_WAIT_LIMIT:
                with self._lock:
                    self._stop_pending = True  # an MMIO access in this instruction is replayed
                uc.emu_stop()

        # Translated blocks carry their hooks: flush so the watch applies now and costs nothing after.
        hook = uc.hook_add(UC_HOOK_CODE, watch)
        uc.ctl_flush_tb()
        try:
            uc.emu_start(uc.reg_read(rv.UC_RISCV_REG_PC), 0, count=IDLE_STEPS)
        except UcError as exc:
            pc = uc.reg_read(rv.UC_RISCV_REG_PC)
            if not (exc.errno == UC_ERR_INSN_INVALID and self._is_patched_wfi(pc)):
                raise
        finally:
            with self._lock:
                self._stop_pending = False
            uc.hook_del(hook)
            uc.ctl_flush_tb()

    def _asserted_sources(self) -> list[int]:
        """Interrupt-matrix sources whose peripheral requests an interrupt now."""
        now = time.monotonic()
        sources = [source for uart, source in zip(self._uarts, UART_SOURCES, strict=True) if uart.pending()]
        if self.gpio.irq_pending():
            sources.append(GPIO_SOURCE)
        sources += [source for timg, source in zip(self._timgs, TIMG_SOURCES, strict=True) if timg.irq_pending(now)]
        if self._usb.pending():
            sources.append(USB_SOURCE)
        return sources

    def _pending_line(self) -> int | None:
        """The CPU interrupt line the interrupt matrix raises now, if any (mstatus.MIE aside)."""
        with self._lock:
            enable = self._regs.get(INTMTX + 0x104, 0)
            threshold = self._regs.get(INTMTX + 0x194, 0)
            best: tuple[int, int] | None = None
            for source in self._asserted_sources():
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
        self._watch_return(uc, pc)
        mtvec = uc.reg_read(rv.UC_RISCV_REG_MTVEC)
        base = mtvec & ~3
        return base + 4 * line if mtvec & 1 else base

    def _watch_return(self, uc: Uc, pc: int) -> None:
        """Stops at `pc` (where mret returns to) when another interrupt is pending by then: the
        silicon takes it right after mret, before the interrupted code runs on."""
        if self._return_hook is not None:
            uc.hook_del(self._return_hook)

        def back(uc: Uc, address: int, size: int, data: Any) -> None:
            if uc.reg_read(rv.UC_RISCV_REG_MSTATUS) & MSTATUS_MIE and self._pending_line() is not None:
                with self._lock:
                    self._stop_pending = True
                uc.emu_stop()

        self._return_hook = uc.hook_add(UC_HOOK_CODE, back, begin=pc, end=pc)
        uc.ctl_remove_cache(pc, pc + 4)  # the block holding pc is translated again, with the hook

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
        with self._lock:
            if not self._mmio_gate(uc):
                return 0  # deferred: the load runs again and gets the real value
            try:
                return (self._read_word(word) >> shift) & ((1 << (8 * size)) - 1)
            finally:
                self._last_mmio = time.monotonic()  # a slow access must not look like a quiet bus

    def _read_word(self, off: int) -> int:
        for uart, base in zip(self._uarts, UART_BASES, strict=True):
            if base <= off < base + 0x100:
                return uart.read(off - base)
        block = off & ~0xFFF
        if block in (GPIO, IO_MUX):
            return self.gpio.read(off - GPIO)
        for timg, base in zip(self._timgs, TIMG_BASES, strict=True):
            if block == base:
                return timg.read(off - base, time.monotonic())
        if block == I2C0:
            return self._i2c.read(off - I2C0)
        if block == SPI2:
            return self._spi2.read(off - SPI2)
        if block == LEDC:
            return self._ledc.read(off - LEDC)
        if block == SARADC:
            return self._adc.read(off - SARADC)
        if block == SPI1:
            return self._spi1.read(off - SPI1)
        if block == USB_SERIAL_JTAG:
            return self._usb.read(off - USB_SERIAL_JTAG)
        if off == EFUSE + 0x44:
            return int.from_bytes(self.mac[2:], "big")
        if off == EFUSE + 0x48:
            return int.from_bytes(self.mac[:2], "big")
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
        with self._lock:
            if not self._mmio_gate(uc):
                return  # deferred: the store runs again and takes effect then
            if size < 4:  # byte/halfword stores merge into the register
                shift = (offset & 3) * 8
                mask = ((1 << (8 * size)) - 1) << shift
                value = (self._read_word(off) & ~mask) | ((value << shift) & mask)
            self._write_word(uc, off, value)
            self._last_mmio = time.monotonic()

    def _write_word(self, uc: Uc, off: int, value: int) -> None:
        for uart, base in zip(self._uarts, UART_BASES, strict=True):
            if base <= off < base + 0x100:
                uart.write(off - base, value)
                return
        block = off & ~0xFFF
        if block in (GPIO, IO_MUX):
            self.gpio.write(off - GPIO, value)
            return
        for timg, base in zip(self._timgs, TIMG_BASES, strict=True):
            if block == base:
                timg.write(off - base, value, time.monotonic())
                return
        models: dict[int, Any] = {I2C0: self._i2c, SPI2: self._spi2, LEDC: self._ledc, SARADC: self._adc,
                                  SPI1: self._spi1, USB_SERIAL_JTAG: self._usb}
        if block in models:
            models[block].write(off - block, value)
            self.gpio.update()  # peripheral outputs may have changed pad levels
            return
        if off == SYSTIMER + 0x04 and value & (1 << 30):
            self._latched = self._systimer_now()
        elif off == RTC_CNTL and value & (1 << 31):
            # Stopping inside an MMIO access leaves pc on this store; fine, it is never resumed.
            self._reset_request = 3  # RTC_SW_SYS_RST
            uc.emu_stop()
        elif RTC_CNTL + 0x90 <= off <= RTC_CNTL + 0xA4 and self._regs.get(RTC_CNTL + 0xA8, 0) != WDT_KEY:
            return  # RTC WDT registers are write-protected without the key
        elif off == RTC_CNTL + 0xA4 and value & (1 << 31):
            self._rtc_wdt_feed = time.monotonic()
            return
        elif off == RTC_CNTL + 0x90 and value & (1 << 31) and not self._regs.get(off, 0) & (1 << 31):
            self._rtc_wdt_feed = time.monotonic()
        elif off == SYSTEM + 0x18:
            resets = {CLK_UART1: self._uarts[1].regs.clear, CLK_SPI2: self._spi2.reset, CLK_I2C0: self._i2c.reset,
                      CLK_LEDC: self._ledc.reset}
            for bit, reset in resets.items():
                if value & bit:
                    reset()
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


def emulator_class(family: str) -> type[Esp32c3Emulator]:
    """The unicorn model for an ESP32 RISC-V family (esp32c3 or esp32c6)."""
    if family == "esp32c6":
        from kiln.emulators.esp32c6 import Esp32c6Emulator

        return Esp32c6Emulator
    if family != "esp32c3":
        raise SystemExit(f"kiln: no unicorn model for {family}")
    return Esp32c3Emulator


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
    emulator = emulator_class(board.mcu["family"])
    if serial == "stdio":
        return _run_stdio(emulator(image, flash_size=size))
    mode = "pty" if serial == "pty" else "tcp"
    with emulator(image, mode=mode, flash_size=size) as emu:
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
    parser.add_argument("--chip", choices=("esp32c3", "esp32c6"), default="esp32c3")
    args = parser.parse_args(argv)
    emulator = emulator_class(args.chip)
    if not args.pty and args.tcp is None:
        return _run_stdio(emulator(args.image))
    mode = "pty" if args.pty else "tcp"
    with emulator(args.image, mode=mode, tcp_port=args.tcp or 0) as emu:
        where = emu.pty_path if args.pty else f"socket://127.0.0.1:{emu.tcp_port}"
        print(f"esp32c3: UART0 on {where}", file=sys.stderr, flush=True)
        result = emu.wait(args.timeout if args.timeout else 10**9)
    print(f"esp32c3: {result.kind} {result.detail}", file=sys.stderr)
    return result.code if result.code is not None else 1


if __name__ == "__main__":
    sys.exit(main())
