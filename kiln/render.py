"""Renders a board's Jinja2 templates into build/<BOARD>[-<VARIANT>]/gen/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kiln import __version__
from kiln.boards import ROOT, Board

TEMPLATES = ROOT / "templates"

# (template relative to templates/, output name in gen/)
COMMON_OUTPUTS = (
    ("common/core_config.h.j2", "core_config.h"),
    ("common/board_config.h.j2", "board_config.h"),
    ("common/pins.h.j2", "pins.h"),
    ("common/pins.c.j2", "pins.c"),
    ("common/board_info.c.j2", "board_info.c"),
)


def outputs(board: Board) -> list[tuple[Path, str]]:
    """Every (template path, output file name) rendered for this board."""
    result = [(TEMPLATES / template, name) for template, name in COMMON_OUTPUTS]
    port_dir = TEMPLATES / board.port
    for template in sorted(port_dir.glob("*.j2")):
        result.append((template, template.name[: -len(".j2")]))
    return result


def c_ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text).upper()


def context(board: Board) -> dict[str, Any]:
    """Everything a template may use. Only plain data, so it can also key SCons' dependency graph."""
    data = {k: v for k, v in board.data.items() if not k.startswith("_")}
    pin_list = [
        {"name": name, "text": text, "code": board.pin_code(name)} for name, text in sorted(data.get("pins", {}).items())
    ]
    from kiln import pins as pin_names

    def entries(kind: str) -> list[dict[str, Any]]:
        return [
            {"name": e["name"], "code": pin_names.pin_code(board.port, e["pin"]), "active_low": e.get("active_low", False)}
            for e in data.get(kind, [])
        ]

    return {
        "version": __version__,
        "board_id": board.id,
        "variant": board.variant,
        "build_id": board.build_id,
        "port": board.port,
        "board": data,
        "mcu": board.mcu,
        "regions": [{"name": r.name, "origin": r.origin, "length": r.length, "kind": r.kind} for r in board.regions],
        "pins": pin_list,
        "leds": entries("leds"),
        "buttons": entries("buttons"),
        "repl_tx": pin_names.pin_code(board.port, data["repl"]["tx"]),
        "repl_rx": pin_names.pin_code(board.port, data["repl"]["rx"]),
        "features": [c_ident(f) for f in board.features],
        "app_offset": board.mcu.get("app_offset", 0),
        "flash_offsets": board.mcu.get("flash_offsets", {}),
    }


def context_json(board: Board) -> str:
    """Canonical text of the context: SCons uses it as a Value so any change re-renders."""
    return json.dumps(context(board), sort_keys=True)


def render(template: Path, ctx: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["hex"] = lambda value, width=8: f"0x{int(value):0{width}x}"
    env.filters["c_ident"] = c_ident
    env.filters["c_str"] = lambda value: json.dumps(str(value))
    name = template.resolve().relative_to(TEMPLATES.resolve()).as_posix()
    return env.get_template(name).render(**ctx)


def render_board(board: Board, gen_dir: Path) -> list[Path]:
    """Renders every template for `board` into `gen_dir`; returns the written files."""
    gen_dir.mkdir(parents=True, exist_ok=True)
    ctx = context(board)
    written = []
    for template, name in outputs(board):
        target = gen_dir / name
        target.write_text(render(template, ctx), encoding="utf-8")
        written.append(target)
    return written
