"""DfuSe over pyusb: the STM32 system bootloader's DFU 1.1 protocol with ST's extensions (AN3156).

Erase only the sectors the image touches (or the whole chip), download in wTransferSize blocks,
verify by upload, then leave (jump to the application). Each DNLOAD is followed by GETSTATUS polls
honouring bwPollTimeout until the device is idle again. A stalled or failed block is retried after
CLRSTATUS with the address pointer set again; an unplugged device or an exhausted retry budget stops
cleanly: the system bootloader is in ROM, so the device is always left able to take the next attempt.
"""

from __future__ import annotations

import argparse
import errno
import struct
import time
from dataclasses import dataclass
from typing import Any

from kiln.devices import normalize_serial, usb_serial
from kiln.flash.base import Capabilities, DeviceNotFound, Flasher, FlashError, FlashInterrupted, ImageRejected, Report
from kiln.flash.image import Image, ImageError, Segment
from kiln.images.dfuse import DfuseError, read_dfuse

DETACH, DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, GETSTATE, ABORT = range(7)
STATE_NAMES = ("appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY", "dfuDNLOAD-IDLE", "dfuMANIFEST-SYNC",
               "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR")
STATUS_NAMES = ("OK", "errTARGET", "errFILE", "errWRITE", "errERASE", "errCHECK_ERASED", "errPROG", "errVERIFY",
                "errADDRESS", "errNOTDONE", "errFIRMWARE", "errVENDOR", "errUSBR", "errPOR", "errUNKNOWN",
                "errSTALLEDPKT")
DFU_IDLE, DNLOAD_SYNC, DNBUSY, DNLOAD_IDLE, MANIFEST, UPLOAD_IDLE, DFU_ERROR = 2, 3, 4, 5, 7, 9, 10
OUT, IN = 0x21, 0xA1
STATE_DFU = "still in the STM32 system bootloader (ROM, never written); the application flash is incomplete — flash again"


class DfuProtocolError(Exception):
    """The device reported an error status or answered out of protocol."""


@dataclass(frozen=True)
class Status:
    status: int
    poll_ms: int
    state: int

    def __str__(self) -> str:
        status = STATUS_NAMES[self.status] if self.status < len(STATUS_NAMES) else f"status {self.status}"
        state = STATE_NAMES[self.state] if self.state < len(STATE_NAMES) else f"state {self.state}"
        return f"{status} in {state}"


@dataclass(frozen=True)
class Sector:
    address: int
    size: int
    letter: str

    @property
    def end(self) -> int:
        return self.address + self.size

    @property
    def readable(self) -> bool:
        return (ord(self.letter) - ord("a") + 1) & 1 == 1

    @property
    def erasable(self) -> bool:
        return (ord(self.letter) - ord("a") + 1) & 2 == 2

    @property
    def writable(self) -> bool:
        return (ord(self.letter) - ord("a") + 1) & 4 == 4


def parse_layout(text: str) -> tuple[str, list[Sector]]:
    """DfuSe memory layout string: "@Name/0xADDR/NN*SSSKg,..." (K/M units; letter a-g = r/e/w bits)."""
    parts = text.strip().lstrip("@").split("/")
    if len(parts) < 3 or len(parts) % 2 == 0:
        raise DfuProtocolError(f"interface string {text!r} is not a DfuSe memory layout")
    sectors: list[Sector] = []
    for base_text, spec in zip(parts[1::2], parts[2::2], strict=True):
        address = int(base_text.strip(), 16)
        for item in spec.split(","):
            item = item.strip()
            count_text, _, rest = item.partition("*")
            if not rest or not count_text.isdigit():
                raise DfuProtocolError(f"bad sector group {item!r} in {text!r}")
            digits = "".join(ch for ch in rest if ch.isdigit())
            suffix = rest[len(digits):].strip()
            unit = {"K": 1024, "M": 1024 * 1024}.get(suffix[:1], 1) if len(suffix) > 1 else 1
            letter = suffix[-1:]
            if not digits or letter not in "abcdefg":
                raise DfuProtocolError(f"bad sector group {item!r} in {text!r}")
            for _ in range(int(count_text)):
                sectors.append(Sector(address, int(digits) * unit, letter))
                address += int(digits) * unit
    return parts[0].strip(), sectors


class DfuseLink:
    """The protocol on one opened interface."""

    def __init__(self, dev: Any, interface: int = 0, transfer_size: int = 2048, timeout_ms: int = 5000):
        self.dev = dev
        self.interface = interface
        self.transfer_size = transfer_size
        self.timeout_ms = timeout_ms
        self.pointer: int | None = None

    def _out(self, request: int, value: int, data: bytes = b"") -> None:
        self.dev.ctrl_transfer(OUT, request, value, self.interface, data, self.timeout_ms)

    def _in(self, request: int, value: int, length: int) -> bytes:
        return bytes(self.dev.ctrl_transfer(IN, request, value, self.interface, length, self.timeout_ms))

    def status(self) -> Status:
        for _ in range(3):
            raw = self._in(GETSTATUS, 0, 6)
            if len(raw) == 6:
                return Status(raw[0], raw[1] | raw[2] << 8 | raw[3] << 16, raw[4])
        raise DfuProtocolError(f"GETSTATUS answered {len(raw)} bytes three times; expected 6")

    def recover(self) -> None:
        """Back to dfuIDLE from wherever the device is (error, download or upload)."""
        st = self.status()
        if st.state == DFU_ERROR:
            self._out(CLRSTATUS, 0)
            st = self.status()
        if st.state != DFU_IDLE:
            self._out(ABORT, 0)
            st = self.status()
        if st.state != DFU_IDLE:
            raise DfuProtocolError(f"cannot bring the device back to dfuIDLE (it reports {st})")
        self.pointer = None

    def wait(self) -> Status:
        """Polls GETSTATUS after a DNLOAD until the device is done; raises on an error status."""
        deadline = time.monotonic() + 30
        while True:
            st = self.status()
            if st.state == DFU_ERROR or st.status != 0:
                raise DfuProtocolError(str(st))
            if st.state not in (DNLOAD_SYNC, DNBUSY):
                return st
            if time.monotonic() > deadline:
                raise DfuProtocolError(f"device still busy after 30 s ({st})")
            if st.poll_ms:
                time.sleep(min(st.poll_ms, 5000) / 1000)

    def command(self, payload: bytes) -> None:
        self._out(DNLOAD, 0, payload)
        self.wait()

    def set_address(self, address: int) -> None:
        self.command(struct.pack("<BI", 0x21, address))
        self.pointer = address

    def erase_sector(self, address: int) -> None:
        self.command(struct.pack("<BI", 0x41, address))

    def mass_erase(self) -> None:
        self.command(b"\x41")

    def download(self, block: int, data: bytes) -> None:
        self._out(DNLOAD, block, data)
        self.wait()

    def upload(self, block: int, length: int) -> bytes:
        return self._in(UPLOAD, block, length)

    def leave(self, address: int) -> None:
        self.set_address(address)
        self._out(DNLOAD, 0, b"")
        try:
            self.status()   # the device starts the application here and drops off the bus
        except Exception:  # noqa: BLE001 - any error here just means it already left
            pass


def _usb_errno(exc: BaseException) -> int | None:
    return getattr(exc, "errno", None)


class DfuseUsb(Flasher):
    name = "dfu"
    help = "STM32 system bootloader over USB DFU (DfuSe), through pyusb"
    capabilities = Capabilities(erase=True, reset=True, verify=True, device_id=True, read=True,
                                bootloader_entry=("repl",))
    image_kinds = ("dfu", "bin", "hex", "elf")
    retries = 3

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument("--dfu-alt", type=int, default=0, help="DFU alternate setting (0 = internal flash)")

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        return {"alt": args.dfu_alt}

    def check(self, image: Image) -> Image:
        if image.kind == "dfu" and image.raw:
            try:
                dfu = read_dfuse(image.raw)
            except DfuseError as exc:
                raise ImageRejected(f"{image.label}: {exc}") from None
            if self.target.usb_dfu and (dfu.vid, dfu.pid) not in ((0xFFFF, 0xFFFF), self.target.usb_dfu):
                vid, pid = self.target.usb_dfu
                raise ImageRejected(f"{image.label}: DFU suffix is for {dfu.vid:04x}:{dfu.pid:04x}, "
                                    f"but the {self.target.mcu} bootloader is {vid:04x}:{pid:04x}; "
                                    "the file is for another device")
        try:
            self.target.check_ranges(image)
        except ImageError as exc:
            raise ImageRejected(str(exc)) from None
        return self.target.keep_filesystem(image)

    # -- device -------------------------------------------------------------------------------------

    def find(self, device: str | None) -> Any:
        if self.target.usb_dfu is None:
            raise DeviceNotFound(f"{self.target.mcu} has no USB DFU bootloader ids (usb_dfu) in its MCU file")
        vid, pid = self.target.usb_dfu
        found = self.ctx.discovery.usb_devices(vid, pid)
        if device is not None:
            want = normalize_serial(device)
            found = [d for d in found if normalize_serial(usb_serial(d)) == want]
        if len(found) == 1:
            return found[0]
        if not found:
            which = f" with serial {device}" if device else ""
            raise DeviceNotFound(f"no DFU device {vid:04x}:{pid:04x}{which} found; put the board in its bootloader "
                                 "(`kiln flash` does it from a running app; or BOOT0 high + reset)")
        serials = ", ".join(usb_serial(d) or "?" for d in found)
        raise DeviceNotFound(f"{len(found)} DFU devices {vid:04x}:{pid:04x} attached (serials {serials}); "
                             "pick one with --device SERIAL")

    def open(self, dev: Any) -> tuple[DfuseLink, list[Sector]]:
        import usb.core
        import usb.util

        alt = int(self.options.get("alt") or 0)
        try:
            try:
                dev.set_configuration()
            except usb.core.USBError as exc:
                if _usb_errno(exc) != errno.EBUSY:
                    raise
            cfg = dev.get_active_configuration()
            intf = cfg[(0, alt)]
            usb.util.claim_interface(dev, intf.bInterfaceNumber)
            dev.set_interface_altsetting(intf.bInterfaceNumber, alt)
            name = usb.util.get_string(dev, intf.iInterface) or ""
        except usb.core.USBError as exc:
            raise FlashError(f"cannot open the DFU device: {exc}; check permissions (udev rule for "
                             f"{dev.idVendor:04x}:{dev.idProduct:04x})") from None
        transfer = 2048
        extra = bytes(intf.extra_descriptors)
        i = 0
        while i + 1 < len(extra) and extra[i]:
            if extra[i + 1] == 0x21 and extra[i] >= 7:
                transfer = struct.unpack_from("<H", extra, i + 5)[0]
            i += extra[i]
        try:
            _, sectors = parse_layout(name)
        except DfuProtocolError as exc:
            raise FlashError(f"alt {alt}: {exc}; is this an STM32 DfuSe bootloader?") from None
        return DfuseLink(dev, intf.bInterfaceNumber, transfer), sectors

    def _check_layout(self, image: Image, sectors: list[Sector]) -> list[Sector]:
        """The sectors to erase; refuses (before writing) anything the device says is not writable."""
        needed: list[Sector] = []
        for seg in image.segments:
            address = seg.address
            while address < seg.end:
                sector = next((s for s in sectors if s.address <= address < s.end), None)
                if sector is None:
                    raise ImageRejected(f"{image.label}: 0x{address:08x} (segment at 0x{seg.address:08x}) is not in the "
                                        "device's flash layout; the image is for another chip or too large")
                if not sector.writable or not sector.erasable:
                    raise ImageRejected(f"{image.label}: segment at 0x{seg.address:08x} writes sector "
                                        f"0x{sector.address:08x} ({sector.size // 1024} KiB), which the device marks "
                                        f"'{sector.letter}' (not erasable/writable): it holds a protected bootloader")
                if sector not in needed:
                    needed.append(sector)
                address = sector.end
        return needed

    def _retry(self, link: DfuseLink, what: str, action: Any, where: int) -> None:
        import usb.core

        last = ""
        for attempt in range(1, self.retries + 1):
            try:
                action()
                return
            except usb.core.USBError as exc:
                if _usb_errno(exc) in (errno.ENODEV, errno.EIO, errno.ENOENT) or "No such device" in str(exc):
                    raise FlashError(f"the DFU device disappeared during {what} at 0x{where:08x}", STATE_DFU) from None
                last = f"USB error: {exc}"
            except DfuProtocolError as exc:
                last = str(exc)
            self.log.warning("%s at 0x%08x failed (%s); attempt %d of %d", what, where, last, attempt, self.retries)
            try:
                link.recover()
            except (usb.core.USBError, DfuProtocolError) as exc:
                raise FlashError(f"{what} at 0x{where:08x} failed ({last}) and the device did not recover ({exc})",
                                 STATE_DFU) from None
        raise FlashError(f"{what} at 0x{where:08x} failed {self.retries} times: {last}", STATE_DFU)

    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        started = time.monotonic()
        dev = self.find(device)
        serial = usb_serial(dev) or "?"
        link, sectors = self.open(dev)
        to_erase = self._check_layout(image, sectors)
        self.log.info("DFU device %s: %d sectors in layout, transfer size %d", serial, len(sectors), link.transfer_size)
        self._retry(link, "reset to dfuIDLE", link.recover, image.start)
        self._erase(link, to_erase, erase)
        self._write(link, image)
        if verify:
            self._verify(link, image)
        if reset:
            def leave() -> None:
                link.recover()
                link.leave(self.target.app_address or image.start)

            self._retry(link, "leave", leave, image.start)
        return Report(self.name, serial, image.size, time.monotonic() - started, verify,
                      [f"erased {'the chip' if erase == 'chip' else f'{len(to_erase)} sectors'}"])

    def _erase(self, link: DfuseLink, sectors: list[Sector], mode: str) -> None:
        if mode == "chip":
            self.ctx.progress("erase", 0, 1)
            self._retry(link, "mass erase", link.mass_erase, 0)
            self.ctx.progress("erase", 1, 1)
            return
        total = sum(s.size for s in sectors)
        done = 0
        self.ctx.progress("erase", 0, total)
        for sector in sectors:
            self._cancel_point()
            self._retry(link, "erase", lambda s=sector: link.erase_sector(s.address), sector.address)
            done += sector.size
            self.ctx.progress("erase", done, total)

    def _cancel_point(self) -> None:
        if self.ctx.cancel.is_set():
            raise FlashInterrupted("interrupted by the user", STATE_DFU)

    def _write(self, link: DfuseLink, image: Image) -> None:
        size = link.transfer_size
        total, done = image.size, 0
        self.ctx.progress("write", 0, total)
        for seg in image.segments:
            for i in range(0, len(seg.data), size):
                self._cancel_point()
                chunk = Segment(seg.address + i, seg.data[i : i + size])
                self._retry(link, "write", lambda c=chunk: self._write_chunk(link, c), chunk.address)
                done += len(chunk.data)
                self.ctx.progress("write", done, total)

    def _write_chunk(self, link: DfuseLink, chunk: Segment) -> None:
        """Block numbers count from the address pointer; after a recovery the pointer is set again."""
        if link.pointer is None or link.pointer > chunk.address or (chunk.address - link.pointer) % link.transfer_size:
            link.set_address(chunk.address)
        link.download(2 + (chunk.address - link.pointer) // link.transfer_size, chunk.data)

    def _verify(self, link: DfuseLink, image: Image) -> None:
        size = link.transfer_size
        total, done = image.size, 0
        self.ctx.progress("verify", 0, total)
        for seg in image.segments:
            self._retry(link, "reset to dfuIDLE", link.recover, seg.address)
            self._retry(link, "set address", lambda a=seg.address: link.set_address(a), seg.address)
            self._retry(link, "reset to dfuIDLE", lambda: link._out(ABORT, 0), seg.address)
            for i in range(0, len(seg.data), size):
                self._cancel_point()
                want = seg.data[i : i + size]
                got = self._read_block(link, seg.address, i // size, len(want))
                if got != want:
                    where = next(j for j in range(len(want)) if j >= len(got) or got[j] != want[j])
                    address = seg.address + i + where
                    raise FlashError(f"verify failed at 0x{address:08x}: wrote 0x{want[where]:02x}, read back "
                                     f"{'nothing' if where >= len(got) else f'0x{got[where]:02x}'}", STATE_DFU)
                done += len(want)
                self.ctx.progress("verify", done, total)

    def _read_block(self, link: DfuseLink, base: int, index: int, length: int) -> bytes:
        result: list[bytes] = []

        def read() -> None:
            if link.pointer is None:   # recovered after an error: point at the segment again
                link.set_address(base)
                link._out(ABORT, 0)
            result.append(link.upload(2 + index, length))

        self._retry(link, "read back", read, base + index * link.transfer_size)
        return result[-1]
