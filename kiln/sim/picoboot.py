"""A simulated RP2040 in BOOTSEL mode: the bootrom's PICOBOOT vendor interface (RP2040 datasheet 2.8.5).

Interface 0 is the UF2 mass-storage drive (not modelled here), interface 1 the PICOBOOT interface with
one bulk OUT and one bulk IN endpoint. Each command is a 32-byte packet (magic 0x431fd10b, token,
command id with bit 7 = data to the host, argument size, transfer length, 16 argument bytes), then
the data phase if any, then a zero-length acknowledgement in the other direction. On an error the
device stalls both endpoints until the host sends the INTERFACE_RESET control request; the status of
the last command is read with GET_COMMAND_STATUS.

Flash is 2 MiB of NOR at 0x10000000: erase by 4 KiB sectors, program by 256-byte pages, programming
only clears bits. After REBOOT the device leaves the bus; it would boot the application if the first
256 bytes carry a valid boot2 CRC, else the bootrom comes back in BOOTSEL (`boots_to`).

Faults: `fail_write_at` ({address: times}) fails those page writes; `corrupt_read_at` flips a byte in
that many READ replies covering the address; `drop_after_bytes` unplugs the device mid-write;
`hang_at` stops answering (a timeout) when writing that address.
"""

from __future__ import annotations

import struct
import threading

from kiln.images.rp2_boot2 import block_crc_ok
from kiln.sim.usb import Endpoint, Gone, Interface, SimUsbDevice, Stall

MAGIC = 0x431FD10B
EXCLUSIVE_ACCESS, REBOOT, FLASH_ERASE, READ, WRITE, EXIT_XIP, ENTER_CMD_XIP, EXEC, VECTORIZE_FLASH = (
    0x01, 0x02, 0x03, 0x84, 0x05, 0x06, 0x07, 0x08, 0x09)
ARG_SIZES = {EXCLUSIVE_ACCESS: 1, REBOOT: 12, FLASH_ERASE: 8, READ: 8, WRITE: 8, EXIT_XIP: 0, ENTER_CMD_XIP: 0,
             EXEC: 4, VECTORIZE_FLASH: 4}
OK, UNKNOWN_CMD, INVALID_CMD_LENGTH, INVALID_TRANSFER_LENGTH, INVALID_ADDRESS, BAD_ALIGNMENT, INTERLEAVED_WRITE, \
    REBOOTED, UNKNOWN_ERROR = range(9)
NAMES = {EXCLUSIVE_ACCESS: "EXCLUSIVE_ACCESS", REBOOT: "REBOOT", FLASH_ERASE: "FLASH_ERASE", READ: "READ",
         WRITE: "WRITE", EXIT_XIP: "EXIT_XIP", ENTER_CMD_XIP: "ENTER_CMD_XIP", EXEC: "EXEC",
         VECTORIZE_FLASH: "VECTORIZE_FLASH"}
INTERFACE_RESET, GET_COMMAND_STATUS = 0x41, 0x42
FLASH_BASE = 0x10000000
SRAM = (0x20000000, 264 * 1024)
EP_OUT, EP_IN = 0x03, 0x84


class PicobootDeviceSim(SimUsbDevice):
    def __init__(self, *, serial: str = "E6614103E7123456", flash_size: int = 2 * 1024 * 1024,
                 fail_write_at: dict[int, int] | None = None, corrupt_read_at: dict[int, int] | None = None,
                 drop_after_bytes: int | None = None, hang_at: int | None = None, flash: bytearray | None = None,
                 on_reboot: object = None, **usb_kwargs: object):
        interfaces = [
            Interface(0, 0, 0x08, 0x06, 0x50, "", [Endpoint(0x01), Endpoint(0x82)]),
            Interface(1, 0, 0xFF, 0x00, 0x00, "", [Endpoint(EP_OUT), Endpoint(EP_IN)]),
        ]
        super().__init__(0x2E8A, 0x0003, manufacturer="Raspberry Pi", product="RP2 Boot", serial=serial,
                         interfaces=interfaces, bcd_device=0x0100, **usb_kwargs)  # type: ignore[arg-type]
        self.flash = flash if flash is not None else bytearray(b"\xff" * flash_size)
        self.on_reboot = on_reboot
        self.sram = bytearray(SRAM[1])
        self.fail_write_at = dict(fail_write_at or {})
        self.corrupt_read_at = dict(corrupt_read_at or {})
        self.drop_after_bytes = drop_after_bytes
        self.hang_at = hang_at
        self.exclusive = 0
        self.xip = True
        self.halted = False
        self.status = (0, OK, 0, 0)   # token, status, command id, in progress
        self.phase = "idle"           # idle | data_in | data_out | ack_in | ack_out
        self._cmd: tuple[int, int, int, int] = (0, 0, 0, 0)   # token, id, address, length
        self._buffer = bytearray()
        self.commands: list[str] = []
        self.bytes_programmed = 0
        self.rebooted: tuple[int, int, int] | None = None

    # -- model --------------------------------------------------------------------------------------------

    def read(self, address: int, size: int) -> bytes:
        offset = address - FLASH_BASE
        return bytes(self.flash[offset : offset + size])

    @property
    def boots_to(self) -> str:
        """What the bootrom would do after a reset: run the app (valid boot2) or come back as BOOTSEL."""
        return "app" if block_crc_ok(bytes(self.flash[:256])) else "bootsel"

    def _flash_range(self, address: int, size: int) -> bool:
        return FLASH_BASE <= address and address + size <= FLASH_BASE + len(self.flash)

    def _error(self, status: int) -> None:
        token, cmd = self._cmd[0], self._cmd[1]
        self.status = (token, status, cmd, 0)
        self.halted = True
        self.phase = "idle"
        raise Stall()

    # -- control requests ----------------------------------------------------------------------------------------

    def control(self, request_type: int, request: int, value: int, index: int, data: bytes | int) -> bytes | int:
        if not self.connected:
            raise Gone()
        if index != 1:
            raise Stall()
        if request == INTERFACE_RESET and request_type == 0x41:
            self.halted = False
            self.phase = "idle"
            self._buffer.clear()
            return 0
        if request == GET_COMMAND_STATUS and request_type == 0xC1:
            return struct.pack("<IIBB2x", *self.status)
        raise Stall()

    def clear_halt(self, endpoint: int) -> None:
        """Clearing the endpoint halt alone does not reset the command state (INTERFACE_RESET does)."""

    # -- bulk ------------------------------------------------------------------------------------------------

    def bulk_out(self, endpoint: int, data: bytes, timeout: float) -> int:
        if not self.connected:
            raise Gone()
        if self.halted or endpoint != EP_OUT:
            raise Stall()
        if self.phase == "idle":
            return self._command(data)
        if self.phase == "data_out":
            token, cmd, address, length = self._cmd
            if self.hang_at is not None and address <= self.hang_at < address + length:
                raise TimeoutError()
            pending = self.bytes_programmed + len(self._buffer) + len(data)
            if self.drop_after_bytes is not None and pending > self.drop_after_bytes:
                self.commands.append(f"unplugged after {self.bytes_programmed} bytes")
                self.disconnect()
                raise Gone()
            self._buffer += data
            if len(self._buffer) > length:
                self._error(INVALID_TRANSFER_LENGTH)
            if len(self._buffer) == length:
                self._do_write(address, bytes(self._buffer))
                self.phase = "ack_in"
            return len(data)
        if self.phase == "ack_out" and not data:
            self._done()
            return 0
        self._error(UNKNOWN_ERROR)
        return 0

    def bulk_in(self, endpoint: int, size: int, timeout: float) -> bytes:
        if not self.connected:
            raise Gone()
        if self.halted or endpoint != EP_IN:
            raise Stall()
        if self.phase == "data_in":
            chunk = bytes(self._buffer[:size])
            del self._buffer[:size]
            if not self._buffer:
                self.phase = "ack_out"
            return chunk
        if self.phase == "ack_in":
            self._done()
            if self.rebooted is not None:
                self.disconnect()
                if callable(self.on_reboot):
                    threading.Thread(target=self.on_reboot, daemon=True).start()
            return b""
        raise TimeoutError()

    def _done(self) -> None:
        self.status = (self._cmd[0], OK, self._cmd[1], 0)
        self.phase = "idle"

    def _command(self, packet: bytes) -> int:
        if len(packet) != 32:
            self._cmd = (0, 0, 0, 0)
            self._error(INVALID_CMD_LENGTH)
        magic, token, cmd, arg_size, length = struct.unpack_from("<IIBBxxI", packet)
        args = packet[16:32]
        self._cmd = (token, cmd, 0, length)
        if magic != MAGIC:
            self._error(UNKNOWN_CMD)
        if cmd not in ARG_SIZES:
            self._error(UNKNOWN_CMD)
        if arg_size != ARG_SIZES[cmd]:
            self._error(INVALID_CMD_LENGTH)
        self.status = (token, OK, cmd, 1)
        name = NAMES[cmd]
        if cmd in (FLASH_ERASE, READ, WRITE):
            address, size = struct.unpack_from("<II", args)
            self._cmd = (token, cmd, address, length)
            self.commands.append(f"{name} 0x{address:08x} {size}")
            if cmd != FLASH_ERASE and size != length:
                self._error(INVALID_TRANSFER_LENGTH)
        else:
            self.commands.append(name)
        if cmd == EXCLUSIVE_ACCESS:
            self.exclusive = args[0]
        elif cmd == EXIT_XIP:
            self.xip = False
        elif cmd == ENTER_CMD_XIP:
            self.xip = True
        elif cmd == REBOOT:
            self.rebooted = struct.unpack_from("<III", args)
        elif cmd == FLASH_ERASE:
            address, size = struct.unpack_from("<II", args)
            if address % 4096 or size % 4096:
                self._error(BAD_ALIGNMENT)
            if not self._flash_range(address, size):
                self._error(INVALID_ADDRESS)
            offset = address - FLASH_BASE
            self.flash[offset : offset + size] = b"\xff" * size
        elif cmd == READ:
            address, size = struct.unpack_from("<II", args)
            if not self._flash_range(address, size):
                self._error(INVALID_ADDRESS)
            data = bytearray(self.read(address, size))
            for bad, times in self.corrupt_read_at.items():
                if times > 0 and address <= bad < address + size:
                    self.corrupt_read_at[bad] -= 1
                    data[bad - address] ^= 0x55
            self._buffer = data
            self.phase = "data_in" if size else "ack_out"
            return 32
        elif cmd == WRITE:
            address, size = struct.unpack_from("<II", args)
            if not self._flash_range(address, size):
                self._error(INVALID_ADDRESS)
            if address % 256 or size % 256:
                self._error(BAD_ALIGNMENT)
            self._buffer = bytearray()
            self.phase = "data_out" if size else "ack_in"
            return 32
        elif cmd in (EXEC, VECTORIZE_FLASH):
            self._error(UNKNOWN_ERROR)   # not modelled: no code runs in this simulator
        self.phase = "ack_in"
        return 32

    def _do_write(self, address: int, data: bytes) -> None:
        for page in range(address, address + len(data), 256):
            if self.fail_write_at.get(page, 0) > 0:
                self.fail_write_at[page] -= 1
                self.commands.append(f"write failed at 0x{page:08x}")
                self._error(UNKNOWN_ERROR)
        offset = address - FLASH_BASE
        for i, byte in enumerate(data):
            self.flash[offset + i] &= byte
        self.bytes_programmed += len(data)
