"""PICOBOOT over pyusb: our client of the RP2040 bootrom's USB protocol (RP2040 datasheet, section 2.8.5).

Order of work, chosen so an interruption never leaves a bootable half-image: take exclusive access
(the UF2 drive is ejected), exit XIP, erase flash sector 0 first (boot2 lives there: without a valid
boot2 CRC the bootrom falls back to BOOTSEL by itself), erase+write every other sector, verify them by
reading back, then write and verify sector 0 last, then reboot. Sectors the image covers only partly
are read first and merged, so bytes outside the image survive. A failed command is retried after
INTERFACE_RESET; the bootrom is mask ROM, so the device can always be flashed again.
"""

from __future__ import annotations

import argparse
import errno
import struct
import time
from typing import Any

from kiln.devices import normalize_serial, usb_serial
from kiln.flash.base import Capabilities, DeviceNotFound, Flasher, FlashError, FlashInterrupted, ImageRejected, Report
from kiln.flash.image import Image, ImageError
from kiln.images.rp2_boot2 import block_crc_ok

MAGIC = 0x431FD10B
EXCLUSIVE_ACCESS, REBOOT, FLASH_ERASE, READ, WRITE, EXIT_XIP = 0x01, 0x02, 0x03, 0x84, 0x05, 0x06
NOT_EXCLUSIVE, EXCLUSIVE, EXCLUSIVE_AND_EJECT = 0, 1, 2
INTERFACE_RESET, GET_COMMAND_STATUS = 0x41, 0x42
STATUS_NAMES = ("OK", "UNKNOWN_CMD", "INVALID_CMD_LENGTH", "INVALID_TRANSFER_LENGTH", "INVALID_ADDRESS",
                "BAD_ALIGNMENT", "INTERLEAVED_WRITE", "REBOOTED", "UNKNOWN_ERROR")
FLASH_BASE = 0x10000000
SECTOR = 4096
PAGE = 256
SRAM_END = 0x20042000
STATE_BOOTSEL = ("in BOOTSEL (the bootrom is mask ROM); flash sector 0 (boot2) is erased until the very last step, "
                 "so after a reset it comes back in BOOTSEL by itself — flash again")


class PicobootError(Exception):
    """A command failed; `status` is the device's status code (or None when the link failed)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class PicobootLink:
    """Commands on the PICOBOOT interface of one opened device."""

    def __init__(self, dev: Any, timeout_ms: int = 3000):
        import usb.util

        self.dev = dev
        self.timeout_ms = timeout_ms
        self.token = 0
        try:
            dev.set_configuration()
        except Exception as exc:  # noqa: BLE001 - already configured is fine; real errors show up below
            if getattr(exc, "errno", None) not in (errno.EBUSY, None):
                raise
        cfg = dev.get_active_configuration()
        intf = usb.util.find_descriptor(cfg, bInterfaceClass=0xFF)
        if intf is None:
            raise PicobootError("the device has no PICOBOOT (vendor class) interface")
        self.interface = intf.bInterfaceNumber
        usb.util.claim_interface(dev, self.interface)
        self.ep_out = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
            e.bEndpointAddress) == usb.util.ENDPOINT_OUT)
        self.ep_in = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
            e.bEndpointAddress) == usb.util.ENDPOINT_IN)
        if self.ep_out is None or self.ep_in is None:
            raise PicobootError("the PICOBOOT interface lacks its bulk endpoints")

    def reset(self) -> None:
        """INTERFACE_RESET: clears the stall and the command state."""
        self.dev.ctrl_transfer(0x41, INTERFACE_RESET, 0, self.interface, None, self.timeout_ms)
        for ep in (self.ep_out, self.ep_in):
            self.dev.clear_halt(ep.bEndpointAddress)

    def status(self) -> tuple[int, int, int, bool]:
        raw = bytes(self.dev.ctrl_transfer(0xC1, GET_COMMAND_STATUS, 0, self.interface, 16, self.timeout_ms))
        token, status, cmd, in_progress = struct.unpack_from("<IIBB", raw)
        return token, status, cmd, bool(in_progress)

    def command(self, cmd: int, args: bytes = b"", length: int = 0, data: bytes = b"", timeout_ms: int | None = None) -> bytes:
        import usb.core

        self.token += 1
        packet = struct.pack("<IIBBHI", MAGIC, self.token, cmd, len(args), 0, length) + args.ljust(16, b"\0")
        timeout = timeout_ms or self.timeout_ms
        try:
            self.ep_out.write(packet, timeout)
            if cmd & 0x80:
                got = bytearray()
                while len(got) < length:
                    got += bytes(self.ep_in.read(min(length - len(got), 16384), timeout))
                self.ep_out.write(b"", timeout)  # acknowledge
                return bytes(got)
            if length:
                self.ep_out.write(data, timeout)
            ack = self.ep_in.read(64, timeout)
            if len(ack):
                raise PicobootError(f"expected an empty acknowledgement, got {len(ack)} bytes")
            return b""
        except usb.core.USBError as exc:
            if getattr(exc, "errno", None) == errno.EPIPE:
                try:
                    _, status, _, _ = self.status()
                    self.reset()
                except usb.core.USBError as inner:
                    raise PicobootError(f"command 0x{cmd:02x} stalled and the device did not answer ({inner})") from None
                name = STATUS_NAMES[status] if status < len(STATUS_NAMES) else str(status)
                raise PicobootError(f"command 0x{cmd:02x} failed: {name}", status) from None
            raise

    def exclusive(self, mode: int) -> None:
        self.command(EXCLUSIVE_ACCESS, bytes([mode]))

    def exit_xip(self) -> None:
        self.command(EXIT_XIP)

    def erase(self, address: int, size: int) -> None:
        self.command(FLASH_ERASE, struct.pack("<II", address, size), timeout_ms=max(self.timeout_ms, 20_000))

    def write(self, address: int, data: bytes) -> None:
        self.command(WRITE, struct.pack("<II", address, len(data)), len(data), data)

    def read(self, address: int, size: int) -> bytes:
        return self.command(READ, struct.pack("<II", address, size), size)

    def reboot(self, pc: int = 0, sp: int = SRAM_END, delay_ms: int = 100) -> None:
        self.command(REBOOT, struct.pack("<III", pc, sp, delay_ms))


def _is_gone(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) in (errno.ENODEV, errno.EIO, errno.ENOENT) or "No such device" in str(exc)


class Picoboot(Flasher):
    name = "picoboot"
    help = "RP2040 BOOTSEL over USB (PICOBOOT), through pyusb"
    capabilities = Capabilities(erase=True, reset=True, verify=True, device_id=True, read=True,
                                bootloader_entry=("repl", "touch1200"))
    image_kinds = ("uf2", "bin", "elf", "hex")
    retries = 3

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument("--picoboot-timeout", type=int, default=3000, help="per-command USB timeout in ms")

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        return {"timeout_ms": args.picoboot_timeout}

    def check(self, image: Image) -> Image:
        if image.kind == "uf2" and self.target.uf2_family_id is not None and image.uf2_family != self.target.uf2_family_id:
            found = "mixed or no family ids" if image.uf2_family is None else f"family 0x{image.uf2_family:08x}"
            raise ImageRejected(f"{image.label}: UF2 has {found}, but the {self.target.mcu} needs "
                                f"0x{self.target.uf2_family_id:08x}; the image is for another chip")
        try:
            self.target.check_ranges(image)
        except ImageError as exc:
            raise ImageRejected(str(exc)) from None
        first = image.segments[0]
        if first.address == FLASH_BASE and not block_crc_ok(first.data[:256]):
            raise ImageRejected(f"{image.label}: the image starts at 0x{FLASH_BASE:08x} but its first 256 bytes are not "
                                "a boot2 block with a valid CRC; the bootrom would not run it (is it an RP2040 image?)")
        return image

    def find(self, device: str | None) -> Any:
        vid, pid = self.target.usb_boot or (0x2E8A, 0x0003)
        found = self.ctx.discovery.usb_devices(vid, pid)
        if device is not None:
            want = normalize_serial(device)
            found = [d for d in found if normalize_serial(usb_serial(d)) == want]
        if len(found) == 1:
            return found[0]
        if not found:
            which = f" with serial {device}" if device else ""
            raise DeviceNotFound(f"no RP2040 in BOOTSEL ({vid:04x}:{pid:04x}){which} found; `kiln flash` gets a "
                                 "running board there, or hold BOOTSEL while plugging it in")
        serials = ", ".join(usb_serial(d) or "?" for d in found)
        raise DeviceNotFound(f"{len(found)} RP2040s in BOOTSEL (serials {serials}); pick one with --device SERIAL")

    # -- plan ---------------------------------------------------------------------------------------------

    def _sectors(self, image: Image) -> list[int]:
        sectors: list[int] = []
        for seg in image.segments:
            for s in range(seg.address - seg.address % SECTOR, seg.end, SECTOR):
                if s not in sectors:
                    sectors.append(s)
        return sorted(sectors)

    def _content(self, image: Image, sector: int, current: bytes | None) -> bytes:
        blob = bytearray(current if current is not None else b"\xff" * SECTOR)
        for seg in image.segments:
            lo, hi = max(seg.address, sector), min(seg.end, sector + SECTOR)
            if lo < hi:
                blob[lo - sector : hi - sector] = seg.data[lo - seg.address : hi - seg.address]
        return bytes(blob)

    def _covers(self, image: Image, sector: int) -> bool:
        return any(seg.address <= sector and sector + SECTOR <= seg.end for seg in image.segments)

    # -- flashing ----------------------------------------------------------------------------------------------

    def _do(self, link: PicobootLink, what: str, address: int, action: Any) -> Any:
        import usb.core

        last = ""
        for attempt in range(1, self.retries + 1):
            try:
                return action()
            except usb.core.USBError as exc:
                if _is_gone(exc):
                    raise FlashError(f"the RP2040 disappeared during {what} at 0x{address:08x}", STATE_BOOTSEL) from None
                last = f"USB error: {exc}"
                try:
                    link.reset()
                except usb.core.USBError as inner:
                    if _is_gone(inner):
                        raise FlashError(f"the RP2040 disappeared during {what} at 0x{address:08x}",
                                         STATE_BOOTSEL) from None
            except PicobootError as exc:
                last = str(exc)
            self.log.warning("%s at 0x%08x failed (%s); attempt %d of %d", what, address, last, attempt, self.retries)
        raise FlashError(f"{what} at 0x{address:08x} failed {self.retries} times: {last}", STATE_BOOTSEL)

    def _cancel_point(self) -> None:
        if self.ctx.cancel.is_set():
            raise FlashInterrupted("interrupted by the user", STATE_BOOTSEL)

    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        import usb.core

        started = time.monotonic()
        dev = self.find(device)
        serial = usb_serial(dev) or "?"
        try:
            link = PicobootLink(dev, int(self.options.get("timeout_ms") or 3000))
        except (usb.core.USBError, PicobootError) as exc:
            raise FlashError(f"cannot open PICOBOOT on {serial}: {exc}; check permissions (udev rule for 2e8a:0003)") from None
        self._do(link, "reset", 0, link.reset)
        self._do(link, "exclusive access", 0, lambda: link.exclusive(EXCLUSIVE_AND_EJECT))
        self._do(link, "exit XIP", 0, link.exit_xip)
        sectors = self._sectors(image)
        contents: dict[int, bytes] = {}
        for sector in sectors:   # keep what the image does not cover in partly written sectors
            current = None if self._covers(image, sector) else self._do(link, "read", sector,
                                                                       lambda s=sector: link.read(s, SECTOR))
            contents[sector] = self._content(image, sector, current)
        if erase == "chip":
            size = self.target.flash[0].length
            self.ctx.progress("erase", 0, 1)
            self._do(link, "chip erase", FLASH_BASE, lambda: link.erase(FLASH_BASE, size))
            self.ctx.progress("erase", 1, 1)
        boot_sector = FLASH_BASE if FLASH_BASE in contents else None
        if boot_sector is not None:
            self._do(link, "erase", boot_sector, lambda: link.erase(boot_sector, SECTOR))
        rest = [s for s in sectors if s != boot_sector]
        total = len(sectors) * SECTOR
        done = 0
        self.ctx.progress("write", 0, total)
        for sector in rest:
            self._cancel_point()
            self._do(link, "write", sector, lambda s=sector: self._program(link, s, contents[s]))
            done += SECTOR
            self.ctx.progress("write", done, total)
        if verify:
            self._verify(link, rest, contents, total)
        if boot_sector is not None:
            self._cancel_point()
            self._do(link, "write", boot_sector, lambda: self._program(link, boot_sector, contents[boot_sector]))
            self.ctx.progress("write", total, total)
            if verify:
                self._verify(link, [boot_sector], contents, total, offset=len(rest) * SECTOR)
        if reset:
            self._do(link, "exclusive access", 0, lambda: link.exclusive(NOT_EXCLUSIVE))
            try:
                link.reboot()
            except (usb.core.USBError, PicobootError) as exc:
                if not _is_gone(exc):
                    raise FlashError(f"the image is written and verified, but REBOOT failed: {exc}; "
                                     "unplug or reset the board") from None
        notes = [f"{len(sectors)} sectors", "sector 0 (boot2) written last" if boot_sector is not None else ""]
        return Report(self.name, serial, image.size, time.monotonic() - started, verify, [n for n in notes if n])

    def _program(self, link: PicobootLink, sector: int, data: bytes) -> None:
        link.erase(sector, SECTOR)
        if data != b"\xff" * SECTOR:
            link.write(sector, data)

    def _verify(self, link: PicobootLink, sectors: list[int], contents: dict[int, bytes], total: int,
                offset: int = 0) -> None:
        done = offset
        self.ctx.progress("verify", done, total)
        for sector in sectors:
            self._cancel_point()
            got = self._do(link, "read back", sector, lambda s=sector: link.read(s, SECTOR))
            if got != contents[sector]:   # a corrupt reply or a bad write: read again, then rewrite once
                got = self._do(link, "read back", sector, lambda s=sector: link.read(s, SECTOR))
            if got != contents[sector]:
                self.log.warning("sector 0x%08x differs after writing; rewriting it", sector)
                self._do(link, "write", sector, lambda s=sector: self._program(link, s, contents[s]))
                got = self._do(link, "read back", sector, lambda s=sector: link.read(s, SECTOR))
            if got != contents[sector]:
                where = next(i for i in range(SECTOR) if got[i] != contents[sector][i])
                raise FlashError(f"verify failed at 0x{sector + where:08x}: wrote 0x{contents[sector][where]:02x}, "
                                 f"read back 0x{got[where]:02x} (after a rewrite)", STATE_BOOTSEL)
            done += SECTOR
            self.ctx.progress("verify", done, total)
