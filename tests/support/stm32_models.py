"""Register-level models of STM32F4/F7 peripherals for tests/support/stm32_unicorn.py, written from the reference
manuals (RM0090, RM0368, RM0383, RM0390, RM0410). Each model keeps the peripheral's state machine and records
protocol violations in `violations` (a test asserts there are none) besides the plain register values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


def mask(size: int) -> int:
    return (1 << (8 * size)) - 1


class Regs:
    """Word registers with byte/halfword access merged into the word. Subclasses hook read_word/write_word."""

    def __init__(self, resets: dict[int, int] | None = None) -> None:
        self.r: dict[int, int] = dict(resets or {})
        self.violations: list[str] = []

    def read(self, offset: int, size: int) -> int:
        word = self.read_word(offset & ~3, size)
        return (word >> (8 * (offset & 3))) & mask(size)

    def write(self, offset: int, size: int, value: int) -> None:
        if size == 4:
            self.write_word(offset, value, size)
            return
        word_off, shift = offset & ~3, 8 * (offset & 3)
        old = self.r.get(word_off, 0)
        bits = mask(size) << shift
        self.write_word(word_off, (old & ~bits) | ((value << shift) & bits), size)

    def read_word(self, offset: int, size: int) -> int:
        return self.r.get(offset, 0)

    def write_word(self, offset: int, value: int, size: int) -> None:
        self.r[offset] = value & 0xFFFFFFFF

    def __getitem__(self, offset: int) -> int:
        return self.r.get(offset, 0)

    def __setitem__(self, offset: int, value: int) -> None:
        self.r[offset] = value


# ---- core: SysTick, NVIC, SCB ------------------------------------------------------------------------

class Scs(Regs):
    """System control space at 0xE000E000 (offsets from there): SysTick counts down `step` cycles per read of
    its current value, so bounded waits in the firmware see time pass; NVIC enable/pending/priority state."""

    CSR, RVR, CVR = 0x10, 0x14, 0x18

    def __init__(self, step: int = 200) -> None:
        super().__init__()
        self.step = step
        self.enabled: set[int] = set()

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.CVR:
            period = (self.r.get(self.RVR, 0) & 0xFFFFFF) + 1
            value = self.r.get(self.CVR, 0)
            if self.r.get(self.CSR, 0) & 1:
                value = (value - self.step) % period
                self.r[self.CVR] = value
            return value
        if 0x100 <= offset < 0x120 or 0x180 <= offset < 0x1A0:  # ISER/ICER read back the enabled set
            n = (offset & 0x1F) // 4
            return sum(1 << (irq - 32 * n) for irq in self.enabled if 32 * n <= irq < 32 * n + 32)
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.CVR:
            self.r[self.CVR] = 0
            return
        if 0x100 <= offset < 0x120:
            n = (offset - 0x100) // 4
            self.enabled |= {32 * n + b for b in range(32) if value >> b & 1}
            return
        if 0x180 <= offset < 0x1A0:
            n = (offset - 0x180) // 4
            self.enabled -= {32 * n + b for b in range(32) if value >> b & 1}
            return
        super().write_word(offset, value, size)

    def priority(self, irq: int) -> int:
        word = self.r.get(0x400 + (irq & ~3), 0)
        return (word >> (8 * (irq & 3))) & 0xFF


# ---- clocks and power ---------------------------------------------------------------------------------

class Rcc(Regs):
    """RCC: ready flags follow their enable bits (HSE only with a crystal, LSE only with one), SWS follows SW,
    reset flags in CSR clear on RMVF, every RSTR pulse is counted per (register, bit)."""

    CR, PLLCFGR, CFGR = 0x00, 0x04, 0x08
    RSTRS = (0x10, 0x14, 0x18, 0x20, 0x24)
    BDCR, CSR = 0x70, 0x74

    def __init__(self, hse: bool = True, lse: bool = True, lsi: bool = True, reset_flags: int = 0x0C000000) -> None:
        super().__init__({self.CR: 0x83, self.PLLCFGR: 0x24003010, 0x30: 0x00100000, self.CSR: reset_flags})
        self.hse, self.lse, self.lsi = hse, lse, lsi
        self.pulses: dict[tuple[int, int], int] = {}
        self.lse_polls = 0

    def read_word(self, offset: int, size: int) -> int:
        value = self.r.get(offset, 0)
        if offset == self.CR:
            value &= ~((1 << 1) | (1 << 17) | (1 << 25))
            value |= (value & 1) << 1 | ((value >> 16) & int(self.hse)) << 17 | ((value >> 24) & 1) << 25
        elif offset == self.CFGR:
            value = (value & ~0xC) | (value & 3) << 2
        elif offset == self.BDCR:
            if value & 1:
                self.lse_polls += 1
            value = (value & ~2) | ((value & 1) if self.lse else 0) << 1
        elif offset == self.CSR:
            value = (value & ~2) | ((value & 1) if self.lsi else 0) << 1
        return value

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset in self.RSTRS:
            old = self.r.get(offset, 0)
            for bit in range(32):
                if value >> bit & 1 and not old >> bit & 1:
                    self.pulses[(offset, bit)] = self.pulses.get((offset, bit), 0) + 1
        if offset == self.CSR and value & (1 << 24):  # RMVF
            value &= 0x00FFFFFF
        if offset == self.BDCR:
            old = self.r.get(offset, 0)
            if value & (1 << 16):  # BDRST: the whole backup domain back to reset
                value = 1 << 16
            elif old & (3 << 8) and (value & (3 << 8)) != (old & (3 << 8)):
                self.violations.append("RTCSEL changed without a backup domain reset")
                value = (value & ~(3 << 8)) | (old & (3 << 8))
        super().write_word(offset, value, size)


class Pwr(Regs):
    """PWR_CR/CSR: ODRDY/ODSWRDY follow ODEN/ODSWEN."""

    def read_word(self, offset: int, size: int) -> int:
        if offset == 0x04:
            return self.r.get(0x00, 0) & (3 << 16)
        return super().read_word(offset, size)


# ---- GPIO, SYSCFG, EXTI -------------------------------------------------------------------------------

class Gpio(Regs):
    """One GPIO port. The level a pin reads is what drives it: the output latch (push-pull), the latch ANDed
    with external drivers (open-drain), external drivers or the pull (input). `external[pin]` is 0/1/None."""

    MODER, OTYPER, OSPEEDR, PUPDR, IDR, ODR, BSRR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18

    def __init__(self, port: int) -> None:
        super().__init__({self.MODER: 0xA8000000 if port == 0 else 0x00000280 if port == 1 else 0})
        self.port = port
        self.external: dict[int, int | None] = {}
        self.on_latch: list[Callable[[int, int, int], None]] = []  # (pin, old, new)
        self.bsrr_writes: list[int] = []

    def mode(self, pin: int) -> int:
        return (self.r.get(self.MODER, 0) >> (2 * pin)) & 3

    def level(self, pin: int) -> int:
        latch = (self.r.get(self.ODR, 0) >> pin) & 1
        ext = self.external.get(pin)
        pull = (self.r.get(self.PUPDR, 0) >> (2 * pin)) & 3
        idle = 1 if pull == 1 else 0
        if self.mode(pin) == 1:
            if (self.r.get(self.OTYPER, 0) >> pin) & 1:  # open drain: released high unless someone pulls
                return latch & (ext if ext is not None else idle if pull == 1 else 1)
            return latch
        if self.mode(pin) == 2 and (self.r.get(self.OTYPER, 0) >> pin) & 1:
            return ext if ext is not None else 1
        return ext if ext is not None else idle

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.IDR:
            return sum(self.level(pin) << pin for pin in range(16))
        if offset == self.BSRR:
            return 0
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.BSRR:
            self.bsrr_writes.append(value)
            old = self.r.get(self.ODR, 0)
            new = (old | (value & 0xFFFF)) & ~((value >> 16) & ~value & 0xFFFF)
            self._set_latch(old, new)
            return
        if offset == self.ODR:
            self._set_latch(self.r.get(self.ODR, 0), value & 0xFFFF)
            return
        super().write_word(offset, value, size)

    def _set_latch(self, old: int, new: int) -> None:
        self.r[self.ODR] = new
        for pin in range(16):
            if (old ^ new) >> pin & 1:
                for listener in self.on_latch:
                    listener(pin, old >> pin & 1, new >> pin & 1)


class Exti(Regs):
    """EXTI: SWIER sets PR for unmasked lines; PR is write-1-to-clear."""

    IMR, RTSR, FTSR, SWIER, PR = 0x00, 0x08, 0x0C, 0x10, 0x14

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.PR:
            self.r[self.PR] = self.r.get(self.PR, 0) & ~value
            return
        if offset == self.SWIER:
            self.r[self.PR] = self.r.get(self.PR, 0) | (value & self.r.get(self.IMR, 0))
            return
        super().write_word(offset, value, size)

    def edge(self, line: int, rising: bool) -> None:
        """An edge on the line's pin: pending if that edge is selected and the line unmasked."""
        selected = self.r.get(self.RTSR if rising else self.FTSR, 0) >> line & 1
        if selected and self.r.get(self.IMR, 0) >> line & 1:
            self.r[self.PR] = self.r.get(self.PR, 0) | 1 << line


# ---- USART --------------------------------------------------------------------------------------------

class Usart(Regs):
    """USART in the F4 layout (SR/DR/BRR/CR1..3) or the F7 one (CR1..3/BRR/ISR/ICR/RDR/TDR). Transmit is
    instantaneous; `feed` queues received bytes, `overrun` forces ORE."""

    def __init__(self, f7: bool) -> None:
        super().__init__()
        self.f7 = f7
        self.tx: list[int] = []
        self.rx: list[int] = []
        self.errors = 0
        self.off = ({"CR1": 0x00, "CR2": 0x04, "CR3": 0x08, "BRR": 0x0C, "ISR": 0x1C, "ICR": 0x20, "RDR": 0x24,
                     "TDR": 0x28} if f7 else
                    {"ISR": 0x00, "RDR": 0x04, "TDR": 0x04, "BRR": 0x08, "CR1": 0x0C, "CR2": 0x10, "CR3": 0x14})

    def enabled(self) -> bool:
        return bool(self.r.get(self.off["CR1"], 0) & (1 if self.f7 else 1 << 13))

    def feed(self, data: bytes, errors: int = 0) -> None:
        self.rx.extend(data)
        self.errors |= errors

    def status(self) -> int:
        value = (1 << 7) | (1 << 6) | self.errors  # TXE, TC
        if self.rx:
            value |= 1 << 5
        return value

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.off["ISR"]:
            return self.status()
        if offset == self.off["RDR"]:
            if not self.f7:
                self.errors = 0  # SR then DR read clears the error flags
            return self.rx.pop(0) if self.rx else 0
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.off["TDR"]:
            if not self.enabled() or not self.r.get(self.off["CR1"], 0) & (1 << 3):
                self.violations.append("TDR written with the USART or its transmitter disabled")
            self.tx.append(value & 0x1FF)
            return
        if self.f7 and offset == self.off["ICR"]:
            self.errors &= ~value
            return
        if offset == self.off["BRR"] and self.enabled():
            self.violations.append("BRR written while UE=1")
        super().write_word(offset, value, size)


# ---- I2C (F4 version) ---------------------------------------------------------------------------------

@dataclass
class I2cDevice:
    """A target on the bus: acknowledges its address, takes written bytes (NACKing from byte index
    nack_after on), returns `data` bytes to reads."""

    address: int
    data: bytes = b""
    nack_after: int | None = None
    received: list[int] = field(default_factory=list)
    reads: list[tuple[int, list[bool]]] = field(default_factory=list)  # (bytes clocked, ack per byte)


class I2cV1(Regs):
    """F4 I2C (RM0090 27): START -> SB; SR1 read + DR write sends the address; ADDR or AF; ADDR clears on an
    SR1 then SR2 read. Transmitting: a DR write leaves TXE low until the byte has gone (next SR1 read), BTF
    once DR and shift register are both empty after a byte. Receiving follows the RM's DR + shift-register
    pipeline: one byte moves per SR1 read, SCL stretches while both are full (BTF); each byte's acknowledge is
    the ACK bit when it completes (with POS: the ACK bit when the previous byte completed, or when ADDR was
    cleared). A STOP comes after the byte in flight. `stall` makes the next flag never arrive."""

    CR1, CR2, DR, SR1, SR2, CCR, TRISE = 0x00, 0x04, 0x10, 0x14, 0x18, 0x1C, 0x20

    def __init__(self, devices: list[I2cDevice] | None = None) -> None:
        super().__init__()
        self.devices = {d.address: d for d in devices or []}
        self.transactions: list[tuple[str, int, list[int]]] = []  # ("w"/"r", address, bytes)
        self.acks: list[bool] = []
        self.starts = 0
        self.stops = 0
        self.busy_stuck = False
        self.stall = False
        self.reset_state()

    def reset_state(self) -> None:
        self.state = "idle"  # idle, start, addr, tx, rx
        self.sr1 = 0
        self.sr1_read = False
        self.target: I2cDevice | None = None
        self.reading = False
        self.current: list[int] = []
        self.tx_pending: int | None = None
        self.rx_dr: int | None = None
        self.rx_shift: int | None = None
        self.acks = []
        self.pos_ack = True
        self.stop_after: int | None = None

    @property
    def cr1(self) -> int:
        return self.r.get(self.CR1, 0)

    def _record(self) -> None:
        if self.target is not None:
            self.transactions.append(("r" if self.reading else "w", self.target.address, list(self.current)))
            if self.reading and self.state == "rx":
                self.target.reads.append((len(self.acks), list(self.acks)))

    def _finish(self) -> None:
        self._record()
        self.stops += 1
        self.r[self.CR1] = self.cr1 & ~(1 << 9)
        last = self.acks
        self.reset_state()
        self.acks = last

    # receiving
    def _device_sends(self) -> bool:
        if self.acks and not self.acks[-1]:
            return False  # a NACKed byte ends the target's transmission
        return self.stop_after is None or len(self.acks) < self.stop_after

    def _step_receive(self) -> None:
        assert self.target is not None
        if self.rx_shift is not None or not self._device_sends():
            return
        index = len(self.acks)
        byte = self.target.data[index] if index < len(self.target.data) else 0xFF
        ack_bit = bool(self.cr1 & (1 << 10))
        if self.cr1 & (1 << 11):
            ack, self.pos_ack = self.pos_ack, ack_bit
        else:
            ack = ack_bit
        self.acks.append(ack)
        self.current.append(byte)
        if self.rx_dr is None:
            self.rx_dr = byte
        else:
            self.rx_shift = byte

    def _maybe_stop(self) -> None:
        if self.stop_after is not None and self.rx_dr is None and self.rx_shift is None and not self._device_sends():
            if self.acks and self.acks[-1]:
                self.violations.append(f"STOP after an acknowledged last byte (acks {self.acks})")
            self._finish()

    # transmitting
    def _send(self, byte: int) -> None:
        assert self.target is not None
        index = len(self.current)
        self.current.append(byte)
        self.target.received.append(byte)
        if self.target.nack_after is not None and index >= self.target.nack_after:
            self.sr1 |= 1 << 10  # AF

    def status1(self) -> int:
        value = self.sr1
        if self.state == "rx":
            value |= (1 << 6) if self.rx_dr is not None else 0
            value |= (1 << 2) if self.rx_dr is not None and self.rx_shift is not None else 0
        if self.state == "tx" and self.tx_pending is None:
            value |= 1 << 7
            value |= (1 << 2) if self.current else 0
        return value

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.SR1:
            self.sr1_read = True
            if not self.stall:
                if self.state == "rx":
                    self._step_receive()
                elif self.state == "tx" and self.tx_pending is not None:
                    self._send(self.tx_pending)
                    self.tx_pending = None
            return self.status1()
        if offset == self.SR2:
            value = 2 if self.state != "idle" or self.busy_stuck else 0
            value |= 1 if self.state != "idle" else 0
            value |= 4 if self.state == "tx" or self.state == "addr" and not self.reading else 0
            if self.sr1 & 2 and self.sr1_read:  # ADDR cleared by SR1 then SR2
                self.sr1 &= ~2
                self.state = "rx" if self.reading else "tx"
                self.pos_ack = bool(self.cr1 & (1 << 10))
            self.sr1_read = False
            return value
        if offset == self.DR:
            if self.state != "rx" or self.rx_dr is None:
                self.violations.append(f"DR read in state {self.state} with nothing received")
                return 0
            value, self.rx_dr = self.rx_dr, None
            if self.rx_shift is not None:
                self.rx_dr, self.rx_shift = self.rx_shift, None
            self._maybe_stop()
            return value
        return super().read_word(offset, size)

    def _start(self, value: int) -> None:
        if not value & 1:
            self.violations.append("START with PE=0")
        if self.state == "rx":
            self.violations.append("START during a read")
        self.starts += 1
        if self.state != "idle":
            self._record()  # repeated START: the previous transfer ends here
        self.reset_state()
        if not self.stall:
            self.state, self.sr1 = "start", 1
        self.r[self.CR1] = value & ~(1 << 8)

    def _stop(self) -> None:
        if self.state == "rx":
            in_flight = self.rx_shift is None and self._device_sends()
            self.stop_after = len(self.acks) + (1 if in_flight else 0)
            self._maybe_stop()
        elif self.state in ("tx", "addr"):
            if self.state == "tx" and self.tx_pending is not None:
                self._send(self.tx_pending)
            self._finish()
        else:
            self.stops += 1
            self.reset_state()
            self.r[self.CR1] = self.cr1 & ~(1 << 9)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.CR1:
            old = self.cr1
            super().write_word(offset, value, size)
            if value & (1 << 15):  # SWRST
                self.reset_state()
                self.busy_stuck = False
                return
            if value & (1 << 8) and not old & (1 << 8):
                self._start(value)
            if value & (1 << 9) and not old & (1 << 9):
                self._stop()
            return
        if offset == self.DR:
            if self.state == "start":
                if not self.sr1_read:
                    self.violations.append("address written without reading SR1 after SB")
                self.sr1 &= ~1
                address, self.reading = value >> 1 & 0x7F, bool(value & 1)
                self.current = []
                self.state = "addr"
                self.target = self.devices.get(address)
                if self.target is None:
                    self.sr1 |= 1 << 10  # AF: nobody acknowledged
                    self.target = I2cDevice(address)  # keeps the attempt in the record
                else:
                    self.sr1 |= 2
                self.sr1_read = False
                return
            if self.state == "tx":
                if self.tx_pending is not None:
                    self.violations.append("DR written while TXE=0")
                self.tx_pending = value & 0xFF
                return
            self.violations.append(f"DR written in state {self.state}")
            return
        if offset == self.SR1:
            self.sr1 &= value | ~0xDF00  # error flags are rc_w0
            return
        super().write_word(offset, value, size)


# ---- I2C (F7 version) ---------------------------------------------------------------------------------

class I2cV2(Regs):
    """F7 I2C (RM0410 30): CR2 START sends the address; TXIS/RXNE per byte until NBYTES; RELOAD -> TCR;
    AUTOEND -> STOP + STOPF, else TC; a NACK sets NACKF and STOP follows automatically (STOPF)."""

    CR1, CR2, TIMINGR, ISR, ICR, RXDR, TXDR = 0x00, 0x04, 0x10, 0x18, 0x1C, 0x24, 0x28

    def __init__(self, devices: list[I2cDevice] | None = None) -> None:
        super().__init__()
        self.devices = {d.address: d for d in devices or []}
        self.isr = 1  # TXE
        self.active = False
        self.target: I2cDevice | None = None
        self.left = 0
        self.reading = False
        self.current: list[int] = []
        self.transactions: list[tuple[str, int, list[int]]] = []
        self.busy_stuck = False

    def _end(self, stop: bool) -> None:
        if self.target is not None:
            self.transactions.append(("r" if self.reading else "w", self.target.address, list(self.current)))
        if stop:
            self.isr |= 1 << 5  # STOPF
            self.active = False
            self.target = None
        self.isr &= ~(1 << 1 | 1 << 2)

    def _chunk_done(self) -> None:
        cr2 = self.r.get(self.CR2, 0)
        if cr2 & (1 << 24):
            self.isr |= 1 << 7  # TCR
        elif cr2 & (1 << 25):
            self._end(stop=True)
        else:
            self.isr |= 1 << 6  # TC
            self.transactions.append(("r" if self.reading else "w", self.target.address if self.target else -1,
                                      list(self.current)))

    def _next(self) -> None:
        """Raise the next TXIS/RXNE or end the chunk."""
        assert self.target is not None
        if self.left == 0:
            self._chunk_done()
            return
        if self.reading:
            index = len(self.current)
            byte = self.target.data[index] if index < len(self.target.data) else 0xFF
            self.current.append(byte)
            self.isr |= 1 << 2
        else:
            self.isr |= 1 << 1

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.ISR:
            return self.isr | (1 << 15 if self.active or self.busy_stuck else 0)
        if offset == self.RXDR:
            if not self.isr & (1 << 2):
                self.violations.append("RXDR read without RXNE")
                return 0
            self.isr &= ~(1 << 2)
            value = self.current[-1]
            self.left -= 1
            self._next()
            return value
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.CR1:
            if not value & 1:  # PE=0: software reset
                self.isr, self.active, self.target = 1, False, None
                self.busy_stuck = False
            super().write_word(offset, value, size)
            return
        if offset == self.ICR:
            self.isr &= ~(value & 0x3F38)
            return
        if offset == self.CR2:
            old = self.r.get(self.CR2, 0)
            super().write_word(offset, value & ~((1 << 13) | (1 << 14)), size)
            if self.isr & (1 << 7) and not value & (1 << 13):  # reload: next chunk
                self.isr &= ~(1 << 7)
                self.left = value >> 16 & 0xFF
                self._next()
                return
            if value & (1 << 13):
                if not self.r.get(self.CR1, 0) & 1:
                    self.violations.append("START with PE=0")
                if self.active and self.target is not None and not self.isr & (1 << 6):
                    self.violations.append("START while a transfer is running")
                self.isr &= ~(1 << 6)
                address, self.reading = value >> 1 & 0x7F, bool(value & (1 << 10))
                self.current = []
                self.left = value >> 16 & 0xFF
                self.active = True
                self.target = self.devices.get(address)
                if self.target is None:
                    self.transactions.append(("r" if self.reading else "w", address, []))
                    self.isr |= (1 << 4) | (1 << 5)  # NACKF, then the automatic STOP
                    self.active = False
                    return
                self._next()
                return
            if value & (1 << 14) and not old & (1 << 14):
                self._end(stop=True)
            return
        if offset == self.TXDR:
            if not self.isr & (1 << 1) or self.target is None:
                self.violations.append("TXDR written without TXIS")
                return
            self.isr &= ~(1 << 1)
            index = len(self.current)
            self.current.append(value & 0xFF)
            self.target.received.append(value & 0xFF)
            self.left -= 1
            if self.target.nack_after is not None and index >= self.target.nack_after:
                self.transactions.append(("w", self.target.address, list(self.current)))
                self.isr |= (1 << 4) | (1 << 5)
                self.active = False
                self.target = None
                return
            self._next()
            return
        super().write_word(offset, value, size)


# ---- SPI, ADC, DAC, timers -----------------------------------------------------------------------------

class Spi(Regs):
    """SPI: a DR write is one frame; `respond(byte)` gives the byte the device shifts back (loopback by default);
    byte-wide DR access is recorded (the F7 packs two frames into a halfword write)."""

    CR1, CR2, SR, DR = 0x00, 0x04, 0x08, 0x0C

    def __init__(self, respond: Callable[[int], int] | None = None) -> None:
        super().__init__({self.SR: 2})
        self.respond = respond or (lambda byte: byte)
        self.tx: list[int] = []
        self.widths: list[int] = []
        self.rx: list[int] = []
        self.modes: list[int] = []

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.SR:
            return 2 | (1 if self.rx else 0)
        if offset == self.DR:
            return self.rx.pop(0) if self.rx else 0
        return super().read_word(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        if offset == self.DR:
            if not self.r.get(self.CR1, 0) & (1 << 6):
                self.violations.append("DR written with SPE=0")
            if self.rx:
                self.violations.append("DR written with an unread frame (overrun)")
            self.widths.append(size)
            self.tx.append(value & 0xFF)
            self.modes.append(self.r.get(self.CR1, 0) & 3)
            self.rx.append(self.respond(value & 0xFF))
            return
        super().write(offset, size, value)


class Adc(Regs):
    """One ADC: SWSTART starts a conversion that raises EOC after `delay` SR reads; DR holds sample(channel).
    `common` (the ADC common block) says whether the internal channels are powered."""

    SR, CR1, CR2, SMPR1, SMPR2, SQR1, SQR3, DR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x2C, 0x34, 0x4C

    def __init__(self, common: Regs, sample: Callable[[int], int], delay: int = 3) -> None:
        super().__init__()
        self.common = common
        self.sample = sample
        self.delay = delay
        self.countdown = -1
        self.conversions: list[tuple[int, int]] = []  # (channel, sampling-time code)

    def sampling_time(self, channel: int) -> int:
        reg = self.SMPR2 if channel < 10 else self.SMPR1
        return (self.r.get(reg, 0) >> (3 * (channel % 10))) & 7

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.SR and self.countdown >= 0:
            if self.countdown == 0:
                self._complete()
            else:
                self.countdown -= 1
        if offset == self.DR:
            self.r[self.SR] = self.r.get(self.SR, 0) & ~2
        return super().read_word(offset, size)

    def _complete(self) -> None:
        channel = self.r.get(self.SQR3, 0) & 0x1F
        ccr = self.common.r.get(0x04, 0)
        value = self.sample(channel)
        if channel in (16, 17) and not ccr & (1 << 23) or channel == 18 and not ccr & ((1 << 22) | (1 << 23)):
            value = 0  # the internal sources are not connected
        bits = (12, 10, 8, 6)[(self.r.get(self.CR1, 0) >> 24) & 3]
        self.r[self.DR] = value & ((1 << bits) - 1)
        self.r[self.SR] = self.r.get(self.SR, 0) | 2
        self.conversions.append((channel, self.sampling_time(channel)))
        self.countdown = -1

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.SR:
            self.r[self.SR] = self.r.get(self.SR, 0) & value  # rc_w0
            return
        if offset == self.CR2 and value & (1 << 30):
            if not value & 1 and not self.r.get(self.CR2, 0) & 1:
                self.violations.append("SWSTART with ADON=0")
            self.countdown = self.delay
            value &= ~(1 << 30)
        super().write_word(offset, value, size)


class Dac(Regs):
    """DAC: with ENx set and TENx clear, DHR12Rx moves to DORx."""

    CR, DHR12R1, DHR12R2, DOR1, DOR2 = 0x00, 0x08, 0x14, 0x2C, 0x30

    def write_word(self, offset: int, value: int, size: int) -> None:
        super().write_word(offset, value, size)
        cr = self.r.get(self.CR, 0)
        for ch, dhr, dor, shift in ((1, self.DHR12R1, self.DOR1, 0), (2, self.DHR12R2, self.DOR2, 16)):
            if offset == dhr and cr >> shift & 1 and not cr >> (shift + 2) & 1:
                self.r[dor] = value & 0xFFF
            elif offset == dhr:
                self.violations.append(f"DHR12R{ch} written with the channel disabled or triggered")


class Timer(Regs):
    """General-purpose timer registers; SR flags are rc_w0 (write 0 clears, 1 leaves alone)."""

    SR = 0x10

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.SR:
            self.r[self.SR] = self.r.get(self.SR, 0) & value
            return
        if offset == 0x14:  # EGR: self-clearing
            self.egr_writes = getattr(self, "egr_writes", 0) + 1
            return
        super().write_word(offset, value, size)


# ---- watchdog, RTC --------------------------------------------------------------------------------------

class Iwdg(Regs):
    """IWDG: 0xCCCC starts it, 0x5555 opens PR/RLR for writing, 0xAAAA reloads and closes them again; each
    PR/RLR write keeps PVU/RVU set for `busy` SR reads."""

    KR, PR, RLR, SR = 0x00, 0x04, 0x08, 0x0C

    def __init__(self, busy: int = 3) -> None:
        super().__init__({self.RLR: 0xFFF})
        self.started = False
        self.open = False
        self.reloads = 0
        self.busy = busy
        self.pending = {1: 0, 2: 0}

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.SR:
            value = (1 if self.pending[1] else 0) | (2 if self.pending[2] else 0)
            for key in self.pending:
                self.pending[key] = max(0, self.pending[key] - 1)
            return value
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.KR:
            key = value & 0xFFFF
            if key == 0xCCCC:
                self.started = True
            elif key == 0x5555:
                self.open = True
            else:
                self.open = False
                if key == 0xAAAA:
                    self.reloads += 1
            return
        if offset in (self.PR, self.RLR):
            if not self.open:
                self.violations.append(f"write to {'PR' if offset == self.PR else 'RLR'} while protected (ignored)")
                return
            if self.pending[1 if offset == self.PR else 2]:
                self.violations.append("PR/RLR written while the previous update is pending")
            self.pending[1 if offset == self.PR else 2] = self.busy
        super().write_word(offset, value, size)


class Rtc(Regs):
    """RTC: writes need the 0xCA/0x53 key (any other WPR write relocks); TR/DR/PRER only in init mode (INIT
    then INITF after a few reads); outside init mode the shadow registers resync every few reads (RSF), so a
    cleared RSF comes back."""

    TR, DR, CR, ISR, PRER, WPR, SSR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x24, 0x28

    def __init__(self, delay: int = 2) -> None:
        super().__init__({self.DR: 0x2101, self.PRER: 0x007F00FF, self.ISR: 0x07})
        self.keys: list[int] = []
        self.unlocked = False
        self.delay = delay
        self.initf_countdown = -1
        self.rsf_countdown = delay
        self.prer_writes: list[int] = []

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.ISR:
            isr = self.r.get(self.ISR, 0)
            if self.initf_countdown > 0:
                self.initf_countdown -= 1
            elif self.initf_countdown == 0:
                isr |= 1 << 6
                self.initf_countdown = -1
            if self.rsf_countdown > 0 and not isr & 0x80:
                self.rsf_countdown -= 1
            elif self.rsf_countdown == 0 and not isr & 0x80:
                isr |= 1 << 5
                self.rsf_countdown = -1
            isr = (isr & ~(1 << 4)) | ((1 << 4) if self.r.get(self.DR, 0) & 0xFF0000 else 0)  # INITS: year != 0
            self.r[self.ISR] = isr
            return isr
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.WPR:
            self.keys = (self.keys + [value & 0xFF])[-2:]
            self.unlocked = self.keys == [0xCA, 0x53]
            return
        if not self.unlocked:
            self.violations.append(f"write to 0x{offset:02x} while write-protected (ignored)")
            return
        if offset == self.ISR:
            old = self.r.get(self.ISR, 0)
            new = (old & ~0x80) | (value & 0x80)
            new &= value | ~0x3F20  # rc_w0 flags, RSF among them
            if old & (1 << 5) and not new & (1 << 5):
                self.rsf_countdown = self.delay
            if value & 0x80 and not old & 0x80:
                self.initf_countdown = self.delay
            if not value & 0x80 and old & 0x80:
                new &= ~(1 << 6)
                self.rsf_countdown = self.delay
            self.r[self.ISR] = new
            return
        if offset in (self.TR, self.DR, self.PRER):
            if not self.r.get(self.ISR, 0) & (1 << 6):
                self.violations.append(f"write to 0x{offset:02x} outside init mode (ignored)")
                return
            if offset == self.PRER:
                self.prer_writes.append(value)
        super().write_word(offset, value, size)


# ---- flash interface and the flash array ---------------------------------------------------------------

class FlashArray:
    """Flash memory outside the firmware image: reads return contents; writes are programming operations
    the interface checks (PG set, access width = PSIZE, bits only 1 -> 0)."""

    def __init__(self, base: int, data: bytearray, interface: FlashInterface) -> None:
        self.base = base
        self.data = data
        self.interface = interface

    def read(self, offset: int, size: int) -> int:
        return int.from_bytes(self.data[offset:offset + size], "little")

    def write(self, offset: int, size: int, value: int) -> None:
        self.interface.program(self.base + offset, size, value, self)


class FlashInterface(Regs):
    """FLASH_ACR/KEYR/SR/CR/OPTCR: KEYR unlock sequence (a wrong key locks until reset), CR writes ignored while
    locked, BSY for `busy` SR reads after each operation, SER+SNB+STRT erase with the sector map, PG
    programming with PSIZE-wide accesses, error flags rc_w1."""

    ACR, KEYR, SR, CR, OPTCR = 0x00, 0x04, 0x0C, 0x10, 0x14

    def __init__(self, flash_base: int, sectors: list[tuple[int, int]], busy: int = 3) -> None:
        super().__init__({self.CR: 1 << 31, self.OPTCR: 0x0FFFAAED | (1 << 29)})
        self.flash_base = flash_base
        self.sectors = sectors  # (offset, size) per sector
        self.array: FlashArray | None = None
        self.arrays: list[FlashArray] = []  # every modelled (writable) part of flash; `array` is the top one
        self.busy = busy
        self.busy_left = 0
        self.keys: list[int] = []
        self.hard_locked = False
        self.operations: list[tuple] = []
        self.bsy_polls = 0

    def read_word(self, offset: int, size: int) -> int:
        if offset == self.SR:
            value = self.r.get(self.SR, 0)
            if self.busy_left:
                self.busy_left -= 1
                self.bsy_polls += 1
                return value | (1 << 16)
            return value
        return super().read_word(offset, size)

    def write_word(self, offset: int, value: int, size: int) -> None:
        if offset == self.KEYR:
            if self.hard_locked or not self.r.get(self.CR, 0) & (1 << 31):
                self.violations.append("KEYR written while unlocked or after a bad sequence")
                self.hard_locked = True
                return
            self.keys.append(value)
            if self.keys == [0x45670123]:
                return
            if self.keys == [0x45670123, 0xCDEF89AB]:
                self.r[self.CR] = self.r.get(self.CR, 0) & ~(1 << 31)
            else:
                self.hard_locked = True
                self.violations.append(f"bad key sequence {[hex(k) for k in self.keys]}")
            self.keys = []
            return
        if offset == self.SR:
            self.r[self.SR] = self.r.get(self.SR, 0) & ~(value & 0x1F3)  # rc_w1
            return
        if offset == self.CR:
            cr = self.r.get(self.CR, 0)
            if cr & (1 << 31):
                if value & (1 << 31):
                    return
                self.violations.append(f"CR write 0x{value:08x} while locked (ignored)")
                return
            if self.busy_left:
                self.violations.append("CR written while BSY")
            if value & (1 << 16):  # STRT
                self._erase(value)
                value &= ~(1 << 16)
            self.r[self.CR] = value
            return
        super().write_word(offset, value, size)

    def _erase(self, cr: int) -> None:
        if not cr & 2:
            self.violations.append("STRT without SER")
            return
        if cr & 1:
            self.violations.append("erase with PG set")
        sector = (cr >> 3) & 0x1F
        psize = (cr >> 8) & 3
        self.operations.append(("erase", sector, psize))
        start, size = self.sectors[sector]
        arrays = self.arrays or ([self.array] if self.array is not None else [])
        array = next((a for a in arrays if a.base <= self.flash_base + start < a.base + len(a.data)), None)
        if array is None:
            self.violations.append(f"erase of sector {sector}, which holds the firmware")
            return
        array_start = self.flash_base + start - array.base
        array.data[array_start:array_start + size] = b"\xff" * size
        self.busy_left = self.busy

    def program(self, address: int, size: int, value: int, array: FlashArray) -> None:
        cr = self.r.get(self.CR, 0)
        if cr & (1 << 31) or not cr & 1:
            self.violations.append(f"write to flash 0x{address:08x} without PG (or locked)")
            self.r[self.SR] = self.r.get(self.SR, 0) | (1 << 7)  # PGSERR
            return
        if self.busy_left:
            self.violations.append("program while BSY")
        psize = (cr >> 8) & 3
        if size != (1, 2, 4, 8)[psize]:
            self.violations.append(f"{size}-byte write with PSIZE x{8 << psize}")
            self.r[self.SR] = self.r.get(self.SR, 0) | (1 << 6)  # PGPERR
            return
        if address % size:
            self.r[self.SR] = self.r.get(self.SR, 0) | (1 << 5)  # PGAERR
            return
        offset = address - array.base
        old = int.from_bytes(array.data[offset:offset + size], "little")
        if old & value != value:
            self.violations.append(f"programming 0x{value:x} over non-erased 0x{old:x} at 0x{address:08x}")
        array.data[offset:offset + size] = (old & value).to_bytes(size, "little")
        self.operations.append(("program", address, size, value))
        self.busy_left = self.busy
