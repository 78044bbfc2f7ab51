"""SCons glue for frozen Python modules and user C modules.

- `host_freezer` builds `build/host/kiln-freeze` once per SCons run: the core compiled for the host
  (the UNIX board's configuration) plus ports/unix/freeze/kiln_freeze.c. It never contains frozen
  modules itself, so it does not depend on what it freezes.
- `setup_board` adds a board's `gen/frozen_modules.c` (from its manifest, plus the board's extra
  interned names) and its user C modules (kiln/usercmod.py) to `env["KILN_EXTRA_OBJECTS"]`, which
  `scons_tools.gen_objects` links into every port's firmware.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from kiln import frozen as frozen_mod
from kiln import usercmod
from kiln.boards import Board

_FREEZER: dict[str, Any] = {}


def host_freezer(root: str, qstr_env: Any, qstr_nodes: dict[str, Any], verbose: bool) -> Any:
    """The host compiler tool node (built once, whatever boards are selected)."""
    if "node" in _FREEZER:
        return _FREEZER["node"]
    from SCons.Script import Environment

    from kiln import boards as kiln_boards
    from kiln import scons_tools, toolchains

    unix = kiln_boards.load_board("UNIX")
    toolchain = toolchains.for_core(unix.mcu["core"])
    env = Environment(ENV={"PATH": os.environ.get("PATH", "")}, tools=["gcc", "gnulink"], KILN_VERBOSE=verbose)
    env.Replace(CC=toolchain.tool("gcc"), LINK=toolchain.tool("gcc"))
    env["CCCOM"] = "$CC -o $( $TARGET $) -c $CFLAGS $CCFLAGS $_CCCOMCOM $( $SOURCES $)"
    out = "build/host"
    env.Append(
        CCFLAGS=["-std=c99", "-Wall", "-Wextra", "-Werror", "-g", "-O2", "-ffunction-sections", "-fdata-sections",
                 "-fno-common", f"-ffile-prefix-map={root}=."],
        CPPDEFINES=["_DEFAULT_SOURCE"],
        LIBS=["m"],
        CPPPATH=["#core", "#ports/unix", f"#{out}/gen", "#build/qstr/unix"],
    )
    if "unix" not in qstr_nodes:
        qstr_nodes["unix"] = scons_tools.qstr_header(qstr_env, root, "unix")
    scons_tools.setup(env, unix, f"{out}/gen")
    env["KILN_OUT"] = out
    with open(os.path.join(root, "core", "sources.txt"), encoding="utf-8") as manifest:
        env["KILN_CORE_SOURCES"] = [os.path.join("core", line.strip()) for line in manifest
                                    if line.strip() and not line.startswith("#")]
    objects = scons_tools.core_objects(env)
    objects.append(env.Object(f"#{out}/unix/hal_unix.o", "#ports/unix/hal_unix.c"))
    objects.append(env.Object(f"#{out}/unix/kiln_freeze.o", "#ports/unix/freeze/kiln_freeze.c"))
    node = env.Program(f"#{out}/kiln-freeze", objects)[0]
    _FREEZER["node"] = node
    return node


def manifest_path(board: Board) -> Path | None:
    """The board's manifest (`[modules] manifest`), else the port's default `ports/<port>/manifest.toml`."""
    named = board.data.get("modules", {}).get("manifest")
    if named is not None:
        return (board.board_dir / named).resolve()
    default = board.port_dir / "manifest.toml"
    return default if default.is_file() else None


def _frozen_action(target: Any, source: Any, env: Any) -> int:
    spec = json.loads(env["KILN_FROZEN_SPEC"])
    modules = [frozen_mod.FrozenModule(m["name"], Path(m["source"]), m["filename"], m["is_package"])
               for m in spec["modules"]]
    freezer = Path(str(source[1])) if spec["freezer"] else None
    try:
        names = frozen_mod.c_names([Path(p) for p in spec["c_sources"]])
        text, header = frozen_mod.freeze(freezer, modules, Path(str(source[0])), spec["origin"], names)
    except frozen_mod.FreezeError as error:
        for line in error.lines:
            print(f"error: {line}", file=sys.stderr)
        return 1
    Path(str(target[0])).write_text(text, encoding="utf-8")
    if len(target) > 1:
        Path(str(target[1])).write_text(header, encoding="utf-8")
    return 0


def _fail(title: str, lines: list[str]) -> None:
    from SCons.Script import Exit

    print(f"error: {title}", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    Exit(2)


def setup_board(env: Any, board: Board, root: str, qstr_env: Any, qstr_nodes: dict[str, Any],
                user_c: list[str]) -> None:
    """Frozen modules and user C modules of `board` -> env["KILN_EXTRA_OBJECTS"]."""
    from SCons.Scanner import ScannerBase
    from SCons.Script import Action

    out = env["KILN_OUT"]
    extra: list[Any] = []
    c_sources: list[Path] = []
    paths = list(board.data.get("modules", {}).get("user_c", [])) + list(user_c)
    if paths:
        try:
            mods = usercmod.load_all(board, paths)
        except usercmod.UserModuleError as error:
            _fail(f"user C modules of {board.build_id} are invalid:", error.lines)
            return
        c_sources = usercmod.add_to_build(env, mods, extra)
    manifest = manifest_path(board)
    modules: list[frozen_mod.FrozenModule] = []
    if manifest is not None:
        if not manifest.is_file():
            _fail(f"board {board.build_id}: no manifest {manifest}", [])
        try:
            modules = frozen_mod.load_manifest(manifest)
        except frozen_mod.FreezeError as error:
            _fail(f"frozen modules of {board.build_id} are invalid:", error.lines)
            return
    if manifest is None and not c_sources:
        env["KILN_EXTRA_OBJECTS"] = extra
        return
    # One generated file holds the frozen code and the board's extra interned names (the names frozen
    # code and user C modules use that the port's static table lacks); usermod_qstr.h points user C
    # modules' KN_Q() at them.
    sources: list[Any] = [qstr_nodes[board.port]]
    if modules:
        sources.append(host_freezer(root, qstr_env, qstr_nodes, bool(env.get("KILN_VERBOSE"))))
    sources += [str(m.source) for m in modules]
    sources += [str(p) for p in c_sources]
    if manifest is not None:
        sources += [str(p) for p in frozen_mod.manifest_files(manifest)]
    spec = json.dumps({
        "origin": os.path.relpath(manifest, root) if manifest is not None else "no manifest",
        "freezer": bool(modules),
        "modules": [{"name": m.name, "source": os.path.relpath(m.source, root), "filename": m.filename,
                     "is_package": m.is_package} for m in modules],
        "c_sources": [os.path.relpath(p, root) for p in c_sources],
    }, sort_keys=True)
    targets = [f"#{out}/gen/frozen_modules.c"] + ([f"#{out}/gen/usermod_qstr.h"] if c_sources else [])
    nodes = env.Command(targets, sources,
                        Action(_frozen_action, None if env.get("KILN_VERBOSE") else "FREEZE  $TARGET",
                               varlist=["KILN_FROZEN_SPEC"]),
                        KILN_FROZEN_SPEC=spec,
                        # only the sources' text matters (their KN_Q names), not what they #include
                        source_scanner=ScannerBase(lambda node, env, path: [], "kiln-frozen-none"))
    env.Depends(nodes, [frozen_mod.__file__])
    extra.append(env.Object(f"#{out}/gen/frozen_modules.o", nodes[0]))
    env["KILN_EXTRA_OBJECTS"] = extra
