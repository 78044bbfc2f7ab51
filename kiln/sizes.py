"""`kiln size --compare`: per-board text/data/bss deltas against an older release manifest."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from kiln.boards import ROOT
from kiln.build import BUILD_DIR

DEFAULT_BUDGET = 1024


def configured_budget() -> int:
    """Bytes of text+data growth allowed per board: [tool.kiln] size_budget_bytes in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text()).get("tool", {}).get("kiln", {})
    return int(config.get("size_budget_bytes", DEFAULT_BUDGET))


def current_sizes() -> dict[str, dict[str, int]]:
    sizes = {}
    for path in sorted(BUILD_DIR.glob("*/size.json")):
        report = json.loads(path.read_text())
        sizes[path.parent.name] = {k: report[k] for k in ("text", "data", "bss")}
    return sizes


def load_sizes(path: Path) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"kiln size: cannot read manifest {path}: {exc}") from None
    if "sizes" not in data:
        raise SystemExit(f"kiln size: {path} has no 'sizes' table; make it with `kiln release`")
    return data["sizes"]


def compare(old: dict[str, dict[str, int]], new: dict[str, dict[str, int]], budget: int) -> tuple[list[list[str]], list[str]]:
    """Rows (board, text, data, bss deltas) and the boards whose text+data grew more than `budget`."""
    rows, over = [], []
    for board in sorted(set(old) & set(new)):
        deltas = {k: new[board][k] - old[board][k] for k in ("text", "data", "bss")}
        rows.append([board] + [f"{new[board][k]} ({deltas[k]:+d})" for k in ("text", "data", "bss")])
        growth = deltas["text"] + deltas["data"]
        if growth > budget:
            over.append(f"{board}: flash use grew by {growth} bytes, over the {budget}-byte budget")
    return rows, over
