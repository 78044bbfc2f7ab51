"""User C modules: a folder with `kiln_module.toml` and C sources, compiled into a board's firmware.

    # kiln_module.toml
    name = "cexample"                 # the import name
    sources = ["cexample.c"]          # C files, relative to this folder
    include_dirs = ["include"]        # optional, relative to this folder
    init = "cexample_init"            # optional: `kn_obj init(void)` returning the module
                                      # (default: kn_usermod_<name>_init)

The build generates `build/<id>/usermod/user_modules.c`, a table of (interned name, init) that the
core's import searches after its own and the port's native modules (weak `kn_user_modules`, see
core/usermod.h), so a user module needs no edit to core/. Names the module's C code uses with
KN_Q() are scanned from its sources: those the port's static qstr table lacks join the board's
extra interned names (generated with the frozen modules, kiln/frozen.py), and the generated
`gen/usermod_qstr.h` maps KN_Q() in the module's files to them. The port's table, and therefore
every core object, stays the same whatever user modules a board adds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiln.boards import Board
from kiln.tomlpos import key_lines, line_of

ROOT = Path(__file__).resolve().parent.parent
FILE_NAME = "kiln_module.toml"
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


class UserModuleError(Exception):
    """`lines` are `file:line: field: message` lines."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class UserModule:
    name: str
    folder: Path
    sources: tuple[Path, ...]
    include_dirs: tuple[Path, ...]
    init: str


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load(folder: Path) -> UserModule:
    """Reads and checks `folder/kiln_module.toml`; errors name the file, line and field."""
    path = folder / FILE_NAME
    if not path.is_file():
        raise UserModuleError([f"{_rel(folder)}: no {FILE_NAME} in this user C module folder"])
    text = path.read_text(encoding="utf-8")
    where = _rel(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise UserModuleError([f"{where}:{match.group(1) if match else 1}: <syntax>: {exc}; fix the TOML syntax"]) \
            from None
    lines = key_lines(text)
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{where}:{line_of(lines, field)}: {field}: {message}")

    for key in data:
        if key not in ("name", "sources", "include_dirs", "init"):
            problem(key, f"unknown key {key!r}; allowed: name, sources, include_dirs, init")
    name = data.get("name")
    if not isinstance(name, str) or not IDENT.match(name):
        problem("name", f"required: the module's import name, a Python identifier (got {name!r})")
        name = "?"
    sources: list[Path] = []
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources or not all(isinstance(s, str) for s in raw_sources):
        problem("sources", "required: a non-empty array of C file paths relative to the module folder")
    else:
        for index, src in enumerate(raw_sources):
            file = (folder / src).resolve()
            if not src.endswith(".c"):
                problem(f"sources.{index}", f"{src!r} is not a .c file")
            elif not file.is_file():
                problem(f"sources.{index}", f"no such file {src!r} (relative to {_rel(folder)})")
            else:
                sources.append(file)
    includes: list[Path] = []
    raw_includes = data.get("include_dirs", [])
    if not isinstance(raw_includes, list) or not all(isinstance(s, str) for s in raw_includes):
        problem("include_dirs", "must be an array of directory paths relative to the module folder")
    else:
        for index, inc in enumerate(raw_includes):
            directory = (folder / inc).resolve()
            if not directory.is_dir():
                problem(f"include_dirs.{index}", f"no such directory {inc!r} (relative to {_rel(folder)})")
            else:
                includes.append(directory)
    init = data.get("init", f"kn_usermod_{name}_init")
    if not isinstance(init, str) or not IDENT.match(init):
        problem("init", f"must be a C function name (got {init!r})")
    if problems:
        raise UserModuleError(problems)
    return UserModule(name, folder.resolve(), tuple(sources), tuple(includes), init)


def load_all(board: Board, paths: list[str]) -> list[UserModule]:
    """Modules named in the board file (relative to the board dir) or on the command line (relative to
    the checkout root or absolute); every problem of every module is reported at once."""
    modules: list[UserModule] = []
    problems: list[str] = []
    for text in paths:
        candidates = [Path(text)] if Path(text).is_absolute() else [board.board_dir / text, ROOT / text]
        folder = next((c for c in candidates if c.is_dir()), None)
        if folder is None:
            problems.append(f"{_rel(board.path)}: modules.user_c: no such user C module folder {text!r}")
            continue
        try:
            module = load(folder)
        except UserModuleError as error:
            problems += error.lines
            continue
        if any(m.name == module.name for m in modules):
            problems.append(f"{_rel(folder / FILE_NAME)}:1: name: module {module.name!r} is listed twice")
            continue
        modules.append(module)
    if problems:
        raise UserModuleError(problems)
    return sorted(modules, key=lambda m: m.name)


def table_c(modules: list[UserModule]) -> str:
    """The registration table the core's import searches (deterministic)."""
    out = ["/* user_modules.c: generated by kiln/usercmod.py from the board's user C modules; do not edit. */",
           '#include "usermod.h"', ""]
    for module in modules:
        out.append(f"kn_obj {module.init}(void);")
    out += ["", "static const kn_native_module_t user_modules[] = {"]
    out += [f"    {{KN_Q({module.name}), {module.init}}}," for module in modules]
    out += ["};", "", "const kn_native_module_t *kn_user_modules(size_t *n) {",
            "    *n = sizeof user_modules / sizeof user_modules[0];", "    return user_modules;", "}", ""]
    return "\n".join(out)


def _table_action(target: Any, source: Any, env: Any) -> int:
    Path(str(target[0])).write_text(env["KILN_USERMOD_TABLE"], encoding="utf-8")
    return 0


def add_to_build(env: Any, modules: list[UserModule], objects: list[Any]) -> list[Path]:
    """Compiles the modules and their registration table into `objects`; returns the C files whose
    KN_Q() names the board's extra-name table must cover (kiln/scons_frozen.py)."""
    from SCons.Script import Action

    out = env["KILN_OUT"]
    quiet = not env.get("KILN_VERBOSE")
    table = env.Command(f"#{out}/usermod/user_modules.c", [],
                        Action(_table_action, "USERMOD $TARGET" if quiet else None, varlist=["KILN_USERMOD_TABLE"]),
                        KILN_USERMOD_TABLE=table_c(modules))[0]
    module_env = env.Clone()
    module_env.Append(CPPDEFINES=["KILN_USERMOD"])
    objects.append(module_env.Object(f"#{out}/usermod/user_modules.o", table))
    for module in modules:
        one = module_env.Clone()
        one.Prepend(CPPPATH=[str(d) for d in module.include_dirs] + [str(module.folder)])
        for src in module.sources:
            objects.append(one.Object(f"#{out}/usermod/{module.name}/{src.stem}.o", str(src)))
    return [src for m in modules for src in m.sources]
