"""UF2 copy against the simulated UF2 drive: find by Board-ID, family check first, reboot, app port."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
import serial

from kiln.devices import Discovery
from kiln.flash.base import Context, DeviceNotFound, FlashError, ImageRejected
from kiln.flash.image import load_image
from kiln.flash.uf2_copy import Uf2Copy
from kiln.images.uf2 import write_uf2
from kiln.sim.targets import RP2040, stm32f405
from kiln.sim.uf2_volume import Uf2VolumeSim

RP2040_FAMILY = 0xE48BFF56
STM32F4_FAMILY = 0x57755A57


def discovery_for(*sims: Uf2VolumeSim) -> Discovery:
    return Discovery(serial_ports=lambda: [p for s in sims for p in s.ports()],
                     uf2_volumes=lambda: [v for s in sims for v in s.volumes()])


def flasher(sims: list[Uf2VolumeSim], target=RP2040, progress=None, cancel=None, **options) -> Uf2Copy:
    ctx = Context(target, discovery=discovery_for(*sims), progress=progress or sims[0].consumed, cancel=cancel)
    return Uf2Copy(ctx, timeout=options.pop("timeout", 5.0), **options)


@pytest.fixture
def volume(tmp_path: Path):
    sim = Uf2VolumeSim(tmp_path / "media").mount()
    yield sim
    sim.close()


def uf2_file(tmp_path: Path, data: bytes, base: int = 0x10000000, family: int = RP2040_FAMILY) -> Path:
    path = tmp_path / "firmware.uf2"
    path.write_bytes(write_uf2(data, base, family))
    return path


def test_copy_reboots_and_app_port_answers(tmp_path: Path, volume: Uf2VolumeSim) -> None:
    data = os.urandom(70_000)
    uf = flasher([volume])
    image = uf.check(load_image(uf2_file(tmp_path, data)))
    report = uf.flash(image)
    assert volume.read(0x10000000, len(data)) == data
    assert volume.events == ["mounted", "rebooting", "app"]
    assert not volume.path.exists()
    assert report.device == volume.serial
    port = report.notes[-1].removeprefix("application port ")
    with serial.Serial(port, 115200, timeout=2) as link:
        link.write(b"ping\r\n")
        assert link.read(6) == b"ping\r\n"


def test_bin_image_is_converted_with_the_chip_family(tmp_path: Path, volume: Uf2VolumeSim) -> None:
    data = os.urandom(1000)
    path = tmp_path / "app.bin"
    path.write_bytes(data)
    uf = flasher([volume])
    uf.flash(uf.check(load_image(path, address=0x10000000)), device=volume.serial)
    assert volume.read(0x10000000, 1000) == data
    assert volume.ignored_blocks == 0


def test_wrong_family_is_refused_before_anything_is_written(tmp_path: Path, volume: Uf2VolumeSim) -> None:
    uf = flasher([volume])
    with pytest.raises(ImageRejected, match=r"block 0 \(file offset 0x0\) has family id 0x57755a57, "
                                          r"but the RP2040 needs 0xe48bff56"):
        uf.check(load_image(uf2_file(tmp_path, os.urandom(600), family=STM32F4_FAMILY)))
    assert sorted(p.name for p in volume.path.iterdir()) == ["INDEX.HTM", "INFO_UF2.TXT"]
    assert volume.blocks_written == 0


def test_corrupt_and_oversized_images_are_refused(tmp_path: Path) -> None:
    uf = flasher([Uf2VolumeSim(tmp_path / "unused")])
    blob = bytearray(write_uf2(os.urandom(1024), 0x10000000, RP2040_FAMILY))
    blob[3 * 512 - 1] ^= 0xFF  # the end magic of block 2
    bad = tmp_path / "bad.uf2"
    bad.write_bytes(bytes(blob))
    with pytest.raises(Exception, match=r"block 2 \(file offset 0x400\): bad magic"):
        uf.check(load_image(bad))
    big = uf2_file(tmp_path, os.urandom(4096), base=0x10000000 + 2 * 1024 * 1024 - 1024)
    with pytest.raises(ImageRejected, match="runs past the end of FLASH .* by 3072 bytes"):
        uf.check(load_image(big))


def test_resident_bootloader_region_is_refused(tmp_path: Path) -> None:
    target = stm32f405(app_offset=0x10000)
    uf = flasher([Uf2VolumeSim(tmp_path / "unused")], target=target)
    path = uf2_file(tmp_path, os.urandom(512), base=0x08000000, family=STM32F4_FAMILY)
    with pytest.raises(ImageRejected, match="overlaps the bootloader region 0x08000000..0x08010000"):
        uf.check(load_image(path))


def test_two_identical_boards_need_device_and_only_that_one_is_flashed(tmp_path: Path) -> None:
    a = Uf2VolumeSim(tmp_path / "media", name="RPI-RP2", serial="E66141040311AAAA").mount()
    b = Uf2VolumeSim(tmp_path / "media", name="RPI-RP2_1", serial="E66141040311BBBB").mount()
    try:
        uf = flasher([a, b], progress=b.consumed)
        image = uf.check(load_image(uf2_file(tmp_path, b"\x11" * 300)))
        with pytest.raises(DeviceNotFound, match="2 UF2 drives with Board-ID RPI-RP2 are mounted"):
            uf.flash(image)
        report = uf.flash(image, device="e6614104-0311-bbbb")
        assert report.device == b.serial and b.read(0x10000000, 300) == b"\x11" * 300
        assert a.state == "mounted" and a.blocks_written == 0
        with pytest.raises(DeviceNotFound, match="no UF2 drive with Board-ID RPI-RP2 with USB serial 0000"):
            uf.flash(image, device="0000")
    finally:
        a.close()
        b.close()


def test_drive_vanishing_mid_copy_is_reported(tmp_path: Path) -> None:
    sim = Uf2VolumeSim(tmp_path / "media", drop_after_blocks=5).mount()
    try:
        uf = flasher([sim])
        image = uf.check(load_image(uf2_file(tmp_path, os.urandom(100_000))))
        with pytest.raises(FlashError, match=r"disappeared after \d+ of 391 blocks") as info:
            uf.flash(image)
        # The copier notices at the next chunk boundary (32 blocks); how many chunks went out before
        # the simulated drive vanished depends on thread timing.
        copied = int(re.search(r"after (\d+) of", str(info.value)).group(1))  # type: ignore[union-attr]
        assert 32 <= copied < 391 and copied % 32 == 0
        assert "bootloader is in ROM and untouched" in info.value.state
        assert sim.blocks_written == 5 and sim.state == "dropped"
    finally:
        sim.close()


def test_ctrl_c_stops_between_chunks_and_leaves_the_bootloader_mounted(tmp_path: Path, volume: Uf2VolumeSim) -> None:
    cancel = threading.Event()

    def progress(phase: str, done: int, total: int) -> None:
        volume.consumed(phase, done, total)
        if phase == "copy" and done > 0:
            cancel.set()

    uf = flasher([volume], progress=progress, cancel=cancel)
    with pytest.raises(FlashError, match="interrupted by the user after 32 of 196 blocks") as info:
        uf.flash(uf.check(load_image(uf2_file(tmp_path, os.urandom(50_000)))))
    assert "still in its UF2 bootloader" in info.value.state
    assert volume.state == "mounted" and volume.blocks_written == 32


def test_bootloader_ignoring_the_file_times_out_with_advice(tmp_path: Path) -> None:
    sim = Uf2VolumeSim(tmp_path / "media", ignore_all=True).mount()
    try:
        uf = flasher([sim], timeout=0.5)
        with pytest.raises(FlashError, match="still mounted 0 s after the copy"):
            uf.flash(uf.check(load_image(uf2_file(tmp_path, os.urandom(512)))))
        assert sim.ignored_blocks == 2 and sim.state == "mounted"
    finally:
        sim.close()


def test_no_drive_mounted_explains_what_to_do(tmp_path: Path) -> None:
    uf = flasher([Uf2VolumeSim(tmp_path / "unused")])
    with pytest.raises(DeviceNotFound, match="no UF2 drive with Board-ID RPI-RP2 is mounted .*UF2 drives seen: none"):
        uf.flash(uf.check(load_image(uf2_file(tmp_path, b"x"))))
