"""RP2040 boot2 block: CRC-32/MPEG-2, block layout, and the boot2 in the built RPI_PICO image."""

from __future__ import annotations

import random
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import build_dir
from kiln.images import rp2_boot2
from kiln.images.uf2 import uf2_to_bin

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pico(built: Callable[[str], Board]) -> Path:
    """The RPI_PICO build directory (built once per session by the shared fixture)."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    return build_dir(built("RPI_PICO"))


def crc_bitwise(data: bytes) -> int:
    """Reference CRC-32/MPEG-2, bit by bit (independent of the table-driven implementation)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def test_crc_check_value() -> None:
    assert rp2_boot2.crc32_mpeg2(b"123456789") == 0x0376E6E7


def test_crc_matches_bitwise_reference() -> None:
    rng = random.Random(2040)
    for length in (0, 1, 3, 252, 1000):
        data = bytes(rng.randrange(256) for _ in range(length))
        assert rp2_boot2.crc32_mpeg2(data) == crc_bitwise(data)


def test_block_layout() -> None:
    code = bytes(range(1, 101))
    block = rp2_boot2.make_block(code)
    assert len(block) == 256
    assert block[:100] == code
    assert block[100:252] == bytes(152)
    assert struct.unpack("<I", block[252:])[0] == crc_bitwise(block[:252])
    assert rp2_boot2.block_crc_ok(block)
    rp2_boot2.check_block(block)


def test_code_too_large_is_rejected() -> None:
    rp2_boot2.make_block(bytes(252))
    with pytest.raises(rp2_boot2.Boot2Error, match="253 bytes; at most 252"):
        rp2_boot2.make_block(bytes(253))


def test_any_single_bit_flip_is_detected() -> None:
    block = rp2_boot2.make_block(bytes(range(200)))
    for bit in range(0, 256 * 8, 7):
        corrupted = bytearray(block)
        corrupted[bit // 8] ^= 1 << (bit % 8)
        assert not rp2_boot2.block_crc_ok(bytes(corrupted)), bit
        with pytest.raises(rp2_boot2.Boot2Error, match="CRC mismatch"):
            rp2_boot2.check_block(bytes(corrupted))


def test_short_input_is_not_a_block() -> None:
    assert not rp2_boot2.block_crc_ok(bytes(255))
    with pytest.raises(rp2_boot2.Boot2Error, match="needs 256"):
        rp2_boot2.check_block(bytes(10))


def test_c_source_holds_the_block() -> None:
    block = rp2_boot2.make_block(b"\x00\xb5\x12")
    text = rp2_boot2.c_source(block)
    assert text.startswith("/* boot2_block.c:")
    assert '__attribute__((section(".boot2"), used))' in text
    values = [int(tok.rstrip(","), 16) for tok in text.split("{", 1)[1].split("}")[0].split()]
    assert bytes(values) == block


def test_built_image_starts_with_valid_boot2(pico: Path) -> None:
    out = pico
    firmware = (out / "firmware.bin").read_bytes()
    rp2_boot2.check_block(firmware[:256])
    # The block in the image is exactly the one made from the separately linked boot2 code.
    assert firmware[:256] == rp2_boot2.make_block((out / "boot2" / "boot2.bin").read_bytes())
    # The vector table follows at 0x10000100: initial SP at the top of SRAM0-3 (the main stack's 32 KiB
    # sit below it, SCRATCH_X/Y stay free), Thumb reset handler in flash.
    sp, reset = struct.unpack_from("<II", firmware, 256)
    assert sp == 0x20040000
    assert reset & 1 and 0x10000100 < reset < 0x10000000 + len(firmware)
    base, image = uf2_to_bin((out / "firmware.uf2").read_bytes(), rp2_boot2.RP2040_FAMILY_ID)
    assert base == 0x10000000 and image[: len(firmware)] == firmware


def test_cli_check(pico: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = pico
    assert rp2_boot2.main(["check", str(out / "firmware.uf2")]) == 0
    assert "boot2 CRC ok" in capsys.readouterr().out
    corrupted = bytearray((out / "firmware.bin").read_bytes())
    corrupted[17] ^= 0x40
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(corrupted))
    assert rp2_boot2.main(["check", str(bad)]) == 1
    assert "CRC mismatch" in capsys.readouterr().err


def test_cli_block(tmp_path: Path) -> None:
    code = tmp_path / "boot2.bin"
    code.write_bytes(b"\x01\x02\x03\x04")
    assert rp2_boot2.main(["block", str(code), "-o", str(tmp_path / "block.bin"), "--c", str(tmp_path / "b.c")]) == 0
    assert rp2_boot2.block_crc_ok((tmp_path / "block.bin").read_bytes())
    code.write_bytes(bytes(300))
    assert rp2_boot2.main(["block", str(code), "-o", str(tmp_path / "x.bin")]) == 1
    assert not (tmp_path / "x.bin").exists()


# -- both variants, run as silicon would run them ----------------------------------------------------

VARIANTS = {"w25q080": ("RPI_PICO", ""), "generic_03h": ("RPI_PICO", "GENERIC_FLASH")}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def variant_build(request: pytest.FixtureRequest, built: Callable[..., Board]) -> tuple[str, Path]:
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    board_id, variant = VARIANTS[request.param]
    return request.param, build_dir(built(board_id, variant))


def test_variant_is_selected_by_the_board_file_and_its_crc_verifies(variant_build: tuple[str, Path]) -> None:
    name, out = variant_build
    assembled = {p.name for p in out.glob("boot2/boot2_*.o")} - {"boot2_block.o"}
    assert assembled == {f"boot2_{name}.o"}
    code = (out / "boot2" / "boot2.bin").read_bytes()
    assert len(code) <= 252
    firmware = (out / "firmware.bin").read_bytes()
    rp2_boot2.check_block(firmware[:256])
    assert firmware[:256] == rp2_boot2.make_block(code)
    assert rp2_boot2.main(["check", str(out / "firmware.uf2")]) == 0


def test_boot2_sets_up_xip_on_a_modelled_flash_chip(variant_build: tuple[str, Path]) -> None:
    """The bootrom's way in (lr = 0): boot2 must leave the SSI in an XIP mode the chip answers, set VTOR
    and MSP from the app's vector table and jump to its reset handler."""
    from unicorn.arm_const import UC_ARM_REG_SP

    from tests.support.rp2_models import SpiNor
    from tests.support.rp2_unicorn import Rp2Machine

    name, out = variant_build
    firmware = (out / "firmware.bin").read_bytes()
    m = Rp2Machine(flash_image=firmware, nor=SpiNor(quad_enabled=False))
    reset = m.run_boot2(from_bootrom=True)
    assert reset == struct.unpack_from("<I", firmware, 0x104)[0] & ~1
    assert struct.unpack("<I", m.read(0xE000ED08, 4))[0] == 0x10000100  # VTOR
    assert m.uc.reg_read(UC_ARM_REG_SP) == 0x20040000  # MSP from the vector table: top of SRAM0-3
    assert m.bus.xip_problem() is None and m.nor.violations == []
    fields = m.bus.ssi.fields()
    if name == "w25q080":
        # QE was clear: set once (06h, 31h), waited for (05h), then EBh continuous-read mode.
        assert m.nor.commands()[:3] == [0x35, 0x06, 0x31] and set(m.nor.commands()[3:]) == {0x05}
        assert m.nor.status_register_writes == 1 and m.nor.sr2 & 0x02
        assert m.nor.continuous and fields["inst_l"] == 0 and fields["xip_cmd"] == 0xA0
        assert m.bus.ssi.sck_hz() == 125e6 / 4
    else:
        # Nothing sent at all, no QE needed: each XIP access is a plain 03h read on one line.
        assert m.nor.commands() == [] and m.nor.status_register_writes == 0
        assert (fields["frf"], fields["inst_l"], fields["xip_cmd"], fields["addr_bits"]) == (0, 2, 0x03, 24)
        assert m.bus.ssi.sck_hz(133e6) < 25e6  # within any chip's 03h limit, even at 133 MHz
        assert m.pads_qspi[0x10] & 0x08 and m.pads_qspi[0x14] & 0x08  # /WP and /HOLD pulled up


def test_boot2_leaves_a_quad_enabled_chip_alone_and_runs_from_anywhere(variant_build: tuple[str, Path]) -> None:
    """Called as a function (non-zero lr) from another RAM address, as the flash driver does to re-enter
    XIP: it must be position-independent, return, and not rewrite the non-volatile status register."""
    from tests.support.rp2_models import SpiNor
    from tests.support.rp2_unicorn import Rp2Machine

    name, out = variant_build
    m = Rp2Machine(flash_image=(out / "firmware.bin").read_bytes(), nor=SpiNor(quad_enabled=True))
    assert m.run_boot2(at=0x20010000) == 0
    assert m.nor.status_register_writes == 0 and m.bus.xip_problem() is None
    assert m.nor.commands() == ([0x35] if name == "w25q080" else [])


def test_generic_boot2_clock_is_checked_against_the_chip(built: Callable[..., Board]) -> None:
    """The model is not a rubber stamp: a chip whose 03h limit is below the generic boot2's clock fails."""
    from tests.support.rp2_models import SpiNor
    from tests.support.rp2_unicorn import MachineError, Rp2Machine

    out = build_dir(built("RPI_PICO", "GENERIC_FLASH"))
    m = Rp2Machine(flash_image=(out / "firmware.bin").read_bytes(), nor=SpiNor(max_read_03_hz=20e6))
    with pytest.raises(MachineError, match="03h read at 22.2 MHz exceeds the chip's 20 MHz"):
        m.run_boot2(from_bootrom=True)


def test_variant_boots_in_rp2040js(variant_build: tuple[str, Path], tmp_path: Path) -> None:
    """Both variants through the stand-in bootrom (CRC check, boot2 in SRAM, vectors). rp2040js reads
    XIP straight from its flash array whatever the SSI says (its SSI is a register stub), so this proves
    the hand-over, not the XIP setup: that is the unicorn test above. A flipped bit is refused."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "rp2040js").exists():
        pytest.skip("node or rp2040js is not installed")
    from kiln import __version__
    from kiln.emulators.rp2040 import Rp2040Emulator, build_bootrom

    name, out = variant_build
    build_bootrom()
    suffix = "" if name == "w25q080" else "-GENERIC_FLASH"
    with Rp2040Emulator(out / "firmware.uf2", timeout=30) as emu:
        assert emu.read_until(b"> ", timeout=20).startswith(f"Kiln {__version__} on RPI_PICO{suffix};".encode())
        emu.write(b"40+2\r")  # the console answers (whatever the core's loop is)
        assert emu.read_until(b"> ", timeout=10).startswith(b"40+2\r\n")
    image = bytearray((out / "firmware.bin").read_bytes())
    image[60] ^= 0x10
    bad = tmp_path / f"bad_{name}.bin"
    bad.write_bytes(bytes(image))
    with Rp2040Emulator(bad, timeout=30) as emu:
        result = emu.wait(20)
    assert (result.kind, result.returncode) == ("boot-failure", 120)
