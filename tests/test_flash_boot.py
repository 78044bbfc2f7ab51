"""End to end: each board's real build output is written by our flasher into its simulated bootloader,
then exactly what landed in the simulated flash is booted in the board's emulator and the console answers."""

from __future__ import annotations

from pathlib import Path

from kiln.build import image_path
from kiln.devices import Discovery
from kiln.emulators.esp32c3 import Esp32c3Emulator
from kiln.emulators.qemu_stm32 import QemuStm32
from kiln.emulators.rp2040 import Rp2040Emulator
from kiln.flash.base import Context
from kiln.flash.dfuse_usb import DfuseUsb
from kiln.flash.esptool_backend import EsptoolBackend
from kiln.flash.image import load_image
from kiln.flash.picoboot import Picoboot
from kiln.flash.select import build_image
from kiln.flash.target import Target
from kiln.images.uf2 import write_uf2
from kiln.sim.dfuse import DfuseDeviceSim
from kiln.sim.esp_rom import EspRomSim
from kiln.sim.picoboot import PicobootDeviceSim
from kiln.sim.transport import TcpLink
from kiln.sim.usb import SimUsbBackend


def used(flash: bytearray) -> bytes:
    """The flash contents up to the last programmed byte."""
    return bytes(flash).rstrip(b"\xff")


def answers(read_until, write) -> None:  # noqa: ANN001 - the emulators' bound methods
    banner = read_until(b"> ", 30)
    assert b"Kiln " in banner
    write(b"1+2\r")
    assert b"1+2" in read_until(b"> ", 10)     # echoed (and evaluated once the interpreter is linked in)


def test_esp32c3_parts_flashed_by_esptool_boot_in_the_emulator(built) -> None:
    board = built("ESP32_GENERIC_C3")
    target = Target.from_board(board)
    flasher = EsptoolBackend(Context(target, discovery=Discovery(serial_ports=list, uf2_volumes=list)),
                             before="no-reset", after="no-reset", stub=True, baud=921600, connect_attempts=2)
    image = flasher.check(build_image(board, EsptoolBackend, target))
    sim = EspRomSim()
    link = TcpLink(sim)
    try:
        flasher.options["port"] = link.url
        flasher.flash(image)
    finally:
        link.close()
    with Esp32c3Emulator(used(sim.flash)) as emu:
        answers(emu.read_until, emu.write)


def test_rp2040_flashed_over_picoboot_boots_in_rp2040js(built, tmp_path: Path) -> None:
    board = built("RPI_PICO")
    target = Target.from_board(board)
    sim = PicobootDeviceSim()
    flasher = Picoboot(Context(target, discovery=Discovery(serial_ports=list, uf2_volumes=list,
                                                           usb_backend=SimUsbBackend([sim]))))
    flasher.flash(flasher.check(load_image(image_path(board, "uf2"))))
    assert sim.boots_to == "app"
    flashed = tmp_path / "flashed.uf2"
    flashed.write_bytes(write_uf2(used(sim.flash), 0x10000000, 0xE48BFF56))
    with Rp2040Emulator(flashed) as emu:
        answers(emu.read_until, emu.write)


def test_stm32_flashed_over_dfuse_boots_in_qemu(built, tmp_path: Path) -> None:
    board = built("NETDUINO_PLUS_2")
    target = Target.from_board(board)
    sim = DfuseDeviceSim()
    flasher = DfuseUsb(Context(target, discovery=Discovery(serial_ports=list, uf2_volumes=list,
                                                           usb_backend=SimUsbBackend([sim]))))
    flasher.flash(flasher.check(load_image(image_path(board, "dfu"))))
    assert sim.left_to == 0x08000000
    flashed = tmp_path / "flashed.bin"
    flashed.write_bytes(used(sim.flash))
    with QemuStm32(flashed) as qemu:
        answers(qemu.read_until, qemu.write)
