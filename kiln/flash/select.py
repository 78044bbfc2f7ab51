"""Which flasher to use for a board, and which build output it writes.

Like west's runner selection: the board declares its methods in order of preference
(board.toml `flash.methods`, else the MCU's); `--method` picks one explicitly; a device already sitting
in one of the board's bootloaders (DfuSe, PICOBOOT, UF2 drive) selects that method.
"""

from __future__ import annotations

from pathlib import Path

from kiln.boards import Board
from kiln.devices import Device
from kiln.flash.base import Flasher, ImageRejected
from kiln.flash.dfuse_usb import DfuseUsb
from kiln.flash.esptool_backend import EsptoolBackend
from kiln.flash.image import Image, ImageError, from_parts, load_image
from kiln.flash.picoboot import Picoboot
from kiln.flash.pyocd_backend import PyocdBackend
from kiln.flash.target import Target
from kiln.flash.uf2_copy import Uf2Copy

METHODS: dict[str, type[Flasher]] = {
    "uf2": Uf2Copy, "picoboot": Picoboot, "dfu": DfuseUsb, "esptool": EsptoolBackend, "pyocd": PyocdBackend,
}
# The device mode in which each method finds its device.
MODE_OF_METHOD = {"uf2": "uf2", "picoboot": "picoboot", "dfu": "dfu", "esptool": "serial", "pyocd": "probe"}


class SelectionError(Exception):
    """No usable method or image; the message says what to do."""


def choose_method(board: Board, requested: str | None, device: Device | None = None) -> str:
    methods = board.flash_methods
    if not methods:
        raise SelectionError(f"{board.id} has no flash methods (flash.methods in its board file)")
    if requested:
        if requested not in methods:
            raise SelectionError(f"{board.id} cannot be flashed with {requested!r}; its methods: {', '.join(methods)}")
        return requested
    if device is not None:
        for method in methods:
            if MODE_OF_METHOD[method] in device.modes and MODE_OF_METHOD[method] in ("uf2", "picoboot", "dfu"):
                return method
    return methods[0]


def build_image(board: Board, flasher: type[Flasher], target: Target) -> Image:
    """The build output this method takes (first kind that exists), loaded."""
    from kiln.build import image_path

    tried = []
    for kind in flasher.image_kinds:
        if kind == "app" and target.esptool_chip:
            parts = [(target.flash_offsets.get(name, target.app_address if name == "app" else 0), image_path(board, name), name)
                     for name in ("bootloader", "partitions", "app")]
            if all(path.is_file() for _, path, _ in parts):
                return from_parts(parts)
            tried += [str(path) for _, path, _ in parts]
            continue
        path = image_path(board, kind)
        tried.append(str(path))
        if path.is_file():
            address = 0 if kind == "merged" else target.app_address
            return load_image(path, address=address)
    raise SelectionError(f"no build output for {board.build_id} that {flasher.name} can write (looked for "
                         f"{', '.join(tried)}); build it first: kiln build --board {board.id}"
                         + (f" --variant {board.variant}" if board.variant else ""))


def load(board: Board, flasher: type[Flasher], target: Target, path: Path | None, address: int | None) -> Image:
    if path is None:
        return build_image(board, flasher, target)
    try:
        return load_image(path, address=address if address is not None else target.app_address)
    except ImageError as exc:
        raise ImageRejected(str(exc)) from None
