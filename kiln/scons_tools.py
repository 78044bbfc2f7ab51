"""SCons glue: render, image and size builders. Heavy imports happen inside actions only, so a
no-op rebuild does not pay for jinja2, intelhex or pyelftools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kiln import render as render_mod
from kiln.boards import Board


def _write(target: Any, data: bytes) -> None:
    Path(str(target)).write_bytes(data)


def _render_action(target: Any, source: Any, env: Any) -> int:
    import json

    template = Path(str(source[0]))
    ctx = json.loads(env["KILN_RENDER_CONTEXT"])
    Path(str(target[0])).write_text(render_mod.render(template, ctx), encoding="utf-8")
    return 0


def _segments(source: Any, env: Any) -> list[tuple[int, bytes]]:
    """(address, data) of the flat image source[0] that are written: around the /flash sectors when the firmware
    is split around them (source[1] is the ELF; KILN_KEEP_OUT = [start, end] or [])."""
    from kiln.images.segments import elf_load_ranges, image_segments

    binary = Path(str(source[0])).read_bytes()
    keep_out = env["KILN_KEEP_OUT"]
    if not keep_out:
        return [(env["KILN_IMAGE_BASE"], binary)]
    return image_segments(binary, env["KILN_IMAGE_BASE"], elf_load_ranges(Path(str(source[1]))),
                          (keep_out[0], keep_out[1]))


def _hex_action(target: Any, source: Any, env: Any) -> int:
    from intelhex import IntelHex

    ih = IntelHex()
    for address, data in _segments(source, env):
        ih.frombytes(data, offset=address)
    ih.write_hex_file(str(target[0]))
    return 0


def _dfu_action(target: Any, source: Any, env: Any) -> int:
    from kiln.images.dfuse import DfuseElement, write_dfuse

    elements = [DfuseElement(address, data) for address, data in _segments(source, env)]
    _write(target[0], write_dfuse(elements, env["KILN_DFU_VID"], env["KILN_DFU_PID"]))
    return 0


def _uf2_action(target: Any, source: Any, env: Any) -> int:
    from kiln.images.uf2 import write_uf2

    data = Path(str(source[0])).read_bytes()
    _write(target[0], write_uf2(data, env["KILN_IMAGE_BASE"], env["KILN_UF2_FAMILY"]))
    return 0


def _size_action(target: Any, source: Any, env: Any) -> int:
    from kiln.size import measure

    board: Board = env["KILN_BOARD"]
    report = measure(Path(str(source[0])), board.link_regions)
    print(report.format(board.build_id))
    Path(str(target[0])).write_text(report.to_json() + "\n", encoding="utf-8")
    errors = report.errors(board.build_id)
    for line in errors:
        print(line, file=sys.stderr)
    return 1 if errors else 0


def setup(env: Any, board: Board, gen_dir: str) -> dict[str, Any]:
    """Adds the Kiln builders to `env` and the render commands for `board`; returns gen nodes by name."""
    from SCons.Script import Action, Builder

    env["KILN_BOARD"] = board
    env["KILN_RENDER_CONTEXT"] = render_mod.context_json(board)
    quiet = not env.get("KILN_VERBOSE")

    def action(func: Any, label: str, varlist: list[str]) -> Any:
        return Action(func, f"{label} $TARGET" if quiet else None, varlist=varlist)

    env.Append(BUILDERS={
        "KilnBin": Builder(action=Action("$OBJCOPY -O binary $KILN_BIN_FLAGS $SOURCE $TARGET",
                                         "BIN     $TARGET" if quiet else None), suffix=".bin", src_suffix=".elf"),
        "KilnHex": Builder(action=action(_hex_action, "HEX    ", ["KILN_IMAGE_BASE", "KILN_KEEP_OUT"]), suffix=".hex"),
        "KilnDfu": Builder(action=action(_dfu_action, "DFU    ", ["KILN_IMAGE_BASE", "KILN_KEEP_OUT", "KILN_DFU_VID",
                                                                  "KILN_DFU_PID"]), suffix=".dfu"),
        "KilnUf2": Builder(action=action(_uf2_action, "UF2    ", ["KILN_IMAGE_BASE", "KILN_UF2_FAMILY"]),
                           suffix=".uf2"),
        "KilnSize": Builder(action=action(_size_action, "SIZE   ", ["KILN_RENDER_CONTEXT"]), suffix=".json"),
    })
    nodes = {}
    for template, name in render_mod.outputs(board):
        # The context (board + MCU data) is part of the action signature: a changed board file
        # re-renders; unchanged output then stops the rebuild there (content signatures).
        node = env.Command(f"{gen_dir}/{name}", str(template),
                           action(_render_action, "RENDER ", ["KILN_RENDER_CONTEXT"]))
        # Explicit inputs too, so the graph (and `kiln affected`) knows which files feed each board.
        env.Depends(node, [str(board.path), str(board.mcu_path), str(Path(render_mod.__file__))])
        nodes[name] = node[0]
    if quiet:
        env["CCCOMSTR"] = "CC      $TARGET"
        env["ASCOMSTR"] = "AS      $TARGET"
        env["ASPPCOMSTR"] = "AS      $TARGET"
        env["LINKCOMSTR"] = "LINK    $TARGET"
        env["ARCOMSTR"] = "AR      $TARGET"
        env["RANLIBCOMSTR"] = "RANLIB  $TARGET"
    return nodes


def core_objects(env: Any) -> list[Any]:
    """Objects of core/*.c, placed in build/<id>/core (compiled with the port's flags)."""
    out = env["KILN_OUT"]
    return [env.Object(f"#{out}/core/{Path(src).stem}.o", f"#{src}") for src in env["KILN_CORE_SOURCES"]]


def gen_objects(env: Any) -> list[Any]:
    """Objects of the rendered and generated C sources (pin tables, board identity strings, frozen modules,
    user C modules)."""
    out = env["KILN_OUT"]
    # Frozen Python modules and user C modules (kiln/scons_frozen.py) ride along with the rendered sources.
    return [*(env.Object(f"#{out}/gen/{name[:-2]}.o", env["KILN_GEN_NODES"][name]) for name in ("pins.c", "board_info.c")),
            *env.get("KILN_EXTRA_OBJECTS", [])]


def firmware_images(env: Any, elf: Any, base: int) -> dict[str, Any]:
    """The images the board's MCU file lists (bin, hex, dfu, uf2) from `elf`, plus the size report."""
    board: Board = env["KILN_BOARD"]
    out = env["KILN_OUT"]
    images: dict[str, Any] = {"elf": elf}
    images["size"] = env.KilnSize(f"#{out}/size.json", elf)[0]
    if base is None:
        return images
    # /flash sectors inside the image (512 KiB STM32s: sectors 1..3, between the vector table and the code): the
    # .bin fills them with 0xFF (one contiguous file: writing it erases /flash), the .hex and .dfu skip them.
    fs = board.filesystem_range
    keep_out = list(fs) if fs is not None and any(r.name.endswith("_HEAD") for r in board.link_regions) else []
    image_env = env.Clone(KILN_IMAGE_BASE=base, KILN_KEEP_OUT=keep_out,
                          KILN_BIN_FLAGS="--gap-fill 0xff" if keep_out else "")
    binary = image_env.KilnBin(f"#{out}/firmware.bin", elf)[0]
    images_dir = Path(__file__).resolve().parent / "images"
    image_env.Depends(binary, images["size"])  # a firmware that does not fit makes no images
    wanted = board.images
    if "bin" in wanted:
        images["bin"] = binary
    if "hex" in wanted:
        images["hex"] = image_env.KilnHex(f"#{out}/firmware.hex", [binary, elf])[0]
        image_env.Depends(images["hex"], [str(images_dir.parent / "scons_tools.py"), str(images_dir / "segments.py")])
    if "dfu" in wanted:
        usb = board.mcu["usb_dfu"]
        images["dfu"] = image_env.KilnDfu(f"#{out}/firmware.dfu", [binary, elf], KILN_DFU_VID=usb["vid"],
                                          KILN_DFU_PID=usb["pid"])[0]
        image_env.Depends(images["dfu"], [str(images_dir / "dfuse.py"), str(images_dir / "segments.py")])
    if "uf2" in wanted:
        images["uf2"] = image_env.KilnUf2(f"#{out}/firmware.uf2", binary,
                                          KILN_UF2_FAMILY=board.mcu["uf2_family_id"])[0]
        image_env.Depends(images["uf2"], str(images_dir / "uf2.py"))
    return images


def _index_action(target: Any, source: Any, env: Any) -> int:
    Path(str(target[0])).write_text(source[0].get_contents().decode() + "\n", encoding="utf-8")
    return 0


def image_index(env: Any, images: dict[str, Any]) -> Any:
    """build/<id>/images.json: image kind -> file name, so release and flash tools need not guess names."""
    import json

    from SCons.Script import Action

    out = env["KILN_OUT"]
    index = {kind: Path(str(node)).relative_to(out).as_posix() for kind, node in sorted(images.items())}
    value = env.Value(json.dumps(index, sort_keys=True))
    return env.Command(f"#{out}/images.json", value, Action(_index_action, None))[0]


def enable_shared_cache(cache_dir: str) -> None:
    """A content-keyed object cache shared by every board.

    SCons mixes each target's path into its cache key, and Kiln's paths contain the board name
    (build/<BOARD>/core/x.o), so identical objects of two boards would never be shared. For a target
    that is the only output of its action, the path adds nothing (the key already holds the
    action and every input's content), so for objects it is replaced by the file name alone.
    """
    import SCons.Node.FS
    from SCons.Script import CacheDir
    from SCons.Util import hash_collect

    def board_independent_bsig(node: Any) -> str:
        try:
            return node.cachesig
        except AttributeError:
            pass
        sigs = [child.get_cachedir_csig() for child in node.children()]
        sigs.append(node.get_contents_sig())
        # Objects are always the sole output of their compile; other targets keep their path.
        sigs.append(node.name if node.name.endswith(".o") else node.get_internal_path())
        node.cachesig = hash_collect(sigs)
        return node.cachesig

    SCons.Node.FS.File.get_cachedir_bsig = board_independent_bsig
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    CacheDir(cache_dir)


def dump_dependencies(all_images: dict[str, dict[str, Any]], root: str, out_path: str) -> None:
    """Writes {build id: [source files in the checkout its images depend on]} as JSON, walking the
    real dependency graph (explicit, implicit/scanned and Depends) rather than path patterns."""
    import json
    import os

    result: dict[str, list[str]] = {}
    for build_id, images in sorted(all_images.items()):
        seen: set[int] = set()
        files: set[str] = set()
        stack = list(images.values())
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            children = node.children()
            stack.extend(children)
            if not children and not node.has_builder():
                source = node.srcnode() if hasattr(node, "srcnode") else node
                path = getattr(source, "abspath", None)
                if path and path.startswith(root + os.sep):
                    files.add(os.path.relpath(path, root))
        # The build description itself shapes every image of the board.
        port = next(iter(images.values())).get_env()["KILN_BOARD"].port
        files.update(["SConstruct", f"ports/{port}/SConscript", "core/sources.txt", "kiln/boards.py",
                      "kiln/toolchains.py", "kiln/schema.py", "kiln/pins.py"])
        result[build_id] = sorted(files)
    Path(out_path).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _qstr_action(target: Any, source: Any, env: Any) -> int:
    import importlib.util

    script = Path(env["KILN_QSTR_SCRIPT"])
    spec = importlib.util.spec_from_file_location("kiln_make_qstr", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    Path(str(target[0])).write_text(module.render(module.collect(env["KILN_QSTR_ROOTS"])), encoding="utf-8")
    return 0


def qstr_header(env: Any, root: str, port: str) -> Any:
    """build/qstr/<port>/qstr_gen.h: the static interned-name table, from every KN_Q() use under core/
    and ports/<port>/. One table per port, never per board, so it does not make core objects
    board-specific, and a change in one port does not touch another's images."""
    import os

    from SCons.Script import Action

    roots = [os.path.join(root, "core"), os.path.join(root, "ports", port)]
    inputs = []
    for top in roots:
        for dirpath, dirnames, files in os.walk(top):
            dirnames.sort()
            inputs += [os.path.join(dirpath, f) for f in sorted(files)
                       if f.endswith((".c", ".h")) and f != "qstr_gen.h"]
    script = os.path.join(root, "core", "make_qstr.py")
    return env.Command(f"#build/qstr/{port}/qstr_gen.h", [script, *inputs],
                       Action(_qstr_action, "QSTR    $TARGET" if not env.get("KILN_VERBOSE") else None),
                       KILN_QSTR_SCRIPT=script, KILN_QSTR_ROOTS=roots)[0]
