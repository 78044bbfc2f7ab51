"""Getting a running board into its bootloader: the raw REPL first, then the 1200-baud touch; the
bootloader that appears is accepted only if it is the same board (USB serial, else USB port path)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiln.devices import Discovery, PortInfo, Registry
from kiln.flash.base import DeviceNotFound
from kiln.flash.bootloader import EntryTimings, enter_bootloader
from kiln.sim.picoboot import PicobootDeviceSim
from kiln.sim.targets import RP2040
from kiln.sim.transport import Rfc2217Link
from kiln.sim.usb import SimUsbBackend

LOG = logging.getLogger("test")


class TouchOnlyApp:
    """Firmware without a raw REPL whose USB stack reboots into BOOTSEL on a 1200-baud touch."""

    def __init__(self, on_touch) -> None:  # noqa: ANN001
        self.on_touch = on_touch
        self.baud = 115200
        self.touched = False

    def attach(self, link: object) -> None:
        return None

    def feed(self, data: bytes) -> None:
        return None                      # says nothing: no REPL

    def set_baud(self, baud: int) -> None:
        self.baud = baud

    def set_lines(self, dtr: bool | None = None, rts: bool | None = None) -> None:
        if dtr is False and self.baud == 1200 and not self.touched:
            self.touched = True
            self.on_touch()


def test_touch_1200_after_the_repl_fails_and_the_port_path_identifies_the_board(tmp_path: Path) -> None:
    backend = SimUsbBackend()
    # The bootloader reports a different serial than the app (old bootrom): only the USB port path ties them.
    app = TouchOnlyApp(lambda: backend.add(PicobootDeviceSim(serial="0000000000000001", port_numbers=(3, 2))))
    link = Rfc2217Link(app)
    ports = [PortInfo(link.url, 0x2E8A, 0x0005, "E6614103E7AAAA01", "1-3.2", "app")]
    discovery = Discovery(serial_ports=lambda: [] if app.touched else ports, uf2_volumes=list, usb_backend=backend)
    registry = Registry(path=tmp_path / "devices.json")
    try:
        found = enter_bootloader("picoboot", RP2040, "E6614103E7AAAA01", discovery, registry, LOG,
                                 EntryTimings(repl_timeout=0.5, appear_timeout=3))
    finally:
        link.close()
    assert app.touched and found is not None and found.mode == "picoboot" and found.usb_path == "1-3.2"
    assert registry.aliases == {"0000000000000001": "E6614103E7AAAA01"}   # remembered for next time
    assert Registry.load(tmp_path / "devices.json").aliases == registry.aliases


def test_nothing_usable_says_what_to_do(tmp_path: Path) -> None:
    discovery = Discovery(serial_ports=list, uf2_volumes=list, usb_backend=SimUsbBackend())
    with pytest.raises(DeviceNotFound, match=r"neither in its picoboot bootloader nor running .*\(BOOTSEL / BOOT0"):
        enter_bootloader("picoboot", RP2040, None, discovery, Registry(), LOG, EntryTimings(appear_timeout=0.2))
