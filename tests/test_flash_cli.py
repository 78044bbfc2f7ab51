"""`kiln flash` end to end against simulated boards that switch modes like real ones: running boards are
sent to their bootloader through the raw REPL, tracked by identity across the switch, flashed (one,
a list, or --all in parallel with one log each), and come back running; failures and Ctrl-C are named."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from rich.console import Console

from kiln.cli import build_parser, main
from kiln.devices import Registry, stm32_serial
from kiln.flash.commands import cmd_devices, run_flash
from kiln.images.dfuse import DfuseElement, write_dfuse
from kiln.images.rp2_boot2 import make_block
from kiln.images.uf2 import write_uf2
from kiln.sim.board import SimFleet, SimPico, SimStm32

SERIAL_A, SERIAL_B = "E6614103E7AAAA01", "E6614103E7BBBB02"


@pytest.fixture
def fleet():
    sims = SimFleet()
    yield sims
    sims.close()


def pico_firmware(tmp_path: Path, size: int = 30_000) -> tuple[Path, bytes]:
    data = make_block(b"\x00\xbf" * 10) + os.urandom(size - 256)
    path = tmp_path / "firmware.uf2"
    path.write_bytes(write_uf2(data, 0x10000000, 0xE48BFF56))
    return path, data


def flash(fleet: SimFleet, tmp_path: Path, *argv: str) -> tuple[int, str]:
    args = build_parser().parse_args(["flash", "--log-dir", str(tmp_path / "logs"), *argv])
    out = tmp_path / "console.txt"
    with out.open("w") as handle:
        code = run_flash(args, fleet.discovery(), Registry(path=tmp_path / "devices.json"),  # type: ignore[arg-type]
                         Console(file=handle, width=200))
    return code, out.read_text()


def test_running_pico_is_sent_to_bootsel_flashed_and_back(fleet: SimFleet, tmp_path: Path) -> None:
    board = fleet.add(SimPico(tmp_path / "a", SERIAL_A, fleet.backend).start_app())
    image, data = pico_firmware(tmp_path)
    code, console = flash(fleet, tmp_path, "--board", "RPI_PICO", "--method", "picoboot", "--image", str(image))
    assert code == 0, console
    assert board.wait_mode("app") and board.history == ["app", "bootsel", "app"]
    assert bytes(board.flash[: len(data)]) == data
    assert "machine.bootloader()" in (tmp_path / "logs" / "device.log").read_text()
    assert "ok" in console


def test_device_picks_exactly_that_board(fleet: SimFleet, tmp_path: Path) -> None:
    a = fleet.add(SimPico(tmp_path / "a", SERIAL_A, fleet.backend, (1,)).start_app())
    b = fleet.add(SimPico(tmp_path / "b", SERIAL_B, fleet.backend, (2,)).start_app())
    image, data = pico_firmware(tmp_path)
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "picoboot", "-i", str(image), "--device", SERIAL_B)
    assert code == 0, console
    assert b.wait_mode("app") and bytes(b.flash[: len(data)]) == data and b.history == ["app", "bootsel", "app"]
    assert a.history == ["app"] and a.flash[:16] == b"\xff" * 16


def test_all_flashes_in_parallel_with_a_log_each(fleet: SimFleet, tmp_path: Path) -> None:
    boards = [fleet.add(SimPico(tmp_path / s, s, fleet.backend, (i + 1,)).start_app())
              for i, s in enumerate((SERIAL_A, SERIAL_B, "E6614103E7CCCC03"))]
    image, data = pico_firmware(tmp_path)
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "picoboot", "-i", str(image), "--all")
    assert code == 0, console
    for board in boards:
        assert board.wait_mode("app") and bytes(board.flash[: len(data)]) == data
        assert (tmp_path / "logs" / f"{board.serial}.log").is_file()
    assert console.count("│ ok ") == 3


def test_a_failing_board_is_named_and_the_others_finish(fleet: SimFleet, tmp_path: Path) -> None:
    good = fleet.add(SimPico(tmp_path / "a", SERIAL_A, fleet.backend, (1,)).start_app())
    bad = fleet.add(SimPico(tmp_path / "b", SERIAL_B, fleet.backend, (2,), fail_write_at={0x10002000: 99}).start_app())
    image, data = pico_firmware(tmp_path)
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "picoboot", "-i", str(image), "--all")
    assert code == 1
    assert f"1 of 2 failed: {SERIAL_B}" in console and "write at 0x10002000 failed 3 times" in console
    assert "comes back in BOOTSEL by itself" in console
    assert bytes(good.flash[: len(data)]) == data and good.wait_mode("app")
    assert bad.mode == "bootsel"     # boot2 left erased: it stays in (and returns to) BOOTSEL


def test_ctrl_c_stops_every_board_in_its_bootloader(fleet: SimFleet, tmp_path: Path) -> None:
    boards = [fleet.add(SimPico(tmp_path / s, s, fleet.backend, (i + 1,), bytes_per_second=200_000).start_app())
              for i, s in enumerate((SERIAL_A, SERIAL_B))]     # a slow link: the flash takes seconds
    image, _ = pico_firmware(tmp_path, 400_000)
    fired = threading.Event()

    def interrupt_when_writing() -> None:
        while not any(b.picoboot is not None and b.picoboot.bytes_programmed > 8192 for b in boards):
            threading.Event().wait(0.005)
        fired.set()
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_writing, daemon=True).start()
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "picoboot", "-i", str(image), "--all")
    assert fired.is_set() and code == 130
    assert "interrupted" in console and "stopping each flash at its next safe point" in console
    assert all(b.mode == "bootsel" for b in boards)


def test_uf2_drive_from_a_running_board(fleet: SimFleet, tmp_path: Path) -> None:
    board = fleet.add(SimPico(tmp_path / "a", SERIAL_A, fleet.backend, uf2_root=tmp_path / "media").start_app())
    image, data = pico_firmware(tmp_path)
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "uf2", "-i", str(image), "--device", SERIAL_A)
    assert code == 0, console
    assert bytes(board.flash[: len(data)]) == data and board.wait_mode("app")


def test_stm32_dfu_from_a_running_board_and_devices_table(fleet: SimFleet, tmp_path: Path) -> None:
    uid = bytes.fromhex("3500280013473133372033aa")
    board = fleet.add(SimStm32(tmp_path / "s", uid, fleet.backend).start_app())
    app = os.urandom(50_000)
    image = tmp_path / "firmware.dfu"
    image.write_bytes(write_dfuse([DfuseElement(0x08000000, app)], 0x0483, 0xDF11))
    out = tmp_path / "devices.txt"
    with out.open("w") as handle:
        assert cmd_devices(build_parser().parse_args(["devices"]), fleet.discovery(), handle) == 0  # type: ignore[arg-type]
    assert stm32_serial(uid) in out.read_text() and "app" in out.read_text()
    code, console = flash(fleet, tmp_path, "-b", "NETDUINO_PLUS_2", "-i", str(image), "-d", stm32_serial(uid))
    assert code == 0, console
    assert board.wait_mode("app") and board.history == ["app", "dfu", "app"]
    assert board.flash is not None and bytes(board.flash[:50_000]) == app


def test_refusals_happen_before_any_board_is_touched(fleet: SimFleet, tmp_path: Path) -> None:
    board = fleet.add(SimPico(tmp_path / "a", SERIAL_A, fleet.backend).start_app())
    wrong = tmp_path / "stm.uf2"
    wrong.write_bytes(write_uf2(os.urandom(512), 0x08000000, 0x57755A57))
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "picoboot", "-i", str(wrong))
    assert code == 2 and "the image is for another chip" in console
    code, console = flash(fleet, tmp_path, "-b", "RPI_PICO", "-m", "dfu", "-i", str(wrong))
    assert code == 2 and "RPI_PICO cannot be flashed with 'dfu'; its methods: uf2, picoboot, pyocd" in console
    assert board.history == ["app"]


def test_flash_py_is_kiln_flash(tmp_path: Path, capsys) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(root / "flash.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "usage: kiln flash" in result.stdout
    assert main(["flash", "--board", "RPI_PICO", "--image", str(tmp_path / "missing.uf2"), "--no-enter",
                 "--log-dir", str(tmp_path)]) == 2
    assert "missing.uf2: no such file" in capsys.readouterr().err
