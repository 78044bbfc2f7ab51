"""Distributed and cached compilation: distccd on 127.0.0.1 and ccache give the same images as a local build."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kiln.boards import DEFAULT_BOARD
from kiln.build import copy_checkout

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ("firmware.bin", "firmware.hex", "firmware.dfu", "firmware.uf2")


def scons(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full_env = dict(os.environ, SOURCE_DATE_EPOCH="0", KILN_CACHE_DIR="", **(env or {}))
    result = subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={DEFAULT_BOARD}", *args], cwd=tree,
                            env=full_env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = copy_checkout(tmp_path_factory.mktemp("local") / "kiln")
    scons(tree)
    return tree / "build" / DEFAULT_BOARD


def same_images(one: Path, other: Path) -> None:
    for name in IMAGES:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_distcc_build_is_byte_identical(local_build: Path, tmp_path: Path) -> None:
    distccd = shutil.which("distccd")
    assert distccd, "distcc is not installed (./kilnw setup installs it)"
    # distccd drops root privileges before it opens its log: the directory must be reachable by them
    # (pytest's own temporary directories are private to root).
    log_dir = Path(tempfile.mkdtemp(prefix="kiln-distccd-"))
    log_dir.chmod(0o777)
    client_dir = tmp_path / "distcc-client"
    client_dir.mkdir()
    port = free_port()
    daemon = subprocess.Popen([distccd, "--daemon", "--no-detach", "--allow", "127.0.0.1", "--listen", "127.0.0.1",
                               "--port", str(port), "--jobs", "2", "--log-file", str(log_dir / "log"),
                               "--log-level", "info", "--user", "nobody"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "distccd did not start listening"
                time.sleep(0.05)
        tree = copy_checkout(tmp_path / "distributed")
        # No silent local fallback: every compile must go to the distcc host or the build fails.
        output = scons(tree, f"--distcc=127.0.0.1:{port}/2", env={"DISTCC_FALLBACK": "0",
                                                                  "DISTCC_SKIP_LOCAL_RETRY": "1",
                                                                  "DISTCC_DIR": str(client_dir)})
        log = (log_dir / "log").read_text()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        shutil.rmtree(log_dir, ignore_errors=True)
    # The firmware's compiles all go to the distcc host; the host freezer (build/host, a tool run during
    # the build, compiled for this machine) is built locally.
    compiled = len([t for t in re.findall(r"^CC\s+(\S+)", output, re.M) if not t.startswith("build/host/")])
    remote = re.findall(r"COMPILE_OK .* (\S+\.c)$", log, re.M)
    assert compiled > 0 and len(remote) == compiled, (compiled, remote)
    same_images(local_build, tree / "build" / DEFAULT_BOARD)


def test_ccache_second_build_hits_and_matches(local_build: Path, tmp_path: Path) -> None:
    assert shutil.which("ccache"), "ccache is not installed (./kilnw setup installs it)"
    cache = {"CCACHE_DIR": str(tmp_path / "ccache")}
    first = copy_checkout(tmp_path / "one")
    scons(first, "--ccache", env=cache)
    second = copy_checkout(tmp_path / "two")
    scons(second, "--ccache", env=cache)
    stats = subprocess.run(["ccache", "--print-stats"], env=dict(os.environ, **cache), capture_output=True,
                           text=True, check=True).stdout
    hits = sum(int(v) for k, v in re.findall(r"^(direct_cache_hit|preprocessed_cache_hit)\t(\d+)", stats, re.M))
    misses = int(re.search(r"^cache_miss\t(\d+)", stats, re.M).group(1))  # type: ignore[union-attr]
    assert hits == misses > 0, stats  # the second checkout compiled nothing itself
    same_images(local_build, second / "build" / DEFAULT_BOARD)
