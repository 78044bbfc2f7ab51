"""Runs SCons for boards, and locates what a build produced."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiln.boards import ROOT, Board

BUILD_DIR = ROOT / "build"


def scons_command() -> list[str]:
    return [sys.executable, "-m", "SCons"]


def build_dir(board: Board) -> Path:
    return BUILD_DIR / board.build_id


def image_path(board: Board, kind: str) -> Path:
    """Where the build put image `kind` of `board`, from the build's images.json index."""
    import json

    index_file = build_dir(board) / "images.json"
    if index_file.exists():
        index = json.loads(index_file.read_text())
        if kind in index:
            return build_dir(board) / index[kind]
    names = {"exe": "kiln-unix", "size": "size.json"}
    return build_dir(board) / names.get(kind, f"firmware.{kind}")


@contextmanager
def _build_lock(name: str) -> Iterator[None]:
    """Serialises concurrent builds (parallel test workers)."""
    BUILD_DIR.mkdir(exist_ok=True)
    with open(BUILD_DIR / f".lock-{name}", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_scons(board_ids: list[str], variant: str = "", jobs: int | None = None, extra: list[str] | None = None,
              quiet: bool = False, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Builds the boards; returns the finished process (check .returncode; output captured when quiet)."""
    cmd = [*scons_command(), "-Q", f"BOARD={','.join(board_ids)}"]
    if variant:
        cmd.append(f"VARIANT={variant}")
    if jobs:
        cmd.append(f"-j{jobs}")
    cmd += extra or []
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    # One lock for all boards: every build shares the checkout's .sconsign.dblite.
    with _build_lock("scons"):
        return subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=quiet)


def copy_checkout(destination: Path) -> Path:
    """A copy of the work tree without build outputs, installs or git data (tests and benchmarks
    build in such copies so the checkout's own build/ is left alone)."""
    import shutil

    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(
        "build", "dist", ".venv", "node_modules", ".git", "__pycache__", ".pytest_cache", ".ruff_cache"))
    return destination
