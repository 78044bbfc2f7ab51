#!/usr/bin/env python3
"""Flash throughput of each method against its simulator at the simulated link speed.

Each simulator paces its link like the real one: the ESP32-C3 ROM loader's UART at 115200 baud until
esptool raises it (10 bits per byte), USB full speed for DfuSe/PICOBOOT (1 MB/s of payload and a third
of a 1 ms frame per transaction stage), the UF2 drive's mass-storage writes at 1 MB/s, SWD at 4 MHz
(46 clocks per 32-bit transfer). Flash erase/program times are not modelled, so the figure is what
the client makes of the link: payload bytes per second over the whole flash (connect, erase, write,
verify, reset) as a ratio of the link's raw byte rate. esptool compresses, so its ratio can exceed 1;
its "wire" column is bytes actually sent.

    python bench/flash.py [--size KIB] [--only esptool,dfu,...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiln.devices import Discovery  # noqa: E402
from kiln.flash.base import Context  # noqa: E402
from kiln.flash.image import Image, Segment  # noqa: E402

USB_FS = 1_000_000          # payload bytes/s of a full-speed USB link
USB_STAGE = 0.001 / 3       # one transaction stage: a third of a 1 ms frame
MSC_RATE = 1_000_000
SWD_HZ = 4_000_000


def firmware(size: int) -> bytes:
    """Compressible like real code (about 2:1): random bytes interleaved with zero runs."""
    blob = bytearray()
    while len(blob) < size:
        blob += os.urandom(64) + bytes(64)
    return bytes(blob[:size])


def discovery(**kwargs: object) -> Discovery:
    return Discovery(serial_ports=list, uf2_volumes=list, **kwargs)  # type: ignore[arg-type]


def bench_esptool(size: int, stub: bool) -> dict[str, object]:
    from kiln.flash.esptool_backend import EsptoolBackend
    from kiln.sim.esp_images import esp_image
    from kiln.sim.esp_rom import EspRomSim
    from kiln.sim.targets import ESP32C3
    from kiln.sim.transport import TcpLink

    sim = EspRomSim()
    link = TcpLink(sim, baud=115200)
    app = esp_image(seed=firmware(size))
    try:
        flasher = EsptoolBackend(Context(ESP32C3, discovery=discovery()), port=link.url, before="no-reset",
                                 after="no-reset", stub=stub, baud=921600, connect_attempts=2)
        start = time.perf_counter()
        flasher.flash(Image([Segment(0x10000, app)]))
        seconds = time.perf_counter() - start
    finally:
        link.close()
    assert sim.flash[0x10000 : 0x10000 + len(app)] == app
    return {"method": f"esptool ({'stub' if stub else 'ROM'})", "link": "UART 921600 baud", "bytes": len(app),
            "seconds": seconds, "limit": 921600 / 10, "wire": link.rx_bytes}


def bench_dfu(size: int) -> dict[str, object]:
    from kiln.flash.dfuse_usb import DfuseUsb
    from kiln.sim.dfuse import DfuseDeviceSim
    from kiln.sim.targets import stm32f405
    from kiln.sim.usb import SimUsbBackend

    sim = DfuseDeviceSim(bytes_per_second=USB_FS, transaction_latency=USB_STAGE)
    data = firmware(size)
    flasher = DfuseUsb(Context(stm32f405(), discovery=discovery(usb_backend=SimUsbBackend([sim]))))
    start = time.perf_counter()
    flasher.flash(Image([Segment(0x08000000, data)]))
    seconds = time.perf_counter() - start
    assert sim.read(0x08000000, size) == data
    return {"method": "dfu (DfuSe)", "link": "USB FS control", "bytes": size, "seconds": seconds, "limit": USB_FS,
            "wire": sim.link_bytes}


def bench_picoboot(size: int) -> dict[str, object]:
    from kiln.flash.picoboot import Picoboot
    from kiln.images.rp2_boot2 import make_block
    from kiln.sim.picoboot import PicobootDeviceSim
    from kiln.sim.targets import RP2040
    from kiln.sim.usb import SimUsbBackend

    sim = PicobootDeviceSim(bytes_per_second=USB_FS, transaction_latency=USB_STAGE)
    data = make_block(b"\x00\xbf") + firmware(size - 256)
    flasher = Picoboot(Context(RP2040, discovery=discovery(usb_backend=SimUsbBackend([sim]))))
    start = time.perf_counter()
    flasher.flash(Image([Segment(0x10000000, data)]))
    seconds = time.perf_counter() - start
    assert sim.read(0x10000000, size) == data
    return {"method": "picoboot", "link": "USB FS bulk", "bytes": size, "seconds": seconds, "limit": USB_FS,
            "wire": sim.link_bytes}


def bench_uf2(size: int) -> dict[str, object]:
    from kiln.flash.uf2_copy import Uf2Copy
    from kiln.images.rp2_boot2 import make_block
    from kiln.sim.targets import RP2040
    from kiln.sim.uf2_volume import Uf2VolumeSim

    with tempfile.TemporaryDirectory() as scratch:
        sim = Uf2VolumeSim(Path(scratch), bytes_per_second=MSC_RATE, reboot_delay=0).mount()
        try:
            data = make_block(b"\x00\xbf") + firmware(size - 256)
            ctx = Context(RP2040, discovery=Discovery(serial_ports=sim.ports, uf2_volumes=sim.volumes),
                          progress=sim.consumed)
            flasher = Uf2Copy(ctx, timeout=60)
            image = flasher.check(Image([Segment(0x10000000, data)]))
            start = time.perf_counter()
            flasher.flash(image)
            seconds = time.perf_counter() - start
            assert sim.read(0x10000000, size) == data
        finally:
            sim.close()
    return {"method": "uf2 copy", "link": "USB MSC writes", "bytes": size, "seconds": seconds, "limit": MSC_RATE,
            "wire": len(image.raw)}


def bench_pyocd(size: int) -> dict[str, object]:
    from kiln.flash.pyocd_backend import PyocdBackend
    from kiln.sim.cortex_m import Stm32f4Sim
    from kiln.sim.pyocd_probe import SimProbe, register
    from kiln.sim.targets import stm32f405

    register()
    chip = Stm32f4Sim()
    probe = SimProbe(chip, "KILNBENCH").attach()
    probe.memory.swd_hz = SWD_HZ
    data = firmware(size)
    try:
        flasher = PyocdBackend(Context(stm32f405(), discovery=discovery()), target="stm32f412xg", frequency=SWD_HZ)
        start = time.perf_counter()
        flasher.flash(Image([Segment(0x08000000, data)]))
        seconds = time.perf_counter() - start
    finally:
        probe.detach()
    assert bytes(chip.flash[:size]) == data
    return {"method": "pyocd (algo in unicorn)", "link": "SWD 4 MHz", "bytes": size, "seconds": seconds,
            "limit": SWD_HZ / 8, "wire": probe.memory.wire_bytes}


BENCHES: dict[str, Callable[[int], dict[str, object]]] = {
    "esptool": lambda size: bench_esptool(size, stub=True),
    "esptool-rom": lambda size: bench_esptool(size, stub=False),
    "dfu": bench_dfu,
    "picoboot": bench_picoboot,
    "uf2": bench_uf2,
    "pyocd": bench_pyocd,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="image size in KiB (default 256)")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    args = parser.parse_args()
    size = args.size * 1024
    print(f"{'method':<24} {'link':<18} {'KiB':>6} {'s':>7} {'KiB/s':>8} {'limit KiB/s':>11} {'ratio':>6} {'wire':>6}")
    for name in args.only.split(","):
        r = BENCHES[name](size)
        rate = float(r["bytes"]) / float(r["seconds"])  # type: ignore[arg-type]
        wire = float(r["wire"]) / float(r["seconds"]) / float(r["limit"])  # type: ignore[arg-type]
        print(f"{r['method']:<24} {r['link']:<18} {float(r['bytes']) / 1024:>6.0f} {float(r['seconds']):>7.2f} "  # type: ignore[arg-type]
              f"{rate / 1024:>8.1f} {float(r['limit']) / 1024:>11.1f} {rate / float(r['limit']):>6.2f} {wire:>6.2f}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
