"""The ESP32-C3 port's `machine` and `os` modules on ESP32_GENERIC_C3 in the unicorn model, driven through the
raw REPL (kiln.repl_client.ReplClient on the emulator's pty).

Expected values come from outside the firmware: register formulas of the ESP32-C3 TRM (LEDC timer divider
and duty, UART clock divider), the emulator's independent peripheral models (pad levels, the PWM signal a
channel produces, UART bytes on the wire, I2C/SPI targets, the ADC code fed in), the emulated SPI flash
itself, and the partition table the build wrote."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.emulators.esp32c3 import Esp32c3Emulator, I2cMemoryDevice
from kiln.repl_client import ReplClient
from tests.support.board_repl import fresh_repl, run_lines
from tests.support.esp32_layout import vfs_partition
from tests.support.os_shared import assert_os_shared

ROOT = Path(__file__).resolve().parent.parent
BOARD = "ESP32_GENERIC_C3"
MAC = bytes.fromhex("7cdfa1c0ffee")

# Register addresses (ESP32-C3 TRM).
GPIO_OUT = 0x60004004
GPIO_ENABLE = 0x60004020
LEDC = 0x60019000
UART1 = 0x60010000
SYSTEM_CPU_PER_CONF = 0x600C0008
XTAL_HZ = 40_000_000


@pytest.fixture(scope="module")
def merged(built: Callable[[str], Board]) -> bytes:
    built(BOARD)
    return (ROOT / "build" / BOARD / "firmware-merged.bin").read_bytes()


@pytest.fixture(scope="module")
def emu(merged: bytes) -> Iterator[Esp32c3Emulator]:
    with Esp32c3Emulator(merged, mode="pty", mac=MAC) as emulator:
        assert emulator.pty_path is not None
        yield emulator


@pytest.fixture
def repl(emu: Esp32c3Emulator) -> Iterator[ReplClient]:
    yield from fresh_repl(emu.pty_path)


def run(repl: ReplClient, code: str) -> list[str]:
    return run_lines(repl, code)


# ---------------------------------------------------------------- machine basics


def test_identity_clock_and_reset_cause(repl: ReplClient) -> None:
    lines = run(repl, "import machine\n"
                      "print(machine.unique_id().hex())\n"
                      "print(machine.freq())\n"
                      "print(machine.reset_cause() == machine.PWRON_RESET)\n"
                      "machine.freq(80000000)\n"
                      f"print(machine.freq(), machine.mem32[0x{SYSTEM_CPU_PER_CONF:x}] & 3)\n"
                      "machine.freq(160000000)\n"
                      f"print(machine.freq(), machine.mem32[0x{SYSTEM_CPU_PER_CONF:x}] & 3)\n"
                      "machine.idle()\n"
                      "print('idle')\n")
    # CPUPERIOD_SEL (TRM, CPU clock): 0 = 80 MHz, 1 = 160 MHz from the PLL.
    assert lines == [MAC.hex(), "160000000", "True", "80000000 0", "160000000 1", "idle"]


def test_pin_output_level_is_in_gpio_out_and_on_the_pad(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    lines = run(repl, "from machine import Pin, mem32\n"
                      "p = Pin(5, Pin.OUT, value=0)\n"
                      f"print(mem32[0x{GPIO_OUT:x}] >> 5 & 1, mem32[0x{GPIO_ENABLE:x}] >> 5 & 1)\n"
                      "p.on()\n"
                      f"print(mem32[0x{GPIO_OUT:x}] >> 5 & 1, p.value())\n")
    assert lines == ["0 1", "1 1"]
    assert emu.gpio_output(5) == 1 and emu.gpio_level(5) == 1
    lines = run(repl, "from machine import Pin, mem32\n"
                      "p = Pin('GPIO5')\n"
                      "p.toggle()\n"
                      f"print(mem32[0x{GPIO_OUT:x}] >> 5 & 1, p(), Pin.board.LED, Pin('LED'))\n")
    assert lines == ["0 0 Pin(8) Pin(8)"]  # board.toml: LED = "GPIO8"
    assert emu.gpio_output(5) == 0 and emu.gpio_level(5) == 0


def test_pin_inputs_pulls_and_open_drain(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    run(repl, "from machine import Pin\nPin(6, Pin.IN, Pin.PULL_UP)\nPin(7, Pin.IN, Pin.PULL_DOWN)\n"
              "Pin(4, Pin.OPEN_DRAIN, value=1)\n")
    assert emu.pad_config(6)["pull_up"] and emu.pad_config(7)["pull_down"] and emu.pad_config(4)["open_drain"]
    assert emu.gpio_output(4) is None  # open drain releases a 1
    assert run(repl, "from machine import Pin\nprint(Pin(6).value(), Pin(7).value())\n") == ["1 0"]
    emu.gpio_drive(6, 0)
    emu.gpio_drive(7, 1)
    try:
        assert run(repl, "from machine import Pin\nprint(Pin(6).value(), Pin(7).value())\n") == ["0 1"]
    finally:
        emu.gpio_drive(6, None)
        emu.gpio_drive(7, None)


def test_pin_irq_runs_the_handler_for_each_edge(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    emu.gpio_drive(10, 0)
    try:
        run(repl, "from machine import Pin\n"
                  "seen = []\n"
                  "p = Pin(10, Pin.IN)\n"
                  "p.irq(lambda pin: seen.append(pin), Pin.IRQ_RISING)\n")
        for _ in range(3):
            emu.gpio_drive(10, 1)
            run(repl, "pass\n")
            emu.gpio_drive(10, 0)
            run(repl, "pass\n")
        lines = run(repl, "import time\n"
                          "for _ in range(50):\n"
                          "    if len(seen) >= 3:\n"
                          "        break\n"
                          "    time.sleep_ms(10)\n"
                          "print(len(seen), seen[0])\n"
                          "p.irq(None)\n")
        assert lines == ["3 Pin(10)"]  # rising edges only
        emu.gpio_drive(10, 1)
        assert run(repl, "import time\ntime.sleep_ms(50)\nprint(len(seen))\n") == ["3"]  # switched off
    finally:
        emu.gpio_drive(10, None)


def test_timer_periodic_and_one_shot_callbacks(repl: ReplClient) -> None:
    lines = run(repl, "from machine import Timer\n"
                      "import time\n"
                      "ticks = []\n"
                      "t = Timer(0, mode=Timer.PERIODIC, period=5, callback=lambda tm: ticks.append(tm))\n"
                      "start = time.ticks_ms()\n"
                      "while len(ticks) < 5 and time.ticks_diff(time.ticks_ms(), start) < 5000:\n"
                      "    time.sleep_ms(1)\n"
                      "t.deinit()\n"
                      "n = len(ticks)\n"
                      "print(n >= 5, ticks[0] is t)\n"
                      "time.sleep_ms(60)\n"
                      "print(len(ticks) == n)\n"
                      "once = []\n"
                      "Timer(1, mode=Timer.ONE_SHOT, period=5, callback=once.append)\n"
                      "time.sleep_ms(80)\n"
                      "print(len(once))\n"
                      "import machine\n"
                      "fired = []\n"
                      "Timer(1, mode=Timer.ONE_SHOT, period=20, callback=fired.append)\n"
                      "while not fired:\n"
                      "    machine.idle()\n"
                      "print('woke', len(fired))\n")
    # No callbacks after deinit(); a one-shot fires once; idle() returns on the timer's interrupt.
    assert lines == ["True True", "True", "1", "woke 1"]
    lines = run(repl, "from machine import Timer\n"
                      "import time\n"
                      "Timer(0, mode=Timer.ONE_SHOT, period=2, callback=lambda t: 1 // 0)\n"
                      "time.sleep_ms(50)\n"
                      "print('still running')\n")
    # A failing callback is reported, as MicroPython does, and the interrupted program carries on.
    assert lines[0] == "Uncaught exception in callback handler" and lines[-1] == "still running"
    assert any("ZeroDivisionError" in line for line in lines)


# ---------------------------------------------------------------- PWM, UART, I2C, SPI, ADC through their registers


def ledc_timer(conf: int) -> tuple[int, int]:
    """LEDC_TIMERx_CONF (TRM): DUTY_RES bits 3:0, CLK_DIV 21:4 (10 integer + 8 fractional bits)."""
    return conf & 0xF, (conf >> 4) & 0x3FFFF


@pytest.mark.parametrize(("freq", "duty"), [(1000, 16384), (5000, 32768), (50, 1000), (250_000, 49152)])
def test_pwm_registers_match_the_trm_formulas(repl: ReplClient, emu: Esp32c3Emulator, freq: int, duty: int) -> None:
    lines = run(repl, "from machine import PWM, Pin, mem32\n"
                      f"p = PWM(Pin(3), freq={freq}, duty_u16={duty})\n"
                      "ch = p._ch\n"
                      "t = mem32[0x%x + 0x14 * ch] & 3\n"
                      "print(ch, t, mem32[0x%x + 8 * t], mem32[0x%x + 0x14 * ch], p.freq(), p.duty_u16())\n"
                      % (LEDC, LEDC + 0xA0, LEDC + 0x08))
    ch, _timer, conf, duty_reg, got_freq, got_duty = (int(v) for v in lines[0].split())
    bits, div = ledc_timer(conf)
    # f = f_src / (div / 256) / 2^bits with the 40 MHz XTAL as source (LEDC_SCLK_SEL 3).
    trm_freq = XTAL_HZ * 256 / div / (1 << bits)
    assert abs(trm_freq - freq) / freq < 0.01
    assert got_freq == int(XTAL_HZ * 256 // div) >> bits
    # LEDC_DUTY has 4 fractional bits; the high time is duty/2^bits of the period.
    counts = duty_reg >> 4
    assert abs(counts / (1 << bits) - duty / 65536) <= 1 / (1 << bits)
    assert abs(got_duty - duty) <= 65536 >> bits
    state = emu.pwm_state(ch)  # what the emulator's LEDC model says the pin outputs
    assert state.running and state.pins == (3,)
    assert abs(state.freq - trm_freq) < 1e-6 * freq and abs(state.duty - duty / 65536) <= 1 / (1 << bits)
    lines = run(repl, "from machine import PWM, Pin\n"
                      "p = PWM(Pin(3))\n"
                      "p.duty_u16(65535)\n"
                      "print(p.duty_u16())\n"
                      "p.deinit()\n")
    assert lines == ["65535"]
    assert not emu.pwm_state(ch).running


def test_pwm_channels_share_timers_by_frequency(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    lines = run(repl, "from machine import PWM, Pin, mem32\n"
                      "a = PWM(Pin(3), freq=1000)\n"
                      "b = PWM(Pin(4), freq=1000)\n"
                      "c = PWM(Pin(5), freq=2000)\n"
                      f"tm = [mem32[0x{LEDC:x} + 0x14 * x._ch] & 3 for x in (a, b, c)]\n"
                      "print(tm[0] == tm[1], tm[0] != tm[2], abs(c.freq() - 2000) < 20)\n"
                      "PWM(Pin(6), freq=3000)\n"
                      "PWM(Pin(7), freq=4000)\n"
                      "for pin, f in ((8, 5000), (8, 1000), (9, 2000)):\n"
                      "    try:\n"
                      "        PWM(Pin(pin), freq=f)\n"
                      "        print('ok', pin, f)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n")
    assert lines == ["True True True",
                     "ValueError freq: all 4 PWM timers run other frequencies",  # 1000/2000/3000/4000 taken
                     "ok 8 1000",  # a sixth channel on a timer that already runs 1000 Hz
                     "ValueError out of PWM channels (6)"]
    states = [emu.pwm_state(ch) for ch in range(6)]
    assert all(st.running for st in states)
    freqs = sorted(st.freq for st in states)
    for got, want in zip(freqs, [1000, 1000, 1000, 2000, 3000, 4000], strict=True):
        assert abs(got - want) / want < 0.01  # the 10.8 fixed-point divider rounds


@pytest.mark.parametrize("baud", [115200, 9600, 1200, 921600])
def test_uart_divisor_matches_the_trm_formula_and_bytes_cross_the_wire(repl: ReplClient, emu: Esp32c3Emulator,
                                                                      baud: int) -> None:
    lines = run(repl, "from machine import UART, Pin, mem32\n"
                      f"u = UART(1, {baud}, tx=Pin(0), rx=Pin(1), timeout=200)\n"
                      "print(u.baudrate, mem32[0x%x], mem32[0x%x])\n"
                      "u.write(b'kiln%d')\n" % (UART1 + 0x14, UART1 + 0x78, baud))
    reported, clkdiv, clk_conf = (int(v) for v in lines[0].split())
    # UART_CLKDIV: integer part 11:0, 4-bit fraction 23:20; the core clock is SCLK_SEL (3 = XTAL) / (DIV_NUM + 1).
    assert (clk_conf >> 20) & 3 == 3
    sclk = XTAL_HZ / (((clk_conf >> 12) & 0xFF) + 1)
    divisor = (clkdiv & 0xFFF) + ((clkdiv >> 20) & 0xF) / 16
    actual = sclk / divisor
    assert abs(actual - baud) / baud < 0.005
    assert abs(reported - actual) <= 1
    assert abs(emu.uart_baud(1) - actual) < 1e-6 * baud
    assert emu.serial_output(0).endswith(f"kiln{baud}".encode())


def test_uart_reads_what_arrives(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    assert run(repl, "from machine import UART\nu = UART(1, 115200, tx=0, rx=1, timeout=100)\nprint(u.any())\n") == ["0"]
    emu.serial_input(1, b"hello uart\nmore")
    lines = run(repl, "import time\n"
                      "start = time.ticks_ms()\n"
                      "while u.any() < 15 and time.ticks_diff(time.ticks_ms(), start) < 2000:\n"
                      "    time.sleep_ms(1)\n"
                      "print(u.any(), u.read(5), u.readline(), u.read())\n"
                      "want = 'UART(1, baudrate=%d, bits=8, parity=None, stop=1, tx=0, rx=1)' % u.baudrate\n"
                      "print(u.read(1), repr(u) == want)\n")
    assert lines == ["15 b'hello' b' uart\\n' b'more'",
                     "None True"]


def test_asyncio_stream_reads_uart1(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    """machine.UART answers select.poll's ioctl: an asyncio StreamReader waits for bytes sent later."""
    run(repl, "import asyncio\nfrom machine import UART\nu = UART(1, 115200, tx=0, rx=1, timeout=0)\n"
              "print(u.ioctl(3, 1 | 4), u.ioctl(9, 0))\n")
    emu.serial_input(1, b"line for asyncio\n")
    lines = run(repl, "async def main():\n"
                      "    return await asyncio.wait_for(asyncio.StreamReader(u).readline(), 2)\n"
                      "print(asyncio.run(main()))\n"
                      "print(u.ioctl(3, 1))\n")
    assert lines == ["b'line for asyncio\\n'", "0"]


def test_i2c_and_spi_talk_to_targets(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    eeprom = I2cMemoryDevice(bytes(range(256)))
    emu.add_i2c_device(0x50, eeprom, scl=2, sda=3)
    emu.set_spi_device(lambda mosi: bytes(b ^ 0xFF for b in mosi), sck=4, mosi=5, miso=6)
    lines = run(repl, "from machine import I2C, SPI, Pin\n"
                      "i = I2C(0, scl=Pin(2), sda=Pin(3), freq=100000)\n"
                      "print(i.scan())\n"
                      "print(i.readfrom_mem(0x50, 0x10, 4))\n"
                      "i.writeto_mem(0x50, 0x20, b'kiln')\n"
                      "print(i.readfrom_mem(0x50, 0x20, 4))\n"
                      "try:\n"
                      "    i.writeto(0x51, b'x')\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n"
                      "s = SPI(1, baudrate=1000000, sck=Pin(4), mosi=Pin(5), miso=Pin(6))\n"
                      "r = bytearray(3)\n"
                      "s.write_readinto(b'\\x00\\x0f\\xf0', r)\n"
                      "print(bytes(r), s.read(2, 0x55))\n")
    import errno

    assert lines == ["[80]", "b'\\x10\\x11\\x12\\x13'", "b'kiln'", f"OSError {errno.ENODEV}",
                     "b'\\xff\\xf0\\x0f' b'\\xaa\\xaa'"]
    assert bytes(eeprom.memory[0x20:0x24]) == b"kiln"
    assert [t.mosi for t in emu.spi_log[-2:]] == [b"\x00\x0f\xf0", b"\x55\x55"]


def test_adc_read_u16_scales_the_12_bit_code(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    emu.set_adc(2, 1234)
    emu.set_adc(0, 4095)
    lines = run(repl, "from machine import ADC, Pin\n"
                      "a = ADC(Pin(2), atten=ADC.ATTN_11DB)\n"
                      "print(a.read(), a.read_u16(), ADC(Pin(0)).read_u16())\n")
    raw, u16, full = (int(v) for v in lines[0].split())
    assert raw == 1234 and abs(u16 - 1234 * 65535 / 4095) < 1 and full == 65535  # 12 bits onto 0..65535
    assert emu.adc_conversions[-3:] == [(2, 3), (2, 3), (0, 0)]


def test_mem32_reads_and_writes_words(repl: ReplClient) -> None:
    lines = run(repl, "from machine import mem32\n"
                      "mem32[0x60008054] = 0xDEADBEEF\n"  # RTC_CNTL_STORE1: a scratch register
                      "print(hex(mem32[0x60008054]))\n"
                      "mem32[0x60008054] = 0\n")
    assert lines == ["0xdeadbeef"]


BAD_ARGUMENTS = [
    ("Pin(12)", "GPIO12"),
    ("Pin(22)", "GPIO22"),
    ("Pin('GPIO99')", "GPIO99"),
    ("Pin('NOPE')", "NOPE"),
    ("Pin(5, mode=99)", "mode"),
    ("Pin(5, Pin.IN, pull=7)", "pull"),
    ("Pin(5).irq(print, trigger=9)", "trigger"),
    ("PWM(Pin(3), freq=0)", "freq"),
    ("PWM(Pin(3), freq=1000, duty_u16=70000)", "duty_u16"),
    ("UART(2, tx=0, rx=1)", "UART(2)"),
    ("UART(1, 10, tx=0, rx=1)", "baudrate"),
    ("UART(1, 9600, bits=7, tx=0, rx=1)", "bits"),
    ("UART(1, 9600, tx=0)", "rx"),
    ("I2C(1, scl=2, sda=3)", "I2C(1)"),
    ("I2C(0, scl=2, sda=3, freq=0)", "freq"),
    ("SPI(0, sck=4)", "SPI(0)"),
    ("SPI(1, polarity=2, sck=4)", "polarity"),
    ("ADC(Pin(7))", "ADC1"),
    ("ADC(Pin(1), atten=9)", "atten"),
    ("Timer(5)", "Timer(5)"),
    ("Timer(0, period=-1, callback=print)", "period"),
    ("Timer(0, mode=7, period=10)", "mode"),
    ("WDT(timeout=0)", "timeout"),
    ("mem32[0x60000002]", "aligned"),
    ("mem32[0x10]", "not mapped"),
    ("freq(12345)", "freq"),
]


def test_bad_arguments_raise_value_error_naming_the_argument(repl: ReplClient) -> None:
    lines = run(repl, "from machine import *\n"
                      "for src in %r:\n"
                      "    try:\n"
                      "        eval(src)\n"
                      "        print('no error:', src)\n"
                      "    except ValueError as e:\n"
                      "        print(e)\n" % [src for src, _ in BAD_ARGUMENTS])
    assert len(lines) == len(BAD_ARGUMENTS)
    for (src, word), line in zip(BAD_ARGUMENTS, lines, strict=True):
        assert word in line, f"{src}: {line!r} does not name {word!r}"


# ---------------------------------------------------------------- the filesystem on flash


def test_file_round_trip_survives_soft_reset_and_lands_in_flash(repl: ReplClient, emu: Esp32c3Emulator) -> None:
    payload = bytes((i * 7 + 3) & 0xFF for i in range(3000))
    run(repl, "import os\n"
              "for n in os.listdir('/flash'):\n"
              "    if n.startswith('rt'):\n"
              "        os.remove('/flash/' + n)\n"
              f"with open('/flash/rt.bin', 'wb') as f:\n"
              f"    f.write({payload!r})\n"
              "with open('rt.txt', 'w') as f:\n"
              "    f.write('kiln on flash\\n')\n")
    repl.enter_raw(soft_reset=True)  # new heap, new interpreter: only the flash remembers
    lines = run(repl, "import os\n"
                      "print(sorted(n for n in os.listdir() if n.startswith('rt')))\n"
                      "print(os.stat('/flash/rt.bin')[6], open('rt.txt').read().strip())\n"
                      "d = open('/flash/rt.bin', 'rb').read()\n"
                      "print(len(d), sum(d))\n"
                      "os.rename('rt.txt', 'rt2.txt')\n"
                      "os.mkdir('rtdir')\n"
                      "print(sorted(n for n in os.listdir() if n.startswith('rt')), os.stat('rtdir')[0] == 0x4000)\n"
                      "os.remove('rt2.txt')\n"
                      "os.rmdir('rtdir')\n"
                      "print(sorted(n for n in os.listdir() if n.startswith('rt')))\n")
    assert lines == ["['rt.bin', 'rt.txt']", "3000 kiln on flash", f"3000 {sum(payload)}",
                     "['rt.bin', 'rt2.txt', 'rtdir'] True", "['rt.bin']"]
    vfs = vfs_partition()
    assert emu.flash[vfs.offset:vfs.offset + vfs.size].find(payload[:1024]) >= 0  # on the SPI flash itself


def test_statvfs_and_uname(repl: ReplClient) -> None:
    lines = run(repl, "import os, sys\n"
                      "s = os.statvfs('/flash')\n"
                      "print(s[0], s[2], 0 < s[3] <= s[2])\n"
                      "u = os.uname()\n"
                      "print(u[0], sys.platform, 'ESP32-C3' in u[4])\n"
                      "try:\n"
                      "    open('/flash/nothing-here')\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n"
                      "try:\n"
                      "    open('/flash/x', 'q')\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    vfs = vfs_partition()
    import errno

    assert lines == [f"4096 {vfs.size // 4096} True", "esp32 esp32 True", f"OSError {errno.ENOENT}",
                     "ValueError invalid mode: 'q'"]


def test_boot_py_runs_on_every_reset_and_main_py_not_in_raw_repl(repl: ReplClient) -> None:
    run(repl, "with open('/flash/boot.py', 'w') as f:\n"
              "    f.write('BOOT_MARK = 6 * 7\\n')\n"
              "with open('/flash/main.py', 'w') as f:\n"
              "    f.write('MAIN_MARK = 1\\n')\n")
    try:
        repl.enter_raw(soft_reset=True)
        lines = run(repl, "print(BOOT_MARK, 'MAIN_MARK' in globals())\n")
        assert lines == ["42 False"]
    finally:
        run(repl, "import os\nos.remove('/flash/boot.py')\nos.remove('/flash/main.py')\n")
    repl.enter_raw(soft_reset=True)
    assert run(repl, "print('BOOT_MARK' in globals())\n") == ["False"]


def test_unmodified_mpremote_copies_lists_and_imports_a_file(emu: Esp32c3Emulator, tmp_path: Path) -> None:
    assert emu.pty_path is not None
    source = tmp_path / "mp_hello.py"
    source.write_text("print('hello via mpremote', 6 * 7)\n")

    def mpremote(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "mpremote", "connect", str(emu.pty_path), *args],
                                capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return result.stdout.decode().replace("\r\n", "\n")

    mpremote("fs", "cp", str(source), ":mp_hello.py")
    assert "mp_hello.py" in mpremote("fs", "ls", ":")
    assert mpremote("exec", "import mp_hello") == "hello via mpremote 42\n"
    assert mpremote("fs", "cat", ":mp_hello.py") == source.read_text()
    mpremote("fs", "rm", ":mp_hello.py")
    assert "mp_hello.py" not in mpremote("fs", "ls", ":")


# ---------------------------------------------------------------- resets (their own emulator: they reboot the chip)


def test_reset_main_py_reset_cause_and_bootloader(merged: bytes) -> None:
    with Esp32c3Emulator(merged, mode="pty") as emu:
        assert emu.pty_path is not None
        with ReplClient(emu.pty_path, timeout=30) as client:
            client.enter_raw(soft_reset=True)
            run(client, "with open('/flash/main.py', 'w') as f:\n"
                        "    f.write('import machine\\nMAIN_CAUSE = machine.reset_cause()\\n')\n")
            client.write(b"import machine\r\nmachine.reset()\r\x04")  # raw REPL: run it; the chip reboots
            client.read_until(b"OK", timeout=10)
            deadline = time.monotonic() + 30
            while emu.boots < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert emu.boots == 2
            client.read_until(b">>> ", timeout=30)  # a full boot: main.py ran before the friendly REPL
            client.enter_raw(soft_reset=False)
            lines = run(client, "import machine, os\n"
                                "print(MAIN_CAUSE == machine.SOFT_RESET, machine.reset_cause())\n"
                                "os.remove('/flash/main.py')\n")
            assert lines == ["True 5"]
            assert emu.reset_reasons == [1, 3]  # POWERON, then RTC_SW_SYS_RST
            # A fed watchdog keeps the chip alive; a starved one resets it (TG0WDT_SYS_RST) as WDT_RESET.
            lines = run(client, "from machine import WDT\n"
                                "import time\n"
                                "w = WDT(timeout=1000)\n"
                                "for _ in range(30):\n"
                                "    w.feed()\n"
                                "    time.sleep_ms(20)\n"
                                "print('fed', w.timeout)\n")
            assert lines == ["fed 1000"] and emu.boots == 2
            client.write(b"import time\r\ntime.sleep_ms(10000)\r\x04")
            client.read_until(b"OK", timeout=10)
            deadline = time.monotonic() + 30
            while emu.boots < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert emu.boots == 3 and emu.reset_reasons[-1] == 7
            client.read_until(b">>> ", timeout=30)
            client.enter_raw(soft_reset=False)
            assert run(client, "import machine\nprint(machine.reset_cause() == machine.WDT_RESET)\n") == ["True"]
            client.write(b"import machine\r\nmachine.bootloader()\r\x04")
            result = emu.wait(30)
            assert result.kind == "download", result
            assert re.search(rb"boot:0x0 \(DOWNLOAD", emu.output)



def test_os_shared_layer(repl: ReplClient) -> None:
    """The shared `_os`/os.py layer with this port's volume (tests/support/os_shared.py)."""
    assert_os_shared(lambda code: run(repl, code), BOARD)
