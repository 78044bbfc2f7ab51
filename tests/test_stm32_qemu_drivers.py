"""The STM32 drivers on QEMU's netduinoplus2, which models USART, TIM2-5, SPI, ADC, EXTI/SYSCFG registers and the
NVIC: the NETDUINO_PLUS_2-SELFTEST build runs ports/stm32/drivers/selftest.c, which prints one "ST" line per
check and exits with the number of failures. USART2 is the second -serial (a unix socket the test talks to).
A filesystem image built by kiln/fsimage.py and loaded into RAM is mounted and listed by the firmware."""

from __future__ import annotations

import re
import shutil
import socket
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiln.boards import Board
from kiln.build import image_path
from kiln.emulators.qemu_stm32 import QemuStm32
from kiln.fsimage import Geometry, build_image

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not installed")
RAMDISK_BLOCK, RAMDISK_BLOCKS = 4096, 16


@pytest.fixture(scope="module")
def selftest_elf(built: Callable[..., Board]) -> Path:
    return image_path(built("NETDUINO_PLUS_2", "SELFTEST"), "elf")


def ramdisk_address(elf: Path) -> int:
    from elftools.elf.elffile import ELFFile

    with open(elf, "rb") as handle:
        symtab: Any = ELFFile(handle).get_section_by_name(".symtab")
        heap = symtab.get_symbol_by_name("__kiln_heap_start")[0]["st_value"]
    return (heap + RAMDISK_BLOCK - 1) & ~(RAMDISK_BLOCK - 1)


def run_selftest(elf: Path, tmp_path: Path, extra: list[str] | None = None) -> tuple[int, dict[str, list[str]], str]:
    """Boots the self-test, answers its USART2 check, returns (exit code, ST lines by check name, output)."""
    sock_path = tmp_path / "usart2.sock"
    args = ["-serial", f"unix:{sock_path},server=on,wait=off", *(extra or [])]
    with QemuStm32(elf, "pipe", extra_args=args) as emulator:
        # QEMU creates the socket file before it listens on it: retry until it accepts (a loaded CI machine
        # saw the gap).
        deadline = time.monotonic() + 10
        usart2 = socket.socket(socket.AF_UNIX)
        while True:
            try:
                usart2.connect(str(sock_path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        try:
            emulator.read_until(b"ST uart2 waiting\r\n", timeout=20)
            usart2.sendall(b"ping")
            usart2.settimeout(5)
            received = b""
            while len(received) < 9:
                chunk = usart2.recv(64)
                if not chunk:
                    break
                received += chunk
            code = emulator.wait(timeout=20)
        finally:
            usart2.close()
        output = emulator.output.decode(errors="replace")
    assert received == b"pong:ping", "USART2 transmit, seen from outside"
    lines: dict[str, list[str]] = {}
    for line in output.splitlines():
        if line.startswith("ST "):
            name = line.split()[1]
            lines.setdefault(name, []).append(line)
    return code, lines, output


def fields(line: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S*)", line))


def test_drivers_on_modelled_peripherals(selftest_elf: Path, tmp_path: Path) -> None:
    code, lines, output = run_selftest(selftest_elf, tmp_path)
    assert code == 0, output
    assert lines["done"] == ["ST done failures=0"]
    irq = fields(lines["irq"][0])
    assert irq["calls"] == "1" and irq["priority"] == str(7 << 4)
    exti = fields(lines["exti"][0])
    assert int(exti["exticr4"]) >> 4 & 0xF == 2 and int(exti["imr"]) == 1 << 13 and exti["imr_after"] == "0"
    timers = [fields(line) for line in lines["timer"]]
    assert [t["tim"] for t in timers] == ["2", "3", "4", "5"]
    for t in timers:  # 1 kHz from QEMU's 1 GHz timer clock: 32-bit TIM2/5 need no prescaler, TIM3/4 do
        assert (int(t["psc"]) + 1) * (int(t["arr"]) + 1) == 1_000_000
        assert int(t["counted"]) >= 0.9 * int(t["per_ms"]) * (int(t["ms"]) - 1)
    assert timers[0]["psc"] == "0" and timers[1]["psc"] != "0"
    pwm = fields(lines["pwm"][0])
    assert int(pwm["ccr1"]) == (int(pwm["arr"]) + 1) // 4 and int(pwm["ccmr1"]) & 0x78 == 0x68  # PWM1, preload
    assert int(pwm["ccer"]) & 1 and int(pwm["cr1"]) & 0x81 == 0x81
    spi = fields(lines["spi"][0])
    assert spi["err"] == "0" and int(spi["cr1"]) & 0x47 == 0x47  # SPE, MSTR, mode 3
    adc = lines["adc"][0]
    values = [int(v) for v in re.findall(r" v=(\d+)", adc)]
    assert len(values) == 4 and all(v < 4096 for v in values) and len(set(values)) == 4
    assert "sqr3=17" in adc, "the last conversion was VREFINT (channel 17)"
    uart = fields(lines["uart2"][-1])
    assert uart["received"] == "4" and uart["data"] == "ping"
    assert int(uart["brr"]) == round(168_000_000 / 115_200), "QEMU's fixed clock: the driver times with it"
    kfs = fields(lines["kfs"][0])
    assert kfs["err"] == "0" and kfs["read"] == "1000" and kfs["blocks"] == str(RAMDISK_BLOCKS)
    ramdisk = fields(lines["ramdisk"][0])
    assert int(ramdisk["addr"], 16) == ramdisk_address(selftest_elf)


def test_firmware_mounts_an_image_built_on_the_host(selftest_elf: Path, tmp_path: Path) -> None:
    tree: dict[str, bytes | None] = {
        "/boot.py": b"print('boot')\n",
        "/main.py": b"# main\n" + b"x = 1\n" * 200,
        "/lib/sensors/bme280.py": bytes(range(256)) * 40,
        "/lib/empty.txt": b"",
        "/data": None,
    }
    image = tmp_path / "fs.img"
    image.write_bytes(build_image(tree, Geometry(RAMDISK_BLOCK, RAMDISK_BLOCKS, prog_size=4, inline_max=256)))
    address = ramdisk_address(selftest_elf)
    code, lines, output = run_selftest(selftest_elf, tmp_path, ["-device", f"loader,file={image},addr={address:#x}"])
    assert code == 0, output
    listed = {}
    for line in lines["fsentry"]:
        kind, path = line.split()[2:4]
        listed[path] = None if kind == "dir" else fields(line)
    assert set(listed) == {"/boot.py", "/main.py", "/lib", "/lib/sensors", "/lib/sensors/bme280.py",
                           "/lib/empty.txt", "/data"}
    for path, content in tree.items():
        if content is None:
            assert listed[path] is None
            continue
        entry = listed[path]
        assert entry is not None
        assert int(entry["size"]) == int(entry["read"]) == len(content)
        assert int(entry["crc"], 16) == zlib.crc32(content), path
    assert fields(lines["fsimage"][0])["files"] == "4"
