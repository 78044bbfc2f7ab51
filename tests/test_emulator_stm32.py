"""The STM32 firmware in emulators: QEMU netduinoplus2 boots it (banner, REPL, semihosting exit) over pipes,
TCP and a pty (pyserial); unicorn runs its reset path against a silicon-like RCC to check the clock tree."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiln import __version__
from kiln.boards import Board
from kiln.build import image_path
from kiln.emulators.qemu_stm32 import QemuError, QemuStm32

BOARD = "NETDUINO_PLUS_2"
BANNER = re.compile(rb"Kiln (\S+) on NETDUINO_PLUS_2; Netduino Plus 2 with STM32F405RG at (\d+) MHz\r\n"
                    rb"Type \"help\(\)\" for more information.\r\n>>> ")
PROMPT = b">>> "
needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not installed")


@pytest.fixture(scope="module")
def elf(built: Callable[[str], Board]) -> Path:
    return image_path(built(BOARD), "elf")


def check_session(emulator: QemuStm32) -> None:
    """Banner, one evaluated line, a Ctrl-D soft reset, then sys.exit(0) must end QEMU with exit code 0
    (in an emulator build, SystemExit at the prompt reaches hal_exit: semihosting)."""
    banner = BANNER.search(emulator.read_until(PROMPT, timeout=10))
    assert banner is not None, emulator.output
    assert banner.group(1).decode() == __version__
    # QEMU ignores the RCC; the HAL then reports the machine's fixed 168 MHz (see ports/stm32/clock.c).
    assert banner.group(2) == b"168"
    emulator.write(b"print('kiln')\r")
    assert emulator.read_until(PROMPT, timeout=5) == b"print('kiln')\r\nkiln\r\n>>> "
    emulator.write(b"\x04")
    assert b"MPY: soft reboot\r\n" in emulator.read_until(PROMPT, timeout=5)
    emulator.write(b"import sys; sys.exit(0)\r")
    assert emulator.wait(timeout=5) == 0


@needs_qemu
def test_pipe_console_banner_echo_and_semihosting_exit(elf: Path) -> None:
    started = time.monotonic()
    with QemuStm32(elf, "pipe") as emulator:
        emulator.read_until(b"MHz\r\n", timeout=10)
        boot_s = time.monotonic() - started
        emulator.read_until(PROMPT, timeout=10)
        emulator.write(b"import sys; sys.exit(3)\r")
        assert emulator.wait(timeout=5) == 3
    assert boot_s < 5.0, f"QEMU took {boot_s:.2f} s to print the banner"
    with QemuStm32(elf, "pipe") as emulator:
        check_session(emulator)


@needs_qemu
def test_tcp_console(elf: Path) -> None:
    with QemuStm32(elf, "tcp") as emulator:
        assert emulator.tcp_port is not None and emulator.socket.getpeername()[1] == emulator.tcp_port
        check_session(emulator)


@needs_qemu
def test_pty_console_with_pyserial(elf: Path) -> None:
    import serial

    with QemuStm32(elf, "pty", attach=False) as emulator:
        assert emulator.pty_path is not None and emulator.pty_path.startswith("/dev/pts/")
        with serial.Serial(emulator.pty_path, 115200, timeout=10) as port:
            emulator.resume()  # started paused: QEMU drops pty output until someone has it open
            banner = port.read_until(PROMPT)
            assert BANNER.search(banner), banner
            port.write(b"'abc' * 2\r")
            assert port.read_until(PROMPT) == b"'abc' * 2\r\n'abcabc'\r\n>>> "
            port.write(b"import sys; sys.exit(0)\r")
            assert emulator.wait(timeout=5) == 0


@needs_qemu
def test_burst_of_input_arrives_intact(elf: Path) -> None:
    """Bytes land in the interrupt-fed ring buffer while the firmware is busy echoing: none are lost."""
    text = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "'\\") + "0123456789" * 4
    line = f"print(len('{text}'))".encode()
    with QemuStm32(elf, "pipe") as emulator:
        emulator.read_until(PROMPT)
        emulator.write(line + b"\r")
        assert emulator.read_until(PROMPT, timeout=5) == line + f"\r\n{len(text)}\r\n>>> ".encode()
        emulator.write(b"import sys; sys.exit(0)\r")
        assert emulator.wait(timeout=5) == 0


@needs_qemu
def test_read_timeout_names_what_was_seen_and_stop_cleans_up(elf: Path) -> None:
    emulator = QemuStm32(elf, "pty").start()
    try:
        emulator.read_until(PROMPT)
        with pytest.raises(QemuError, match=r"timed out after 0.3 s waiting for b'never'(.|\n)*console tail"):
            emulator.read_until(b"never", timeout=0.3)
        proc = emulator.proc
    finally:
        emulator.stop()
    assert proc is not None and proc.returncode is not None  # stopped, not left running
    assert emulator._pty_fd is None and emulator._tmp is None


def test_missing_firmware_is_reported(tmp_path: Path) -> None:
    with pytest.raises(QemuError, match="no firmware at"):
        QemuStm32(tmp_path / "nothing.elf").start()


# ---- the hardware clock path, which QEMU cannot exercise (it does not model the RCC) ----------------

RCC, FLASH_ACR, PWR_CR, PWR_CSR = 0x40023800, 0x40023C00, 0x40007000, 0x40007004
SYST_CVR = 0xE000E018
# (APB1, APB2) limits from the reference manuals.
APB_LIMITS = {"STM32F405RG": (42_000_000, 84_000_000), "STM32F446RE": (45_000_000, 90_000_000),
              "STM32F767ZI": (54_000_000, 108_000_000)}
# USART1/6 sit on APB2, the others on APB1; F7 moved BRR from +0x08 to +0x0C.
USART_BASES = {1: 0x40011000, 2: 0x40004400, 3: 0x40004800, 4: 0x40004C00, 5: 0x40005000, 6: 0x40011400}


def run_reset_path(elf: Path, hse_starts: bool) -> dict[int, int]:
    """Runs Reset_Handler..kiln_main in unicorn; RCC/PWR ready bits follow their enable bits like on
    silicon (HSERDY only if hse_starts). Returns the last value written to each peripheral register."""
    from elftools.elf.elffile import ELFFile
    from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
    from unicorn.arm_const import UC_ARM_REG_PC, UC_ARM_REG_SP

    regs: dict[int, int] = {RCC: 0x83, RCC + 0x04: 0x24003010}  # reset values: HSION|HSIRDY, PLLCFGR
    counter = [0xFFFFFF]

    def read(address: int) -> int:
        value = regs.get(address, 0)
        if address == SYST_CVR:  # SysTick counts down so the firmware's timeouts expire
            counter[0] = (counter[0] - 200) & 0xFFFFFF
            return counter[0]
        if address == RCC:
            value &= ~((1 << 1) | (1 << 17) | (1 << 25))
            value |= (value & 1) << 1 | ((value >> 16) & int(hse_starts)) << 17 | ((value >> 24) & 1) << 25
        if address == RCC + 0x08:  # SWS follows SW
            value = (value & ~0xC) | (value & 3) << 2
        if address == PWR_CSR:  # ODRDY/ODSWRDY follow ODEN/ODSWEN
            value = regs.get(PWR_CR, 0) & (3 << 16)
        return value

    def write(address: int, value: int) -> None:
        regs[address] = value

    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.mem_map(0x08000000, 0x200000)
    uc.mem_map(0x20000000, 0x80000)
    with open(elf, "rb") as handle:
        image = ELFFile(handle)
        symtab: Any = image.get_section_by_name(".symtab")
        stop = symtab.get_symbol_by_name("kiln_main")[0]["st_value"] & ~1
        for segment in image.iter_segments():
            if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
                uc.mem_write(segment["p_paddr"], segment.data())
    for base, size in ((0x40000000, 0x30000), (0xE000E000, 0x1000)):
        uc.mmio_map(base, size, lambda _uc, offset, _size, _data, b=base: read(b + offset), None,
                    lambda _uc, offset, _size, value, _data, b=base: write(b + offset, value), None)
    vectors = bytes(uc.mem_read(0x08000000, 8))
    uc.reg_write(UC_ARM_REG_SP, int.from_bytes(vectors[:4], "little"))
    uc.emu_start(int.from_bytes(vectors[4:], "little"), stop, count=2_000_000)
    assert uc.reg_read(UC_ARM_REG_PC) == stop, "the reset path did not reach kiln_main"
    return regs


@pytest.mark.parametrize("board_id", ["NETDUINO_PLUS_2", "NUCLEO_F446RE", "NUCLEO_F767ZI"])
def test_clock_tree_on_silicon_like_rcc(built: Callable[[str], Board], board_id: str) -> None:
    board = built(board_id)
    regs = run_reset_path(image_path(board, "elf"), hse_starts=True)
    clock, repl = board.data["clock"], board.data["repl"]
    pll = regs[RCC + 0x04]
    m, n, p = pll & 0x3F, (pll >> 6) & 0x1FF, ((pll >> 16) & 3) * 2 + 2
    source = clock["xtal_hz"] if pll & (1 << 22) else 16_000_000
    assert bool(pll & (1 << 22)) == (clock["xtal_hz"] != 0)
    assert 1_000_000 <= source // m <= 2_000_000 and 192_000_000 <= source // m * n <= 432_000_000
    sysclk = source * n // (m * p)
    assert sysclk == clock["cpu_hz"]
    cfgr = regs[RCC + 0x08]
    assert cfgr & 3 == 2, "SYSCLK is not the PLL"
    dividers = {0: 1, 4: 2, 5: 4, 6: 8, 7: 16}
    apb1, apb2 = sysclk // dividers[(cfgr >> 10) & 7], sysclk // dividers[(cfgr >> 13) & 7]
    assert (apb1, apb2) == APB_LIMITS[board.mcu["name"]]
    assert regs[FLASH_ACR] & 0xF == (sysclk - 1) // 30_000_000  # wait states for 2.7-3.6 V
    if sysclk > 180_000_000 or (board.mcu["name"] == "STM32F446RE" and sysclk > 168_000_000):
        assert regs[PWR_CR] & (3 << 16) == 3 << 16, "over-drive not enabled"
    base = USART_BASES[repl["uart"]]
    brr = base + (0x0C if board.mcu["family"] == "stm32f7" else 0x08)
    pclk = apb2 if repl["uart"] in (1, 6) else apb1
    assert regs[brr] == round(pclk / repl["baud"])
    assert regs[0xE000E014] == sysclk // 1000 - 1  # SysTick reload for 1 kHz


def test_clock_falls_back_to_hsi_when_the_crystal_does_not_start(built: Callable[[str], Board]) -> None:
    regs = run_reset_path(image_path(built(BOARD), "elf"), hse_starts=False)
    assert regs[RCC] & ((1 << 16) | (1 << 24)) == 0, "HSE and PLL must be switched off again"
    assert regs[RCC + 0x08] & 3 == 0, "SYSCLK must be HSI"
    assert regs[FLASH_ACR] & 0xF == 0
    assert regs[0x40011008] == round(16_000_000 / 115200)  # USART1 BRR at 16 MHz
    assert regs[0xE000E014] == 16_000 - 1


@pytest.mark.parametrize("board_id,mcu", [("NUCLEO_F411RE", "STM32F411RE"), ("NUCLEO_F401RE", "STM32F401RE")])
def test_other_stm32f4_board_boots_on_its_own_usart(built: Callable[[str], Board], board_id: str, mcu: str) -> None:
    """A Nucleo build (console on USART2) boots in QEMU's F405 machine: the F4 peripherals it uses sit at
    the same addresses, and QEMU's second -serial is USART2. No RCC in QEMU: the HAL falls back to HSI."""
    board = built(board_id)
    with QemuStm32(image_path(board, "elf"), uart=board.data["repl"]["uart"]) as emulator:
        text = emulator.read_until(PROMPT, timeout=10)
        assert re.search(rb"Kiln \S+ on " + board_id.encode() + rb"; \S.* with " + mcu.encode() + rb" at 16 MHz\r\n",
                         text), text
        emulator.write(b"2**70\r")
        assert emulator.read_until(PROMPT, timeout=5) == b"2**70\r\n1180591620717411303424\r\n>>> "
