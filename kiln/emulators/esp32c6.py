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
LP_AON (STORE0 for the exit protocol, SYS_CFG's software reset and force-download bits), LP_CLKRST's
reset cause (the reason of the last reset: 1 power-on, 3 software, 7/8 MWDT0/1), the C3's GPIO
matrix/IO_MUX model on the C6's 31 pads (GPIO 0x60091000, IO_MUX 0x60090000) with its interrupt on
matrix source 30, SPI1 at 0x60003000 with the C3's SPI NOR model behind it (user commands erase and
program the emulated flash; a command while a cache bus is open counts in `flash_cache_violations`),
and both timer groups at 0x60008000/0x60009000 (T0 alarms on sources 51/54 and the MWDTs, clocked
as PCR selects: XTAL, PLL_F80M or RC_FAST; PCR's group clock gate and reset are honoured), I2C0 at
0x60004000 (the C3's command-list model on the C6's matrix signals 45/46, its clock divided in PCR;
`add_i2c_device`, `i2c_log`, `i2c_freq`) and GP-SPI2 at 0x60081000 (`set_spi_device`, `spi_log`),
both gated in PCR until their driver clocks them, and LEDC at 0x60007000 (the C6's timer layout,
gamma-RAM duty steps, clock from PCR; `pwm_state`) and the SAR ADC's one-shot conversions at
0x6000E000 (`set_adc`, `adc_conversions`; controller clock from PCR). Not modelled: the LP
watchdogs, the USB-Serial-JTAG endpoint, PMU/sleep.
Anything else in 0x60000000..0x600D0000 reads back what was written.

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
    PwmState,
    _bits,
    _Gpio,
    _I2c,
    _Ledc,
    _SarAdc,
    _Spi2,
    _SpiFlash,
    _Timg,
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
SPI1_C6 = 0x03000
TIMG_BASES_C6 = (0x08000, 0x09000)
TIMG_SOURCES_C6 = (51, 54)
GPIO_SOURCE_C6 = 30
LP_CLKRST = 0xB0400
I2C0_C6 = 0x04000
SPI2_C6 = 0x81000
SIG_I2C_SCL_C6, SIG_I2C_SDA_C6 = 45, 46
SIG_FSPICLK_C6 = 63
LEDC_C6 = 0x07000
CLK_LEDC_C6 = 1 << 11  # the C3 model's SYSTEM gate bit for LEDC, answered from PCR_LEDC_CONF
SARADC_C6 = 0x0E000
CLK_SARADC_C6 = 1 << 28  # the C3 model's SYSTEM gate bit for the SAR ADC, answered from PCR_SARADC_CONF
SIG_LEDC0_C6 = 0
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


class _Timg6(_Timg):
    """A C6 timer group: the C3's model with its timer and MWDT clocks chosen in PCR."""

    def _pcr_clock(self, offset: int) -> float:
        conf = self.emu._regs.get(PCR + offset + 0x0C * self.index, 1 << 22)
        if not conf & (1 << 22):
            return 0.0
        return {0: XTAL_HZ, 1: APB_HZ, 2: RC_FAST_HZ}.get(_bits(conf, 20, 2), 0.0)

    def _rate(self) -> float:
        divider = _bits(self.regs[0x00], 13, 16) or 65536
        return self._pcr_clock(0x40) / divider or 1e-9  # an unclocked timer does not move

    def _running(self) -> bool:
        return super()._running() and self._pcr_clock(0x40) > 0

    def wdt_reason(self, now: float) -> int | None:
        cfg = self.regs.get(0x48, 0)
        action = _bits(cfg, 29, 2)
        clock = self._pcr_clock(0x44)
        if not cfg & (1 << 31) or action < 2 or clock == 0 or not self.emu.clock_on(1 << (13 + 2 * self.index)):
            return None
        prescale = _bits(self.regs.get(0x4C, 0), 16, 16) or 65536
        if now - self.last_feed <= self.regs.get(0x50, 0) * prescale / clock:
            return None
        return 7 + self.index if action == 3 else (11 if self.index == 0 else 17)


class _I2c6(_I2c):
    """The C6's I2C0: the C3's command-list model, its signals 45/46, its function clock divided in PCR."""

    def wired(self, scl: int, sda: int) -> bool:
        gpio = self.emu.gpio
        return (scl in gpio.routed_output(SIG_I2C_SCL_C6) and gpio.routed_input(SIG_I2C_SCL_C6) == scl
                and sda in gpio.routed_output(SIG_I2C_SDA_C6) and gpio.routed_input(SIG_I2C_SDA_C6) == sda)

    def freq(self) -> float:
        sclk = self.emu._regs.get(PCR + 0x24, 0)
        if not sclk & (1 << 22):
            return 0.0
        src = (RC_FAST_HZ if sclk & (1 << 20) else XTAL_HZ) / (_bits(sclk, 12, 8) + 1)
        high = self.regs.get(0x38, 0)
        period = (self.regs.get(0x00, 0) & 0x1FF) + 1 + (high & 0x1FF) + _bits(high, 9, 7)
        return src / ((self.regs.get(0x54, 0) & 0xFF) + 1) / period if period > 1 else 0.0


class _Ledc6(_Ledc):
    """The C6's LEDC: timer CONF with a 5-bit DUTY_RES (CLK_DIV 22:5, PAUSE 23, RST 24, PARA_UP 26), the
    global CONF at 0x1F0, the timers' clock from PCR_LEDC_SCLK_CONF. A channel's duty is taken on its
    PARA_UP when DUTY_START is set, as on the C3, and only with a fade entry in its gamma RAM
    (GAMMA_CONF.ENTRY_NUM >= 1; the entry's steps themselves are not modelled)."""

    def read(self, off: int) -> int:
        if off < 0x78 and off % 0x14 == 0x10:
            return self.channels[off // 0x14][2]
        return self.regs.get(off, 1 << 24 if 0xA0 <= off < 0xC0 and off % 8 == 0 else 0)

    def write(self, off: int, value: int) -> None:
        if 0xA0 <= off < 0xC0 and off % 8 == 0:
            self.regs[off] = value
            if value & (1 << 26) and self.emu.clock_on(CLK_LEDC_C6):
                self.timers[(off - 0xA0) // 8] = (value & 0x1F, _bits(value, 5, 18), bool(value & (3 << 23)))
                self.regs[off] = value & ~(1 << 26)
            return
        if off < 0x78 and off % 0x14 == 0 and value & (1 << 4) and not self.regs.get(0x180 + 4 * (off // 0x14), 0) & 0x1F:
            self.regs[off + 0x0C] = self.regs.get(off + 0x0C, 0) & ~(1 << 31)  # no fade entry: no new duty
        super().write(off, value)

    def state(self, channel: int) -> PwmState:
        timer, enabled, duty, _hpoint = self.channels[channel]
        res, div, held = self.timers[timer]
        sclk = self.emu._regs.get(PCR + 0x38, 0)
        src = {1: APB_HZ, 2: RC_FAST_HZ, 3: XTAL_HZ}.get(_bits(sclk, 20, 2), 0) if sclk & (1 << 22) else 0
        freq = src * 256 / div / (1 << res) if div and res else 0.0
        fraction = min((duty >> 4) / (1 << res), 1.0) if res else 0.0
        running = enabled and not held and freq > 0
        return PwmState(tuple(self.emu.gpio.routed_output(SIG_LEDC0_C6 + channel)), freq, fraction, res, running)


class _SarAdc6(_SarAdc):
    """The C6's APB_SARADC one-shot path: the C3's registers, the controller clock from PCR_SARADC_CLKM_CONF."""

    def write(self, off: int, value: int) -> None:
        if off == 0x4C:
            self.raw &= ~value
            return
        before = self.regs.get(off, 0)
        self.regs[off] = value
        clocked = self.emu.clock_on(CLK_SARADC_C6) and self.emu._regs.get(PCR + 0x84, 0) & (1 << 22)
        if off == 0x20 and value & (1 << 29) and not before & (1 << 29) and value & (1 << 31) and clocked:
            channel, atten = _bits(value, 25, 4), _bits(value, 23, 2)
            self.conversions.append((channel, atten))
            self.regs[0x2C] = self.values.get(channel, 0) & 0xFFF
            self.raw |= 1 << 31  # ADC1_DONE


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
        self._timgs = (_Timg6(self, 0), _Timg6(self, 1))
        self._spi1 = _SpiFlash(self)
        self._i2c = _I2c6(self)
        self._spi2 = _Spi2(self)
        self._ledc = _Ledc6(self)
        self._adc = _SarAdc6(self)

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
            for model in (self.gpio, *self._timgs, self._spi1, self._i2c, self._spi2, self._ledc, self._adc):
                model.reset()
            self._regs[LP_CLKRST + 0x10] = self._reset_reason
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
        """A starved MWDT requests a reset with its reset reason (the LP watchdogs are not modelled)."""
        now = time.monotonic()
        with self._lock:
            if self._reset_request is not None:
                return
            for timg in self._timgs:
                reason = timg.wdt_reason(now)
                if reason is not None:
                    self._reset_request = reason
                    return

    def clock_on(self, bit: int) -> bool:
        """The C3 model's SYSTEM gate bits, answered from PCR's per-peripheral CONF registers (CLK_EN set,
        RST_EN clear; both groups and UART1 are clocked after reset). Others are always on."""
        conf = {1 << 13: 0x3C, 1 << 15: 0x48, 1 << 5: 0x0C, 1 << 7: 0x20, 1 << 6: 0xC0, CLK_LEDC_C6: 0x34,
                CLK_SARADC_C6: 0x80}.get(bit)
        if conf is None:
            return True
        gated_at_reset = bit in (1 << 7, 1 << 6, CLK_LEDC_C6, CLK_SARADC_C6)  # these wait for their driver
        return self._regs.get(PCR + conf, 0 if gated_at_reset else 1) & 3 == 1

    def signal_level(self, signal: int) -> int:
        """Idle level of a C6 matrix output signal (its numbering differs from the C3's)."""
        if signal == SIG_FSPICLK_C6:
            return self._spi2.mode() >> 1
        if SIG_LEDC0_C6 <= signal < SIG_LEDC0_C6 + 6:
            return self._ledc.signal_level(signal - SIG_LEDC0_C6)
        return 1  # UART TX idles high, I2C lines are released

    def uart_baud(self, index: int) -> float:
        with self._lock:
            clkdiv = self._uarts[index].regs.get(0x14, 0)
            div16 = (clkdiv & 0xFFF) * 16 + _bits(clkdiv, 20, 4)
            sclk_conf = self._regs.get(PCR + 0x04 + 0x0C * index, 0x00700000)
            source = {1: APB_HZ, 2: RC_FAST_HZ, 3: XTAL_HZ}.get(_bits(sclk_conf, 20, 2), 0)
            return source / (_bits(sclk_conf, 12, 8) + 1) * 16 / div16 if div16 else 0.0

    # ----------------------------------------------------------------- interrupts

    def _asserted_sources(self) -> list[int]:
        now = time.monotonic()
        sources = [source for uart, source in zip(self._uarts, UART_SOURCES_C6, strict=True) if uart.pending()]
        if self.gpio.irq_pending():
            sources.append(GPIO_SOURCE_C6)
        sources += [source for timg, source in zip(self._timgs, TIMG_SOURCES_C6, strict=True) if timg.irq_pending(now)]
        return sources

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
        for timg, base in zip(self._timgs, TIMG_BASES_C6, strict=True):
            if off & ~0xFFF == base:
                return timg.read(off - base, time.monotonic())
        if off & ~0xFFF == SPI1_C6:
            return self._spi1.read(off - SPI1_C6)
        if off & ~0xFFF == I2C0_C6:
            return self._i2c.read(off - I2C0_C6)
        if off & ~0xFFF == SPI2_C6:
            return self._spi2.read(off - SPI2_C6)
        if off & ~0xFFF == LEDC_C6:
            return self._ledc.read(off - LEDC_C6)
        if off & ~0xFFF == SARADC_C6:
            return self._adc.read(off - SARADC_C6)
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
        for timg, base in zip(self._timgs, TIMG_BASES_C6, strict=True):
            if off & ~0xFFF == base:
                timg.write(off - base, value, time.monotonic())
                return
        if off & ~0xFFF == SPI1_C6:
            self._spi1.write(off - SPI1_C6, value)
            return
        for block, model in ((I2C0_C6, self._i2c), (SPI2_C6, self._spi2), (LEDC_C6, self._ledc),
                             (SARADC_C6, self._adc)):
            if off & ~0xFFF == block:
                model.write(off - block, value)
                self.gpio.update()  # peripheral outputs may have changed pad levels
                return
        for conf, model in ((PCR + 0x20, self._i2c), (PCR + 0xC0, self._spi2), (PCR + 0x34, self._ledc),
                            (PCR + 0x80, self._adc)):
            if off == conf and value & 2:
                model.reset()  # RST_EN holds the peripheral in reset
        if off == LP_CLKRST + 0x10:
            return  # the reset cause is read-only
        for group, conf in enumerate((PCR + 0x3C, PCR + 0x48)):
            if off == conf and value & 2:
                self._timgs[group].reset()  # RST_EN holds the group in reset
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
