"""The raw-REPL client and `kiln exec/run/fs/reset/repl` against the simulated board REPL (a CPython
sandbox speaking MicroPython's raw REPL and raw-paste protocols), and interoperability with mpremote.
The firmware's own REPL is tested in test_devtools_firmware.py once it answers the raw REPL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiln.cli import main
from kiln.devtools import terminal
from kiln.repl_client import RemoteError, ReplClient
from kiln.sim.raw_repl import RawReplSim, files
from kiln.sim.transport import PtyLink, TcpLink

ROOT = Path(__file__).resolve().parent.parent
MPREMOTE = [sys.executable, "-m", "mpremote"]


@pytest.fixture
def board(tmp_path: Path):
    sim = RawReplSim(tmp_path / "flash")
    link = PtyLink(sim)
    yield sim, link
    link.close()


def mpremote(port: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MPREMOTE, "connect", port, *args], capture_output=True, text=True, timeout=60)


def test_exec_eval_and_errors_with_raw_paste(board) -> None:
    sim, link = board
    with ReplClient(link.path) as repl:
        assert repl.exec("x = 6 * 7\nprint(x)") == b"42\n"
        assert repl.eval("x + 1") == 43
        assert repl.eval("[i * i for i in range(4)]") == [0, 1, 4, 9]
        with pytest.raises(RemoteError, match="ZeroDivisionError") as info:
            repl.exec("1/0")
        assert "Traceback" in info.value.traceback
        big = "y = " + repr("z" * 5000) + "\nprint(len(y))"
        assert repl.exec(big).strip() == b"5000"   # several raw-paste windows of 128 bytes
        assert repl.unique_id() == "E6614103E7123456"
    assert repl.use_raw_paste and sim.executed


def test_plain_raw_mode_when_the_device_has_no_raw_paste(tmp_path: Path) -> None:
    sim = RawReplSim(tmp_path / "flash", raw_paste=False)
    link = TcpLink(sim)     # and over a pyserial URL
    try:
        with ReplClient(link.url) as repl:
            assert repl.exec("print('a' * 3)").strip() == b"aaa"
            assert not repl.use_raw_paste
            assert repl.eval("1 + 1") == 2
    finally:
        link.close()


def test_files_put_skips_unchanged_and_ls_cat_rm_mkdir(board) -> None:
    sim, link = board
    data = os.urandom(1000)
    with ReplClient(link.path) as repl:
        assert repl.put(data, "/main.bin") is True
        writes = sum("w(" in code for code in sim.executed)
        assert repl.put(data, "/main.bin") is False                 # same hash: nothing written
        assert sum("w(" in code for code in sim.executed) == writes
        assert repl.sha256("/main.bin") == hashlib.sha256(data).digest()
        repl.mkdir("/lib")
        repl.put(b"print('lib')\n", "/lib/mod.py")
        assert sorted(repl.ls("/")) == [("lib", 0, True), ("main.bin", 1000, False)]
        assert repl.cat("/lib/mod.py") == b"print('lib')\n"
        repl.rm("/main.bin")
        with pytest.raises(RemoteError) as info:
            repl.cat("/main.bin")
        assert info.value.errno == 2
    assert files(sim.root) == {"lib/mod.py": b"print('lib')\n"}


def test_kiln_commands(board, tmp_path: Path, capsysbinary) -> None:
    sim, link = board
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "boot.py").write_text("print('boot')\n")
    (src / "pkg" / "util.py").write_text("VALUE = 3\n")
    assert main(["exec", "--port", link.path, "print(sum(range(10)))"]) == 0
    assert capsysbinary.readouterr().out == b"45\n"
    assert main(["fs", "--port", link.path, "cp", "-r", str(src / "boot.py"), str(src / "pkg"), ":"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert f"cp {src / 'boot.py'} :/boot.py" in out and ":/pkg/util.py" in out
    assert main(["fs", "--port", link.path, "cp", "-r", str(src / "pkg"), ":"]) == 0
    assert "up to date" in capsysbinary.readouterr().out.decode()
    assert main(["fs", "--port", link.path, "ls"]) == 0
    assert capsysbinary.readouterr().out.decode().split() == ["14", "boot.py", "0", "pkg/"]
    script = tmp_path / "script.py"
    script.write_text("import pkg_missing\n")
    assert main(["run", "--port", link.path, str(script)]) == 1
    assert b"ImportError" in capsysbinary.readouterr().err
    assert main(["fs", "--port", link.path, "cat", ":pkg/util.py"]) == 0
    assert capsysbinary.readouterr().out == b"VALUE = 3\n"
    assert main(["fs", "--port", link.path, "rm", "-r", ":pkg"]) == 0
    assert files(sim.root) == {"boot.py": b"print('boot')\n"}
    assert main(["fs", "--port", link.path, "rm", ":nothere"]) == 1
    assert b"no such file or directory on the device" in capsysbinary.readouterr().err


def test_run_streams_output_as_it_is_printed(board, tmp_path: Path) -> None:
    sim, link = board
    arrivals: list[tuple[float, bytes]] = []
    with ReplClient(link.path) as repl:
        start = time.monotonic()
        repl.exec_raw("import time\nfor i in range(3):\n print('tick', i)\n time.sleep(0.3)\n",
                      consumer=lambda data: arrivals.append((time.monotonic() - start, data)))
    assert b"".join(d for _, d in arrivals).replace(b"\r", b"") == b"tick 0\ntick 1\ntick 2\n"
    assert arrivals[0][0] < 0.5 < arrivals[-1][0]         # the first line came before the script ended


def test_terminal_repl_until_ctrl_bracket(board) -> None:
    sim, link = board
    import serial

    port = serial.Serial(link.path, 115200, timeout=0.05)
    read_fd, write_fd = os.pipe()
    captured = bytearray()

    class Out:
        def write(self, data: bytes) -> None:
            captured.extend(data)

        def flush(self) -> None:
            pass

    os.write(write_fd, b"6*7\n")
    import threading

    def finish() -> None:
        time.sleep(0.5)
        os.write(write_fd, b"\x1d")

    threading.Thread(target=finish, daemon=True).start()
    terminal(port, read_fd, Out())   # type: ignore[arg-type]
    port.close()
    assert b"6*7\r\n42\r\n>>> " in bytes(captured), bytes(captured)


def test_reset_and_bootloader_leave_the_bus(tmp_path: Path) -> None:
    calls: list[str] = []
    sim = RawReplSim(tmp_path / "flash", on_reset=lambda: calls.append("reset"),
                     on_bootloader=lambda: calls.append("bootloader"))
    link = PtyLink(sim)
    try:
        assert main(["reset", "--port", link.path, "--soft"]) == 0 and sim.soft_resets == 1
        assert main(["reset", "--port", link.path]) == 0
        deadline = time.monotonic() + 2
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert calls == ["reset"]
    finally:
        link.close()


def test_interoperates_with_mpremote(board, tmp_path: Path) -> None:
    sim, link = board
    local = tmp_path / "app.py"
    local.write_text("def f():\n    return 'from mpremote'\n")
    assert mpremote(link.path, "fs", "cp", str(local), ":app.py").returncode == 0
    with ReplClient(link.path) as repl:
        assert repl.exec("import app\nprint(app.f())").strip() == b"from mpremote"
        assert repl.put(local.read_bytes(), "/app.py") is False          # same content: we skip it too
        repl.put(b"x = 1\n", "/ours.py")
    result = mpremote(link.path, "fs", "ls")
    assert result.returncode == 0 and "ours.py" in result.stdout and "app.py" in result.stdout
    assert mpremote(link.path, "fs", "cat", "ours.py").stdout == "x = 1\n"
    result = mpremote(link.path, "fs", "cp", str(local), ":app.py")
    assert "Up to date" in result.stdout
    assert mpremote(link.path, "exec", "print(6*7)").stdout == "42\n"
