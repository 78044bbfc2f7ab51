"""A pyOCD debug probe plugin whose target is the simulated STM32F4 (kiln/sim/cortex_m.py).

The probe answers DP and AP register accesses (DPIDR, CTRL/STAT power-up handshake, SELECT; one
AHB-AP with IDR/CSW/CFG/BASE) and hands pyOCD an accelerated memory interface for the MEM-AP, like the
ST-Link driver does. `register()` installs the plugin class in pyOCD's probe registry (what pyOCD's
entry-point loader does for installed plugins), so `ConnectHelper` finds it like any other probe.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pyocd.core.memory_interface import MemoryInterface
from pyocd.core.plugin import Plugin
from pyocd.probe.debug_probe import DebugProbe

from kiln.sim.cortex_m import Stm32f4Sim

DPIDR_VALUE = 0x2BA01477          # ARM SW-DP v1 (Cortex-M3/M4)
AHB_AP_IDR = 0x24770011           # AHB-AP of a Cortex-M4


class SimMemoryInterface(MemoryInterface):
    """Faults: `drop_after_writes` unplugs the probe after that many block writes to SRAM (the flash
    algorithm's page buffers); `corrupt_reads` garbles that many block reads of flash."""

    def __init__(self, chip: Stm32f4Sim):
        self.chip = chip
        self.drop_after_writes: int | None = None
        self.corrupt_reads = 0
        self.block_writes = 0
        self.gone = False
        self.swd_hz: float | None = None     # model the wire: ~46 SWD clocks per 32-bit AP transfer
        self.wire_bytes = 0

    def _wire(self, nbytes: int) -> None:
        words = max(1, -(-nbytes // 4))
        self.wire_bytes += words * 4
        if self.swd_hz:
            time.sleep((words * 46 + 2 * 46) / self.swd_hz)   # + the TAR/CSW setup of each block

    def _check(self) -> None:
        if self.gone:
            from pyocd.core.exceptions import ProbeDisconnected

            raise ProbeDisconnected("simulated probe unplugged")

    def write_memory(self, addr: int, data: int, transfer_size: int = 32, **attrs: Any) -> None:
        self._check()
        self._wire(4)
        if transfer_size == 32:
            self.chip.write32(addr, data)
        else:
            self.chip.write_block(addr, data.to_bytes(transfer_size // 8, "little"))

    def read_memory(self, addr: int, transfer_size: int = 32, now: bool = True, **attrs: Any) -> Any:
        self._check()
        self._wire(4)
        if transfer_size == 32:
            value = self.chip.read32(addr)
        else:
            value = int.from_bytes(self.chip.read_block(addr, transfer_size // 8), "little")
        return value if now else (lambda: value)

    def _write_block(self, addr: int, blob: bytes) -> None:
        self._check()
        self._wire(len(blob))
        self.block_writes += 1
        if self.drop_after_writes is not None and self.block_writes > self.drop_after_writes:
            self.gone = True
            self._check()
        self.chip.write_block(addr, blob)

    def _read_block(self, addr: int, size: int) -> bytes:
        self._check()
        self._wire(size)
        blob = self.chip.read_block(addr, size)
        if self.corrupt_reads and 0x08000000 <= addr < 0x08100000 and size >= 64:
            self.corrupt_reads -= 1
            blob = blob[:10] + bytes([blob[10] ^ 0x40]) + blob[11:]
        return blob

    def write_memory_block32(self, addr: int, data: Any, **attrs: Any) -> None:
        self._write_block(addr, b"".join(int(w).to_bytes(4, "little") for w in data))

    def read_memory_block32(self, addr: int, size: int, **attrs: Any) -> list[int]:
        blob = self._read_block(addr, size * 4)
        return [int.from_bytes(blob[i : i + 4], "little") for i in range(0, len(blob), 4)]

    def write_memory_block8(self, addr: int, data: Any, **attrs: Any) -> None:
        self._write_block(addr, bytes(data))

    def read_memory_block8(self, addr: int, size: int, **attrs: Any) -> list[int]:
        return list(self._read_block(addr, size))


class SimProbe(DebugProbe):
    """One simulated probe attached to one simulated chip."""

    attached: ClassVar[dict[str, SimProbe]] = {}

    @classmethod
    def get_all_connected_probes(cls, unique_id: str | None = None, is_explicit: bool = False) -> list[SimProbe]:
        return [p for uid, p in cls.attached.items() if unique_id is None or uid.lower().startswith(unique_id.lower())]

    @classmethod
    def get_probe_with_id(cls, unique_id: str, is_explicit: bool = False) -> SimProbe | None:
        return cls.attached.get(unique_id)

    def __init__(self, chip: Stm32f4Sim, uid: str = "KILNSIM000001"):
        super().__init__()
        self.chip = chip
        self._uid = uid
        self._open = False
        self._protocol: DebugProbe.Protocol | None = None
        self._select = 0
        self._ctrl_stat = 0
        self._csw = 0x23000052
        self._reset_asserted = False
        self.memory = SimMemoryInterface(chip)

    def attach(self) -> SimProbe:
        SimProbe.attached[self._uid] = self
        return self

    def detach(self) -> None:
        SimProbe.attached.pop(self._uid, None)

    @property
    def description(self) -> str:
        return f"Kiln simulated probe ({self._uid})"

    @property
    def vendor_name(self) -> str:
        return "Kiln"

    @property
    def product_name(self) -> str:
        return "Simulated SWD probe"

    @property
    def supported_wire_protocols(self) -> list[DebugProbe.Protocol]:
        return [DebugProbe.Protocol.DEFAULT, DebugProbe.Protocol.SWD]

    @property
    def unique_id(self) -> str:
        return self._uid

    @property
    def wire_protocol(self) -> DebugProbe.Protocol | None:
        return self._protocol

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def capabilities(self) -> set[DebugProbe.Capability]:
        return {DebugProbe.Capability.SWJ_SEQUENCE}

    def open(self) -> None:
        self._open = True

    def close(self) -> None:
        self._open = False

    def connect(self, protocol: DebugProbe.Protocol | None = None) -> None:
        self._protocol = DebugProbe.Protocol.SWD

    def disconnect(self) -> None:
        self._protocol = None

    def swj_sequence(self, length: int, bits: int) -> None:
        return None

    def set_clock(self, frequency: float) -> None:
        return None

    def reset(self) -> None:
        self.chip.reset()

    def assert_reset(self, asserted: bool) -> None:
        if self._reset_asserted and not asserted:
            self.chip.reset()
        self._reset_asserted = asserted

    def is_reset_asserted(self) -> bool:
        return self._reset_asserted

    def flush(self) -> None:
        return None

    def read_dp(self, addr: int, now: bool = True) -> Any:
        value = {0x0: DPIDR_VALUE, 0x4: self._ctrl_stat, 0x8: self._select}.get(addr & 0xF, 0)
        return value if now else (lambda: value)

    def write_dp(self, addr: int, data: int) -> None:
        if addr & 0xF == 0x4:
            # CSYSPWRUPREQ (30) and CDBGPWRUPREQ (28) are acknowledged at once in bits 31 and 29.
            self._ctrl_stat = (data & 0x50000000) | ((data & 0x50000000) << 1)
        elif addr & 0xF == 0x8:
            self._select = data

    def read_ap(self, addr: int, now: bool = True) -> Any:
        apsel, register = (addr >> 24) & 0xFF, addr & 0xFF
        value = 0
        if apsel == 0:
            value = {0xFC: AHB_AP_IDR, 0xF8: 0xE00FF003, 0xF4: 0, 0x00: self._csw}.get(register, 0)
            if register == 0x0C:
                value = self.chip.read32(self._tar)
        return value if now else (lambda: value)

    _tar = 0

    def write_ap(self, addr: int, data: int) -> None:
        apsel, register = (addr >> 24) & 0xFF, addr & 0xFF
        if apsel != 0:
            return
        if register == 0x00:
            self._csw = data
        elif register == 0x04:
            self._tar = data
        elif register == 0x0C:
            self.chip.write32(self._tar, data)

    def read_ap_multiple(self, addr: int, count: int = 1, now: bool = True) -> Any:
        values = [self.read_ap(addr) for _ in range(count)]
        return values if now else (lambda: values)

    def write_ap_multiple(self, addr: int, values: Any) -> None:
        for value in values:
            self.write_ap(addr, value)

    def get_memory_interface_for_ap(self, ap_address: Any) -> MemoryInterface | None:
        return self.memory if getattr(ap_address, "apsel", 0) == 0 else None


class SimProbePlugin(Plugin):
    """The plugin object pyOCD's `pyocd.probe` entry point would load."""

    def load(self) -> type[SimProbe]:
        return SimProbe

    @property
    def name(self) -> str:
        return "kilnsim"

    @property
    def description(self) -> str:
        return "Kiln simulated SWD probe"


def register() -> None:
    """Installs the plugin's probe class in pyOCD's registry (idempotent)."""
    from pyocd.probe.aggregator import PROBE_CLASSES

    plugin = SimProbePlugin()
    PROBE_CLASSES[plugin.name] = plugin.load()
