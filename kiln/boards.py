"""Board and MCU files: discovery, schema validation with file:line errors, variants."""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiln import pins
from kiln.schema import Field, Problem, parse_size, validate
from kiln.tomlpos import key_lines, line_of

ROOT = Path(__file__).resolve().parent.parent
PORTS_DIR = ROOT / "ports"
DEFAULT_BOARD = "NETDUINO_PLUS_2"

CORES = ("cortex-m0plus", "cortex-m3", "cortex-m4f", "cortex-m7f", "rv32imc", "xtensa-lx6", "xtensa-lx7", "host")
IMAGE_KINDS = ("elf", "bin", "hex", "dfu", "uf2", "app", "bootloader", "partitions", "merged", "exe")
FLASH_METHODS = ("dfu", "pyocd", "uf2", "picoboot", "esptool")
EMULATORS = ("qemu-netduinoplus2", "rp2040js", "esp32c3-unicorn", "host")
NAME = r"[A-Z][A-Z0-9_]*"
BAUDS = (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000)


class BoardError(Exception):
    """A board or MCU file is invalid; `problems` lists `file:line: field: message` lines."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


MCU_SCHEMA = Field(
    "table",
    fields={
        "name": Field("str", required=True, doc="part number, e.g. STM32F405RG"),
        "family": Field("str", required=True, pattern=r"[a-z0-9]+"),
        "core": Field("str", required=True, choices=CORES),
        "max_cpu_hz": Field("int", required=True, minimum=1_000_000, maximum=1_000_000_000),
        "uf2_family_id": Field("int", minimum=0, maximum=0xFFFFFFFF),
        "images": Field("list", required=True, item=Field("str", choices=IMAGE_KINDS)),
        "flash_methods": Field("list", required=True, item=Field("str", choices=FLASH_METHODS)),
        "pyocd_target": Field("str"),
        "pyocd_pack": Field("str"),
        "esptool_chip": Field("str", doc="esptool --chip name"),
        "usb_dfu": Field("table", fields={
            "vid": Field("int", required=True, minimum=0, maximum=0xFFFF),
            "pid": Field("int", required=True, minimum=0, maximum=0xFFFF),
        }),
        "usb_boot": Field("table", fields={
            "vid": Field("int", required=True, minimum=0, maximum=0xFFFF),
            "pid": Field("int", required=True, minimum=0, maximum=0xFFFF),
        }),
        "app_offset": Field("int", minimum=0, doc="where the application image starts in flash"),
        "flash_offsets": Field("map", key_pattern=r"[a-z_]+", item=Field("int", minimum=0),
                               doc="named flash offsets, e.g. bootloader/partitions/app"),
        "gpio_count": Field("int", minimum=1, maximum=256),
        "uarts": Field("list", item=Field("int", minimum=0, maximum=16), doc="UART indices the chip has"),
        "max_flash_size": Field("size"),
        "flash_sectors": Field("tables", fields={
            "count": Field("int", required=True, minimum=1, maximum=256),
            "size": Field("size", required=True),
        }, doc="the erase-sector map of the FLASH region, in address order (e.g. 4 x 16K, 1 x 64K, 3 x 128K)"),
        "filesystem": Field("table", fields={
            "offset": Field("int", required=True, minimum=0, doc="from the start of flash; a sector boundary"),
            "size": Field("size", required=True),
        }, doc="internal-flash filesystem on whole sectors (flash_sectors): at the top of flash, or after the "
               "vector table's sector (the firmware then continues after it); the linker keeps the image out"),
        "memory": Field("map", required=True, key_pattern=NAME, item=Field("table", fields={
            "origin": Field("int", required=True, minimum=0, maximum=0xFFFFFFFF),
            "length": Field("size", required=True),
            "kind": Field("str", required=True, choices=("flash", "ram")),
        })),
    },
)

_PIN_TABLE = Field("tables", fields={
    "name": Field("str", required=True, pattern=NAME),
    "pin": Field("str", required=True),
    "active_low": Field("bool"),
})

_BOARD_FIELDS: dict[str, Field] = {
    "mcu": Field("str", required=True, pattern=r"[a-z0-9_]+", doc="file name under ports/<port>/mcu/"),
    "product": Field("str", required=True),
    "vendor": Field("str", required=True),
    "url": Field("str", required=True, pattern=r"https?://\S+"),
    "features": Field("list", item=Field("str", pattern=r"[a-z0-9_]+")),
    "emulator": Field("str", choices=EMULATORS),
    "default": Field("bool", doc="the port's default board"),
    "clock": Field("table", required=True, fields={
        "xtal_hz": Field("int", required=True, minimum=0, maximum=50_000_000, doc="0 = no crystal"),
        "cpu_hz": Field("int", required=True, minimum=1_000_000, maximum=1_000_000_000),
    }),
    "repl": Field("table", required=True, fields={
        "uart": Field("int", required=True, minimum=0, maximum=16),
        "baud": Field("int", required=True, choices=BAUDS),
        "tx": Field("str", required=True),
        "rx": Field("str", required=True),
        "usb": Field("bool", doc="also a USB CDC REPL"),
    }),
    "pins": Field("map", key_pattern=NAME, item=Field("str")),
    "leds": _PIN_TABLE,
    "buttons": _PIN_TABLE,
    "flash": Field("table", fields={
        "methods": Field("list", item=Field("str", choices=FLASH_METHODS)),
        "pyocd_target": Field("str"),
        "size": Field("size", doc="external/total flash size; overrides the MCU's FLASH length"),
        "chip": Field("str", doc="flash chip part number"),
        "mode": Field("str", choices=("qio", "qout", "dio", "dout")),
        "boot2": Field("str", pattern=r"[a-z0-9_]+", doc="second-stage boot block"),
        "partitions": Field("str", doc="partition table CSV, relative to ports/<port>/"),
    }),
    "modules": Field("table", fields={
        "manifest": Field("str", pattern=r"\S+\.toml",
                          doc="frozen-module manifest, relative to the board dir (default ports/<port>/manifest.toml)"),
        "user_c": Field("list", item=Field("str"), doc="user C module folders (kiln_module.toml), relative to the board dir"),
    }),
}


def _optional(spec: Field) -> Field:
    """The same field with every nested table member optional: a variant overrides only what it names."""
    fields = {k: _optional(v) for k, v in spec.fields.items()} if spec.kind == "table" else spec.fields
    return dataclasses.replace(spec, required=False, fields=fields)


BOARD_SCHEMA = Field("table", fields={
    **_BOARD_FIELDS,
    "variants": Field("map", key_pattern=NAME, item=Field("table", fields={
        key: _optional(spec) for key, spec in _BOARD_FIELDS.items() if key not in ("mcu", "default")
    } | {"description": Field("str")})),
})


@dataclass(frozen=True)
class Region:
    """One memory region of the target (for the linker script and the size report)."""

    name: str
    origin: int
    length: int
    kind: str

    @property
    def end(self) -> int:
        return self.origin + self.length


@dataclass
class Board:
    """A validated board (with one variant applied, if any) and its MCU."""

    id: str
    port: str
    path: Path
    mcu_path: Path
    data: dict[str, Any]
    mcu: dict[str, Any]
    regions: list[Region]
    variant: str = ""
    variants: list[str] = field(default_factory=list)

    @property
    def build_id(self) -> str:
        return f"{self.id}-{self.variant}" if self.variant else self.id

    @property
    def board_dir(self) -> Path:
        return self.path.parent

    @property
    def port_dir(self) -> Path:
        return PORTS_DIR / self.port

    @property
    def images(self) -> list[str]:
        return list(self.mcu["images"])

    @property
    def flash_methods(self) -> list[str]:
        return list(self.data.get("flash", {}).get("methods") or self.mcu["flash_methods"])

    @property
    def pyocd_target(self) -> str | None:
        return self.data.get("flash", {}).get("pyocd_target") or self.mcu.get("pyocd_target")

    @property
    def features(self) -> list[str]:
        return list(self.data.get("features", []))

    def region(self, name: str) -> Region:
        return next(r for r in self.regions if r.name == name)

    @property
    def link_regions(self) -> list[Region]:
        """Where the firmware may go (linker script, size report): see `link_regions()`."""
        return link_regions(self.regions, self.mcu)

    @property
    def filesystem_range(self) -> tuple[int, int] | None:
        """[start, end) addresses of the MCU's internal-flash /flash sectors, or None."""
        fs = self.mcu.get("filesystem")
        main = _main_flash(self.mcu)
        if fs is None or main is None:
            return None
        start = self.region(main[0]).origin + fs["offset"]
        return start, start + (parse_size(fs["size"]) or 0)

    @property
    def flash_size(self) -> int:
        """The board's flash chip size when it declares one (external flash), else the MCU's flash regions."""
        declared = parse_size(self.data.get("flash", {}).get("size"))
        return declared if declared is not None else sum(r.length for r in self.regions if r.kind == "flash")

    @property
    def ram_size(self) -> int:
        return sum(r.length for r in self.regions if r.kind == "ram")

    def pin_code(self, name: str) -> int:
        return pins.pin_code(self.port, self.data["pins"][name])

    def metadata(self) -> dict[str, Any]:
        """MicroPython board.json-like metadata, plus what Kiln knows about images and flashing."""
        return {
            "id": self.id,
            "port": self.port,
            "mcu": self.mcu["name"],
            "product": self.data["product"],
            "vendor": self.data["vendor"],
            "url": self.data["url"],
            "features": self.features,
            "variants": {name: self._variant_description(name) for name in self.variants},
            "images": self.images,
            "flash_methods": self.flash_methods,
            "flash_size": self.flash_size,
            "ram_size": self.ram_size,
            "cpu_hz": self.data["clock"]["cpu_hz"],
            "uf2_family_id": self.mcu.get("uf2_family_id"),
            "pyocd_target": self.pyocd_target,
            "emulator": self.data.get("emulator"),
            "default": bool(self.data.get("default", False)),
        }

    def _variant_description(self, name: str) -> str:
        raw = self.data.get("_raw_variants", {}).get(name, {})
        return str(raw.get("description", name))


def _read_toml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = match.group(1) if match else "1"
        raise BoardError([f"{_rel(path)}:{line}: <syntax>: {exc}; fix the TOML syntax"]) from None
    return data, key_lines(text)


def _format(path: Path, lines: dict[str, int], problems: list[Problem]) -> list[str]:
    return [f"{_rel(path)}:{line_of(lines, p.path)}: {p.path}: {p.message}" for p in problems]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def find_board_file(board_id: str) -> Path:
    matches = sorted(PORTS_DIR.glob(f"*/boards/{board_id}/board.toml"))
    if not matches:
        known = ", ".join(b for _, b in list_board_ids())
        raise BoardError([f"unknown board {board_id!r}; known boards: {known}"])
    return matches[0]


def list_board_ids() -> list[tuple[str, str]]:
    """(port, board id) for every board file, sorted by port then id."""
    return sorted((p.parts[-4], p.parts[-2]) for p in PORTS_DIR.glob("*/boards/*/board.toml"))


def load_mcu(path: Path) -> dict[str, Any]:
    data, lines = _read_toml(path)
    problems: list[Problem] = []
    validate(data, MCU_SCHEMA, "", problems)
    if not problems:
        problems += _check_regions(data)
    if not problems:
        problems += _check_filesystem(data)
    if problems:
        raise BoardError(_format(path, lines, problems))
    return data


def _main_flash(mcu: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The flash region the firmware is linked into: the one named FLASH, else the first of kind flash."""
    flash = [(name, spec) for name, spec in mcu["memory"].items() if spec["kind"] == "flash"]
    return next((f for f in flash if f[0] == "FLASH"), flash[0] if flash else None)


def sector_offsets(mcu: dict[str, Any]) -> list[int]:
    """Offsets (from the start of flash) of every sector boundary of `flash_sectors`, 0 and the end included."""
    offsets = [0]
    for group in mcu.get("flash_sectors", []):
        size = parse_size(group["size"]) or 0
        offsets += [offsets[-1] + size * (i + 1) for i in range(group["count"])]
    return offsets


def _check_filesystem(mcu: dict[str, Any]) -> list[Problem]:
    """`filesystem` must cover whole sectors inside the firmware's flash region, leave the application's start
    (app_offset, where the vector table goes) outside, and not lie in a resident bootloader before it."""
    problems: list[Problem] = []
    main = _main_flash(mcu)
    if "flash_sectors" in mcu and main is not None:
        total = sector_offsets(mcu)[-1]
        length = parse_size(main[1]["length"])
        if total != length:
            problems.append(Problem("flash_sectors", f"the sectors add up to {total} bytes but memory.{main[0]} is "
                                                     f"{length} bytes long; list every sector of the region"))
    fs = mcu.get("filesystem")
    if fs is None or main is None or problems:
        return problems
    name, spec = main
    offset, size = fs["offset"], parse_size(fs["size"]) or 0
    flash_length = parse_size(spec["length"]) or 0
    app_offset = mcu.get("app_offset", 0)
    end = offset + size
    if size == 0:
        problems.append(Problem("filesystem.size", "is 0; give the filesystem at least two sectors"))
    if end > flash_length:
        problems.append(Problem("filesystem", f"0x{offset:x}..0x{end:x} ends past the end of memory.{name} "
                                              f"(0x{flash_length:x} bytes); make it smaller or move it down"))
    if "flash_sectors" not in mcu:
        problems.append(Problem("filesystem", "needs flash_sectors (the erase-sector map) to check that it covers "
                                              "whole sectors"))
    else:
        boundaries = sector_offsets(mcu)
        for key, value in (("offset", offset), ("size", end)):
            if value not in boundaries and value <= flash_length:
                below = max(b for b in boundaries if b <= value)
                above = min((b for b in boundaries if b > value), default=flash_length)
                what = "starts" if key == "offset" else "ends"
                problems.append(Problem(f"filesystem.{key}", f"/flash {what} at 0x{value:x}, not on a sector boundary "
                                                             f"(nearest: 0x{below:x}, 0x{above:x})"))
    if offset <= app_offset < end:
        problems.append(Problem("filesystem.offset", f"0x{offset:x}..0x{end:x} overlaps the start of the firmware "
                                                     f"(app_offset 0x{app_offset:x}, the vector table); start it at a "
                                                     "later sector"))
    elif offset < app_offset:
        problems.append(Problem("filesystem.offset", f"0x{offset:x} lies before app_offset 0x{app_offset:x} (the "
                                                     "resident bootloader's flash); move it after the vector table"))
    return problems


def link_regions(regions: list[Region], mcu: dict[str, Any]) -> list[Region]:
    """The regions as the linker and the size report see them: with a `filesystem` (STM32), the firmware's flash
    region starts at app_offset and leaves /flash out. A filesystem at the top just shortens it; one further down
    splits it into FLASH_HEAD (the vector table's sectors, before /flash) and FLASH (the rest, after it).
    Without one, the regions as declared."""
    main = _main_flash(mcu)
    fs = mcu.get("filesystem")
    if main is None or fs is None:
        return list(regions)
    app_offset = int(mcu.get("app_offset", 0))
    result = []
    for region in regions:
        if region.name != main[0]:
            result.append(region)
            continue
        start = region.origin + app_offset
        fs_start = region.origin + fs["offset"]
        fs_end = fs_start + (parse_size(fs["size"]) or 0)
        if fs_end >= region.end:
            result.append(Region(region.name, start, fs_start - start, region.kind))
        else:
            result.append(Region(f"{region.name}_HEAD", start, fs_start - start, region.kind))
            result.append(Region(region.name, fs_end, region.end - fs_end, region.kind))
    return result


def _check_regions(mcu: dict[str, Any], flash_size: int | None = None) -> list[Problem]:
    problems: list[Problem] = []
    regions = sorted(
        (spec["origin"], spec["origin"] + parse_size(spec["length"]), name)  # type: ignore[operator]
        for name, spec in mcu["memory"].items()
    )
    for (start_a, end_a, name_a), (start_b, _end_b, name_b) in zip(regions, regions[1:], strict=False):
        if start_b < end_a:
            problems.append(Problem(
                f"memory.{name_b}",
                f"region {name_b} (0x{start_b:08x}) overlaps {name_a} (0x{start_a:08x}..0x{end_a:08x}); "
                "regions must not overlap",
            ))
    for _, end, name in regions:
        if end > 0x1_0000_0000:
            problems.append(Problem(f"memory.{name}", f"region {name} ends past the 4 GiB address space"))
    if not any(spec["kind"] == "flash" for spec in mcu["memory"].values()) and mcu["core"] != "host":
        problems.append(Problem("memory", "needs at least one region of kind \"flash\""))
    return problems


def load_board(board_id: str, variant: str = "") -> Board:
    """Loads and validates a board (and its MCU file); raises BoardError listing every problem."""
    path = find_board_file(board_id)
    return load_board_file(path, variant)


def load_board_file(path: Path, variant: str = "") -> Board:
    port = path.parts[-4]
    board_id = path.parts[-2]
    data, lines = _read_toml(path)
    problems: list[Problem] = []
    validate(data, BOARD_SCHEMA, "", problems)
    if problems:
        raise BoardError(_format(path, lines, problems))
    mcu_dir = path.parents[2] / "mcu"  # ports/<port>/mcu, next to boards/
    mcu_path = mcu_dir / f"{data['mcu']}.toml"
    if not mcu_path.exists():
        available = ", ".join(sorted(p.stem for p in mcu_dir.glob("*.toml")))
        raise BoardError(_format(path, lines, [Problem(
            "mcu", f"no MCU file ports/{port}/mcu/{data['mcu']}.toml; available: {available}")]))
    mcu = load_mcu(mcu_path)
    variants = sorted(data.get("variants", {}))
    raw_variants = data.pop("variants", {})
    if variant:
        if variant not in raw_variants:
            raise BoardError([f"{_rel(path)}:1: variants: board {board_id} has no variant {variant!r}; "
                              f"available: {', '.join(variants) or 'none'}"])
        override = {k: v for k, v in raw_variants[variant].items() if k != "description"}
        data = _merge(data, override)
    data["_raw_variants"] = raw_variants
    problems = _check_board(data, mcu, port, path.parent)
    if variant and problems:
        problems = [Problem(f"variants.{variant}.{p.path}" if p.path.split(".")[0] in raw_variants[variant]
                            else p.path, p.message) for p in problems]
    if problems:
        raise BoardError(_format(path, lines, problems))
    regions = _regions(data, mcu)
    return Board(board_id, port, path, mcu_path, data, mcu, regions, variant, variants)


def _regions(data: dict[str, Any], mcu: dict[str, Any]) -> list[Region]:
    flash_size = parse_size(data.get("flash", {}).get("size")) if "size" in data.get("flash", {}) else None
    regions = []
    for name, spec in mcu["memory"].items():
        length = parse_size(spec["length"])
        assert length is not None
        if spec["kind"] == "flash" and name == "FLASH" and flash_size is not None:
            length = flash_size
        regions.append(Region(name, spec["origin"], length, spec["kind"]))
    return sorted(regions, key=lambda r: r.origin)


def _check_modules(data: dict[str, Any], board_dir: Path) -> list[Problem]:
    """[modules]: the manifest and the user C module folders must exist (their contents are checked by
    kiln/frozen.py and kiln/usercmod.py, which name the manifest / kiln_module.toml line)."""
    problems: list[Problem] = []
    modules = data.get("modules", {})
    manifest = modules.get("manifest")
    if manifest is not None and not (board_dir / manifest).is_file():
        problems.append(Problem("modules.manifest", f"no such manifest file {manifest!r} (relative to the board dir)"))
    for index, folder in enumerate(modules.get("user_c", [])):
        if not (board_dir / folder / "kiln_module.toml").is_file():
            problems.append(Problem(f"modules.user_c.{index}", f"{folder!r} is not a folder holding kiln_module.toml "
                                                               "(relative to the board dir)"))
    return problems


def _check_board(data: dict[str, Any], mcu: dict[str, Any], port: str, board_dir: Path) -> list[Problem]:
    """Cross-field checks that need the MCU: clocks, pins, UART, flash methods, sizes."""
    problems: list[Problem] = []
    cpu_hz = data["clock"]["cpu_hz"]
    if cpu_hz > mcu["max_cpu_hz"]:
        problems.append(Problem("clock.cpu_hz", f"{cpu_hz} Hz exceeds the {mcu['name']} maximum of "
                                                f"{mcu['max_cpu_hz']} Hz; use at most that"))
    if "uarts" in mcu and data["repl"]["uart"] not in mcu["uarts"]:
        problems.append(Problem("repl.uart", f"{mcu['name']} has no UART {data['repl']['uart']}; "
                                             f"allowed: {', '.join(map(str, mcu['uarts']))}"))
    used: dict[int, str] = {}

    def check_pin(path: str, text: str, exclusive: bool) -> None:
        try:
            code = pins.pin_code(port, text, mcu.get("gpio_count"))
        except ValueError as exc:
            problems.append(Problem(path, str(exc)))
            return
        if exclusive:
            if code in used:
                problems.append(Problem(path, f"pin {text} is already used by {used[code]}; "
                                              "each function needs its own pin"))
            used[code] = path

    check_pin("repl.tx", data["repl"]["tx"], True)
    check_pin("repl.rx", data["repl"]["rx"], True)
    for kind in ("leds", "buttons"):
        for index, entry in enumerate(data.get(kind, [])):
            check_pin(f"{kind}.{index}.pin", entry["pin"], True)
    for name, text in data.get("pins", {}).items():
        check_pin(f"pins.{name}", text, False)
    methods = data.get("flash", {}).get("methods", [])
    for index, method in enumerate(methods):
        if method not in mcu["flash_methods"]:
            problems.append(Problem(f"flash.methods.{index}", f"{method!r} is not supported by {mcu['name']}; "
                                                             f"allowed: {', '.join(mcu['flash_methods'])}"))
    problems += _check_modules(data, board_dir)
    size = data.get("flash", {}).get("size")
    if size is not None:
        size_bytes = parse_size(size) or 0
        limit = parse_size(mcu.get("max_flash_size"))
        if limit is not None and size_bytes > limit:
            problems.append(Problem("flash.size", f"{size} is larger than the {mcu['name']} can address "
                                                  f"({limit} bytes); use at most that"))
        offsets = dict(mcu.get("flash_offsets", {}))
        offsets["app"] = mcu.get("app_offset", offsets.get("app", 0))
        for name, offset in offsets.items():
            if offset >= size_bytes:
                problems.append(Problem("flash.size", f"{size} is too small: the {name} image starts at "
                                                      f"0x{offset:x}; use a larger flash size"))
    return problems


def all_boards() -> list[Board]:
    """Every board (default variant), sorted by port then id; raises BoardError on the first bad file."""
    return [load_board_file(PORTS_DIR / port / "boards" / board / "board.toml") for port, board in list_board_ids()]


def default_board(port: str) -> str:
    for port_name, board in list_board_ids():
        if port_name == port:
            data, _ = _read_toml(PORTS_DIR / port / "boards" / board / "board.toml")
            if data.get("default"):
                return board
    raise BoardError([f"port {port!r} has no board with default = true"])
