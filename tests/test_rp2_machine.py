"""The rp2 port's `machine`, `rp2` and `os` modules on RPI_PICO in rp2040js, driven through the raw REPL
(kiln.repl_client.ReplClient) with the runner's bench attached (kiln/emulators/rp2040js_runner.mjs, --bench):
UART1 TX looped back to RX, an EEPROM at 0x50 and a device refusing the 2nd data byte at 0x51 on I2C0, a
device that never answers at 0x52 on I2C1, SPI0 answering the complement of each byte, fixed ADC inputs,
and wires GP14 -> GP15 and GP12 -> GP13.

Expected values come from the RP2040 datasheet (register maps and formulas, computed here from the
registers the firmware programmed) and from the bench's definition, not from the firmware's own output.
rp2040js cannot write flash, so /flash is the RAM disk the emulator build falls back to; it survives soft
resets like the flash would."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiln.boards import Board
from kiln.build import image_path
from kiln.emulators.rp2040 import Rp2040Emulator
from kiln.repl_client import ReplClient
from tests.support.board_repl import fresh_repl, run_lines
from tests.support.os_shared import assert_os_shared

ROOT = Path(__file__).resolve().parent.parent
BOARD = "RPI_PICO"

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "rp2040js").exists(), reason="npm install has not run"),
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed"),
]

# The bench (rp2040js_runner.mjs: BENCH_ADC, I2C_EEPROM, I2C_NACKS_SECOND_BYTE).
BENCH_ADC = [1234, 0, 2048, 4095, 891]
I2C_EEPROM = 0x50
I2C_NACKS_SECOND_BYTE = 0x51

# RP2040 datasheet addresses.
SIO = 0xD0000000
SIO_CPUID, SIO_GPIO_IN, SIO_GPIO_HI_IN, SIO_GPIO_OUT, SIO_GPIO_OE = (SIO + o for o in (0x00, 0x04, 0x08, 0x10, 0x20))
IO_BANK0 = 0x40014000
PADS_BANK0 = 0x4001C000
PADS_PDE, PADS_PUE = 1 << 2, 1 << 3
UART1 = 0x40038000
UART_IBRD, UART_FBRD, UART_LCR_H = 0x24, 0x28, 0x2C
PWM = 0x40050000
WATCHDOG_CTRL = 0x40058000
WATCHDOG_CTRL_ENABLE = 1 << 30
SCRATCH_X = 0x20040000  # SRAM4: the port keeps it for core 1; unused here
FUNCSEL_SIO, FUNCSEL_PWM = 5, 4


@pytest.fixture(scope="module")
def board(built: Callable[[str], Board]) -> Board:
    return built(BOARD)


@pytest.fixture(scope="module")
def emulator(board: Board) -> Iterator[Rp2040Emulator]:
    with Rp2040Emulator(image_path(board, "uf2"), mode="pty", bench=True) as emu:
        assert emu.pty_path is not None
        yield emu


@pytest.fixture
def repl(emulator: Rp2040Emulator) -> Iterator[ReplClient]:
    yield from fresh_repl(emulator.pty_path)


def run(repl: ReplClient, code: str) -> list[str]:
    return run_lines(repl, code, timeout=60)


def values(repl: ReplClient, code: str) -> list[Any]:
    """Runs code whose every output line is a Python literal; returns them evaluated."""
    return [ast.literal_eval(line) for line in run(repl, code)]


def errors(repl: ReplClient, *statements: str) -> list[str]:
    """'ExcType: message' for each statement (each must raise)."""
    code = "import machine, rp2\nfrom machine import Pin\n"
    for statement in statements:
        code += f"try:\n    {statement}\n    print('no error')\nexcept Exception as e:\n"
        code += "    print(type(e).__name__ + ': ' + str(e))\n"
    return run(repl, code)


def test_machine_basics(repl: ReplClient, board: Board) -> None:
    lines = values(repl, "import machine\n"
                         "print(machine.freq())\n"
                         "u = machine.unique_id()\n"
                         "print((type(u).__name__, len(u)))\n"
                         "print(machine.reset_cause())\n"
                         "print([machine.PWRON_RESET, machine.HARD_RESET, machine.WDT_RESET, machine.SOFT_RESET])\n"
                         "machine.idle()\n"
                         "print(machine.freq(machine.freq()))\n")
    assert lines[0] == board.data["clock"]["cpu_hz"]
    assert lines[1] == ("bytes", 8)  # the flash's 64-bit unique ID (rp2040js answers zeros)
    assert lines[3] == [1, 2, 3, 5]
    assert lines[2] in (1, 2)  # power-on; rp2040js reports the RUN pin
    assert lines[4] is None
    assert errors(repl, "machine.freq(48000000)") == ["ValueError: freq: clk_sys is fixed at 125000000 Hz on this port"]


def test_mem8_16_32(repl: ReplClient) -> None:
    lines = values(repl, "from machine import mem8, mem16, mem32\n"
                         f"print(mem32[{SIO_CPUID}])\n"
                         f"mem32[{SCRATCH_X}] = 0xdeadbeef\n"
                         f"print((mem32[{SCRATCH_X}], mem16[{SCRATCH_X + 2}], mem8[{SCRATCH_X}]))\n"
                         f"mem8[{SCRATCH_X + 1}] = 0x12\n"
                         f"mem16[{SCRATCH_X + 2}] = -1\n"
                         f"print(mem32[{SCRATCH_X}])\n")
    assert lines == [0, (0xDEADBEEF, 0xDEAD, 0xEF), 0xFFFF12EF]  # core 0's CPUID is 0; little-endian
    assert errors(repl, f"machine.mem32[{SCRATCH_X + 2}]", "machine.mem16[0x30000000]", "machine.mem8[-1]") == [
        f"ValueError: address {SCRATCH_X + 2:#010x} is not 4-byte aligned",
        "ValueError: address 0x30000000 is not mapped on the RP2040",
        "ValueError: address out of range (0..0xffffffff)",
    ]


def test_pin_output_read_back_through_sio(repl: ReplClient) -> None:
    lines = run(repl, "from machine import Pin, mem32\n"
                         "def regs():\n"
                         f"    print((mem32[{SIO_GPIO_OUT}] >> 14 & 1, mem32[{SIO_GPIO_OE}] >> 14 & 1, "
                         f"mem32[{SIO_GPIO_IN}] >> 15 & 1))\n"
                         "inp = Pin(15, Pin.IN)\n"
                         "p = Pin(14, Pin.OUT, value=0)\n"
                         f"print(mem32[{IO_BANK0 + 8 * 14 + 4}] & 31)\n"
                         "regs()\n"
                         "p.on(); regs()\n"
                         "print((p.value(), inp.value(), inp()))\n"
                         "p.off(); regs()\n"
                         "p(1); regs()\n"
                         "p.toggle(); regs()\n"
                         "p.value(True); regs()\n"
                         "od = Pin(14, Pin.OPEN_DRAIN, value=0); regs()\n"
                         "od.value(1); regs()\n"
                         "od.toggle(); regs()\n"
                         "print((Pin('GP25'), Pin('LED'), Pin(Pin(3))))\n")
    assert lines[11] == "(Pin(GPIO25), Pin(GPIO25), Pin(GPIO3))"
    lines = [ast.literal_eval(line) for line in lines[:11]]
    assert lines[0] == FUNCSEL_SIO
    # (OUT latch, output enable, level seen on the wired input GP15)
    assert lines[1:3] == [(0, 1, 0), (1, 1, 1)]
    assert lines[3] == (1, 1, 1)  # value() of the output, of the input, and Pin.__call__
    assert lines[4:8] == [(0, 1, 0), (1, 1, 1), (0, 1, 0), (1, 1, 1)]
    # open drain: the latch stays low, the output enable carries the value (0 -> driven, 1 -> released)
    assert lines[8:11] == [(0, 1, 0), (0, 0, 0), (0, 1, 0)]


def test_pulls(repl: ReplClient) -> None:
    lines = values(repl, "from machine import Pin, mem32\n"
                         f"pad = {PADS_BANK0 + 4 + 4 * 20}\n"
                         "q = Pin(20, Pin.IN, Pin.PULL_UP)\n"
                         f"print((q.value(), mem32[pad] & {PADS_PUE | PADS_PDE}))\n"
                         "q.init(pull=Pin.PULL_DOWN)\n"
                         f"print((q.value(), mem32[pad] & {PADS_PUE | PADS_PDE}))\n"
                         "q.init(pull=None)\n"
                         f"print(mem32[pad] & {PADS_PUE | PADS_PDE})\n"
                         "o = Pin(21, Pin.OUT)\n"
                         "o.init(pull=Pin.PULL_UP)\n"  # the mode stays what the pin is
                         f"print(mem32[{SIO_GPIO_OE}] >> 21 & 1)\n")
    assert lines == [(1, PADS_PUE), (0, PADS_PDE), 0, 1]
    assert errors(repl, "Pin(30)", "Pin('GP99')", "Pin('D4')", "Pin(1.5)", "Pin(4, 7)", "Pin(4, Pin.IN, 5)",
                  "Pin(0, Pin.OUT)") == [
        "ValueError: invalid pin: 30",
        "ValueError: invalid pin: 'GP99'",
        "ValueError: invalid pin: 'D4'",
        "TypeError: Pin id must be a str or int",
        "ValueError: invalid pin mode: 7",
        "ValueError: invalid pull: 5",
        "ValueError: pin GP0 is the REPL console's UART",
    ]


def test_pin_irq_runs_handlers_via_schedule(repl: ReplClient) -> None:
    lines = run(repl, "import time\n"
                      "from machine import Pin\n"
                      "inp = Pin(15, Pin.IN)\n"
                      "p = Pin(14, Pin.OUT, value=0)\n"
                      "seen = []\n"
                      "inp.irq(lambda pin: seen.append(pin), Pin.IRQ_RISING)\n"
                      "for k in range(5):\n"
                      "    p.on(); p.off()\n"
                      "time.sleep_ms(5)\n"
                      "print(len(seen), seen[0] is inp, inp.flags() == Pin.IRQ_RISING)\n"
                      "n = [0]\n"
                      "def count(pin):\n"
                      "    n[0] += 1\n"
                      "inp.irq(count, Pin.IRQ_RISING | Pin.IRQ_FALLING)\n"
                      "for k in range(3):\n"
                      "    p.toggle()\n"
                      "time.sleep_ms(5)\n"
                      "print(n[0])\n"
                      "inp.irq(None)\n"
                      "p.toggle(); time.sleep_ms(5)\n"
                      "print(n[0])\n"
                      "inp.irq(lambda pin: 1 / 0, Pin.IRQ_FALLING)\n"
                      "p.on(); p.off(); time.sleep_ms(5)\n"
                      "p.on(); p.off(); time.sleep_ms(5)\n"
                      "print('still running')\n")
    assert lines[:3] == ["5 True True", "3", "3"]
    # a failing handler is reported once and switched off; the program goes on
    assert lines[3] == "Uncaught exception in IRQ callback handler"
    assert lines[-2:] == ["ZeroDivisionError: division by zero", "still running"]
    assert errors(repl, "Pin(15).irq(print, 16)", "Pin(15).irq(print, 1)") == [
        "ValueError: invalid trigger: 16 (Pin.IRQ_RISING and/or Pin.IRQ_FALLING)",
        "ValueError: invalid trigger: 1 (Pin.IRQ_RISING and/or Pin.IRQ_FALLING)",
    ]


def test_asyncio_streams_over_uart1(repl: ReplClient) -> None:
    """machine.UART answers select.poll's ioctl, so asyncio's streams read and write it (loopback wiring)."""
    lines = values(repl, "import asyncio, machine\n"
                         "u = machine.UART(1, 115200, timeout=0)\n"
                         "async def main():\n"
                         "    r, w = asyncio.StreamReader(u), asyncio.StreamWriter(u, {})\n"
                         "    w.write(b'ping over uart1\\n')\n"
                         "    await w.drain()\n"
                         "    return await asyncio.wait_for(r.readline(), 2)\n"
                         "print(asyncio.run(main()))\n"
                         "print((u.ioctl(3, 1 | 4), u.ioctl(9, 0)))\n")
    assert lines == [b"ping over uart1\n", (4, -1)]


def test_uart1_loopback_and_format(repl: ReplClient) -> None:
    lines = values(repl, "import machine\n"
                         "u = machine.UART(1, 115200, timeout=50)\n"
                         "print(u.write(b'hello\\nworld'))\n"
                         "print(u.readline())\n"
                         "print(u.any())\n"
                         "print(u.read())\n"
                         "print(u.read())\n"
                         f"print([machine.mem32[{UART1} + r] for r in ({UART_IBRD}, {UART_FBRD}, {UART_LCR_H})])\n"
                         "u = machine.UART(1, baudrate=9600, bits=7, parity=0, stop=2, tx=machine.Pin(8), rx=9, "
                         "timeout=50)\n"
                         "u.write(b'xyz')\n"
                         "b = bytearray(5)\n"
                         "print((u.readinto(b), bytes(b)))\n"
                         f"print(machine.mem32[{UART1 + UART_LCR_H}])\n"
                         f"print(machine.mem32[{IO_BANK0 + 8 * 8 + 4}] & 31)\n")
    assert lines[:5] == [11, b"hello\n", 5, b"world", None]
    ibrd, fbrd, lcr = lines[5]
    clk_peri = 125_000_000
    baud = clk_peri * 4 / (64 * ibrd + fbrd)  # datasheet: BAUDDIV = clk / (16 * baud) = IBRD + FBRD / 64
    assert abs(baud - 115200) / 115200 < 0.005
    assert lcr == (3 << 5) | (1 << 4)  # 8 bits, FIFOs on, no parity, 1 stop
    assert lines[6] == (3, b"xyz\x00\x00")
    assert lines[7] == (2 << 5) | (1 << 4) | (1 << 3) | (1 << 2) | (1 << 1)  # WLEN 7, FEN, STP2, EPS, PEN
    assert lines[8] == 2  # GP8 on FUNCSEL 2 (UART)
    assert errors(repl, "machine.UART(2)", "machine.UART(1, tx=6)", "machine.UART(1, rx=4)", "machine.UART(1, bits=9)",
                  "machine.UART(1, parity=3)", "machine.UART(1, stop=3)", "machine.UART(1, baudrate=0)",
                  "machine.UART(0)") == [
        "ValueError: UART(2) does not exist",
        "ValueError: tx: GP6 is not a TX pin of UART1",
        "ValueError: rx: GP4 is not an RX pin of UART1",
        "ValueError: bits must be 5..8",
        "ValueError: parity must be None, 0 (even) or 1 (odd)",
        "ValueError: stop must be 1 or 2",
        "ValueError: baudrate 0 out of range",
        "OSError: 16",  # EBUSY: UART0 is the REPL console
    ]


def test_i2c_against_the_bench_devices(repl: ReplClient) -> None:
    lines = run(repl, "import machine\n"
                      "i2c = machine.I2C(0, freq=100000)\n"
                      "print(i2c.scan())\n"
                      f"i2c.writeto_mem({I2C_EEPROM}, 16, b'kiln')\n"
                      f"print(i2c.readfrom_mem({I2C_EEPROM}, 16, 4))\n"
                      f"print(i2c.writeto({I2C_EEPROM}, b'\\x11'), i2c.readfrom({I2C_EEPROM}, 3))\n"
                      "b = bytearray(2)\n"
                      f"i2c.readfrom_mem_into({I2C_EEPROM}, 17, b)\n"
                      "print(b)\n"
                      "for addr, data in ((0x51, b'\\x01\\x02'), (0x33, b'\\x00')):\n"
                      "    try:\n"
                      "        i2c.writeto(addr, data)\n"
                      "    except OSError as e:\n"
                      "        print('OSError', e.errno)\n"
                      "try:\n"
                      "    machine.I2C(1, timeout=2000).scan()\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n")
    assert lines == [
        str([I2C_EEPROM, I2C_NACKS_SECOND_BYTE]),
        "b'kiln'",
        "1 b'iln'",
        "bytearray(b'il')",
        "OSError 5",    # data byte refused: EIO
        "OSError 19",   # nobody at the address: ENODEV
        "OSError 110",  # I2C1's device holds the bus: ETIMEDOUT
    ]
    assert errors(repl, "machine.I2C(2)", "machine.I2C(0, scl=4)", "machine.I2C(0, sda=5)",
                  "machine.I2C(0, freq=2000000)", "machine.I2C(0).writeto(0x80, b'1')",
                  "machine.I2C(0).writeto(0x50, b'')") == [
        "ValueError: I2C(2) does not exist",
        "ValueError: scl: GP4 is not an SCL pin of I2C0",
        "ValueError: sda: GP5 is not an SDA pin of I2C0",
        "ValueError: freq 2000000 out of range (1..1000000)",
        "ValueError: I2C address 128 out of range (0..127)",
        "ValueError: the RP2040 I2C block cannot send an empty write",
    ]


def test_spi0_against_the_complementing_device(repl: ReplClient) -> None:
    lines = values(repl, "import machine\n"
                         "s = machine.SPI(0, baudrate=1000000, polarity=1, phase=1)\n"
                         "print(0 < s.baudrate <= 1000000)\n"
                         "print(s.read(3, 0x0f))\n"
                         "b = bytearray(4)\n"
                         "s.write_readinto(b'\\x00\\x01\\x80\\xff', b)\n"
                         "print(bytes(b))\n"
                         "s.write(b'abc')\n"
                         "r = bytearray(2)\n"
                         "s.readinto(r, 0x55)\n"
                         "print(bytes(r))\n"
                         "print(machine.mem32[0x4003c000] >> 6 & 3)\n")
    assert lines == [True, b"\xf0\xf0\xf0", b"\xff\xfe\x7f\x00", b"\xaa\xaa", 3]  # SSPCR0 SPO|SPH = mode 3
    assert errors(repl, "machine.SPI(2)", "machine.SPI(0, bits=16)", "machine.SPI(0, sck=3)",
                  "machine.SPI(1, miso=4)", "machine.SPI(0, polarity=2)") == [
        "ValueError: SPI(2) does not exist",
        "ValueError: bits: only 8-bit SPI transfers",
        "ValueError: sck: GP3 is not a SCK pin of SPI0",
        "ValueError: miso: GP4 is not a MISO pin of SPI1",
        "ValueError: polarity and phase must be 0 or 1",
    ]


def test_adc_channels_and_temperature(repl: ReplClient) -> None:
    lines = values(repl, "import machine\n"
                         "print([machine.ADC(c).read_u16() for c in range(4)])\n"
                         "print((machine.ADC(machine.Pin(28)).read_u16(), machine.ADC('GP26').read_u16()))\n"
                         "t = machine.ADC(machine.ADC.CORE_TEMP).read_u16()\n"
                         "print(t)\n")

    def u16(raw: int) -> int:  # 12 bits scaled to 16 by repeating the top bits, as MicroPython does
        return raw << 4 | raw >> 8

    assert lines[0] == [u16(v) for v in BENCH_ADC[:4]]
    assert lines[1] == (u16(BENCH_ADC[2]), u16(BENCH_ADC[0]))
    temp_raw = int(lines[2]) >> 4
    assert temp_raw == BENCH_ADC[4]
    celsius = 27 - (temp_raw * 3.3 / 4096 - 0.706) / 0.001721  # datasheet 4.9.5
    assert -40 < celsius < 85
    assert errors(repl, "machine.ADC(5)", "machine.ADC(Pin(25))") == [
        "ValueError: Pin(GPIO5) has no ADC channel (GP26..GP29 or channel 0..4)",
        "ValueError: Pin(GPIO25) has no ADC channel (GP26..GP29 or channel 0..4)",
    ]


@pytest.mark.parametrize(("freq", "duty"), [(1000, 32768), (50, 6553), (100_000, 65535), (25_000, 1)])
def test_pwm_registers_match_the_datasheet_formula(repl: ReplClient, freq: int, duty: int) -> None:
    slice_ = (12 >> 1) & 7  # GP12 is slice 6 channel A
    base = PWM + 0x14 * slice_
    lines = values(repl, "import machine\n"
                         f"pw = machine.PWM(machine.Pin(12), freq={freq}, duty_u16={duty})\n"
                         f"print([machine.mem32[{base} + o] for o in (0, 4, 0xc, 0x10)])\n"
                         f"print(machine.mem32[{IO_BANK0 + 8 * 12 + 4}] & 31)\n"
                         "print((pw.freq(), pw.duty_u16()))\n"
                         "pw.deinit()\n"
                         f"print(machine.mem32[{base}] & 1)\n")
    csr, div, cc, top = lines[0]
    assert csr & 1 == 1 and lines[1] == FUNCSEL_PWM and lines[3] == 0
    divider = (div >> 4 & 0xFF) + (div & 0xF) / 16  # DIV.INT 11:4, DIV.FRAC 3:0
    actual = 125_000_000 / ((top + 1) * divider)  # datasheet 4.5.2.6 (phase-correct off)
    assert abs(actual - freq) / freq < 0.001
    level = cc & 0xFFFF  # channel A
    assert abs(level / (top + 1) - duty / 65535) <= 1 / (top + 1)
    assert lines[2][0] == int(actual) or abs(lines[2][0] - actual) < 1


def test_pwm_duty_ns_and_errors(repl: ReplClient) -> None:
    lines = values(repl, "import machine\n"
                         "pw = machine.PWM(machine.Pin(12), freq=1000, duty_ns=250000)\n"
                         "print((pw.duty_u16(), pw.duty_ns()))\n"
                         "pw.freq(2000)\n"
                         f"print([machine.mem32[{PWM + 0x14 * 6} + o] for o in (0xc, 0x10)])\n")
    assert lines[0] == (16384, 250003)  # 25 % of 65535 rounded; back to ns truncated
    cc, top = lines[1]
    assert abs((cc & 0xFFFF) / (top + 1) - 0.25) < 0.001  # the duty survives a frequency change
    assert errors(repl, "machine.PWM(Pin(12), freq=0)", "machine.PWM(Pin(12), duty_u16=70000)",
                  "machine.PWM(Pin(12), freq=1).duty_ns(-1)") == [
        "ValueError: freq 0 out of range (8..62500000 Hz)",
        "ValueError: duty_u16 70000 out of range (0..65535)",
        "ValueError: freq 1 out of range (8..62500000 Hz)",
    ]


def test_timer_callbacks(repl: ReplClient) -> None:
    lines = run(repl, "import machine, time\n"
                      "n = [0]\n"
                      "got = []\n"
                      "def cb(t):\n"
                      "    n[0] += 1\n"
                      "    got.append(t)\n"
                      "tm = machine.Timer(mode=machine.Timer.PERIODIC, period=10, callback=cb)\n"
                      "time.sleep_ms(105)\n"
                      "tm.deinit()\n"
                      "print(n[0], got[0] is tm)\n"
                      "time.sleep_ms(30)\n"
                      "print(n[0])\n"
                      "one = [0]\n"
                      "def cb1(t):\n"
                      "    one[0] += 1\n"
                      "machine.Timer(mode=machine.Timer.ONE_SHOT, period=5, callback=cb1)\n"
                      "time.sleep_ms(40)\n"
                      "print(one[0])\n"
                      "n[0] = 0\n"
                      "tf = machine.Timer(freq=500, callback=cb)\n"
                      "time.sleep_ms(51)\n"
                      "tf.deinit()\n"
                      "print(n[0])\n")
    first, same = lines[0].split()
    assert 9 <= int(first) <= 11 and same == "True"  # 105 ms of emulated time at 10 ms
    assert lines[1] == first  # nothing after deinit
    assert lines[2] == "1"
    assert 24 <= int(lines[3]) <= 26  # 51 ms at 2 ms
    assert errors(repl, "machine.Timer(mode=3, period=5)", "machine.Timer(freq=0)", "machine.Timer(period=-5)",
                  "machine.Timer(freq=20000)", "[machine.Timer(period=1000) for i in range(5)]") == [
        "ValueError: mode must be Timer.ONE_SHOT or Timer.PERIODIC",
        "ValueError: freq must be positive",
        "ValueError: period must be given (>= 0)",
        "ValueError: Timer period out of range (100 us .. 35 minutes)",
        "OSError: all 4 hardware alarms are in use",
    ]


def test_timer_callbacks_run_while_the_prompt_waits(repl: ReplClient) -> None:
    """As in MicroPython, scheduled callbacks also run while the REPL waits for input (rp2040js advances its
    clock while the core sleeps in WFI, so time passes between the two exchanges)."""
    first = values(repl, "import machine\n"
                         "n = [0]\n"
                         "def cb(t):\n"
                         "    n[0] += 1\n"
                         "tm = machine.Timer(period=5, callback=cb)\n"
                         "print(n[0])\n")[0]
    time.sleep(0.5)
    second = values(repl, "print(n[0])\ntm.deinit()\n")[0]
    assert first == 0 and second > 5


def test_wdt_starts_and_a_soft_reset_stops_it(repl: ReplClient) -> None:
    lines = values(repl, "import machine\n"
                         "w = machine.WDT(timeout=8000)\n"
                         "w.feed()\n"
                         f"print(machine.mem32[{WATCHDOG_CTRL}] & {WATCHDOG_CTRL_ENABLE} != 0)\n")
    assert lines == [True]
    repl.soft_reset()
    assert values(repl, f"import machine\nprint(machine.mem32[{WATCHDOG_CTRL}] & {WATCHDOG_CTRL_ENABLE})\n") == [0]
    assert errors(repl, "machine.WDT(timeout=0)", "machine.WDT(timeout=9000)", "machine.WDT(1)") == [
        "ValueError: timeout 0 out of range (1..8388 ms)",
        "ValueError: timeout 9000 out of range (1..8388 ms)",
        "ValueError: WDT(1) does not exist",
    ]


def test_rp2_bootsel_button(repl: ReplClient) -> None:
    lines = values(repl, "import rp2\nprint(rp2.bootsel_button())\n")
    # rp2040js does not model the QSPI pins: QSPI_SS reads low, which is what a held button does.
    assert lines == [1]


def test_files_on_flash(repl: ReplClient) -> None:
    lines = run(repl, "import os\n"
                      "print(os.getcwd(), os.listdir('/'), os._fs_kind())\n"
                      "with open('/flash/t.txt', 'w') as f:\n"
                      "    print(f.write('hello\\nworld\\n'))\n"
                      "print('t.txt' in os.listdir('/flash'), os.stat('t.txt')[6])\n"
                      "with open('t.txt') as f:\n"
                      "    print(repr(f.readline()), repr(f.read()))\n"
                      "with open('/flash/t.bin', 'wb') as f:\n"
                      "    f.write(bytes(range(256)) * 9)\n"
                      "with open('t.bin', 'rb') as f:\n"
                      "    f.seek(300)\n"
                      "    print(f.read(3), f.tell())\n"
                      "print(open('t.bin', 'rb').read() == bytes(range(256)) * 9)\n"
                      "with open('t.txt', 'a') as f:\n"
                      "    f.write('!')\n"
                      "os.rename('t.txt', 'u.txt')\n"
                      "os.mkdir('sub')\n"
                      "print(sorted(os.listdir()))\n"
                      "os.chdir('sub'); print(os.getcwd()); os.chdir('..')\n"
                      "v = os.statvfs('/flash')\n"
                      "print(v[0] > 0, v[2] > v[3] > 0)\n"
                      "print(os.uname()[0])\n"
                      "for f in (lambda: open('nope'), lambda: os.remove('nope'), lambda: os.listdir('/nope'),\n"
                      "          lambda: os.rmdir('u.txt'), lambda: os.mkdir('sub')):\n"
                      "    try:\n"
                      "        f()\n"
                      "    except OSError as e:\n"
                      "        print('OSError', e.errno)\n"
                      "try:\n"
                      "    open('x', 'q')\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "os.remove('u.txt'); os.remove('t.bin'); os.rmdir('sub')\n"
                      "print(os.listdir())\n")
    assert lines == [
        "/flash ['flash'] ram",
        "12",
        "True 12",
        "'hello\\n' 'world\\n'",
        "b',-.' 303",
        "True",
        "['sub', 't.bin', 'u.txt']",
        "/flash/sub",
        "True True",
        "rp2",
        "OSError 2",
        "OSError 2",
        "OSError 2",
        "OSError 20",
        "OSError 17",
        "ValueError invalid mode: 'q'",
        "[]",
    ]


def test_files_survive_soft_reset_and_boot_py_runs(repl: ReplClient) -> None:
    run(repl, "with open('/flash/boot.py', 'w') as f:\n"
              "    f.write('BOOTED = 6 * 7\\n')\n"
              "with open('/flash/main.py', 'w') as f:\n"
              "    f.write('MAIN = 1\\nprint(\"main.py ran\", BOOTED)\\n')\n"
              "with open('/flash/kmod.py', 'w') as f:\n"
              "    f.write('VALUE = \"from flash\"\\n')\n"
              "with open('/flash/u.txt', 'w') as f:\n"
              "    f.write('hello\\nworld\\n!')\n")
    repl.soft_reset()
    lines = run(repl, "import kmod\n"
                      "print(BOOTED, kmod.VALUE, 'MAIN' in globals())\n"
                      "print(open('/flash/u.txt').read())\n")
    # boot.py runs at every reset; main.py not after a raw-REPL soft reset (tools need the prompt)
    assert lines == ["42 from flash False", "hello", "world", "!"]
    repl.exit_raw()
    repl.write(b"\x04")  # Ctrl-D at the friendly prompt: soft reset, boot.py then main.py
    repl.read_until(b"main.py ran 42", 20)
    repl.enter_raw()
    run(repl, "import os\nfor n in ('boot.py', 'main.py', 'kmod.py', 'u.txt'):\n    os.remove(n)\n")
    repl.soft_reset()
    assert run(repl, "import os\nprint(os.listdir(), 'BOOTED' in globals())\n") == ["[] False"]


def test_mpremote_cp_then_import(emulator: Rp2040Emulator, tmp_path: Path) -> None:
    """The unmodified mpremote copies a file to /flash, imports it, lists and removes it."""
    src = tmp_path / "x.py"
    src.write_text("print('x says', sum(range(10)))\n")
    assert emulator.pty_path is not None
    mp = [sys.executable, "-m", "mpremote", "connect", emulator.pty_path]
    for command, expected in ((["fs", "cp", str(src), ":/flash/x.py"], None), (["exec", "import x"], "x says 45"),
                              (["fs", "ls", ":/flash"], "x.py"), (["fs", "rm", ":/flash/x.py"], None),
                              (["exec", "import os; print(os.listdir('/flash'))"], "[]")):
        result = subprocess.run([*mp, *command], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        if expected is not None:
            assert expected in result.stdout, result.stdout


def test_reset_and_bootloader(board: Board) -> None:
    """machine.reset() reboots (the runner boots a fresh chip, watchdog scratch kept) with reset_cause()
    SOFT_RESET; a WDT left unfed resets with WDT_RESET; machine.bootloader() calls the ROM's reset_usb_boot
    (the runner reports "bootsel")."""
    with Rp2040Emulator(image_path(board, "uf2"), mode="pty") as emu:
        assert emu.pty_path is not None
        with ReplClient(emu.pty_path, timeout=30) as client:
            client.enter_raw()
            client.hard_reset()
            emu.wait_status("reset", 20)
            client.enter_raw()
            assert run(client, "import machine\nprint(machine.reset_cause() == machine.SOFT_RESET)\n") == ["True"]
            after = len(emu.status)
            client._exec_and_leave("import machine, time\nmachine.WDT(timeout=1)\ntime.sleep_ms(100)")
            emu.wait_status("reset", 20, after=after)  # not fed: the watchdog resets the chip
            client.enter_raw()
            assert run(client, "import machine\nprint(machine.reset_cause() == machine.WDT_RESET)\n") == ["True"]
            client._exec_and_leave("import machine\nmachine.bootloader()")
            result = emu.wait(20)
    assert result.kind == "bootsel"


# -- the mount decision on the real flash path (unicorn + the SPI NOR model, tests/support/rp2_*) ---------------

MOUNT_HARNESS = r"""
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "rp2_flash.h"
#include "rp2_qspi.h"

uint32_t h_out[2];

void kiln_main(void) {
    for (;;) {
    }
}

/* What hal_init does for the flash path, then the heap the interpreter would get (which decides /flash). */
int h_boot(void) {
    int err = rp2_qspi_init();
    if (err == 0) {
        err = rp2_flash_init();
    }
    void *start;
    size_t len;
    hal_heap_region(&start, &len);
    h_out[0] = (uint32_t)len;
    hal_heap_region(&start, &len); /* a soft reset: same answer, decided once */
    h_out[1] = (uint32_t)len;
    return err;
}
"""


def boot_mount_harness(board: Board, nor: object, image: bytes = b"") -> tuple[int, int]:
    """Links ports/rp2 drivers + mod_os.c's mount decision + kfs, boots it over `nor` (holding `image`, else
    erased); returns the heap length hal_heap_region gave twice."""
    from kiln.build import build_dir
    from tests.support.rp2_unicorn import Rp2Machine, link_harness

    out = build_dir(board)
    port, core_fs = ROOT / "ports" / "rp2", ROOT / "core" / "fs"
    sources = [*sorted(core_fs.glob("*.c")), port / "fs" / "flash_bd.c", port / "mod_os.c"]
    elf = link_harness(out / "gen", out / "boot2" / "boot2_block.c", MOUNT_HARNESS, ["h_boot", "h_out"], "mount",
                       extra_sources=sources, include_dirs=[core_fs, port / "fs", ROOT / "build" / "qstr" / "rp2"])
    m = Rp2Machine(elf, nor=nor, flash_image=image)  # type: ignore[arg-type]
    m.run_boot2()
    assert m.call_signed("h_boot", count=50_000_000) == 0
    raw = m.read(m.symbols["h_out"], 8)
    return int.from_bytes(raw[:4], "little"), int.from_bytes(raw[4:], "little")


def test_flash_holds_the_filesystem_when_it_can(board: Board) -> None:
    """On a writable chip /flash is kfs in the flash region (no RAM carved); the next boot mounts it
    without erasing anything; a write-protected chip (as in rp2040js, whose SSI cannot write) falls back to
    the 32 KiB RAM disk in emulator builds."""
    from tests.support.rp2_models import NorTiming, SpiNor

    nor = SpiNor(timing=NorTiming(sector_erase_us=300.0, page_program_us=50.0))
    full, again = boot_mount_harness(board, nor)
    assert full == again > 100_000
    assert nor.erases and min(nor.erases) >= 0x100000  # formatted inside the filesystem region
    erases = len(nor.erases)
    second = SpiNor(timing=NorTiming(sector_erase_us=300.0, page_program_us=50.0))
    assert boot_mount_harness(board, second, bytes(nor.memory)) == (full, full)
    assert second.erases == [] and erases > 0  # mounted what the first boot formatted

    protected = SpiNor(quad_enabled=True)  # boot2 then needs no status write, which a protected chip refuses
    protected.write_protected = True
    carved, carved_again = boot_mount_harness(board, protected)
    assert full - carved == 32 * 1024 and carved == carved_again


def test_os_shared_layer(repl: ReplClient) -> None:
    """The shared `_os`/os.py layer with this port's volume (tests/support/os_shared.py)."""
    assert_os_shared(lambda code: run(repl, code), BOARD)
