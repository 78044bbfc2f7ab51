"""The ESP32-C6 port's `machine` and `os` modules on ESP32_GENERIC_C6 in the unicorn model
(kiln/emulators/esp32c6.py), driven through the raw REPL on the emulator's pty.

Expected values come from outside the firmware: register layouts and formulas of the ESP32-C6 TRM (the
timer-group divider and alarm, the MWDT prescaler and stage-0 hold, PCR clock selects and dividers, the
UART, I2C, SPI and LEDC clock and duty formulas, the gamma-RAM entry, the ADC one-shot fields, GPIO
interrupt types, interrupt-matrix source numbers), the emulator's independent models (pad levels, UART
bytes on the wire, an I2C memory and a SPI target, the PWM a LEDC channel produces, the ADC code fed in,
the SPI NOR behind SPI1 and the flash contents it leaves, the reset reasons it records) and the partition
table the build wrote."""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.emulators.esp32c3 import I2cMemoryDevice
from kiln.emulators.esp32c6 import Esp32c6Emulator
from kiln.repl_client import ReplClient
from tests.support.board_repl import fresh_repl, run_lines
from tests.support.esp32_layout import vfs_partition
from tests.support.os_shared import assert_os_shared

ROOT = Path(__file__).resolve().parent.parent
BOARD = "ESP32_GENERIC_C6"
MAC = bytes.fromhex("7cdfa1c0ffee")
XTAL_HZ = 40_000_000

# Register addresses (ESP32-C6 TRM).
GPIO_OUT = 0x60091004
GPIO_PIN0 = 0x60091074  # GPIO_PINn_REG: INT_TYPE bits 9:7, INT_ENA bits 17:13 (bit 13: the CPU)
UART1 = 0x60001000
PCR = 0x60096000
PCR_UART1_SCLK_CONF = PCR + 0x04 + 0x0C
PCR_TG0_TIMER_CLK_CONF = PCR + 0x40  # TG0_TIMER_CLK_SEL bits 21:20 (0 = XTAL), TG0_TIMER_CLK_EN bit 22
PCR_TG0_WDT_CLK_CONF = PCR + 0x44
INTMTX = 0x60010000  # one map register per source; GPIO is source 30, TG0 T0 51, TG1 T0 54
SOURCE_GPIO, SOURCE_TG0_T0, SOURCE_TG1_T0 = 30, 51, 54
TIMG0, TIMG1 = 0x60008000, 0x60009000
LP_CLKRST_RESET_CAUSE = 0x600B0410
I2C0 = 0x60004000
PCR_I2C_SCLK_CONF = PCR + 0x24  # I2C_SCLK_DIV_NUM bits 19:12, SEL bit 20 (0 = XTAL), EN bit 22
SPI2 = 0x60081000
PCR_SPI2_CLKM_CONF = PCR + 0xC4
LEDC = 0x60007000
PCR_LEDC_SCLK_CONF = PCR + 0x38  # LEDC_SCLK_SEL bits 21:20 (3 = XTAL), EN bit 22
SARADC = 0x6000E000
PCR_SARADC_CLKM_CONF = PCR + 0x84
NOR_WREN, NOR_SE, NOR_PP = 0x06, 0x20, 0x02


@pytest.fixture(scope="module")
def merged(built: Callable[[str], Board]) -> bytes:
    built(BOARD)
    return (ROOT / "build" / BOARD / "firmware-merged.bin").read_bytes()


@pytest.fixture(scope="module")
def emu(merged: bytes) -> Iterator[Esp32c6Emulator]:
    with Esp32c6Emulator(merged, mode="pty", mac=MAC) as emulator:
        assert emulator.pty_path is not None
        yield emulator


@pytest.fixture
def repl(emu: Esp32c6Emulator) -> Iterator[ReplClient]:
    yield from fresh_repl(emu.pty_path)


def run(repl: ReplClient, code: str) -> list[str]:
    return run_lines(repl, code)


# ---------------------------------------------------------------- Pin, UART(1), chip functions


def test_pins_uart_and_chip_functions(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    lines = run(repl, "import machine\n"
                      "from machine import Pin, UART, mem32\n"
                      "print(machine.unique_id().hex(), machine.freq())\n"
                      "p = Pin(5, Pin.OUT, value=1)\n"
                      f"print(mem32[0x{GPIO_OUT:x}] >> 5 & 1, p.value(), Pin.board.LED)\n"
                      "Pin(6, Pin.IN, Pin.PULL_UP)\n"
                      "u = UART(1, 115200, tx=Pin(2), rx=Pin(3), timeout=100)\n"
                      f"print(u.baudrate, mem32[0x{UART1 + 0x14:x}], mem32[0x{PCR_UART1_SCLK_CONF:x}])\n"
                      "u.write(b'from the c6')\n")
    assert lines[0] == f"{MAC.hex()} 40000000"  # the C6 runs from its 40 MHz XTAL in the model
    assert lines[1] == "1 1 Pin(8)"  # board.toml: LED = "GPIO8"
    reported, clkdiv, sclk_conf = (int(v) for v in lines[2].split())
    sclk = XTAL_HZ / (((sclk_conf >> 12) & 0xFF) + 1)  # SCLK_SEL 3 = XTAL, over SCLK_DIV_NUM + 1
    assert (sclk_conf >> 20) & 3 == 3
    actual = sclk / ((clkdiv & 0xFFF) + ((clkdiv >> 20) & 0xF) / 16)
    assert abs(actual - 115200) / 115200 < 0.005 and abs(reported - actual) <= 1
    assert emu.gpio_output(5) == 1 and emu.pad_config(6)["pull_up"]
    assert emu.serial_output(2) == b"from the c6"
    emu.serial_input(3, b"to the c6")
    assert run(repl, "import time\nfrom machine import UART, Pin\n"
                     "u = UART(1, 115200, tx=Pin(2), rx=Pin(3), timeout=100)\n"
                     "time.sleep_ms(20)\nprint(u.read())\n") == ["b'to the c6'"]


def test_pin_irq_through_the_interrupt_matrix(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    emu.gpio_drive(10, 0)
    emu.gpio_drive(11, 1)
    try:
        lines = run(repl, "from machine import Pin, mem32\n"
                          "seen = []\n"
                          "p = Pin(10, Pin.IN)\n"
                          "p.irq(lambda pin: seen.append(pin), Pin.IRQ_RISING)\n"
                          "q = Pin(11, Pin.IN)\n"
                          "q.irq(lambda pin: seen.append(pin), Pin.IRQ_FALLING)\n"
                          f"print(mem32[0x{GPIO_PIN0 + 4 * 10:x}], mem32[0x{GPIO_PIN0 + 4 * 11:x}])\n"
                          f"print(mem32[0x{INTMTX + 4 * SOURCE_GPIO:x}])\n")
        pin10, pin11 = (int(v) for v in lines[0].split())
        assert (pin10 >> 7) & 7 == 1 and (pin11 >> 7) & 7 == 2  # INT_TYPE: 1 rising edge, 2 falling edge
        assert pin10 >> 13 & 1 and pin11 >> 13 & 1  # routed to the CPU
        line = int(lines[1])
        assert 0 < line < 32 and line not in (0, 3, 4, 7)  # a PLIC line, not one of the CLINT's
        for _ in range(3):
            emu.gpio_drive(10, 1)
            run(repl, "pass\n")
            emu.gpio_drive(10, 0)
            run(repl, "pass\n")
        emu.gpio_drive(11, 0)
        lines = run(repl, "import time\n"
                          "for _ in range(50):\n"
                          "    if len(seen) >= 4:\n"
                          "        break\n"
                          "    time.sleep_ms(10)\n"
                          "print(len(seen), seen.count(p), seen.count(q))\n"
                          "p.irq(None)\n"
                          "print(mem32[0x%x] >> 7 & 7)\n" % (GPIO_PIN0 + 4 * 10))
        assert lines == ["4 3 1", "0"]  # rising edges of GPIO10 only, the one fall of GPIO11; then off
        emu.gpio_drive(10, 1)
        assert run(repl, "import time\ntime.sleep_ms(50)\nprint(len(seen))\n") == ["4"]
    finally:
        emu.gpio_drive(10, None)
        emu.gpio_drive(11, None)


def test_level_irq_fires_while_the_level_holds_and_rearms(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    emu.gpio_drive(12, 1)
    try:
        lines = run(repl, "from machine import Pin\n"
                          "import time\n"
                          "seen = []\n"
                          "p = Pin(12, Pin.IN)\n"
                          "p.irq(lambda pin: seen.append(pin.value()), Pin.IRQ_LOW_LEVEL)\n"
                          "time.sleep_ms(30)\n"
                          "print(len(seen))\n")
        assert lines == ["0"]
        emu.gpio_drive(12, 0)
        lines = run(repl, "import time\n"
                          "for _ in range(100):\n"
                          "    if len(seen) >= 3:\n"
                          "        break\n"
                          "    time.sleep_ms(5)\n"
                          "p.irq(None)\n"
                          "print(len(seen) >= 3, set(seen))\n")
        assert lines == ["True {0}"]
    finally:
        emu.gpio_drive(12, None)


# ---------------------------------------------------------------- Timer (timer groups) and WDT registers


def test_timer_registers_match_the_trm_and_callbacks_count(repl: ReplClient) -> None:
    lines = run(repl, "from machine import Timer, mem32\n"
                      "import time\n"
                      "ticks = []\n"
                      "t = Timer(0, mode=Timer.PERIODIC, period=5, callback=lambda tm: ticks.append(tm))\n"
                      f"print(mem32[0x{TIMG0:x}], mem32[0x{TIMG0 + 0x10:x}], mem32[0x{TIMG0 + 0x14:x}])\n"
                      f"print(mem32[0x{PCR_TG0_TIMER_CLK_CONF:x}], mem32[0x{INTMTX + 4 * SOURCE_TG0_T0:x}])\n"
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
                      f"print(mem32[0x{TIMG1:x}] >> 29 & 1, mem32[0x{INTMTX + 4 * SOURCE_TG1_T0:x}] > 0)\n"
                      "time.sleep_ms(80)\n"
                      "print(len(once))\n"
                      "import machine\n"
                      "fired = []\n"
                      "Timer(1, mode=Timer.ONE_SHOT, period=20, callback=fired.append)\n"
                      "while not fired:\n"
                      "    machine.idle()\n"
                      "print('woke', len(fired))\n")
    config, alarm_lo, alarm_hi = (int(v) for v in lines[0].split())
    # T0CONFIG: EN (31), INCREASE (30), AUTORELOAD (29), DIVIDER (28:13), ALARM_EN (10).
    assert config >> 31 & 1 and config >> 30 & 1 and config >> 29 & 1 and config >> 10 & 1
    divider = (config >> 13) & 0xFFFF
    clk_conf, line = (int(v) for v in lines[1].split())
    assert (clk_conf >> 20) & 3 == 0 and clk_conf >> 22 & 1  # the group's timers on XTAL, clock on
    assert XTAL_HZ // divider == 1_000_000  # microsecond ticks
    assert alarm_hi << 32 | alarm_lo == 5 * XTAL_HZ // divider // 1000  # 5 ms in ticks
    assert 0 < line < 32
    # Callbacks come, stop after deinit(); a one-shot has no auto-reload and fires once; idle() wakes.
    assert lines[2:] == ["True True", "True", "0 True", "1", "woke 1"]


# ---------------------------------------------------------------- PWM (LEDC)


def ledc_timer(conf: int) -> tuple[int, int]:
    """LEDC_TIMERx_CONF (C6 TRM): DUTY_RES bits 4:0, CLK_DIV 22:5 (10 integer + 8 fractional bits)."""
    return conf & 0x1F, (conf >> 5) & 0x3FFFF


@pytest.mark.parametrize(("freq", "duty"), [(1000, 16384), (5000, 32768), (50, 1000), (250_000, 49152)])
def test_pwm_registers_match_the_trm_formulas(repl: ReplClient, emu: Esp32c6Emulator, freq: int, duty: int) -> None:
    lines = run(repl, "from machine import PWM, Pin, mem32\n"
                      f"p = PWM(Pin(3), freq={freq}, duty_u16={duty})\n"
                      "ch = p._ch\n"
                      "t = mem32[0x%x + 0x14 * ch] & 3\n"
                      "print(ch, t, mem32[0x%x + 8 * t], mem32[0x%x + 0x14 * ch], p.freq(), p.duty_u16())\n"
                      "print(mem32[0x%x], mem32[0x%x + 0x10 * ch], mem32[0x%x + 4 * ch] & 31)\n"
                      % (LEDC, LEDC + 0xA0, LEDC + 0x08, PCR_LEDC_SCLK_CONF, LEDC + 0x100, LEDC + 0x180))
    ch, _timer, conf, duty_reg, got_freq, got_duty = (int(v) for v in lines[0].split())
    sclk, gamma, entries = (int(v) for v in lines[1].split())
    assert (sclk >> 20) & 3 == 3 and sclk >> 22 & 1  # the LEDC clock is the 40 MHz XTAL
    # Gamma RAM entry 0 (C6 TRM): DUTY_INC bit 0, DUTY_CYCLE 10:1, SCALE 20:11, DUTY_NUM 30:21 = one jump.
    assert gamma & 1 and (gamma >> 1) & 0x3FF == 1 and (gamma >> 11) & 0x3FF == 0 and (gamma >> 21) & 0x3FF == 1
    assert entries == 1
    bits, div = ledc_timer(conf)
    # f = f_src / (div / 256) / 2^bits.
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


def test_pwm_channels_share_timers_and_stop_on_soft_reset(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    lines = run(repl, "from machine import PWM, Pin, mem32\n"
                      "a = PWM(Pin(3), freq=1000)\n"
                      "b = PWM(Pin(4), freq=1000)\n"
                      "c = PWM(Pin(5), freq=2000, duty_u16=16384)\n"
                      f"tm = [mem32[0x{LEDC:x} + 0x14 * x._ch] & 3 for x in (a, b, c)]\n"
                      "print(tm[0] == tm[1], tm[0] != tm[2], abs(c.freq() - 2000) < 20)\n")
    assert lines == ["True True True"]
    states = [emu.pwm_state(ch) for ch in range(3)]
    assert all(st.running for st in states)
    assert sorted(st.pins for st in states) == [(3,), (4,), (5,)]
    for got, want in zip(sorted(st.freq for st in states), [1000, 1000, 2000], strict=True):
        assert abs(got - want) / want < 0.01  # the 10.8 fixed-point divider rounds
    repl.enter_raw(soft_reset=True)  # the last session's PWM channels stop with it
    assert not any(emu.pwm_state(ch).running for ch in range(6))


# ---------------------------------------------------------------- I2C0 and GP-SPI2


def test_i2c_and_spi_talk_to_targets(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    eeprom = I2cMemoryDevice(bytes(range(256)))
    emu.add_i2c_device(0x50, eeprom, scl=2, sda=3)
    emu.set_spi_device(lambda mosi: bytes(b ^ 0xFF for b in mosi), sck=4, mosi=5, miso=6)
    lines = run(repl, "from machine import I2C, SPI, Pin, mem32\n"
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
                      "print(bytes(r), s.read(2, 0x55))\n"
                      f"print(i.freq, mem32[0x{PCR_I2C_SCLK_CONF:x}], mem32[0x{I2C0:x}], mem32[0x{I2C0 + 0x38:x}])\n"
                      f"print(s.baudrate, mem32[0x{SPI2 + 0x0C:x}], mem32[0x{PCR_SPI2_CLKM_CONF:x}])\n")
    assert lines[:4] == ["[80]", "b'\\x10\\x11\\x12\\x13'", "b'kiln'", f"OSError {errno.ENODEV}"]
    assert lines[4] == "b'\\xff\\xf0\\x0f' b'\\xaa\\xaa'"
    assert bytes(eeprom.memory[0x20:0x24]) == b"kiln"
    assert [t.mosi for t in emu.spi_log[-2:]] == [b"\x00\x0f\xf0", b"\x55\x55"]
    assert [(t.addr, t.read, t.acked) for t in emu.i2c_log[-3:]] == [(0x50, False, True), (0x50, True, True),
                                                                      (0x51, False, False)]
    # I2C: SCL = XTAL / (DIV_NUM + 1) / (SCL_LOW_PERIOD + 1 + SCL_HIGH_PERIOD + SCL_WAIT_HIGH_PERIOD).
    freq, sclk, low, high = (int(v) for v in lines[5].split())
    assert sclk >> 22 & 1 and not sclk >> 20 & 1
    scl = XTAL_HZ / (((sclk >> 12) & 0xFF) + 1) / ((low & 0x1FF) + 1 + (high & 0x1FF) + ((high >> 9) & 0x7F))
    assert scl == pytest.approx(100_000, rel=0.01) and freq == pytest.approx(scl, abs=1)
    assert emu.i2c_freq() == pytest.approx(scl)
    # SPI: SCK = XTAL / ((CLKDIV_PRE + 1) * (CLKCNT_N + 1)) with the clock source XTAL (PCR CLKM SEL 0).
    baud, clock, clkm = (int(v) for v in lines[6].split())
    assert (clkm >> 20) & 3 == 0 and clkm >> 22 & 1
    sck = XTAL_HZ / ((((clock >> 18) & 0xF) + 1) * (((clock >> 12) & 0x3F) + 1))
    assert sck == baud == 1_000_000 and emu.spi_log[-1].baud == sck


def test_adc_read_u16_scales_the_12_bit_code(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    emu.set_adc(6, 1234)  # GPIO6 is ADC1 channel 6 on the C6 (the C3 stops at GPIO4)
    emu.set_adc(0, 4095)
    lines = run(repl, "from machine import ADC, Pin, mem32\n"
                      "a = ADC(Pin(6), atten=ADC.ATTN_11DB)\n"
                      "print(a.read(), a.read_u16(), ADC(Pin(0)).read_u16())\n"
                      f"print(mem32[0x{SARADC + 0x20:x}], mem32[0x{PCR_SARADC_CLKM_CONF:x}])\n"
                      "try:\n"
                      "    ADC(Pin(7))\n"
                      "except ValueError as e:\n"
                      "    print(e)\n")
    raw, u16, full = (int(v) for v in lines[0].split())
    assert raw == 1234 and abs(u16 - 1234 * 65535 / 4095) < 1 and full == 65535  # 12 bits onto 0..65535
    assert emu.adc_conversions[-3:] == [(6, 3), (6, 3), (0, 0)]
    onetime, clkm = (int(v) for v in lines[1].split())
    # ONETIME_SAMPLE: SARADC1_ONETIME_SAMPLE (31), START back to 0 (29), CHANNEL 28:25, ATTEN 24:23.
    assert onetime >> 31 & 1 and not onetime >> 29 & 1 and (onetime >> 25) & 0xF == 0 and (onetime >> 23) & 3 == 0
    assert clkm >> 22 & 1 and (clkm >> 20) & 3 == 0  # controller clock on, from the XTAL
    assert lines[2] == "invalid pin: GPIO7 has no ADC1 channel (GPIO0..6)"


# ---------------------------------------------------------------- the filesystem on flash


def test_file_round_trip_survives_soft_reset_and_lands_in_flash(repl: ReplClient, emu: Esp32c6Emulator) -> None:
    vfs = vfs_partition()
    payload = bytes((i * 11 + 5) & 0xFF for i in range(3000))
    log_start = len(emu.flash_log)
    run(repl, "import os\n"
              "for n in os.listdir('/flash'):\n"
              "    if n.startswith('rt'):\n"
              "        os.remove('/flash/' + n)\n"
              f"with open('/flash/rt.bin', 'wb') as f:\n"
              f"    f.write({payload!r})\n"
              "with open('rt.txt', 'w') as f:\n"
              "    f.write('kiln on the c6 flash\\n')\n")
    repl.enter_raw(soft_reset=True)  # new heap, new interpreter: only the flash remembers
    lines = run(repl, "import os\n"
                      "print(os.getcwd(), sorted(n for n in os.listdir() if n.startswith('rt')))\n"
                      "print(os.stat('/flash/rt.bin')[6], open('rt.txt').read().strip())\n"
                      "d = open('/flash/rt.bin', 'rb').read()\n"
                      "print(len(d), sum(d))\n"
                      "os.rename('rt.txt', 'rt2.txt')\n"
                      "os.mkdir('rtdir')\n"
                      "print(sorted(n for n in os.listdir() if n.startswith('rt')), os.stat('rtdir')[0] == 0x4000)\n"
                      "os.remove('rt2.txt')\n"
                      "os.rmdir('rtdir')\n"
                      "print(sorted(n for n in os.listdir() if n.startswith('rt')))\n")
    assert lines == ["/flash ['rt.bin', 'rt.txt']", "3000 kiln on the c6 flash", f"3000 {sum(payload)}",
                     "['rt.bin', 'rt2.txt', 'rtdir'] True", "['rt.bin']"]
    assert emu.flash[vfs.offset:vfs.offset + vfs.size].find(payload[:1024]) >= 0  # on the SPI flash itself
    commands = emu.flash_log[log_start:]
    writes = [c for c in commands if c.opcode in (NOR_SE, NOR_PP)]
    assert any(c.opcode == NOR_SE for c in writes) and any(c.opcode == NOR_PP for c in writes)
    for c in writes:  # erases and programs stay inside the vfs partition, each after a write enable
        assert c.addr is not None and vfs.offset <= c.addr < vfs.offset + vfs.size
        assert commands[commands.index(c) - 2].opcode == NOR_WREN or commands[commands.index(c) - 1].opcode == NOR_WREN
    assert all(c.length <= 64 for c in writes if c.opcode == NOR_PP)  # SPI1's 64-byte buffer
    assert emu.flash_cache_violations == 0  # every command with both cache buses shut


def test_statvfs_uname_and_errors(repl: ReplClient) -> None:
    lines = run(repl, "import os, sys\n"
                      "s = os.statvfs('/flash')\n"
                      "print(s[0], s[2], 0 < s[3] <= s[2])\n"
                      "u = os.uname()\n"
                      "print(u[0], sys.platform, 'ESP32-C6' in u[4])\n"
                      "try:\n"
                      "    open('/flash/nothing-here')\n"
                      "except OSError as e:\n"
                      "    print('OSError', e.errno)\n"
                      "try:\n"
                      "    open('/flash/x', 'q')\n"
                      "except ValueError as e:\n"
                      "    print('ValueError', e)\n")
    vfs = vfs_partition()
    assert lines == [f"4096 {vfs.size // 4096} True", "esp32 esp32 True", f"OSError {errno.ENOENT}",
                     "ValueError invalid mode: 'q'"]


def test_boot_py_runs_on_every_reset_and_main_py_not_in_raw_repl(repl: ReplClient) -> None:
    run(repl, "with open('/flash/boot.py', 'w') as f:\n"
              "    f.write('BOOT_MARK = 6 * 7\\n')\n"
              "with open('/flash/main.py', 'w') as f:\n"
              "    f.write('MAIN_MARK = 1\\n')\n"
              "with open('/flash/c6mod.py', 'w') as f:\n"
              "    f.write('VALUE = \"imported from flash\"\\n')\n")
    try:
        repl.enter_raw(soft_reset=True)
        lines = run(repl, "import c6mod\nprint(BOOT_MARK, 'MAIN_MARK' in globals(), c6mod.VALUE)\n")
        assert lines == ["42 False imported from flash"]
    finally:
        run(repl, "import os\nfor n in ('boot.py', 'main.py', 'c6mod.py'):\n    os.remove('/flash/' + n)\n")
    repl.enter_raw(soft_reset=True)
    assert run(repl, "print('BOOT_MARK' in globals())\n") == ["False"]


# ---------------------------------------------------------------- bad arguments

BAD_ARGUMENTS = [
    ("Pin(24)", "GPIO24"),  # SPI flash pad
    ("Pin(31)", "GPIO31"),
    ("Pin('NOPE')", "NOPE"),
    ("Pin(5, mode=99)", "mode"),
    ("Pin(5).irq(print, trigger=9)", "trigger"),
    ("UART(1, 9600, tx=2)", "rx"),
    ("UART(1, 10, tx=2, rx=3)", "baudrate"),
    ("Timer(2)", "Timer(2)"),
    ("Timer(0, period=-1, callback=print)", "period"),
    ("Timer(0, mode=7, period=10)", "mode"),
    ("WDT(1)", "WDT(1)"),
    ("WDT(timeout=0)", "timeout"),
    ("I2C(1, scl=2, sda=3)", "I2C(1)"),
    ("I2C(0, scl=2, sda=3, freq=0)", "freq"),
    ("I2C(0, scl=2, sda=2)", "different"),
    ("SPI(0, sck=4)", "SPI(0)"),
    ("SPI(1, polarity=2, sck=4)", "polarity"),
    ("SPI(1, baudrate=100, sck=4)", "baudrate"),
    ("PWM(Pin(3), freq=0)", "freq"),
    ("PWM(Pin(3), freq=1000, duty_u16=70000)", "duty_u16"),
    ("ADC(Pin(9))", "ADC1"),
    ("ADC(Pin(1), atten=9)", "atten"),
    ("mem32[0x60000002]", "word-aligned"),
    ("mem32[0x10000000]", "not mapped"),
    ("freq(80000000)", "freq"),
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


# ---------------------------------------------------------------- resets (their own emulator: they reboot the chip)


def test_reset_cause_watchdog_and_bootloader(merged: bytes) -> None:
    with Esp32c6Emulator(merged, mode="pty") as emu:
        assert emu.pty_path is not None
        with ReplClient(emu.pty_path, timeout=30) as client:
            client.enter_raw(soft_reset=True)
            lines = run(client, "import machine\n"
                                "print(machine.reset_cause() == machine.PWRON_RESET, "
                                f"machine.mem32[0x{LP_CLKRST_RESET_CAUSE:x}] & 31)\n"
                                "with open('/flash/main.py', 'w') as f:\n"
                                "    f.write('import machine\\nMAIN_CAUSE = machine.reset_cause()\\n')\n")
            assert lines == ["True 1"]  # LP_CLKRST_RESET_CAUSE 1: power-on
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
            assert emu.reset_reasons == [1, 3]  # POWERON, then the software system reset
            # A fed watchdog keeps the chip alive; its registers hold the TRM values for 1 ms ticks.
            lines = run(client, "from machine import WDT, mem32\n"
                                "import time\n"
                                "w = WDT(timeout=1000)\n"
                                f"print(mem32[0x{TIMG0 + 0x48:x}], mem32[0x{TIMG0 + 0x4C:x}], mem32[0x{TIMG0 + 0x50:x}])\n"
                                f"print(mem32[0x{PCR_TG0_WDT_CLK_CONF:x}])\n"
                                "for _ in range(30):\n"
                                "    w.feed()\n"
                                "    time.sleep_ms(20)\n"
                                "print('fed', w.timeout)\n")
            config0, config1, hold = (int(v) for v in lines[0].split())
            assert config0 >> 31 & 1 and (config0 >> 29) & 3 == 3  # enabled, stage 0 resets the system
            prescale = config1 >> 16
            wdt_clk = int(lines[1])
            assert (wdt_clk >> 20) & 3 == 0 and wdt_clk >> 22 & 1  # MWDT clock: XTAL, on
            assert hold * prescale / XTAL_HZ == pytest.approx(1.0)  # stage 0 after 1000 ms
            assert lines[2] == "fed 1000" and emu.boots == 2
            client.write(b"import time\r\ntime.sleep_ms(10000)\r\x04")  # starve it
            client.read_until(b"OK", timeout=10)
            deadline = time.monotonic() + 30
            while emu.boots < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert emu.boots == 3 and emu.reset_reasons[-1] == 7  # TG0WDT_SYS_RST
            client.read_until(b">>> ", timeout=30)
            client.enter_raw(soft_reset=False)
            assert run(client, "import machine\n"
                               "print(machine.reset_cause() == machine.WDT_RESET, "
                               f"machine.mem32[0x{LP_CLKRST_RESET_CAUSE:x}] & 31)\n") == ["True 7"]
            client.write(b"import machine\r\nmachine.bootloader()\r\x04")
            result = emu.wait(30)
            assert result.kind == "download", result
            assert re.search(rb"boot:0x0 \(DOWNLOAD", emu.output)


def test_os_shared_layer(repl: ReplClient) -> None:
    """The shared `_os`/os.py layer with this port's volume (tests/support/os_shared.py)."""
    assert_os_shared(lambda code: run(repl, code), BOARD)
