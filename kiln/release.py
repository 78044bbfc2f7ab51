"""Release artifacts: every board x variant built, named BOARD[-VARIANT]-YYYYMMDD-vX.Y.Z.ext, with a
manifest.json and SHA256SUMS in dist/. Reproducible: dates and versions come from git, not the clock."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln import __version__
from kiln.boards import ROOT, Board, list_board_ids, load_board
from kiln.build import BUILD_DIR, run_scons
from kiln.toolchains import for_core

# Image kind -> file extension in dist/ (ESP32 images are all .bin; the merged one is "the" .bin).
EXTENSIONS = {
    "elf": "elf", "bin": "bin", "hex": "hex", "dfu": "dfu", "uf2": "uf2", "exe": "exe",
    "merged": "bin", "app": "app-bin", "bootloader": "bootloader-bin", "partitions": "partitions-bin",
}
NOT_SHIPPED = ("size", "index")


class ReleaseError(RuntimeError):
    """A release cannot be made; the message says which board and why."""


@dataclass(frozen=True)
class GitInfo:
    version: str  # vX.Y.Z, or vX.Y.Z-preview.N.gHASH between tags
    revision: str
    date: str  # YYYYMMDD
    epoch: int


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def git_info(cwd: Path = ROOT) -> GitInfo:
    """Version from `git describe` (tags vX.Y.Z); date from SOURCE_DATE_EPOCH or the commit time."""
    try:
        revision = _git("rev-parse", "HEAD", cwd=cwd)
        commit_time = int(_git("log", "-1", "--format=%ct", cwd=cwd))
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        raise ReleaseError("kiln release needs a git checkout (version and date come from git)") from exc
    try:
        described = _git("describe", "--tags", "--match", "v[0-9]*", "--long", cwd=cwd)
        tag, count, short = described.rsplit("-", 2)
        version = tag if count == "0" else f"{tag}-preview.{count}.{short}"
    except subprocess.CalledProcessError:
        count = _git("rev-list", "--count", "HEAD", cwd=cwd)
        version = f"v{__version__}-preview.{count}.g{revision[:9]}"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", commit_time))
    date = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).strftime("%Y%m%d")
    return GitInfo(version, revision, date, epoch)


def all_targets() -> list[tuple[str, str]]:
    """(board id, variant) for every board and each of its variants ("" = the base board)."""
    targets = []
    for _, board_id in list_board_ids():
        board = load_board(board_id)
        targets.append((board_id, ""))
        targets += [(board_id, variant) for variant in board.variants]
    return targets


def toolchain_version(core: str) -> str:
    toolchain = for_core(core)
    try:
        out = subprocess.run([toolchain.tool("gcc"), "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "missing"
    return out.splitlines()[0]


def flash_offset(board: Board, kind: str) -> int | None:
    """Where an image goes in the target's address space (None for the host executable)."""
    if kind == "exe" or not board.regions:
        return None
    if "flash_offsets" in board.mcu:
        # Offsets inside an external flash chip (ESP32): the merged image and its UF2 start at 0.
        offsets = {**board.mcu["flash_offsets"], "app": board.mcu.get("app_offset", 0), "merged": 0, "uf2": 0}
        return int(offsets[kind]) if kind in offsets else None
    flash = next(r for r in board.regions if r.kind == "flash")
    return flash.origin + int(board.mcu.get("app_offset", 0))


def artifact_name(board: Board, kind: str, info: GitInfo) -> str:
    return f"{board.build_id}-{info.date}-{info.version}.{EXTENSIONS.get(kind, kind)}"


def make_release(dist: Path, targets: list[tuple[str, str]] | None = None, jobs: int | None = None,
                 quiet: bool = False) -> dict[str, Any]:
    """Builds the targets (default: all boards x variants with an available toolchain) into dist/."""
    info = git_info()
    targets = targets if targets is not None else all_targets()
    boards = [load_board(board_id, variant) for board_id, variant in targets]
    buildable = [b for b in boards if for_core(b.mcu["core"]).bin_dir() is not None]
    skipped = [{"board": b.id, "variant": b.variant, "reason": f"{for_core(b.mcu['core']).prefix}gcc not found"}
               for b in boards if b not in buildable]
    env_epoch = {"SOURCE_DATE_EPOCH": str(info.epoch)}
    os.environ.update(env_epoch)
    spec = ",".join(f"{b.id}:{b.variant}" if b.variant else b.id for b in buildable)
    result = run_scons([spec], jobs=jobs, quiet=quiet)
    if result.returncode != 0:
        raise ReleaseError(f"build failed (scons exit {result.returncode})\n{result.stdout or ''}{result.stderr or ''}")
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir(parents=True)
    artifacts = []
    versions: dict[str, str] = {}
    for board in buildable:
        out = BUILD_DIR / board.build_id
        index = json.loads((out / "images.json").read_text())
        size = json.loads((out / "size.json").read_text()) if (out / "size.json").exists() else None
        flash_use = {r["name"]: r for r in size["regions"]} if size else {}
        core = board.mcu["core"]
        versions.setdefault(core, toolchain_version(core))
        for kind, file_name in sorted(index.items()):
            if kind in NOT_SHIPPED:
                continue
            source = out / file_name
            name = artifact_name(board, kind, info)
            data = source.read_bytes()
            (dist / name).write_bytes(data)
            flash = flash_use.get("FLASH")
            offset = flash_offset(board, kind)
            artifacts.append({
                "file": name,
                "board": board.id,
                "variant": board.variant,
                "port": board.port,
                "mcu": board.mcu["name"],
                "product": board.data["product"],
                "vendor": board.data["vendor"],
                "features": board.features,
                "kind": kind,
                "flash_offset": None if offset is None else f"0x{offset:08x}",
                "uf2_family_id": (f"0x{board.mcu['uf2_family_id']:08x}"
                                  if kind == "uf2" and "uf2_family_id" in board.mcu else None),
                "size": len(data),
                "flash_headroom": flash["length"] - flash["used"] if flash else None,
                "sha256": hashlib.sha256(data).hexdigest(),
                "toolchain": versions[core],
                "git_revision": info.revision,
            })
    sizes = {}
    for board in buildable:
        size_file = BUILD_DIR / board.build_id / "size.json"
        if size_file.exists():
            report = json.loads(size_file.read_text())
            sizes[board.build_id] = {k: report[k] for k in ("text", "data", "bss")}
    manifest = {
        "sizes": sizes,
        "version": info.version,
        "date": info.date,
        "git_revision": info.revision,
        "toolchains": dict(sorted(versions.items())),
        "artifacts": artifacts,
        "skipped": skipped,
    }
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sums = "".join(f"{a['sha256']}  {a['file']}\n" for a in sorted(artifacts, key=lambda a: a["file"]))
    (dist / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return manifest
