"""The esptool backend (esptool's Python API) against the simulated ESP32-C3 ROM loader on a socket,
an RFC 2217 port (real DTR/RTS reset sequences) and a pty."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from kiln.devices import Discovery
from kiln.flash.base import Context, FlashError, ImageRejected
from kiln.flash.esptool_backend import EsptoolBackend
from kiln.flash.image import Image, Segment, load_image
from kiln.sim.esp_images import esp_image, merged, partition_table
from kiln.sim.esp_rom import EspRomSim
from kiln.sim.targets import ESP32C3
from kiln.sim.transport import PtyLink, Rfc2217Link, TcpLink

MAC = "58:CF:79:A1:B2:C3"


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    app = esp_image(seed=os.urandom(100_000) + bytes(50_000))   # compressible, like real code
    return {"bootloader": esp_image(size=12_000), "partitions": partition_table(), "app": app}


def backend(url: str, target=ESP32C3, **options) -> EsptoolBackend:
    defaults = {"port": url, "before": "no-reset", "after": "no-reset", "stub": False, "baud": 460800,
                "connect_attempts": 2}
    return EsptoolBackend(Context(target, discovery=Discovery(serial_ports=list, uf2_volumes=list)),
                          **(defaults | options))


def merged_file(tmp_path: Path, parts: dict[str, bytes]) -> Path:
    path = tmp_path / "firmware.merged.bin"
    path.write_bytes(merged(parts["bootloader"], parts["partitions"], parts["app"]))
    return path


def assert_flashed(sim: EspRomSim, parts: dict[str, bytes]) -> None:
    assert sim.flash[: len(parts["bootloader"])] == parts["bootloader"]
    assert sim.flash[0x8000 : 0x8000 + len(parts["partitions"])] == parts["partitions"]
    assert sim.flash[0x10000 : 0x10000 + len(parts["app"])] == parts["app"]


def test_rom_over_socket_writes_compressed_app_first_bootloader_last(tmp_path: Path, parts: dict[str, bytes]) -> None:
    sim = EspRomSim()
    link = TcpLink(sim)
    try:
        esp = backend(link.url)
        report = esp.flash(esp.check(load_image(merged_file(tmp_path, parts), address=0)))
    finally:
        link.close()
    assert_flashed(sim, parts)
    begins = [entry for entry in sim.log if entry.startswith("begin")]
    assert [b.split()[1] for b in begins] == ["0x10000", "0x8000", "0x0"]   # app, table, bootloader last
    assert begins[0].endswith("deflate")                                    # compressed
    assert "baud 460800" in sim.log and report.device == MAC and report.verified


def test_unchanged_bootloader_is_not_rewritten(tmp_path: Path, parts: dict[str, bytes]) -> None:
    sim = EspRomSim()
    sim.flash[: len(parts["bootloader"])] = parts["bootloader"]
    link = TcpLink(sim)
    try:
        esp = backend(link.url)
        report = esp.flash(esp.check(load_image(merged_file(tmp_path, parts), address=0)))
    finally:
        link.close()
    assert_flashed(sim, parts)
    assert [e.split()[1] for e in sim.log if e.startswith("begin")] == ["0x10000", "0x8000"]
    assert "bootloader unchanged, not rewritten" in report.notes


def test_reset_lines_over_rfc2217(parts: dict[str, bytes]) -> None:
    """Every RFC 2217 settings change costs the client ~0.2 s, so this one stays small (ROM, 4 KiB)."""
    sim = EspRomSim(mode="app")    # the app is running: --before default-reset must get it into download mode
    link = Rfc2217Link(sim)
    image = Image([Segment(0x10000, esp_image(size=4000))])
    try:
        esp = backend(link.url, before="default-reset", after="hard-reset", baud=921600)
        esp.flash(esp.check(image))
    finally:
        link.close()
    assert sim.boots == ["app", "download", "app"]       # reset into the ROM loader, then back into the app
    assert "baud 921600" in sim.log
    assert sim.flash[0x10000 : 0x10000 + len(image.segments[0].data)] == image.segments[0].data


def test_stub_over_socket_at_921600(parts: dict[str, bytes]) -> None:
    sim = EspRomSim()
    link = TcpLink(sim)
    try:
        esp = backend(link.url, stub=True, baud=921600)
        esp.flash(esp.check(Image([Segment(0x10000, parts["app"])])))
    finally:
        link.close()
    assert sim.log[:2] == ["stub running", "baud 921600"]
    assert sim.flash[0x10000 : 0x10000 + len(parts["app"])] == parts["app"]


def test_pty_and_chip_erase_with_the_stub(parts: dict[str, bytes]) -> None:
    sim = EspRomSim()
    sim.flash[0x300000] = 0
    link = PtyLink(sim)
    try:
        esp = backend(link.url, stub=True)
        esp.flash(esp.check(Image([Segment(0x10000, parts["app"])])), erase="chip")
    finally:
        link.close()
    assert "erase flash" in sim.log and sim.flash[0x300000] == 0xFF
    assert sim.flash[0x10000 : 0x10000 + len(parts["app"])] == parts["app"]


def test_naked_blocks_are_resent_and_a_garbled_reply_rewrites_the_part(parts: dict[str, bytes]) -> None:
    sim = EspRomSim(nak_seq={2: 1}, garble_seq={4: 1})
    link = TcpLink(sim)
    try:
        esp = backend(link.url, compress=False)
        report = esp.flash(esp.check(Image([Segment(0x10000, parts["app"])])))
    finally:
        link.close()
    assert "nak seq 2" in sim.log and "garbled reply seq 4" in sim.log   # esptool resent block 2 itself
    assert [e.split()[1] for e in sim.log if e.startswith("begin")] == ["0x10000"] * 2   # rewritten after the garble
    assert report.notes == ["app rewritten after a link error"]
    assert sim.flash[0x10000 : 0x10000 + len(parts["app"])] == parts["app"]


def test_dropped_link_is_reopened_and_the_part_rewritten(parts: dict[str, bytes]) -> None:
    sim = EspRomSim(drop_after_bytes=60_000)
    link = TcpLink(sim)
    try:
        esp = backend(link.url)
        esp.flash(esp.check(Image([Segment(0x10000, parts["app"])])))
    finally:
        link.close()
    assert any(e.startswith("link dropped after") for e in sim.log)
    assert sim.boots.count("download") == 2
    assert sim.flash[0x10000 : 0x10000 + len(parts["app"])] == parts["app"]


def test_dead_link_stops_with_the_bootloader_untouched(tmp_path: Path, parts: dict[str, bytes]) -> None:
    old_boot = esp_image(size=12_000)
    sim = EspRomSim(drop_after_bytes=60_000, reconnect=False)
    sim.flash[: len(old_boot)] = old_boot
    link = TcpLink(sim)
    try:
        esp = backend(link.url)
        with pytest.raises(FlashError, match=r"esptool failed while writing app on socket://") as info:
            esp.flash(esp.check(load_image(merged_file(tmp_path, parts), address=0)))
    finally:
        link.close()
    assert "bootloader at 0x0 was not touched" in info.value.state
    assert sim.flash[: len(old_boot)] == old_boot


def test_images_for_another_chip_or_too_large_are_refused(parts: dict[str, bytes]) -> None:
    esp = backend("socket://127.0.0.1:9")   # never connected: refused before any I/O
    s3_app = esp_image("esp32s3", size=1000)
    with pytest.raises(ImageRejected, match=r"the app at 0x10000 is built for ESP32-S3 \(image header chip id 9\), "
                                            r"but the board has an ESP32-C3"):
        esp.check(Image([Segment(0x10000, s3_app)]))
    with pytest.raises(ImageRejected, match="does not start with the ESP image magic 0xe9"):
        esp.check(Image([Segment(0x10000, b"\x00" * 64)]))
    with pytest.raises(ImageRejected, match="runs past the end of SPI flash .* by 4096 bytes"):
        esp.check(Image([Segment(0x3FF000, parts["app"][:8192])]))


def test_wrong_chip_or_wrong_device_writes_nothing(parts: dict[str, bytes]) -> None:
    sim = EspRomSim()
    link = TcpLink(sim)
    s3 = dataclasses.replace(ESP32C3, name="ESP32_GENERIC_S3", mcu="ESP32-S3", esptool_chip="esp32s3")
    try:
        with pytest.raises(FlashError, match="has an ESP32-C3, but ESP32_GENERIC_S3 is an ESP32-S3"):
            backend(link.url, target=s3).flash(Image([Segment(0x10000, esp_image("esp32s3", size=1000))]))
        with pytest.raises(FlashError, match=f"is the chip with MAC {MAC}, not 11:22:33:44:55:66; nothing was written"):
            backend(link.url).flash(Image([Segment(0x10000, parts["app"])]), device="11:22:33:44:55:66")
    finally:
        link.close()
    assert sim.bytes_written == 0 and not any("begin" in e for e in sim.log)
