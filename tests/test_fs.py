"""core/fs (kfs) on the host: API semantics, random operation sequences checked against a Python model, power
cuts injected at every kind of device operation (then remount and check every committed file), wear spread,
full-device behaviour, and the throughput figures reported in docs/kfs.md."""

from __future__ import annotations

import errno
import random
import time
from dataclasses import dataclass, field

import pytest

from tests.support.kfs_host import (
    O_APPEND,
    O_CREAT,
    O_EXCL,
    O_RDONLY,
    O_RDWR,
    O_WRONLY,
    SEEK_END,
    SEEK_SET,
    TYPE_DIR,
    TYPE_FILE,
    Kfs,
    KfsError,
)


def raises(code: int) -> pytest.RaisesContext[KfsError]:
    return pytest.raises(KfsError, match=rf"\[Errno {code}\]")


@pytest.fixture
def fs() -> Kfs:
    fs = Kfs(block_size=1024, block_count=64, prog_size=4, cache_size=128)
    fs.format()
    return fs


# ---- semantics ----------------------------------------------------------------------------------------

def test_unformatted_device_does_not_mount() -> None:
    fs = Kfs()
    with raises(errno.EILSEQ):
        fs.mount()


def test_files_and_directories(fs: Kfs) -> None:
    fs.mkdir("/lib")
    fs.mkdir("lib/sub")  # relative to the root, like "/lib/sub"
    fs.write_file("/lib/sub/a.py", b"print('a')\n")
    assert fs.stat("/lib") == (TYPE_DIR, 0)
    assert fs.stat("/lib/sub/a.py") == (TYPE_FILE, 11)
    assert fs.stat("//lib/./sub/../sub/a.py") == (TYPE_FILE, 11)
    assert fs.listdir("/lib") == [("d", "sub", 0)]
    with raises(errno.EEXIST):
        fs.mkdir("/lib")
    with raises(errno.ENOENT):
        fs.mkdir("/nope/x")
    with raises(errno.ENOTDIR):
        fs.mkdir("/lib/sub/a.py/x")
    with raises(errno.ENOTEMPTY):
        fs.remove("/lib")
    with raises(errno.EISDIR):
        fs.open("/lib", O_RDONLY)
    with raises(errno.ENOENT):
        fs.open("/missing", O_RDONLY)
    with raises(errno.EEXIST):
        fs.open("/lib/sub/a.py", O_WRONLY | O_CREAT | O_EXCL)
    with raises(errno.ENAMETOOLONG):
        fs.mkdir("/" + "x" * 65)
    with raises(errno.EINVAL):
        fs.rename("/lib", "/lib/sub/inside")
    with raises(errno.EINVAL):
        fs.remove("/")
    fs.remove("/lib/sub/a.py")
    fs.remove("/lib/sub")
    assert fs.listdir("/lib") == []


def test_rename_replaces_and_moves(fs: Kfs) -> None:
    fs.mkdir("/a")
    fs.mkdir("/b")
    fs.write_file("/a/x", b"x" * 3000)  # in data blocks
    fs.write_file("/b/y", b"y")
    free = fs.statvfs()["blocks_free"]
    fs.rename("/a/x", "/b/y")  # replaces y atomically
    assert fs.tree() == {"/a": None, "/b": None, "/b/y": b"x" * 3000}
    fs.write_file("/a/z", b"z" * 3000)
    fs.rename("/a/z", "/b/y")  # the old y's blocks come back
    assert fs.statvfs()["blocks_free"] == free
    with raises(errno.EISDIR):
        fs.rename("/b/y", "/a")
    with raises(errno.ENOTDIR):
        fs.rename("/a", "/b/y")
    fs.rename("/a", "/b/a2")  # a directory into another
    assert fs.stat("/b/a2") == (TYPE_DIR, 0)
    fs.rename("/b/y", "/b/y")  # to itself: nothing happens
    fs.unmount()
    fs.mount()
    assert fs.tree() == {"/b": None, "/b/y": b"z" * 3000, "/b/a2": None}


def test_seek_overwrite_truncate_append_and_holes(fs: Kfs) -> None:
    data = bytearray(random.Random(1).randbytes(5000))
    fs.write_file("/f", bytes(data))
    slot = fs.open("/f", O_RDWR)
    fs.seek(slot, 1500)
    fs.write(slot, b"A" * 100)
    data[1500:1600] = b"A" * 100
    assert fs.seek(slot, 0, SEEK_END) == 5000
    fs.seek(slot, 1490)
    assert fs.read(slot, 30) == bytes(data[1490:1520]), "reads see unsynced writes"
    fs.truncate(slot, 2000)
    del data[2000:]
    fs.seek(slot, 7000)  # past the end: a hole, then data
    fs.write(slot, b"tail")
    data += bytes(5000) + b"tail"
    fs.close(slot)
    assert fs.read_file("/f") == bytes(data)
    slot = fs.open("/f", O_WRONLY | O_APPEND)
    fs.seek(slot, 0)  # ignored: appends go to the end
    fs.write(slot, b"more")
    fs.close(slot)
    data += b"more"
    slot = fs.open("/f", O_RDWR)
    fs.truncate(slot, 9000)  # grows with zeros
    fs.close(slot)
    data += bytes(9000 - len(data))
    fs.unmount()
    fs.mount()
    assert fs.read_file("/f") == bytes(data)


def test_small_files_stay_inline(fs: Kfs) -> None:
    before = fs.statvfs()["blocks_free"]
    for i in range(6):  # all metadata shares one 1 KiB block here
        fs.write_file(f"/small{i}", bytes([i]) * 100)
    assert fs.statvfs()["blocks_free"] == before, "small files take no data blocks"
    slot = fs.open("/small3", O_WRONLY | O_APPEND)
    fs.write(slot, b"x" * 200)  # grows out of the metadata
    fs.close(slot)
    assert fs.statvfs()["blocks_free"] == before - 1
    assert fs.read_file("/small3") == b"\x03" * 100 + b"x" * 200
    fs.write_file("/small3", b"short again")  # O_TRUNC: back inline, the block is freed
    assert fs.statvfs()["blocks_free"] == before


def test_open_modes(fs: Kfs) -> None:
    fs.write_file("/m", b"0123456789")
    slot = fs.open("/m", O_RDONLY)
    with raises(errno.EBADF):
        fs.write(slot, b"x")
    fs.close(slot)
    slot = fs.open("/m", O_WRONLY)
    with raises(errno.EBADF):
        fs.read(slot, 1)
    fs.write(slot, b"ab")  # no O_TRUNC: overwrites in place
    fs.close(slot)
    assert fs.read_file("/m") == b"ab23456789"
    with raises(errno.EBADF):
        fs.close(slot)


def test_two_blocks_hold_inline_files_only() -> None:
    """The metadata pair alone (a 512 KiB STM32 gives kfs two 128 KiB sectors): small files, no data blocks."""
    fs = Kfs(block_size=65536, block_count=2, prog_size=1, cache_size=1024)
    fs.format()
    for i in range(40):
        fs.write_file(f"/s{i}.py", bytes([i]) * 1000)
    with raises(errno.ENOSPC):
        fs.write_file("/big", b"b" * 1025)
    assert fs.statvfs()["blocks_free"] == 0
    for i in range(0, 40, 2):
        fs.remove(f"/s{i}.py")
    for i in range(40):  # keeps working through compactions of the only two blocks
        fs.write_file(f"/t{i % 7}.py", bytes([i]) * 900)
    fs.unmount()
    fs.mount()
    assert fs.read_file("/s39.py") == bytes([39]) * 1000 and fs.read_file("/t4.py") == bytes([39]) * 900


def test_removing_an_open_file(fs: Kfs) -> None:
    slot = fs.open("/gone", O_WRONLY | O_CREAT)
    fs.write(slot, b"g" * 4000)
    fs.remove("/gone")
    free = fs.statvfs()["blocks_free"]
    with raises(errno.ENOENT):
        fs.close(slot)
    assert fs.statvfs()["blocks_free"] > free, "its unsaved blocks were released"
    assert fs.listdir("/") == []


def test_geometry_and_cache_are_checked() -> None:
    with raises(errno.EINVAL):
        Kfs(block_size=4096, block_count=16, cache_size=100).format()
    with raises(errno.EINVAL):
        Kfs(block_size=4096, block_count=1).format()
    fs = Kfs(block_size=4096, block_count=16, cache_size=512, inline_max=512)
    fs.format()
    fs.write_file("/x", b"1" * 500)
    image = fs.image
    small = Kfs(block_size=4096, block_count=16, cache_size=256)
    small.load_image(image)
    with raises(errno.EINVAL):
        small.mount()  # made with 512-byte inline files: a 256-byte cache cannot hold them
    other = Kfs(block_size=4096, block_count=32)
    other.load_image(image + b"\xff" * 4096 * 16)
    with raises(errno.EILSEQ):
        other.mount()  # the header says 16 blocks


# ---- random operations against a model -------------------------------------------------------------------

@dataclass
class Model:
    """What the filesystem should hold: path -> content (None for a directory)."""

    items: dict[str, bytes | None] = field(default_factory=dict)

    def dirs(self) -> list[str]:
        return ["/"] + [p for p, v in self.items.items() if v is None]

    def files(self) -> list[str]:
        return [p for p, v in self.items.items() if v is not None]

    def children(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return [p for p in self.items if p.startswith(prefix) and "/" not in p[len(prefix):]]

    def copy(self) -> Model:
        return Model(dict(self.items))


def parent_of(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def new_name(rng: random.Random, model: Model) -> str:
    parent = rng.choice(model.dirs())
    return parent.rstrip("/") + "/" + rng.choice(["a", "b", "c", "main.py", "lib", "data.bin", "x" * 20]) + str(
        rng.randrange(20))


@dataclass
class Op:
    kind: str
    path: str = ""
    other: str = ""
    data: bytes = b""
    offset: int = 0
    chunk: int = 0


def plan(rng: random.Random, model: Model, max_size: int) -> Op:
    files = model.files()
    roll = rng.random()
    if roll < 0.25 or not files:
        size = rng.choice([0, rng.randrange(1, 200), rng.randrange(200, max_size)])
        return Op("write", new_name(rng, model) if rng.random() < 0.6 or not files else rng.choice(files),
                  data=rng.randbytes(size), chunk=rng.choice([1, 7, 64, 500, 1 << 20]))
    if roll < 0.35:
        return Op("append", rng.choice(files), data=rng.randbytes(rng.randrange(1, max_size // 4)))
    if roll < 0.45:
        path = rng.choice(files)
        length = len(model.items[path] or b"")
        return Op("overwrite", path, data=rng.randbytes(rng.randrange(1, max_size // 4)),
                  offset=rng.randrange(0, length + 50))
    if roll < 0.52:
        path = rng.choice(files)
        length = len(model.items[path] or b"")
        return Op("truncate", path, offset=rng.randrange(0, length + 3000))
    if roll < 0.62:
        return Op("mkdir", new_name(rng, model))
    if roll < 0.74:
        return Op("remove", rng.choice(list(model.items)))
    if roll < 0.86:
        source = rng.choice(list(model.items))
        target = rng.choice(files) if rng.random() < 0.3 else new_name(rng, model)
        return Op("rename", source, target)
    if roll < 0.93:
        return Op("remount")
    return Op("check", rng.choice(files))


def expected_error(model: Model, op: Op) -> int:
    """The errno the operation must fail with, or 0 (the model's view of POSIX-like rules)."""
    items = model.items
    if op.kind in ("write", "mkdir"):
        if parent_of(op.path) != "/" and items.get(parent_of(op.path), b"") is not None:
            return errno.ENOENT
        if op.kind == "mkdir" and op.path in items:
            return errno.EEXIST
        if op.kind == "write" and op.path in items and items[op.path] is None:
            return errno.EISDIR
    if op.kind == "remove" and items[op.path] is None and model.children(op.path):
        return errno.ENOTEMPTY
    if op.kind == "rename":
        src, dst = op.path, op.other
        if src == dst:
            return 0
        if parent_of(dst) != "/" and items.get(parent_of(dst), b"") is not None:
            return errno.ENOENT
        if dst in items:
            if items[dst] is None and items[src] is not None:
                return errno.EISDIR
            if items[dst] is not None and items[src] is None:
                return errno.ENOTDIR
            if items[dst] is None and model.children(dst):
                return errno.ENOTEMPTY
        if items[src] is None and (dst + "/").startswith(src + "/"):
            return errno.EINVAL
    return 0


def apply(model: Model, op: Op) -> None:
    items = model.items
    if op.kind == "write":
        items[op.path] = op.data
    elif op.kind == "append":
        items[op.path] = (items[op.path] or b"") + op.data
    elif op.kind == "overwrite":
        old = items[op.path] or b""
        padded = old + bytes(max(0, op.offset - len(old)))
        items[op.path] = padded[:op.offset] + op.data + padded[op.offset + len(op.data):]
    elif op.kind == "truncate":
        old = items[op.path] or b""
        items[op.path] = old[:op.offset] + bytes(max(0, op.offset - len(old)))
    elif op.kind == "mkdir":
        items[op.path] = None
    elif op.kind == "remove":
        del items[op.path]
    elif op.kind == "rename" and op.path != op.other:
        moved = {p: v for p, v in items.items() if p == op.path or p.startswith(op.path + "/")}
        for p in moved:
            del items[p]
        items.pop(op.other, None)
        for p, v in moved.items():
            items[op.other + p[len(op.path):]] = v


def run(fs: Kfs, op: Op) -> None:
    if op.kind == "write":
        fs.write_file(op.path, op.data, op.chunk)
    elif op.kind == "append":
        slot = fs.open(op.path, O_WRONLY | O_APPEND)
        try:
            fs.write(slot, op.data)
        finally:
            fs.close(slot)
    elif op.kind == "overwrite":
        slot = fs.open(op.path, O_RDWR)
        try:
            fs.seek(slot, op.offset, SEEK_SET)
            fs.write(slot, op.data)
        finally:
            fs.close(slot)
    elif op.kind == "truncate":
        slot = fs.open(op.path, O_RDWR)
        try:
            fs.truncate(slot, op.offset)
        finally:
            fs.close(slot)
    elif op.kind == "mkdir":
        fs.mkdir(op.path)
    elif op.kind == "remove":
        fs.remove(op.path)
    elif op.kind == "rename":
        fs.rename(op.path, op.other)
    elif op.kind == "remount":
        fs.unmount()
        fs.mount()


def check_against(fs: Kfs, model: Model) -> None:
    assert fs.tree() == model.items


GEOMETRIES = [
    # block size, blocks, prog size, cache, max file
    (1024, 128, 1, 64, 2500),
    (2048, 96, 4, 128, 6000),
    (4096, 48, 16, 256, 20000),
    (4096, 64, 4, 512, 12000),
    (16384, 12, 4, 2048, 40000),  # big inline files, like a board's 16 KiB flash sectors
]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: f"{g[0]}x{g[1]}-p{g[2]}-c{g[3]}")
@pytest.mark.parametrize("seed", range(6))
def test_random_operations_match_the_model(geometry: tuple[int, int, int, int, int], seed: int) -> None:
    block_size, count, prog, cache, max_size = geometry
    fs = Kfs(block_size=block_size, block_count=count, prog_size=prog, cache_size=cache, max_entries=96,
             block_cycles=8)
    fs.format()
    rng = random.Random(seed * 1000 + block_size)
    model = Model()
    full = 0
    for _ in range(150):
        op = plan(rng, model, max_size)
        if op.kind == "check":
            assert fs.read_file(op.path) == model.items[op.path]
            continue
        want = expected_error(model, op)
        before = model.copy()
        try:
            run(fs, op)
            got = 0
        except KfsError as error:
            got = error.errno
        if got == errno.ENOSPC and want == 0:
            # The metadata block (names, inline data, block lists) or the device is full: the operation did
            # not happen, or a long write committed part-way; nothing else may have changed.
            full += 1
            apply(model, op)
            tree = fs.tree()
            assert acceptable(tree, before, model, op), f"{op.kind} {op.path} after ENOSPC"
            model = Model(tree)
            continue
        assert got == want, f"{op.kind} {op.path} {op.other}: errno {got}, expected {want}"
        if got == 0:
            apply(model, op)
        assert fs.violations == 0, "programmed over data that was not erased"
    assert full < 40, "mostly a full filesystem: the geometry tests little"
    check_against(fs, model)
    fs.unmount()
    fs.mount()
    check_against(fs, model)
    used = sum(len(v or b"") for v in model.items.values())
    assert fs.statvfs()["blocks_free"] >= count - 2 - used // (block_size - 16) - len(model.items), "blocks leaked"


# ---- power loss ------------------------------------------------------------------------------------------

def power_loss_ops(seed: int, count: int, max_size: int) -> list[Op]:
    rng = random.Random(seed)
    model = Model()
    ops: list[Op] = []
    while len(ops) < count:
        op = plan(rng, model, max_size)
        if op.kind in ("check", "remount") or expected_error(model, op):
            continue
        ops.append(op)
        apply(model, op)
    return ops


def acceptable(fs_tree: dict[str, bytes | None], before: Model, after: Model, op: Op) -> bool:
    if fs_tree in (before.items, after.items):
        return True
    # A long write may commit on its own part-way (a full overlay): the file then holds a prefix of the new
    # data, everything else as before.
    if op.kind == "write":
        content = fs_tree.get(op.path)
        rest_ok = {p: v for p, v in fs_tree.items() if p != op.path} == \
            {p: v for p, v in before.items.items() if p != op.path}
        return rest_ok and isinstance(content, bytes) and op.data.startswith(content)
    if op.kind in ("append", "overwrite"):
        content = fs_tree.get(op.path)
        old, new = before.items[op.path] or b"", after.items[op.path] or b""
        rest_ok = {p: v for p, v in fs_tree.items() if p != op.path} == \
            {p: v for p, v in before.items.items() if p != op.path}
        return rest_ok and isinstance(content, bytes) and len(old) <= len(content) <= len(new) and \
            new.startswith(content[:len(old)] if op.kind == "append" else b"")
    return False


POWER_GEOMETRIES = [(1024, 96, 1, 64, 2000), (2048, 64, 4, 128, 5000), (4096, 32, 16, 256, 9000)]


@pytest.mark.parametrize("geometry", POWER_GEOMETRIES, ids=lambda g: f"{g[0]}x{g[1]}-p{g[2]}")
def test_power_loss_at_any_operation_keeps_every_committed_file(geometry: tuple[int, int, int, int, int]) -> None:
    block_size, count, prog, cache, max_size = geometry
    runs = 0
    states: set[int] = set()
    for seed in range(12):
        ops = power_loss_ops(seed, 40, max_size)
        # a clean run tells how many device operations the sequence makes
        clean = Kfs(block_size=block_size, block_count=count, prog_size=prog, cache_size=cache, block_cycles=6)
        clean.format()
        start = clean.ops
        for i, op in enumerate(ops):
            try:
                run(clean, op)
            except KfsError as error:
                assert error.errno == errno.ENOSPC
                ops = ops[:i]  # the sequence outgrew the metadata block: test the part that fits
                break
        total = clean.ops - start
        rng = random.Random(seed)
        for cut in sorted(rng.sample(range(total), min(total, 25))):
            fs = Kfs(block_size=block_size, block_count=count, prog_size=prog, cache_size=cache, block_cycles=6)
            fs.format()
            fs.cut_after(cut, seed=cut + 1)
            model = Model()
            failed_at = None
            for index, op in enumerate(ops):
                before = model.copy()
                try:
                    run(fs, op)
                except KfsError:
                    assert fs.dead, f"{op.kind} failed without a power cut"
                    failed_at = (index, before)
                    apply(model, op)
                    break
                apply(model, op)
            assert failed_at is not None, "the cut never happened"
            index, before = failed_at
            fs.power_on()
            fs.mount()  # must always mount
            tree = fs.tree()
            assert acceptable(tree, before, model, ops[index]), \
                f"seed {seed} cut {cut} during {ops[index].kind} {ops[index].path}: {sorted(tree)}"
            states.add(0 if tree == before.items else 1 if tree == model.items else 2)
            # and it goes on working: more changes, another remount
            fs.write_file("/after-the-cut", b"still works" * 50)
            fs.mkdir("/after-dir")
            fs.unmount()
            fs.mount()
            assert fs.read_file("/after-the-cut") == b"still works" * 50
            assert fs.violations == 0
            runs += 1
    assert runs >= 200
    assert 0 in states and len(states) >= 2, "cuts landed both before and after (part of) an operation took effect"


def test_power_loss_during_compaction_and_relocation() -> None:
    """Many small commits in a small block force compactions and moves of the pair: cut inside each."""
    ops = [Op("write", f"/f{i % 5}", data=bytes([i % 256]) * (i % 90), chunk=1 << 20) for i in range(300)]
    clean = Kfs(block_size=1024, block_count=32, prog_size=4, cache_size=64, block_cycles=3)
    clean.format()
    for op in ops:
        run(clean, op)
    assert clean.stat_fs("compactions") > 15 and clean.stat_fs("relocations") > 4
    total = clean.ops
    for cut in range(5, total, max(1, total // 150)):
        fs = Kfs(block_size=1024, block_count=32, prog_size=4, cache_size=64, block_cycles=3)
        fs.format()
        fs.cut_after(cut - 5, seed=cut)
        model = Model()
        for op in ops:
            before = model.copy()
            try:
                run(fs, op)
            except KfsError:
                apply(model, op)
                break
            apply(model, op)
        fs.power_on()
        fs.mount()
        assert fs.tree() in (before.items, model.items), f"cut {cut}"


# ---- wear, full device, throughput -------------------------------------------------------------------------

def test_wear_is_spread_over_the_device() -> None:
    fs = Kfs(block_size=1024, block_count=64, prog_size=4, cache_size=128, block_cycles=10)
    fs.format()
    rng = random.Random(5)
    for i in range(2000):
        fs.write_file(f"/log{i % 3}", rng.randbytes(rng.randrange(100, 3000)))
    counts = [fs.erase_count(b) for b in range(64)]
    mean = sum(counts) / len(counts)
    assert min(counts) > 0, "every block took writes"
    assert max(counts) < 3 * mean, f"erases per block: max {max(counts)}, mean {mean:.0f}"
    compactions = fs.stat_fs("compactions")
    assert compactions > 50 and fs.stat_fs("relocations") >= compactions // 10 - 1, "the pair moves every 10th time"


def test_full_device_reports_enospc_and_recovers(fs: Kfs) -> None:
    written = []
    with raises(errno.ENOSPC):
        for i in range(200):
            fs.write_file(f"/fill{i}", bytes([i % 251]) * 3000)
            written.append(i)
    assert fs.statvfs()["blocks_free"] <= 3
    for i in written:  # everything that was closed is intact
        assert fs.read_file(f"/fill{i}") == bytes([i % 251]) * 3000
    for i in written:
        fs.remove(f"/fill{i}")
    fs.remove(f"/fill{len(written)}") if ("f", f"fill{len(written)}", 0) in fs.listdir("/") else None
    for _kind, name, _ in fs.listdir("/"):
        fs.remove("/" + name)
    assert fs.statvfs()["blocks_free"] == 62
    fs.write_file("/again", b"a" * 20000)
    fs.unmount()
    fs.mount()
    assert fs.read_file("/again") == b"a" * 20000


def test_metadata_full_still_allows_deletion() -> None:
    fs = Kfs(block_size=1024, block_count=64, prog_size=1, cache_size=64, max_entries=200)
    fs.format()
    created = 0
    with raises(errno.ENOSPC):
        for i in range(200):
            fs.write_file(f"/{i:03d}" + "n" * 40, b"i" * 60)
            created += 1
    assert created > 3
    for i in range(created):
        fs.remove(f"/{i:03d}" + "n" * 40)
    assert fs.listdir("/") in ([], [("f", f"{created:03d}" + "n" * 40, 0)])


def test_throughput(record_property: pytest.RecordProperty) -> None:
    fs = Kfs(block_size=4096, block_count=256, prog_size=4, cache_size=512, max_entries=300)
    fs.format()
    data = random.Random(3).randbytes(1000)
    start = time.perf_counter()
    for i in range(1000):
        fs.write_file(f"/f{i % 50}", data)
    small_writes = 1000 / (time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(1000):
        fs.read_file(f"/f{i % 50}")
    small_reads = 1000 / (time.perf_counter() - start)
    big = random.Random(4).randbytes(256 * 1024)
    start = time.perf_counter()
    fs.write_file("/big", big, chunk=4096)
    write_mb_s = len(big) / (time.perf_counter() - start) / 1e6
    start = time.perf_counter()
    assert fs.read_file("/big") == big
    read_mb_s = len(big) / (time.perf_counter() - start) / 1e6
    start = time.perf_counter()
    for _ in range(20):
        fs.unmount()
        fs.mount()
    mount_ms = (time.perf_counter() - start) / 20 * 1000
    record_property("small_writes_per_s", round(small_writes))
    record_property("small_reads_per_s", round(small_reads))
    record_property("write_mb_s", round(write_mb_s, 1))
    record_property("read_mb_s", round(read_mb_s, 1))
    record_property("mount_ms", round(mount_ms, 2))
    print(f"\nkfs host: {small_writes:.0f} 1 KB file writes/s, {small_reads:.0f} reads/s, "
          f"{write_mb_s:.1f} MB/s write, {read_mb_s:.1f} MB/s read, mount {mount_ms:.2f} ms (1 MiB device, 51 files)")
    assert small_writes > 500 and small_reads > 1000
