"""asyncio on the host build: streams over sys.stdin/sys.stdout through a pipe and a pty, other tasks
running while a reader waits, asyncio frozen into the binary, KILNPATH."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

from kiln.build import run_scons

ROOT = Path(__file__).resolve().parent.parent
KILN = ROOT / "build" / "UNIX" / "kiln-unix"

ECHO = r"""
import asyncio, sys

async def side():
    await asyncio.sleep_ms(20)
    print("side task ran while the reader waited")

async def main():
    r = asyncio.StreamReader(sys.stdin)
    w = asyncio.StreamWriter(sys.stdout)
    asyncio.create_task(side())
    n = 0
    while True:
        line = await r.readline()
        if line.strip() == b"quit":
            break
        n += 1
        w.write(("echo %d " % n).encode() + line.strip().upper() + b"\n")
        await w.drain()
    word = await r.readexactly(4)
    print("exact", word)
    print("lines", n)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def kiln() -> Path:
    result = run_scons(["UNIX"], quiet=True)  # under the build lock: xdist workers share the checkout
    assert result.returncode == 0, result.stdout + result.stderr
    return KILN


class Reader:
    """Accumulates a child's output from fd and waits for markers (the deadline only bounds a hang)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = b""

    def until(self, marker: bytes, timeout: float = 20) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {marker!r} in {self.buf!r}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                assert chunk, f"EOF before {marker!r}; got {self.buf!r}"
                self.buf += chunk
        return self.buf


def test_stream_over_stdin_pipe(kiln: Path, tmp_path: Path) -> None:
    script = tmp_path / "echo.py"
    script.write_text(ECHO)
    proc = subprocess.Popen([str(kiln), str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    out = Reader(proc.stdout.fileno())
    try:
        # nothing written yet: the loop must still run the other task
        out.until(b"side task ran while the reader waited\n")
        proc.stdin.write(b"hello\n")
        proc.stdin.flush()
        out.until(b"echo 1 HELLO\n")
        proc.stdin.write(b"in two ")  # a line in two writes is assembled by readline
        proc.stdin.flush()
        time.sleep(0.05)
        proc.stdin.write(b"parts\nquit\nabcdXYZ")
        proc.stdin.flush()
        out.until(b"lines 2\n")
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
    text = out.buf.decode()
    assert text.splitlines() == [
        "side task ran while the reader waited",
        "echo 1 HELLO",
        "echo 2 IN TWO PARTS",
        "exact b'abcd'",
        "lines 2",
    ]


def test_stream_over_pty(kiln: Path, tmp_path: Path) -> None:
    script = tmp_path / "echo.py"
    script.write_text(ECHO)
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(kiln), str(script)], stdin=slave, stdout=slave, close_fds=True)
    os.close(slave)
    out = Reader(master)
    try:
        out.until(b"side task ran while the reader waited")
        os.write(master, b"over a pty\n")
        out.until(b"echo 1 OVER A PTY")
        os.write(master, b"quit\nwxyz\n")
        out.until(b"lines 1")
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        os.close(master)
    assert b"exact b'wxyz'" in out.buf


def test_asyncio_is_frozen_and_kilnpath_extends_sys_path(kiln: Path, tmp_path: Path) -> None:
    """A copy of the binary outside the checkout has no lib/ near it: asyncio comes from the frozen
    modules (a frozen module's __file__ is its manifest-relative name); KILNPATH adds directories."""
    binary = tmp_path / "kiln-unix"
    binary.write_bytes(kiln.read_bytes())
    binary.chmod(0o755)
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "helper_mod.py").write_text("VALUE = 'from KILNPATH'\n")
    code = ("import sys, asyncio, asyncio.core, helper_mod\n"
            "print(helper_mod.VALUE)\n"
            "print(asyncio.__file__, asyncio.core.__file__)\n"
            "print([p for p in sys.path if p.endswith('/lib') and p != '/lib'])\n"
            # names built at run time are interned onto the frozen modules' names (kn_extra_qstrs, in flash)
            "print(getattr(asyncio, ''.join(['sleep', '_ms'])) is asyncio.sleep_ms, hasattr(asyncio.core, 'Ta' + 'sk'))\n"
            "async def main():\n"
            "    await asyncio.sleep_ms(1)\n"
            "    return 42\n"
            "print(asyncio.run(main()))\n")
    env = dict(os.environ, KILNPATH=str(tmp_path / "nowhere") + ":" + str(tmp_path / "extra"))
    result = subprocess.run([str(binary), "-c", code], capture_output=True, text=True, env=env, timeout=30,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["from KILNPATH", "asyncio/__init__.py asyncio/core.py", "[]", "True True",
                                              "42"]
    env.pop("KILNPATH")
    result = subprocess.run([str(binary), "-c", "import helper_mod"], capture_output=True, text=True, env=env,
                            timeout=30, cwd=tmp_path)
    assert "ImportError" in result.stderr or "ModuleNotFoundError" in result.stderr


def test_poll_ioctl_protocol_and_errors(kiln: Path) -> None:
    code = """
import select
class Dev:
    def __init__(self): self.calls = []
    def ioctl(self, req, arg):
        self.calls.append((req, arg))
        return 4
d = Dev()
p = select.poll()
p.register(d, select.POLLIN | select.POLLOUT)
print(p.poll(0) == [(d, select.POLLOUT)], d.calls[0])
p.modify(d, select.POLLIN)
print(p.poll(0), list(p.ipoll(0)))
p.unregister(d)
try:
    p.modify(d, 1)
except OSError:
    print("OSError")
"""
    result = subprocess.run([str(kiln), "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True (3, 5)", "[] []", "OSError"]
