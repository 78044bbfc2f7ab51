"""Simulated USB devices behind a pyusb backend, so the real client code talks to them through pyusb.

    backend = SimUsbBackend([device, ...])
    usb.core.find(idVendor=..., backend=backend)

The backend answers the standard requests (descriptors, strings, configuration, alternate settings)
itself and hands class/vendor control requests and bulk transfers to the `SimUsbDevice`. A device
can model its link (bytes per second plus a per-transaction latency, as full-speed USB frames do)
and can be unplugged (`disconnect()`): every transfer then fails with ENODEV and it no longer enumerates.
"""

from __future__ import annotations

import errno
import struct
import threading
import time
from array import array
from dataclasses import dataclass, field
from typing import Any

import usb.backend
import usb.core

GET_STATUS, CLEAR_FEATURE, SET_FEATURE, SET_ADDRESS, GET_DESCRIPTOR = 0, 1, 3, 5, 6
GET_CONFIGURATION, SET_CONFIGURATION, GET_INTERFACE, SET_INTERFACE = 8, 9, 10, 11
DT_DEVICE, DT_CONFIG, DT_STRING, DT_INTERFACE, DT_ENDPOINT = 1, 2, 3, 4, 5


class Stall(Exception):
    """The device answers with STALL (pyusb raises USBError EPIPE)."""


class Gone(Exception):
    """The device is no longer on the bus."""


@dataclass
class Endpoint:
    address: int
    attributes: int = 2           # bulk
    max_packet: int = 64


@dataclass
class Interface:
    number: int
    alt: int = 0
    cls: int = 0xFF
    subclass: int = 0
    protocol: int = 0
    name: str = ""
    endpoints: list[Endpoint] = field(default_factory=list)
    extra: bytes = b""            # class-specific descriptors (e.g. the DFU functional descriptor)


class _Desc:
    """A descriptor with its fields as attributes, as pyusb expects from backends."""

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)


class SimUsbDevice:
    """Subclass and override `control()` / `bulk_out()` / `bulk_in()`."""

    def __init__(self, vid: int, pid: int, *, manufacturer: str = "", product: str = "", serial: str = "",
                 interfaces: list[Interface] | None = None, bcd_device: int = 0x0100, bus: int = 1,
                 port_numbers: tuple[int, ...] = (1,), address: int = 5,
                 bytes_per_second: float | None = None, transaction_latency: float = 0.0):
        self.vid, self.pid, self.bcd_device = vid, pid, bcd_device
        self.bus, self.port_numbers, self.address = bus, port_numbers, address
        self.interfaces = interfaces or []
        self.strings: list[str] = []
        self.i_manufacturer = self._string(manufacturer)
        self.i_product = self._string(product)
        self.i_serial = self._string(serial)
        self.i_interface = {(i.number, i.alt): self._string(i.name) for i in self.interfaces}
        self.connected = True
        self.configuration = 0
        self.alt_settings: dict[int, int] = {}
        self.claimed: set[int] = set()
        self.open_handles = 0
        self.bytes_per_second = bytes_per_second
        self.transaction_latency = transaction_latency
        self.lock = threading.RLock()
        self.link_bytes = 0

    def _string(self, text: str) -> int:
        if not text:
            return 0
        self.strings.append(text)
        return len(self.strings)

    @property
    def serial(self) -> str:
        return self.strings[self.i_serial - 1] if self.i_serial else ""

    def disconnect(self) -> None:
        self.connected = False

    def charge(self, nbytes: int, transactions: int = 1) -> None:
        """Models the time `nbytes` take on the link."""
        self.link_bytes += nbytes
        delay = transactions * self.transaction_latency
        if self.bytes_per_second:
            delay += nbytes / self.bytes_per_second
        if delay > 0:
            time.sleep(delay)

    # -- hooks for subclasses -------------------------------------------------------------------

    def control(self, request_type: int, request: int, value: int, index: int, data: bytes | int) -> bytes | int:
        """Class/vendor requests. `data` is the OUT payload (bytes) or the IN length (int); return the IN
        payload (bytes) or the number of OUT bytes taken (int). Raise Stall to stall."""
        raise Stall()

    def bulk_out(self, endpoint: int, data: bytes, timeout: float) -> int:
        raise Stall()

    def bulk_in(self, endpoint: int, size: int, timeout: float) -> bytes:
        raise Stall()

    def set_alt(self, interface: int, alt: int) -> None:
        self.alt_settings[interface] = alt

    def clear_halt(self, endpoint: int) -> None:
        """CLEAR_FEATURE(ENDPOINT_HALT)."""

    def reset(self) -> None:
        """USB port reset."""

    # -- descriptors ----------------------------------------------------------------------------------

    def alts(self) -> list[list[Interface]]:
        grouped: dict[int, list[Interface]] = {}
        for intf in self.interfaces:
            grouped.setdefault(intf.number, []).append(intf)
        return [grouped[n] for n in sorted(grouped)]

    def string_descriptor(self, index: int) -> bytes:
        if index == 0:
            return bytes([4, DT_STRING]) + struct.pack("<H", 0x0409)
        if not 0 < index <= len(self.strings):
            raise Stall()
        text = self.strings[index - 1].encode("utf-16-le")
        return bytes([2 + len(text), DT_STRING]) + text


class _Handle:
    def __init__(self, device: SimUsbDevice):
        self.device = device


def _usb_error(exc: Exception) -> usb.core.USBError:
    if isinstance(exc, Gone):
        return usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
    if isinstance(exc, TimeoutError):
        return usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
    return usb.core.USBError("Pipe error", -9, errno.EPIPE)


class SimUsbBackend(usb.backend.IBackend):
    """A pyusb backend whose bus holds the simulated devices in `devices`."""

    def __init__(self, devices: list[SimUsbDevice] | None = None):
        super().__init__()
        self.devices = list(devices or [])

    def add(self, device: SimUsbDevice) -> SimUsbDevice:
        self.devices.append(device)
        return device

    # enumeration ---------------------------------------------------------------------------------------

    def enumerate_devices(self) -> list[SimUsbDevice]:
        return [d for d in self.devices if d.connected]

    def get_parent(self, dev: SimUsbDevice) -> None:
        return None

    def get_device_descriptor(self, dev: SimUsbDevice) -> _Desc:
        return _Desc(bLength=18, bDescriptorType=DT_DEVICE, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
                     bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=dev.vid, idProduct=dev.pid,
                     bcdDevice=dev.bcd_device, iManufacturer=dev.i_manufacturer, iProduct=dev.i_product,
                     iSerialNumber=dev.i_serial, bNumConfigurations=1, address=dev.address, bus=dev.bus,
                     port_number=dev.port_numbers[-1], port_numbers=dev.port_numbers, speed=usb.util.SPEED_FULL)

    def get_configuration_descriptor(self, dev: SimUsbDevice, config: int) -> _Desc:
        if config != 0:
            raise usb.core.USBError("Invalid configuration", -2, errno.EINVAL)
        return _Desc(bLength=9, bDescriptorType=DT_CONFIG, wTotalLength=0, bNumInterfaces=len(dev.alts()),
                     bConfigurationValue=1, iConfiguration=0, bmAttributes=0x80, bMaxPower=50,
                     extra_descriptors=array("B"))

    def get_interface_descriptor(self, dev: SimUsbDevice, intf: int, alt: int, config: int) -> _Desc:
        alts = dev.alts()
        if intf >= len(alts) or alt >= len(alts[intf]):
            raise IndexError("no such interface/alternate setting")
        i = alts[intf][alt]
        return _Desc(bLength=9, bDescriptorType=DT_INTERFACE, bInterfaceNumber=i.number, bAlternateSetting=i.alt,
                     bNumEndpoints=len(i.endpoints), bInterfaceClass=i.cls, bInterfaceSubClass=i.subclass,
                     bInterfaceProtocol=i.protocol, iInterface=dev.i_interface[(i.number, i.alt)],
                     extra_descriptors=array("B", i.extra))

    def get_endpoint_descriptor(self, dev: SimUsbDevice, ep: int, intf: int, alt: int, config: int) -> _Desc:
        e = dev.alts()[intf][alt].endpoints[ep]
        return _Desc(bLength=7, bDescriptorType=DT_ENDPOINT, bEndpointAddress=e.address, bmAttributes=e.attributes,
                     wMaxPacketSize=e.max_packet, bInterval=0, bRefresh=0, bSynchAddress=0,
                     extra_descriptors=array("B"))

    # handles -------------------------------------------------------------------------------------------

    def _live(self, handle: _Handle) -> SimUsbDevice:
        if not handle.device.connected:
            raise _usb_error(Gone())
        return handle.device

    def open_device(self, dev: SimUsbDevice) -> _Handle:
        if not dev.connected:
            raise _usb_error(Gone())
        dev.open_handles += 1
        return _Handle(dev)

    def close_device(self, dev_handle: _Handle) -> None:
        dev_handle.device.open_handles -= 1
        dev_handle.device.claimed.clear()

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        self._live(dev_handle).configuration = config_value

    def get_configuration(self, dev_handle: _Handle) -> int:
        return self._live(dev_handle).configuration

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        dev = self._live(dev_handle)
        with dev.lock:
            dev.set_alt(intf, altsetting)

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev = self._live(dev_handle)
        if intf in dev.claimed:
            raise usb.core.USBError("Resource busy", -6, errno.EBUSY)
        dev.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev_handle.device.claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        return False

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        return None

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        return None

    # transfers -----------------------------------------------------------------------------------------

    def bulk_write(self, dev_handle: _Handle, ep: int, intf: int, data: array, timeout: int) -> int:
        dev = self._live(dev_handle)
        payload = bytes(data)
        try:
            with dev.lock:
                dev.charge(len(payload), max(1, -(-len(payload) // 4096)))
                return dev.bulk_out(ep, payload, timeout / 1000)
        except (Stall, Gone, TimeoutError) as exc:
            raise _usb_error(exc) from None

    def bulk_read(self, dev_handle: _Handle, ep: int, intf: int, buff: array, timeout: int) -> int:
        dev = self._live(dev_handle)
        try:
            with dev.lock:
                data = dev.bulk_in(ep, len(buff), timeout / 1000)
                dev.charge(len(data), max(1, -(-len(data) // 4096)))
        except (Stall, Gone, TimeoutError) as exc:
            raise _usb_error(exc) from None
        if len(data) > len(buff):
            raise usb.core.USBError("Overflow", -8, errno.EOVERFLOW)
        buff[: len(data)] = array("B", data)
        return len(data)

    def ctrl_transfer(self, dev_handle: _Handle, bmRequestType: int, bRequest: int, wValue: int, wIndex: int,
                      data: array, timeout: int) -> int:
        dev = self._live(dev_handle)
        is_in = bool(bmRequestType & 0x80)
        kind = (bmRequestType >> 5) & 3
        try:
            with dev.lock:
                if kind == 0:
                    reply = self._standard(dev, bmRequestType, bRequest, wValue, wIndex, len(data))
                else:
                    reply = dev.control(bmRequestType, bRequest, wValue, wIndex, len(data) if is_in else bytes(data))
                moved = len(reply) if isinstance(reply, bytes) else int(reply)
                dev.charge(8 + moved, 2 + bool(moved))   # setup + data + status stages
        except (Stall, Gone, TimeoutError) as exc:
            raise _usb_error(exc) from None
        if is_in:
            assert isinstance(reply, bytes)
            reply = reply[: len(data)]
            data[: len(reply)] = array("B", reply)
            return len(reply)
        return int(reply) if not isinstance(reply, bytes) else len(data)

    def _standard(self, dev: SimUsbDevice, request_type: int, request: int, value: int, index: int,
                  length: int) -> bytes | int:
        if request == GET_DESCRIPTOR and value >> 8 == DT_STRING:
            return dev.string_descriptor(value & 0xFF)
        if request == GET_DESCRIPTOR and value >> 8 == DT_DEVICE:
            d = self.get_device_descriptor(dev)
            return struct.pack("<BBHBBBBHHHBBBB", 18, 1, 0x200, 0, 0, 0, 64, d.idVendor, d.idProduct, d.bcdDevice,
                               d.iManufacturer, d.iProduct, d.iSerialNumber, 1)
        if request == SET_INTERFACE:
            dev.set_alt(index, value)
            return 0
        if request == CLEAR_FEATURE and request_type & 0x1F == 2:
            dev.clear_halt(index)
            return 0
        if request == GET_CONFIGURATION:
            return bytes([dev.configuration])
        if request == SET_CONFIGURATION:
            dev.configuration = value
            return 0
        raise Stall()

    def clear_halt(self, dev_handle: _Handle, ep: int) -> None:
        dev = self._live(dev_handle)
        with dev.lock:
            dev.clear_halt(ep)

    def reset_device(self, dev_handle: _Handle) -> None:
        dev = self._live(dev_handle)
        with dev.lock:
            dev.reset()
