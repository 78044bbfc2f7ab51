"""The stm32 port's `machine` and `os` modules on the emulated board (QEMU netduinoplus2), driven through the
raw REPL (kiln.repl_client.ReplClient) and, for the filesystem, the unmodified mpremote.

QEMU facts that shape these tests: it has no GPIO model (the output latch is not modelled, pins read 0), its
system memory is unmapped (unique_id() is 12 zero bytes there), the CCM is not mapped either, and its flash
is read-only, so /flash is a kfs RAM disk carved from the top of the heap."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import image_path
from kiln.emulators.qemu_stm32 import QemuStm32
from kiln.repl_client import ReplClient

BOARD = "NETDUINO_PLUS_2"


@pytest.fixture(scope="module")
def qemu(built: Callable[[str], Board]) -> Iterator[QemuStm32]:
    board = built(BOARD)
    with QemuStm32(image_path(board, "elf"), "pty", attach=False) as q:
        assert q.pty_path is not None
        q.resume()
        yield q


@pytest.fixture
def repl(qemu: QemuStm32) -> Iterator[ReplClient]:
    client = ReplClient(qemu.pty_path).open()
    client.enter_raw(soft_reset=True)  # each test starts with a fresh heap (files on /flash survive)
    try:
        yield client
    finally:
        client.close()


def run(repl: ReplClient, code: str) -> list[str]:
    out, err = repl.exec_raw(code, timeout=30)
    assert not err, err.decode(errors="replace")
    return out.decode().split("\r\n")[:-1]


def test_machine_basics(repl: ReplClient) -> None:
    lines = run(repl, "import machine\n"
                      "print(machine.freq())\n"
                      "print(len(machine.unique_id()), type(machine.unique_id()).__name__)\n"
                      "print(machine.reset_cause() in (machine.PWRON_RESET, machine.HARD_RESET, machine.SOFT_RESET))\n"
                      "machine.idle()\n"
                      "print('idle ok')\n")
    assert lines == ["168000000", "12 bytes", "True", "idle ok"]


def test_pin_api_names_and_errors(repl: ReplClient) -> None:
    """GPIO is not modelled by QEMU (ODR read-back included), so this checks what is observable: names,
    board pins from pins.h, that on/off/value run, and the errors."""
    lines = run(repl, "from machine import Pin\n"
                      "p = Pin('A5', Pin.OUT)\n"
                      "print(p, p.name())\n"
                      "p.on(); p.off(); p.value(1); p(0)\n"
                      "print(p.value() in (0, 1))\n"
                      "print(Pin('PB2'), Pin(16 + 3), Pin('LED'), Pin.board.LED, Pin(Pin.board.SW))\n"
                      "Pin('B11', Pin.IN, Pin.PULL_UP)\n"
                      "for bad in ('Z9', 'A16', ''):\n"
                      "    try:\n"
                      "        Pin(bad)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    Pin('A5', 7)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "try:\n"
                      "    Pin(1.5)\n"
                      "except TypeError as e:\n"
                      "    print('TypeError', e)\n")
    assert lines == [
        "Pin(PA5) PA5",
        "True",
        "Pin(PB2) Pin(PB3) Pin(LED) LED Pin(SW)",
        "ValueError invalid pin: 'Z9'",
        "ValueError invalid pin: 'A16'",
        "ValueError invalid pin: ''",
        "ValueError invalid pin mode: 7",
        "TypeError Pin id must be a str or int",
    ]


def test_uart_adc_i2c(repl: ReplClient) -> None:
    """USART2 (A2/A3) comes up and transmits; QEMU's USART2 has no loopback without a chardev wired back, so
    nothing is received (the unix-socket round trip lives in test_stm32_qemu_drivers.py). USART1 is the
    REPL console: EBUSY. QEMU's ADC returns a sample on reading DR. QEMU has no I2C model and no RCC, so
    I2C init fails with an OSError there (which errno depends on the emulator; on a board it scans)."""
    lines = run(repl, "import machine\n"
                      "u = machine.UART(2, 115200, timeout=10)\n"
                      "print(u.write(b'abc'), u.any(), u.read())\n"
                      "print(abs(u.baudrate - 115200) < 1200)\n"
                      "u.deinit()\n"
                      "try:\n"
                      "    machine.UART(1, 9600)\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n"
                      "try:\n"
                      "    machine.UART(5)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "a = machine.ADC('A0')\n"
                      "print(0 <= a.read_u16() <= 65535)\n"
                      "try:\n"
                      "    machine.ADC('B11')\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "try:\n"
                      "    print(machine.I2C(1).scan())\n"
                      "except OSError as e:\n"
                      "    print('OSError')\n")
    assert lines == ["3 0 None", "True", "OSError 16", "ValueError UART(5) needs tx= and rx= pins", "True",
                     "ValueError Pin(PB11) has no ADC channel", "OSError"]


def test_spi_transfers(repl: ReplClient) -> None:
    """SPI1 on its default pins (A5/A7/A6): QEMU models the SPI data register, so transfers complete and
    return as many bytes as clocked (their values depend on the emulator: nothing is attached)."""
    lines = run(repl, "import machine\n"
                      "s = machine.SPI(1, baudrate=1000000, polarity=0, phase=0)\n"
                      "print(0 < s.baudrate <= 1000000)\n"
                      "s.write(b'abc')\n"
                      "r = s.read(4)\n"
                      "print(type(r).__name__, len(r))\n"
                      "b = bytearray(3)\n"
                      "s.write_readinto(b'xyz', b)\n"
                      "print(len(b))\n"
                      "for bad in ('machine.SPI(4)', 'machine.SPI(1, bits=16)'):\n"
                      "    try:\n"
                      "        eval(bad)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n")
    assert lines == ["True", "bytes 4", "3", "ValueError SPI(4) needs sck=, mosi= and miso= pins",
                     "ValueError only 8-bit SPI transfers"]


def test_rtc_and_wdt_api(repl: ReplClient) -> None:
    """QEMU 7.2 models neither the RTC nor the RCC's LSE/LSI, so RTC bring-up times out (ETIMEDOUT);
    on a board it returns (year, month, day, weekday, hour, minute, second, subsecond). WDT rejects
    ids other than 0 (starting it is not tested: the IWDG cannot be stopped)."""
    lines = run(repl, "import machine\n"
                      "try:\n"
                      "    print(len(machine.RTC().datetime()))\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n"
                      "try:\n"
                      "    machine.WDT(1)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines[0] in ("8", "OSError 110")
    assert lines[1:] == ["ValueError WDT(1) does not exist"]


def test_os_files_on_flash(repl: ReplClient) -> None:
    lines = run(repl, "import os\n"
                      "print(os.getcwd(), os.listdir('/'))\n"
                      "with open('/flash/t.txt', 'w') as f:\n"
                      "    print(f.write('hello\\nworld\\n'))\n"
                      "print('t.txt' in os.listdir('/flash'), os.stat('t.txt')[6])\n"
                      "with open('t.txt') as f:\n"
                      "    print(repr(f.readline()), repr(f.read()))\n"
                      "with open('/flash/t.bin', 'wb') as f:\n"
                      "    f.write(bytes(range(256)) * 3)\n"
                      "with open('t.bin', 'rb') as f:\n"
                      "    print(f.read() == bytes(range(256)) * 3)\n"
                      "with open('t.txt', 'a') as f:\n"
                      "    f.write('!')\n"
                      "print(open('t.txt').read().endswith('world\\n!'))\n"
                      "os.rename('t.txt', 'u.txt')\n"
                      "os.mkdir('sub')\n"
                      "print(sorted(os.listdir()))\n"
                      "print([e[:2] for e in os.ilistdir() if e[0] == 'sub'])\n"
                      "os.chdir('sub'); print(os.getcwd()); os.chdir('..')\n"
                      "v = os.statvfs('/flash')\n"
                      "print(v[0] > 0, v[2] > v[3] > 0)\n"
                      "os.remove('u.txt'); os.remove('t.bin'); os.rmdir('sub')\n"
                      "print(os.listdir())\n"
                      "for f in (lambda: open('nope'), lambda: os.remove('nope'), lambda: os.listdir('/nope')):\n"
                      "    try:\n"
                      "        f()\n"
                      "    except OSError as e:\n"
                      "        print('OSError', e.errno)\n"
                      "try:\n"
                      "    open('x', 'q')\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines == [
        "/flash ['flash']",
        "12",
        "True 12",
        "'hello\\n' 'world\\n'",
        "True",
        "True",
        "['sub', 't.bin', 'u.txt']",
        "[('sub', 16384)]",
        "/flash/sub",
        "True True",
        "[]",
        "OSError 2",
        "OSError 2",
        "OSError 2",
        "ValueError invalid mode: 'q'",
    ]


def test_import_from_flash_and_soft_reset_keeps_files(repl: ReplClient) -> None:
    run(repl, "with open('/flash/kmod.py', 'w') as f:\n    f.write('VALUE = 6 * 7\\n')\n")
    repl.soft_reset()
    assert run(repl, "import kmod\nprint(kmod.VALUE)\nimport os\nos.remove('/flash/kmod.py')\n") == ["42"]


def test_mpremote_cp_then_import(qemu: QemuStm32, tmp_path: Path) -> None:
    src = tmp_path / "x.py"
    src.write_text("print('x says', sum(range(10)))\n")
    mp = [sys.executable, "-m", "mpremote", "connect", qemu.pty_path]
    result = subprocess.run([*mp, "fs", "cp", str(src), ":/flash/x.py"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([*mp, "exec", "import x"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "x says 45"
    result = subprocess.run([*mp, "fs", "ls", ":/flash"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "x.py" in result.stdout, result.stdout + result.stderr
