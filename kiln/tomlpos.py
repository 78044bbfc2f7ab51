"""Line numbers for keys in a TOML file, so validation errors can point at `file:line`.

tomllib gives values but no positions; this scanner understands enough of TOML's shape
(tables, arrays of tables, dotted keys, inline tables) to map a dotted field path to a line.
"""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]\s*(#.*)?$")
_KEY = re.compile(r'^\s*([A-Za-z0-9_\-."]+?)\s*=')
_INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")


def _split_key(key: str) -> list[str]:
    return [part.strip().strip('"') for part in key.split(".")]


def key_lines(text: str) -> dict[str, int]:
    """Maps dotted paths ("repl.baud", "leds.0.pin", "memory.FLASH") to 1-based line numbers."""
    lines: dict[str, int] = {}
    prefix: list[str] = []
    array_counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ARRAY_TABLE.match(line)
        if match:
            name = ".".join(_split_key(match.group(1)))
            index = array_counts.get(name, 0)
            array_counts[name] = index + 1
            prefix = [*_split_key(match.group(1)), str(index)]
            lines.setdefault(name, number)
            lines[".".join(prefix)] = number
            continue
        match = _TABLE.match(line)
        if match:
            prefix = _split_key(match.group(1))
            for depth in range(1, len(prefix) + 1):
                lines.setdefault(".".join(prefix[:depth]), number)
            continue
        match = _KEY.match(line)
        if match:
            path = [*prefix, *_split_key(match.group(1))]
            for depth in range(1, len(path) + 1):
                lines.setdefault(".".join(path[:depth]), number)
            rest = line[match.end():]
            if rest.lstrip().startswith("{"):
                for inner in _INLINE_KEY.finditer(rest):
                    lines.setdefault(".".join([*path, inner.group(1)]), number)
    return lines


def line_of(lines: dict[str, int], path: str) -> int:
    """Line of the closest known ancestor of `path` (1 if nothing matches)."""
    parts = path.split(".")
    while parts:
        key = ".".join(parts)
        if key in lines:
            return lines[key]
        parts.pop()
    return 1
