"""RP2040 drivers in rp2040js: the test-only self-test firmware (ports/rp2/selftest, built by the SConscript as
build/RPI_PICO/selftest/firmware.uf2) runs each driver against the runner's bench (--bench: UART1 looped back,
I2C devices, an SPI device, ADC inputs, GPIO wires with pulls) and reports each check over UART0; the
watchdog check resets the chip and finishes after the reboot. Drivers rp2040js cannot model (flash, SSI,
BOOTSEL, ROM) are tested at register level in tests/test_rp2_flash.py."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import build_dir, run_scons
from kiln.emulators.rp2040 import Rp2040Emulator, build_bootrom

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "rp2040js").exists(), reason="npm install has not run"),
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed"),
]

# Every check the self-test must report as passing: a check that silently stops running fails here.
EXPECTED = """
clocks.sys clocks.pll_usb clocks.usb clocks.adc
gpio.pulls gpio.sio_wire gpio.irq_edges gpio.irq_disabled gpio.irq_level gpio.bad_args
alarm.claim alarm.order alarm.past_target alarm.cancel alarm.rearm_in_callback alarm.bad_args
uart1.init uart1.loopback uart1.flush uart.bad_pins
i2c.init i2c.write_read i2c.nack_address i2c.nack_address_read i2c.nack_data i2c.recovers i2c.timeout i2c.bad_args
spi.init spi.transfer spi.read_only spi.bad_args
adc.init adc.channel0 adc.channel3 adc.temperature adc.bad_args
pwm.init pwm.measured pwm.full_duty pwm.zero_duty pwm.bad_args
soft_reset.drivers
wdt.bad_args wdt.fed wdt.timeout_reset
""".split()


@pytest.fixture(scope="module")
def selftest(built: Callable[[str], Board]) -> Path:
    out = build_dir(built("RPI_PICO"))
    target = out / "selftest" / "firmware.uf2"
    result = run_scons(["RPI_PICO"], extra=[str(target.relative_to(ROOT))], quiet=True)
    assert result.returncode == 0, result.stdout + result.stderr
    build_bootrom()
    return target


def run_selftest(firmware: Path, mode: bytes) -> tuple[str, object, list[tuple[str, str]]]:
    with Rp2040Emulator(firmware, timeout=60, bench=True) as emu:
        emu.read_until(b"u = USB bench\r\n", timeout=30)
        emu.write(mode)
        result = emu.wait(60)
        return emu.output.decode(), result, emu.status


def parse(report: str) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    passed = dict(re.findall(r"^ok (\S+) ?(.*?)\r$", report, re.M))
    failed = dict(re.findall(r"^FAIL (\S+) ?(.*?)\r$", report, re.M))
    values = {k: int(v) for k, v in re.findall(r"^val (\S+)=(-?\d+)\r$", report, re.M)}
    return passed, failed, values


def test_selftest_is_not_a_default_image(built: Callable[[str], Board]) -> None:
    images = (build_dir(built("RPI_PICO")) / "images.json").read_text()
    assert "selftest" not in images


def test_drivers_in_rp2040js(selftest: Path) -> None:
    report, result, status = run_selftest(selftest, b"d")
    passed, failed, values = parse(report)
    assert failed == {}, report
    assert sorted(passed) == sorted(EXPECTED), report
    # The watchdog really reset the chip once, and the run ended with the self-test's exit code.
    assert [kind for kind, _ in status] == ["reset", "exit"]
    assert (result.kind, result.code) == ("exit", 0)  # type: ignore[attr-defined]
    # Measured through the emulated hardware, not just "no error":
    assert values["pwm.period_us"] == 1000 and values["pwm.high_us"] == 250  # 1 kHz at 25 %
    assert -1 <= values["alarm.latency_us"] <= 20
    raw = values["adc.temp_raw"]
    volts = raw * 3.3 / 4096
    assert abs(values["adc.temp_mdeg"] / 1000 - (27 - (volts - 0.706) / 0.001721)) < 0.01  # datasheet formula
    sources = {name: int(passed[name].rsplit("source=", 1)[1], 16) for name in ("i2c.nack_data", "i2c.nack_address")}
    assert sources["i2c.nack_data"] & 0x1FFFF == 1 << 3  # ABRT_TXDATA_NOACK, from IC_TX_ABRT_SOURCE
    assert sources["i2c.nack_address"] & 0x1FFFF == 1 << 0  # ABRT_7B_ADDR_NOACK
