"""RP2040 USB CDC-ACM console in rp2040js: the runner plays the USB host (its own enumeration, then CDC class
requests) and serves the port as RFC 2217, so pyserial drives baud rate and DTR exactly as flash tools do.
Checks the descriptors against USB 2.0 ch. 9 / CDC 1.2 layouts, the banner and echo over CDC next to UART0,
the 1200-baud touch into BOOTSEL (through the stand-in bootrom's ROM table), and throughput.

The console tests do not depend on what the core prints (the placeholder echo loop or the REPL): the CDC
console must show exactly what UART0 shows, typed input echoed, and the prompt."""

from __future__ import annotations

import shutil
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiln import __version__
from kiln.boards import Board
from kiln.build import build_dir, run_scons
from kiln.emulators.rp2040 import Rp2040Emulator, build_bootrom

ROOT = Path(__file__).resolve().parent.parent
BANNER_START = f"Kiln {__version__} on RPI_PICO; Raspberry Pi Pico with RP2040 at 125 MHz\r\n".encode()

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "rp2040js").exists(), reason="npm install has not run"),
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed"),
]


@pytest.fixture(scope="module")
def firmware(built: Callable[[str], Board]) -> Path:
    out = build_dir(built("RPI_PICO"))
    build_bootrom()
    return out / "firmware.uf2"


def read_until(sock: socket.socket, marker: bytes, timeout: float = 10.0) -> bytes:
    """Raw socket reads (no telnet client): what the device sent, up to and including marker."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {marker!r} over CDC; got {data!r}")
        chunk = sock.recv(4096)
        assert chunk, f"connection closed; got {data!r}"
        data += chunk
    return data


def prompt_of(banner: bytes) -> bytes:
    """The console's prompt: what follows the banner's last line break ("> " or ">>> ")."""
    assert banner.startswith(BANNER_START) and banner.endswith(b"> "), banner
    return banner[banner.rfind(b"\n") + 1 :]


def descriptors(config: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(config):
        length = config[at]
        assert length >= 2 and at + length <= len(config), f"bad descriptor length at {at}"
        out.append(config[at : at + length])
        at += length
    return out


def string(hex_text: str) -> str:
    raw = bytes.fromhex(hex_text)
    assert raw[0] == len(raw) and raw[1] == 3
    return raw[2:].decode("utf-16-le")


def test_enumeration_and_descriptors(firmware: Path) -> None:
    with Rp2040Emulator(firmware, timeout=30, usb=True) as emu:
        emu.read_until(b"> ", timeout=20)
        info = emu.usb_enumeration()
        errors = [rest for kind, rest in emu.status if kind == "usb-error"]
    assert errors == []
    device = bytes.fromhex(str(info["device"]))
    assert bytes.fromhex(str(info["device64"])) == device  # an 18-byte answer to a 64-byte request
    (length, kind, bcd_usb, cls, subclass, protocol, ep0, vid, pid, bcd_device, i_man, i_prod, i_serial,
     configs) = struct.unpack("<BBHBBBBHHHBBBB", device)
    assert (length, kind, bcd_usb, ep0, configs) == (18, 1, 0x0200, 64, 1)
    assert (cls, subclass, protocol) == (0xEF, 0x02, 0x01)  # composite with an interface association
    assert (vid, pid, bcd_device) == (0x2E8A, 0x0005, 0x0100)
    from kiln.devices import USB_IDS

    assert USB_IDS[(vid, pid)][:2] == ("app", "rp2")  # what Kiln's device discovery takes for our port
    assert info["address"] == 5  # SET_ADDRESS applied after its status stage

    config = bytes.fromhex(str(info["config"]))
    parts = descriptors(config)
    head = parts[0]
    assert head[1] == 2 and struct.unpack_from("<H", head, 2)[0] == len(config) and head[4] == 2 and head[5] == 1
    assert head[7] & 0x80 and head[8] * 2 <= 500  # bus-powered, at most 500 mA
    kinds = [(p[1], p[2] if p[1] == 0x24 else None) for p in parts[1:]]
    # IAD, comm interface, header, call management, ACM, union, notify EP, data interface, 2 bulk EPs.
    assert kinds == [(0x0B, None), (4, None), (0x24, 0), (0x24, 1), (0x24, 2), (0x24, 6), (5, None), (4, None),
                     (5, None), (5, None)]
    iad, comm, header, call, acm, union, notify, data, ep_out, ep_in = parts[1:]
    assert tuple(iad[2:7]) == (0, 2, 2, 2, 0)  # interfaces 0-1, CDC / ACM
    assert tuple(comm[2:8]) == (0, 0, 1, 2, 2, 0) and tuple(data[2:8]) == (1, 0, 2, 0x0A, 0, 0)
    assert struct.unpack_from("<H", header, 3)[0] == 0x0110 and call[4] == 1 and acm[3] & 0x02
    assert tuple(union[3:5]) == (0, 1)
    assert (notify[2], notify[3] & 3) == (0x81, 3) and notify[6] > 0  # interrupt IN with an interval
    assert (ep_out[2], ep_out[3], struct.unpack_from("<H", ep_out, 4)[0]) == (0x02, 2, 64)
    assert (ep_in[2], ep_in[3], struct.unpack_from("<H", ep_in, 4)[0]) == (0x82, 2, 64)

    strings = {int(k): v for k, v in dict(info["strings"]).items()}  # type: ignore[arg-type]
    assert bytes.fromhex(strings[0]) == b"\x04\x03\x09\x04"  # US English
    assert string(strings[i_man]) == "Kiln" and string(strings[i_prod]) == "Raspberry Pi Pico"
    serial = string(strings[i_serial])
    # The flash chip's unique ID (rp2040js's SSI stub answers zeros): 16 hex digits.
    assert len(serial) == 16 and set(serial) <= set("0123456789ABCDEF")
    assert info["qualifier"] == "stall"  # full-speed only: DEVICE_QUALIFIER is a request error
    assert info["configuration"] == "01"
    assert bytes.fromhex(str(info["line_coding"])) == struct.pack("<IBBB", 115200, 0, 0, 8)


def test_banner_and_echo_over_cdc_next_to_uart(firmware: Path) -> None:
    with Rp2040Emulator(firmware, timeout=60, usb=True) as emu:
        banner = emu.read_until(b"> ", timeout=20)
        prompt = prompt_of(banner)
        emu.usb_enumeration()

        def both(typed: bytes, sock: socket.socket) -> bytes:
            """The reply to a line on CDC and on UART0: identical, typed input echoed first."""
            on_cdc, on_uart = read_until(sock, prompt), emu.read_until(prompt, timeout=10)
            assert on_cdc == on_uart and on_cdc.startswith(typed + b"\r\n"), (on_cdc, on_uart)
            return on_cdc

        # Opening the port raises DTR: what was printed while it was closed (the banner) comes first.
        with socket.create_connection(("127.0.0.1", emu.usb_port), timeout=10) as sock:
            assert read_until(sock, prompt) == banner
            sock.sendall(b"12+30\r")
            both(b"12+30", sock)
            emu.write(b"7*6\r")  # input from either console; output to both
            both(b"7*6", sock)
            line = b"'" + bytes(range(0x41, 0x41 + 26)) * 4 + b"'"  # 106 bytes: 2 OUT packets, 2+ IN packets
            sock.sendall(line + b"\r")
            both(line, sock)
            seen = len(emu.status)
        # Closed (once the device has seen DTR fall): output is kept for the next open.
        emu.wait_status("usb-line-state", rest="0", after=seen)
        emu.write(b"99\r")
        closed_reply = emu.read_until(prompt, timeout=10)
        with socket.create_connection(("127.0.0.1", emu.usb_port), timeout=10) as sock:
            assert read_until(sock, closed_reply).endswith(closed_reply)
        assert not any(kind in ("exit", "fault", "bootsel") for kind, _ in emu.status)


def test_pyserial_sets_the_line_coding_over_rfc2217(firmware: Path) -> None:
    import serial

    with Rp2040Emulator(firmware, timeout=60, usb=True) as emu:
        prompt = prompt_of(emu.read_until(b"> ", timeout=20))
        emu.usb_enumeration()
        seen = len(emu.status)
        port = serial.serial_for_url(f"rfc2217://127.0.0.1:{emu.usb_port}", baudrate=57600, timeout=10)
        try:
            port.write(b"21\r")
            assert port.read_until(prompt).startswith(b"21\r\n")
        finally:
            port.close()
        coding = emu.wait_status("usb-line-coding", after=seen)
        emu.wait_status("usb-line-state", rest="0", after=seen)
        emu.write(b"\r")  # still running: closing at 57600 is not a touch
        assert emu.read_until(prompt, timeout=10).endswith(prompt)
        assert not any(kind == "bootsel" for kind, _ in emu.status)
    assert bytes.fromhex(coding) == struct.pack("<IBBB", 57600, 0, 0, 8)  # what the device stored


def test_1200_baud_touch_reboots_into_bootsel(firmware: Path) -> None:
    """The flash tools' convention: open at 1200 baud, close (DTR falls). The firmware finishes the
    control transfer, walks the ROM's function table (the stand-in bootrom has one) and calls
    reset_usb_boot(0, 0), which the runner reports."""
    import serial

    with Rp2040Emulator(firmware, timeout=60, usb=True) as emu:
        emu.read_until(b"> ", timeout=20)
        emu.usb_enumeration()
        serial.serial_for_url(f"rfc2217://127.0.0.1:{emu.usb_port}", baudrate=1200).close()
        result = emu.wait(20)
    assert (result.kind, result.returncode) == ("bootsel", 123)
    assert result.detail == "gpio_mask=0x0 disable_mask=0x0"


def test_kiln_flash_touch_reaches_the_rom(firmware: Path) -> None:
    """kiln.flash's own touch (open at 1200, DTR up, DTR down, close) against the emulated port."""
    from kiln.flash.bootloader import touch_1200

    with Rp2040Emulator(firmware, timeout=60, usb=True) as emu:
        emu.read_until(b"> ", timeout=20)
        emu.usb_enumeration()
        touch_1200(f"rfc2217://127.0.0.1:{emu.usb_port}", hold=0.05)
        result = emu.wait(20)
    assert (result.kind, result.returncode) == ("bootsel", 123)


def test_usb_throughput(built: Callable[[str], Board]) -> None:
    """The self-test's USB bench: 32 KiB each way through the CDC driver, with the bytes checked."""
    out = build_dir(built("RPI_PICO"))
    target = out / "selftest" / "firmware.uf2"
    result = run_scons(["RPI_PICO"], extra=[str(target.relative_to(ROOT))], quiet=True)
    assert result.returncode == 0, result.stdout + result.stderr
    size = 32768
    with Rp2040Emulator(target, timeout=120, usb=True) as emu:
        emu.read_until(b"u = USB bench\r\n", timeout=30)
        emu.usb_enumeration()
        emu.write(b"u")
        emu.read_until(b"open the port\r\n", timeout=10)
        with socket.create_connection(("127.0.0.1", emu.usb_port), timeout=30) as sock:
            start = time.monotonic()
            received = b""
            sock.settimeout(30)
            while len(received.replace(b"\xff\xff", b"\xff")) < size:  # telnet: the server doubles 0xFF
                chunk = sock.recv(65536)
                assert chunk
                received += chunk
            received = received.replace(b"\xff\xff", b"\xff")
            tx_wall = time.monotonic() - start
            pattern = bytes((i * 7) & 0xFF for i in range(size))
            start = time.monotonic()
            sock.sendall(pattern.replace(b"\xff", b"\xff\xff"))  # telnet: 0xFF is escaped
            exit_result = emu.wait(60)
            rx_wall = time.monotonic() - start
        report = emu.output.decode()
    assert received == bytes(i & 0xFF for i in range(size))
    assert "FAIL" not in report and (exit_result.kind, exit_result.code) == ("exit", 0), report
    values = {k: int(v) for k, v in (line[4:].split("=") for line in report.split("\r\n") if line.startswith("val "))}
    tx_rate, rx_rate = size / values["usb.tx_us"] * 1e6, size / values["usb.rx_us"] * 1e6
    print(f"\nCDC in rp2040js: device->host {tx_rate / 1024:.0f} KiB/s emulated ({size / tx_wall / 1024:.0f} KiB/s wall), "
          f"host->device {rx_rate / 1024:.0f} KiB/s emulated ({size / rx_wall / 1024:.0f} KiB/s wall)")
    assert tx_rate > 100 * 1024 and rx_rate > 100 * 1024
