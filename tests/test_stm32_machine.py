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
from tests.support.board_repl import fresh_repl, run_lines
from tests.support.os_shared import assert_os_shared

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
    yield from fresh_repl(qemu.pty_path, timeout=10.0)


def run(repl: ReplClient, code: str) -> list[str]:
    return run_lines(repl, code)


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


# ---- PWM, Timer, DAC, mem32, lightsleep, pyb ---------------------------------------------------------------

# QEMU 7.2's TIM2..5 count at a fixed 1 GHz whatever the (unmodelled) RCC says (measured: TIM2 CNT with PSC 0;
# ports/stm32/SConscript); on a chip it would be the APB timer clock.
QEMU_TIMER_HZ = 1_000_000_000
TIM_BASE = {2: 0x40000000, 3: 0x40000400, 4: 0x40000800, 5: 0x40000C00}
PSC, ARR, CCR1, CCMR1, CCMR2, CCER, CR1, DIER = 0x28, 0x2C, 0x34, 0x18, 0x1C, 0x20, 0x00, 0x0C


def tim_regs(repl: ReplClient, timer: int, channel: int) -> dict[str, int]:
    base = TIM_BASE[timer]
    ccmr = base + (CCMR1 if channel <= 2 else CCMR2)
    lines = run(repl, "from machine import mem32\n"
                      f"print(mem32[{base + PSC}], mem32[{base + ARR}], mem32[{base + CCR1 + 4 * (channel - 1)}], "
                      f"mem32[{ccmr}], mem32[{base + CCER}], mem32[{base + CR1}], mem32[{base + DIER}])\n")
    psc, arr, ccr, ccmr_value, ccer, cr1, dier = map(int, lines[0].split())
    shift = 8 * ((channel - 1) % 2)
    return {"psc": psc, "arr": arr, "ccr": ccr, "ocm": (ccmr_value >> (shift + 4)) & 7,
            "preload": (ccmr_value >> (shift + 3)) & 1, "cce": (ccer >> (4 * (channel - 1))) & 1,
            "ccp": (ccer >> (4 * (channel - 1) + 1)) & 1, "cen": cr1 & 1, "uie": dier & 1}


def rm_freq(regs: dict[str, int]) -> float:
    """RM0090 18.3.1: update frequency = timer clock / ((PSC + 1) * (ARR + 1))."""
    return QEMU_TIMER_HZ / ((regs["psc"] + 1) * (regs["arr"] + 1))


@pytest.mark.parametrize("pin,timer,channel,freq,duty", [
    ("B4", 3, 1, 1000, 16384),      # TIM3_CH1 (AF2)
    ("A0", 2, 1, 50, 49152),        # TIM2_CH1, 32-bit counter
    ("B9", 4, 4, 20000, 1),         # TIM4_CH4
    ("A3", 2, 4, 7, 65535),         # 100%: CCR above ARR
])
def test_pwm_registers_follow_the_reference_manual(repl: ReplClient, pin: str, timer: int, channel: int,
                                                    freq: int, duty: int) -> None:
    lines = run(repl, "from machine import PWM, Pin\n"
                      f"p = PWM(Pin('{pin}'), freq={freq}, duty_u16={duty})\n"
                      "print(p.freq(), p.duty_u16())\n"
                      "print(p)\n")
    regs = tim_regs(repl, timer, channel)
    reached = int(lines[0].split()[0])
    assert rm_freq(regs) == pytest.approx(freq, rel=1e-3)
    assert reached == int(rm_freq(regs)), "freq() reports what PSC/ARR give"
    assert int(lines[0].split()[1]) == duty
    expected_ccr = regs["arr"] + 1 if duty == 65535 else (regs["arr"] + 1) * duty // 65536
    assert regs["ccr"] == expected_ccr
    assert regs["ocm"] == 6 and regs["preload"] == 1, "PWM mode 1 with CCR preload (OCxM = 110, OCxPE)"
    assert regs["cce"] == 1 and regs["ccp"] == 0 and regs["cen"] == 1
    assert lines[1] == f"PWM(P{pin}, freq={reached}, duty_u16={duty}, timer={timer}, channel={channel})"
    run(repl, "p.deinit()\n")
    assert tim_regs(repl, timer, channel)["cce"] == 0, "deinit turns the channel's output off"


def test_pwm_duty_ns_freq_changes_and_invert(repl: ReplClient) -> None:
    run(repl, "from machine import PWM\n"
              "p = PWM('B6', freq=50, duty_ns=1500000, invert=True)\n")
    regs = tim_regs(repl, 4, 1)
    tick_ns = (regs["psc"] + 1) * 1e9 / QEMU_TIMER_HZ
    assert regs["ccr"] == round(1_500_000 / tick_ns) and regs["ccp"] == 1, "width / tick; CC1P for invert"
    lines = run(repl, "print(p.duty_ns())\n"
                      "p.freq(100)\n"
                      "print(p.freq())\n")
    assert abs(int(lines[0]) - 1_500_000) <= tick_ns
    regs = tim_regs(repl, 4, 1)
    assert rm_freq(regs) == pytest.approx(100, rel=1e-3) and int(lines[1]) == int(rm_freq(regs))
    assert regs["ccr"] == round(1_500_000 / ((regs["psc"] + 1) * 1e9 / QEMU_TIMER_HZ)), "the width survives freq()"
    assert run(repl, "p.duty_u16(32768)\nprint(p.duty_u16())\n") == ["32768"]
    assert tim_regs(repl, 4, 1)["ccr"] == (regs["arr"] + 1) // 2
    run(repl, "p.deinit()\n")


def test_pwm_errors(repl: ReplClient) -> None:
    lines = run(repl, "from machine import PWM, Timer\n"
                      "for args in (('A4',), ('B4', 0), ('B4', 1000, 70000), ('B4', 1000, -1)):\n"
                      "    try:\n"
                      "        PWM(*args)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    PWM('B4', duty_u16=1, duty_ns=1)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "p = PWM('B4')\n"
                      "try:\n"
                      "    Timer(3, freq=10)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "p.deinit()\n"
                      "try:\n"
                      "    p.freq()\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines == [
        "ValueError pin PA4 has no timer channel for PWM",
        "ValueError freq 0 Hz is out of range for TIM3",
        "ValueError duty_u16 must be 0..65535",
        "ValueError duty_u16 must be 0..65535",
        "ValueError give duty_u16 or duty_ns, not both",
        "ValueError TIM3 is in use by PWM",
        "ValueError PWM is deinitialised",
    ]


def test_timer_callbacks_periodic_and_one_shot(repl: ReplClient) -> None:
    """Timer(-1) counts SysTick milliseconds and schedules its callback (micropython.schedule's queue) from
    the interrupt; time.sleep_ms counts the same milliseconds, so the number of calls follows from the two
    periods, not from wall-clock speed."""
    lines = run(repl, "import time\n"
                      "from machine import Timer\n"
                      "calls = []\n"
                      "def tick(t):\n"
                      "    calls.append(t)\n"
                      "t = Timer(-1, freq=100, callback=tick)\n"
                      "time.sleep_ms(200)\n"
                      "t.deinit()\n"
                      "n = len(calls)\n"
                      "print(n, calls[0] is t)\n"
                      "time.sleep_ms(50)\n"
                      "print(len(calls) - n)\n"
                      "once = []\n"
                      "o = Timer(mode=Timer.ONE_SHOT, period=20, callback=once.append)\n"
                      "time.sleep_ms(150)\n"
                      "print(len(once), once[0] is o)\n"
                      "p = []\n"
                      "t = Timer(period=3, tick_hz=100, callback=p.append)\n"
                      "time.sleep_ms(200)\n"
                      "t.deinit()\n"
                      "print(len(p))\n")
    calls, same = lines[0].split()
    assert 19 <= int(calls) <= 21 and same == "True", "every 10 ms for 200 ms"
    assert lines[1] == "0", "no calls after deinit()"
    assert lines[2] == "1 True", "a one-shot timer fires once"
    assert 6 <= int(lines[3]) <= 7, "period=3 at tick_hz=100: every 30 ms"


def test_hardware_timer_registers_and_errors(repl: ReplClient) -> None:
    """Timer(n) runs TIMn's update interrupt (its callback path is tested in unicorn: QEMU 7.2's timer model
    schedules its alarms relative to the wrong time base). Here: PSC/ARR per RM0090 and the errors."""
    run(repl, "from machine import Timer\n"
              "t = Timer(5, freq=250, callback=print)\n")
    regs = tim_regs(repl, 5, 1)
    assert rm_freq(regs) == pytest.approx(250, rel=1e-6) and regs["uie"] == 1 and regs["cen"] == 1
    lines = run(repl, "t.deinit()\n"
                      "print(repr(t))\n"
                      "for kw in ({'freq': 2000}, {'freq': 0}, {'period': -5}, {}, {'mode': 7, 'freq': 1}):\n"
                      "    try:\n"
                      "        Timer(-1).init(**kw)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "for tid in (1, 15):\n"
                      "    try:\n"
                      "        Timer(tid, freq=1)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    Timer(freq=1, callback=3)\n"
                      "except TypeError as e:\n"
                      "    print('TypeError', e)\n")
    assert tim_regs(repl, 5, 1)["cen"] == 0, "deinit stops the counter"
    assert lines == [
        "Timer(5)",
        "ValueError Timer(-1) counts milliseconds: period under 1 ms (use a hardware Timer(id))",
        "ValueError freq must be positive",
        "ValueError period and tick_hz must be positive",
        "ValueError Timer needs freq= or period=",
        "ValueError mode must be Timer.ONE_SHOT or Timer.PERIODIC",
        "ValueError Timer(1) does not exist",
        "ValueError Timer(15) does not exist",
        "TypeError callback must be callable",
    ]


def test_dac_arguments(repl: ReplClient) -> None:
    """QEMU has no DAC model (the register sequence is tested in unicorn); the binding's checks run here."""
    lines = run(repl, "from machine import DAC, Pin\n"
                      "print(DAC(1), DAC('A5'), DAC(Pin('A4'), bits=12))\n"
                      "for args in ((3,), ('B0',), (1, 10)):\n"
                      "    try:\n"
                      "        DAC(*args)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "d = DAC(1)\n"
                      "for v in (256, -1):\n"
                      "    try:\n"
                      "        d.write(v)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    d.write_u16(65536)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines == [
        "DAC(1, bits=8) DAC(2, bits=8) DAC(1, bits=12)",
        "ValueError DAC(3) does not exist",
        "ValueError Pin(PB0) has no DAC channel (PA4, PA5)",
        "ValueError bits must be 8 or 12",
        "ValueError DAC value must be 0..255",
        "ValueError DAC value must be 0..255",
        "ValueError DAC value must be 0..65535",
    ]


def test_mem32_reads_the_image_and_registers(repl: ReplClient, built: Callable[[str], Board]) -> None:
    image = image_path(built(BOARD), "bin").read_bytes()
    sp, reset = int.from_bytes(image[0:4], "little"), int.from_bytes(image[4:8], "little")
    lines = run(repl, "from machine import mem8, mem16, mem32\n"
                      "print(mem32[0x08000000], mem32[0x08000004], mem16[0x08000002], mem8[0x08000007])\n"
                      "mem32[0x40000C2C] = 12345\n"
                      "print(mem32[0x40000C2C])\n"
                      "for a in (0x08000001, 0x30000000, 0xE0100000, -4, 1 << 32):\n"
                      "    try:\n"
                      "        mem32[a]\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "print(mem8)\n")
    assert lines[0].split() == [str(sp), str(reset), str(sp >> 16), str(reset >> 24)], "vector table from the image"
    assert lines[1] == "12345", "TIM5 ARR written and read back"
    assert lines[2:] == [
        f"ValueError address {0x08000001} is not 4-byte aligned",
        f"ValueError address {0x30000000} is outside memory and registers",
        f"ValueError address {0xE0100000} is outside memory and registers",
        "ValueError address out of range",
        "ValueError address out of range",
        "<8-bit memory>",
    ]


def test_lightsleep_advances_ticks(repl: ReplClient) -> None:
    lines = run(repl, "import machine, time\n"
                      "for ms in (1, 30, 120):\n"
                      "    t0 = time.ticks_ms()\n"
                      "    machine.lightsleep(ms)\n"
                      "    print(time.ticks_diff(time.ticks_ms(), t0))\n"
                      "machine.lightsleep()\n"
                      "try:\n"
                      "    machine.lightsleep(-1)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert [int(x) >= ms for x, ms in zip(lines[:3], (1, 30, 120), strict=True)] == [True] * 3
    assert lines[3] == "ValueError sleep time must be non-negative"


def test_pyb_led_and_switch_errors(repl: ReplClient) -> None:
    """NETDUINO_PLUS_2's board file lists LED1 (A10) and no button. QEMU has no GPIO model, so the LED level
    is checked in unicorn (test_stm32_drivers.py, PYBV11); here the API and its errors."""
    lines = run(repl, "import pyb\n"
                      "l = pyb.LED(1)\n"
                      "l.on(); l.toggle(); l.off(); l.intensity(128)\n"
                      "print(l, l.intensity() in (0, 255))\n"
                      "for n in (0, 2):\n"
                      "    try:\n"
                      "        pyb.LED(n)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    l.intensity(300)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n"
                      "try:\n"
                      "    pyb.Switch()\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines == ["LED(1) True", "ValueError LED(0) does not exist", "ValueError LED(2) does not exist",
                     "ValueError intensity must be 0..255", "ValueError this board has no user switch"]


def test_out_of_range_arguments_raise_instead_of_truncating(repl: ReplClient) -> None:
    lines = run(repl, "import machine\n"
                      "for kw in ({'baudrate': -1}, {'bits': 300}, {'baudrate': 1 << 40}):\n"
                      "    try:\n"
                      "        machine.UART(2, **kw)\n"
                      "    except ValueError as e:\n"
                      "        print('ValueError', e)\n"
                      "try:\n"
                      "    machine.SPI(1, baudrate=-3)\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    assert lines == ["ValueError baudrate out of range (0..4294967295)", "ValueError bits out of range (0..255)",
                     "ValueError baudrate out of range (0..4294967295)",
                     "ValueError baudrate out of range (0..4294967295)"]


def test_soft_reset_stops_timers_and_frees_pwm(repl: ReplClient) -> None:
    """A soft reset wipes the heap the callbacks lived in: their timers must be stopped first (a late call
    would run freed objects), and the PWM's timer must be free again."""
    run(repl, "from machine import Timer, PWM\n"
              "hits = []\n"
              "t = Timer(freq=200, callback=hits.append)\n"
              "h = Timer(2, freq=50, callback=hits.append)\n"
              "p = PWM('B4', freq=500)\n")
    repl.soft_reset()
    lines = run(repl, "import time, gc\n"
                      "junk = [bytes(40) for i in range(300)]\n"
                      "time.sleep_ms(60)\n"
                      "gc.collect()\n"
                      "print('alive', len(junk))\n"
                      "from machine import Timer, mem32\n"
                      "print(mem32[0x40000400] & 1, mem32[0x40000000] & 1)\n"
                      "t = Timer(3, freq=10)\n"
                      "t.deinit()\n"
                      "print('TIM3 free')\n")
    assert lines == ["alive 300", "0 0", "TIM3 free"]


def test_os_shared_layer(repl: ReplClient) -> None:
    """The shared `_os`/os.py layer with this port's volume (tests/support/os_shared.py)."""
    assert_os_shared(lambda code: run(repl, code), BOARD)
