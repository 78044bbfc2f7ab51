"""Attached devices: what is plugged in, in which mode, and which physical board each endpoint belongs to.

A board shows up differently in each mode: an application serial port, a UF2 drive, a PICOBOOT or
DfuSe USB device, an ESP ROM loader behind a serial port, or a debug probe. Each of those is an
`Endpoint`; endpoints are grouped into `Device`s by a stable identity:

- the USB serial string, which our firmware and the chip bootloaders derive from the same chip id
  (RP2040: the flash unique id in both BOOTSEL and the app; STM32: the UID-derived string the system
  bootloader reports; ESP32-C3/S3 USB-Serial-JTAG: the MAC address);
- else the physical USB port path (bus-port chain, e.g. 1-1.3), which survives re-enumeration;
- else aliases learned when Kiln itself switched a device between modes (kept in the registry file).

`Discovery` holds the sources (system serial ports, mounted UF2 drives, pyusb devices, pyOCD probes);
tests swap in simulated sources.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# (vid, pid) -> (mode, family, description) for the bootloaders and bridges Kiln knows.
USB_IDS: dict[tuple[int, int], tuple[str, str, str]] = {
    (0x2E8A, 0x0003): ("picoboot", "rp2", "RP2040 BOOTSEL (PICOBOOT + UF2)"),
    (0x0483, 0xDF11): ("dfu", "stm32", "STM32 system bootloader (DfuSe)"),
    (0x303A, 0x1001): ("serial", "esp32", "ESP32 USB-Serial-JTAG (app or ROM loader)"),
    (0x10C4, 0xEA60): ("serial", "", "CP210x USB-UART bridge"),
    (0x1A86, 0x7523): ("serial", "", "CH340 USB-UART bridge"),
    (0x1A86, 0x55D4): ("serial", "", "CH9102 USB-UART bridge"),
    (0x0403, 0x6001): ("serial", "", "FTDI USB-UART bridge"),
    (0x2E8A, 0x0005): ("app", "rp2", "RP2040 application CDC"),
    (0xF055, 0x9800): ("app", "stm32", "STM32 application CDC"),
}


def normalize_serial(serial: str | None) -> str | None:
    """Compares serials the way they are meant: case-insensitive, without ':' or '-' separators."""
    if not serial:
        return None
    return re.sub(r"[^0-9A-Za-z]", "", serial).upper() or None


def stm32_serial(uid: bytes) -> str:
    """The USB serial string the STM32 system bootloader (and firmware following it) derives from the
    96-bit unique id: bytes 11, 10+2, 9, 8+0, 7, 6 as hex."""
    u = uid
    return "".join(f"{b & 0xFF:02X}" for b in (u[11], u[10] + u[2], u[9], u[8] + u[0], u[7], u[6]))


@dataclass(frozen=True)
class PortInfo:
    """A serial port (or pyserial URL) and what its USB side tells about it."""

    device: str
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    usb_path: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Uf2Volume:
    """A mounted UF2 bootloader drive."""

    path: Path
    info: dict[str, str]
    usb_serial: str | None = None
    usb_path: str | None = None

    @property
    def board_id(self) -> str:
        return self.info.get("Board-ID", "")


@dataclass(frozen=True)
class Endpoint:
    """One way to reach a device in one mode."""

    mode: str            # "serial", "app", "uf2", "picoboot", "dfu", "esp-rom", "probe"
    location: str        # port path or URL, mount point, "usb:BUS-PORT.PORT", "probe:UID"
    serial: str | None = None
    usb_path: str | None = None
    vid: int | None = None
    pid: int | None = None
    family: str = ""
    description: str = ""


@dataclass
class Device:
    id: str
    endpoints: list[Endpoint] = field(default_factory=list)

    @property
    def family(self) -> str:
        return next((e.family for e in self.endpoints if e.family), "")

    @property
    def modes(self) -> list[str]:
        return sorted({e.mode for e in self.endpoints})

    def endpoint(self, mode: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.mode == mode), None)


# ---------------------------------------------------------------------------------------------
# System sources


def system_serial_ports() -> list[PortInfo]:
    from serial.tools import list_ports

    ports = []
    for p in list_ports.comports():
        if p.hwid == "n/a" and p.vid is None:   # legacy on-board UARTs (ttyS*) with nothing behind them
            continue
        usb_path = p.location.split(":")[0] if p.location else None
        ports.append(PortInfo(p.device, p.vid, p.pid, p.serial_number, usb_path, p.description or ""))
    return ports


def parse_info_uf2(text: str) -> dict[str, str]:
    """INFO_UF2.TXT: a first line naming the bootloader, then `Key: value` lines."""
    info: dict[str, str] = {}
    lines = text.splitlines()
    if lines:
        info["Bootloader"] = lines[0].strip()
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def read_volume(path: Path, usb_serial: str | None = None, usb_path: str | None = None) -> Uf2Volume | None:
    try:
        text = (path / "INFO_UF2.TXT").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return Uf2Volume(path, parse_info_uf2(text), usb_serial, usb_path)


def _usb_of_block_device(source: str, sys_root: Path = Path("/sys")) -> tuple[str | None, str | None]:
    """(USB serial, USB port path) of the USB device behind a block device such as /dev/sdb1."""
    name = Path(os.path.realpath(source)).name
    node = sys_root / "class" / "block" / name
    try:
        here = node.resolve()
    except OSError:
        return None, None
    for parent in [here, *here.parents]:
        if (parent / "idVendor").exists():
            serial = (parent / "serial").read_text().strip() if (parent / "serial").exists() else None
            return serial, parent.name
    return None, None


def system_uf2_volumes(extra_roots: Iterable[Path] = ()) -> list[Uf2Volume]:
    """Mounted FAT drives that carry INFO_UF2.TXT (plus every directory under `extra_roots`)."""
    found: list[Uf2Volume] = []
    candidates: list[tuple[Path, str]] = []
    try:
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                source, mount_point, fstype, *_ = line.split()
                if fstype in ("vfat", "msdos", "exfat", "fuseblk"):
                    candidates.append((Path(mount_point.replace("\\040", " ")), source))
    except OSError:
        pass
    for base in (Path("/Volumes"),):
        if base.is_dir():
            candidates += [(p, "") for p in base.iterdir()]
    for root in extra_roots:
        if root.is_dir():
            candidates += [(p, "") for p in root.iterdir() if p.is_dir()]
    for path, source in candidates:
        serial, usb_path = _usb_of_block_device(source) if source.startswith("/dev/") else (None, None)
        volume = read_volume(path, serial, usb_path)
        if volume is not None:
            found.append(volume)
    return found


@dataclass
class Discovery:
    """Where devices are looked for. Defaults are the real system; tests pass simulated sources."""

    serial_ports: Callable[[], list[PortInfo]] = system_serial_ports
    uf2_volumes: Callable[[], list[Uf2Volume]] = system_uf2_volumes
    usb_backend: Any = None                       # a pyusb backend; None = libusb
    probes: Callable[[], list[Endpoint]] | None = None

    def usb_devices(self, vid: int, pid: int) -> list[Any]:
        import usb.core

        try:
            return list(usb.core.find(find_all=True, idVendor=vid, idProduct=pid, backend=self.usb_backend) or [])
        except usb.core.NoBackendError:
            return []

    def endpoints(self) -> list[Endpoint]:
        eps: list[Endpoint] = []
        for port in self.serial_ports():
            mode, family, desc = USB_IDS.get((port.vid or 0, port.pid or 0), ("serial", "", port.description))
            eps.append(Endpoint("app" if mode == "app" else "serial", port.device, port.serial_number, port.usb_path,
                                port.vid, port.pid, family, desc or port.description))
        for vol in self.uf2_volumes():
            eps.append(Endpoint("uf2", str(vol.path), vol.usb_serial, vol.usb_path, None, None,
                                _family_of_board_id(vol.board_id), f"UF2 drive {vol.board_id}"))
        for (vid, pid), (mode, family, desc) in USB_IDS.items():
            if mode not in ("picoboot", "dfu"):
                continue
            for dev in self.usb_devices(vid, pid):
                eps.append(Endpoint(mode, usb_location(dev), usb_serial(dev), usb_port_path(dev), vid, pid, family, desc))
        if self.probes is not None:
            eps += self.probes()
        return eps

    def devices(self, registry: Registry | None = None) -> list[Device]:
        return group_endpoints(self.endpoints(), registry or Registry.load())


def _family_of_board_id(board_id: str) -> str:
    if board_id.startswith("RPI-RP2"):
        return "rp2"
    if board_id.upper().startswith("STM32"):
        return "stm32"
    if board_id.upper().startswith("ESP32"):
        return "esp32"
    return ""


def usb_serial(dev: Any) -> str | None:
    try:
        return str(dev.serial_number) if dev.iSerialNumber else None
    except (ValueError, OSError, NotImplementedError):
        return None


def usb_port_path(dev: Any) -> str | None:
    numbers = getattr(dev, "port_numbers", None)
    if dev.bus is None or not numbers:
        return None
    return f"{dev.bus}-{'.'.join(str(n) for n in numbers)}"


def usb_location(dev: Any) -> str:
    return f"usb:{usb_port_path(dev) or f'{dev.bus}:{dev.address}'}"


# ---------------------------------------------------------------------------------------------
# Identity


def registry_path() -> Path:
    if "KILN_DEVICES_FILE" in os.environ:
        return Path(os.environ["KILN_DEVICES_FILE"])
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "kiln" / "devices.json"


_REGISTRY_LOCK = threading.RLock()


@dataclass
class Registry:
    """Aliases learned across mode switches: endpoint key -> device id, plus names users gave devices."""

    aliases: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)     # device id -> user label
    boards: dict[str, str] = field(default_factory=dict)    # device id -> last board flashed
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        path = path or registry_path()
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        return cls(dict(data.get("aliases", {})), dict(data.get("names", {})), dict(data.get("boards", {})), path)

    def save(self) -> None:
        """Writes atomically (a unique temporary file, then rename); safe from several threads."""
        if self.path is None:
            return
        import tempfile

        with _REGISTRY_LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            payload = {k: v for k, v in asdict(self).items() if k != "path"}
            fd, tmp = tempfile.mkstemp(prefix=".devices-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w") as handle:
                handle.write(json.dumps(payload, indent=1, sort_keys=True))
            os.replace(tmp, self.path)

    def learn(self, endpoint: Endpoint, device_id: str) -> None:
        key = endpoint_key(endpoint)
        with _REGISTRY_LOCK:
            if key and self.aliases.get(key) != device_id and key != device_id:
                self.aliases[key] = device_id


def endpoint_key(ep: Endpoint) -> str | None:
    """The strongest identity an endpoint carries on its own."""
    if ep.serial:
        return normalize_serial(ep.serial)
    if ep.usb_path:
        return f"usbpath:{ep.usb_path}"
    return f"loc:{ep.location}"


def identity(ep: Endpoint, registry: Registry) -> str:
    key = endpoint_key(ep) or ep.location
    seen: set[str] = set()
    while key in registry.aliases and key not in seen:
        seen.add(key)
        key = registry.aliases[key]
    return key


def group_endpoints(endpoints: list[Endpoint], registry: Registry) -> list[Device]:
    """Groups endpoints into devices: same identity, or serial-less endpoints on the same USB port path."""
    devices: dict[str, Device] = {}
    by_path: dict[str, str] = {}
    pending: list[Endpoint] = []
    for ep in endpoints:
        if ep.serial or not ep.usb_path:
            dev_id = identity(ep, registry)
            devices.setdefault(dev_id, Device(dev_id)).endpoints.append(ep)
            if ep.usb_path:
                by_path.setdefault(ep.usb_path, dev_id)
        else:
            pending.append(ep)
    for ep in pending:
        dev_id = identity(ep, registry)
        if dev_id.startswith("usbpath:") and ep.usb_path in by_path:
            dev_id = by_path[ep.usb_path]
        devices.setdefault(dev_id, Device(dev_id)).endpoints.append(ep)
    return sorted(devices.values(), key=lambda d: d.id)


def matches(ep: Endpoint, device_id: str, registry: Registry | None = None) -> bool:
    """True when `ep` belongs to the device the user named (by id, serial, alias or location)."""
    registry = registry or Registry()
    want = normalize_serial(device_id) or device_id
    if identity(ep, registry) in (device_id, want):
        return True
    if ep.location == device_id or (ep.usb_path and device_id == f"usbpath:{ep.usb_path}"):
        return True
    return normalize_serial(ep.serial) == want


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Polls until predicate() is truthy (returns it) or `timeout` seconds pass (returns None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
