"""core/fs compiled for the host (gcc, -Wall -Wextra -Werror) and driven through ctypes: `Kfs` wraps one
filesystem on a RAM device with power-cut injection (tests/support/kfs_host.c)."""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FS_DIR = ROOT / "core" / "fs"
HOST_C = Path(__file__).with_name("kfs_host.c")

O_RDONLY, O_WRONLY, O_RDWR = 0x1, 0x2, 0x3
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0x100, 0x200, 0x400, 0x800
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2
# KILN_KFS_SANITIZE=1 builds the library with AddressSanitizer + UBSan (run Python with libasan preloaded).
SANITIZE_FLAGS = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer")
TYPE_FILE, TYPE_DIR = 1, 2


def sources() -> list[Path]:
    return sorted(FS_DIR.glob("*.c")) + [HOST_C]


def build_library(extra_flags: tuple[str, ...] = ()) -> Path:
    """Compiles core/fs + the wrapper into a shared library, cached by the sources' content."""
    digest = hashlib.sha256()
    for path in sources() + sorted(FS_DIR.glob("*.h")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(" ".join(extra_flags).encode())
    out_dir = Path(os.environ.get("KILN_TEST_CACHE", tempfile.gettempdir())) / "kiln-kfs"
    out_dir.mkdir(parents=True, exist_ok=True)
    library = out_dir / f"libkfs-{digest.hexdigest()[:16]}.so"
    if not library.exists():
        partial = library.with_suffix(f".{os.getpid()}.tmp")
        cmd = ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-g", "-shared", "-fPIC",
               *extra_flags, f"-I{FS_DIR}", "-o", str(partial), *map(str, sources())]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        partial.rename(library)
    return library


class KfsError(OSError):
    pass


_LIB: ctypes.CDLL | None = None


def library() -> ctypes.CDLL:
    global _LIB
    if _LIB is None:
        lib = ctypes.CDLL(str(build_library(SANITIZE_FLAGS if os.environ.get("KILN_KFS_SANITIZE") else ())))
        lib.host_new.restype = ctypes.c_void_p
        lib.host_new.argtypes = [ctypes.c_uint32] * 7
        lib.host_image.restype = ctypes.POINTER(ctypes.c_uint8)
        for name in ("host_free", "host_power_on"):
            getattr(lib, name).argtypes = [ctypes.c_void_p]
        lib.host_cut_after.argtypes = [ctypes.c_void_p, ctypes.c_long, ctypes.c_uint32]
        for name in ("host_image", "host_dead", "host_ops", "host_violations", "host_format", "host_mount",
                     "host_unmount"):
            getattr(lib, name).argtypes = [ctypes.c_void_p]
        lib.host_erase_count.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        lib.host_erase_count.restype = ctypes.c_uint32
        lib.host_ops.restype = ctypes.c_uint32
        lib.host_fs_stat.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.host_fs_stat.restype = ctypes.c_uint32
        lib.host_open.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        for name in ("host_write", "host_read"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        lib.host_seek.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int32, ctypes.c_int]
        lib.host_truncate.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
        for name in ("host_sync", "host_close"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
        for name in ("host_mkdir", "host_remove"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.host_rename.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.host_stat.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint32),
                                  ctypes.POINTER(ctypes.c_uint32)]
        lib.host_statvfs.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32)]
        lib.host_listdir.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        _LIB = lib
    return _LIB


def check(result: int) -> int:
    if result < 0:
        raise KfsError(-result, os.strerror(-result))
    return result


class Kfs:
    """A filesystem on a RAM device. Methods raise KfsError (an OSError with the errno) on failure."""

    def __init__(self, block_size: int = 4096, block_count: int = 64, prog_size: int = 4, cache_size: int = 256,
                 max_entries: int = 128, block_cycles: int = 16, inline_max: int = 0) -> None:
        self.lib = library()
        self.geometry = (block_size, block_count)
        self.handle = self.lib.host_new(block_size, block_count, prog_size, cache_size, max_entries, block_cycles,
                                        inline_max)

    def close_device(self) -> None:
        if self.handle:
            self.lib.host_free(self.handle)
            self.handle = None

    def __del__(self) -> None:
        self.close_device()

    # device
    @property
    def image(self) -> bytes:
        size = self.geometry[0] * self.geometry[1]
        return ctypes.string_at(self.lib.host_image(self.handle), size)

    def load_image(self, data: bytes) -> None:
        ctypes.memmove(self.lib.host_image(self.handle), data, len(data))

    def cut_after(self, operations: int, seed: int = 1) -> None:
        self.lib.host_cut_after(self.handle, operations, seed)

    def power_on(self) -> None:
        self.lib.host_power_on(self.handle)

    @property
    def dead(self) -> bool:
        return bool(self.lib.host_dead(self.handle))

    @property
    def ops(self) -> int:
        return int(self.lib.host_ops(self.handle))

    def erase_count(self, block: int) -> int:
        return int(self.lib.host_erase_count(self.handle, block))

    @property
    def violations(self) -> int:
        return int(self.lib.host_violations(self.handle))

    def stat_fs(self, what: str) -> int:
        return int(self.lib.host_fs_stat(self.handle, ["rev", "active", "compactions", "relocations", "entries",
                                                       "off"].index(what)))

    # filesystem
    def format(self) -> None:
        check(self.lib.host_format(self.handle))

    def mount(self) -> None:
        check(self.lib.host_mount(self.handle))

    def unmount(self) -> None:
        check(self.lib.host_unmount(self.handle))

    def open(self, path: str, flags: int) -> int:
        return check(self.lib.host_open(self.handle, path.encode(), flags))

    def write(self, slot: int, data: bytes) -> int:
        return check(self.lib.host_write(self.handle, slot, data, len(data)))

    def read(self, slot: int, size: int) -> bytes:
        buf = ctypes.create_string_buffer(max(size, 1))
        n = check(self.lib.host_read(self.handle, slot, buf, size))
        return buf.raw[:n]

    def seek(self, slot: int, offset: int, whence: int = SEEK_SET) -> int:
        return check(self.lib.host_seek(self.handle, slot, offset, whence))

    def truncate(self, slot: int, size: int) -> None:
        check(self.lib.host_truncate(self.handle, slot, size))

    def sync(self, slot: int) -> None:
        check(self.lib.host_sync(self.handle, slot))

    def close(self, slot: int) -> None:
        check(self.lib.host_close(self.handle, slot))

    def mkdir(self, path: str) -> None:
        check(self.lib.host_mkdir(self.handle, path.encode()))

    def remove(self, path: str) -> None:
        check(self.lib.host_remove(self.handle, path.encode()))

    def rename(self, src: str, dst: str) -> None:
        check(self.lib.host_rename(self.handle, src.encode(), dst.encode()))

    def stat(self, path: str) -> tuple[int, int]:
        kind, size = ctypes.c_uint32(), ctypes.c_uint32()
        check(self.lib.host_stat(self.handle, path.encode(), ctypes.byref(kind), ctypes.byref(size)))
        return kind.value, size.value

    def statvfs(self) -> dict[str, int]:
        out = (ctypes.c_uint32 * 5)()
        check(self.lib.host_statvfs(self.handle, out))
        return dict(zip(("block_size", "block_count", "blocks_free", "name_max", "entries_free"), out, strict=True))

    def listdir(self, path: str = "/") -> list[tuple[str, str, int]]:
        buf = ctypes.create_string_buffer(1 << 16)
        n = check(self.lib.host_listdir(self.handle, path.encode(), buf, len(buf)))
        out = []
        for line in buf.raw[:n].decode().splitlines():
            if line.startswith("d "):
                out.append(("d", line[2:], 0))
            else:
                _, size, name = line.split(" ", 2)
                out.append(("f", name, int(size)))
        return out

    # conveniences
    def write_file(self, path: str, data: bytes, chunk: int = 1 << 30) -> None:
        slot = self.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        try:
            for i in range(0, len(data), chunk):
                self.write(slot, data[i:i + chunk])
        finally:
            self.close(slot)

    def read_file(self, path: str) -> bytes:
        slot = self.open(path, O_RDONLY)
        try:
            return self.read(slot, self.stat(path)[1] + 16)
        finally:
            self.close(slot)

    def tree(self, path: str = "/") -> dict[str, bytes | None]:
        """Every file (its content) and directory (None) under path, keyed by full path."""
        out: dict[str, bytes | None] = {}
        for kind, name, _ in self.listdir(path):
            full = path.rstrip("/") + "/" + name
            if kind == "d":
                out[full] = None
                out.update(self.tree(full))
            else:
                out[full] = self.read_file(full)
        return out
