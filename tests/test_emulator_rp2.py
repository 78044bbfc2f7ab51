"""RPI_PICO firmware in rp2040js, booted through the stand-in bootrom: banner, REPL, exit codes."""

from __future__ import annotations

import os
import select
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln import __version__
from kiln.boards import Board
from kiln.build import build_dir
from kiln.emulators.rp2040 import Rp2040Emulator, build_bootrom
from kiln.images import rp2_boot2
from kiln.images.uf2 import write_uf2

ROOT = Path(__file__).resolve().parent.parent
RP2040_FAMILY = 0xE48BFF56
BANNER = (f"Kiln {__version__} on RPI_PICO; Raspberry Pi Pico with RP2040 at 125 MHz\r\n"
          'Type "help()" for more information.\r\n>>> ').encode()
PROMPT = b">>> "
EXIT0 = b"import sys; sys.exit(0)\r"  # an emulator build ends the run on SystemExit at the prompt

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "rp2040js").exists(), reason="npm install has not run"),
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed"),
]


@pytest.fixture(scope="module")
def pico(built: Callable[[str], Board]) -> Path:
    """The RPI_PICO build directory (built once per session), with the stand-in bootrom ready."""
    out = build_dir(built("RPI_PICO"))
    build_bootrom()
    return out


def test_boot_banner_repl_and_exit(pico: Path) -> None:
    with Rp2040Emulator(pico / "firmware.uf2", timeout=30) as emu:
        assert emu.read_until(PROMPT, timeout=20) == BANNER
        emu.write(b"print('hello kiln')\r")
        assert emu.read_until(PROMPT, timeout=10) == b"print('hello kiln')\r\nhello kiln\r\n>>> "
        # More than the UART's 32-byte FIFO in one go: the RX interrupt + ring buffer keep up.
        text = bytes(range(0x41, 0x41 + 26)) * 3
        line = b"len('" + text + b"')"
        emu.write(line + b"\r")
        assert emu.read_until(PROMPT, timeout=10) == line + b"\r\n78\r\n>>> "
        emu.write(b"\x04")  # Ctrl-D: soft reset
        assert b"MPY: soft reboot" in emu.read_until(PROMPT, timeout=10)
        emu.write(EXIT0)
        result = emu.wait(10)
    assert (result.kind, result.code, result.returncode) == ("exit", 0, 0)


def test_corrupted_boot2_is_rejected_by_the_bootrom(pico: Path, tmp_path: Path) -> None:
    uf2 = bytearray((pico / "firmware.uf2").read_bytes())
    uf2[32 + 100] ^= 0x01  # one bit in the boot2 code of the first block
    bad = tmp_path / "bad_boot2.uf2"
    bad.write_bytes(bytes(uf2))
    with Rp2040Emulator(bad, timeout=30) as emu:
        result = emu.wait(20)
        assert emu.output == b""
    assert (result.kind, result.returncode) == ("boot-failure", 120)
    assert result.detail == "bad-boot2-crc"


def test_input_closed_while_waiting_is_a_stall(pico: Path) -> None:
    # The firmware sleeps in WFI with no timer armed; with no more input the runner says so.
    with Rp2040Emulator(pico / "firmware.uf2", timeout=30) as emu:
        emu.read_until(PROMPT, timeout=20)
        emu.write(b"abc")
        emu.close_input()
        result = emu.wait(20)
        assert emu.output.endswith(b">>> abc")
    assert (result.kind, result.returncode) == ("stall", 122)


def test_tcp_mode(pico: Path) -> None:
    with Rp2040Emulator(pico / "firmware.uf2", mode="tcp", timeout=30) as emu:
        assert emu.tcp_port
        with socket.create_connection(("127.0.0.1", emu.tcp_port), timeout=10) as sock:
            received = b""
            while not received.endswith(PROMPT):
                chunk = sock.recv(256)
                assert chunk, received
                received += chunk
            assert received == BANNER
            # The exit right after the echo must not cut it off: the runner drains, then closes.
            sock.sendall(b"print('bye'); import sys; sys.exit(0)\r")
            while chunk := sock.recv(256):
                received += chunk
            assert received == BANNER + b"print('bye'); import sys; sys.exit(0)\r\nbye\r\n"
            result = emu.wait(20)
    assert (result.kind, result.code) == ("exit", 0)


def test_pty_mode(pico: Path) -> None:
    with Rp2040Emulator(pico / "firmware.uf2", mode="pty", timeout=30) as emu:
        assert emu.pty_path and emu.pty_path.startswith("/dev/")
        fd = os.open(emu.pty_path, os.O_RDWR | os.O_NOCTTY)
        try:
            os.write(fd, b"'pty'\r")
            received = b""
            deadline = time.monotonic() + 20
            while b"'pty'\r\n>>> " not in received and time.monotonic() < deadline:
                if select.select([fd], [], [], 0.2)[0]:
                    received += os.read(fd, 256)
            assert b"'pty'\r\n>>> " in received, received
            os.write(fd, EXIT0)
            result = emu.wait(20)
        finally:
            os.close(fd)
    assert (result.kind, result.code) == ("exit", 0)


def test_dead_crystal_falls_back_to_rosc(pico: Path) -> None:
    # XOSC never becomes stable: after its timeout the HAL runs from the ROSC (6.5 MHz nominal),
    # says so in the banner, and the console still works.
    with Rp2040Emulator(pico / "firmware.uf2", timeout=30, no_crystal=True) as emu:
        assert emu.read_until(PROMPT, timeout=20) == BANNER.replace(b"at 125 MHz", b"at 6 MHz")
        emu.write(b"'slow'\r" + EXIT0)
        assert emu.read_until(b"'slow'\r\n", timeout=10)
        assert emu.wait(10).code == 0


# The port's HAL under a test kiln_main() instead of the core's echo loop.
HAL_CHECK = r"""
/* halcheck.c: exercises the RP2040 HAL in rp2040js (generated by tests/test_emulator_rp2.py). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hal.h"
#include "kiln_main.h"

static void say(const char *text) {
    hal_stdout_write(text, strlen(text));
}

void kiln_main(void) {
    char line[200];
    uint32_t us0 = hal_ticks_us(), ms0 = hal_ticks_ms();
    hal_delay_ms(100);
    uint32_t us1 = hal_ticks_us(), ms1 = hal_ticks_ms();
    hal_delay_us(500);
    uint32_t us2 = hal_ticks_us();
    void *heap;
    size_t heap_len;
    hal_heap_region(&heap, &heap_len);
    snprintf(line, sizeof line, "delay_ms=%lu/%lu delay_us=%lu heap=%lu+%lu hz=%lu poll=%d\r\n",
             (unsigned long)(us1 - us0), (unsigned long)(ms1 - ms0), (unsigned long)(us2 - us1),
             (unsigned long)(uintptr_t)heap, (unsigned long)heap_len, (unsigned long)hal_cpu_hz(), hal_stdin_poll());
    say(line);
    /* picolibc keeps errno thread-local: the reset handler must have set up the TLS block. */
    errno = 0;
    long big = strtol("99999999999999999999", NULL, 10);
    snprintf(line, sizeof line, "errno_at=%lu erange=%d max=%d\r\n", (unsigned long)(uintptr_t)&errno,
             errno == ERANGE, big == 0x7fffffffL);
    say(line);
    say("ready> ");
    int first = hal_stdin_read();
    while (hal_stdin_poll() < 0) {
    }
    hal_exit(first);
}
"""


def test_hal_timing_heap_input_and_exit_code(pico: Path, tmp_path: Path) -> None:
    source = tmp_path / "halcheck.c"
    source.write_text(HAL_CHECK)
    gen = pico / "gen"
    elf = tmp_path / "halcheck.elf"
    sources = [str(p) for p in sorted((ROOT / "ports" / "rp2").glob("*.c")) if not p.name.startswith("mod_")]
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m0plus", "-mthumb", "-std=c99", "-Wall", "-Wextra", "-Werror",
                    "-Os", "--specs=picolibc.specs", "-nostartfiles", f"-I{ROOT / 'core'}", f"-I{ROOT / 'ports' / 'rp2'}",
                    f"-I{gen}", "-T", str(gen / "linker.ld"), *sources, str(source), str(gen / "pins.c"),
                    str(pico / "boot2" / "boot2_block.c"), "-o", str(elf)], check=True)
    image = tmp_path / "halcheck.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(image)], check=True)
    with Rp2040Emulator(image, timeout=30) as emu:
        report = emu.read_until(b"ready> ", timeout=20).decode()
        emu.write(b"Zq")
        result = emu.wait(20)
    fields = dict(item.split("=") for line in report.split("\r\n")[:2] for item in line.split())
    delay_us, delay_ms = (int(v) for v in fields["delay_ms"].split("/"))
    assert 100_000 <= delay_us < 100_100 and delay_ms == 100
    assert 500 <= int(fields["delay_us"]) < 600
    start, length = (int(v) for v in fields["heap"].split("+"))
    # up to the 32 KiB main stack at the top of SRAM0-3
    assert 0x20000000 <= start < 0x20001000 and start + length == 0x20040000 - 32 * 1024
    assert int(fields["hz"]) == 125_000_000
    assert fields["poll"] == "-1"  # nothing typed yet
    assert 0x20000000 <= int(fields["errno_at"]) < 0x20040000  # errno in RAM, not at the null thread pointer
    assert fields["erange"] == "1" and fields["max"] == "1"
    assert (result.kind, result.code, result.returncode) == ("exit", ord("Z"), ord("Z"))


# A bare image speaking the runner's watchdog protocol: it counts boots in SCRATCH3 (which
# survives a watchdog reset), resets plainly twice, then exits with 40 + boots.
PROTOCOL_APP = """
    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .section .text
    .word 0x20042000
    .word start + 1
start:
    ldr r0, =0x40058000      @ WATCHDOG
    ldr r1, [r0, #0x18]      @ SCRATCH3: boots so far
    adds r1, #1
    str r1, [r0, #0x18]
    movs r2, #0
    cmp r1, #3
    blt trigger
    ldr r2, =0x4b4c4558      @ "KLEX": exit, code in SCRATCH1
    adds r1, #39
trigger:
    str r2, [r0, #0x0c]
    str r1, [r0, #0x10]
    ldr r3, =0x80000000
    str r3, [r0, #0]
hang:
    b hang
    .ltorg
"""


def _protocol_image(pico: Path, tmp_path: Path, app_source: str = PROTOCOL_APP) -> Path:
    source = tmp_path / "app.S"
    source.write_text(app_source)
    elf = tmp_path / "app.elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m0plus", "-mthumb", "-nostdlib", "-Ttext=0x10000100",
                    str(source), "-o", str(elf)], check=True)
    app = tmp_path / "app.bin"
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(app)], check=True)
    boot2 = rp2_boot2.make_block((pico / "boot2" / "boot2.bin").read_bytes())
    image = tmp_path / "protocol.uf2"
    image.write_bytes(write_uf2(boot2 + app.read_bytes(), 0x10000000, RP2040_FAMILY))
    return image


def test_resets_reboot_and_exit_code_reaches_the_host(pico: Path, tmp_path: Path) -> None:
    with Rp2040Emulator(_protocol_image(pico, tmp_path), timeout=30) as emu:
        result = emu.wait(20)
        kinds = [kind for kind, _ in emu.status]
    assert kinds == ["reset", "reset", "exit"]
    assert (result.kind, result.code, result.returncode) == ("exit", 42, 42)


FAULT_APP = """
    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .section .text
    .word 0x20042000
    .word start + 1
start:
    ldr r0, =0x40058000
    ldr r1, =0x4b4c4654      @ "KLFT": fault, PC in SCRATCH1, exception in SCRATCH2
    str r1, [r0, #0x0c]
    ldr r1, =0x10000123
    str r1, [r0, #0x10]
    movs r1, #3
    str r1, [r0, #0x14]
    ldr r1, =0x80000000
    str r1, [r0, #0]
hang:
    b hang
    .ltorg
"""


def test_fault_reason_is_reported(pico: Path, tmp_path: Path) -> None:
    with Rp2040Emulator(_protocol_image(pico, tmp_path, FAULT_APP), timeout=30) as emu:
        result = emu.wait(20)
    assert (result.kind, result.returncode) == ("fault", 121)
    assert result.detail == "pc=0x10000123 exception=3"


def test_image_for_another_chip_is_refused(pico: Path, tmp_path: Path) -> None:
    stm32 = tmp_path / "stm32.uf2"
    stm32.write_bytes(write_uf2((pico / "firmware.bin").read_bytes(), 0x10000000, 0x57755A57))
    with Rp2040Emulator(stm32, timeout=30) as emu:
        result = emu.wait(20)
    assert (result.kind, result.returncode) == ("error", 125)
    assert "not RP2040" in result.detail


def test_skip_boot2_runs_the_app_directly(pico: Path, tmp_path: Path) -> None:
    # Without the bootrom, even an image with a broken boot2 runs: proves the CRC test above
    # exercises the bootrom, not the app.
    data = bytearray((pico / "firmware.bin").read_bytes())
    data[100] ^= 0x01
    image = tmp_path / "broken_boot2.bin"
    image.write_bytes(bytes(data))
    assert not rp2_boot2.block_crc_ok(bytes(data))
    with Rp2040Emulator(image, timeout=30, skip_boot2=True) as emu:
        assert emu.read_until(PROMPT, timeout=20) == BANNER
        emu.write(EXIT0)
        assert emu.wait(10).code == 0


def test_bootrom_is_small_and_starts_below_boot2() -> None:
    rom = build_bootrom().read_bytes()
    sp, reset = struct.unpack_from("<II", rom)
    assert sp == 0x20041F00  # the stack must not grow into the boot2 copy
    assert reset & 1 and reset < len(rom)
    assert len(rom) < 256
