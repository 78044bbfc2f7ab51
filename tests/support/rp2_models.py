"""Register-level models of the RP2040's flash path for unicorn tests: an SPI NOR chip, the DW_apb_ssi
in its XIP and plain-SPI modes, the IO_QSPI chip-select override (and the BOOTSEL button on it), the XIP
cache control and a microsecond TIMER, all sharing one simulated clock.

Written from the RP2040 datasheet (2.8 boot2/XIP, 4.10 SSI, 2.19 IO_QSPI) and Winbond W25Q16JV-class
datasheets. The models are strict: anything the real parts would do wrong or ignore (a command while the
chip is busy, a write without the write-enable latch, a page program wrapping inside its page, SSI setup
written while the SSI is enabled, an RX FIFO overflow, XIP used while it cannot work) is recorded as a
violation, and the machine stops at the first XIP access that could not work on silicon.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

CLK_SYS_HZ = 125_000_000
CLK_SYS_MAX_HZ = 133_000_000  # the XIP clock must stay legal up to the fastest clk_sys

# SSI (datasheet 4.10.13)
SSI_CTRLR0, SSI_CTRLR1, SSI_SSIENR, SSI_SER, SSI_BAUDR = 0x00, 0x04, 0x08, 0x10, 0x14
SSI_TXFLR, SSI_RXFLR, SSI_SR, SSI_DR0, SSI_RX_SAMPLE_DLY, SSI_SPI_CTRLR0 = 0x20, 0x24, 0x28, 0x60, 0xF0, 0xF4
SSI_CONFIG_REGS = {SSI_CTRLR0: "CTRLR0", SSI_CTRLR1: "CTRLR1", SSI_BAUDR: "BAUDR", SSI_SPI_CTRLR0: "SPI_CTRLR0",
                   SSI_RX_SAMPLE_DLY: "RX_SAMPLE_DLY"}
SR_BUSY, SR_TFNF, SR_TFE, SR_RFNE = 0x01, 0x02, 0x04, 0x08
FIFO_DEPTH = 16
TMOD_TX_RX, TMOD_EEPROM_READ = 0, 3
FRF_STD, FRF_DUAL, FRF_QUAD = 0, 1, 2

IO_QSPI_SS_CTRL = 0x0C
OVER_NORMAL, OVER_INVERT, OVER_LOW, OVER_HIGH = 0, 1, 2, 3

# SPI NOR commands and status bits
CMD_WRITE_STATUS, CMD_PAGE_PROGRAM, CMD_READ, CMD_WRITE_DISABLE = 0x01, 0x02, 0x03, 0x04
CMD_READ_STATUS1, CMD_WRITE_ENABLE, CMD_FAST_READ, CMD_SECTOR_ERASE = 0x05, 0x06, 0x0B, 0x20
CMD_WRITE_STATUS2, CMD_READ_STATUS2, CMD_UNIQUE_ID, CMD_JEDEC_ID = 0x31, 0x35, 0x4B, 0x9F
CMD_QUAD_IO_READ, CMD_RESET_CONTINUOUS, CMD_ENABLE_RESET, CMD_RESET = 0xEB, 0xFF, 0x66, 0x99
SR1_BUSY, SR1_WEL, SR2_QE = 0x01, 0x02, 0x02
COMMANDS_WHILE_BUSY = {CMD_READ_STATUS1, CMD_READ_STATUS2, CMD_ENABLE_RESET, CMD_RESET}
RESET_RECOVERY_US = 30.0  # tRST


class SimClock:
    """Simulated time in microseconds, advanced by bus traffic and TIMER reads."""

    def __init__(self) -> None:
        self.now_us = 0.0

    def advance(self, us: float) -> None:
        self.now_us += us


@dataclass
class NorTiming:
    """How long the modelled chip stays busy (microseconds). Tests use short times to stay fast; the
    datasheet typical/maximum figures are kept for the timing report."""

    sector_erase_us: float = 2_000.0
    page_program_us: float = 100.0
    write_status_us: float = 500.0
    typ_sector_erase_us: float = 45_000.0  # W25Q16JV tSE typ (max 400 ms)
    typ_page_program_us: float = 400.0  # tPP typ (max 3 ms)


@dataclass
class Transaction:
    """One chip-select-low period as the flash saw it."""

    kind: str  # "spi" (single line, byte by byte) or "xip" (command/address phase by the SSI)
    mosi: bytearray = field(default_factory=bytearray)
    command: int | None = None
    address: int | None = None
    note: str = ""


class SpiNor:
    """A W25Q-class SPI NOR: status registers, write-enable latch, busy time, 4 KiB sector erase, 256-byte
    page program (bits 1 -> 0 only), 03h/0Bh/EBh reads with EBh continuous-read mode, unique ID."""

    def __init__(self, clock: SimClock | None = None, size: int = 2 * 1024 * 1024, *, unique_id: bytes = bytes(range(0xA1, 0xA9)),
                 quad_enabled: bool = False, timing: NorTiming | None = None, max_read_03_hz: float = 50e6,
                 max_hz: float = 133e6) -> None:
        self.clock = clock or SimClock()  # a machine attaches its own
        self.size = size
        self.memory = bytearray(b"\xff" * size)
        self.unique_id = unique_id
        self.sr1 = 0
        self.sr2 = SR2_QE if quad_enabled else 0
        self.timing = timing or NorTiming()
        self.max_read_03_hz = max_read_03_hz
        self.max_hz = max_hz
        self.busy_until = 0.0
        self.stuck_busy = False  # a chip that never finishes (test of the driver's timeout)
        self.hang_next_write = False  # the next erase/program never finishes on its own
        self.reset_enabled = False
        self.resets = 0
        self.write_protected = False  # WEL never sets (like /WP active with SRP set)
        self.continuous = False
        self.violations: list[str] = []
        self.transactions: list[Transaction] = []
        self.dirty: list[tuple[int, int]] = []  # ranges changed since the XIP view was refreshed
        self.status_register_writes = 0
        self.erases: list[int] = []
        self.programs: list[tuple[int, int]] = []
        self._current: Transaction | None = None
        self._swallow = False

    # -- state ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.stuck_busy or self.clock.now_us < self.busy_until

    def _status1(self) -> int:
        if not self.busy and self.sr1 & SR1_BUSY:
            self.sr1 &= ~(SR1_BUSY | SR1_WEL)  # WEL clears when the write cycle ends
        return self.sr1 | (SR1_BUSY if self.busy else 0)

    def _start_busy(self, duration_us: float) -> None:
        self.sr1 |= SR1_BUSY
        self.busy_until = self.clock.now_us + duration_us
        if self.hang_next_write:
            self.hang_next_write = False
            self.stuck_busy = True

    def violation(self, text: str) -> None:
        self.violations.append(text)

    # -- single-line SPI -----------------------------------------------------------------------

    @property
    def selected(self) -> bool:
        return self._current is not None

    def select(self) -> None:
        self._current = Transaction("spi")
        self._swallow = False
        self.transactions.append(self._current)

    def exchange(self, mosi: int) -> int:
        """One byte on IO0 (MOSI) while selected; returns what the chip drives on IO1 (MISO)."""
        t = self._current
        assert t is not None
        first = not t.mosi
        t.mosi.append(mosi)
        if first and self.continuous:
            # The chip takes these clocks as address + mode bits on IO0-3. The mode bits' M4 is IO0 at
            # clock 6, i.e. bit 1 of this byte: 1 breaks the "10" pattern that keeps continuous mode.
            if mosi & 0x02:
                self.continuous = False
                t.note = "continuous read ended"
            else:
                self.violation(f"single-line byte 0x{mosi:02x} sent while the chip is in continuous-read mode")
            self._swallow = True
            return 0xFF
        if self._swallow:
            return 0xFF
        if first:
            t.command = mosi
            if self.busy and mosi not in COMMANDS_WHILE_BUSY:
                self.violation(f"command 0x{mosi:02x} while the chip is busy")
                self._swallow = True
            return 0xFF
        index = len(t.mosi) - 2  # bytes after the command
        cmd = t.command
        if cmd == CMD_READ_STATUS1:
            return self._status1()
        if cmd == CMD_READ_STATUS2:
            return self.sr2
        if cmd == CMD_JEDEC_ID:
            return (0xEF, 0x40, 0x15)[index] if index < 3 else 0xFF
        if cmd == CMD_UNIQUE_ID:
            return self.unique_id[index - 4] if 4 <= index < 12 else 0xFF
        if cmd in (CMD_READ, CMD_FAST_READ):
            start = 3 if cmd == CMD_READ else 4
            if index >= start:
                address = int.from_bytes(t.mosi[1:4], "big")
                return self.memory[(address + index - start) % self.size]
        return 0xFF

    def deselect(self) -> None:
        t = self._current
        self._current = None
        if t is None or self._swallow or t.command is None:
            return
        cmd, data = t.command, bytes(t.mosi[1:])
        enable_reset, self.reset_enabled = self.reset_enabled, False
        if cmd == CMD_ENABLE_RESET and not data:
            self.reset_enabled = True
        elif cmd == CMD_RESET and not data:
            if not enable_reset:
                self.violation("99h reset without a 66h enable-reset right before it")
                return
            # Aborts any erase/program; the volatile state goes, the non-volatile QE stays.
            self.resets += 1
            self.stuck_busy = False
            self.continuous = False
            self.sr1 = SR1_BUSY
            self.busy_until = self.clock.now_us + RESET_RECOVERY_US
        elif cmd == CMD_WRITE_ENABLE and not data:
            if not self.write_protected:
                self.sr1 |= SR1_WEL
        elif cmd == CMD_WRITE_DISABLE:
            self.sr1 &= ~SR1_WEL
        elif cmd == CMD_SECTOR_ERASE:
            if len(data) != 3:
                self.violation(f"sector erase with {len(data)} address bytes")
            elif self._write_allowed("sector erase"):
                address = int.from_bytes(data, "big") & ~0xFFF
                t.address = address
                self.memory[address : address + 4096] = b"\xff" * 4096
                self.dirty.append((address, 4096))
                self.erases.append(address)
                self._start_busy(self.timing.sector_erase_us)
        elif cmd == CMD_PAGE_PROGRAM:
            if len(data) < 4:
                self.violation(f"page program with only {len(data)} bytes after the command")
            elif self._write_allowed("page program"):
                self._program(int.from_bytes(data[:3], "big"), data[3:], t)
        elif cmd in (CMD_WRITE_STATUS, CMD_WRITE_STATUS2):
            if self._write_allowed("write status"):
                self.status_register_writes += 1
                if cmd == CMD_WRITE_STATUS2 and data:
                    self.sr2 = data[0]
                elif cmd == CMD_WRITE_STATUS and len(data) >= 2:
                    self.sr2 = data[1]
                self._start_busy(self.timing.write_status_us)
        elif cmd not in (CMD_READ_STATUS1, CMD_READ_STATUS2, CMD_READ, CMD_FAST_READ, CMD_UNIQUE_ID, CMD_JEDEC_ID,
                         CMD_RESET_CONTINUOUS):
            self.violation(f"unexpected command 0x{cmd:02x}")

    def _write_allowed(self, what: str) -> bool:
        if not self.sr1 & SR1_WEL:
            self.violation(f"{what} without the write-enable latch (ignored by the chip)")
            return False
        return True

    def _program(self, address: int, data: bytes, t: Transaction) -> None:
        t.address = address
        if len(data) > 256:
            self.violation(f"page program of {len(data)} bytes (the chip keeps only the last 256)")
            data = data[-256:]
        page, offset = address & ~0xFF, address & 0xFF
        if offset + len(data) > 256:
            self.violation(f"page program at 0x{address:06x} of {len(data)} bytes wraps inside its page")
        for i, byte in enumerate(data):
            at = page + (offset + i) % 256
            self.memory[at] &= byte
        self.dirty.append((page, 256))
        self.programs.append((address, len(data)))
        self._start_busy(self.timing.page_program_us)

    # -- reads done by the SSI's own command/address phase (XIP, EEPROM-read mode) ------------------

    def read_problem(self, command: int | None, mode: int | None, frf: int, trans: int, addr_bits: int, wait: int,
                     sck_hz: float) -> str | None:
        """Why this read could not work on the chip in its current state (None = it would)."""
        if self.busy:
            return "flash read while the chip is busy"
        if self.selected:
            return "flash read while a single-line command holds the chip select"
        if command is None:
            if not self.continuous:
                return "XIP sends no command but the chip is not in continuous-read mode"
            if frf != FRF_QUAD or trans != 2 or addr_bits != 32 or wait != 4:
                return "continuous-read access with the wrong frame format"
            if mode is None or (mode >> 4) & 3 != 2:
                return f"continuous-read mode bits 0x{mode or 0:02x} would end continuous mode"
        else:
            if self.continuous:
                return f"command 0x{command:02x} sent while the chip is in continuous-read mode"
            if command == CMD_READ:
                if frf != FRF_STD or trans != 0 or addr_bits != 24 or wait != 0:
                    return "03h read needs single line, 24-bit address, no wait cycles"
                if sck_hz > self.max_read_03_hz:
                    return f"03h read at {sck_hz / 1e6:.1f} MHz exceeds the chip's {self.max_read_03_hz / 1e6:.0f} MHz"
            elif command == CMD_FAST_READ:
                if frf != FRF_STD or trans != 0 or addr_bits != 24 or wait != 8:
                    return "0Bh read needs single line, 24-bit address, 8 wait cycles"
            elif command == CMD_QUAD_IO_READ:
                if not self.sr2 & SR2_QE:
                    return "EBh quad read with QE clear (IO2/IO3 are /WP and /HOLD)"
                if frf != FRF_QUAD or trans != 1 or addr_bits != 32 or wait != 4:
                    return "EBh read needs quad address + mode byte and 4 wait cycles"
            else:
                return f"0x{command:02x} is not a read command this chip supports for XIP"
        if sck_hz > self.max_hz:
            return f"SPI clock {sck_hz / 1e6:.1f} MHz exceeds the chip's {self.max_hz / 1e6:.0f} MHz"
        return None

    def ssi_read(self, command: int | None, address: int, mode: int | None, nbytes: int) -> bytes:
        """Performs a read issued by the SSI (problems were checked by the caller)."""
        self.transactions.append(Transaction("xip", command=command, address=address))
        if command == CMD_QUAD_IO_READ or command is None:
            self.continuous = mode is not None and (mode >> 4) & 3 == 2
        return bytes(self.memory[(address + i) % self.size] for i in range(nbytes))

    def commands(self) -> list[int]:
        """The single-line command bytes, in order (continuous-read exits included as 0xff)."""
        return [t.command if t.command is not None else t.mosi[0] for t in self.transactions
                if t.kind == "spi" and t.mosi]


class QspiBus:
    """SSI + IO_QSPI chip-select override + flash chip + BOOTSEL button, as wired on a Pico."""

    def __init__(self, nor: SpiNor, clock: SimClock, clk_sys_hz: int = CLK_SYS_HZ) -> None:
        self.nor = nor
        self.clock = clock
        self.clk_sys_hz = clk_sys_hz
        self.ss_ctrl = 0
        self.button_pressed = False
        self.ssi = Ssi(self)
        self.violations = nor.violations
        self.cs_low = False
        self.bytes_while_deselected = 0

    # chip select: IO_QSPI output override beats the SSI's own select
    def _cs_low_now(self) -> bool:
        oe_over = (self.ss_ctrl >> 12) & 3
        out_over = (self.ss_ctrl >> 8) & 3
        if oe_over == OVER_LOW:  # output disabled: the pin floats to its pull-up, or the button pulls it
            return self.button_pressed
        if out_over == OVER_LOW:
            return True
        if out_over == OVER_HIGH:
            return False
        if out_over == OVER_INVERT or oe_over not in (OVER_NORMAL, OVER_HIGH):
            self.violations.append(f"unsupported IO_QSPI SS_CTRL 0x{self.ss_ctrl:08x}")
        return self.ssi.auto_cs

    def update_cs(self) -> None:
        low = self._cs_low_now()
        if low and not self.cs_low:
            self.nor.select()
        elif not low and self.cs_low:
            self.nor.deselect()
        self.cs_low = low

    def set_ss_ctrl(self, value: int) -> None:
        self.ss_ctrl = value
        self.update_cs()

    def ss_input(self) -> int:
        """SIO GPIO_HI_IN bit 1: the level on QSPI_SS."""
        return 0 if self._cs_low_now() else 1

    def exchange(self, mosi: int, sck_hz: float) -> int:
        self.clock.advance(8 / sck_hz * 1e6)
        if not self.cs_low:
            self.bytes_while_deselected += 1
            return 0xFF  # MISO idles high
        return self.nor.exchange(mosi)

    def xip_problem(self) -> str | None:
        """Why a CPU access through XIP could not work right now (None = it would)."""
        if self.ss_ctrl != 0:
            return f"XIP access while IO_QSPI overrides the chip select (SS_CTRL 0x{self.ss_ctrl:08x})"
        return self.ssi.xip_problem()


class Ssi:
    """DW_apb_ssi as the RP2040 uses it: XIP (EEPROM-read mode, driven by the XIP engine or by DR0 writes)
    and plain TX/RX mode with 8-bit frames on one data line. The modelled shifter is instantaneous; a chip
    select driven by the SSI itself stays low from the first DR0 write until software reads SR (the
    conservative reading: the FIFO may have run dry by then) or disables the SSI."""

    def __init__(self, bus: QspiBus) -> None:
        self.bus = bus
        self.regs = {SSI_CTRLR0: 0x07 << 16, SSI_CTRLR1: 0, SSI_SSIENR: 0, SSI_SER: 0, SSI_BAUDR: 0,
                     SSI_RX_SAMPLE_DLY: 0, SSI_SPI_CTRLR0: 0x03000218}
        self.rx: deque[int] = deque()
        self.pending: list[int] = []
        self.auto_cs = False
        self.rx_overflows = 0

    @property
    def enabled(self) -> bool:
        return bool(self.regs[SSI_SSIENR] & 1)

    def fields(self) -> dict[str, int]:
        ctrlr0, spi = self.regs[SSI_CTRLR0], self.regs[SSI_SPI_CTRLR0]
        return {"dfs": (ctrlr0 >> 16) & 0x1F, "tmod": (ctrlr0 >> 8) & 3, "frf": (ctrlr0 >> 21) & 3,
                "trans": spi & 3, "addr_bits": ((spi >> 2) & 0xF) * 4, "inst_l": (spi >> 8) & 3,
                "wait": (spi >> 11) & 0x1F, "xip_cmd": (spi >> 24) & 0xFF, "ndf": self.regs[SSI_CTRLR1] & 0xFFFF}

    def sck_hz(self, clk_sys_hz: float | None = None) -> float:
        baud = self.regs[SSI_BAUDR] & 0xFFFE  # the divider is even; bit 0 is ignored
        return (clk_sys_hz or self.bus.clk_sys_hz) / baud if baud else 0.0

    def _end_auto(self) -> None:
        if self.auto_cs:
            self.auto_cs = False
            self.bus.update_cs()

    def read(self, offset: int) -> int:
        if offset == SSI_SR:
            self._end_auto()
            return SR_TFE | SR_TFNF | (SR_RFNE if self.rx else 0)
        if offset == SSI_DR0:
            if not self.rx:
                self.bus.violations.append("SSI DR0 read with the RX FIFO empty")
                return 0
            return self.rx.popleft()
        if offset == SSI_RXFLR:
            return len(self.rx)
        if offset == SSI_TXFLR:
            return 0
        return self.regs.get(offset, 0)

    def write(self, offset: int, value: int) -> None:
        if offset in SSI_CONFIG_REGS:
            if self.enabled:
                self.bus.violations.append(f"SSI {SSI_CONFIG_REGS[offset]} written while the SSI is enabled "
                                           "(the write is ignored)")
                return
            self.regs[offset] = value
        elif offset == SSI_SSIENR:
            self.regs[offset] = value & 1
            if not value & 1:
                self.rx.clear()
                self.pending.clear()
                self._end_auto()
        elif offset == SSI_SER:
            self.regs[offset] = value
        elif offset == SSI_DR0:
            self._push(value)
        else:
            self.regs[offset] = value

    def _push(self, value: int) -> None:
        f = self.fields()
        if not self.enabled or not self.regs[SSI_SER] & 1:
            self.bus.violations.append("SSI DR0 written while the SSI is disabled or no slave is selected")
            return
        if self.sck_hz() == 0:
            self.bus.violations.append("SSI DR0 written with BAUDR 0 (no clock)")
            return
        if f["tmod"] == TMOD_TX_RX:
            if f["frf"] != FRF_STD or f["dfs"] != 7:
                self.bus.violations.append("TX/RX mode modelled for 8-bit single-line frames only")
                return
            if not self.auto_cs:
                self.auto_cs = True
                self.bus.update_cs()
            miso = self.bus.exchange(value & 0xFF, self.sck_hz())
            if len(self.rx) >= FIFO_DEPTH:
                self.rx_overflows += 1
                self.bus.violations.append("SSI RX FIFO overflow (a received byte was lost)")
            else:
                self.rx.append(miso)
        elif f["tmod"] == TMOD_EEPROM_READ:
            self.pending.append(value)
            if len(self.pending) < (2 if f["inst_l"] else 1):
                return
            command = self.pending[0] & 0xFF if f["inst_l"] else None
            word = self.pending[-1]
            self.pending.clear()
            address, mode = (word >> 8, word & 0xFF) if f["addr_bits"] == 32 else (word & 0xFFFFFF, None)
            problem = self.bus.nor.read_problem(command, mode, f["frf"], f["trans"], f["addr_bits"], f["wait"],
                                                self.sck_hz(CLK_SYS_MAX_HZ))
            if problem:
                self.bus.violations.append(problem)
                return
            frame_bytes = (f["dfs"] + 1) // 8
            data = self.bus.nor.ssi_read(command, address, mode, (f["ndf"] + 1) * frame_bytes)
            for i in range(0, len(data), frame_bytes):
                if len(self.rx) < FIFO_DEPTH:
                    self.rx.append(int.from_bytes(data[i : i + frame_bytes], "little"))
        else:
            self.bus.violations.append(f"SSI transfer mode {f['tmod']} not modelled")

    def xip_problem(self) -> str | None:
        f = self.fields()
        if not self.enabled:
            return "XIP access with the SSI disabled"
        if not self.regs[SSI_SER] & 1:
            return "XIP access with no slave selected (SER)"
        if f["tmod"] != TMOD_EEPROM_READ or f["dfs"] != 31:
            return "XIP access while the SSI is not in 32-bit EEPROM-read (XIP) mode"
        baud = self.regs[SSI_BAUDR] & 0xFFFF
        if baud < 2 or baud & 1:
            return f"SSI BAUDR {baud} is not an even divider >= 2"
        if f["inst_l"] == 2:
            command, mode = f["xip_cmd"], None
        elif f["inst_l"] == 0:
            command, mode = None, f["xip_cmd"]
        else:
            return "XIP with an instruction length other than 0 or 8 bits"
        if command is not None and f["addr_bits"] == 32:
            mode = 0  # EBh with the mode byte sent as part of the address
        return self.bus.nor.read_problem(command, mode, f["frf"], f["trans"], f["addr_bits"], f["wait"],
                                         self.sck_hz(CLK_SYS_MAX_HZ))


@dataclass
class RomTable:
    """A model of the RP2040 mask ROM header and public function table (datasheet 2.8.3): magic 'M', 'u', 1
    and a version at 0x10, 16-bit pointers to the function table (0x14), data table (0x16) and the lookup
    helper (0x18); table entries are (16-bit code, 16-bit address) pairs ending with code 0."""

    functions: dict[str, int]
    magic: bytes = b"Mu\x01"
    version: int = 3
    table_at: int = 0x100

    def image(self, size: int = 0x4000) -> bytes:
        rom = bytearray(size)
        rom[0x10:0x13] = self.magic
        rom[0x13] = self.version
        rom[0x14:0x16] = self.table_at.to_bytes(2, "little")
        at = self.table_at
        for name, address in self.functions.items():
            code = ord(name[0]) | ord(name[1]) << 8
            rom[at : at + 4] = code.to_bytes(2, "little") + address.to_bytes(2, "little")
            at += 4
        rom[at : at + 4] = bytes(4)
        return bytes(rom)
