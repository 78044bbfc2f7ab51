"""PICOBOOT client (pyusb) against the simulated RP2040 bootrom: order of work, verify, faults, selection."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kiln.devices import Discovery
from kiln.flash.base import Context, DeviceNotFound, FlashError, FlashInterrupted, ImageRejected
from kiln.flash.image import load_image
from kiln.flash.picoboot import Picoboot
from kiln.images.rp2_boot2 import make_block
from kiln.images.uf2 import write_uf2
from kiln.sim.picoboot import PicobootDeviceSim
from kiln.sim.targets import RP2040
from kiln.sim.usb import SimUsbBackend

BASE = 0x10000000


def make(*sims: PicobootDeviceSim, progress=None, cancel=None, **options) -> Picoboot:
    discovery = Discovery(serial_ports=list, uf2_volumes=list, usb_backend=SimUsbBackend(list(sims)))
    ctx = Context(RP2040, discovery=discovery, cancel=cancel, progress=progress or (lambda *a: None))
    return Picoboot(ctx, **options)


def firmware(tmp_path: Path, size: int = 100_000, kind: str = "bin", family: int = 0xE48BFF56) -> tuple[Path, bytes]:
    data = make_block(b"\x00\xb5" * 20) + os.urandom(size - 256)
    path = tmp_path / f"firmware.{kind}"
    path.write_bytes(write_uf2(data, BASE, family) if kind == "uf2" else data)
    return path, data


def test_flash_order_verify_and_reboot(tmp_path: Path) -> None:
    sim = PicobootDeviceSim()
    path, data = firmware(tmp_path, kind="uf2")
    flasher = make(sim)
    report = flasher.flash(flasher.check(load_image(path)))
    assert sim.read(BASE, len(data)) == data
    cmds = sim.commands
    assert cmds[:3] == ["EXCLUSIVE_ACCESS", "EXIT_XIP", f"READ 0x{BASE + 0x18000:08x} 4096"]  # partly covered: kept
    assert cmds[3] == f"FLASH_ERASE 0x{BASE:08x} 4096"   # boot2 sector erased before anything is written
    writes = [c for c in cmds if c.startswith("WRITE")]
    assert writes[-1] == f"WRITE 0x{BASE:08x} 4096" and len(writes) == 25   # boot2 sector last
    assert cmds.index(writes[-1]) > cmds.index(f"READ 0x{BASE + 0x18000:08x} 4096")  # others verified before it
    assert cmds[-2:] == ["EXCLUSIVE_ACCESS", "REBOOT"] and sim.exclusive == 0
    assert not sim.connected and sim.boots_to == "app"
    assert report.verified and report.device == "E6614103E7123456"


def test_partly_covered_sector_keeps_its_other_bytes(tmp_path: Path) -> None:
    sim = PicobootDeviceSim()
    sim.flash[0x40800:0x40804] = b"keep"
    path = tmp_path / "data.bin"
    path.write_bytes(b"new!" * 100)
    flasher = make(sim)
    flasher.flash(flasher.check(load_image(path, address=BASE + 0x40000)), reset=False)
    assert sim.read(BASE + 0x40000, 400) == b"new!" * 100 and sim.read(BASE + 0x40800, 4) == b"keep"
    assert sim.connected and "REBOOT" not in sim.commands


def test_images_that_would_not_boot_or_belong_elsewhere_are_refused(tmp_path: Path) -> None:
    flasher = make(PicobootDeviceSim())
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(ImageRejected, match="first 256 bytes are not a boot2 block with a valid CRC"):
        flasher.check(load_image(junk, address=BASE))
    path, _ = firmware(tmp_path, kind="uf2", family=0x57755A57)
    with pytest.raises(ImageRejected, match="UF2 has family 0x57755a57, but the RP2040 needs 0xe48bff56"):
        flasher.check(load_image(path, address=BASE))
    with pytest.raises(ImageRejected, match="runs past the end of FLASH"):
        flasher.check(load_image(junk, address=BASE + 2 * 1024 * 1024 - 1024))


def test_failed_page_writes_are_retried(tmp_path: Path) -> None:
    sim = PicobootDeviceSim(fail_write_at={BASE + 0x3000: 2}, corrupt_read_at={BASE + 0x5010: 1})
    path, data = firmware(tmp_path, size=40_000)
    flasher = make(sim)
    flasher.flash(flasher.check(load_image(path, address=BASE)))
    assert sim.commands.count(f"write failed at 0x{BASE + 0x3000:08x}") == 2
    assert sim.commands.count(f"READ 0x{BASE + 0x5000:08x} 4096") == 2   # corrupt reply read again
    assert sim.read(BASE, len(data)) == data and sim.boots_to == "app"


def test_persistent_failure_leaves_boot2_erased_so_it_returns_to_bootsel(tmp_path: Path) -> None:
    sim = PicobootDeviceSim(fail_write_at={BASE + 0x3000: 99})
    sim.flash[:256] = make_block(b"old boot2")    # a previously working image
    assert sim.boots_to == "app"
    path, _ = firmware(tmp_path, size=40_000)
    flasher = make(sim)
    with pytest.raises(FlashError, match="write at 0x10003000 failed 3 times: command 0x05 failed: UNKNOWN_ERROR") as info:
        flasher.flash(flasher.check(load_image(path, address=BASE)))
    assert "comes back in BOOTSEL by itself" in info.value.state
    assert sim.connected and sim.boots_to == "bootsel"


def test_unplug_and_timeout_mid_write_stop_cleanly(tmp_path: Path) -> None:
    path, _ = firmware(tmp_path, size=60_000)
    sim = PicobootDeviceSim(drop_after_bytes=20_000)
    with pytest.raises(FlashError, match="the RP2040 disappeared during write at 0x10005000"):
        make(sim).flash(make(sim).check(load_image(path, address=BASE)))
    assert sim.boots_to == "bootsel"
    sim = PicobootDeviceSim(hang_at=BASE + 0x2000)
    with pytest.raises(FlashError, match="write at 0x10002000 failed 3 times: USB error: .*timed out"):
        make(sim, timeout_ms=50).flash(make(sim).check(load_image(path, address=BASE)))
    assert sim.boots_to == "bootsel"


def test_ctrl_c_between_sectors(tmp_path: Path) -> None:
    cancel = threading.Event()
    sim = PicobootDeviceSim()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "write" and done >= 8192:
            cancel.set()

    path, _ = firmware(tmp_path, size=40_000)
    flasher = make(sim, progress=progress, cancel=cancel)
    with pytest.raises(FlashInterrupted):
        flasher.flash(flasher.check(load_image(path, address=BASE)))
    assert sim.bytes_programmed == 8192 and sim.boots_to == "bootsel" and sim.connected


def test_device_selection_and_chip_erase(tmp_path: Path) -> None:
    a = PicobootDeviceSim(serial="E661AAAAAAAAAAAA", port_numbers=(1,))
    b = PicobootDeviceSim(serial="E661BBBBBBBBBBBB", port_numbers=(2,))
    b.flash[0x100000] = 0
    path, data = firmware(tmp_path, size=5000)
    flasher = make(a, b)
    with pytest.raises(DeviceNotFound, match="2 RP2040s in BOOTSEL .*E661AAAAAAAAAAAA, E661BBBBBBBBBBBB"):
        flasher.flash(flasher.check(load_image(path, address=BASE)))
    flasher.flash(flasher.check(load_image(path, address=BASE)), device="e661bbbbbbbbbbbb", erase="chip")
    assert b.read(BASE, len(data)) == data and b.flash[0x100000] == 0xFF
    assert a.commands == [] and a.connected
