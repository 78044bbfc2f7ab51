"""Simulated boards that switch modes like real ones, for end-to-end tests of `kiln flash` and `kiln devices`.

A board keeps one flash array across its modes. In application mode it is a raw-REPL serial port (a
pty) with a USB identity; `machine.bootloader()` (or a 1200-baud touch, over RFC 2217) moves it into
its bootloader: the RP2040 BOOTSEL device (PICOBOOT over the simulated pyusb backend, optionally also
the UF2 drive), or the STM32 DfuSe system bootloader. When the bootloader reboots, the board comes back
in application mode if its flash would boot (RP2040: valid boot2 CRC), else in its bootloader again.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kiln.devices import PortInfo, Uf2Volume, stm32_serial
from kiln.sim.dfuse import DfuseDeviceSim
from kiln.sim.picoboot import PicobootDeviceSim
from kiln.sim.raw_repl import RawReplSim
from kiln.sim.transport import PtyLink
from kiln.sim.uf2_volume import Uf2VolumeSim
from kiln.sim.usb import SimUsbBackend


class SimBoard:
    """Common part: the application mode and the hand-over between modes."""

    app_vid_pid = (0, 0)

    def __init__(self, root: Path, serial: str, backend: SimUsbBackend, usb_path: tuple[int, ...], uid: bytes):
        self.root = root
        self.serial = serial
        self.backend = backend
        self.port_numbers = usb_path
        self.uid = uid
        self.lock = threading.RLock()
        self.mode = "off"
        self.link: PtyLink | None = None
        self.repl: RawReplSim | None = None
        self.history: list[str] = []
        self.changed = threading.Condition(self.lock)

    @property
    def usb_path(self) -> str:
        return "1-" + ".".join(str(n) for n in self.port_numbers)

    def _set_mode(self, mode: str) -> None:
        with self.changed:
            self.mode = mode
            self.history.append(mode)
            self.changed.notify_all()

    def wait_mode(self, mode: str, timeout: float = 5.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.mode == mode, timeout)

    def start_app(self) -> SimBoard:
        with self.lock:
            self.repl = RawReplSim(self.root / "fs", uid=self.uid, on_bootloader=self.enter_bootloader,
                                   on_reset=self._app_reset)
            self.link = PtyLink(self.repl)
            self._set_mode("app")
        return self

    def _stop_app(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    def _app_reset(self) -> None:
        with self.lock:
            self._stop_app()
        self.start_app()

    def enter_bootloader(self) -> None:
        raise NotImplementedError

    def ports(self) -> list[PortInfo]:
        with self.lock:
            if self.mode != "app" or self.link is None:
                return []
            vid, pid = self.app_vid_pid
            return [PortInfo(self.link.path, vid, pid, self.serial, self.usb_path, "simulated Kiln board")]

    def volumes(self) -> list[Uf2Volume]:
        return []

    def close(self) -> None:
        with self.lock:
            self._stop_app()
            self.mode = "off"


class SimPico(SimBoard):
    """An RP2040 board: app CDC (2e8a:0005) <-> BOOTSEL (2e8a:0003: PICOBOOT, and the UF2 drive if `uf2_root`)."""

    app_vid_pid = (0x2E8A, 0x0005)

    def __init__(self, root: Path, serial: str, backend: SimUsbBackend, usb_path: tuple[int, ...] = (1,),
                 uf2_root: Path | None = None, **picoboot_faults: object):
        super().__init__(root, serial, backend, usb_path, bytes.fromhex(serial))
        self.flash = bytearray(b"\xff" * (2 * 1024 * 1024))
        self.uf2_root = uf2_root
        self.picoboot: PicobootDeviceSim | None = None
        self.drive: Uf2VolumeSim | None = None
        self.picoboot_faults = picoboot_faults

    def enter_bootloader(self) -> None:
        with self.lock:
            self._stop_app()
            self.picoboot = PicobootDeviceSim(serial=self.serial, flash=self.flash, on_reboot=self._rebooted,
                                              port_numbers=self.port_numbers, **self.picoboot_faults)  # type: ignore[arg-type]
            self.backend.add(self.picoboot)
            if self.uf2_root is not None:
                self.drive = Uf2VolumeSim(self.uf2_root, name=f"RPI-RP2-{self.serial[-4:]}", serial=self.serial,
                                          flash=self.flash, on_complete=self._rebooted).mount()
            self._set_mode("bootsel")

    def _rebooted(self) -> None:
        with self.lock:
            if self.picoboot is not None:
                self.picoboot.disconnect()
                self.backend.devices.remove(self.picoboot)
                self.picoboot = None
            if self.drive is not None:
                drive, self.drive = self.drive, None
                drive.close()
        from kiln.images.rp2_boot2 import block_crc_ok

        if block_crc_ok(bytes(self.flash[:256])):
            self.start_app()
        else:
            self.enter_bootloader()

    def volumes(self) -> list[Uf2Volume]:
        with self.lock:
            return self.drive.volumes() if self.drive is not None else []

    def close(self) -> None:
        with self.lock:
            if self.drive is not None:
                self.drive.close()
            if self.picoboot is not None:
                self.picoboot.disconnect()
        super().close()


class SimStm32(SimBoard):
    """An STM32F4 board: app CDC (f055:9800) <-> the DfuSe system bootloader (0483:df11). Both report the
    serial the ST bootloader derives from the chip's UID."""

    app_vid_pid = (0xF055, 0x9800)

    def __init__(self, root: Path, uid: bytes, backend: SimUsbBackend, usb_path: tuple[int, ...] = (2,),
                 **dfu_faults: object):
        super().__init__(root, stm32_serial(uid), backend, usb_path, uid)
        self.dfu: DfuseDeviceSim | None = None
        self.flash: bytearray | None = None
        self.dfu_faults = dfu_faults

    def enter_bootloader(self) -> None:
        with self.lock:
            self._stop_app()
            self.dfu = DfuseDeviceSim(serial=self.serial, flash=self.flash, on_leave=self._left,
                                      port_numbers=self.port_numbers, **self.dfu_faults)  # type: ignore[arg-type]
            self.flash = self.dfu.flash
            self.backend.add(self.dfu)
            self._set_mode("dfu")

    def _left(self) -> None:
        with self.lock:
            if self.dfu is not None:
                self.backend.devices.remove(self.dfu)
                self.dfu = None
        self.start_app()


class SimFleet:
    """Several simulated boards on one simulated USB bus; `discovery()` sees all of them."""

    def __init__(self) -> None:
        self.backend = SimUsbBackend()
        self.boards: list[SimBoard] = []

    def add(self, board: SimBoard) -> SimBoard:
        self.boards.append(board)
        return board

    def discovery(self) -> object:
        from kiln.devices import Discovery

        return Discovery(serial_ports=lambda: [p for b in self.boards for p in b.ports()],
                         uf2_volumes=lambda: [v for b in self.boards for v in b.volumes()],
                         usb_backend=self.backend)

    def close(self) -> None:
        for board in self.boards:
            board.close()
