"""SWD/JTAG through pyOCD's Python API: pick the probe by unique id, program with the target's flash
algorithm (only changed sectors, or a chip erase), verify by reading back, reset.

Boards name their pyOCD target (`pyocd_target`). pyOCD has many built in (rp2040, stm32f412xg,
stm32f429xi, ...); others come from a CMSIS device pack: `pyocd pack install <target>` downloads it into
pyOCD's cache, or `--pyocd-pack FILE.pack` uses a downloaded one.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from kiln.devices import normalize_serial, stm32_serial
from kiln.flash.base import Capabilities, DeviceNotFound, Flasher, FlashError, FlashInterrupted, ImageRejected, Report
from kiln.flash.image import Image, ImageError

UID_ADDRESSES = {"stm32f4": 0x1FFF7A10}
STATE = ("the probe holds the core halted; the flash written so far may be incomplete; any ROM bootloader is "
         "untouched — flash again")


def builtin_targets() -> set[str]:
    from pyocd.target import TARGET

    return {name.lower() for name in TARGET}


class PyocdBackend(Flasher):
    name = "pyocd"
    help = "SWD/JTAG debug probe through pyOCD's Python API"
    capabilities = Capabilities(erase=True, reset=True, verify=True, device_id=True, read=True)
    image_kinds = ("hex", "elf", "bin")

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument("--probe", help="debug probe unique id (default: the only probe; see `kiln devices`)")
        parser.add_argument("--pyocd-target", help="override the board's pyOCD target name")
        parser.add_argument("--pyocd-pack", type=Path, action="append", help="CMSIS pack file(s) with the target")
        parser.add_argument("--frequency", type=int, default=4_000_000, help="SWD clock in Hz")

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        return {"probe": args.probe, "target": args.pyocd_target, "packs": args.pyocd_pack, "frequency": args.frequency}

    def target_name(self) -> str:
        name = self.options.get("target") or self.target.pyocd_target
        if not name:
            raise ImageRejected(f"{self.target.name} names no pyOCD target (flash.pyocd_target or the MCU's pyocd_target)")
        name = str(name).lower()
        if name not in builtin_targets() and not self.options.get("packs") and not self._pack_installed(name):
            pack = self.target.pyocd_pack or "the vendor's CMSIS device pack"
            raise ImageRejected(
                f"pyOCD has no built-in target {name!r} and no installed pack provides it; install {pack}: "
                f"`pyocd pack install {name}` (downloads it into pyOCD's cache), or download the .pack and pass "
                "--pyocd-pack FILE.pack")
        return name

    @staticmethod
    def _pack_installed(name: str) -> bool:
        try:
            from pyocd.target.pack import pack_target

            return any(t.part_number.lower() == name for t in pack_target.ManagedPacks.get_installed_targets())
        except Exception:  # noqa: BLE001 - no pack index is the same as no pack
            return False

    def check(self, image: Image) -> Image:
        self.target_name()
        try:
            self.target.check_ranges(image)
        except ImageError as exc:
            raise ImageRejected(str(exc)) from None
        return self.target.keep_filesystem(image)

    # -- session -----------------------------------------------------------------------------------------

    def _session(self, device: str | None) -> Any:
        from pyocd.core.helpers import ConnectHelper

        probes = ConnectHelper.get_all_connected_probes(blocking=False)
        uid = self.options.get("probe")
        if uid:
            chosen = [p for p in probes if p.unique_id.lower().startswith(str(uid).lower())]
        elif device is not None and any(p.unique_id.lower() == device.lower() for p in probes):
            chosen = [p for p in probes if p.unique_id.lower() == device.lower()]
        else:
            chosen = probes
        if len(chosen) != 1:
            listing = ", ".join(f"{p.unique_id} ({p.description})" for p in probes) or "none"
            what = "no debug probe" if not chosen else f"{len(chosen)} debug probes"
            raise DeviceNotFound(f"{what} matched (probes attached: {listing}); pick one with --probe UID")
        options: dict[str, Any] = {"frequency": int(self.options.get("frequency") or 4_000_000),
                                   "smart_flash": True, "keep_unwritten": True}
        packs = self.options.get("packs")
        if packs:
            options["pack"] = [str(p) for p in packs]
        from pyocd.core.session import Session

        return Session(chosen[0], target_override=self.target_name(), options=options)

    def chip_id(self, session: Any) -> str | None:
        """The id the chip's own USB bootloader would report (STM32: derived from the 96-bit UID)."""
        address = UID_ADDRESSES.get(self.target.family)
        if address is None:
            return None
        uid = bytes(session.target.read_memory_block8(address, 12))
        return stm32_serial(uid)

    # -- flashing ----------------------------------------------------------------------------------------

    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        from pyocd.core import exceptions as pyocd_errors
        from pyocd.flash.loader import FlashLoader

        started = time.monotonic()
        session = self._session(device)
        total = image.size
        phase = "connect"

        def progress(fraction: float) -> None:
            if self.ctx.cancel.is_set():
                raise KeyboardInterrupt
            self.ctx.progress("write", int(total * fraction), total)

        try:
            with session:
                target = session.target
                probe_uid = session.probe.unique_id
                chip = self.chip_id(session)
                if device is not None and normalize_serial(device) not in {normalize_serial(probe_uid), normalize_serial(chip)}:
                    raise FlashError(f"probe {probe_uid} is attached to the chip {chip or '?'}, not {device}; "
                                     "nothing was written", "unchanged (nothing was written)")
                phase = "write"
                self.ctx.progress("write", 0, total)
                loader = FlashLoader(session, chip_erase="chip" if erase == "chip" else "sector", smart_flash=True,
                                     progress=progress)
                for seg in image.segments:
                    loader.add_data(seg.address, seg.data)
                loader.commit()
                if verify:
                    phase = "verify"
                    self._verify(target, image)
                if reset:
                    phase = "reset"
                    target.reset()
                return Report(self.name, chip or probe_uid, image.size, time.monotonic() - started, verify,
                              [f"probe {probe_uid}", f"target {self.target_name()}"])
        except KeyboardInterrupt:
            raise FlashInterrupted("interrupted by the user", STATE) from None
        except (pyocd_errors.FlashFailure, pyocd_errors.TransferError, pyocd_errors.ProbeError,
                pyocd_errors.TargetError) as exc:
            where = f" at 0x{exc.address:08x}" if getattr(exc, "address", None) is not None else ""
            state = "unchanged (nothing was written)" if phase == "connect" else STATE
            raise FlashError(f"pyOCD {phase} failed{where}: {exc}", state) from None

    def _verify(self, target: Any, image: Image) -> None:
        total, done = image.size, 0
        self.ctx.progress("verify", 0, total)
        for seg in image.segments:
            for offset in range(0, len(seg.data), 16384):
                if self.ctx.cancel.is_set():
                    raise KeyboardInterrupt
                want = seg.data[offset : offset + 16384]
                got = bytes(target.read_memory_block8(seg.address + offset, len(want)))
                if got != want:   # a corrupt read: read once more before calling it a failure
                    got = bytes(target.read_memory_block8(seg.address + offset, len(want)))
                if got != want:
                    i = next(j for j in range(len(want)) if got[j] != want[j])
                    raise FlashError(f"verify failed at 0x{seg.address + offset + i:08x}: wrote 0x{want[i]:02x}, read "
                                     f"back 0x{got[i]:02x}", STATE)
                done += len(want)
                self.ctx.progress("verify", done, total)
