"""RP2040 flash path at register level: the port's compiled flash driver, unique ID, BOOTSEL button and ROM
lookup run in unicorn against a modelled SSI, IO_QSPI chip-select override, XIP cache and SPI NOR chip
(tests/support/rp2_models.py). rp2040js cannot do this: its SSI is a stub and it has no flash writes.

The machine stops at the first instruction fetch or data read through XIP while XIP could not work (SSI
in plain SPI mode, chip select overridden, chip busy or still taking single-line commands), so these
tests also prove that everything between XIP exit and re-entry runs from RAM."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import build_dir
from tests.support.rp2_models import NorTiming, RomTable, SpiNor
from tests.support.rp2_unicorn import MachineError, Rp2Machine, link_harness

pytestmark = pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed")

OK, INVALID, TIMEOUT, PROTECTED, WRITE_ENABLE, NOT_FOUND = 0, -1, -2, -7, -8, -9
WREN, RDSR, RDSR2, SE, PP, RUID, EXIT, RSTEN, RST = 0x06, 0x05, 0x35, 0x20, 0x02, 0x4B, 0xFF, 0x66, 0x99
SECTOR, PAGE = 4096, 256

HARNESS = r"""
/* harness.c: entry points for tests/test_rp2_flash.py (flash, unique ID, BOOTSEL, ROM lookup). */
#include <stdint.h>
#include "kiln_main.h"
#include "rp2_bootrom.h"
#include "rp2_bootsel.h"
#include "rp2_flash.h"
#include "rp2_qspi.h"
#include "rp2_unique_id.h"

uint8_t h_buf[4096] __attribute__((aligned(4)));
uint32_t h_out[4];
const uint8_t h_const_data[300] = {
#define X(n) (uint8_t)((n) * 7 + 3),
#define X10(n) X(n) X(n + 1) X(n + 2) X(n + 3) X(n + 4) X(n + 5) X(n + 6) X(n + 7) X(n + 8) X(n + 9)
#define X100(n) X10(n) X10(n + 10) X10(n + 20) X10(n + 30) X10(n + 40) X10(n + 50) X10(n + 60) X10(n + 70) \
    X10(n + 80) X10(n + 90)
    X100(0) X100(100) X100(200)
};

void kiln_main(void) {
    for (;;) {
    }
}

int h_setup(void) {
    rp2_qspi_init();
    rp2_unique_id_reset_state();
    return rp2_flash_init();
}

int h_erase(uint32_t offset, uint32_t len) { return rp2_flash_erase(offset, len); }
int h_program(uint32_t offset, uint32_t len) { return rp2_flash_program(offset, h_buf, len); }
int h_program_const(uint32_t offset) { return rp2_flash_program(offset, h_const_data, sizeof h_const_data); }
int h_read(uint32_t offset, uint32_t len) { return rp2_flash_read(offset, h_buf, len); }
void h_region(void) {
    rp2_flash_fs_region(&h_out[0], &h_out[1]);
    h_out[2] = rp2_flash_firmware_end();
    h_out[3] = rp2_flash_size();
}
int h_uid(void) { return rp2_unique_id(h_buf); }
int h_bootsel(void) { return rp2_bootsel_button(); }
uint32_t h_lookup(uint32_t code) { return (uint32_t)rp2_rom_func_lookup(code); }
int h_bootloader(uint32_t mask) { return rp2_bootloader_enter(mask); }
"""
ENTRY_POINTS = ["h_setup", "h_erase", "h_program", "h_program_const", "h_read", "h_region", "h_uid", "h_bootsel",
                "h_lookup", "h_bootloader", "h_buf", "h_out", "h_const_data"]


@pytest.fixture(scope="module")
def harness(built: Callable[[str], Board]) -> Path:
    out = build_dir(built("RPI_PICO"))
    return link_harness(out / "gen", out / "boot2" / "boot2_block.c", HARNESS, ENTRY_POINTS, "flash")


def machine(harness: Path, nor: SpiNor | None = None, rom: bytes = b"", **kwargs: float) -> Rp2Machine:
    """Booted like silicon: the bootrom's boot2 set up XIP (here as a call), then the driver's init."""
    m = Rp2Machine(harness, nor=nor, rom=rom, **kwargs)
    m.run_boot2()
    assert m.call_signed("h_setup") == OK
    m.nor.transactions.clear()
    return m


def region(m: Rp2Machine) -> tuple[int, int, int, int]:
    m.call("h_region")
    out = m.read(m.symbols["h_out"], 16)
    fs_offset, fs_size, firmware_end, size = (int.from_bytes(out[i : i + 4], "little") for i in range(0, 16, 4))
    return fs_offset, fs_size, firmware_end, size


def spi_commands(m: Rp2Machine) -> list[int]:
    return m.nor.commands()


def split_sessions(commands: list[int]) -> list[list[int]]:
    """Each session starts with the continuous-read exit (FFh)."""
    sessions: list[list[int]] = []
    for command in commands:
        if command == EXIT:
            sessions.append([])
        else:
            sessions[-1].append(command)
    return sessions


def test_filesystem_region_starts_after_the_firmware(harness: Path) -> None:
    m = machine(harness)
    fs_offset, fs_size, firmware_end, size = region(m)
    image_end = max(s["p_paddr"] + s["p_filesz"] for s in _load_segments(harness)) - 0x10000000
    assert firmware_end % SECTOR == 0 and image_end <= firmware_end < image_end + SECTOR
    assert size == 2 * 1024 * 1024  # RPI_PICO's flash.size
    assert (fs_offset, fs_size) == (0x100000, size - 0x100000)


def _load_segments(elf: Path) -> list[dict[str, int]]:
    from elftools.elf.elffile import ELFFile

    with open(elf, "rb") as handle:
        return [dict(s.header) for s in ELFFile(handle).iter_segments()
                if s["p_type"] == "PT_LOAD" and s["p_filesz"] and 0x10000000 <= s["p_paddr"] < 0x11000000]


def test_erase_sequence_and_result(harness: Path) -> None:
    m = machine(harness)
    fs_offset = region(m)[0]
    m.load_flash(bytes(range(256)) * 32, fs_offset)  # old contents in two sectors
    assert m.call_signed("h_erase", fs_offset, 2 * SECTOR) == OK
    assert m.nor.erases == [fs_offset, fs_offset + SECTOR]
    assert m.nor.memory[fs_offset : fs_offset + 2 * SECTOR] == b"\xff" * 2 * SECTOR
    # The CPU sees the erased flash: the XIP cache was flushed after each session.
    assert m.xip_view(fs_offset, 2 * SECTOR) == b"\xff" * 2 * SECTOR
    sessions = split_sessions(spi_commands(m))
    assert len(sessions) == 2  # one XIP exit/entry per sector: interrupts can run in between
    for session in sessions:
        # WREN, check WEL (05h), erase, poll busy (05h) until done; then boot2 re-enters XIP, checking
        # QE (35h) and finding it set (no status write).
        assert session[:3] == [WREN, RDSR, SE] and set(session[3:-1]) == {RDSR} and len(session) > 5
        assert session[-1] == RDSR2
    erase_transactions = [t for t in m.nor.transactions if t.command == SE]
    assert [t.address for t in erase_transactions] == [fs_offset, fs_offset + SECTOR]
    assert m.flushes == 2 and m.nor.status_register_writes == 1  # QE was written once, at the first boot
    assert m.nor.continuous and m.bus.xip_problem() is None  # back in EBh continuous-read XIP


def test_program_splits_at_page_boundaries_and_verifies(harness: Path) -> None:
    m = machine(harness)
    fs_offset = region(m)[0]
    assert m.call_signed("h_erase", fs_offset, SECTOR) == OK
    data = bytes((i * 13 + 5) & 0xFF for i in range(600))
    m.write(m.symbols["h_buf"], data)
    m.nor.programs.clear()
    start = fs_offset + 100
    assert m.call_signed("h_program", start, len(data)) == OK
    # 156 bytes to the end of the first page, one whole page, then the rest: never a wrap.
    assert m.nor.programs == [(start, 156), (fs_offset + 256, 256), (fs_offset + 512, 188)]
    assert m.nor.memory[start : start + 600] == data
    assert m.xip_view(start, 600) == data
    assert m.call_signed("h_read", start, 600) == OK
    assert m.read(m.symbols["h_buf"], 600) == data
    for session in split_sessions(spi_commands(m))[1:]:
        assert session[:3] == [WREN, RDSR, PP] and set(session[3:-1]) == {RDSR} and session[-1] == RDSR2


def test_program_only_clears_bits_and_reports_a_failed_verify(harness: Path) -> None:
    m = machine(harness)
    fs_offset = region(m)[0]
    m.load_flash(b"\x0f" * PAGE, fs_offset)  # not erased: the chip can only clear bits
    m.write(m.symbols["h_buf"], b"\xf0" * PAGE)
    assert m.call_signed("h_program", fs_offset, PAGE) == -12  # RP2_ERR_VERIFY
    assert m.nor.memory[fs_offset : fs_offset + PAGE] == b"\x00" * PAGE


def test_data_in_flash_is_copied_to_ram_before_xip_goes(harness: Path) -> None:
    m = machine(harness)
    fs_offset = region(m)[0]
    assert m.call_signed("h_erase", fs_offset, SECTOR) == OK
    assert m.call_signed("h_program_const", fs_offset + 10) == OK
    expected = bytes((n * 7 + 3) & 0xFF for n in range(300))
    assert m.nor.memory[fs_offset + 10 : fs_offset + 310] == expected


def test_firmware_sectors_and_bad_ranges_are_refused_without_bus_traffic(harness: Path) -> None:
    m = machine(harness)
    fs_offset, _, firmware_end, size = region(m)
    before = bytes(m.nor.memory)
    for call, args, expected in [
        ("h_erase", (0, SECTOR), PROTECTED),  # boot2 + vectors
        ("h_erase", (firmware_end - SECTOR, SECTOR), PROTECTED),
        ("h_erase", (firmware_end - SECTOR, 2 * SECTOR), PROTECTED),
        ("h_program", (0x100, 16), PROTECTED),
        ("h_program", (firmware_end - 8, 16), PROTECTED),
        ("h_erase", (fs_offset + 512, SECTOR), INVALID),  # not sector-aligned
        ("h_erase", (fs_offset, 100), INVALID),
        ("h_erase", (size, SECTOR), INVALID),
        ("h_erase", (size - SECTOR, 2 * SECTOR), INVALID),  # runs off the end
        ("h_program", (size - 4, 8), INVALID),
        ("h_program", (fs_offset, 0), INVALID),
    ]:
        assert m.call_signed(call, *args) == expected, (call, args)
    assert m.nor.transactions == [] and bytes(m.nor.memory) == before
    assert m.call_signed("h_erase", firmware_end, SECTOR) == OK  # the first sector after it is fine


def test_write_protected_chip_reports_the_write_enable_latch(harness: Path) -> None:
    nor = SpiNor()
    m = machine(harness, nor)
    fs_offset = region(m)[0]
    m.nor.write_protected = True
    m.load_flash(b"\x55" * SECTOR, fs_offset)
    assert m.call_signed("h_erase", fs_offset, SECTOR) == WRITE_ENABLE
    assert m.nor.erases == [] and m.nor.memory[fs_offset : fs_offset + 4] == b"\x55" * 4
    assert split_sessions(spi_commands(m)) == [[WREN, RDSR, RDSR2]]  # no erase sent; boot2 re-entered XIP
    assert m.bus.xip_problem() is None  # and XIP is back


def test_stuck_chip_times_out_and_is_reset_so_xip_returns(harness: Path) -> None:
    # While the chip is busy each TIMER read advances 1 ms, so the 1 s deadline passes in ~1000 polls.
    m = machine(harness, busy_timer_read_us=1000.0)
    fs_offset = region(m)[0]
    m.nor.hang_next_write = True
    start = m.clock.now_us
    assert m.call_signed("h_erase", fs_offset, SECTOR) == TIMEOUT
    session = split_sessions(spi_commands(m))[0]
    assert session[:3] == [WREN, RDSR, SE] and set(session[3 : session.index(RSTEN)]) == {RDSR}
    after_reset = session[session.index(RSTEN) :]
    assert after_reset[:3] == [RSTEN, RST, RDSR] and after_reset[-1] == RDSR2  # recovery polled, then boot2
    assert m.nor.resets == 1 and m.bus.xip_problem() is None
    # The deadline is the datasheet maximum with margin, not the first poll.
    assert 1_000_000 <= m.clock.now_us - start < 1_100_000


def test_no_xip_while_the_driver_owns_the_bus(harness: Path) -> None:
    # Proof that the checks bite: a chip select forced low by hand makes the next fetch from flash fail.
    m = machine(harness)
    m.bus.set_ss_ctrl(2 << 8)
    with pytest.raises(MachineError, match="overrides the chip select"):
        m.call("h_region")


def test_unique_id_is_read_once_with_4bh(harness: Path) -> None:
    nor = SpiNor(unique_id=bytes.fromhex("E6614103E7452D2F"))
    m = machine(harness, nor)
    assert m.call_signed("h_uid") == OK
    assert m.read(m.symbols["h_buf"], 8) == bytes.fromhex("E6614103E7452D2F")
    ruid = [t for t in m.nor.transactions if t.command == RUID]
    assert len(ruid) == 1 and len(ruid[0].mosi) == 1 + 4 + 8  # command, 4 dummy bytes, 8 ID bytes
    m.nor.transactions.clear()
    m.write(m.symbols["h_buf"], bytes(8))
    assert m.call_signed("h_uid") == OK  # cached: no second trip to the flash
    assert m.read(m.symbols["h_buf"], 8) == bytes.fromhex("E6614103E7452D2F") and m.nor.transactions == []


@pytest.mark.parametrize("pressed", [False, True])
def test_bootsel_button(harness: Path, pressed: bool) -> None:
    m = machine(harness)
    m.bus.button_pressed = pressed
    assert m.call("h_bootsel") == int(pressed)
    assert m.bus.ss_ctrl == 0  # the chip select is the SSI's again
    assert m.nor.transactions == [] or all(not t.mosi for t in m.nor.transactions)  # no command reached the chip


def test_rom_lookup_walks_the_function_table(harness: Path) -> None:
    rom = RomTable({"P3": 0x1A01, "UB": 0x2345, "FC": 0x0F11}).image()
    m = machine(harness, rom=rom)
    assert m.call("h_lookup", ord("U") | ord("B") << 8) == 0x2345
    assert m.call("h_lookup", ord("F") | ord("C") << 8) == 0x0F11
    assert m.call("h_lookup", ord("X") | ord("Y") << 8) == 0
    for bad in (RomTable({"UB": 0x2345}, magic=b"Mu\x02"), RomTable({"UB": 0x2345}, magic=b"\x00\x00\x00")):
        m = machine(harness, rom=bad.image())
        assert m.call("h_lookup", ord("U") | ord("B") << 8) == 0


def test_bootloader_entry_calls_reset_usb_boot_with_interrupts_masked(harness: Path) -> None:
    from unicorn import UC_HOOK_CODE
    from unicorn.arm_const import UC_ARM_REG_PRIMASK, UC_ARM_REG_R0, UC_ARM_REG_R1

    stub = 0x2344
    rom = bytearray(RomTable({"UB": stub | 1}).image())
    rom[stub : stub + 2] = b"\x70\x47"  # bx lr: this ROM "returns", the real one resets
    m = machine(harness, rom=bytes(rom))
    calls: list[tuple[int, int, int]] = []
    m.uc.hook_add(UC_HOOK_CODE, lambda uc, *_: calls.append(
        (uc.reg_read(UC_ARM_REG_R0), uc.reg_read(UC_ARM_REG_R1), uc.reg_read(UC_ARM_REG_PRIMASK))), begin=stub, end=stub)
    assert m.call_signed("h_bootloader", 1 << 25) == NOT_FOUND  # it came back: reported as not there
    assert calls == [(1 << 25, 0, 1)]  # activity LED mask, both interfaces, interrupts off
    m = machine(harness, rom=RomTable({"FC": 0x0F11}).image())
    assert m.call_signed("h_bootloader", 0) == NOT_FOUND


def test_flash_timing_model(harness: Path) -> None:
    """Bus time from the SPI clock the driver runs at, plus the chip's typical busy times: the figures
    behind the README's table (erase 4 KiB + program 16 pages)."""
    timing = NorTiming()
    m = machine(harness, SpiNor(timing=timing))
    fs_offset = region(m)[0]
    m.write(m.symbols["h_buf"], bytes(range(256)) * 16)
    start = m.clock.now_us
    assert m.call_signed("h_erase", fs_offset, SECTOR) == OK
    erase_us = m.clock.now_us - start
    start = m.clock.now_us
    assert m.call_signed("h_program", fs_offset, SECTOR) == OK
    program_us = m.clock.now_us - start
    sck = m.bus.ssi.sck_hz()
    assert sck == 125e6 / 4  # boot2's divider, kept for commands
    # The modelled busy times dominate; the rest is bus traffic and polling at ~1 us per status read.
    assert timing.sector_erase_us <= erase_us < timing.sector_erase_us * 1.2
    assert 16 * timing.page_program_us <= program_us < 16 * timing.page_program_us * 1.2 + 16 * 100
    overhead_per_page = (program_us - 16 * timing.page_program_us) / 16
    typ_4k_ms = (timing.typ_sector_erase_us + 16 * (timing.typ_page_program_us + overhead_per_page)) / 1000
    print(f"\nflash timing model: SCK {sck / 1e6:.2f} MHz, per-page overhead {overhead_per_page:.1f} us, "
          f"erase+program 4 KiB with typical chip times {typ_4k_ms:.1f} ms")
    assert 50 < typ_4k_ms < 60


@pytest.mark.parametrize("variant", ["", "GENERIC_FLASH"])
def test_xip_comes_back_through_either_boot2(built: Callable[..., Board], variant: str) -> None:
    """XIP re-entry is whatever boot2 the board has: the driver works with both variants."""
    out = build_dir(built("RPI_PICO", variant))
    elf = link_harness(out / "gen", out / "boot2" / "boot2_block.c", HARNESS, ENTRY_POINTS, f"flash-{variant or 'w25q080'}")
    m = machine(elf)
    fs_offset = region(m)[0]
    data = bytes(range(256))
    m.write(m.symbols["h_buf"], data)
    assert m.call_signed("h_erase", fs_offset, SECTOR) == OK
    assert m.call_signed("h_program", fs_offset, PAGE) == OK
    assert m.xip_view(fs_offset, PAGE) == data and m.bus.xip_problem() is None
    fields = m.bus.ssi.fields()
    assert (fields["inst_l"], fields["xip_cmd"]) == ((0, 0xA0) if not variant else (2, 0x03))
    assert m.nor.continuous == (not variant)


# -- the filesystem (core/fs, kfs) on the flash, through ports/rp2/fs/flash_bd.c -------------------------

FS_HARNESS = r"""
/* harness.c: kfs on the RP2040 flash driver, for tests/test_rp2_flash.py. */
#include <string.h>
#include "fs/kfs.h"
#include "kiln_main.h"
#include "rp2_flash.h"
#include "rp2_flash_bd.h"
#include "rp2_qspi.h"

uint8_t h_buf[2048] __attribute__((aligned(4)));
uint32_t h_out[4];
static kfs_bd_t bd;
static kfs_t fs;
static kfs_entry_t entries[16];
static uint8_t bitmap[64];
static uint8_t cache[256] __attribute__((aligned(4)));
static uint8_t file_cache[256] __attribute__((aligned(4)));

void kiln_main(void) {
    for (;;) {
    }
}

static kfs_config_t config(void) {
    kfs_config_t c = {&bd, entries, 16, bitmap, cache, sizeof cache, 0, 0, 0};
    return c;
}

int h_fs_setup(void) {
    rp2_qspi_init();
    rp2_flash_init();
    int err = rp2_flash_bd(&bd);
    h_out[0] = bd.block_count;
    h_out[1] = bd.block_size;
    return err;
}

int h_fs_format(void) {
    kfs_config_t c = config();
    return kfs_format(&fs, &c);
}

/* Mounts, writes h_buf[0..len) to /data.bin, unmounts. */
int h_fs_write(uint32_t len) {
    kfs_config_t c = config();
    int err = kfs_mount(&fs, &c);
    if (err != 0) {
        return err;
    }
    kfs_file_t file;
    err = kfs_file_open(&fs, &file, "/data.bin", KFS_O_WRONLY | KFS_O_CREAT | KFS_O_TRUNC, file_cache);
    if (err == 0) {
        int n = kfs_file_write(&fs, &file, h_buf, len);
        err = kfs_file_close(&fs, &file);
        if (n != (int)len) {
            err = n < 0 ? n : -KFS_EIO;
        }
    }
    kfs_unmount(&fs);
    return err;
}

/* Mounts again (as after a reboot), reads /data.bin into h_buf; returns its length. */
int h_fs_read(void) {
    kfs_config_t c = config();
    int err = kfs_mount(&fs, &c);
    if (err != 0) {
        return err;
    }
    kfs_file_t file;
    memset(h_buf, 0, sizeof h_buf);
    err = kfs_file_open(&fs, &file, "/data.bin", KFS_O_RDONLY, file_cache);
    int n = err == 0 ? kfs_file_read(&fs, &file, h_buf, sizeof h_buf) : err;
    if (err == 0) {
        kfs_file_close(&fs, &file);
    }
    kfs_unmount(&fs);
    return n;
}
"""
FS_ENTRY_POINTS = ["h_fs_setup", "h_fs_format", "h_fs_write", "h_fs_read", "h_buf", "h_out"]
CORE_FS = Path(__file__).resolve().parent.parent / "core" / "fs"


def test_kfs_formats_writes_and_remounts_on_the_flash(built: Callable[..., Board]) -> None:
    out = build_dir(built("RPI_PICO"))
    port = Path(__file__).resolve().parent.parent / "ports" / "rp2"
    if not (CORE_FS / "kfs.h").exists():
        # Until the core's filesystem lands the port builds without its block device.
        assert (out / "firmware.elf").exists() and not (out / "obj" / "fs" / "flash_bd.o").exists()
        return
    sources = [p for p in sorted(CORE_FS.glob("*.c")) if p.name != "kfs_rambd.c"] + [port / "fs" / "flash_bd.c"]
    elf = link_harness(out / "gen", out / "boot2" / "boot2_block.c", FS_HARNESS, FS_ENTRY_POINTS, "kfs",
                       extra_sources=sources, include_dirs=[CORE_FS, port / "fs"])
    nor = SpiNor(timing=NorTiming(sector_erase_us=300.0, page_program_us=50.0))
    m = Rp2Machine(elf, nor=nor)
    m.run_boot2()
    assert m.call_signed("h_fs_setup") == OK
    out_words = m.read(m.symbols["h_out"], 8)
    assert (int.from_bytes(out_words[:4], "little"), int.from_bytes(out_words[4:], "little")) == (256, 4096)
    firmware_before = bytes(nor.memory[:0x100000])
    assert m.call_signed("h_fs_format") == OK
    data = bytes((i * 31 + 7) & 0xFF for i in range(1500))  # more than fits inline: data blocks
    m.write(m.symbols["h_buf"], data)
    assert m.call_signed("h_fs_write", len(data), count=50_000_000) == OK
    assert m.call_signed("h_fs_read", count=50_000_000) == len(data)
    assert m.read(m.symbols["h_buf"], len(data)) == data
    # Everything happened inside the filesystem region, with the driver's command sequences.
    assert bytes(nor.memory[:0x100000]) == firmware_before
    assert nor.erases and min(nor.erases) >= 0x100000 and all(a >= 0x100000 for a, _ in nor.programs)
    assert nor.violations == []
