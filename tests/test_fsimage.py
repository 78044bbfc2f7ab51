"""kiln/fsimage.py against core/fs: images built in Python mount in the C filesystem (and it keeps working on
them); images the C filesystem wrote (after compactions, moves and power cuts) read back the same in Python."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kiln.fsimage import Geometry, ImageError, build_image, main, read_image, tree_from_directory
from tests.support.kfs_host import Kfs, KfsError
from tests.test_fs import Model, apply, plan, run


def sample_tree(rng: random.Random) -> dict[str, bytes | None]:
    return {
        "/boot.py": b"# boot.py: runs first\nimport machine\n",
        "/main.py": b"print('hello from the image')\n" * 20,  # > inline: data blocks
        "/lib": None,
        "/lib/empty.py": b"",
        "/lib/drivers/sensor.py": rng.randbytes(9000),
        "/data/blob.bin": rng.randbytes(3 * 4092 + 17),
        "/data/" + "n" * 64: b"longest name",
    }


@pytest.mark.parametrize("prog_size", [1, 4, 16])
def test_python_image_mounts_in_c(prog_size: int) -> None:
    tree = sample_tree(random.Random(prog_size))
    geometry = Geometry(block_size=4096, block_count=16, prog_size=prog_size, inline_max=256)
    image = build_image(tree, geometry)
    assert len(image) == 4096 * 16
    fs = Kfs(block_size=4096, block_count=16, prog_size=prog_size, cache_size=256)
    fs.load_image(image)
    fs.mount()
    expected = {**tree, "/data": None, "/lib/drivers": None}
    assert fs.tree() == expected
    # it is a live filesystem: change it, remount, and both C and Python see the change
    fs.write_file("/lib/drivers/sensor.py", b"replaced")
    fs.remove("/data/blob.bin")
    fs.mkdir("/new")
    fs.unmount()
    fs.mount()
    expected.update({"/lib/drivers/sensor.py": b"replaced", "/new": None})
    del expected["/data/blob.bin"]
    assert fs.tree() == expected
    assert read_image(fs.image, 4096, 16) == expected
    assert fs.statvfs()["blocks_free"] == 16 - 2 - 1  # the pair and main.py's block


def test_images_from_c_read_back_in_python() -> None:
    """The C filesystem after random work (several commits, compactions, a moved pair) reads the same in the
    Python reader."""
    pair_blocks: set[int] = set()
    for seed in range(5):
        fs = Kfs(block_size=1024, block_count=128, prog_size=4, cache_size=128, block_cycles=3)
        fs.format()
        rng = random.Random(seed)
        model = Model()
        for _ in range(120):
            op = plan(rng, model, 3000)
            if op.kind == "check":
                continue
            try:
                run(fs, op)
            except KfsError:
                continue
            apply(model, op)
            assert read_image(fs.image, 1024, 128) == fs.tree()
            pair_blocks.add(fs.stat_fs("active"))
    assert pair_blocks - {0, 1}, "the metadata pair moved at least once"



def test_torn_images_read_like_c_mounts_them() -> None:
    tree = sample_tree(random.Random(9))
    image = build_image(tree, Geometry(block_size=4096, block_count=16))
    for cut in range(1, 60, 3):
        fs = Kfs(block_size=4096, block_count=16, prog_size=4, cache_size=256, block_cycles=3)
        fs.load_image(image)
        fs.mount()
        fs.cut_after(cut, seed=cut)
        try:
            for i in range(40):
                fs.write_file(f"/log{i % 3}", bytes([i]) * (50 + 40 * i))
        except KfsError:
            pass
        fs.power_on()
        fs.mount()
        assert read_image(fs.image, 4096, 16) == fs.tree(), f"cut {cut}"


def test_geometry_limits_are_reported() -> None:
    with pytest.raises(ImageError, match="metadata"):
        build_image({f"/f{i}": b"x" * 200 for i in range(40)}, Geometry(block_size=4096, block_count=8))
    with pytest.raises(ImageError, match="out of blocks"):
        build_image({"/big": bytes(5 * 4096)}, Geometry(block_size=4096, block_count=6))
    with pytest.raises(ImageError, match="name longer"):
        build_image({"/" + "x" * 65: b""}, Geometry())
    with pytest.raises(ImageError, match="both a file and a directory"):
        build_image({"/a": b"file", "/a/b": b"under a file"}, Geometry())
    with pytest.raises(ImageError, match="no valid kfs"):
        read_image(bytes(4096 * 16), 4096, 16)
    bigger_inline = build_image({"/x": b"1" * 500}, Geometry(inline_max=512))
    fs = Kfs(block_size=4096, block_count=16, cache_size=256)
    fs.load_image(bigger_inline)
    with pytest.raises(KfsError):
        fs.mount()  # a 256-byte cache cannot hold its 500-byte inline file: refused, not misread


def test_command_line_builds_and_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "root"
    (source / "lib").mkdir(parents=True)
    (source / "main.py").write_text("print('cli')\n")
    (source / "lib" / "util.py").write_bytes(b"u" * 5000)
    image = tmp_path / "fs.img"
    assert main(["build", str(source), str(image), "--block-size", "4096", "--block-count", "8"]) == 0
    assert image.stat().st_size == 8 * 4096
    assert read_image(image.read_bytes(), 4096, 8) == tree_from_directory(source)
    capsys.readouterr()
    assert main(["ls", str(image), "--block-size", "4096", "--block-count", "8"]) == 0
    listing = capsys.readouterr().out
    assert "dir   /lib" in listing and "5000  /lib/util.py" in listing and "13  /main.py" in listing
    assert main(["ls", str(image), "--block-size", "2048", "--block-count", "16"]) == 1  # wrong geometry
