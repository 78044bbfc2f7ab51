"""Frozen Python modules (bytecode in flash, per-board manifests) and user C modules.

The builds happen in a scratch copy of the checkout whose UNIX and NETDUINO_PLUS_2 board files name
tests/frozen/manifest.toml, so the checkout's own build/ is left alone. tests/frozen/driver.py
imports the frozen modules and prints what they do; CPython runs the same driver on the sources.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiln import frozen, usercmod
from kiln.boards import BoardError, load_board_file
from kiln.build import copy_checkout
from kiln.emulators.qemu_stm32 import QemuStm32
from kiln.repl_client import ReplClient

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "tests" / "frozen"
CEXAMPLE = "examples/usercmodule/cexample"
MODULES_TABLE = '\n[modules]\nmanifest = "../../../../tests/frozen/manifest.toml"\n'
CEXAMPLE_CODE = """import cexample
print(cexample.add_ints(2, 3), cexample.add_ints(2 ** 70, -1))
acc = cexample.Accumulator(5)
print(acc.add(10), acc.add(-3), acc.total, acc)
try:
    acc.add(10 ** 7)
except ValueError as exc:
    print('ValueError', exc)
try:
    cexample.add_ints('x', 1)
except TypeError as exc:
    print('TypeError', exc)
"""
# What CEXAMPLE_CODE must print (the C module is ours, so the values are worked out by hand).
CEXAMPLE_OUT = ["5 1180591620717411303423", "15 12 12 Accumulator(12)",
                "ValueError step must be within +-1000000", "TypeError add_ints() takes two ints"]


@dataclass
class Tree:
    root: Path

    def kiln(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        return subprocess.run([sys.executable, "-m", "kiln", *args], cwd=self.root, capture_output=True, text=True,
                              env=env, timeout=1800)

    def build(self, board: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.kiln("build", "--board", board, "-j", "2", *extra)

    @property
    def unix(self) -> Path:
        return self.root / "build" / "UNIX" / "kiln-unix"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tree]:
    """A checkout copy: UNIX freezes the test manifest and lists cexample in its board file;
    NETDUINO_PLUS_2 freezes the test manifest and gets cexample from the command line."""
    root = copy_checkout(tmp_path_factory.mktemp("frozen") / "kiln")
    unix_board = root / "ports/unix/boards/UNIX/board.toml"
    unix_board.write_text(unix_board.read_text() + MODULES_TABLE + f'user_c = ["../../../../{CEXAMPLE}"]\n')
    stm32_board = root / "ports/stm32/boards/NETDUINO_PLUS_2/board.toml"
    stm32_board.write_text(stm32_board.read_text() + MODULES_TABLE)
    t = Tree(root)
    result = t.build("UNIX")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    result = t.build("NETDUINO_PLUS_2", "--user-c-module", CEXAMPLE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield t


def cpython_driver_output() -> str:
    result = subprocess.run([sys.executable, str(FROZEN / "driver.py")], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(FROZEN / "src")))
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_unix(t: Tree, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(t.unix), "-c", code], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_frozen_modules_on_unix_match_cpython(tree: Tree, tmp_path: Path) -> None:
    # The driver runs from an empty directory: the modules can only come from the firmware.
    shutil.copy(FROZEN / "driver.py", tmp_path / "driver.py")
    result = subprocess.run([str(tree.unix), "driver.py"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == cpython_driver_output()
    listing = run_unix(tree, "import frozen_features, frozenpkg.sub\n"
                             "print(frozen_features.__file__, frozenpkg.__file__, frozenpkg.sub.__path__)", tmp_path)
    assert listing.stdout.split() == ["frozen_features.py", "frozenpkg/__init__.py", "[]"], listing.stderr


def test_frozen_traceback_names_the_source_line(tree: Tree, tmp_path: Path) -> None:
    source = (FROZEN / "src" / "frozen_features.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "raise RuntimeError" in text)
    result = run_unix(tree, "import frozen_features\nfrozen_features.raises_here()\n", tmp_path)
    assert result.returncode == 1
    assert f'File "frozen_features.py", line {line}, in raises_here' in result.stderr, result.stderr
    assert "RuntimeError: raised in frozen code 1" in result.stderr


def test_user_c_module_from_the_board_file_on_unix(tree: Tree, tmp_path: Path) -> None:
    result = run_unix(tree, CEXAMPLE_CODE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == CEXAMPLE_OUT


def test_frozen_code_and_names_live_in_flash_on_stm32(tree: Tree) -> None:
    from elftools.elf.elffile import ELFFile

    board = load_board_file(tree.root / "ports/stm32/boards/NETDUINO_PLUS_2/board.toml")
    flash = board.region("FLASH")
    with open(tree.root / "build/NETDUINO_PLUS_2/firmware.elf", "rb") as handle:
        symbols = ELFFile(handle).get_section_by_name(".symtab")
        found = {s.name: s["st_value"] for s in symbols.iter_symbols()
                 if re.fullmatch(r"c\d+(_bc)?|kn_extra_qstrs|frozen_modules", s.name)}
    assert "kn_extra_qstrs" in found and "frozen_modules" in found and len(found) > 20
    outside = {name: hex(addr) for name, addr in found.items() if not flash.origin <= addr < flash.end}
    assert not outside, f"frozen objects outside flash: {outside}"


def board_exec(elf: Path, programs: list[str]) -> list[tuple[str, str]]:
    results = []
    with QemuStm32(elf, "pty", attach=False, uart=1) as qemu:
        assert qemu.pty_path is not None
        qemu.resume()
        with ReplClient(qemu.pty_path, timeout=60) as client:
            for code in programs:
                client.enter_raw(soft_reset=True)
                out, err = client.exec_raw(code.encode(), timeout=60)
                results.append((out.decode().replace("\r\n", "\n"), err.decode().replace("\r\n", "\n")))
    return results


def test_frozen_modules_and_user_c_module_on_netduino_in_qemu(tree: Tree) -> None:
    driver, cexample, heap = board_exec(tree.root / "build/NETDUINO_PLUS_2/firmware.elf", [
        (FROZEN / "driver.py").read_text(),
        CEXAMPLE_CODE,
        # the heap a frozen import keeps (module dict, functions, classes) against the same source
        # compiled on the device, whose functions also keep their bytecode, names and constants
        "import gc\nSRC = " + repr((FROZEN / "src" / "frozen_features.py").read_text()) + "\n"
        "gc.collect()\nfree = gc.mem_free()\nimport frozen_features\ngc.collect()\nfrozen = free - gc.mem_free()\n"
        "g = {}\ngc.collect()\nfree = gc.mem_free()\nexec(compile(SRC, 'ff.py', 'exec'), g)\ngc.collect()\n"
        "compiled = free - gc.mem_free()\nprint(frozen, compiled, g['HUGE'] == frozen_features.HUGE)\n",
    ])
    assert driver == (cpython_driver_output(), "")
    assert cexample[1] == "" and cexample[0].splitlines() == CEXAMPLE_OUT
    frozen_bytes, compiled_bytes, same = heap[0].split()
    assert heap[1] == "" and same == "True"
    print(f"heap kept by import: frozen {frozen_bytes} B, compiled on the device {compiled_bytes} B")
    assert int(frozen_bytes) * 2 < int(compiled_bytes)


def test_frozen_c_is_reproducible_and_portable(tree: Tree) -> None:
    generated = tree.root / "build/NETDUINO_PLUS_2/gen/frozen_modules.c"
    first = generated.read_bytes()
    assert str(tree.root).encode() not in first and b"/tmp" not in first
    # 2**40 is a small int on the 64-bit host but not on the target: the target compiler chooses
    assert b"KN_FROZEN_INT(1099511627776," in first
    generated.unlink()
    result = tree.build("NETDUINO_PLUS_2", "--user-c-module", CEXAMPLE)
    assert result.returncode == 0, result.stderr
    assert generated.read_bytes() == first
    # the checkout's own tree freezes the same collections.py into identical definitions
    assert b"static const kn_code_t" in first


def test_code_objects_of_a_module_share_one_consts_and_one_names_tuple(tree: Tree) -> None:
    """kiln-freeze dumps a module's constants and names once; every code object of the module (nested
    functions, methods, lambdas, comprehensions) points at those two tuples in the generated C, whose
    constants begin with the file name (what tracebacks print)."""
    module = frozen.FrozenModule("frozen_features", FROZEN / "src" / "frozen_features.py", "frozen_features.py", False)
    dump = frozen.compile_module(tree.root / "build" / "host" / "kiln-freeze", module)
    assert dump["t"] == "module" and dump["consts"][0] == {"t": "str", "v": b"frozen_features.py".hex()}
    nested = [c for c in dump["consts"] if c["t"] == "code"]
    assert len(nested) >= 10 and all("consts" not in c and "names" not in c for c in nested + [dump["code"]])
    text, _ = frozen.render_c([(module, dump)], {}, "test")
    codes = re.findall(r"static const kn_code_t (c\d+) = \{(.*?)\n\};", text, re.S)
    assert len(codes) == len(nested) + 1
    consts = {re.search(r"\.consts = (KN_OBJ\(&t\d+\))", body).group(1) for _, body in codes}
    names = {re.search(r"\.names = (KN_OBJ\(&t\d+\))", body).group(1) for _, body in codes}
    assert len(consts) == 1 and len(names) == 1 and consts != names
    # the nested code objects are declared before the constants tuple that refers to them
    for ident, _ in codes[:-1]:
        assert text.index(f"static const kn_code_t {ident};") < text.index(f"KN_OBJ(&{ident})")
    with pytest.raises(ValueError, match="not a module dump"):
        frozen.render_c([(module, dump["code"])], {}, "test")


def test_rebuild_follows_the_frozen_sources(tree: Tree, tmp_path: Path) -> None:
    helper = tree.root / "tests/frozen/src/frozenpkg/helper.py"
    original = helper.read_text()
    noop = tree.build("UNIX")
    assert noop.returncode == 0 and "FREEZE" not in noop.stdout, noop.stdout
    try:
        helper.write_text(original.replace("x * 2", "x * 3"))
        result = tree.build("UNIX")
        assert result.returncode == 0, result.stderr
        assert "FREEZE" in result.stdout
        assert run_unix(tree, "import frozenpkg\nprint(frozenpkg.PKG_VALUE)", tmp_path).stdout == "189\n"
    finally:
        helper.write_text(original)
    assert tree.build("UNIX").returncode == 0
    assert run_unix(tree, "import frozenpkg\nprint(frozenpkg.PKG_VALUE)", tmp_path).stdout == "84\n"


def test_syntax_error_or_missing_file_stops_the_build(tree: Tree) -> None:
    module = tree.root / "tests/frozen/src/frozenpkg/sub/deep.py"
    manifest = tree.root / "tests/frozen/manifest.toml"
    original, original_manifest = module.read_text(), manifest.read_text()
    try:
        module.write_text(original + "\ndef broken(:\n    pass\n")
        bad_line = len(original.splitlines()) + 2
        result = tree.build("UNIX")
        assert result.returncode != 0
        assert f"tests/frozen/src/frozenpkg/sub/deep.py:{bad_line}: SyntaxError" in result.stderr, result.stderr
        module.write_text(original)
        manifest.write_text(original_manifest + '\n[[freeze]]\npath = "src/not_there.py"\n')
        result = tree.build("UNIX")
        assert result.returncode != 0
        line = len(original_manifest.splitlines()) + 3
        assert f"tests/frozen/manifest.toml:{line}: freeze.2.path: no such .py file" in result.stderr, result.stderr
    finally:
        module.write_text(original)
        manifest.write_text(original_manifest)
    assert tree.build("UNIX").returncode == 0


# ---- manifests, board files and kiln_module.toml without building ----

def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_manifest_errors_name_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "pkg_without_init").mkdir()
    (tmp_path / "ok.py").write_text("X = 1\n")
    text = ('include = ["missing.toml"]\n\n[[freeze]]\npath = "ok.py"\n\n[[freeze]]\npath = "gone.py"\n\n'
            '[[freeze]]\npath = "pkg_without_init"\n\n[[freeze]]\npath = "ok.py"\nname = "1bad"\nflavour = "x"\n')
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(text)
    with pytest.raises(frozen.FreezeError) as info:
        frozen.load_manifest(manifest)
    lines = info.value.lines
    where = str(manifest)
    assert f"{where}:1: include.0: no such manifest 'missing.toml'" in lines[0]
    assert any(f"{where}:{line_of(text, 'gone.py')}: freeze.1.path: no such .py file" in x for x in lines), lines
    assert any(f"{where}:{line_of(text, 'pkg_without_init')}: freeze.2.path: directory" in x for x in lines), lines
    assert any(f"{where}:{line_of(text, '1bad')}: freeze.3.name: '1bad' is not a valid module name" in x
               for x in lines), lines
    assert any(f"{where}:{line_of(text, 'flavour')}: freeze.3.flavour: unknown key" in x for x in lines), lines


@pytest.mark.parametrize("value", [1.5, 0.1, -3.75, 1e3, 1e300, -1e300, 1e-50, 3.4028235e38, 1.17e-38, 2.0 ** -149])
def test_float_constants_carry_both_widths(value: float) -> None:
    """KN_FROZEN_FLOAT(double, single): each literal reads back as the value rounded to that width
    (struct's IEEE rounding is the reference; out-of-range singles are infinities, never a warning)."""
    import struct

    match = re.fullmatch(r"KN_FROZEN_FLOAT\((.+), (.+)\)", frozen._float_literals(value))
    assert match is not None
    double, single = match.groups()
    assert float(double.strip("()")) == value
    try:
        want = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        want = float("inf") if value > 0 else float("-inf")
    if want in (float("inf"), float("-inf")):
        assert "__builtin_inf()" in single and single.startswith("(-") == (want < 0)
    else:
        assert single.endswith("f)")
        assert struct.unpack("<f", struct.pack("<f", float(single[1:-2])))[0] == want


def test_manifest_packages_keep_their_structure() -> None:
    modules = {m.name: m for m in frozen.load_manifest(FROZEN / "manifest.toml")}
    asyncio = {"asyncio", "asyncio.core", "asyncio.event", "asyncio.funcs", "asyncio.lock", "asyncio.stream"}
    assert set(modules) == {"collections", "io", "frozen_features", "frozenpkg", "frozenpkg.helper", "frozenpkg.sub",
                            "frozenpkg.sub.deep"} | asyncio  # asyncio from lib/, through core/frozen/manifest.toml
    assert modules["frozenpkg.sub"].is_package and not modules["frozenpkg.sub.deep"].is_package
    assert modules["frozenpkg.sub.deep"].filename == "frozenpkg/sub/deep.py"
    assert modules["asyncio"].is_package and modules["asyncio.core"].filename == "asyncio/core.py"


def board_copy(tmp_path: Path, extra: str) -> Path:
    board_dir = tmp_path / "ports/unix/boards/TESTBOARD"
    board_dir.mkdir(parents=True)
    shutil.copytree(ROOT / "ports/unix/mcu", tmp_path / "ports/unix/mcu")
    board = board_dir / "board.toml"
    board.write_text((ROOT / "ports/unix/boards/UNIX/board.toml").read_text() + extra)
    return board


def test_board_file_modules_table_is_validated(tmp_path: Path) -> None:
    extra = '\n[modules]\nmanifest = "nope.toml"\nuser_c = ["no_such_module"]\n'
    board = board_copy(tmp_path, extra)
    with pytest.raises(BoardError) as info:
        load_board_file(board)
    text = board.read_text()
    joined = "\n".join(info.value.lines)
    assert f":{line_of(text, 'nope.toml')}: modules.manifest: no such manifest file 'nope.toml'" in joined
    assert f":{line_of(text, 'no_such_module')}: modules.user_c.0: 'no_such_module' is not a folder" in joined


def test_kiln_module_file_errors_name_file_line_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "badmod"
    folder.mkdir()
    (folder / "ok.c").write_text("/* ok.c: test */\n")
    text = 'name = "bad-name"\nsources = ["ok.c", "missing.c", "notc.txt"]\ninclude_dirs = ["nodir"]\ncolour = 1\n'
    (folder / "kiln_module.toml").write_text(text)
    with pytest.raises(usercmod.UserModuleError) as info:
        usercmod.load(folder)
    where = str(folder / "kiln_module.toml")
    lines = info.value.lines
    assert any(x.startswith(f"{where}:1: name: required: the module's import name") for x in lines), lines
    assert any(x.startswith(f"{where}:2: sources.1: no such file 'missing.c'") for x in lines), lines
    assert any(x.startswith(f"{where}:2: sources.2: 'notc.txt' is not a .c file") for x in lines), lines
    assert any(x.startswith(f"{where}:3: include_dirs.0: no such directory 'nodir'") for x in lines), lines
    assert any(x.startswith(f"{where}:4: colour: unknown key") for x in lines), lines
    example = usercmod.load(ROOT / CEXAMPLE)
    assert example.name == "cexample" and example.init == "cexample_init"
