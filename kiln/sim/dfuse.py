"""A simulated STM32 system bootloader in DFU mode (DFU 1.1 with ST's DfuSe extensions, ST AN3156).

Interface 0, alternate setting 0 is the internal flash, described to the host by its name string
("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg": sector counts, sizes and r/e/w letters).
The flash model behaves like NOR flash: erase sets a sector to 0xFF, programming can only clear bits.
Sectors whose layout letter is not writable (e.g. a resident bootloader) reject erase and write; the
system bootloader itself lives in ROM (0x1FFF0000) and cannot be written at all.

Faults: `stall_at` ({flash address: times}) stalls the DNLOAD of the block starting there; `corrupt_status` garbles that
many GETSTATUS replies; `drop_after_bytes` unplugs the device after that much data; `prog_error_at`
makes programming fail (errPROG) at an address; `stuck_zero_at` is a flash byte whose bit 0 reads 0
(a worn cell: only verification notices).
"""

from __future__ import annotations

import re
import struct
import threading

from kiln.sim.usb import Gone, Interface, SimUsbDevice, Stall

DETACH, DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, GETSTATE, ABORT = range(7)
APP_IDLE, APP_DETACH, DFU_IDLE, DNLOAD_SYNC, DNBUSY, DNLOAD_IDLE, MANIFEST_SYNC, MANIFEST, MANIFEST_WAIT_RESET, \
    UPLOAD_IDLE, DFU_ERROR = range(11)
OK, ERR_TARGET, ERR_FILE, ERR_WRITE, ERR_ERASE, ERR_CHECK_ERASED, ERR_PROG, ERR_VERIFY, ERR_ADDRESS, ERR_NOTDONE, \
    ERR_FIRMWARE, ERR_VENDOR, ERR_USBR, ERR_POR, ERR_UNKNOWN, ERR_STALLEDPKT = range(16)
CMD_GET, CMD_SET_ADDRESS, CMD_ERASE, CMD_READ_UNPROTECT = 0x00, 0x21, 0x41, 0x92

STM32F405_LAYOUT = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"
SYSTEM_MEMORY = (0x1FFF0000, 30 * 1024)


def parse_layout(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """(name, [(address, size, letter)]) from a DfuSe interface string."""
    parts = text.strip().lstrip("@").split("/")
    name, sectors = parts[0].strip(), []
    for base_text, spec in zip(parts[1::2], parts[2::2], strict=False):
        address = int(base_text, 16)
        for item in spec.split(","):
            m = re.fullmatch(r"\s*(\d+)\*\s*(\d+)\s*([ KM])([a-g])\s*", item)
            if not m:
                raise ValueError(f"bad DfuSe sector spec {item!r}")
            count, size = int(m.group(1)), int(m.group(2)) * {" ": 1, "K": 1024, "M": 1024 * 1024}[m.group(3)]
            for _ in range(count):
                sectors.append((address, size, m.group(4)))
                address += size
    return name, sectors


class DfuseDeviceSim(SimUsbDevice):
    def __init__(self, *, serial: str = "3574364C3034", layout: str = STM32F405_LAYOUT, transfer_size: int = 2048,
                 poll_ms: int = 0, busy_polls: int = 1, app_factory: object = None,
                 stall_at: dict[int, int] | None = None, corrupt_status: int = 0,
                 drop_after_bytes: int | None = None, prog_error_at: int | None = None,
                 stuck_zero_at: int | None = None, flash: bytearray | None = None, on_leave: object = None,
                 **usb_kwargs: object):
        self.layout_text = layout
        _, self.sectors = parse_layout(layout)
        self.base = self.sectors[0][0]
        self.flash = flash if flash is not None else bytearray(b"\xff" * sum(s[1] for s in self.sectors))
        self.on_leave = on_leave
        self.system_memory = bytes(range(256)) * (SYSTEM_MEMORY[1] // 256)  # the ROM bootloader
        self.transfer_size = transfer_size
        functional = struct.pack("<BBBHHH", 9, 0x21, 0x0B, 255, transfer_size, 0x011A)
        interfaces = [
            Interface(0, 0, 0xFE, 1, 2, layout, extra=functional),
            Interface(0, 1, 0xFE, 1, 2, "@Option Bytes  /0x1FFFC000/01*016 e", extra=functional),
            Interface(0, 2, 0xFE, 1, 2, "@OTP Memory /0x1FFF7800/01*512 e,01*016 e", extra=functional),
        ]
        super().__init__(0x0483, 0xDF11, manufacturer="STMicroelectronics", product="STM32  BOOTLOADER",
                         serial=serial, interfaces=interfaces, bcd_device=0x2200, **usb_kwargs)  # type: ignore[arg-type]
        self.state = DFU_IDLE
        self.status = OK
        self.pointer = self.base
        self.poll_ms = poll_ms
        self.busy_polls = busy_polls
        self._busy_left = 0
        self._pending: tuple[int, bytes] | None = None
        self.stall_at = dict(stall_at or {})
        self.corrupt_status = corrupt_status
        self.drop_after_bytes = drop_after_bytes
        self.prog_error_at = prog_error_at
        self.stuck_zero_at = stuck_zero_at
        self.bytes_programmed = 0
        self.erased: list[int] = []
        self.protected_attempts = 0
        self.left_to = None
        self.log: list[str] = []

    # -- flash model ---------------------------------------------------------------------------------------

    def sector_at(self, address: int) -> tuple[int, int, str] | None:
        return next((s for s in self.sectors if s[0] <= address < s[0] + s[1]), None)

    def read(self, address: int, size: int) -> bytes:
        if SYSTEM_MEMORY[0] <= address < SYSTEM_MEMORY[0] + SYSTEM_MEMORY[1]:
            offset = address - SYSTEM_MEMORY[0]
            return self.system_memory[offset : offset + size]
        offset = address - self.base
        return bytes(self.flash[offset : offset + size])

    def _writable(self, address: int, size: int) -> bool:
        end = address + size
        while address < end:
            sector = self.sector_at(address)
            if sector is None or sector[2] not in "defg":
                return False
            address = sector[0] + sector[1]
        return True

    # -- DFU ------------------------------------------------------------------------------------------------

    def _fail(self, status: int) -> None:
        self.state, self.status = DFU_ERROR, status
        raise Stall()

    def control(self, request_type: int, request: int, value: int, index: int, data: bytes | int) -> bytes | int:
        if not self.connected:
            raise Gone()
        if request == GETSTATUS:
            return self._get_status()
        if request == GETSTATE:
            return bytes([self.state])
        if request == CLRSTATUS:
            if self.state == DFU_ERROR:
                self.state, self.status = DFU_IDLE, OK
            return 0
        if request == ABORT:
            if self.state in (DFU_IDLE, DNLOAD_SYNC, DNLOAD_IDLE, MANIFEST_SYNC, UPLOAD_IDLE):
                self.state = DFU_IDLE
            return 0
        if self.state == DFU_ERROR:
            raise Stall()
        if request == DNLOAD:
            assert isinstance(data, bytes)
            return self._dnload(value, data)
        if request == UPLOAD:
            assert isinstance(data, int)
            return self._upload(value, data)
        raise Stall()

    def _dnload(self, block: int, data: bytes) -> int:
        if self.state not in (DFU_IDLE, DNLOAD_IDLE):
            self._fail(ERR_STALLEDPKT)
        address = self.pointer + (block - 2) * self.transfer_size
        if block >= 2 and self.stall_at.get(address, 0) > 0:
            self.stall_at[address] -= 1
            self.log.append(f"stalled 0x{address:08x}")
            self._fail(ERR_STALLEDPKT)
        if not data:
            self.state = MANIFEST_SYNC
            return 0
        if block >= 2 and self.drop_after_bytes is not None and self.bytes_programmed + len(data) > self.drop_after_bytes:
            self.log.append(f"unplugged after {self.bytes_programmed} bytes")
            self.disconnect()
            raise Gone()
        self._pending = (block, data)
        self.state = DNLOAD_SYNC
        return len(data)

    def _execute(self, block: int, data: bytes) -> int:
        """Runs a DNLOAD once the host polls GETSTATUS; returns a DFU status."""
        if block == 0:
            if not data:
                return ERR_TARGET
            command = data[0]
            if command == CMD_SET_ADDRESS and len(data) == 5:
                self.pointer = struct.unpack_from("<I", data, 1)[0]
                return OK
            if command == CMD_ERASE and len(data) == 5:
                address = struct.unpack_from("<I", data, 1)[0]
                sector = self.sector_at(address)
                if sector is None:
                    return ERR_TARGET
                if sector[2] not in "bcfg":
                    self.protected_attempts += 1
                    return ERR_TARGET
                start = sector[0] - self.base
                self.flash[start : start + sector[1]] = b"\xff" * sector[1]
                self.erased.append(sector[0])
                return OK
            if command == CMD_ERASE and len(data) == 1:
                for address, size, letter in self.sectors:
                    if letter in "bcfg":
                        self.flash[address - self.base : address - self.base + size] = b"\xff" * size
                self.erased.append(-1)
                return OK
            return ERR_TARGET
        if block == 1:
            return ERR_TARGET
        address = self.pointer + (block - 2) * self.transfer_size
        if not self._writable(address, len(data)):
            self.protected_attempts += 1
            return ERR_TARGET
        if self.prog_error_at is not None and address <= self.prog_error_at < address + len(data):
            return ERR_PROG
        offset = address - self.base
        for i, byte in enumerate(data):
            self.flash[offset + i] &= byte   # NOR flash: programming only clears bits
        if self.stuck_zero_at is not None and address <= self.stuck_zero_at < address + len(data):
            self.flash[self.stuck_zero_at - self.base] &= 0xFE
        self.bytes_programmed += len(data)
        return OK

    def _get_status(self) -> bytes:
        if self.corrupt_status > 0:
            self.corrupt_status -= 1
            return b"\x00\x07"
        if self.state == DNLOAD_SYNC:
            self.state = DNBUSY
            self._busy_left = self.busy_polls
        elif self.state == DNBUSY:
            self._busy_left -= 1
            if self._busy_left <= 0:
                assert self._pending is not None
                status = self._execute(*self._pending)
                self._pending = None
                if status != OK:
                    self.state, self.status = DFU_ERROR, status
                else:
                    self.state = DNLOAD_IDLE
        elif self.state == MANIFEST_SYNC:
            self.state = MANIFEST
            self.left_to = self.pointer
            self.log.append(f"leave to 0x{self.pointer:08x}")
            reply = struct.pack("<B3sBB", self.status, self.poll_ms.to_bytes(3, "little"), self.state, 0)
            self.disconnect()   # the bootloader jumps to the application
            if callable(self.on_leave):
                threading.Thread(target=self.on_leave, daemon=True).start()
            return reply
        return struct.pack("<B3sBB", self.status, self.poll_ms.to_bytes(3, "little"), self.state, 0)

    def _upload(self, block: int, length: int) -> bytes:
        if self.state not in (DFU_IDLE, UPLOAD_IDLE):
            self._fail(ERR_STALLEDPKT)
        if block == 0:
            self.state = UPLOAD_IDLE
            return bytes([CMD_GET, CMD_SET_ADDRESS, CMD_ERASE, CMD_READ_UNPROTECT])[:length]
        if block == 1:
            self._fail(ERR_STALLEDPKT)
        address = self.pointer + (block - 2) * self.transfer_size
        if self.sector_at(address) is None and not SYSTEM_MEMORY[0] <= address < SYSTEM_MEMORY[0] + SYSTEM_MEMORY[1]:
            self._fail(ERR_ADDRESS)
        self.state = UPLOAD_IDLE
        return self.read(address, length)
