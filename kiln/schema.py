"""A small declarative schema for board and MCU files, with errors that say what is allowed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SIZE = re.compile(r"^(\d+)\s*([KM]?)$")


def parse_size(value: Any) -> int | None:
    """Accepts 1048576, "1M", "64K"; returns bytes or None when the value is not a size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        match = _SIZE.match(value.strip())
        if match:
            scale = {"": 1, "K": 1024, "M": 1024 * 1024}[match.group(2)]
            return int(match.group(1)) * scale
    return None


@dataclass(frozen=True)
class Problem:
    """One validation failure: the dotted field path and what is wrong / what is allowed."""

    path: str
    message: str


@dataclass
class Field:
    """Describes one key: its kind ("str", "int", "bool", "size", "list", "table", "tables", "map"),
    whether it is required, and what values are allowed."""

    kind: str
    required: bool = False
    doc: str = ""
    choices: tuple[Any, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    item: Field | None = None  # element of "list" and value of "map"
    fields: dict[str, Field] = field(default_factory=dict)  # members of "table" / "tables"
    key_pattern: str | None = None  # keys of a "map"
    check: Callable[[Any], str | None] | None = None


def _type_name(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    return names.get(type(value), type(value).__name__)


def _describe(spec: Field) -> str:
    if spec.choices is not None:
        return "one of " + ", ".join(repr(c) for c in spec.choices)
    text = {
        "str": "a string",
        "int": "an integer",
        "bool": "true or false",
        "size": 'a size in bytes (integer, or a string like "64K" or "1M")',
        "list": "an array",
        "table": "a table",
        "tables": "an array of tables ([[...]])",
        "map": "a table",
    }[spec.kind]
    if spec.minimum is not None or spec.maximum is not None:
        low = spec.minimum if spec.minimum is not None else "-inf"
        high = spec.maximum if spec.maximum is not None else "inf"
        text += f" in {low}..{high}"
    if spec.pattern:
        text += f" matching {spec.pattern}"
    if spec.doc:
        text += f" ({spec.doc})"
    return text


def validate(value: Any, spec: Field, path: str, problems: list[Problem]) -> None:
    """Appends every problem found in `value` against `spec` (recursively) to `problems`."""
    where = path or "<file>"
    kind = spec.kind
    if kind == "bool":
        if not isinstance(value, bool):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
        return
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
            return
    elif kind == "size":
        if parse_size(value) is None:
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
            return
        value = parse_size(value)
    elif kind == "str":
        if not isinstance(value, str):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
            return
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            problems.append(Problem(where, f"{value!r} is not allowed; expected {_describe(spec)}"))
            return
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
            return
        assert spec.item is not None
        for index, element in enumerate(value):
            validate(element, spec.item, f"{path}.{index}", problems)
        if len(set(map(repr, value))) != len(value):
            problems.append(Problem(where, "has duplicate entries; list each value once"))
    elif kind in ("table", "tables"):
        entries = value if kind == "tables" else [value]
        if kind == "tables" and not isinstance(value, list):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)}"))
            return
        for index, entry in enumerate(entries):
            entry_path = f"{path}.{index}" if kind == "tables" else path
            if not isinstance(entry, dict):
                problems.append(Problem(entry_path or where, f"expected a table, got {_type_name(entry)} {entry!r}"))
                continue
            _validate_table(entry, spec.fields, entry_path, problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(Problem(where, f"expected {_describe(spec)}, got {_type_name(value)} {value!r}"))
            return
        assert spec.item is not None
        for key, element in value.items():
            key_path = f"{path}.{key}" if path else key
            if spec.key_pattern and not re.fullmatch(spec.key_pattern, key):
                problems.append(Problem(key_path, f"name {key!r} is not allowed; names must match {spec.key_pattern}"))
                continue
            validate(element, spec.item, key_path, problems)
    if spec.choices is not None and value not in spec.choices:
        problems.append(Problem(where, f"{value!r} is not allowed; expected {_describe(spec)}"))
        return
    if isinstance(value, int) and not isinstance(value, bool):
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            problems.append(Problem(where, f"{value} is out of range; expected {_describe(spec)}"))
            return
    if spec.check is not None:
        message = spec.check(value)
        if message:
            problems.append(Problem(where, message))


def _validate_table(entry: dict[str, Any], fields: dict[str, Field], path: str, problems: list[Problem]) -> None:
    for key, element in entry.items():
        key_path = f"{path}.{key}" if path else key
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            problems.append(Problem(key_path, f"unknown key {key!r}; allowed keys here: {allowed}"))
            continue
        validate(element, fields[key], key_path, problems)
    for key, spec in fields.items():
        if spec.required and key not in entry:
            key_path = f"{path}.{key}" if path else key
            problems.append(Problem(key_path, f"missing required field; expected {_describe(spec)}"))
