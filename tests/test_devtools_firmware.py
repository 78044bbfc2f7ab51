"""`kiln exec/run/fs` against Kiln's own firmware (NETDUINO_PLUS_2 in QEMU, files on its /flash), and the
same board shared with the unmodified mpremote: what one tool writes the other reads and skips."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiln.boards import Board
from kiln.build import image_path
from kiln.cli import main
from kiln.emulators.qemu_stm32 import QemuStm32
from kiln.repl_client import ReplClient

BOARD = "NETDUINO_PLUS_2"


@pytest.fixture(scope="module")
def port(built: Callable[[str], Board]) -> Iterator[str]:
    board = built(BOARD)
    with QemuStm32(image_path(board, "elf"), "pty", attach=False) as qemu:
        assert qemu.pty_path is not None
        qemu.resume()
        yield qemu.pty_path


def stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    """What the command printed; the board ends lines with CRLF, passed through as mpremote does."""
    return capsysbinary.readouterr().out.replace(b"\r\n", b"\n")


def mpremote(port: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpremote", "connect", port, *args], capture_output=True, text=True,
                          timeout=120)


def test_exec_and_run_on_the_firmware(port: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["exec", "--port", port, "print(sum(range(10)), 'x' * 3)"]) == 0
    assert stdout(capsysbinary) == b"45 xxx\n"
    script = tmp_path / "script.py"
    script.write_text("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(15))\n")
    assert main(["run", "--port", port, str(script)]) == 0
    assert stdout(capsysbinary) == b"610\n"
    script.write_text("import not_a_module\n")
    assert main(["run", "--port", port, str(script)]) == 1
    assert b"ModuleNotFoundError: No module named 'not_a_module'" in capsysbinary.readouterr().err


def test_fs_commands_on_flash(port: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "util.py").write_text("VALUE = 3\n")
    blob = os.urandom(1200)  # several raw-REPL chunks, binary (QEMU's RAM disk has 3.5 KiB)
    (src / "blob.bin").write_bytes(blob)
    assert main(["fs", "--port", port, "mkdir", ":/flash/app"]) == 0
    assert main(["fs", "--port", port, "cp", "-r", str(src / "pkg"), str(src / "blob.bin"), ":/flash/app/"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert ":/flash/app/pkg/util.py" in out and ":/flash/app/blob.bin" in out
    # A second copy finds every hash equal on the device and writes nothing.
    assert main(["fs", "--port", port, "cp", "-r", str(src / "pkg"), str(src / "blob.bin"), ":/flash/app/"]) == 0
    assert "up to date" in capsysbinary.readouterr().out.decode()
    assert main(["fs", "--port", port, "ls", ":/flash/app"]) == 0
    listing = capsysbinary.readouterr().out.decode().split()
    assert sorted(zip(listing[1::2], listing[::2], strict=True)) == [("blob.bin", "1200"), ("pkg/", "0")]
    assert main(["fs", "--port", port, "cat", ":/flash/app/pkg/util.py"]) == 0
    assert stdout(capsysbinary) == b"VALUE = 3\n"
    with ReplClient(port) as repl:
        assert repl.sha256("/flash/app/blob.bin") == hashlib.sha256(blob).digest()
        repl.enter_raw(soft_reset=True)  # files outlive a soft reset; the package imports from there
        assert repl.exec("import sys\nsys.path.append('/flash/app')\nimport pkg.util\nprint(pkg.util.VALUE)") == b"3\r\n"
    assert main(["fs", "--port", port, "rm", "-r", ":/flash/app"]) == 0
    assert main(["fs", "--port", port, "rm", ":/flash/app"]) == 1
    assert b"no such file or directory on the device" in capsysbinary.readouterr().err
    with ReplClient(port) as repl:
        assert "app" not in [name for name, _, _ in repl.ls("/flash")]


def test_mpremote_and_kiln_share_the_board(port: str, tmp_path: Path,
                                           capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    local = tmp_path / "shared.py"
    local.write_text("def who():\n    return 'written by mpremote'\n")
    result = mpremote(port, "fs", "cp", str(local), ":/flash/shared.py")
    assert result.returncode == 0, result.stderr
    assert main(["fs", "--port", port, "cat", ":/flash/shared.py"]) == 0
    assert capsysbinary.readouterr().out == local.read_bytes()
    with ReplClient(port) as repl:
        assert repl.put(local.read_bytes(), "/flash/shared.py") is False  # same content: kiln skips it
        repl.put(b"N = 42\n", "/flash/ours.py")
    result = mpremote(port, "fs", "ls", ":/flash")
    assert result.returncode == 0 and "ours.py" in result.stdout and "shared.py" in result.stdout
    assert mpremote(port, "fs", "cat", ":/flash/ours.py").stdout == "N = 42\n"
    assert "Up to date" in mpremote(port, "fs", "cp", str(local), ":/flash/shared.py").stdout
    assert mpremote(port, "exec", "import sys\nsys.path.append('/flash')\nimport ours\nprint(ours.N * 2)").stdout == "84\n"
    assert main(["fs", "--port", port, "rm", ":/flash/ours.py", ":/flash/shared.py"]) == 0
