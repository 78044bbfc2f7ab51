"""The filesystem tests again with core/fs built with AddressSanitizer and UBSan: any out-of-bounds access, use of
freed memory or undefined behaviour in the C code aborts the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def runtime(name: str) -> str | None:
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    path = subprocess.run([gcc, f"-print-file-name={name}"], capture_output=True, text=True).stdout.strip()
    return path if os.path.isabs(path) and os.path.exists(path) else None


@pytest.mark.skipif(runtime("libasan.so") is None or runtime("libubsan.so") is None, reason="no gcc sanitizers")
def test_filesystem_suite_under_sanitizers() -> None:
    env = dict(os.environ, KILN_KFS_SANITIZE="1", ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
               LD_PRELOAD=f"{runtime('libasan.so')} {runtime('libubsan.so')}")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fs.py",
                             "tests/test_fsimage.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
