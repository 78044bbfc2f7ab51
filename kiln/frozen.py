"""Frozen Python modules: manifests, and the C source that puts their compiled code in flash.

A manifest (TOML) lists what a board freezes:

    include = ["../../core/frozen/manifest.toml"]   # other manifests, relative to this file
    [[freeze]]
    path = "modules/helpers.py"                     # a file: module `helpers`
    [[freeze]]
    path = "lib/mypkg"                              # a directory: package `mypkg` and its submodules
    name = "mypkg"                                  # optional: the module / package name

Each .py is compiled on the host by `kiln-freeze` (the core's own compiler, built for the host from
ports/unix/freeze/) into a JSON dump of its code objects; `render_c` turns the dumps into C
definitions of const code objects, tuples, strings, ints and floats that the target links into
flash. Host words are 64-bit with double floats; targets may be 32-bit with single floats, so
constants are written for the target compiler to evaluate (`KN_FROZEN_INT`, `KN_FROZEN_FLOAT`).

Interned names are compared by pointer, so frozen code names the target's own interned strings:
names already in the port's static table (build/qstr/<port>/qstr_gen.h) are written as `KN_Q(id)`;
the others go into a per-board table of interned strings in flash, sorted by bytes, that the runtime
binary-searches when a name is not in its intern table (core/obj_str.c), so they take no RAM. The
port's table thus stays per port and core objects never depend on a board's frozen modules.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.tomlpos import key_lines, line_of

ROOT = Path(__file__).resolve().parent.parent
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class FreezeError(Exception):
    """A manifest or a frozen module is invalid; `lines` are `file:line: field: message` lines."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class FrozenModule:
    name: str          # dotted module name
    source: Path       # the .py file
    filename: str      # name shown in tracebacks (path relative to the manifest entry's parent)
    is_package: bool   # an __init__.py


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _load_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise FreezeError([f"{_rel(path)}:{match.group(1) if match else 1}: <syntax>: {exc}; fix the TOML syntax"]) \
            from None
    return data, key_lines(text)


def _tree(root: Path, package: str) -> list[FrozenModule]:
    """Every .py under the package directory `root`, named `package.sub.mod`."""
    modules = []
    for file in sorted(root.rglob("*.py")):
        rel = file.relative_to(root)
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        name = ".".join([package, *parts])
        modules.append(FrozenModule(name, file, (Path(root.name) / rel).as_posix(), is_package))
    return modules


def load_manifest(path: Path, _seen: tuple[Path, ...] = ()) -> list[FrozenModule]:
    """The modules a manifest freezes (its includes first); raises FreezeError naming file:line: field."""
    path = path.resolve()
    if path in _seen:
        raise FreezeError([f"{_rel(_seen[-1])}:1: include: {_rel(path)} includes itself (cycle)"])
    data, lines = _load_toml(path)
    where = _rel(path)
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{where}:{line_of(lines, field)}: {field}: {message}")

    for key in data:
        if key not in ("include", "freeze"):
            problem(key, f"unknown key {key!r}; allowed: include, freeze")
    modules: list[FrozenModule] = []
    includes = data.get("include", [])
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        problem("include", "must be an array of manifest paths (strings)")
        includes = []
    for index, inc in enumerate(includes):
        target = path.parent / inc
        if not target.is_file():
            problem(f"include.{index}", f"no such manifest {inc!r} (relative to {where})")
            continue
        modules += load_manifest(target, (*_seen, path))
    entries = data.get("freeze", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problem("freeze", "must be an array of tables ([[freeze]] with path = \"...\")")
        entries = []
    for index, entry in enumerate(entries):
        field = f"freeze.{index}"
        for key in entry:
            if key not in ("path", "name"):
                problem(f"{field}.{key}", f"unknown key {key!r}; allowed: path, name")
        rel = entry.get("path")
        if not isinstance(rel, str):
            problem(f"{field}.path", "required: a .py file or a package directory, relative to the manifest")
            continue
        target = (path.parent / rel).resolve()
        name = entry.get("name", target.stem if target.suffix == ".py" else target.name)
        if not isinstance(name, str) or not MODULE_NAME.match(name):
            problem(f"{field}.name" if "name" in entry else f"{field}.path",
                    f"{name!r} is not a valid module name (dotted Python identifiers)")
            continue
        if target.is_file() and target.suffix == ".py":
            modules.append(FrozenModule(name, target, target.name, False))
        elif target.is_dir():
            if not (target / "__init__.py").is_file():
                problem(f"{field}.path", f"directory {rel!r} has no __init__.py; a frozen package needs one")
                continue
            modules += _tree(target, name)
        else:
            problem(f"{field}.path", f"no such .py file or package directory {rel!r} (relative to {where})")
    if problems:
        raise FreezeError(problems)
    seen: dict[str, FrozenModule] = {}
    for module in modules:
        if module.name in seen and seen[module.name].source != module.source:
            raise FreezeError([f"{where}:1: freeze: module {module.name!r} is frozen twice "
                               f"({_rel(seen[module.name].source)} and {_rel(module.source)})"])
        seen[module.name] = module
    return list(seen.values())


def manifest_files(path: Path) -> list[Path]:
    """The manifest and every manifest it includes (for dependency tracking)."""
    out = [path.resolve()]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return out
    for inc in data.get("include", []) if isinstance(data.get("include"), list) else []:
        if isinstance(inc, str) and (path.parent / inc).is_file() and (path.parent / inc).resolve() not in out:
            out += manifest_files(path.parent / inc)
    return out


# ---- compiling on the host ----

def compile_module(freezer: Path, module: FrozenModule) -> dict[str, Any]:
    """Runs the host compiler on one module; a syntax error becomes `file:line: SyntaxError: ...`."""
    proc = subprocess.run([str(freezer), str(module.source), module.filename], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        err = proc.stderr.strip()
        match = re.search(r'line (\d+)', err)
        last = err.splitlines()[-1] if err else f"kiln-freeze exited with {proc.returncode}"
        raise FreezeError([f"{_rel(module.source)}:{match.group(1) if match else 1}: {last}"])
    return json.loads(proc.stdout)


# ---- C emission ----

def fnv1a(data: bytes) -> int:
    """kn_hash_bytes (core/obj_str.c): 32-bit FNV-1a, never 0."""
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h or 1


def read_qstr_table(header: Path) -> dict[bytes, str]:
    """The port's static interned names (text -> KN_Q identifier) from qstr_gen.h."""
    names: dict[bytes, str] = {}
    for match in re.finditer(r'X\((\w+), 0x[0-9a-f]+u, \d+, "((?:[^"\\]|\\.)*)"\)', header.read_text(encoding="utf-8")):
        text = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), match.group(2))
        names[text.encode()] = match.group(1)
    return names


def c_string(data: bytes) -> str:
    out = ['"']
    for i, b in enumerate(data):
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F and b != 0x3F:  # '?' escaped: no trigraphs
            out.append(chr(b))
        else:
            out.append(f"\\{b:03o}")  # always 3 digits: a following digit cannot join the escape
        if i % 64 == 63:
            out.append('"\n    "')
    out.append('"')
    return "".join(out)


def _c_bytes(data: bytes) -> str:
    if not data:
        return "0"
    rows = []
    for i in range(0, len(data), 16):
        rows.append(", ".join(f"0x{b:02x}" for b in data[i:i + 16]))
    return ",\n    ".join(rows)


def _float_literals(value: float) -> str:
    """KN_FROZEN_FLOAT(double literal, single literal) for `value` (rounded for each width here)."""
    def lit(v: float, digits: str) -> str:
        if v != v:
            return "__builtin_nan(\"\")"
        if v in (float("inf"), float("-inf")):
            return "__builtin_inf()" if v > 0 else "(-__builtin_inf())"
        text = repr(v) if digits == "r" else f"{v:.9g}"
        if "." not in text and "e" not in text:
            text += ".0"
        return f"({text})"
    try:
        single = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        single = float("inf") if value > 0 else float("-inf")
    single_text = lit(single, "g")
    if single_text.startswith("(") and "builtin" not in single_text:
        single_text = single_text[:-1] + "f)"
    return f"KN_FROZEN_FLOAT({lit(value, 'r')}, {single_text})"


SMALL32 = (-(1 << 30), (1 << 30) - 1)
SMALL64 = (-(1 << 62), (1 << 62) - 1)


class _Emitter:
    def __init__(self, qstrs: dict[bytes, str]):
        self.qstrs = qstrs
        self.extra: set[bytes] = set()  # names not in the port table (-> kn_extra_qstrs)
        self.defs: list[str] = []
        self.memo: dict[Any, str] = {}
        self.tuples: dict[str, str] = {}  # tuple body -> its definition (equal tuples share one in flash)
        self.code_refs: dict[int, str] = {}  # id() of a code node of the current module -> its C name
        self.count = 0

    def new_id(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def qstr(self, data: bytes) -> str:
        ident = self.qstrs.get(data)
        if ident is not None:
            return f"KN_Q({ident})"
        self.extra.add(data)  # index assigned once all names are known (sorted table)
        return f"FQ({data.hex()})"

    def obj(self, node: dict[str, Any]) -> str:
        kind = node["t"]
        if kind in ("none", "true", "false", "ellipsis"):
            return {"none": "kn_none", "true": "kn_true", "false": "kn_false", "ellipsis": "kn_ellipsis"}[kind]
        if kind == "qstr":
            return self.qstr(bytes.fromhex(node["v"]))
        if kind == "type":
            if not re.fullmatch(r"\w+", node["v"]):
                raise ValueError(f"cannot freeze the type {node['v']!r}")
            return f"KN_OBJ(&kn_type_{node['v']})"
        if kind == "code":
            if id(node) not in self.code_refs:
                raise ValueError("a code object outside its module's constants cannot be frozen")
            return f"KN_OBJ(&{self.code_refs[id(node)]})"
        key = json.dumps(node, sort_keys=True)
        if key in self.memo:
            return self.memo[key]
        ref = self._define(node)
        self.memo[key] = ref
        return ref

    def _define(self, node: dict[str, Any]) -> str:
        kind = node["t"]
        if kind in ("str", "bytes"):
            data = bytes.fromhex(node["v"])
            ident = self.new_id("s")
            flags = str(len(data))
            if kind == "str" and all(b < 0x80 for b in data):
                flags += " | KN_STR_ASCII"
            self.defs.append(f"static const kn_str_t {ident} = {{{{&kn_type_{kind}}}, 0x{fnv1a(data):08x}u, {flags}, "
                             f"{c_string(data)}}};")
            return f"KN_OBJ(&{ident})"
        if kind == "int":
            value = int(node["v"])
            if SMALL32[0] <= value <= SMALL32[1]:
                return f"KN_MKSMALL({value})"
            ident = self.new_id("i")
            mag = abs(value)
            digits = []
            while mag:
                digits.append(mag & 0xFFFF)
                mag >>= 16
            sign_len = -len(digits) if value < 0 else len(digits)
            body = ", ".join(f"0x{d:04x}" for d in digits)
            self.defs.append(f"static const KN_FROZEN_BIGINT({len(digits)}) {ident} __attribute__((unused)) = "
                             f"{{{{&kn_type_int}}, {sign_len}, {{{body}}}}};")
            if SMALL64[0] <= value <= SMALL64[1]:
                # small on 64-bit targets, a bigint on 32-bit ones: the target compiler picks
                return f"KN_FROZEN_INT({value}, {ident})"
            return f"KN_OBJ(&{ident})"
        if kind == "float":
            ident = self.new_id("f")
            self.defs.append(f"static const kn_float_obj_t {ident} = {{{{&kn_type_float}}, "
                             f"{_float_literals(float.fromhex(node['v']))}}};")
            return f"KN_OBJ(&{ident})"
        if kind == "complex":
            ident = self.new_id("z")
            self.defs.append(f"static const kn_complex_t {ident} = {{{{&kn_type_complex}}, "
                             f"{_float_literals(float.fromhex(node['re']))}, "
                             f"{_float_literals(float.fromhex(node['im']))}}};")
            return f"KN_OBJ(&{ident})"
        if kind == "tuple":
            return self.tuple(node["items"])
        raise ValueError(f"cannot freeze a constant of kind {kind!r}")

    def tuple(self, items: list[dict[str, Any]]) -> str:
        refs = [self.obj(item) for item in items]
        body = ", ".join(refs) if refs else "0"
        key = f"{len(refs)}:{body}"
        if key in self.tuples:
            return self.tuples[key]
        ident = self.new_id("t")
        self.defs.append(f"static const KN_FROZEN_TUPLE({max(len(refs), 1)}) {ident} = "
                         f"{{{{&kn_type_tuple}}, {len(refs)}, {{{body}}}}};")
        self.tuples[key] = f"KN_OBJ(&{ident})"
        return self.tuples[key]

    def module(self, dump: dict[str, Any]) -> str:
        """Defines a module's code objects; returns the C name of its module-level one. All of them
        share the module's consts tuple (item 0: the file name) and names tuple, and the consts
        refer back to the nested code objects, which are therefore declared first."""
        if dump.get("t") != "module":
            raise ValueError("kiln-freeze output is not a module dump (rebuild build/host/kiln-freeze)")
        nested = [item for item in dump["consts"] if item["t"] == "code"]
        self.code_refs = {}
        for item in nested:
            ident = self.new_id("c")
            self.code_refs[id(item)] = ident
            self.defs.append(f"static const kn_code_t {ident};")
        consts = self.tuple(dump["consts"])
        names = self.tuple(dump["names"])
        for item in nested:
            self.code(item, self.code_refs[id(item)], consts, names)
        top = self.code(dump["code"], self.new_id("c"), consts, names)
        self.code_refs = {}
        return top

    def code(self, node: dict[str, Any], ident: str, consts: str, names: str) -> str:
        varnames = self.tuple(node["varnames"])
        name = self.obj(node["name"])
        bc = bytes.fromhex(node["bc"])
        lines = bytes.fromhex(node["lines"])
        # The line table follows the bytecode in one array (kn_code_lines in core/vm.h).
        self.defs.append(f"static const uint8_t {ident}_bc[] = {{\n    {_c_bytes(bc + lines)}\n}};")
        fields = [
            ".base = {&kn_type_code}", f".bc = {ident}_bc", f".consts = {consts}", f".names = {names}",
            f".varnames = {varnames}", f".name = {name}", f".bc_len = {len(bc)}", f".lines_len = {len(lines)}",
        ] + [f".{k} = {node[k]}" for k in ("firstline", "nargs", "nkwonly", "nposonly", "nlocals", "ncells",
                                               "nfree", "stacksize", "nblocks", "flags")]
        self.defs.append(f"static const kn_code_t {ident} = {{\n    " + ",\n    ".join(fields) + "\n};")
        return ident


QSTR_USE = re.compile(r"\b(?:KN_Q|KN_METHOD)\((\w+)")


def c_names(sources: list[Path]) -> set[bytes]:
    """Names C sources use through KN_Q() / KN_METHOD() (the scan core/make_qstr.py does for core/)."""
    names: set[bytes] = set()
    for src in sources:
        names.update(n.encode() for n in QSTR_USE.findall(src.read_text(encoding="utf-8")))
    names.discard(b"n")  # the macros' own parameter
    return names


def _sub_fq(text: str, index: dict[bytes, int]) -> str:
    return re.sub(r"FQ\(([0-9a-f]*)\)", lambda m: f"KN_OBJ(&kn_extra_qstrs[{index[bytes.fromhex(m.group(1))]}])", text)


def render_c(modules: list[tuple[FrozenModule, dict[str, Any]]], qstrs: dict[bytes, str], origin: str,
             c_module_names: set[bytes] | None = None) -> tuple[str, list[bytes]]:
    """The C source of a board's frozen modules and its extra interned names (deterministic: same
    inputs, same bytes), and the extra names in table order. `c_module_names` are names user C
    modules use; those missing from the port's table join the extra table (see usermod_header)."""
    em = _Emitter(qstrs)
    table = []
    for module, dump in modules:
        code = em.module(dump)
        table.append((em.qstr(module.name.encode()), code, module.is_package))
    # Sorted by bytes: core/obj_str.c binary-searches the table.
    extra = sorted(set(em.extra) | {n for n in (c_module_names or set()) if n not in qstrs})
    index = {data: i for i, data in enumerate(extra)}
    out = [
        f"/* frozen_modules.c: generated by kiln/frozen.py from {origin}; do not edit. */",
        '#include "frozen.h"',
        "",
        "/* Interned names the frozen code and user C modules use that the port's static qstr table lacks. */",
        "const kn_str_t kn_extra_qstrs[] = {",
    ]
    for data in extra:
        flags = f"{len(data)} | KN_STR_INTERNED" + (" | KN_STR_ASCII" if all(b < 0x80 for b in data) else "")
        out.append(f"    {{{{&kn_type_str}}, 0x{fnv1a(data):08x}u, {flags}, {c_string(data)}}},")
    if not extra:
        out.append("    {{&kn_type_str}, 1, 0, \"\"},  /* placeholder: no extra names */")
    out += ["};", "", _sub_fq("\n".join(em.defs), index), "", "static const kn_frozen_module_t frozen_modules[] = {"]
    for name, code, is_package in table:
        out.append(f"    {{{_sub_fq(name, index)}, &{code}, {int(is_package)}}},")
    if not table:
        out.append("    {KN_NULL, NULL, 0},  /* placeholder: no frozen modules */")
    out += [
        "};",
        "",
        f"static const kn_frozen_table_t frozen_table = {{frozen_modules, {len(table)}, kn_extra_qstrs, {len(extra)}}};",
        "",
        "const kn_frozen_table_t *kn_frozen_table(void) {",
        "    return &frozen_table;",
        "}",
        "",
    ]
    return "\n".join(out), extra


def usermod_header(names: set[bytes], qstrs: dict[bytes, str], extra: list[bytes]) -> str:
    """usermod_qstr.h: where each name a user C module uses lives (core/usermod.h maps KN_Q to it)."""
    out = ["/* usermod_qstr.h: generated by kiln/frozen.py for the board's user C modules; do not edit. */",
           "#ifndef KILN_USERMOD_QSTR_H", "#define KILN_USERMOD_QSTR_H", "",
           "extern const kn_str_t kn_extra_qstrs[];"]
    index = {data: i for i, data in enumerate(extra)}
    for data in sorted(names):
        ident = data.decode()
        if data in qstrs:
            out.append(f"#define KN_UQ_{ident} kn_qstr_table[KN_QI_{qstrs[data]}]")
        else:
            out.append(f"#define KN_UQ_{ident} kn_extra_qstrs[{index[data]}]")
    out += ["", "#endif", ""]
    return "\n".join(out)


def freeze(freezer: Path | None, modules: list[FrozenModule], qstr_header: Path, origin: str,
           c_module_names: set[bytes] | None = None) -> tuple[str, str]:
    """Compiles `modules` with the host tool; returns the C source for the target and the user C
    modules' name header."""
    dumps = [(module, compile_module(freezer, module)) for module in modules] if freezer else []
    qstrs = read_qstr_table(qstr_header)
    text, extra = render_c(dumps, qstrs, origin, c_module_names)
    return text, usermod_header(c_module_names or set(), qstrs, extra)
