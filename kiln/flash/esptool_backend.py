"""ESP32 family through esptool's Python API (no subprocess): reset into the ROM loader, optionally run
the flasher stub, raise the baud rate, write compressed, verify by MD5, reset.

Parts are written application first, then the partition table, and the second-stage bootloader last
and only if its MD5 differs from what is in flash, so an interrupted flash almost never touches the
bootloader; the ROM serial loader itself is mask ROM, so the chip can always be flashed again.
esptool's own retries apply underneath (a NAKed block is resent; a dropped link is reopened once).
"""

from __future__ import annotations

import argparse
import struct
import threading
import time
from typing import Any

from kiln.devices import normalize_serial
from kiln.flash.base import Capabilities, DeviceNotFound, Flasher, FlashError, FlashInterrupted, ImageRejected, Report
from kiln.flash.image import Image, ImageError, Segment

BEFORE = ("default-reset", "usb-reset", "no-reset", "no-reset-no-sync")
AFTER = ("hard-reset", "soft-reset", "no-reset", "no-reset-stub", "watchdog-reset")
IMAGE_MAGIC = 0xE9
ROM_BAUD = 115200


class _Sink:
    """Where esptool's output goes for the flash running on this thread."""

    def __init__(self, flasher: EsptoolBackend):
        self.flasher = flasher
        self.phase = "connect"
        self.part_done = 0       # bytes of earlier parts
        self.part_size = 0
        self.total = 0


_local = threading.local()
_installed = False
_install_lock = threading.Lock()


def _install_logger() -> None:
    """esptool logs through one global logger; ours dispatches to the sink of the calling thread."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from esp_pylib.logger import EspLogBase
        from esptool.logger import log

        class Bridge(EspLogBase):
            def _sink(self) -> _Sink | None:
                return getattr(_local, "sink", None)

            def _line(self, level: str, *args: Any) -> None:
                sink = self._sink()
                text = " ".join(str(a) for a in args).strip()
                if sink is None or not text:
                    return
                getattr(sink.flasher.log, level)("esptool: %s", text)
                if text.startswith("Verifying written data"):
                    sink.flasher.ctx.progress("verify", sink.part_done, sink.total)
                elif text.startswith("Hash of data verified"):
                    sink.flasher.ctx.progress("verify", sink.part_done + sink.part_size, sink.total)

            def print(self, *args: Any, **kwargs: Any) -> None:
                self._line("info", *args)

            def err(self, *args: Any, suggestion: str | None = None) -> None:
                self._line("error", *args)

            def warn(self, *args: Any, suggestion: str | None = None) -> None:
                self._line("warning", *args)

            def note(self, *args: Any) -> None:
                self._line("info", *args)

            def hint(self, *args: Any) -> None:
                self._line("info", *args)

            def debug(self, *args: Any) -> None:
                self._line("debug", *args)

            def set_verbosity(self, mode: int | str) -> None:
                return None

            def progress_bar(self, cur_iter: int, total_iters: int, prefix: str = "", suffix: str = "",
                             bar_length: int = 30) -> None:
                sink = self._sink()
                if sink is None or total_iters <= 0:
                    return
                if sink.flasher.ctx.cancel.is_set():
                    raise KeyboardInterrupt   # esptool has no cancel hook; stop between its blocks
                done = sink.part_done + int(sink.part_size * cur_iter / total_iters)
                sink.flasher.ctx.progress("write", done, sink.total)

        log.set_logger(Bridge())
        _installed = True


def image_chip_id(data: bytes) -> int | None:
    """The chip id in an ESP image's extended header (None if `data` is not an ESP image)."""
    if len(data) < 24 or data[0] != IMAGE_MAGIC:
        return None
    return int(struct.unpack_from("<H", data, 12)[0])


class EsptoolBackend(Flasher):
    name = "esptool"
    help = "ESP32 family over the ROM serial loader, through esptool's Python API"
    capabilities = Capabilities(erase=True, reset=True, verify=True, device_id=True, read=True,
                                bootloader_entry=("dtr-rts", "repl"))
    image_kinds = ("merged", "app", "bin")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument("--port", "-p", help="serial port or pyserial URL (socket://, rfc2217://); "
                                                 "default: the only ESP serial port, or the one of --device")
        parser.add_argument("--baud", type=int, default=460800, help="baud rate after connecting (default 460800)")
        parser.add_argument("--before", choices=BEFORE, default="default-reset", help="how to get into the ROM loader")
        parser.add_argument("--after", choices=AFTER, default="hard-reset", help="what to do when done")
        parser.add_argument("--no-stub", dest="stub", action="store_false", help="talk to the ROM loader only")
        parser.add_argument("--no-compress", dest="compress", action="store_false", help="send data uncompressed")
        parser.add_argument("--connect-attempts", type=int, default=7)

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        return {k: getattr(args, k) for k in ("port", "baud", "before", "after", "stub", "compress", "connect_attempts")}

    # -- checks -------------------------------------------------------------------------------------------

    def _chip_class(self) -> Any:
        from esptool.targets import CHIP_DEFS

        chip = self.target.esptool_chip
        if not chip or chip not in CHIP_DEFS:
            raise ImageRejected(f"{self.target.mcu}: no esptool chip name (esptool_chip) for this MCU")
        return CHIP_DEFS[chip]

    def parts(self, image: Image) -> list[Segment]:
        """Named parts in write order: app, partitions, bootloader (a merged image is split at the offsets)."""
        offsets = self.target.flash_offsets
        boot, table, app = offsets.get("bootloader", 0), offsets.get("partitions"), offsets.get("app")
        segments = list(image.segments)
        if len(segments) == 1 and segments[0].address == boot and table is not None and app is not None \
                and segments[0].end > app:
            blob = segments[0].data
            pieces = [(boot, blob[: table - boot], "bootloader"), (table, blob[table - boot : app - boot], "partitions"),
                      (app, blob[app - boot :], "app")]
            segments = [Segment(a, d.rstrip(b"\xff") or d[:1], n) for a, d, n in pieces if d.rstrip(b"\xff")]
        named = []
        for seg in segments:
            name = seg.name or {boot: "bootloader", table: "partitions", app: "app"}.get(seg.address, "")
            named.append(Segment(seg.address, seg.data, name))
        order = {"app": 0, "": 1, "partitions": 2, "bootloader": 3}
        return sorted(named, key=lambda s: (order.get(s.name, 1), s.address))

    def check(self, image: Image) -> Image:
        cls = self._chip_class()
        try:
            self.target.check_ranges(image)
        except ImageError as exc:
            raise ImageRejected(str(exc)) from None
        for part in self.parts(image):
            if part.name not in ("bootloader", "app"):
                continue
            chip_id = image_chip_id(part.data)
            if chip_id is None:
                raise ImageRejected(f"{image.label}: the {part.name} at 0x{part.address:x} does not start with the ESP "
                                    f"image magic 0x{IMAGE_MAGIC:02x} (found 0x{part.data[0]:02x}); "
                                    "it is not an ESP firmware image or it is placed at the wrong offset")
            if chip_id != cls.IMAGE_CHIP_ID:
                from esptool.targets import ROM_LIST

                other = next((c.CHIP_NAME for c in ROM_LIST if getattr(c, "IMAGE_CHIP_ID", None) == chip_id), f"id {chip_id}")
                raise ImageRejected(f"{image.label}: the {part.name} at 0x{part.address:x} is built for {other} "
                                    f"(image header chip id {chip_id}), but the board has an {cls.CHIP_NAME}; "
                                    "build it for this board")
        return image

    # -- device ---------------------------------------------------------------------------------------------

    def resolve_port(self, device: str | None) -> str:
        """The port to use; remembers the USB serial it was found by (a USB-UART bridge's own serial is an
        accepted name for the board behind it, as is the chip's MAC)."""
        self._port_names: set[str | None] = set()
        port = self.options.get("port")
        if port:
            return str(port)
        ports = self.ctx.discovery.serial_ports()
        if device is not None:
            want = normalize_serial(device)
            same = [p for p in ports if normalize_serial(p.serial_number) == want or p.device == device]
            if len(same) == 1:
                self._port_names = {normalize_serial(same[0].serial_number), normalize_serial(same[0].device)}
                return same[0].device
        from kiln.devices import USB_IDS

        esp = [p for p in ports if USB_IDS.get((p.vid or 0, p.pid or 0), ("", "", ""))[0] == "serial"]
        if len(esp) == 1 and device is None:
            return esp[0].device
        listing = ", ".join(p.device for p in esp) or "none"
        raise DeviceNotFound(f"cannot tell which serial port is the board (USB-UART/USB-Serial-JTAG ports: {listing}); "
                             "pass --port PORT" + (" (the chip's MAC is checked against --device)" if device else ""))

    def _connect(self, port: str) -> Any:
        from esptool.cmds import detect_chip

        before = self.options.get("before") or "default-reset"
        attempts = int(self.options.get("connect_attempts") or 7)
        esp = detect_chip(port, ROM_BAUD, before, False, attempts)
        expected = self._chip_class()
        if esp.CHIP_NAME != expected.CHIP_NAME:
            esp._port.close()
            raise FlashError(f"{port} has an {esp.CHIP_NAME}, but {self.target.name} is an {expected.CHIP_NAME}; "
                             "nothing was written — check --port", "unchanged (nothing was written)")
        return esp

    # -- flashing ----------------------------------------------------------------------------------------------

    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        from esptool.util import FatalError
        from serial import SerialException

        _install_logger()
        started = time.monotonic()
        port = self.resolve_port(device)
        sink = _Sink(self)
        _local.sink = sink
        parts = self.parts(image)
        sink.total = sum(len(p.data) for p in parts)
        esp = None
        current = "connect"
        try:
            self.ctx.progress("connect", 0, 1)
            esp = self._connect(port)
            mac = ":".join(f"{b:02X}" for b in esp.read_mac())
            if device is not None and normalize_serial(device) not in {normalize_serial(mac)} | self._port_names:
                raise FlashError(f"{port} is the chip with MAC {mac}, not {device}; nothing was written",
                                 "unchanged (nothing was written)")
            self.ctx.progress("connect", 1, 1)
            esp = self._prepare(esp, erase)
            notes = []
            for part in parts:
                current = part.name or f"data at 0x{part.address:x}"
                sink.part_size = len(part.data)
                self._check_cancel(current)
                for attempt in (1, 2):
                    try:
                        if self._write_part(esp, part):
                            notes.append(f"{current} unchanged, not rewritten")
                        break
                    except (FatalError, SerialException) as exc:
                        if attempt == 2:
                            raise
                        self.log.warning("writing %s failed (%s); reconnecting and writing it again", current,
                                         str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
                        notes.append(f"{current} rewritten after a link error")
                        esp = self._reconnect(port, esp)
                sink.part_done += len(part.data)
                self.ctx.progress("write", sink.part_done, sink.total)
            after = self.options.get("after") or "hard-reset"
            current = "reset"
            if reset:
                from esptool.cmds import reset_chip

                reset_chip(esp, after)
            return Report(self.name, mac, image.size, time.monotonic() - started, True, notes)
        except KeyboardInterrupt:
            raise FlashInterrupted("interrupted by the user", self._state(current)) from None
        except (FatalError, SerialException, OSError) as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FlashError(f"esptool failed while writing {current} on {port}: {text}", self._state(current)) from None
        finally:
            _local.sink = None
            if esp is not None:
                try:
                    esp._port.close()
                except Exception:  # noqa: BLE001 - closing a dead port must not hide the real error
                    pass

    def _check_cancel(self, current: str) -> None:
        if self.ctx.cancel.is_set():
            raise FlashInterrupted("interrupted by the user", self._state(current))

    def _state(self, current: str) -> str:
        if current == "connect":
            return "unchanged (nothing was written)"
        if current == "bootloader":
            return ("the second-stage bootloader at 0x0 was being written and may be incomplete; the ROM loader is "
                    "mask ROM, so the chip still enters download mode — flash again")
        return ("the bootloader at 0x0 was not touched (it is written last); the application is incomplete; the ROM "
                "loader is mask ROM — flash again")

    def _reconnect(self, port: str, old: Any) -> Any:
        """After a link error: the chip is normally still in its loader at the raised baud rate; else reset it."""
        from esptool.cmds import detect_chip
        from esptool.util import FatalError

        try:
            old._port.close()
        except Exception:  # noqa: BLE001 - the old port may already be dead
            pass
        baud = int(self.options.get("baud") or ROM_BAUD)
        try:
            esp = detect_chip(port, baud, "no-reset", False, 2)
        except (FatalError, OSError):
            return self._prepare(self._connect(port), "sector")
        return self._prepare(esp, "sector")

    def _prepare(self, esp: Any, erase: str) -> Any:
        from esptool.cmds import attach_flash, erase_flash, run_stub

        if self.options.get("stub", True) and not esp.IS_STUB:
            esp = run_stub(esp)
        baud = int(self.options.get("baud") or ROM_BAUD)
        if baud != esp._port.baudrate:
            esp.change_baud(baud)
        attach_flash(esp)
        if erase == "chip":
            if not esp.IS_STUB:
                raise FlashError("erasing the whole chip needs the flasher stub; drop --no-stub",
                                 "unchanged (nothing was written)")
            self.ctx.progress("erase", 0, 1)
            erase_flash(esp)
            self.ctx.progress("erase", 1, 1)
        return esp

    def _write_part(self, esp: Any, part: Segment) -> bool:
        """Writes one part (compressed unless disabled; esptool verifies by MD5). True if it was skipped."""
        import hashlib

        from esptool.cmds import write_flash

        skip = part.name in ("bootloader", "partitions")
        if skip:
            padded = part.data + b"\xff" * (-len(part.data) % 4)
            if esp.flash_md5sum(part.address, len(padded)) == hashlib.md5(padded).hexdigest():
                self.log.info("%s at 0x%x already in flash; not rewritten", part.name, part.address)
                return True
        compress = bool(self.options.get("compress", True))
        write_flash(esp, [(part.address, part.data)], compress=compress, no_compress=not compress,
                    flash_mode="keep", flash_freq="keep", flash_size="keep")
        return False
