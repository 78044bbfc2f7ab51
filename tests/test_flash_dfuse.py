"""DfuSe client (pyusb) against the simulated STM32 system bootloader: erase, download, verify, leave, faults."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kiln.devices import Discovery
from kiln.flash.base import Context, DeviceNotFound, FlashError, FlashInterrupted, ImageRejected
from kiln.flash.dfuse_usb import DfuseUsb, parse_layout
from kiln.flash.image import load_image
from kiln.images.dfuse import DfuseElement, write_dfuse
from kiln.sim.dfuse import SYSTEM_MEMORY, DfuseDeviceSim
from kiln.sim.targets import stm32f405
from kiln.sim.usb import SimUsbBackend

BASE = 0x08000000


def make(*sims: DfuseDeviceSim, target=None, progress=None, cancel=None) -> DfuseUsb:
    discovery = Discovery(serial_ports=list, uf2_volumes=list, usb_backend=SimUsbBackend(list(sims)))
    ctx = Context(target or stm32f405(), discovery=discovery, cancel=cancel,
                  progress=progress or (lambda *a: None))
    return DfuseUsb(ctx)


def dfu_file(tmp_path: Path, elements: list[tuple[int, bytes]], vid: int = 0x0483, pid: int = 0xDF11) -> Path:
    path = tmp_path / "firmware.dfu"
    path.write_bytes(write_dfuse([DfuseElement(a, d) for a, d in elements], vid, pid))
    return path


def untouched_rom(sim: DfuseDeviceSim) -> bool:
    return sim.read(SYSTEM_MEMORY[0], SYSTEM_MEMORY[1]) == sim.system_memory and sim.protected_attempts == 0


def test_layout_string_parses_into_sectors() -> None:
    name, sectors = parse_layout("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg")
    assert name == "Internal Flash" and len(sectors) == 12
    assert (sectors[4].address, sectors[4].size) == (0x08010000, 64 * 1024)
    assert sectors[-1].end == 0x08100000 and all(s.writable and s.erasable and s.readable for s in sectors)
    _, otp = parse_layout("@OTP Memory /0x1FFF7800/01*512 e,01*016 e")
    assert [(s.size, s.writable, s.erasable) for s in otp] == [(512, True, False), (16, True, False)]


def test_dfu_file_is_erased_written_verified_and_left(tmp_path: Path) -> None:
    sim = DfuseDeviceSim()
    sim.flash[0x60000:0x60004] = b"keep"   # sector 6 (0x08040000..) is not in the image
    app, tail = os.urandom(70_000), os.urandom(3000)
    flasher = make(sim)
    image = flasher.check(load_image(dfu_file(tmp_path, [(BASE, app), (BASE + 0x20000, tail)])))
    report = flasher.flash(image)
    assert sim.read(BASE, len(app)) == app and sim.read(BASE + 0x20000, 3000) == tail
    assert sim.erased == [BASE, BASE + 0x4000, BASE + 0x8000, BASE + 0xC000, BASE + 0x10000, BASE + 0x20000]
    assert bytes(sim.flash[0x60000:0x60004]) == b"keep"
    assert sim.left_to == BASE and not sim.connected
    assert report.verified and report.bytes_written == 73_000 and report.device == "3574364C3034"
    assert untouched_rom(sim)


def test_bin_with_chip_erase(tmp_path: Path) -> None:
    sim = DfuseDeviceSim()
    sim.flash[0xF0000] = 0x00
    path = tmp_path / "app.bin"
    path.write_bytes(os.urandom(5000))
    flasher = make(sim)
    flasher.flash(flasher.check(load_image(path, address=BASE)), erase="chip", reset=False)
    assert sim.erased == [-1] and sim.flash[0xF0000] == 0xFF and sim.read(BASE, 5000) == path.read_bytes()
    assert sim.connected   # --no-reset: stays in the bootloader


def test_stalled_blocks_and_garbled_status_are_retried(tmp_path: Path) -> None:
    sim = DfuseDeviceSim(stall_at={BASE + 0x1000: 2, BASE + 0x2000: 1}, corrupt_status=2)
    data = os.urandom(16_000)
    flasher = make(sim)
    flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, data)]))))
    assert sim.log.count("stalled 0x08001000") == 2 and sim.log.count("stalled 0x08002000") == 1
    assert sim.read(BASE, len(data)) == data and sim.left_to == BASE


def test_persistent_stall_stops_cleanly_in_the_bootloader(tmp_path: Path) -> None:
    sim = DfuseDeviceSim(stall_at={BASE + 0x800: 99})
    flasher = make(sim)
    with pytest.raises(FlashError, match="write at 0x08000800 failed 3 times: USB error") as info:
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, os.urandom(8192))]))))
    assert "system bootloader (ROM, never written)" in info.value.state
    assert sim.connected and sim.left_to is None and untouched_rom(sim)


def test_programming_error_is_reported_with_status(tmp_path: Path) -> None:
    sim = DfuseDeviceSim(prog_error_at=BASE + 0x1000)
    flasher = make(sim)
    with pytest.raises(FlashError, match="write at 0x08001000 failed 3 times: errPROG in dfuERROR"):
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, os.urandom(8192))]))))
    assert sim.connected


def test_unplugged_mid_write_stops_with_state(tmp_path: Path) -> None:
    sim = DfuseDeviceSim(drop_after_bytes=10_000)
    flasher = make(sim)
    with pytest.raises(FlashError, match="disappeared during write at 0x08002000") as info:
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, os.urandom(30_000))]))))
    assert "ROM, never written" in info.value.state and untouched_rom(sim)


def test_verify_catches_a_bad_cell(tmp_path: Path) -> None:
    data = bytes([0xFF]) * 4096
    sim = DfuseDeviceSim(stuck_zero_at=BASE + 0x123)
    flasher = make(sim)
    with pytest.raises(FlashError, match="verify failed at 0x08000123: wrote 0xff, read back 0xfe"):
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, data)]))))


def test_protected_sector_in_the_device_layout_is_refused_before_writing(tmp_path: Path) -> None:
    sim = DfuseDeviceSim(layout="@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg,07*128Kg")
    flasher = make(sim)
    with pytest.raises(ImageRejected, match="writes sector 0x08000000 .* marks 'a' .* protected bootloader"):
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, os.urandom(100))]))))
    assert sim.erased == [] and sim.bytes_programmed == 0
    image = flasher.check(load_image(dfu_file(tmp_path, [(BASE + 0x4000, b"app")])))
    flasher.flash(image)
    assert sim.read(BASE + 0x4000, 3) == b"app" and sim.protected_attempts == 0


def test_board_bootloader_region_and_size_are_refused_by_check(tmp_path: Path) -> None:
    flasher = make(DfuseDeviceSim(), target=stm32f405(app_offset=0x8000))
    with pytest.raises(ImageRejected, match="overlaps the bootloader region 0x08000000..0x08008000"):
        flasher.check(load_image(dfu_file(tmp_path, [(BASE, b"x" * 10)])))
    with pytest.raises(ImageRejected, match="runs past the end of FLASH .* by 16 bytes; the image is too large"):
        flasher.check(load_image(dfu_file(tmp_path, [(0x080FFFF0, b"x" * 32)])))
    with pytest.raises(ImageRejected, match="is outside the STM32F405RG's flash"):
        flasher.check(load_image(dfu_file(tmp_path, [(0x10000000, b"x")])))
    with pytest.raises(ImageRejected, match="DFU suffix is for 2e8a:0003"):
        flasher.check(load_image(dfu_file(tmp_path, [(0x08008000, b"x")], vid=0x2E8A, pid=0x0003)))


def test_device_selection_by_serial(tmp_path: Path) -> None:
    a = DfuseDeviceSim(serial="AAAA00000001", port_numbers=(1,))
    b = DfuseDeviceSim(serial="BBBB00000002", port_numbers=(2,))
    flasher = make(a, b)
    image = flasher.check(load_image(dfu_file(tmp_path, [(BASE, b"hello")])))
    with pytest.raises(DeviceNotFound, match="2 DFU devices 0483:df11 attached .*AAAA00000001, BBBB00000002"):
        flasher.flash(image)
    flasher.flash(image, device="bbbb00000002")
    assert b.read(BASE, 5) == b"hello" and a.bytes_programmed == 0 and a.erased == []


def test_ctrl_c_stops_between_blocks(tmp_path: Path) -> None:
    cancel = threading.Event()
    sim = DfuseDeviceSim()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "write" and done >= 4096:
            cancel.set()

    flasher = make(sim, progress=progress, cancel=cancel)
    with pytest.raises(FlashInterrupted) as info:
        flasher.flash(flasher.check(load_image(dfu_file(tmp_path, [(BASE, os.urandom(20_000))]))))
    assert "system bootloader" in info.value.state
    assert sim.connected and sim.bytes_programmed == 4096


# ---- 512 KiB parts: the firmware is split around /flash (sectors 1..3); flashing must keep the user's files ----

F401_LAYOUT = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg"  # RM0368 3.3
FS = (0x08004000, 0x08010000)


def sectors_touching(ranges: list[tuple[int, int]]) -> list[int]:
    """Sector starts of the F401 map (4 x 16K, 64K, 3 x 128K) that any [start, end) range touches."""
    starts = [BASE + i * 0x4000 for i in range(4)] + [BASE + 0x10000] + [BASE + 0x20000 * i for i in (1, 2, 3)]
    ends = starts[1:] + [BASE + 0x80000]
    return [s for s, e in zip(starts, ends, strict=True) if any(a < e and s < b for a, b in ranges)]


@pytest.mark.parametrize("kind", ["dfu", "bin"])
def test_split_firmware_keeps_the_filesystem_sectors(built, kind: str) -> None:
    from kiln.build import image_path
    from kiln.sim.targets import board_target

    board = built("NUCLEO_F401RE")
    files = os.urandom(FS[1] - FS[0])  # what /flash holds on the device before the update
    sim = DfuseDeviceSim(layout=F401_LAYOUT)
    sim.flash[FS[0] - BASE : FS[1] - BASE] = files
    flasher = make(sim, target=board_target("NUCLEO_F401RE"))
    path = image_path(board, kind)
    image = flasher.check(load_image(path, address=BASE))
    assert all(s.end <= FS[0] or s.address >= FS[1] for s in image.segments)
    if kind == "bin":
        assert any("/flash" in note and "kept" in note for note in image.notes)
    flasher.flash(image)
    elf = load_image(image_path(board, "elf"))
    loaded = [(s.address, s.end) for s in elf.segments if s.address < 0x10000000]
    assert sim.erased == sectors_touching(loaded) and not set(sim.erased) & {BASE + 0x4000, BASE + 0x8000, BASE + 0xC000}
    assert sim.read(FS[0], FS[1] - FS[0]) == files, "the user's files are untouched"
    for seg in elf.segments:
        if seg.address < 0x10000000:
            assert sim.read(seg.address, len(seg.data)) == seg.data
    assert untouched_rom(sim)


def test_image_with_data_in_the_filesystem_sectors_writes_it(tmp_path: Path) -> None:
    from kiln.sim.targets import board_target

    sim = DfuseDeviceSim(layout=F401_LAYOUT)
    flasher = make(sim, target=board_target("NUCLEO_F401RE"))
    fs_image = os.urandom(0x4000)
    image = flasher.check(load_image(dfu_file(tmp_path, [(FS[0], fs_image)])))
    assert any("replaced" in note for note in image.notes)
    flasher.flash(image)
    assert sim.erased == [FS[0]] and sim.read(FS[0], 0x4000) == fs_image
