"""The pyOCD backend (pyOCD's Python API) against a simulated probe whose STM32F4 target runs pyOCD's
own flash algorithm in unicorn against a modelled flash controller.

The board (NETDUINO_PLUS_2, STM32F405RG) needs a CMSIS pack that cannot be downloaded here, so these
tests use pyOCD's built-in stm32f412xg target: same STM32F4 flash interface and the same 1 MiB sector
layout (4x16K, 64K, 7x128K), so the same flash algorithm applies.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from intelhex import IntelHex

from kiln.devices import Discovery, stm32_serial
from kiln.flash.base import Context, DeviceNotFound, FlashError, FlashInterrupted, ImageRejected
from kiln.flash.image import Image, Segment, load_image
from kiln.flash.pyocd_backend import PyocdBackend
from kiln.sim.cortex_m import Stm32f4Sim
from kiln.sim.pyocd_probe import SimProbe, register
from kiln.sim.targets import stm32f405

BASE = 0x08000000
UID = bytes.fromhex("3500280013473133372033aa")


@pytest.fixture
def chip():
    register()
    chip = Stm32f4Sim(uid=UID)
    probe = SimProbe(chip, "KILNSIM000001").attach()
    yield chip
    probe.detach()


def backend(progress=None, cancel=None, target=None, **options) -> PyocdBackend:
    ctx = Context(target or stm32f405(), discovery=Discovery(serial_ports=list, uf2_volumes=list),
                  progress=progress or (lambda *a: None), cancel=cancel)
    return PyocdBackend(ctx, **({"target": "stm32f412xg", "frequency": 1_000_000} | options))


def probe_of(chip: Stm32f4Sim) -> SimProbe:
    return next(p for p in SimProbe.attached.values() if p.chip is chip)


def test_hex_is_programmed_by_the_flash_algorithm_verified_and_reset(tmp_path: Path, chip: Stm32f4Sim) -> None:
    app, tail = os.urandom(40_000), os.urandom(1000)
    ih = IntelHex()
    ih.frombytes(app, offset=BASE)
    ih.frombytes(tail, offset=BASE + 0x20000)
    path = tmp_path / "firmware.hex"
    ih.write_hex_file(str(path))
    flasher = backend()
    report = flasher.flash(flasher.check(load_image(path)))
    assert bytes(chip.flash[: len(app)]) == app and bytes(chip.flash[0x20000:0x20000 + 1000]) == tail
    erased = [e for e in chip.log if e.startswith("erase sector")]
    assert erased == ["erase sector 0", "erase sector 1", "erase sector 2", "erase sector 5"]
    assert report.device == stm32_serial(UID) and report.verified and chip.log[-1] == "reset"


def test_smart_flash_skips_unchanged_sectors(chip: Stm32f4Sim) -> None:
    data = os.urandom(0x8000)
    image = Image([Segment(BASE, data)])
    backend().flash(image)
    first = len([e for e in chip.log if e.startswith("erase")])
    changed = data[:0x4000] + bytes(0x4000)
    backend().flash(Image([Segment(BASE, changed)]))
    erases = [e for e in chip.log if e.startswith("erase")][first:]
    assert erases == ["erase sector 1"]       # the target-side CRC analyzer found sector 0 unchanged
    assert bytes(chip.flash[:0x8000]) == changed


def test_chip_erase(chip: Stm32f4Sim) -> None:
    chip.flash[0xF0000] = 0
    backend().flash(Image([Segment(BASE, b"\x01" * 512)]), erase="chip")
    assert "mass erase" in chip.log and chip.flash[0xF0000] == 0xFF and chip.flash[:512] == b"\x01" * 512


def test_write_protected_sector_fails_cleanly_and_stays_intact(chip: Stm32f4Sim) -> None:
    chip.write_protect = {0}
    chip.flash[:4] = b"boot"
    chip._reset_flash_interface()
    with pytest.raises(FlashError, match="pyOCD write failed") as info:
        backend().flash(Image([Segment(BASE, os.urandom(1024))]))
    assert "write-protected sector 0 refused an erase" in chip.log
    assert chip.flash[:4] == b"boot" and "flash again" in info.value.state


def test_probe_unplugged_mid_write_and_corrupt_read_back(chip: Stm32f4Sim) -> None:
    memory = probe_of(chip).memory
    memory.corrupt_reads = 1
    data = os.urandom(0x4000)             # exactly sector 1: the only flash reads are our verify's
    backend().flash(Image([Segment(BASE + 0x4000, data)]))
    assert memory.corrupt_reads == 0 and bytes(chip.flash[0x4000:0x8000]) == data
    memory.drop_after_writes = memory.block_writes + 3
    with pytest.raises(FlashError, match="pyOCD write failed: simulated probe unplugged"):
        backend().flash(Image([Segment(BASE + 0x40000, os.urandom(0x10000))]))


def test_ctrl_c_between_pages(chip: Stm32f4Sim) -> None:
    cancel = threading.Event()

    def progress(phase: str, done: int, total: int) -> None:
        if done:
            cancel.set()

    with pytest.raises(FlashInterrupted):
        backend(progress=progress, cancel=cancel).flash(Image([Segment(BASE, os.urandom(0x20000))]))


def test_probe_and_device_selection(chip: Stm32f4Sim) -> None:
    other = SimProbe(Stm32f4Sim(uid=bytes(12)), "KILNSIM000002").attach()
    try:
        with pytest.raises(DeviceNotFound, match="2 debug probes matched .*KILNSIM000001.*KILNSIM000002"):
            backend().flash(Image([Segment(BASE, b"x" * 16)]))
        with pytest.raises(FlashError, match="is attached to the chip .*, not 0000; nothing was written"):
            backend(probe="KILNSIM000001").flash(Image([Segment(BASE, b"x" * 16)]), device="0000")
        backend().flash(Image([Segment(BASE, b"y" * 16)]), device="KILNSIM000002")
        assert other.chip.flash[:16] == b"y" * 16 and chip.flash[:16] == b"\xff" * 16
    finally:
        other.detach()


def test_targets_without_builtin_support_explain_the_pack() -> None:
    flasher = PyocdBackend(Context(stm32f405(), discovery=Discovery(serial_ports=list, uf2_volumes=list)))
    with pytest.raises(ImageRejected, match=r"no built-in target 'stm32f405rg' .*Keil.STM32F4xx_DFP.*"
                                            r"pyocd pack install stm32f405rg"):
        flasher.check(Image([Segment(BASE, b"x")]))


@pytest.mark.parametrize("kind", ["hex", "bin", "elf"])
def test_split_firmware_keeps_the_filesystem_sectors(built, chip: Stm32f4Sim, kind: str) -> None:
    """NUCLEO_F401RE: vector table in sector 0, /flash in sectors 1..3, code from sector 4; flashing any of its
    images erases and programs sectors 0 and 4.. only (pyOCD's F4 algorithm sees the same first 512 KiB)."""
    from kiln.build import image_path
    from kiln.sim.targets import board_target

    board = built("NUCLEO_F401RE")
    fs = (0x4000, 0x10000)
    files = os.urandom(fs[1] - fs[0])
    chip.flash[fs[0] : fs[1]] = files
    flasher = backend(target=board_target("NUCLEO_F401RE"))
    image = flasher.check(load_image(image_path(board, kind), address=BASE))
    report = flasher.flash(image)
    assert report.verified
    erased = {int(e.split()[-1]) for e in chip.log if e.startswith("erase sector")}
    elf = load_image(image_path(board, "elf"))
    end = max(s.end for s in elf.segments if s.address < 0x10000000)
    last = 4 if end <= 0x08020000 else 5 + (end - 1 - 0x08020000) // 0x20000  # 64 KiB sector 4, then 128 KiB
    assert erased == {0, *range(4, last + 1)}, "sectors 1..3 (/flash) neither erased nor written"
    assert bytes(chip.flash[fs[0] : fs[1]]) == files
    for seg in elf.segments:
        if seg.address < 0x10000000:
            assert bytes(chip.flash[seg.address - BASE : seg.end - BASE]) == seg.data
