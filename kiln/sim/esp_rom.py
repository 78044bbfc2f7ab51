"""A simulated ESP32-C3 ROM serial loader (Espressif's public serial protocol), for real esptool to drive.

Protocol: SLIP frames (0xC0 ends, 0xDB 0xDC / 0xDB 0xDD escapes). A request is
direction 0x00, command, data length (u16), checksum (u32, XOR of the payload seeded with 0xEF for the
*_DATA commands), data; a response is direction 0x01, command, length, value (u32), data ending in
status bytes (4 in the ROM: status, error, 2 reserved; 2 in the flasher stub).

Modelled: SYNC, READ_REG/WRITE_REG (eFuse MAC, chip magic, the SPI peripheral's user commands so
RDID reports a 4 MiB flash), SPI_ATTACH, SPI_SET_PARAMS, GET_SECURITY_INFO (chip id 5),
FLASH_BEGIN/DATA/END (erase on begin), FLASH_DEFL_BEGIN/DATA/END (streaming inflate),
SPI_FLASH_MD5, CHANGE_BAUDRATE (the link then runs at the new rate), MEM_BEGIN/DATA/END. After
MEM_END with an entry point the simulator says "OHAI" and speaks the flasher stub's dialect (2 status
bytes, erase while writing, ERASE_FLASH/ERASE_REGION, raw MD5); it does not execute the uploaded code.

Reset lines (over RFC 2217, where DTR/RTS reach the device) follow the usual auto-program circuit:
EN is low while RTS is asserted and DTR is not, GPIO9 (the boot strap) is low while DTR is asserted
and RTS is not; at EN's rising edge the chip samples GPIO9: low = download mode, high = boot from flash.

Faults: `nak_seq` ({block seq: times}) answers those flash data blocks with a checksum error,
`garble_seq` ({seq: times}) garbles the reply, `drop_after_bytes` cuts the link once that many bytes
were written (`reconnect=False`: it then refuses to talk again, a dead cable).
"""

from __future__ import annotations

import hashlib
import struct
import threading
import zlib
from collections.abc import Callable

SYNC, READ_REG, WRITE_REG = 0x08, 0x0A, 0x09
FLASH_BEGIN, FLASH_DATA, FLASH_END = 0x02, 0x03, 0x04
MEM_BEGIN, MEM_END, MEM_DATA = 0x05, 0x06, 0x07
SPI_SET_PARAMS, SPI_ATTACH, CHANGE_BAUDRATE = 0x0B, 0x0D, 0x0F
FLASH_DEFL_BEGIN, FLASH_DEFL_DATA, FLASH_DEFL_END, SPI_FLASH_MD5, GET_SECURITY_INFO = 0x10, 0x11, 0x12, 0x13, 0x14
ERASE_FLASH, ERASE_REGION = 0xD0, 0xD1
ERR_INVALID_MSG, ERR_FAILED, ERR_CRC, ERR_FLASH_WRITE, ERR_DEFLATE = 0x05, 0x06, 0x07, 0x08, 0x0B

CHIP_MAGIC = 0x1B31506F
CHIP_ID = 5
EFUSE_MAC = 0x60008844
SPI_BASE = 0x60002000
SPI_CMD, SPI_USR2, SPI_W0 = SPI_BASE + 0x00, SPI_BASE + 0x20, SPI_BASE + 0x58
SPI_CMD_USR = 1 << 18
SECTOR = 4096

BOOT_LOG = "ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0x1 (POWERON),boot:{mode}\r\n"


class SlipDecoder:
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.in_frame = False
        self.escape = False

    def feed(self, data: bytes) -> list[bytes]:
        frames = []
        for byte in data:
            if byte == 0xC0:
                if self.in_frame and self.buffer:
                    frames.append(bytes(self.buffer))
                self.buffer.clear()
                self.in_frame = True
                self.escape = False
            elif not self.in_frame:
                continue
            elif self.escape:
                self.buffer.append({0xDC: 0xC0, 0xDD: 0xDB}.get(byte, byte))
                self.escape = False
            elif byte == 0xDB:
                self.escape = True
            else:
                self.buffer.append(byte)
        return frames


def slip(frame: bytes) -> bytes:
    return b"\xc0" + frame.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def checksum(data: bytes) -> int:
    value = 0xEF
    for byte in data:
        value ^= byte
    return value


class EspRomSim:
    def __init__(self, *, mac: bytes = bytes.fromhex("58cf79a1b2c3"), flash_size: int = 4 * 1024 * 1024,
                 mode: str = "download", nak_seq: dict[int, int] | None = None,
                 garble_seq: dict[int, int] | None = None, drop_after_bytes: int | None = None,
                 reconnect: bool = True, on_app_boot: Callable[[EspRomSim], None] | None = None):
        self.mac = mac
        self.flash = bytearray(b"\xff" * flash_size)
        self.flash_id = 0x1640EF   # Winbond, 4 MiB (capacity code 0x16)
        self.regs: dict[int, int] = {}
        self.link: object | None = None
        self.decoder = SlipDecoder()
        self.lock = threading.Lock()
        self.stub = False
        self.mode = "off"
        self.dtr = False
        self.rts = False
        self.nak_seq = dict(nak_seq or {})
        self.garble_seq = dict(garble_seq or {})
        self.drop_after_bytes = drop_after_bytes
        self.reconnect = reconnect
        self.dead = False
        self.on_app_boot = on_app_boot
        self.bytes_written = 0
        self.log: list[str] = []
        self.boots: list[str] = []
        self._write: dict[str, int] | None = None
        self._inflate: zlib._Decompress | None = None
        self._initial_mode = mode
        self.en_delay = 0.2
        self._en_generation = 0
        self._en_pending = False

    # -- power, reset lines and the link --------------------------------------------------------

    def attach(self, link: object) -> None:
        self.link = link
        self._boot(self._initial_mode)

    def _send(self, data: bytes) -> None:
        if self.link is not None and not self.dead:
            self.link.send(data)  # type: ignore[attr-defined]

    def _boot(self, mode: str) -> None:
        self.mode = mode
        self.stub = False
        self._write = None
        self.decoder = SlipDecoder()
        self.boots.append(mode)
        self.regs.pop(SPI_CMD, None)
        if self.link is not None:
            self.link.baud = self.link.initial_baud  # type: ignore[attr-defined]
        if mode == "download":
            self._send(BOOT_LOG.format(mode="0x5 (DOWNLOAD(USB/UART0/1))").encode() + b"waiting for download\r\n")
        else:
            self._send(BOOT_LOG.format(mode="0xc (SPI_FAST_FLASH_BOOT)").encode())
            if self.on_app_boot is not None:
                self.on_app_boot(self)

    def set_lines(self, dtr: bool | None = None, rts: bool | None = None) -> None:
        """DTR/RTS changed. EN has an RC delay (the capacitor on dev boards), longer than one RFC 2217
        round trip: the chip leaves reset and samples the GPIO9 strap at the first line update after EN
        was released (or `en_delay` seconds later if none comes)."""
        with self.lock:
            en_before = not (self.rts and not self.dtr)
            if dtr is not None:
                self.dtr = dtr
            if rts is not None:
                self.rts = rts
            en = not (self.rts and not self.dtr)
            if not en:
                if en_before:
                    self.mode = "reset"
                self._en_generation += 1
                self._en_pending = False
            elif self._en_pending:
                self._leave_reset()
            elif not en_before and self.mode == "reset":
                self._en_pending = True
                self._en_generation += 1
                timer = threading.Timer(self.en_delay, self._en_timeout, (self._en_generation,))
                timer.daemon = True
                timer.start()

    def _en_timeout(self, generation: int) -> None:
        with self.lock:
            if generation == self._en_generation and self._en_pending:
                self._leave_reset()

    def _leave_reset(self) -> None:
        self._en_pending = False
        strap_low = self.dtr and not self.rts
        self._boot("download" if strap_low else "app")

    def disconnected(self) -> None:
        """The host closed the connection: the next one talks to a freshly reset ROM loader."""
        with self.lock:
            if self.mode in ("download", "reset") or self.stub:
                self.mode = "pending"

    # -- frames ---------------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        with self.lock:
            if self.mode == "pending":
                self._boot("download")
            if self.mode != "download" or self.dead:
                return
            for frame in self.decoder.feed(data):
                self._handle(frame)

    def _reply(self, command: int, value: int = 0, data: bytes = b"", error: int = 0) -> None:
        status = bytes([1 if error else 0, error]) + (b"" if self.stub else b"\x00\x00")
        body = data + status
        self._send(slip(struct.pack("<BBHI", 1, command, len(body), value) + body))

    def _handle(self, frame: bytes) -> None:
        if len(frame) < 8 or frame[0] != 0:
            return
        _, command, size, chk = struct.unpack_from("<BBHI", frame)
        data = frame[8 : 8 + size]
        handler = {
            SYNC: self._sync, READ_REG: self._read_reg, WRITE_REG: self._write_reg, SPI_ATTACH: self._ok,
            SPI_SET_PARAMS: self._ok, GET_SECURITY_INFO: self._security_info, FLASH_BEGIN: self._flash_begin,
            FLASH_DEFL_BEGIN: self._flash_begin, FLASH_DATA: self._flash_data, FLASH_DEFL_DATA: self._flash_data,
            FLASH_END: self._flash_end, FLASH_DEFL_END: self._flash_end, SPI_FLASH_MD5: self._md5,
            CHANGE_BAUDRATE: self._change_baud, MEM_BEGIN: self._ok, MEM_DATA: self._mem_data, MEM_END: self._mem_end,
            ERASE_FLASH: self._erase_flash, ERASE_REGION: self._erase_region,
        }.get(command)
        if handler is None or (command in (ERASE_FLASH, ERASE_REGION) and not self.stub):
            self._reply(command, error=ERR_INVALID_MSG)
            return
        handler(command, data, chk)

    def _ok(self, command: int, data: bytes, chk: int) -> None:
        self._reply(command)

    def _sync(self, command: int, data: bytes, chk: int) -> None:
        if data != b"\x07\x07\x12\x20" + b"\x55" * 32:
            return
        for _ in range(8):
            self._reply(command, 0 if self.stub else 0x20120707)

    def reg(self, address: int) -> int:
        if address == 0x40001000:
            return CHIP_MAGIC
        if address == EFUSE_MAC:
            return int.from_bytes(self.mac[2:6], "big")
        if address == EFUSE_MAC + 4:
            return int.from_bytes(self.mac[0:2], "big")
        return self.regs.get(address, 0)

    def _read_reg(self, command: int, data: bytes, chk: int) -> None:
        (address,) = struct.unpack_from("<I", data)
        self._reply(command, self.reg(address))

    def _write_reg(self, command: int, data: bytes, chk: int) -> None:
        address, value, mask, _delay = struct.unpack_from("<IIII", data)
        old = self.regs.get(address, 0)
        self.regs[address] = (old & ~mask) | (value & mask)
        if address == SPI_CMD and value & SPI_CMD_USR:
            self._spi_user_command()
        self._reply(command)

    def _spi_user_command(self) -> None:
        opcode = self.regs.get(SPI_USR2, 0) & 0xFF
        if opcode == 0x9F:       # RDID
            self.regs[SPI_W0] = self.flash_id
        elif opcode in (0x05, 0x35, 0x15):   # status registers
            self.regs[SPI_W0] = 0
        elif opcode == 0x5A:                 # SFDP: "SFDP" signature, second parameter header = vendor 0xEF
            sfdp = b"SFDP\x06\x01\x01\xff" + b"\x00\x06\x01\x10\x30\x00\x00\xff" + b"\xef\x00\x01\x03\x90\x00\x00\xff"
            address = self.regs.get(SPI_BASE + 0x04, 0) & 0xFFFFFF
            self.regs[SPI_W0] = int.from_bytes(sfdp[address : address + 4].ljust(4, b"\xff"), "little")
        self.regs[SPI_CMD] = 0   # done

    def _security_info(self, command: int, data: bytes, chk: int) -> None:
        self._reply(command, data=struct.pack("<IB7sII", 0, 0, b"\x00" * 7, CHIP_ID, 0))

    # -- flash ----------------------------------------------------------------------------------------

    def _flash_begin(self, command: int, data: bytes, chk: int) -> None:
        size, blocks, block_size, offset = struct.unpack_from("<IIII", data)
        if offset % SECTOR and not self.stub:
            self._reply(command, error=ERR_FAILED)
            return
        if offset + size > len(self.flash):
            self._reply(command, error=ERR_FAILED)
            return
        # The ROM erases up front; the stub erases as it goes, which ends the same for the model.
        end = min(offset + -(-size // SECTOR) * SECTOR, len(self.flash))
        self.flash[offset - offset % SECTOR : end] = b"\xff" * (end - offset + offset % SECTOR)
        self._write = {"offset": offset, "next": offset, "seq": 0, "blocks": blocks, "size": block_size}
        self._inflate = zlib.decompressobj() if command == FLASH_DEFL_BEGIN else None
        self.log.append(f"begin 0x{offset:x} {size}{' deflate' if self._inflate else ''}")
        self._reply(command)

    def _flash_data(self, command: int, data: bytes, chk: int) -> None:
        if self._write is None:
            self._reply(command, error=ERR_FAILED)
            return
        length, seq, _, _ = struct.unpack_from("<IIII", data)
        payload = data[16 : 16 + length]
        if self.nak_seq.get(seq, 0) > 0:
            self.nak_seq[seq] -= 1
            self.log.append(f"nak seq {seq}")
            self._reply(command, error=ERR_CRC)
            return
        if len(payload) != length or checksum(payload) != chk & 0xFF:
            self._reply(command, error=ERR_CRC)
            return
        if seq != self._write["seq"]:
            self._reply(command, error=ERR_FAILED)
            return
        if self._inflate is not None:
            try:
                chunk = self._inflate.decompress(payload)
            except zlib.error:
                self._reply(command, error=ERR_DEFLATE)
                return
        else:
            chunk = payload
        if self.drop_after_bytes is not None and self.bytes_written + len(chunk) > self.drop_after_bytes:
            self.log.append(f"link dropped after {self.bytes_written} bytes")
            self.drop_after_bytes = None
            self.mode = "pending"
            if not self.reconnect:
                self.dead = True
            drop = getattr(self.link, "drop", None) or getattr(self.link, "close", None)
            if drop is not None:
                threading.Thread(target=drop, daemon=True).start()
            return
        start = self._write["next"]
        for i, byte in enumerate(chunk):
            self.flash[start + i] &= byte
        self._write["next"] = start + len(chunk)
        self._write["seq"] = seq + 1
        self.bytes_written += len(chunk)
        if self.garble_seq.get(seq, 0) > 0:   # the block was written, but the reply is garbage
            self.garble_seq[seq] -= 1
            self.log.append(f"garbled reply seq {seq}")
            self._write["seq"] = seq          # the host resends it; the model accepts the same seq again
            self._write["next"] = start
            self._send(slip(b"\x01\x99\x00\x00garbage!"))
            return
        self._reply(command)

    def _flash_end(self, command: int, data: bytes, chk: int) -> None:
        (stay,) = struct.unpack_from("<I", data) if len(data) >= 4 else (1,)
        self._write = None
        self._reply(command)
        if not stay:
            self._boot("app")

    def _md5(self, command: int, data: bytes, chk: int) -> None:
        address, size, _, _ = struct.unpack_from("<IIII", data)
        digest = hashlib.md5(bytes(self.flash[address : address + size]))
        self._reply(command, data=digest.digest() if self.stub else digest.hexdigest().encode())

    def _change_baud(self, command: int, data: bytes, chk: int) -> None:
        new, _old = struct.unpack_from("<II", data)
        self._reply(command)
        if self.link is not None and self.link.baud:  # type: ignore[attr-defined]
            self.link.baud = new  # type: ignore[attr-defined]
        self.log.append(f"baud {new}")

    def _mem_data(self, command: int, data: bytes, chk: int) -> None:
        length = struct.unpack_from("<I", data)[0]
        if checksum(data[16 : 16 + length]) != chk & 0xFF:
            self._reply(command, error=ERR_CRC)
            return
        self._reply(command)

    def _mem_end(self, command: int, data: bytes, chk: int) -> None:
        no_entry, entry = struct.unpack_from("<II", data)
        self._reply(command)
        if not no_entry and entry:
            self.stub = True
            self.log.append("stub running")
            self._send(slip(b"OHAI"))

    def _erase_flash(self, command: int, data: bytes, chk: int) -> None:
        self.flash[:] = b"\xff" * len(self.flash)
        self.log.append("erase flash")
        self._reply(command)

    def _erase_region(self, command: int, data: bytes, chk: int) -> None:
        offset, size = struct.unpack_from("<II", data)
        self.flash[offset : offset + size] = b"\xff" * size
        self._reply(command)
