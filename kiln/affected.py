"""`kiln affected --since REV`: boards whose images depend on files changed since REV, from the
SCons dependency graph (not from path patterns)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from kiln.boards import ROOT
from kiln.release import all_targets


def changed_files(since: str) -> set[str]:
    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line]

    # Committed changes since REV plus whatever is modified or new in the work tree.
    return set(git("diff", "--name-only", since)) | set(git("ls-files", "--others", "--exclude-standard"))


def dependency_map() -> dict[str, list[str]]:
    """{build id: files it depends on} for every board x variant, from SCons' graph."""
    spec = ",".join(f"{b}:{v}" if v else b for b, v in all_targets())
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "deps.json"
        subprocess.run([sys.executable, "-m", "SCons", "-Q", f"BOARD={spec}", f"DUMP_DEPS={out}"], cwd=ROOT,
                       check=True, env=dict(os.environ, KILN_SKIP_MISSING_TOOLCHAINS="1"))
        return json.loads(out.read_text())


def affected_boards(since: str) -> list[str]:
    changed = changed_files(since)
    return sorted(build_id for build_id, files in dependency_map().items() if changed & set(files))
