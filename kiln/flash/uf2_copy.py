"""UF2 copy: find the board's UF2 drive by INFO_UF2.TXT Board-ID, copy the image, wait for the reboot.

Steps: check every block (magic, numbering, family id, addresses) before anything is written; pick
the drive whose Board-ID matches this chip (and whose USB serial matches `--device`); copy in chunks
with fsync; wait for the drive to disappear (the bootloader reboots once the last block arrives);
then wait for the application's serial port (same USB serial, or a port that was not there before).
"""

from __future__ import annotations

import argparse
import os
import struct
import time
from pathlib import Path
from typing import Any

from kiln.devices import PortInfo, Uf2Volume, normalize_serial, read_volume, wait_for
from kiln.flash.base import Capabilities, DeviceNotFound, Flasher, FlashError, ImageRejected, Report
from kiln.flash.image import Image, ImageError
from kiln.images.uf2 import BLOCK_SIZE, FLAG_NOT_MAIN_FLASH, Uf2Error, read_uf2, write_uf2

CHUNK = 32 * BLOCK_SIZE
STATE_IN_BOOTLOADER = "still in its UF2 bootloader (the drive stays mounted until a complete image arrives); copy again"


def uf2_from_image(image: Image, family_id: int) -> bytes:
    """UF2 blocks for every segment, numbered across the whole file."""
    parts = [write_uf2(seg.data, seg.address, family_id) for seg in image.segments]
    blocks = [part[i : i + BLOCK_SIZE] for part in parts for i in range(0, len(part), BLOCK_SIZE)]
    out = bytearray()
    for number, block in enumerate(blocks):
        out += block[:20] + struct.pack("<II", number, len(blocks)) + block[28:]
    return bytes(out)


class Uf2Copy(Flasher):
    name = "uf2"
    help = "copy a .uf2 to the board's UF2 bootloader drive"
    capabilities = Capabilities(reset=True, device_id=True, bootloader_entry=("repl", "touch1200"))
    image_kinds = ("uf2", "bin", "hex", "elf")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument("--uf2-volume", type=Path, help="the mounted UF2 drive (default: found by its Board-ID)")
        parser.add_argument("--uf2-board-id", help="INFO_UF2.TXT Board-ID to look for (default: the chip's)")
        parser.add_argument("--uf2-timeout", type=float, default=30.0,
                            help="seconds to wait for the drive to go away and the app port to appear")
        parser.add_argument("--no-wait-port", dest="uf2_wait_port", action="store_false",
                            help="do not wait for the application's serial port after the copy")

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        return {"volume": args.uf2_volume, "board_id": args.uf2_board_id, "timeout": args.uf2_timeout,
                "wait_port": args.uf2_wait_port}

    # -- checks ---------------------------------------------------------------------------------

    def check(self, image: Image) -> Image:
        family = self.target.uf2_family_id
        if family is None:
            raise ImageRejected(f"{self.target.mcu} has no UF2 family id in its MCU file; it cannot be flashed by UF2 copy")
        if image.kind == "uf2":
            try:
                blocks = read_uf2(image.raw)
            except Uf2Error as exc:
                raise ImageRejected(f"{image.label}: {exc}") from None
            for block in blocks:
                if block.flags & FLAG_NOT_MAIN_FLASH:
                    continue
                if block.family_id != family:
                    found = "no family id" if block.family_id is None else f"family id 0x{block.family_id:08x}"
                    raise ImageRejected(f"{image.label}: block {block.index} (file offset 0x{block.index * BLOCK_SIZE:x}) "
                                        f"has {found}, but the {self.target.mcu} needs 0x{family:08x}; "
                                        "this image is for another chip — build it for this board")
            payload = image.raw
        else:
            payload = uf2_from_image(image, family)
        try:
            self.target.check_ranges(image)
        except ImageError as exc:
            raise ImageRejected(str(exc)) from None
        return Image(image.segments, image.path, "uf2", payload, family, image.notes)

    # -- finding the drive --------------------------------------------------------------------------

    def _board_ids(self) -> tuple[str, ...]:
        wanted = self.options.get("board_id")
        return (wanted,) if wanted else self.target.uf2_board_ids

    def find_volume(self, device: str | None) -> Uf2Volume:
        explicit = self.options.get("volume")
        if explicit is not None:
            volume = read_volume(Path(explicit))
            if volume is None:
                raise DeviceNotFound(f"{explicit}: no INFO_UF2.TXT there; is it the board's UF2 drive and mounted?")
            return volume
        ids = self._board_ids()
        volumes = self.ctx.discovery.uf2_volumes()
        mine = [v for v in volumes if not ids or any(v.board_id.upper().startswith(i.upper()) for i in ids)]
        if device is not None:
            want = normalize_serial(device)
            mine = [v for v in mine if normalize_serial(v.usb_serial) == want or str(v.path) == device]
        if len(mine) == 1:
            return mine[0]
        wanted = " or ".join(ids) or "any"
        if not mine:
            others = ", ".join(f"{v.path} (Board-ID {v.board_id or '?'})" for v in volumes) or "none"
            which = f" with USB serial {device}" if device else ""
            raise DeviceNotFound(
                f"no UF2 drive with Board-ID {wanted}{which} is mounted (UF2 drives seen: {others}); "
                "put the board in its UF2 bootloader (`kiln flash` does it from a running app) or pass --uf2-volume")
        listing = ", ".join(f"{v.path} (serial {v.usb_serial or '?'})" for v in mine)
        raise DeviceNotFound(f"{len(mine)} UF2 drives with Board-ID {wanted} are mounted: {listing}; "
                             "pick one with --device SERIAL or --uf2-volume PATH")

    # -- flashing -----------------------------------------------------------------------------------

    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        if not image.raw or image.kind != "uf2":
            image = self.check(image)
        if erase == "chip":
            raise FlashError("a UF2 drive cannot erase the whole chip; use --erase sector or another method")
        started = time.monotonic()
        volume = self.find_volume(device)
        serial = volume.usb_serial or device
        self.log.info("UF2 drive %s (Board-ID %s, serial %s)", volume.path, volume.board_id, serial or "?")
        ports_before = {p.device for p in self.ctx.discovery.serial_ports()}
        self._copy(image.raw, volume)
        timeout = float(self.options.get("timeout") or 30.0)
        self.ctx.progress("reboot", 0, 1)
        gone = wait_for(lambda: not (volume.path / "INFO_UF2.TXT").exists(), timeout)
        if not gone:
            raise FlashError(f"{volume.path} is still mounted {timeout:.0f} s after the copy: the bootloader did not "
                             "take the file (wrong family or addresses for this bootloader?)",
                             STATE_IN_BOOTLOADER)
        self.ctx.progress("reboot", 1, 1)
        notes = [f"copied {len(image.raw) // BLOCK_SIZE} blocks to {volume.path}"]
        if self.options.get("wait_port", True):
            port = self._wait_port(serial, ports_before, timeout)
            notes.append(f"application port {port.device}")
        return Report(self.name, serial or str(volume.path), image.size, time.monotonic() - started, False, notes)

    def _copy(self, blob: bytes, volume: Uf2Volume) -> None:
        target = volume.path / "KILN.UF2"
        total = len(blob)
        written = 0
        self.ctx.progress("copy", 0, total)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except OSError as exc:
            raise FlashError(f"cannot create {target}: {exc.strerror}; is the drive mounted read-write?",
                             "nothing was written; the device is still in its UF2 bootloader") from None
        try:
            while written < total:
                if self.ctx.cancel.is_set():
                    raise FlashError(f"interrupted by the user after {written // BLOCK_SIZE} of "
                                     f"{total // BLOCK_SIZE} blocks", STATE_IN_BOOTLOADER)
                if not (volume.path / "INFO_UF2.TXT").exists():
                    raise FlashError(f"{volume.path} disappeared after {written // BLOCK_SIZE} of {total // BLOCK_SIZE} "
                                     "blocks: the device reset or was unplugged mid-copy",
                                     "the image is incomplete; the bootloader is in ROM and untouched — put the board "
                                     "back in its UF2 bootloader and flash again")
                chunk = blob[written : written + CHUNK]
                os.write(fd, chunk)
                os.fsync(fd)
                written += len(chunk)
                self.ctx.progress("copy", written, total)
        except OSError as exc:
            raise FlashError(f"writing {target} failed after {written} bytes: {exc.strerror}",
                             "the image is incomplete; the device stays in its UF2 bootloader; flash again") from None
        finally:
            try:
                os.close(fd)
            except OSError:
                pass

    def _wait_port(self, serial: str | None, before: set[str], timeout: float) -> PortInfo:
        want = normalize_serial(serial)

        def find() -> PortInfo | None:
            ports = self.ctx.discovery.serial_ports()
            if want:
                same = [p for p in ports if normalize_serial(p.serial_number) == want]
                if same:
                    return same[0]
            new = [p for p in ports if p.device not in before]
            return new[0] if len(new) == 1 and not want else None

        self.ctx.progress("port", 0, 1)
        port = wait_for(find, timeout)
        if port is None:
            raise FlashError(f"the drive went away but no application serial port{' with serial ' + serial if serial else ''} "
                             f"appeared within {timeout:.0f} s",
                             "the image was copied; if the app does not start, check it with `kiln devices`")
        self.ctx.progress("port", 1, 1)
        return port  # type: ignore[no-any-return]
