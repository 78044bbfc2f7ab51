"""A simulated UF2 bootloader drive: a directory with INFO_UF2.TXT that takes .uf2 files like the real one.

Behaves like the RP2040 bootrom (or tinyuf2): blocks are programmed as they arrive, blocks for another
family or outside flash are ignored, and once every block of the file has arrived the device reboots:
the directory disappears and, a little later, the application's serial port appears (a pty).

Faults: `drop_after_blocks=N` resets the device after N blocks (the drive disappears mid-copy and no
application port appears), `ignore_all=True` never reboots (a bootloader that rejects the file).
"""

from __future__ import annotations

import shutil
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiln.devices import PortInfo, Uf2Volume, read_volume
from kiln.images.uf2 import BLOCK_SIZE, FLAG_FAMILY_ID, FLAG_NOT_MAIN_FLASH, MAGIC_END, MAGIC_START0, MAGIC_START1
from kiln.sim.transport import PtyLink

_HEADER = struct.Struct("<8I")


class BannerApp:
    """The default application on the port after reboot: prints a banner, echoes what it gets."""

    def __init__(self, banner: bytes = b"Kiln (simulated)\r\n>>> "):
        self.banner = banner
        self.link: PtyLink | None = None

    def attach(self, link: object) -> None:
        self.link = link  # type: ignore[assignment]

    def feed(self, data: bytes) -> None:
        if self.link is not None:
            self.link.send(data)


class Uf2VolumeSim:
    def __init__(self, root: Path, *, board_id: str = "RPI-RP2", model: str = "Raspberry Pi RP2",
                 family_id: int = 0xE48BFF56, flash_base: int = 0x10000000, flash_size: int = 2 * 1024 * 1024,
                 serial: str = "E6614103E7123456", name: str = "RPI-RP2", app_vid_pid: tuple[int, int] = (0x2E8A, 0x0005),
                 drop_after_blocks: int | None = None, ignore_all: bool = False, reboot_delay: float = 0.05,
                 bytes_per_second: float | None = None, app_factory: Callable[[], object] = BannerApp,
                 flash: bytearray | None = None, on_complete: Callable[[], None] | None = None):
        self.root = root
        self.path = root / name
        self.board_id = board_id
        self.model = model
        self.family_id = family_id
        self.flash_base = flash_base
        self.flash = flash if flash is not None else bytearray(b"\xff" * flash_size)
        self.on_complete = on_complete
        self.serial = serial
        self.app_vid_pid = app_vid_pid
        self.drop_after_blocks = drop_after_blocks
        self.ignore_all = ignore_all
        self.reboot_delay = reboot_delay
        self.bytes_per_second = bytes_per_second
        self.app_factory = app_factory
        self.state = "off"
        self.blocks_written = 0
        self.ignored_blocks = 0
        self.app_link: PtyLink | None = None
        self.app: object | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.events: list[str] = []

    # -- life cycle -------------------------------------------------------------------------

    def mount(self) -> Uf2VolumeSim:
        """Enters the UF2 bootloader: the drive appears."""
        self._shutdown_app()
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "INDEX.HTM").write_text("<html><body>simulated UF2 bootloader</body></html>\n")
        (self.path / "INFO_UF2.TXT").write_text(
            f"UF2 Bootloader v3.0 (simulated)\nModel: {self.model}\nBoard-ID: {self.board_id}\n")
        self.state = "mounted"
        self.events.append("mounted")
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name=f"uf2 {self.path}", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._unmount()
        self._shutdown_app()
        self.state = "off"

    def _unmount(self) -> None:
        if self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)

    def _shutdown_app(self) -> None:
        if self.app_link is not None:
            self.app_link.close()
            self.app_link = None

    def _reboot_to_app(self) -> None:
        self.state = "rebooting"
        self.events.append("rebooting")
        self._stop.set()
        self._unmount()
        time.sleep(self.reboot_delay)
        self.app = self.app_factory()
        self.app_link = PtyLink(self.app)  # type: ignore[arg-type]
        self.state = "app"
        self.events.append("app")

    # -- what discovery sees ------------------------------------------------------------------

    def volumes(self) -> list[Uf2Volume]:
        if self.state != "mounted":
            return []
        volume = read_volume(self.path, self.serial, None)
        return [volume] if volume else []

    def ports(self) -> list[PortInfo]:
        if self.state != "app" or self.app_link is None:
            return []
        vid, pid = self.app_vid_pid
        return [PortInfo(self.app_link.path, vid, pid, self.serial, None, "simulated application CDC")]

    def consumed(self, phase: str, done: int, total: int) -> None:
        """A progress callback that makes the copy synchronous, like a USB drive that takes each write
        only when the device has accepted it: returns once `done` bytes were programmed (or the drive is gone)."""
        if phase == "copy":
            deadline = time.monotonic() + 5
            while (self.state == "mounted" and self.blocks_written + self.ignored_blocks < done // BLOCK_SIZE
                   and time.monotonic() < deadline):
                time.sleep(0.002)

    def read(self, address: int, size: int) -> bytes:
        offset = address - self.flash_base
        return bytes(self.flash[offset : offset + size])

    # -- the bootloader -------------------------------------------------------------------------

    def _watch(self) -> None:
        offsets: dict[str, int] = {}
        seen: dict[str, set[int]] = {}
        while not self._stop.is_set():
            try:
                names = [p for p in self.path.iterdir() if p.suffix.lower() == ".uf2" and p.name != "CURRENT.UF2"]
            except OSError:
                names = []
            for path in names:
                try:
                    with path.open("rb") as handle:
                        handle.seek(offsets.get(path.name, 0))
                        data = handle.read()
                except OSError:
                    continue
                whole = len(data) - len(data) % BLOCK_SIZE
                for start in range(0, whole, BLOCK_SIZE):
                    block = data[start : start + BLOCK_SIZE]
                    if self.bytes_per_second:
                        time.sleep(BLOCK_SIZE / self.bytes_per_second)
                    done = self._program(block, seen.setdefault(path.name, set()))
                    if self.drop_after_blocks is not None and self.blocks_written >= self.drop_after_blocks:
                        self.events.append(f"dropped after {self.blocks_written} blocks")
                        self.state = "dropped"
                        self._stop.set()
                        self._unmount()
                        return
                    if done and self.on_complete is not None:   # a board model takes over the reboot
                        self.state = "rebooting"
                        self.events.append("rebooting")
                        self._stop.set()
                        self._unmount()
                        threading.Thread(target=self.on_complete, daemon=True).start()
                        return
                    if done:
                        self._reboot_to_app()
                        return
                offsets[path.name] = offsets.get(path.name, 0) + whole
            time.sleep(0.005)

    def _program(self, block: bytes, seen: set[int]) -> bool:
        """Writes one block; True once every block of the file has arrived."""
        m0, m1, flags, address, size, number, count, family = _HEADER.unpack_from(block)
        (end,) = struct.unpack_from("<I", block, BLOCK_SIZE - 4)
        if (m0, m1, end) != (MAGIC_START0, MAGIC_START1, MAGIC_END) or size > 476 or flags & FLAG_NOT_MAIN_FLASH:
            self.ignored_blocks += 1
            return False
        if self.ignore_all or (flags & FLAG_FAMILY_ID and family != self.family_id):
            self.ignored_blocks += 1
            return False
        offset = address - self.flash_base
        if offset < 0 or offset + size > len(self.flash):
            self.ignored_blocks += 1
            return False
        self.flash[offset : offset + size] = block[32 : 32 + size]
        self.blocks_written += 1
        seen.add(number)
        return len(seen) >= count

