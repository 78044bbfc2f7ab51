"""The flasher interface: one class per method, each declaring its capabilities and its arguments.

Like Zephyr's west runners: `kiln flash` picks a `Flasher` subclass per board (see select.py), asks it
to add its own command-line arguments, builds it from the parsed arguments, and calls
`check()` (refuse a bad image before anything touches a device), then `flash()`.
"""

from __future__ import annotations

import argparse
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from kiln.flash.image import Image, ImageError

if TYPE_CHECKING:
    from kiln.devices import Discovery
    from kiln.flash.target import Target

# progress(phase, done, total): phase is "erase", "write", "verify", "copy", "wait", ...
ProgressFn = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    """The default progress callback: does nothing."""


class FlashError(Exception):
    """A flash did not complete. `state` says where that leaves the device, in words for the user."""

    def __init__(self, message: str, state: str = ""):
        super().__init__(message)
        self.state = state

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}\n  device state: {self.state}" if self.state else text


class DeviceNotFound(FlashError):
    """No device (or not exactly one) matched what the flasher looks for."""


class FlashInterrupted(FlashError):
    """The user cancelled (Ctrl-C); the flasher stopped at a safe point."""


class ImageRejected(FlashError, ImageError):
    """The image was refused before anything was written."""


@dataclass(frozen=True)
class Capabilities:
    """What a flasher can do besides writing (like west's RunnerCaps)."""

    erase: bool = False        # erase the whole chip on request (`--erase chip`)
    reset: bool = False        # start the application when done (and `--no-reset` to stay in the bootloader)
    verify: bool = False       # reads back or hashes what it wrote
    device_id: bool = False    # can pick one of several identical attached devices (`--device ID`)
    read: bool = False         # can read flash back
    bootloader_entry: tuple[str, ...] = ()  # how it gets a running app into its bootloader


@dataclass
class Report:
    """What a successful flash did."""

    method: str
    device: str
    bytes_written: int
    seconds: float
    verified: bool
    notes: list[str] = field(default_factory=list)


class Context:
    """What every flasher gets besides its own options: target, log, progress and cancellation."""

    def __init__(self, target: Target, log: logging.Logger | None = None, progress: ProgressFn = no_progress,
                 cancel: threading.Event | None = None, discovery: Discovery | None = None):
        from kiln.devices import Discovery

        self.target = target
        self.discovery = discovery or Discovery()
        self.log = log or logging.getLogger("kiln.flash")
        self.progress = progress
        self.cancel = cancel or threading.Event()

    def check_cancel(self, state: str) -> None:
        """Raises FlashInterrupted (with `state`) if the user asked to stop; call at safe points only."""
        if self.cancel.is_set():
            raise FlashInterrupted("interrupted by the user", state)


class Flasher(ABC):
    """One flashing method. Subclasses set the class attributes and implement check() and flash()."""

    name: ClassVar[str]
    help: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    # Image kinds (build outputs) this method takes, most preferred first.
    image_kinds: ClassVar[tuple[str, ...]]

    def __init__(self, ctx: Context, **options: Any):
        self.ctx = ctx
        self.options = options

    @property
    def target(self) -> Target:
        return self.ctx.target

    @property
    def log(self) -> logging.Logger:
        return self.ctx.log

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        """Adds this method's own options (prefixed with the method name where they could clash)."""
        return None

    @classmethod
    def options_from_args(cls, args: argparse.Namespace) -> dict[str, Any]:
        """Picks this method's options out of the parsed command line."""
        return {}

    @abstractmethod
    def check(self, image: Image) -> Image:
        """Validates `image` for this target and method without touching a device; returns what will be
        written (possibly converted). Raises ImageRejected naming the file, field or offset."""

    @abstractmethod
    def flash(self, image: Image, *, verify: bool = True, reset: bool = True, erase: str = "sector",
              device: str | None = None) -> Report:
        """Writes `image` (already `check()`ed) to the device `device` (an id; None = the only one)."""

    def erase_chip(self, device: str | None = None) -> None:
        raise FlashError(f"{self.name} cannot erase the whole chip; use another method")

    def reset(self, device: str | None = None) -> None:
        raise FlashError(f"{self.name} cannot reset the device")
